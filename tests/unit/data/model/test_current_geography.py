"""The current NHS geography (issue 19), recomputed from the raw files under the data root:
ICB values of FFT, QOF prevalence and dementia diagnosis from their practices / sub-ICB rows
(and the published ICB rows), avoidable mortality on merged CCG 2021 areas against population-
weighted means of their predecessors, no peer or lineage piece from a boundary artefact, names,
search, layers and the sub-ICB series joining across the April 2023 code change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.model import schema as s
from data.model.settings import get_settings
from data.queries.places import resolve_code, search_places

DATA = get_settings().data_dir
IND = DATA / "indicators"
needs_data = pytest.mark.skipif(not IND.is_dir(), reason="real data not present")
pytestmark = needs_data

CORNWALL_ICB, SOUTH_YORKS_ICB = "E54000036", "E54000061"
BRADFORD = "E38000232"  # NHS Bradford District and Craven CCG, from 02N + 02R + 02W in 2018
MAPPING = IND / "qof_prevalence_2022_23/MAPPING_NHS_GEOGRAPHIES_2223.csv"
SUBICB_ICB = DATA / "lookups/sicbl24_icb24/sicbl24_icb24_apr2024.csv"


def rows(model, indicator, geography, period=None, sex="Persons"):
    v = model.indicators
    out = v[(v[s.INDICATOR_ID] == indicator) & (v[s.GEOGRAPHY] == geography) & (v[s.SEX] == sex)]
    return out if period is None else out[out[s.PERIOD] == period]


def icb_of_subicb_ods() -> pd.Series:
    lk = pd.read_csv(SUBICB_ICB, dtype=str)
    return lk.set_index("sicbl24_code_nhs")["icb24_code"]


# --- ICB values from practices and sub-ICB rows ------------------------------------------------------


def test_fft_icb_values_from_practices(model):
    """GP FFT February 2026 by ICB 2023: positive / responses summed over practices (A84009 rejected:
    more responses than patients), practice -> sub-ICB (QOF 2022/23 mapping) -> ICB 2023."""
    f = pd.read_csv(IND / "gp_fft_practice_2026_02/fft_gp_feb26.csv", dtype={"gp_code": str}).dropna(
        subset=["fft_responses", "fft_pct_positive"]
    )
    f = f[f["gp_code"] != "A84009"]
    sub = pd.read_csv(MAPPING, dtype=str, encoding="utf-8-sig").set_index("PRACTICE_CODE")["SUB_ICB_ODS_CODE"]
    f["icb"] = f["gp_code"].map(sub).map(icb_of_subicb_ods())
    f["positive"] = (f["fft_responses"] * f["fft_pct_positive"] / 100).round()
    by_icb = f.dropna(subset=["icb"]).groupby("icb")[["positive", "fft_responses"]].sum()
    got = rows(model, "gp_fft_positive", "icb23").set_index(s.AREA_CODE)
    assert len(got) == 42
    assert (got[s.COUNT] == by_icb["positive"].reindex(got.index)).all()
    assert (got[s.DENOMINATOR] == by_icb["fft_responses"].reindex(got.index)).all()
    cornwall, yorks = got.loc[CORNWALL_ICB], got.loc[SOUTH_YORKS_ICB]
    assert (round(cornwall[s.VALUE], 2), cornwall[s.COUNT], cornwall[s.DENOMINATOR]) == (88.48, 11401, 12886)
    assert (round(cornwall[s.LOWER95], 2), round(cornwall[s.UPPER95], 2)) == (87.91, 89.02)  # Wilson
    assert (round(yorks[s.VALUE], 2), yorks[s.DENOMINATOR]) == (93.05, 32051)


def test_qof_prevalence_icb_values_from_practices(model):
    """All 21 QOF 2022/23 registers by ICB 2023 = practice registers / list sizes, and equal to the
    derived ICB rows of the data root."""
    p = pd.read_csv(IND / "qof_prevalence_2022_23/PREVALENCE_2223.csv", dtype={"PRACTICE_CODE": str})
    sub = pd.read_csv(MAPPING, dtype=str, encoding="utf-8-sig").set_index("PRACTICE_CODE")["SUB_ICB_ODS_CODE"]
    p["icb"] = p["PRACTICE_CODE"].map(sub).map(icb_of_subicb_ods())
    sums = p.groupby(["GROUP_CODE", "icb"])[["REGISTER", "PRACTICE_LIST_SIZE"]].sum()
    v = model.indicators
    icb = v[
        v[s.INDICATOR_ID].str.match(r"qof_[a-z]+$")
        & (v[s.GEOGRAPHY] == "icb23")
        & (v[s.INDICATOR_ID] != "qof_points")
    ]
    assert icb[s.INDICATOR_ID].nunique() == 21 and len(icb) == 21 * 42
    key = pd.MultiIndex.from_arrays(
        [icb[s.INDICATOR_ID].str.removeprefix("qof_").str.upper(), icb[s.AREA_CODE]]
    )
    assert (icb[s.COUNT].to_numpy() == sums["REGISTER"].reindex(key).to_numpy()).all()
    assert (icb[s.DENOMINATOR].to_numpy() == sums["PRACTICE_LIST_SIZE"].reindex(key).to_numpy()).all()
    dem = icb[(icb[s.INDICATOR_ID] == "qof_dem") & (icb[s.AREA_CODE] == CORNWALL_ICB)].iloc[0]
    assert (dem[s.COUNT], dem[s.DENOMINATOR], round(dem[s.VALUE], 3)) == (5468, 600327, 0.911)
    derived = pd.read_csv(
        IND / "qof_prevalence_2022_23/qof_prevalence_2022_23_subicb_icb_region_england.csv", dtype=str
    )
    derived = derived[derived["level"] == "ICB"]
    ods = (
        pd.read_csv(SUBICB_ICB, dtype=str)
        .drop_duplicates("icb24_code_nhs")
        .set_index("icb24_code_nhs")["icb24_code"]
    )
    derived = derived.assign(
        icb=derived["area_ods_code"].map(ods), register=derived["register"].astype(float)
    )
    mine = sums["REGISTER"].reindex(pd.MultiIndex.from_arrays([derived["GROUP_CODE"], derived["icb"]]))
    assert (mine.to_numpy() == derived["register"].to_numpy()).all()


def test_dementia_icb_rows_published_and_equal_to_the_sum_of_their_subicb_rows(model):
    raw = pd.read_csv(
        IND
        / "dementia_diagnosis_rate_subicb_2024/dementia_diagnosis_rate_65plus_subicb_icb_region_monthly_2024-01_2025-01.csv",
        dtype={"ods_code": str},
    )
    sub = raw[raw["org_type"] == "SUB_ICB_LOC"].assign(icb=lambda d: d["ods_code"].map(icb_of_subicb_ods()))
    summed = sub.groupby(["period", "icb"])[["dementia_register_65plus", "dementia_estimate_65plus"]].sum()
    got = rows(model, "dementia_ddr_65plus", "icb23").set_index([s.PERIOD, s.AREA_CODE])
    assert len(got) == 546 and (got[s.HARMONISATION] == "published").all()
    assert (got[s.COUNT] == summed["dementia_register_65plus"].reindex(got.index)).all()
    assert (got[s.DENOMINATOR] - summed["dementia_estimate_65plus"].reindex(got.index)).abs().max() <= 0.25
    assert ((100 * got[s.COUNT] / got[s.DENOMINATOR]) - got[s.VALUE]).abs().max() <= 0.06
    jan = got.loc[("2025-01", CORNWALL_ICB)]
    assert (jan[s.VALUE], jan[s.COUNT], jan[s.LOWER95]) == (61.8, 6130, 55.4)  # published limits kept
    # the sub-ICB rows keep their published April 2023 codes (92A, 70F re-coded then)
    subicb = rows(model, "dementia_ddr_65plus", "sicbl23")
    assert {"E38000264", "E38000265"} <= set(subicb[s.AREA_CODE])
    assert "E38000246" not in set(subicb[s.AREA_CODE])


def test_the_methods_lookup_made_at_load_holds_every_row_of_the_frame(model):
    """``model.methods`` (what the controls ask on every change) is the build's geography_methods
    frame by (indicator, geography): every pair, with the same record."""
    methods = model.frames["geography_methods"]
    pairs = methods.drop_duplicates([s.INDICATOR_ID, s.GEOGRAPHY])
    assert len(model.methods) == len(pairs) > 100
    for row in pairs.sample(50, random_state=1).to_dict("records"):
        assert model.methods[(row[s.INDICATOR_ID], row[s.GEOGRAPHY])] == row


def test_every_icb_comes_from_all_its_members_or_is_left_out_with_a_reason(model):
    methods = model.frames["geography_methods"]
    icb = methods[methods[s.GEOGRAPHY] == "icb23"].set_index(s.INDICATOR_ID)
    assert set(icb.index) == set(model.catalogue.index)
    assert (icb["how"].str.len() > 20).all()
    additive = [i for i in icb.index if model.catalogue.at[i, "statistic"] in ("proportion", "rate")]
    full = icb.loc[additive]
    assert ((full["n_areas"] == 42) | (full["status"] == "partial")).all()
    partial = icb[icb["status"] == "partial"]
    assert set(partial.index) >= {"gp_appt_dna_rate", "mh_oaps_rate"}
    assert partial["how"].str.contains("of 42 areas have a value").all()
    weighted = icb[icb["status"] == "population-weighted"]
    assert {"mort_treatable_u75", "mort_preventable_u75"} <= set(weighted.index)
    v = model.indicators
    pw = v[(v[s.GEOGRAPHY] == "icb23") & (v[s.HARMONISATION] == "population-weighted")]
    assert pw[s.NOTE].str.contains("an approximation, not the ICB's own statistic").all()


def test_population_weighted_icb_mortality_recomputed(model):
    """NHS West Yorkshire ICB treatable mortality 2015: the mean of its 5 sub-ICB values weighted by
    their populations (the rows' own denominators, CCGpop moved by the lineage)."""
    icb = "E54000054"
    members = model.areas[(model.areas[s.GEOGRAPHY] == "sicbl23") & (model.areas["parent_code"] == icb)][
        s.AREA_CODE
    ]
    sub = rows(model, "mort_treatable_u75", "sicbl23", "2015").set_index(s.AREA_CODE).loc[members]
    expected = (sub[s.VALUE] * sub[s.DENOMINATOR]).sum() / sub[s.DENOMINATOR].sum()
    got = rows(model, "mort_treatable_u75", "icb23", "2015").set_index(s.AREA_CODE).loc[icb]
    assert got[s.VALUE] == pytest.approx(expected) and got[s.HARMONISATION] == "population-weighted"


# --- avoidable mortality: population-weighted history ---------------------------------------------------

MORTALITY = IND / "avoidable_mortality_ccg_2010_2019/Annual_Mortality_and_Control_Variables_ccg.csv"
MORT = {
    "Treatable_Mortality_Rate": "mort_treatable_u75",
    "Preventatable_Mortality_Rate": "mort_preventable_u75",
}


def test_bradford_2010_treatable_is_population_weighted(model):
    raw = pd.read_csv(MORTALITY)
    codes = ["E38000001", "E38000018", "E38000019"]  # 02N, 02W, 02R (April 2019 E38 codes)
    rate = raw[(raw["year"] == 2010) & raw["ccg19cd"].isin(codes)].set_index("ccg19cd")[
        "Treatable_Mortality_Rate"
    ]
    pop = raw[(raw["year"] == 2012) & raw["ccg19cd"].isin(codes)].set_index("ccg19cd")["CCGpop"]
    assert raw.loc[raw["year"].isin([2010, 2011]), "CCGpop"].isna().all()  # why the nearest year is needed
    reference = float((rate * pop).sum() / pop.sum())
    got = rows(model, "mort_treatable_u75", "ccg21", "2010").set_index(s.AREA_CODE).loc[BRADFORD]
    assert round(reference, 1) == 112.8 and round(got[s.VALUE], 1) == 112.8
    assert "2012 populations" in got[s.NOTE]


def mortality_reference(model) -> pd.DataFrame:
    """Population-weighted means of the predecessors, from the raw file and the model's lineage:
    value = sum(rate_i x pop_i x share_i) / sum(pop_i x share_i), pop_i the file's CCGpop of that year,
    else of the nearest year with one (ties: the later)."""
    d = pd.read_csv(MORTALITY)
    d = d[d["ccg19cd"].astype(str).str.startswith("E38") & d["year"].between(2010, 2019)]
    q = pd.read_csv(IND / "qof_points_practice_ccg/qof_points_ccg_by_year.csv", dtype=str)
    ods19 = q[q["qof_year"] == "2018-19"].set_index("ccg_ons_code")["ccg_ods_code"]
    d["geography"] = np.where(d["year"] == 2019, "ccg20", "ccg19")
    d["code"] = np.where(d["year"] == 2019, d["ccg19cd"], d["ccg19cd"].map(ods19))
    d = d[d["code"].notna()]
    pops = d.dropna(subset=["CCGpop"])

    def nearest(code, year):
        c = pops[pops["ccg19cd"] == code]
        if c.empty:
            return np.nan
        return c.loc[((c["year"] - year).abs() - c["year"] / 1e4).idxmin(), "CCGpop"]

    d["w"] = [p if p == p else nearest(c, y) for p, c, y in zip(d["CCGpop"], d["ccg19cd"], d["year"])]
    long = d.melt(
        id_vars=["code", "geography", "year", "w"], value_vars=list(MORT), var_name="col", value_name="rate"
    )
    long = long.dropna(subset=["rate"]).assign(indicator_id=lambda x: x["col"].map(MORT))
    lineage = model.lineage[model.lineage["to_geography"] == "ccg21"]
    out = []
    for geography, part in long.groupby("geography"):
        links = lineage[lineage["from_geography"] == geography]
        n_from = links.groupby("to_code")["from_code"].nunique()
        changed = set(n_from[n_from > 1].index) | set(links.loc[links["method"] == "apportioned", "to_code"])
        j = part.merge(links, left_on="code", right_on="from_code")
        j = j[j["to_code"].isin(changed)].assign(ww=lambda x: x["w"] * x["share"])
        expected = links.groupby("to_code")["from_code"].apply(frozenset)
        for (ind, year, to), g in j.groupby(["indicator_id", "year", "to_code"]):
            if frozenset(g["from_code"]) >= expected[to]:
                out.append((ind, str(year), to, (g["rate"] * g["ww"]).sum() / g["ww"].sum()))
    return pd.DataFrame(out, columns=[s.INDICATOR_ID, s.PERIOD, s.AREA_CODE, "reference"])


def test_merged_area_mortality_2010_2019_is_population_weighted(model):
    ref = mortality_reference(model)
    v = model.indicators
    mine = v[v[s.INDICATOR_ID].isin(MORT.values()) & (v[s.GEOGRAPHY] == "ccg21") & (v[s.SEX] == "Persons")]
    joined = ref.merge(mine[[s.INDICATOR_ID, s.PERIOD, s.AREA_CODE, s.VALUE, s.HARMONISATION]], how="left")
    assert len(joined) > 400 and joined[s.VALUE].notna().all()
    assert set(joined[s.HARMONISATION]) <= {"merged", "apportioned"}
    rel = (joined[s.VALUE] - joined["reference"]).abs() / joined["reference"]
    early = joined[s.PERIOD].isin(["2010", "2011"])
    assert early.sum() == 81  # 27 merged or split areas x (treatable 2010, 2011; preventable 2011)
    assert (rel <= 0.005).all(), joined[rel > 0.005]
    assert rel.max() < 1e-9  # the same computation, not merely close


# --- no artefact (sliver) in the lineage, the peers or search -----------------------------------------


def test_lineage_has_no_minor_piece_without_people(model):
    lin = model.lineage[model.lineage["to_geography"] == "ccg21"]
    keys = ["from_geography", "from_code"]
    largest = lin.groupby(keys)["share"].transform("max") == lin["share"]
    small = lin[~largest & (lin["share"] < 0.01)]
    assert (small["evidence"].str.startswith("residents evidenced")).all(), small
    # the real small piece is kept: Chichester 001A-D of Coastal West Sussex in Surrey Heartlands
    chichester = lin[(lin["from_code"] == "09G") & (lin["to_code"] == "E38000246")]
    assert set(chichester["from_geography"]) == {"ccg17", "ccg18", "ccg19"}
    # West Essex's 0.02% corner of Mid Essex is gone: West Essex merged whole
    west_essex = lin[(lin["from_geography"] == "ccg16") & (lin["from_code"] == "07H")]
    assert west_essex[["to_code", "share", "method"]].values.tolist() == [["E38000197", 1.0, "merged"]]
    shares = lin.groupby(keys)["share"].sum()
    assert ((shares - 1).abs() < 1e-9).all()


def test_no_peer_list_is_built_from_a_sliver(model):
    sets = model.frames["peer_sets"]
    rc = sets[(sets["peer_set"] == "rightcare") & (sets[s.GEOGRAPHY] == "ccg21")]
    assert rc["distance"].min() >= 0.01  # a score under 0.01 can only come from a sliver's share
    mid_essex = rc[rc[s.AREA_CODE] == "E38000106"]["peer_code"]
    assert "E38000233" not in set(mid_essex)  # NHS Cheshire CCG came only through West Essex's sliver


# --- names, search, layers ------------------------------------------------------------------------------


def test_subicb_names_with_the_former_ccg_and_short_labels_never_cut_mid_word(model):
    a = model.areas
    sub = a[a[s.GEOGRAPHY] == "sicbl23"].set_index("ods_code")
    assert len(sub) == 106
    assert (
        sub.at["11N", s.AREA_NAME]
        == "NHS Cornwall and the Isles of Scilly ICB \u2013 11N (formerly NHS Kernow CCG)"
    )
    assert (
        sub.at["02P", "short_name"] == "Barnsley (02P)" and sub.at["02P", "former_name"] == "NHS Barnsley CCG"
    )
    assert sub["short_name"].is_unique
    icb = a[a[s.GEOGRAPHY] == "icb23"].set_index(s.AREA_CODE)
    assert len(icb) == 42 and icb.at[SOUTH_YORKS_ICB, s.AREA_NAME] == "NHS South Yorkshire ICB"
    for label, full in [
        *zip(sub["short_name"], sub["former_name"]),
        *zip(icb["short_name"], icb[s.AREA_NAME]),
    ]:
        place = label.rsplit(" (", 1)[0] if label.endswith(")") else label
        if place.endswith("\u2026"):  # cut: only at a word boundary of the full name
            stem = place[:-1]
            words = full.replace(" and ", " & ").split()
            assert any(
                " ".join(words[i:j]) == stem for i in range(len(words)) for j in range(i + 1, len(words) + 1)
            )
        assert len(place) <= 30


@pytest.mark.parametrize(
    "text, geography, code",
    [
        ("NHS Cornwall and the Isles of Scilly ICB \u2013 11N", "sicbl23", "E38000089"),  # new name
        ("11N", "sicbl23", "E38000089"),  # ODS code
        ("NHS Kernow CCG", "sicbl23", "E38000089"),  # old CCG name
        ("E38000264", "sicbl23", "E38000264"),  # 2023 code of Surrey Heartlands
        ("E38000246", "sicbl23", "E38000264"),  # its 2021/2022 code
        ("NHS South Yorkshire ICB", "icb23", SOUTH_YORKS_ICB),
        ("QF7", "icb23", SOUTH_YORKS_ICB),
    ],
)
def test_search_finds_a_subicb_and_an_icb(model, text, geography, code):
    hits = search_places(model.frames["places"], text, geography=geography)
    target = {"sicbl23": "sicbl23_code", "icb23": "icb23_code"}[geography]
    assert len(hits) and hits.iloc[0][target] == code


def test_older_ccg_codes_lead_to_the_subicb_and_icb(model):
    index = model.frames["places"]
    for old in ("02N", "02R", "02W", "E38000001"):  # Airedale..., Bradford Districts, Bradford City
        assert resolve_code(index, old, "sicbl23")[0] == BRADFORD
        assert resolve_code(index, old, "icb23")[0] == "E54000054"
    assert not index["notice"].str.contains("about 0% of it").any()


def test_layers_of_the_current_geography(model):
    for layer, n in (("sicbl23", 106), ("icb23", 42), ("nhser24", 7)):
        assert len(model.geojson[layer]["features"]) == n
    cornwall = next(f for f in model.geojson["icb23"]["features"] if f["id"] == CORNWALL_ICB)
    polygons = cornwall["geometry"]["coordinates"]
    wests = (
        [min(pt[0] for pt in poly[0]) for poly in polygons]
        if cornwall["geometry"]["type"] == "MultiPolygon"
        else []
    )
    assert any(w < -6.2 for w in wests)  # the Isles of Scilly survive simplification
    regions = model.areas[model.areas[s.GEOGRAPHY] == "icb23"]["region_code"]
    assert set(regions) == {f["id"] for f in model.geojson["nhser24"]["features"]}


# --- sub-ICB 2023 as home: one series across the April 2023 code change ---------------------------------


def test_2022_and_2026_series_join_on_the_2023_code(model):
    lin = model.lineage[
        (model.lineage["from_geography"] == "sicbl22") & (model.lineage["from_code"] == "E38000246")
    ]
    shares = dict(zip(lin["to_code"], lin["share"].round(4)))
    assert shares == {"E38000264": 0.9935, "E38000265": 0.0065}
    assert "Chichester" in lin.loc[lin["to_code"] == "E38000265", "evidence"].iloc[0]
    west_sussex = "E38000265"
    smoking = (
        rows(model, "ft_91547", "sicbl23", "2022/23").set_index(s.AREA_CODE).loc[west_sussex]
    )  # 2022 code
    fft = rows(model, "gp_fft_positive", "sicbl23", "Feb 2026").set_index(s.AREA_CODE).loc[west_sussex]
    ddr = rows(model, "dementia_ddr_65plus", "sicbl23", "2025-01").set_index(s.AREA_CODE).loc[west_sussex]
    assert "E38000248" in smoking[s.NOTE] and fft[s.VALUE] > 0 and ddr[s.HARMONISATION] == "published"
    # the history of the 98 unchanged areas is the CCG 2021 series itself
    a = rows(model, "mort_treatable_u75", "sicbl23").set_index([s.PERIOD, s.AREA_CODE])[s.VALUE]
    b = rows(model, "mort_treatable_u75", "ccg21").set_index([s.PERIOD, s.AREA_CODE])[s.VALUE]
    assert a.loc[("2010", BRADFORD)] == b.loc[("2010", BRADFORD)]


def test_icb_areas_compare_with_their_2024_region_and_similar_icbs(model):
    got = rows(model, "qof_hyp", "icb23", "2022/23")
    assert (got[s.CMP_REGION_95] != s.NOT_COMPARED).all()
    sets = model.frames["peer_sets"]
    mine = sets[(sets[s.GEOGRAPHY] == "icb23") & (sets[s.AREA_CODE] == CORNWALL_ICB)].sort_values("rank")
    names = model.areas[model.areas[s.GEOGRAPHY] == "icb23"].set_index(s.AREA_CODE)[s.AREA_NAME]
    assert [names[c] for c in mine["peer_code"]] == [
        "NHS Norfolk and Waveney ICB",
        "NHS Somerset ICB",
        "NHS Lincolnshire ICB",
        "NHS Shropshire, Telford and Wrekin ICB",
        "NHS Suffolk and North East Essex ICB",
    ]
    assert (got["cmp_peers_95"] != s.NOT_COMPARED).all()

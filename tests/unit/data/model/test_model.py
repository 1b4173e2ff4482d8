"""The full model built from ../shared/data: coverage, published figures, conservation."""

import numpy as np
import pandas as pd
import pytest

from data.model import schema as s
from data.model.harmonise import aggregate_up, harmonise_old_vintages
from data.queries.rows import resolve, view_rows


def england(model, indicator_id, period=None, sex="Persons"):
    rows = model.indicators
    rows = rows[
        (rows[s.INDICATOR_ID] == indicator_id) & (rows[s.GEOGRAPHY] == "england") & (rows[s.SEX] == sex)
    ]
    if period:
        rows = rows[rows[s.PERIOD] == period]
    assert len(rows) >= 1
    return rows.sort_values(s.PERIOD_START).iloc[-1]


def test_every_ccg21_has_boundaries_demographics_and_qof(model):
    ccg21 = set(model.areas.loc[model.areas[s.GEOGRAPHY] == "ccg21", s.AREA_CODE])
    assert len(ccg21) == 106
    assert {f["id"] for f in model.geojson["ccg21"]["features"]} == ccg21
    assert set(model.demographics.index) == ccg21
    ind = model.indicators
    for register in ("qof_hyp", "qof_dep", "qof_dm"):
        rows = ind[(ind[s.INDICATOR_ID] == register) & (ind[s.GEOGRAPHY] == "ccg21")]
        assert set(rows[s.AREA_CODE]) == ccg21
        assert rows[s.VALUE].notna().all() and rows[s.LOWER998].notna().all()


@pytest.mark.parametrize(
    ("indicator_id", "published"),
    [("qof_hyp", 14.42), ("qof_dep", 13.25), ("qof_dm", 7.45), ("qof_ob", 11.37), ("qof_ast", 6.52)],
)
def test_qof_england_prevalence_reproduced(model, indicator_id, published):
    assert round(england(model, indicator_id)[s.VALUE], 2) == published


def test_fingertips_smoking_values_and_cis_reproduced(model):
    """Where Fingertips gives counts, our Wilson limits equal its published limits."""
    from data.methods.stats import wilson_limits

    raw = pd.read_csv(
        model_data_path(
            "indicators/fingertips_smoking_qof_ccg20_sicbl22/smok_qof_prev_fingertips_all_areas.csv"
        )
    )
    raw = raw[(raw["Area Type"] == "CCGs (from Apr 2020)") | (raw["Area Type"].str.contains("CCG", na=False))]
    raw = raw[raw["Count"].notna() & raw["Denominator"].notna() & raw["Category Type"].isna()]
    assert len(raw) > 200
    lo, hi = wilson_limits(raw["Count"], raw["Denominator"], 0.95, 100)
    np.testing.assert_allclose(lo, raw["Lower CI 95.0 limit"], rtol=5e-4)
    np.testing.assert_allclose(hi, raw["Upper CI 95.0 limit"], rtol=5e-4)
    # And the model keeps the published values for those areas.
    ours = model.indicators[
        (model.indicators[s.INDICATOR_ID] == "ft_91547") & (model.indicators[s.GEOGRAPHY] == "ccg20")
    ]
    merged = ours.merge(raw, left_on=[s.AREA_CODE, s.PERIOD], right_on=["Area Code", "Time period"])
    assert len(merged) == len(ours) == 270
    np.testing.assert_allclose(merged[s.VALUE], merged["Value"], rtol=1e-9)
    np.testing.assert_allclose(merged[s.LOWER95], merged["Lower CI 95.0 limit"], rtol=1e-9)


def model_data_path(relative):
    from data.model.settings import get_settings

    return get_settings().data_dir / relative


def test_harmonisation_conserves_totals(model):
    """Counts moved onto CCG 2021 add up to the counts published on the old boundaries."""
    ind = model.indicators
    for indicator_id, geography, period in [
        ("op_statin_intensity", "ccg18", None),
        ("obesity_admissions", "ccg13", "2013/14"),
        ("qof_points", "ccg19", "2018/19"),
    ]:
        if indicator_id not in model.catalogue.index:
            pytest.skip(f"{indicator_id} not in catalogue")
        rows = ind[(ind[s.INDICATOR_ID] == indicator_id) & (ind[s.SEX] == "Persons")]
        period = period or rows.loc[rows[s.GEOGRAPHY] == geography, s.PERIOD].iloc[-1]
        rows = rows[rows[s.PERIOD] == period]
        old = rows[rows[s.GEOGRAPHY] == geography]
        new = rows[rows[s.GEOGRAPHY] == "ccg21"]
        assert len(new) == 106, indicator_id
        assert new[s.COUNT].sum() == pytest.approx(old[s.COUNT].sum(), rel=1e-9)
        assert new[s.DENOMINATOR].sum() == pytest.approx(old[s.DENOMINATOR].sum(), rel=1e-9)
        assert set(new[s.HARMONISATION]) <= {"merged", "apportioned"}


def test_synthetic_split_and_merge_conserve_totals():
    catalogue = pd.DataFrame(
        {
            "statistic": ["proportion"],
            "multiplier": [100.0],
            "ci_method": ["Wilson"],
            "polarity": [s.POLARITY_NONE],
        },
        index=["x"],
    )
    values = pd.DataFrame(
        {
            s.INDICATOR_ID: "x",
            s.AREA_CODE: ["A", "B", "C"],
            s.AREA_NAME: ["a", "b", "c"],
            s.GEOGRAPHY: "ccg20",
            s.PERIOD: "2020",
            s.PERIOD_START: pd.Timestamp("2020-04-01"),
            s.SEX: "Persons",
            s.VALUE: np.nan,
            s.LOWER95: np.nan,
            s.UPPER95: np.nan,
            s.LOWER998: np.nan,
            s.UPPER998: np.nan,
            s.COUNT: [10.0, 20.0, 30.0],
            s.DENOMINATOR: [100.0, 200.0, 300.0],
            s.NOTE: "",
            s.HARMONISATION: "published",
        }
    )
    lineage = pd.DataFrame(
        {
            "from_geography": "ccg20",
            "from_code": ["A", "B", "C", "C"],
            "to_code": ["N1", "N1", "N1", "N2"],
            "share": [1.0, 1.0, 0.75, 0.25],
            "method": ["merged", "merged", "apportioned", "apportioned"],
        }
    )
    out, notes = harmonise_old_vintages(values, catalogue, lineage, pd.Series({"N1": "n1", "N2": "n2"}))
    out = out.set_index(s.AREA_CODE)
    assert out[s.COUNT].sum() == 60 and out[s.DENOMINATOR].sum() == 600
    assert out.at["N1", s.COUNT] == pytest.approx(10 + 20 + 22.5)
    assert out.at["N1", s.HARMONISATION] == "apportioned"
    assert out.at["N2", s.VALUE] == pytest.approx(10.0)
    # A missing predecessor means no CCG 2021 value rather than a short sum.
    out2, notes2 = harmonise_old_vintages(
        values[values[s.AREA_CODE] != "A"], catalogue, lineage, pd.Series(dtype=str)
    )
    assert "N1" not in set(out2[s.AREA_CODE]) and any("not formed" in n for n in notes2)
    hierarchy = pd.DataFrame(
        {"ccg21_code": ["N1", "N2"], "stp21_code": ["S", "S"], "nhser21_code": ["R", "R"]}
    )
    ccg21 = out.reset_index().assign(**{s.GEOGRAPHY: "ccg21"})
    up = aggregate_up(ccg21, catalogue, hierarchy, ccg21.iloc[0:0], {})
    eng = up[up[s.GEOGRAPHY] == "england"].iloc[0]
    assert eng[s.COUNT] == 60 and eng[s.VALUE] == pytest.approx(10.0)
    assert set(up[s.GEOGRAPHY]) == {"stp21", "nhser21", "england"}


def test_aggregation_sums_counts_not_rates(model):
    ind = model.indicators
    rows = ind[(ind[s.INDICATOR_ID] == "gp_payments_per_patient") & (ind[s.SEX] == "Persons")]
    period = rows.loc[rows[s.GEOGRAPHY] == "ccg21", s.PERIOD].iloc[-1]
    rows = rows[rows[s.PERIOD] == period]
    ccg = rows[rows[s.GEOGRAPHY] == "ccg21"]
    regions = rows[rows[s.GEOGRAPHY] == "nhser21"]
    assert len(regions) == 7
    assert regions[s.COUNT].sum() == pytest.approx(ccg[s.COUNT].sum())
    eng = rows[rows[s.GEOGRAPHY] == "england"].iloc[0]
    assert eng[s.VALUE] == pytest.approx(ccg[s.COUNT].sum() / ccg[s.DENOMINATOR].sum())
    assert eng[s.VALUE] != pytest.approx(ccg[s.VALUE].mean(), rel=1e-4)


def test_comparisons_follow_the_cis(model):
    sel = resolve(model, "qof_hyp")
    rows = view_rows(model, sel)
    areas = rows[rows[s.GEOGRAPHY] == "ccg21"]
    eng = rows.loc[rows[s.GEOGRAPHY] == "england", s.VALUE].iloc[0]
    higher = areas[areas[s.CMP_ENGLAND_95] == s.HIGHER]
    assert (higher[s.LOWER95] > eng).all() and len(higher) > 10
    similar = areas[areas[s.CMP_ENGLAND_95] == s.SIMILAR]
    assert ((similar[s.LOWER95] <= eng) & (similar[s.UPPER95] >= eng)).all()
    assert set(areas[s.CMP_REGION_998]) <= {s.HIGHER, s.LOWER, s.SIMILAR}
    assert areas[s.QUINTILE].between(1, 5).all()


def test_view_rows_have_england_and_the_right_region_set(model):
    sel = resolve(model, "ft_91547", geography="sicbl22")
    rows = view_rows(model, sel)
    assert set(rows[s.GEOGRAPHY]) == {"sicbl22", "nhser22", "england"}
    assert (rows[s.GEOGRAPHY] == "england").sum() == 1


def test_sicbl22_shown_on_ccg21_with_redrawn_note(model):
    ind = model.indicators
    rows = ind[(ind[s.INDICATOR_ID] == "qof_hyp") & (ind[s.GEOGRAPHY] == "ccg21")]
    redrawn = rows[rows[s.NOTE].str.contains("redrawn")]
    assert len(redrawn) == 6
    assert set(rows[s.HARMONISATION]) == {"ods-match"}


def test_catalogue_is_complete(model):
    cat = model.catalogue
    assert len(cat) >= 60
    for col in s.CATALOGUE_COLUMNS[1:]:
        assert cat[col].notna().all(), col
    assert set(cat["polarity"]) <= {s.POLARITY_HIGH_GOOD, s.POLARITY_LOW_GOOD, s.POLARITY_NONE}
    assert set(cat["domain"].astype(str)) <= set(s.DOMAINS)
    assert (cat["geographies"] != "").all()


def test_inventory_lists_every_manifest_entry(model):
    from data.model.manifest import load_manifest

    assert set(model.inventory["dataset"]) == set(load_manifest())
    readers = model.inventory[model.inventory["reader"].str.len() > 0]
    assert (model.inventory["file_status"] == "ok").all()
    assert len(readers) > 10


def test_model_is_read_only(model):
    with pytest.raises(ValueError):
        model.indicators[s.VALUE].to_numpy()[0] = 1.0
    with pytest.raises(TypeError):
        model.frames["new"] = pd.DataFrame()


SPLIT_CCG21 = {
    "E38000215": "North Cumbria",
    "E38000226": "Fylde and Wyre",
    "E38000227": "Greater Preston",
    "E38000228": "Morecambe Bay",
}


@pytest.mark.parametrize("period", ["2013/14", "2014/15"])
def test_split_areas_harmonised_by_population(model, period):
    """Issue 10 item 3: the four CCG 2021 areas made from split 2013 CCGs get the people
    of their pieces. Ratio of the harmonised obesity-admission denominator (the population
    the published rates imply) to the area's mid-2019 population: by land area these were
    0.81-1.19; now they sit with the whole-predecessor areas and within 0.9-1.05."""
    pop = model.frames["ccg21_population_2019"].set_index("area_code")["population"]
    ind = model.indicators
    rows = ind[
        (ind[s.INDICATOR_ID] == "obesity_admissions")
        & (ind[s.GEOGRAPHY] == "ccg21")
        & (ind[s.PERIOD] == period)
        & (ind[s.SEX] == "Persons")
    ].set_index(s.AREA_CODE)
    assert len(rows) == 106
    ratio = rows[s.DENOMINATOR] / pop.reindex(rows.index)
    split = ratio[list(SPLIT_CCG21)]
    assert (rows.loc[list(SPLIT_CCG21), s.HARMONISATION] == "apportioned").all()
    whole = ratio[rows[s.HARMONISATION] == "merged"]
    assert len(whole) > 90
    assert split.between(whole.min(), whole.max()).all(), split.to_dict()
    assert split.between(0.9, 1.05).all(), split.to_dict()
    assert rows[s.NOTE].str.contains("apportioned by population").sum() >= 4


def test_cumbria_split_follows_its_people(model):
    """2013 Cumbria CCG (01H): Barrow, South Lakeland and a little of Copeland went to
    Morecambe Bay, 180,641 of Cumbria's 500,012 people (36.1%, mid-2019, by LSOA and
    district) though only 28% of its land. The fitted estimate must be near that."""
    lin = model.lineage
    piece = lin[(lin["from_geography"] == "ccg13") & (lin["from_code"] == "01H")].set_index("to_code")
    assert piece.loc["E38000228", "area_share"] == pytest.approx(0.276, abs=0.01)
    assert piece.loc["E38000228", "share"] == pytest.approx(0.361, abs=0.025)
    assert piece["share"].sum() == pytest.approx(1.0)


def test_qof_learning_disability_england_as_published(model):
    """NHS Digital QOF 2022-23: 347,840 on LD registers of 62,378,057 (Y05750's 121 of 118 kept)."""
    row = england(model, "qof_ld")
    assert row[s.COUNT] == 347_840 and row[s.DENOMINATOR] == 62_378_057
    problems = model.problems[model.problems["dataset"] == "qof_prevalence_2223"]
    flagged = problems[problems["reason"].str.startswith("source anomaly, row kept")]
    assert len(flagged) == 1 and flagged.iloc[0]["value"] == "121.0"
    inventory = model.inventory.set_index("dataset").loc["qof_prevalence_2223"]
    assert inventory["rows_rejected"] == 0 and "source anomaly" in inventory["notes"]

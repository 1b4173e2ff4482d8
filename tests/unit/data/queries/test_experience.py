"""The Patient experience queries, every number recomputed from the raw files (not from the model):
NHS Kernow, Barnsley, North Central London and Somerset (the catchment gap), against England,
region and peers; the "sources agree" rule on synthetic verdicts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data.model import schema as s
from data.model.settings import get_settings
from data.queries.experience import (
    FFT,
    FFT_RATE,
    SOURCE_CMH21,
    SOURCE_FFT,
    SOURCE_GPPS,
    SOURCE_IP22,
    Comparator,
    UnknownFocus,
    experience,
    summary_line,
)
from data.readers.heec import normalise_icb_name

DATA = get_settings().data_dir
FFT_FILE = DATA / "indicators/gp_fft_practice_2026_02/fft_gp_feb26.csv"
QOF = DATA / "indicators/qof_prevalence_2022_23"
IP22 = DATA / "indicators/inpatient_survey_2022_trust/ip22_trust_scores_long.csv"
WEIGHTS = DATA / "derived/derived_trust_ccg21_catchment_weights_2019.csv"
TRUST_REGIONS = DATA / "lookups/sicbl24_icb24/trust22_names_nhs_region21.csv"
CMHS = DATA / "indicators/mental_health_ccg21/cmhs.processed.csv"
HEEC = DATA / "indicators/heec_icb_datapack_by_imd_quintile/heec_icb_final_data.csv"
real = pytest.mark.skipif(not FFT_FILE.exists(), reason="shared data not available")
TODAY = date(2026, 12, 6)
KERNOW, BARNSLEY, NCL, SOMERSET = "E38000089", "E38000006", "E38000240", "E38000150"
AREAS = (KERNOW, BARNSLEY, NCL, SOMERSET)


# --- the raw files, read independently of the readers --------------------------------------------------


@pytest.fixture(scope="module")
def raw_fft() -> pd.DataFrame:
    """Practices with their area, responses, positives and 2022/23 list size."""
    fft = pd.read_csv(FFT_FILE)
    mapping = pd.read_csv(QOF / "MAPPING_NHS_GEOGRAPHIES_2223.csv", dtype=str)
    prev = pd.read_csv(QOF / "PREVALENCE_2223.csv", dtype={"PRACTICE_CODE": str})
    lists = prev[prev["PATIENT_LIST_TYPE"] == "TOTAL"].groupby("PRACTICE_CODE")["PRACTICE_LIST_SIZE"].max()
    fft["list"] = fft["gp_code"].map(lists)
    fft["area"] = fft["gp_code"].map(
        mapping.drop_duplicates("PRACTICE_CODE").set_index("PRACTICE_CODE")["SUB_ICB_ONS_CODE"]
    )
    fft["positive"] = (fft["fft_responses"] * fft["fft_pct_positive"] / 100).round()
    return fft[fft["gp_code"] != "A84009"]  # more responses in a month than registered patients


def raw_attributed(item: str, area: str) -> tuple[float, float]:
    """(attributed score, covered share) of an area from the IP22 and catchment files."""
    raw = pd.read_csv(IP22)
    scored = raw[(raw["item"] == item) & raw["mean"].notna()].set_index("trust_code")["mean"]
    w = pd.read_csv(WEIGHTS)
    w.loc[(w["trust_code"] == "RW6") & (w["ccg21_code"] == "E38000217"), "trust_code"] = "R0A"
    w["trust_code"] = w["trust_code"].replace({"RW6": "RM3", "RBZ": "RH8"})
    mine = w[w["ccg21_code"] == area]
    used = mine[mine["trust_code"].isin(scored.index)]
    outside = mine.loc[~mine["trust_code"].isin(set(raw["trust_code"])), "catchment_population_2019"].sum()
    value = (used["share_of_ccg_attributed"] * used["trust_code"].map(scored)).sum() / used[
        "share_of_ccg_attributed"
    ].sum()
    return value, used["catchment_population_2019"].sum() / (mine["ccg21_pop_mid2019"].iloc[0] - outside)


def rows_of(view, source: str) -> pd.DataFrame:
    return view.rows[view.rows["source"] == source].set_index(s.INDICATOR_ID)


# --- tests --------------------------------------------------------------------------------------------


@real
@pytest.mark.parametrize("area", AREAS)
def test_fft_value_limits_and_response_rate_from_the_raw_file(model, raw_fft, area):
    view = experience(model, area, today=TODAY)
    fft = rows_of(view, SOURCE_FFT)
    mine = raw_fft[(raw_fft["area"] == area) & raw_fft["fft_responses"].notna()]
    assert fft.at[FFT, s.VALUE] == pytest.approx(100 * mine["positive"].sum() / mine["fft_responses"].sum())
    assert fft.at[FFT, s.DENOMINATOR] == mine["fft_responses"].sum()
    assert fft.at[FFT, "lower"] < fft.at[FFT, s.VALUE] < fft.at[FFT, "upper"]
    everyone = raw_fft[raw_fft["fft_responses"].notna()]
    england = 100 * everyone["positive"].sum() / everyone["fft_responses"].sum()
    assert fft.at[FFT, "comparator_value"] == pytest.approx(england)
    # Not compared by default (NHS England's advice), and never counted as sound.
    assert fft.at[FFT, "category"] == s.NOT_COMPARED and not fft.at[FFT, "sound"]
    assert "should not be used to compare or rank providers" in fft.at[FFT, "reason"]
    # Responses per 1,000 registered patients: the area's practices with a list size (no data = 0).
    listed = raw_fft[(raw_fft["area"] == area) & raw_fft["list"].notna()]
    rate = listed["fft_responses"].fillna(0).sum() / listed["list"].sum() * 1000
    assert fft.at[FFT_RATE, s.VALUE] == pytest.approx(rate)
    listed_all = raw_fft[raw_fft["list"].notna()]
    assert fft.at[FFT_RATE, "comparator_value"] == pytest.approx(
        listed_all["fft_responses"].fillna(0).sum() / listed_all["list"].sum() * 1000
    )
    assert fft.at[FFT_RATE, "category"] == s.NOT_COMPARED


@real
def test_fft_categories_only_when_asked(model):
    asked = rows_of(experience(model, KERNOW, categories=True, today=TODAY), SOURCE_FFT)
    assert asked.at[FFT, "category"] == s.WORSE  # 88.5% against 92.3%, Wilson limits
    assert asked.at[FFT, "reason"].startswith("shown because asked for; NHS England advises")
    assert not asked.at[FFT, "sound"]


@real
@pytest.mark.parametrize("area", AREAS)
def test_fft_drivers_add_up_to_the_gap(model, raw_fft, area):
    view = experience(model, area, today=TODAY)
    fft = rows_of(view, SOURCE_FFT)
    practices = view.fft_practices
    gap = fft.at[FFT, s.VALUE] - fft.at[FFT, "comparator_value"]
    assert practices["contribution"].sum() == pytest.approx(gap, abs=1e-9)
    drivers = practices[practices["driver"]]
    assert 0 < len(drivers) <= 5
    assert (drivers["responses"] >= 30).all() and (drivers["contribution"] < 0).all()
    # The first driver, recomputed from the raw file.
    mine = raw_fft[(raw_fft["area"] == area) & raw_fft["fft_responses"].notna()].copy()
    mine["contribution"] = (
        (100 * mine["positive"] / mine["fft_responses"] - fft.at[FFT, "comparator_value"])
        * mine["fft_responses"]
        / mine["fft_responses"].sum()
    )
    big = mine[(mine["fft_responses"] >= 30) & (mine["fft_responses"] <= 0.5 * mine["list"])]
    assert drivers.iloc[0]["practice_code"] == big.nsmallest(1, "contribution")["gp_code"].iloc[0]


def test_kernow_s_largest_driver(model):
    top = experience(model, KERNOW, today=TODAY).fft_practices.iloc[0]
    assert (top["practice_code"], int(top["responses"]), round(top["value"], 1)) == ("L82023", 1324, 36.3)


@real
@pytest.mark.parametrize("area", AREAS)
def test_inpatient_scores_and_covered_shares_from_the_raw_files(model, area):
    view = experience(model, area, today=TODAY)
    ip = rows_of(view, SOURCE_IP22)
    assert len(ip) == 56 and ip["level"].value_counts().to_dict() == {"question": 45, "section": 11}
    for item in ("S01", "S10", "Q7", "Q46"):
        value, covered = raw_attributed(item, area)
        row = ip.loc[f"ip22_{item.lower().replace('q7', 'q07')}"]
        assert row[s.VALUE] == pytest.approx(value, abs=1e-12)
        assert row["covered_share"] == pytest.approx(covered, abs=1e-12)
        raw = pd.read_csv(IP22)
        assert row["comparator_value"] == pytest.approx(raw.loc[raw["item"] == item, "mean"].mean())
    if area == SOMERSET:
        assert not ip["sound"].any() and (ip["category"] == s.NOT_COMPARED).all()
        assert (
            ip["reason"]
            .str.contains("Somerset NHS Foundation Trust (RH5) has a score but no catchment", regex=False)
            .all()
        )
        verdict = view.verdicts.set_index("source").at[SOURCE_IP22, "verdict"]
        assert verdict == "not compared"
        assert any("no inpatient result" in w for w in view.missing["what"])
    else:
        sections = ip[ip["level"] == "section"]
        assert sections["sound"].all()
        assert ip.loc[ip["sound"], "lower"].notna().all()


@real
def test_inpatient_region_comparator_is_the_mean_of_the_region_s_trusts(model):
    view = experience(model, KERNOW, "region", today=TODAY)
    raw = pd.read_csv(IP22)
    regions = pd.read_csv(TRUST_REGIONS).set_index("nhs_trust22_code")["nhs_region21_ons_code"]
    south_west = raw[(raw["trust_code"].map(regions) == "E40000006") & (raw["item"] == "S10")]
    ip = rows_of(view, SOURCE_IP22)
    assert ip.at["ip22_s10", "comparator_value"] == pytest.approx(south_west["mean"].mean())
    assert not ip["sound"].any() and ip["reason"].str.contains("drawn around the national mean").all()
    assert view.comparator.name == "South West region"


@real
@pytest.mark.parametrize("area", AREAS)
def test_main_trusts_and_their_band_counts_from_the_raw_files(model, area):
    view = experience(model, area, today=TODAY)
    trusts = view.inpatient_trusts
    w = pd.read_csv(WEIGHTS)
    w["trust_code"] = w["trust_code"].replace({"RBZ": "RH8"})
    share = (
        w[w["ccg21_code"] == area].groupby("trust_code")["catchment_population_2019"].sum()
        / w.loc[w["ccg21_code"] == area, "ccg21_pop_mid2019"].iloc[0]
    )
    main = share[share >= 0.05].sort_values(ascending=False).head(6)
    assert list(dict.fromkeys(trusts["trust_code"])) == list(main.index)
    raw = pd.read_csv(IP22)
    sections = raw[raw["item"].str.startswith("S") & raw["trust_code"].isin(main.index)]
    want = sections.groupby(["trust_code", "band"]).size()
    got = trusts.groupby(["trust_code", "band"]).size()
    assert got.sort_index().to_dict() == want.sort_index().to_dict()
    assert (
        trusts["share"].groupby(trusts["trust_code"]).first().round(12).to_dict() == main.round(12).to_dict()
    )


@real
@pytest.mark.parametrize("area", AREAS)
def test_cmh21_and_gpps_from_the_raw_files(model, area):
    view = experience(model, area, today=TODAY)
    cmh = rows_of(view, SOURCE_CMH21)
    raw = pd.read_csv(CMHS).set_index("CCG21CD")
    assert len(cmh) == 28
    if area in raw.index:
        assert cmh.at["mh_cmhs_q03", s.VALUE] == pytest.approx(raw.at[area, "CMHS Q3 Mean"])
        assert cmh.at["mh_cmhs_q03", "comparator_value"] == pytest.approx(raw["CMHS Q3 Mean"].mean())
        assert cmh.at["mh_cmhs_q03", "comparator"] == f"mean of the {len(raw)} CCGs with a value"
    else:
        assert cmh[s.VALUE].isna().all()
        assert any("no community mental health survey result" in w for w in view.missing["what"])
    assert (cmh["category"] == s.NOT_COMPARED).all()
    # GPPS: the area's ICB, latest year, by deprivation group, as HEEC publishes it (fractions x 100).
    gpps = view.gpps
    heec = pd.read_csv(HEEC)
    icb = normalise_icb_name(gpps["icb_name"].iloc[0])
    mine = heec[(heec["Indicator"] == "overall_pct") & (heec["ICB.NAME"].map(normalise_icb_name) == icb)]
    latest = mine[mine["Year"] == mine["Year"].max()].iloc[0]
    overall = gpps[gpps["indicator"] == "overall_pct"].set_index("quintile")
    assert overall.at["1 (least deprived)", s.VALUE] == pytest.approx(100 * latest["quin_1"])
    assert overall.at["4-5 (most deprived)", s.VALUE] == pytest.approx(100 * latest["quin_4_5"])
    assert overall["england_avg"].iloc[0] == pytest.approx(100 * latest["avg"])
    assert (overall["national_2026"] == 77.0).all()  # GPPS 2026 Q32 "Good": the same question
    assert gpps.loc[gpps["indicator"] != "overall_pct", "national_2026"].isna().all()
    assert (rows_of(view, SOURCE_GPPS)["category"] == s.NOT_COMPARED).all()


@real
def test_peers_and_old_data(model):
    view = experience(model, NCL, "peers", today=TODAY)
    assert view.comparator.kind == "peers" and len(view.comparator.peers) == 10
    fft = rows_of(view, SOURCE_FFT)
    pv = model.frames["peer_values"]
    want = pv[
        (pv["peer_set"] == "similar")
        & (pv[s.INDICATOR_ID] == FFT)
        & (pv[s.AREA_CODE] == NCL)
        & (pv[s.SEX] == "Persons")
        & (pv["geography"] == "ccg21")
    ]["peer_value"].iloc[0]
    assert fft.at[FFT, "comparator_value"] == pytest.approx(want)
    old = view.missing[view.missing["what"].str.startswith("old data")]
    assert set(old["source"]) >= {SOURCE_IP22, SOURCE_CMH21}
    with pytest.raises(UnknownFocus):
        experience(model, "E54000036")  # an ICB: not yet a focus area
    with pytest.raises(ValueError):
        experience(model, NCL, "galaxy")


def _verdicts(**by_source: str) -> pd.DataFrame:
    return pd.DataFrame(
        [{"source": k, "verdict": v, "detail": f"{k} detail"} for k, v in by_source.items()],
        columns=["source", "verdict", "detail"],
    )


def test_the_sources_agree_rule():
    eng = Comparator("england", "England")
    assert summary_line(_verdicts(A="worse", B="worse", C="not compared"), eng).startswith(
        "Worse than England on 2 sources: A, B."
    )
    assert summary_line(_verdicts(A="better", B="better", C="better"), eng).startswith(
        "Better than England on 3 sources"
    )
    assert summary_line(_verdicts(A="worse", B="better"), eng).startswith(
        "The sources disagree: worse on A; better on B."
    )
    one = summary_line(_verdicts(A="worse", B="not compared"), eng)
    assert one.startswith(
        "Only 1 source can be soundly compared with England, so no agreement can be claimed."
    )
    assert "Not compared: B (B detail)." in one
    assert summary_line(_verdicts(A="not compared"), eng).startswith("No source can be soundly compared")

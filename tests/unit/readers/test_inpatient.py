"""NHS Adult Inpatient Survey 2022 reader: the real files against SOURCES.md 9c and an independent
recomputation (bands, national means, sections, attribution, covered shares); bad input."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.model import schema as s
from data.model.manifest import SOURCES_DIR
from data.model.settings import get_settings
from data.model.validation import KEPT
from data.readers import ReadContext
from data.readers.inpatient import (
    AREA_FRAME,
    BANDS,
    ITEM_FRAME,
    TRUST_FRAME,
    WEIGHTS_FRAME,
    item_id,
    item_label,
    read_inpatient_survey,
)

MANIFEST = {
    e["id"]: e
    for name in ("section8.toml", "section9.toml")
    for e in tomllib.loads((SOURCES_DIR / name).read_text())["source"]
}
ENTRY = "ip22_trust_scores"
DATA = get_settings().data_dir
SCORES = DATA / MANIFEST[ENTRY]["path"]
HISTORY = DATA / MANIFEST["ip22_trust_history"]["path"]
WEIGHTS = DATA / MANIFEST["trust_ccg21_catchment_weights_2019"]["path"]
real = pytest.mark.skipif(not SCORES.exists(), reason="shared data not available")
Z95 = 1.959963984540054
SOMERSET = "E38000150"


def ctx(data_dir: Path = DATA, manifest: dict = MANIFEST) -> ReadContext:
    return ReadContext(entry=manifest[ENTRY], data_dir=data_dir, manifest=manifest)


@pytest.fixture(scope="module")
def result():
    return read_inpatient_survey(ctx())


def test_item_ids_and_labels():
    assert (item_id("Q46"), item_label("Q46")) == ("ip22_q46", "question 46")
    assert (item_id("Q5_1"), item_label("Q5_1")) == ("ip22_q05_1", "question 5 part 1")
    assert (item_id("S10"), item_label("S10")) == ("ip22_s10", "section 10")
    with pytest.raises(ValueError):
        item_id("meanQ46")


@real
def test_trust_results_as_published(result):
    raw = pd.read_csv(SCORES)
    trusts = result.frames[TRUST_FRAME]
    assert len(trusts) == len(raw) == 7448 and trusts["trust_code"].nunique() == 133
    assert trusts["item"].nunique() == 56 and int(trusts["suppressed"].sum()) == 14
    # CQC's band, as published, for every row; labels are the workbook's words.
    merged = trusts.merge(
        raw[["trust_code", "item", "band"]], on=["trust_code", "item"], suffixes=("", "_raw")
    )
    assert (merged["band"] == merged["band_raw"]).all()
    assert set(trusts.loc[trusts["band"] > 0, "band_label"]) == set(BANDS.values())
    # The national mean is the unweighted mean of the trusts' scores and the centre of every range.
    q46 = raw[raw["item"] == "Q46"]
    mu = q46["mean"].mean()
    assert trusts.loc[trusts["item"] == "Q46", "national_mean"].iloc[0] == pytest.approx(mu, abs=1e-12)
    assert ((q46["ll95"] + q46["ul95"]) / 2).sub(mu).abs().max() < 1e-9
    # Trend: the significance of the change since 2021, from the history file.
    hist = pd.read_csv(HISTORY)
    h21 = hist[(hist["comparison_year"] == 2021)].set_index(["trust_code", "item"])
    mine = trusts.set_index(["trust_code", "item"])
    both = mine.index.intersection(h21.index)
    got = mine.loc[both, "change_2021"].fillna(9)
    want = h21.loc[both, "sig_change_2022_vs_comparison"].fillna(9)
    assert (got == want).all()
    down = trusts[trusts["change_2021"] == -1]
    assert (down["trend_2021"] == "significantly down since 2021").all()
    red = trusts[trusts["red_red"]]
    assert len(red) > 0 and red["band"].isin([1, 2, 3]).all() and (red["change_2021"] == -1).all()
    # RH8 merged since 2021: no comparison (workbook Guidance).
    assert trusts.loc[trusts["trust_code"] == "RH8", "change_2021"].isna().all()


@real
def test_sections_are_derived_from_the_data(result):
    items = result.frames[ITEM_FRAME].set_index("item")
    assert items.loc["S10", "members"] == "question 46"
    assert items.loc["S01", "members"] == "question 2 and question 4"
    assert items.loc["S02", "members"] == "question 5 part 1 to question 15 (12 items)"
    assert items.loc["Q46", "section"] == "section 10" and items.loc["Q7", "section"] == "section 2"
    raw = pd.read_csv(SCORES).pivot(index="trust_code", columns="item", values="mean")
    s07 = raw[["Q33", "Q34", "Q35", "Q36", "Q37", "Q38", "Q39", "Q40", "Q41", "Q42", "Q44"]].mean(axis=1)
    assert (s07 - raw["S07"]).abs().max() < 1e-9


def _weights_with_successions() -> pd.DataFrame:
    """SOURCES.md 8d weights with 9c's successions, written out independently of the reader."""
    w = pd.read_csv(WEIGHTS)
    manchester = (w["trust_code"] == "RW6") & (w["ccg21_code"] == "E38000217")
    w.loc[manchester, "trust_code"] = "R0A"
    w.loc[w["trust_code"] == "RW6", "trust_code"] = "RM3"
    w.loc[w["trust_code"] == "RBZ", "trust_code"] = "RH8"
    keys = ["trust_code", "ccg21_code"]
    return (
        w.groupby(keys)
        .agg(
            share=("share_of_ccg_attributed", "sum"),
            pop=("catchment_population_2019", "sum"),
            ccg_pop=("ccg21_pop_mid2019", "first"),
        )
        .reset_index()
    )


@real
@pytest.mark.parametrize("area", ["E38000089", "E38000006", "E38000240", SOMERSET])
@pytest.mark.parametrize("item", ["S10", "Q7", "Q46"])
def test_attribution_recomputed_from_the_raw_files(result, area, item):
    raw = pd.read_csv(SCORES)
    scored = raw[(raw["item"] == item) & raw["mean"].notna()].set_index("trust_code")
    w = _weights_with_successions()
    surveyed = set(raw["trust_code"])
    mine = w[w["ccg21_code"] == area]
    outside = mine.loc[~mine["trust_code"].isin(surveyed), "pop"].sum()
    used = mine[mine["trust_code"].isin(scored.index)]
    value = (used["share"] * used["trust_code"].map(scored["mean"])).sum() / used["share"].sum()
    covered = used["pop"].sum() / (mine["ccg_pop"].iloc[0] - outside)
    mu = raw.loc[(raw["item"] == item) & raw["mean"].notna(), "mean"].mean()
    sigma_i = (mu - used["trust_code"].map(scored["ll95"])) / Z95
    sigma = np.sqrt(((used["share"] / used["share"].sum()) ** 2 * sigma_i**2).sum())

    row = result.frames[AREA_FRAME].set_index([s.AREA_CODE, "item"]).loc[(area, item)]
    assert row[s.VALUE] == pytest.approx(value, abs=1e-12)
    assert row["covered_share"] == pytest.approx(covered, abs=1e-12)
    assert row["sigma"] == pytest.approx(sigma, rel=1e-9)
    assert row["n_trusts"] == len(used)
    long = result.values.set_index([s.INDICATOR_ID, s.AREA_CODE]).loc[(item_id(item), area)]
    assert long[s.VALUE] == pytest.approx(value, abs=1e-12)
    if area == SOMERSET:  # RH5 scored but missing from the catchments: never compared, and says why
        assert not row["sound"] and "Somerset NHS Foundation Trust (RH5)" in row["reason"]
        assert np.isnan(long[s.LOWER95]) and "Not compared" in long[s.NOTE]
    elif covered >= 0.95:
        assert row["sound"]
        assert long[s.LOWER95] == pytest.approx(value - Z95 * sigma, abs=1e-9)
        assert long[s.UPPER998] > long[s.UPPER95]
    else:
        assert not row["sound"] and "only" in row["reason"]


@real
def test_every_area_has_a_covered_share_and_england_is_cqc_s_mean(result):
    areas = result.frames[AREA_FRAME]
    assert areas.groupby("item")[s.AREA_CODE].nunique().eq(106).all()
    assert areas["covered_share"].notna().all() and areas["covered_share"].le(1 + 1e-9).all()
    # Somerset has the lowest covered share of any area when every trust has a score.
    s10 = areas[areas["item"] == "S10"].set_index(s.AREA_CODE)["covered_share"]
    assert s10.idxmin() == SOMERSET and s10[SOMERSET] == pytest.approx(0.910, abs=0.001)
    eng = result.values[result.values[s.GEOGRAPHY] == "england"].set_index(s.INDICATOR_ID)
    raw = pd.read_csv(SCORES)
    assert eng.loc["ip22_q46", s.VALUE] == pytest.approx(raw.loc[raw["item"] == "Q46", "mean"].mean())
    assert "unweighted mean of the 126 trusts" in eng.loc["ip22_q07", s.NOTE]
    # Catalogue: unworded, off the default summaries, England-only comparisons.
    cat = {c[s.INDICATOR_ID]: c for c in result.catalogue}
    assert len(cat) == 56
    q46 = cat["ip22_q46"]
    assert q46["short_name"] == "Inpatient survey 2022, question 46"
    assert q46["name"].startswith("Inpatient survey 2022, question 46 (section 10)")
    assert not q46["in_summaries"] and q46["compare"] == s.COMPARE_ENGLAND_ONLY and q46["wording"] == ""
    assert "not a sample of the area's residents" in q46["definition"]


@real
def test_successions_and_the_catchment_gap_are_named(result):
    notes = " ".join(result.notes)
    assert "succession RW6 -> R0A: 1 CCG rows (E38000217)" in notes
    assert "succession RW6 -> RM3: 17 CCG rows" in notes and "succession RBZ -> RH8: 3 CCG rows" in notes
    weights = result.frames[WEIGHTS_FRAME]
    assert not weights["trust_code"].isin(["RW6", "RBZ"]).any()
    assert weights.groupby("ccg21_code")["share_of_ccg_attributed"].sum().between(0.999, 1.001).all()
    (gap,) = [p for p in result.problems if p.value == "RH5"]
    assert gap.reason.startswith(KEPT) and "host area E38000150 is flagged" in gap.reason
    assert (gap.file, gap.column) == (MANIFEST[ENTRY]["path"], "trust_code")
    assert len(result.problems) == 1


# --- bad input ---------------------------------------------------------------------------------------

HEADER = "trust_code,trust_name,n_tpat,item,item_type,mean,ll90,ul90,ll95,ul95,ll998,ul998,band,z_adj\n"


def _score(trust: str, item: str, mean: float | str, band: int | str = 4, kind: str | None = None) -> str:
    kind = kind or ("section" if item.startswith("S") else "question")
    blank = mean == ""
    lim = ",,,,,," if blank else "7.5,8.5,7.4,8.6,7.0,9.0,"
    return f"{trust},Trust {trust},400,{item},{kind},{mean},{lim}{band},0.1\n"


def _setup(root: Path, scores: str | None, history: str | None = "") -> dict:
    weights = (
        "trust_code,ccg21_code,ccg21_code_h,ccg21_name,catchment_population_2019,share_of_ccg_attributed,"
        "share_of_trust_catchment,ccg21_pop_mid2019\n"
        "RAA,E38000001,01A,CCG One,600,0.6,1,1000\n"
        "RBB,E38000001,01A,CCG One,390,0.4,1,1000\n"
    )
    files = {MANIFEST["trust_ccg21_catchment_weights_2019"]["path"]: weights, MANIFEST[ENTRY]["path"]: scores}
    if history is not None:
        files[MANIFEST["ip22_trust_history"]["path"]] = history or (
            "comparison_year,trust_code,trust_name,item,mean_comparison_year,base_unweighted_comparison_year,"
            "sig_change_2022_vs_comparison\n2021,RAA,Trust RAA,Q46,8.3,300,-1\n"
        )
    for rel, text in files.items():
        if text is not None:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
    return {
        k: v for k, v in MANIFEST.items() if k not in ("lookup_trust_ccg_ods_host", "lookup_trust22_names")
    }


def test_bad_rows_are_named_and_the_rest_loads(tmp_path):
    scores = (
        HEADER
        + _score("RAA", "Q46", 7.0, 3)  # row 2: fine; below ll90, "somewhat worse"
        + _score("RBB", "Q46", 8.0)  # row 3: fine
        + _score("12345", "Q46", 8.0)  # row 4: not a trust code
        + _score("RBB", "Q46x", 8.0)  # row 5: not an item
        + _score("RBB", "Q2", 8.0, 9)  # row 6: not a band
        + _score("RBB", "Q4", 11.0)  # row 7: outside 0-10
        + _score("RBB", "Q5_1", "", 4)  # row 8: a band without a score
        + _score("RBB", "Q8", 8.0, 6)  # row 9: band 6 though inside the range: flagged, CQC's kept
        + _score("RAA", "Q46", 8.0)  # row 10: listed twice
    )
    manifest = _setup(tmp_path, scores)
    result = read_inpatient_survey(ctx(tmp_path, manifest))
    got = {(p.row, p.column, p.value): p.reason for p in result.problems}
    assert got[(4, "trust_code", "12345")] == "not an NHS trust ODS code"
    assert got[(5, "item", "Q46x")].startswith("not an IP22 item")
    assert got[(6, "band", "9.0")] == "not a CQC band (0-7)"
    assert got[(7, "mean", "11.0")] == "score outside 0-10"
    assert got[(8, "band", "4.0")] == "a band without a score"
    assert got[(9, "band", "6.0")].startswith(KEPT)
    assert got[(10, "item", "Q46")].startswith("trust and item listed twice")
    assert all(p.file == MANIFEST[ENTRY]["path"] for p in result.problems)
    trusts = result.frames[TRUST_FRAME].set_index(["trust_code", "item"])
    assert trusts.loc[("RAA", "Q46"), "band_label"] == "Somewhat worse than expected"
    assert trusts.loc[("RAA", "Q46"), "trend_2021"] == "significantly down since 2021"
    assert bool(trusts.loc[("RAA", "Q46"), "red_red"])
    area = result.values[
        (result.values[s.GEOGRAPHY] == "ccg21") & (result.values[s.INDICATOR_ID] == "ip22_q46")
    ]
    assert area[s.VALUE].iloc[0] == pytest.approx(0.6 * 7 + 0.4 * 8)


def test_missing_column_history_and_weights_are_clear(tmp_path):
    manifest = _setup(tmp_path, "trust_code,item,mean\nRAA,Q46,8\n")
    result = read_inpatient_survey(ctx(tmp_path, manifest))
    assert {p.column for p in result.problems} >= {"n_tpat", "band", "ll95"}
    assert result.values.empty and TRUST_FRAME not in result.frames
    # No history file: one problem naming it; the scores and areas still load.
    manifest = _setup(tmp_path / "b", HEADER + _score("RAA", "Q46", 8.0) + _score("RBB", "Q46", 8.2), None)
    result = read_inpatient_survey(ctx(tmp_path / "b", manifest))
    (missing,) = [p for p in result.problems if p.dataset == "ip22_trust_history"]
    assert missing.reason == "file not found" and missing.file == MANIFEST["ip22_trust_history"]["path"]
    assert len(result.values[result.values[s.GEOGRAPHY] == "ccg21"]) == 1
    assert result.frames[TRUST_FRAME]["change_2021"].isna().all()

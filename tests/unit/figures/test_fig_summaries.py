"""Each chart's one-sentence summary, on the real model: the numbers in the words are recounted
here independently from the same frames the charts draw."""

from __future__ import annotations

import pandas as pd
import pytest

from data.methods.analysis import ols_fit, spearman
from data.model import schema as s
from data.queries.funnel import funnel_view
from data.queries.inequalities import GROUPS, icb_table, indicators, latest_year
from data.queries.practices import practice_rows
from data.queries.rows import Selection
from data.queries.view_frames import (
    area_frame,
    explorer_frame,
    meta_dict,
    overview_grid,
    spine_rows,
    trend_frames,
)
from figures import summaries as words
from figures.spine import split_outcomes

KERNOW = "E38000089"
DEMENTIA = "dementia_ddr_65plus"
CCG21 = s.GEOGRAPHIES[s.HOME_GEOGRAPHY]


def latest(model, indicator: str) -> str:
    ind = model.indicators
    rows = ind[(ind[s.INDICATOR_ID] == indicator) & (ind[s.GEOGRAPHY] == s.HOME_GEOGRAPHY)]
    return str(rows.sort_values(s.PERIOD_START)[s.PERIOD].iloc[-1])


@pytest.fixture(scope="module")
def dementia(model):
    period = latest(model, DEMENTIA)
    frame, _, _ = area_frame(model, Selection(DEMENTIA, period, s.HOME_GEOGRAPHY, "Persons"))
    return frame, meta_dict(model, DEMENTIA), period


def test_counts_phrase_puts_worse_first_and_names_the_comparator_once():
    counts = {s.WORSE: 4, s.BETTER: 10, s.SIMILAR: 17, s.HIGHER: 0, s.LOWER: 0, s.NOT_COMPARED: 2}
    assert words.counts_phrase(counts, "England") == (
        "4 significantly worse than England, 10 significantly better, 17 similar"
    )
    assert words.counts_phrase({s.BETTER: 3}, "region") == "3 significantly better than region"
    assert words.counts_phrase({}, "England") == "none compared with England"


def test_map_summary_counts_every_category_and_the_extremes(dementia):
    frame, meta, period = dementia
    text = words.map_summary(
        frame, meta, period=period, geography=CCG21, n_areas=106, focus=KERNOW, focus_name="NHS Kernow CCG"
    )
    cats = frame[s.CMP_ENGLAND_95].value_counts()
    values = frame.set_index(s.AREA_NAME)[s.VALUE]
    assert text.startswith(f"Map of {meta['short_name']}, {period}: {int(values.notna().sum())} of 106 ")
    assert f"{cats[s.WORSE]} significantly worse than England" in text
    assert f"{cats[s.BETTER]} significantly better" in text
    assert f"{cats[s.SIMILAR]} similar" in text
    assert f"highest {values.idxmax()} (" in text and f"lowest {values.idxmin()} (" in text
    kernow = frame[frame[s.AREA_CODE] == KERNOW].iloc[0]
    word = {s.WORSE: "significantly worse than", s.BETTER: "significantly better than"}.get(
        kernow[s.CMP_ENGLAND_95], "similar to"
    )
    assert f"NHS Kernow CCG {kernow[s.VALUE]:.1f}%, {word} England." in text
    assert text.count(".") >= 1 and "\n" not in text


def test_map_summary_without_limits_says_quintiles(dementia):
    frame, meta, period = dementia
    text = words.map_summary(frame, dict(meta, ci_method="none"), period=period, geography=CCG21, n_areas=106)
    assert "coloured by quintile" in text and "significantly" not in text


def test_compare_summary_gives_the_focus_areas_rank(dementia):
    frame, meta, period = dementia
    text = words.compare_summary(
        frame, meta, period=period, geography=CCG21, focus=KERNOW, focus_name="NHS Kernow CCG"
    )
    ranked = frame.dropna(subset=[s.VALUE]).sort_values(s.VALUE, ascending=False).reset_index(drop=True)
    rank = int(ranked.index[ranked[s.AREA_CODE] == KERNOW][0]) + 1
    assert f"highest of {len(ranked)})" in text
    assert f"({words._ordinal(rank)} highest of {len(ranked)})" in text


def test_spine_summary_counts_the_focus_areas_outcome_indicators(model):
    rows = spine_rows(model, [KERNOW, "E38000240"])
    outcomes, context = split_outcomes(rows)
    names = {KERNOW: "NHS Kernow CCG", "E38000240": "NHS North Central London CCG"}
    text = words.spine_summary(outcomes, [KERNOW, "E38000240"], names)
    mine = outcomes[(outcomes[s.AREA_CODE] == KERNOW) & outcomes[s.VALUE].notna()]
    n = mine["indicator_id"].nunique()
    worse = int((mine["category"] == s.WORSE).sum())
    better = int((mine["category"] == s.BETTER).sum())
    assert n >= 15  # unworded survey questions (CMH21, inpatient) are not on the default spine
    assert text.startswith(
        f"Spine chart, latest period of each: NHS Kernow CCG is significantly worse than England on {worse} "
        f"of {n} outcome indicators and significantly better on {better}"
    )
    assert text.endswith("also shown: NHS North Central London CCG.")
    assert "context indicators" in words.spine_summary(context, [KERNOW], names, kind="context")
    assert "no area chosen" in words.spine_summary(pd.DataFrame(), [], {})


def test_overview_summary_counts_cells_and_names_the_area_worse_most_often(model):
    outcomes, _ = split_outcomes(overview_grid(model))
    text = words.overview_summary(outcomes, focus=KERNOW, focus_name="NHS Kernow CCG")
    have = outcomes[outcomes[s.VALUE].notna()]
    worse = have[have["category"] == s.WORSE]
    per_area = worse.groupby(s.AREA_NAME)["indicator_id"].nunique()
    assert f"{len(worse):,} of {len(have):,} values significantly worse than England" in text
    assert f"most often worse: {sorted(per_area[per_area == per_area.max()].index)[0]}" in text
    assert f"({per_area.max()} of {outcomes['indicator_id'].nunique()})" in text
    assert "NHS Kernow CCG: worse on" in text


def test_trends_summary_gives_first_and_last_value_and_the_trend_label(model):
    period = latest(model, "qof_hyp")
    series, england, _, labels = trend_frames(
        model, Selection("qof_hyp", period, "ccg21", "Persons"), [KERNOW]
    )
    text = words.trends_summary(
        series,
        meta_dict(model, "qof_hyp"),
        areas=[KERNOW],
        area_names={KERNOW: "Kernow"},
        england=england,
        trend_labels=labels,
    )
    first, last = series.iloc[0], series.iloc[-1]
    assert f"({first[s.PERIOD]})" in text and f"({last[s.PERIOD]})" in text
    assert text.startswith("Line chart of Hypertension prevalence over time: Kernow ")
    assert "England " in text
    if labels.get(KERNOW):
        assert f"recent trend: {labels[KERNOW].lower()}" in text


def test_explorer_summary_reports_the_fit_the_chart_draws(model):
    from selection import default_x

    x = default_x(model)
    df, x_meta, y_meta = explorer_frame(model, x, DEMENTIA, period=latest(model, DEMENTIA))
    fit = ols_fit(df["x"], df["y"])
    rho = spearman(df["x"], df["y"]).rho
    text = words.explorer_summary(
        df, x_name=x_meta["short_name"], y_name=y_meta["short_name"], r2=fit.r2, rho=rho, geography=CCG21
    )
    assert f"for {len(df)} {CCG21} areas" in text
    assert f"Spearman ρ = {rho:.2f}" in text and f"R² = {fit.r2:.2f}" in text


def test_funnel_summary_counts_each_band(model):
    period = latest(model, "qof_hyp")
    view = funnel_view(model, Selection("qof_hyp", period, "ccg21", "Persons"), ci="95", od="none")
    assert view.funnel is not None
    text = words.funnel_summary(
        view.rows,
        meta_dict(model, "qof_hyp"),
        period=period,
        geography=CCG21,
        focus=KERNOW,
        focus_name="Kernow",
    )
    bands = view.rows["funnel_category"].value_counts()
    assert f"{int(bands.get('inside', 0))} inside the 95% limits" in text
    assert f"{int(bands['above 99.8%'])} above the upper 99.8% limit" in text
    assert "; Kernow is " in text


def test_practices_summary_counts_the_ccgs_practices(model):
    rows, england = practice_rows(model, KERNOW, "qof_hyp")
    text = words.practices_summary(
        rows, meta_dict(model, "qof_hyp"), ccg_name="NHS Kernow CCG", england=england, compared=True
    )
    assert f"{rows[s.VALUE].notna().sum()} practices with a value" in text
    top = rows.loc[rows[s.VALUE].idxmax(), "practice_name"]
    assert f"highest {top} (" in text


def test_inequality_summaries_follow_the_tables_order(model):
    name = indicators(model)[0]
    table = icb_table(model, name, latest_year(model, name))
    meta = {"name": name, "unit": ""}
    first = table.dropna(subset=["slope"]).iloc[0]
    text = words.icb_groups_summary(first, GROUPS, meta)
    assert text.startswith(
        f"{name} in {first['icb_name']} by practice deprivation group: group 1 (least deprived): "
    )
    ranking = words.icb_ranking_summary(table, meta, highlight=str(first["icb22_code"]))
    steepest = table.loc[pd.to_numeric(table["slope"]).idxmax(), "icb_name"]
    assert f"ranked by the descriptive slope from {steepest} (" in ranking

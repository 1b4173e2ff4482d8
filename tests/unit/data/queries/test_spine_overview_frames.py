"""The spine and overview rows cut from the frames the build makes, checked against the raw rows."""

from __future__ import annotations

import numpy as np
import pytest

from data.model import schema as s
from data.queries.view_frames import hidden_categories, overview_grid, shown_periods, spine_rows

KERNOW, NCL = "E38000089", "E38000240"


def persons(model, geography: str):
    ind = model.indicators
    return ind[(ind[s.GEOGRAPHY] == geography) & (ind[s.SEX] == "Persons")]


def test_spine_rows_match_the_raw_rows(model):
    rows = spine_rows(model, [KERNOW, NCL], benchmark="region", ci="99.8")
    here = persons(model, "ccg21")
    mine = here[(here[s.AREA_CODE] == KERNOW) & here[s.VALUE].notna()]
    summarised = model.catalogue.index[model.catalogue["in_summaries"].astype(bool)]
    mine = mine[mine[s.INDICATOR_ID].isin(summarised)]  # unworded survey questions: own page only
    latest = mine.sort_values(s.PERIOD_START).groupby(s.INDICATOR_ID)[s.PERIOD].last()
    focus = rows[rows[s.AREA_CODE] == KERNOW].set_index(s.INDICATOR_ID)
    assert set(focus.index) == set(latest.index)  # every indicator Kernow has, and only those
    assert len(rows) == 2 * len(latest)
    for ind_id in list(latest.index)[::7]:
        period = latest[ind_id]
        slice_ = here[(here[s.INDICATOR_ID] == ind_id) & (here[s.PERIOD] == period)]
        values = slice_[s.VALUE].dropna()
        got = focus.loc[ind_id]
        assert got[s.PERIOD] == period
        assert (got["min"], got["max"]) == pytest.approx((values.min(), values.max()))
        assert got["q25"] == pytest.approx(values.quantile(0.25))
        for code in (KERNOW, NCL):
            raw = slice_[slice_[s.AREA_CODE] == code]
            row = rows[(rows[s.AREA_CODE] == code) & (rows[s.INDICATOR_ID] == ind_id)].iloc[0]
            if raw.empty or raw[s.VALUE].isna().all():
                assert np.isnan(row[s.VALUE]) and row["category"] == s.NOT_COMPARED
            else:
                assert row[s.VALUE] == raw[s.VALUE].iloc[0]
                shown = ind_id not in hidden_categories(model)  # GP FFT: categories only on request
                want = (raw[s.CMP_REGION_998].iloc[0] or s.NOT_COMPARED) if shown else s.NOT_COMPARED
                assert row["category"] == want
                assert row[s.UPPER998] == pytest.approx(raw[s.UPPER998].iloc[0], nan_ok=True)
    assert set(rows["benchmark"]) == {"each area's NHS region"}


def test_spine_rows_name_a_partial_comparator(model):
    rows = spine_rows(model, [KERNOW])
    partial = rows[rows["benchmark"] != "England"]
    assert len(partial)  # e.g. GP appointments: "n of 106 CCGs with data"
    assert all(
        name.endswith(f"(centre: {label})")
        for name, label in zip(partial["short_name"], partial["benchmark"])
    )


def test_spine_rows_without_areas_or_data_have_every_column(model):
    empty = spine_rows(model, [])
    assert empty.empty and {"england_value", "category", "benchmark"} <= set(empty.columns)
    unknown = spine_rows(model, ["E99999999"])
    assert unknown.empty and list(unknown.columns) == list(empty.columns)


def test_overview_grid_matches_the_raw_rows(model):
    grid = overview_grid(model, region="E40000006", benchmark="england")
    here = persons(model, "ccg21")
    sw = set(model.areas.loc[model.areas["region_code"] == "E40000006", s.AREA_CODE])
    assert set(grid[s.AREA_CODE]) <= sw and grid[s.AREA_CODE].nunique() == 7
    one = grid.iloc[len(grid) // 2]
    raw = here[
        (here[s.INDICATOR_ID] == one[s.INDICATOR_ID])
        & (here[s.PERIOD] == one[s.PERIOD])
        & (here[s.AREA_CODE] == one[s.AREA_CODE])
    ].iloc[0]
    assert one[s.VALUE] == pytest.approx(raw[s.VALUE], nan_ok=True)
    assert one["category"] == raw[s.CMP_ENGLAND_95]
    assert one["unit"] == model.catalogue.at[one[s.INDICATOR_ID], "unit"]


def test_overview_grid_of_another_geography_is_made_on_demand(model):
    grid = overview_grid(model, geography="ccg19")
    assert len(grid) and set(grid[s.AREA_CODE]) <= set(persons(model, "ccg19")[s.AREA_CODE])


def test_shown_periods_are_the_views_own(model):
    rows = spine_rows(model, [KERNOW])
    assert shown_periods(model, "spine", focus=KERNOW) == list(
        dict.fromkeys(zip(rows["short_name"], rows[s.PERIOD], strict=True))
    )
    grid = overview_grid(model, region="E40000006")
    assert shown_periods(model, "overview", region="E40000006") == list(
        dict.fromkeys(zip(grid["short_name"], grid[s.PERIOD], strict=True))
    )
    assert shown_periods(model, "spine") == []


def test_no_unworded_survey_question_in_the_default_spine_or_overview(model):
    """Issue 17: CMH21 and inpatient questions whose wording no source states stay on their own page;
    Domain 4 of the spine is then GP FFT (% positive and responses per 1,000), readable at a glance."""
    unworded = set(model.catalogue.index[~model.catalogue["in_summaries"].astype(bool)])
    assert {i for i in unworded if i.startswith(("mh_cmhs_", "ip22_"))} == unworded and len(unworded) == 84
    for area in (KERNOW, NCL, "E38000006", "E38000150"):
        spine = spine_rows(model, [area])
        assert not set(spine[s.INDICATOR_ID]) & unworded
        assert set(spine.loc[spine["domain"] == "4", s.INDICATOR_ID]) == {
            "gp_fft_positive",
            "gp_fft_response_rate",
        }
    grid = overview_grid(model)
    assert not set(grid[s.INDICATOR_ID]) & unworded
    assert set(grid.loc[grid["domain"] == "4", s.INDICATOR_ID]) == {"gp_fft_positive", "gp_fft_response_rate"}
    periods = shown_periods(model, "overview")
    assert not any(name.startswith(("CMH21", "Community mental health", "Inpatient")) for name, _ in periods)


def test_fft_is_coloured_by_value_unless_categories_are_asked_for(model):
    """NHS England advises against comparing on FFT: "Not compared" by default, categories on request."""
    spine = spine_rows(model, [KERNOW]).set_index(s.INDICATOR_ID)
    assert spine.at["gp_fft_positive", "category"] == s.NOT_COMPARED
    asked = spine_rows(model, [KERNOW], categories=True).set_index(s.INDICATOR_ID)
    raw = model.slice("gp_fft_positive", "ccg21", "Feb 2026", "Persons").set_index(s.AREA_CODE)
    assert asked.at["gp_fft_positive", "category"] == raw.at[KERNOW, s.CMP_ENGLAND_95] == s.WORSE
    grid = overview_grid(model)
    fft = grid[grid[s.INDICATOR_ID] == "gp_fft_positive"]
    assert len(fft) == 106 and (fft["category"] == s.NOT_COMPARED).all()
    asked = overview_grid(model, categories=True)
    fft = asked[asked[s.INDICATOR_ID] == "gp_fft_positive"]
    assert (fft["category"] != s.NOT_COMPARED).sum() == 106
    # The response rate is a value only, asked or not.
    assert (asked.loc[asked[s.INDICATOR_ID] == "gp_fft_response_rate", "category"] == s.NOT_COMPARED).all()

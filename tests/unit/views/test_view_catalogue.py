"""The catalogue page, the data-age notice and the definition extras, on the real model."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from callbacks.sync import next_state
from data.model.catalogue import FRAME_NAME
from data.model.freshness import period_end
from data.model.settings import get_settings
from layouts import catalogue as catalogue_layout
from layouts.catalogue import NO_MATCH, catalogue_entries, indicator_detail
from layouts.content import render
from selection import catalogue_id, page_of, with_catalogue_indicator
from views.catalogue import (
    FFT_INDICATORS,
    GPPS_FRAME,
    catalogue_matches,
    catalogue_page,
    data_age_items,
    definition_extras,
    gpps_sentence,
    patient_experience_lines,
)
from views.catalogue import data_age_outputs as data_age_view

TODAY = date(2026, 11, 30)


def catalogue_outputs(pathname: str, text: str, today: date):
    """What the catalogue's callbacks send for a path and search text: (count line, the list's
    entries, the ids the search matches, the detail, whether the search box is hidden)."""
    page = catalogue_page(pathname)
    detail, list_hidden, box_hidden = catalogue_layout.catalogue_outputs(page, today)
    if list_hidden:
        return "", None, None, detail, box_hidden
    matched, count = catalogue_matches(text, today)
    return (
        count,
        catalogue_entries(page.rows, today, page.extras, page.domain_notes),
        matched,
        detail,
        box_hidden,
    )


def data_age_outputs(state, today: date):
    return render(data_age_view(state, today))


def texts(component) -> list[str]:
    """Every string in a Dash tree."""
    out: list[str] = []

    def walk(c):
        if isinstance(c, str):
            out.append(c)
        elif isinstance(c, list | tuple):
            for x in c:
                walk(x)
        elif hasattr(c, "children"):
            walk(c.children)

    walk(component)
    return out


def entries(listed: dict, matched: list[str] | None = None) -> list[dict]:
    """The entries the browser shows: all, or those the search matched."""
    every = [e for d in listed["domains"] for e in d["entries"]]
    return every if matched is None else [e for e in every if e["id"] in set(matched)]


@pytest.mark.parametrize(
    ("path", "page", "wanted"),
    [
        ("/indicators", "indicators", None),
        ("/indicators/", "indicators", None),
        ("/indicators/qof_hyp", "indicators", "qof_hyp"),
        ("/indicators/ft%5F91547/", "indicators", "ft_91547"),
        ("/map", "map", None),
    ],
)
def test_catalogue_paths(path, page, wanted):
    assert page_of(path) == page
    assert catalogue_id(path) == wanted


def test_the_whole_catalogue_lists_every_indicator_by_domain(model):
    count, listed, matched, detail, hidden = catalogue_outputs("/indicators", "", TODAY)
    n = len(model.frames[FRAME_NAME])  # every indicator, and the GP Patient Survey items by ICB
    assert n == len(model.catalogue) + len(model.frames["gpps_items"])
    assert matched is None and len(entries(listed)) == n
    assert len({e["id"] for e in entries(listed)}) == n
    assert count.startswith(f"{n} of {n} indicators")
    headings = [d["label"] for d in listed["domains"]]
    assert headings[-1] == "Context"  # outcome domains first, then context
    assert headings[0].startswith("Domain ")
    assert detail == [] and hidden is False


def test_search_filters_the_list(model):
    count, listed, matched, _, _ = catalogue_outputs("/indicators", "dementia", TODAY)
    names = [e["name"] for e in entries(listed, matched)]
    expected = model.frames[FRAME_NAME]
    n = expected.apply(lambda r: "dementia" in " ".join(map(str, r.values)).lower(), axis=1).sum()
    assert 0 < len(names) <= n
    assert any("Dementia" in name for name in names)
    assert "match 'dementia'" in count
    count, listed, matched, _, _ = catalogue_outputs("/indicators", "zzzz no such thing", TODAY)
    assert count.startswith("0 of") and matched == [] and listed["none"] == NO_MATCH


def test_one_indicator_has_its_own_page(model):
    count, listed, _, detail, hidden = catalogue_outputs("/indicators/qof_hyp", "", TODAY)
    words = " ".join(texts(detail))
    assert "Hypertension prevalence" in words
    assert "Coverage" in words and "106 of 106 CCG (April 2021) areas (2022/23)" in words
    assert (
        "Data from 2022/23 (ended Mar 2023, 3 years 7 months ago)" in words
    )  # ended March 2023: more than three years before TODAY
    assert listed is None and hidden is True


def test_an_unknown_indicator_is_a_clear_notice(model):
    _, listed, _, detail, hidden = catalogue_outputs("/indicators/qof_nope", "", TODAY)
    words = " ".join(texts(detail))
    assert "There is no indicator 'qof_nope' in the catalogue." in words
    assert "Browse all indicators" in words
    assert "Did you mean:" in words  # qof_... suggestions
    assert listed is None


def test_old_data_carries_a_notice_on_single_indicator_pages(model, state_for):
    for page in ("map", "compare", "table"):
        state = state_for("?indicator=obesity_admissions", page=page)
        items = data_age_items(state, TODAY)
        assert len(items) == 1 and f"Data from {state['period']} " in items[0]
    recent = state_for("?indicator=dementia_ddr_65plus", page="map")
    assert data_age_items(recent, TODAY) == []  # 2025-01 is recent
    children, hidden = data_age_outputs(recent, TODAY)
    assert hidden is True and children == []


def test_explorer_trends_spine_and_overview_notices(app_ctx, model, state_for):
    explorer = state_for("?indicator=qof_hyp&y=qof_hyp&x=obesity_admissions", page="explorer")
    items = data_age_items(explorer, TODAY)
    assert [i.split(",")[0] for i in items] == ["Y axis", "X axis"]
    trends = state_for("?indicator=op_trimethoprim_monthly", page="trends")
    assert "Data from 2017-11" in data_age_items(trends, TODAY)[0]
    spine = state_for("?areas=E38000220", page="spine")
    words = " ".join(texts(render(data_age_items(spine, TODAY))))
    assert "indicators on this spine chart have data more than 3 years old" in words
    assert "Data from 2014/15: Obesity-related admissions." in words  # one line per period, oldest first
    (details,) = data_age_items(spine, TODAY)
    lines = [li.children for li in details.children[1].children]
    periods = [line.removeprefix("Data from ").partition(": ")[0] for line in lines]
    assert len(periods) == len(set(periods)) < 20  # not a line per indicator (about 50 here)
    ends = [period_end(p) for p in periods]
    assert None not in ends and ends == sorted(ends)
    named = sum(len(line.partition(": ")[2].split("; ")) for line in lines)
    assert named == int(details.children[0].children.split(" of ")[0])  # every old indicator, once
    overview = state_for("", page="overview")
    assert "on this overview" in " ".join(texts(render(data_age_items(overview, TODAY))))


def test_definition_extras_link_to_the_catalogue(model):
    extras = render(definition_extras("qof_hyp", TODAY))
    words = " ".join(texts(extras))
    assert "Coverage 106 of 106" in words and "Latest data 2022/23" in words
    link = extras[-1].children
    assert link.href == "/indicators/qof_hyp"


# --- GP Patient Survey national reference (synthetic until the real table is in the model) ---------

GPPS = pd.DataFrame(
    {
        "question": ["Q16", "Q32", "Q32"],
        "response": ["Good", "Good", "Poor"],
        "national_pct": [73.0, 77.0, 10.0],
        "national_n": [377704, 410372, 54454],
    }
)


@pytest.fixture()
def with_gpps(model):
    """The model with a synthetic GPPS table and a Domain 4 FFT entry (read-only copy)."""
    catalogue = model.catalogue
    if FFT_INDICATORS[0] not in catalogue.index:
        extra = catalogue.loc[["qof_hyp"]].rename(index={"qof_hyp": FFT_INDICATORS[0]})
        extra["domain"] = "4"
        catalogue = pd.concat([catalogue, extra])
    return dataclasses.replace(model, frames={**model.frames, GPPS_FRAME: GPPS}, catalogue=catalogue)


def test_gpps_sentence_on_synthetic_table(with_gpps):
    assert gpps_sentence(with_gpps) == (
        "Nationally, 77% rate their overall experience of their GP practice as good "
        "(GP Patient Survey 2026, England, Q32; 410,372 respondents)."
    )
    lines = patient_experience_lines(with_gpps, FFT_INDICATORS[0])
    assert len(lines) == 1 and "Nationally, 77%" in lines[0]
    assert patient_experience_lines(
        with_gpps, "mh_cmhs_q03" if "mh_cmhs_q03" in with_gpps.catalogue.index else "x"
    )
    assert patient_experience_lines(with_gpps, "qof_hyp") == []  # not Domain 4


def test_gpps_line_in_the_catalogue_layout(with_gpps):
    frame = with_gpps.frames[FRAME_NAME]
    row = frame[frame["domain"] == "4"].iloc[0].to_dict()
    line = gpps_sentence(with_gpps)
    detail = indicator_detail(row, TODAY, [line])
    assert line in texts(detail)
    listed = catalogue_entries([row], TODAY, {}, {"4": [line]})
    assert listed["domains"][0]["notes"] == [line]


def test_real_gpps_table_when_loaded(model):
    if GPPS_FRAME not in model.frames:
        pytest.skip("gpps_national is not in this model yet (data engineer's branch)")
    # Independently from the published file: Q32 (overall experience of the GP practice), "Good".
    raw = pd.read_csv(Path(get_settings().data_dir) / "indicators/gpps_national_2026/gpps_national_2026.csv")
    good = raw[(raw["question"] == "Q32") & (raw["response"] == "Good")].iloc[0]
    sentence = gpps_sentence(model)
    assert f"Nationally, {good['national_pct']:.0f}% rate their overall experience" in sentence
    assert f"{int(good['national_n']):,} respondents" in sentence
    fft = FFT_INDICATORS[0]
    if fft in model.catalogue.index:
        period = model.frames[FRAME_NAME].set_index("indicator_id").at[fft, "latest_period"]
        england = model.slice(fft, "england", period, "Persons")["value"].iloc[0]
        line = patient_experience_lines(model, fft)[0]
        assert line.startswith(f"England: {england:.1f}% of FFT responses positive ({period}).")
        assert line.endswith(sentence)


def test_an_indicator_page_selects_its_indicator(model):
    assert with_catalogue_indicator(model, "/indicators/qof_hyp", "") == "?indicator=qof_hyp"
    assert (
        with_catalogue_indicator(model, "/indicators/qof_hyp", "?areas=00L") == "?indicator=qof_hyp&areas=00L"
    )
    assert with_catalogue_indicator(model, "/indicators/qof_hyp", "?indicator=qof_dm") == "?indicator=qof_dm"
    assert (
        with_catalogue_indicator(model, "/indicators/nope", "?areas=00L") == "?areas=00L"
    )  # no notice twice
    assert with_catalogue_indicator(model, "/map", "") == ""
    state, notices = next_state("/indicators/qof_ast", "", None, {}, {})
    assert (state["indicator"], state["page"], notices) == ("qof_ast", "indicators", [])

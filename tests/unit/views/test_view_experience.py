"""The Patient experience page as a person sees it: every number it prints recomputed from the raw
files (FFT, inpatient survey, catchments, CMH21, HEEC), the sources-agree line and its rule on the
page, FFT's categories only when asked for (with the caveat beside them), England's view without a
focus area, the charts drawing the same numbers, and the page's callback wired."""

from __future__ import annotations

import pandas as pd
import pytest

from data.methods.formatting import format_count, format_number, format_value
from data.queries.experience import SOURCE_CMH21, SOURCE_IP22, SUMMARY_RULE
from layouts import ids
from tests.unit.data.queries.test_experience import (
    BARNSLEY,
    CMHS,
    FFT_FILE,
    HEEC,
    IP22,
    KERNOW,
    NCL,
    SOMERSET,
    WEIGHTS,
    raw_attributed,
    read_raw_fft,
)
from views import experience as vexp
from views.content import texts

AREAS = (KERNOW, BARNSLEY, NCL, SOMERSET)
real = pytest.mark.skipif(not FFT_FILE.exists(), reason="shared data not available")


@pytest.fixture(scope="module")
def raw_fft() -> pd.DataFrame:
    return read_raw_fft()


def page(state: dict) -> dict[str, object]:
    """The page's outputs by component id (callbacks.pages.PAGE_OUTPUTS order)."""
    from callbacks.pages import PAGE_OUTPUTS

    return {
        cid: out
        for (cid, _), out in zip(PAGE_OUTPUTS["experience"], vexp.experience_outputs(state), strict=True)
    }


def words(node) -> str:
    """Every text of a node, joined, with runs of spaces as one (as a browser shows them)."""
    return " ".join(" ".join(texts(node)).split())


def table_rows(node) -> list[list[str]]:
    """The body rows of the first views.content table in ``node``, as text."""
    found = []

    def walk(n):
        if isinstance(n, list | tuple):
            for c in n:
                walk(c)
        elif getattr(n, "tag", None) == "Table":
            found.append(n)
        elif getattr(n, "children", None) is not None:
            walk(n.children)

    walk(node)
    body = found[0].children[1].children
    return [[" ".join(texts(td)) for td in tr.children] for tr in body]


@real
@pytest.mark.parametrize("area", AREAS)
def test_the_page_prints_the_raw_numbers(app_ctx, state_for, raw_fft, area):
    state = state_for(f"?areas={area}", page="experience")
    out = page(state)
    view = vexp.view_of(state)
    summary = words(out[ids.EXP_SUMMARY])
    assert view.headline in summary and SUMMARY_RULE in summary  # the line and its rule, on the page
    for r in view.leans.itertuples():
        assert f"{r.source}: {r.detail}." in summary
    # GP FFT: value, responses, England, from the raw practice file.
    mine = raw_fft[(raw_fft["area"] == area) & raw_fft["fft_responses"].notna()]
    everyone = raw_fft[raw_fft["fft_responses"].notna()]
    value = 100 * mine["positive"].sum() / mine["fft_responses"].sum()
    england = 100 * everyone["positive"].sum() / everyone["fft_responses"].sum()
    fft = words(out[ids.EXP_FFT_NOTE])
    assert (
        f"{format_value(value, '%')} of {format_count(mine['fft_responses'].sum())} responses positive" in fft
    )
    assert f"England: {format_value(england, '%')}" in fft
    listed = raw_fft[(raw_fft["area"] == area) & raw_fft["list"].notna()]
    rate = listed["fft_responses"].fillna(0).sum() / listed["list"].sum() * 1000
    assert f"Responses per 1,000 registered patients: {format_number(rate)} " in fft
    # The practice that pulls the value down most, recomputed.
    mine = mine.assign(
        contribution=(100 * mine["positive"] / mine["fft_responses"] - england)
        * mine["fft_responses"]
        / mine["fft_responses"].sum()
    )
    big = mine[(mine["fft_responses"] >= 30) & (mine["fft_responses"] <= 0.5 * mine["list"])]
    top = big.nsmallest(1, "contribution").iloc[0]
    first = table_rows(out[ids.EXP_FFT_TABLE])[0]
    assert first[0].endswith(f"({top['gp_code']})")
    assert first[2] == format_count(top["fft_responses"]) and first[4] == f"{top['contribution']:+.2f}"
    # Inpatient survey: the main trusts (>= 5% of the residents' admissions) and their bands.
    w = pd.read_csv(WEIGHTS)
    w["trust_code"] = w["trust_code"].replace({"RBZ": "RH8"})
    mine_w = w[w["ccg21_code"] == area]
    share = (
        mine_w.groupby("trust_code")["catchment_population_2019"].sum() / mine_w["ccg21_pop_mid2019"].iloc[0]
    )
    main = share[share >= 0.05].sort_values(ascending=False).head(6)
    trusts = table_rows(out[ids.EXP_IP22_TABLE])
    assert [r[0].rsplit("(", 1)[1].rstrip(")") for r in trusts] == list(main.index)
    raw_ip = pd.read_csv(IP22)
    sections = raw_ip[raw_ip["item"].str.startswith("S")]
    for row, code in zip(trusts, main.index, strict=True):
        bands = sections.loc[sections["trust_code"] == code, "band"]
        assert row[1] == f"{main[code]:.0%}"
        assert row[2:5] == [
            str(bands.between(1, 3).sum()),
            str((bands == 4).sum()),
            str(bands.between(5, 7).sum()),
        ]
    # The chart draws the attributed section scores of the raw files.
    ip = vexp.survey_figure(state, SOURCE_IP22)
    drawn = {}
    for trace in ip.data[2:]:
        drawn.update(zip(trace.y, trace.x, strict=True))
    for k in (1, 6, 11):
        raw_value, _ = raw_attributed(f"S{k:02d}", area)
        assert drawn[f"Section {k}"] == pytest.approx(raw_value, abs=1e-12)
    # GPPS: the ICB by group against England's same group, from HEEC's file (fractions x 100).
    gpps = table_rows(out[ids.EXP_GPPS_TABLE])
    heec = pd.read_csv(HEEC)
    latest = heec[heec["Indicator"] == "overall_pct"]["Year"].max()
    eng = heec[
        (heec["Indicator"] == "overall_pct") & (heec["ICB.NAME"] == "England") & (heec["Year"] == latest)
    ]
    assert gpps[0][:2] == ["Overall experience", "1 (least deprived)"]
    assert gpps[0][3] == format_value(100 * eng["quin_1"].iloc[0], "%")
    # What is missing: the view's own rows, in words.
    missing = table_rows(out[ids.EXP_MISSING])
    assert [r[:2] for r in missing] == [[r.source, r.what] for r in view.missing.itertuples()]


@real
def test_cmh21_chart_draws_the_raw_scores(app_ctx, state_for):
    state = state_for(f"?areas={KERNOW}", page="experience")
    fig = vexp.survey_figure(state, SOURCE_CMH21)
    raw = pd.read_csv(CMHS).set_index("CCG21CD")
    focus = fig.data[2]
    assert dict(zip(focus.y, focus.x, strict=True))["Question 3"] == pytest.approx(
        raw.at[KERNOW, "CMHS Q3 Mean"]
    )
    assert dict(zip(fig.data[1].y, fig.data[1].x, strict=True))["Question 3"] == pytest.approx(
        raw["CMHS Q3 Mean"].mean()
    )
    assert len(fig.data[0].x) == raw.notna().sum().sum()  # every CCG's value of every question


@real
def test_the_lean_chart_draws_each_source_s_shares(app_ctx, state_for):
    state = state_for(f"?areas={NCL}", page="experience")
    view = vexp.view_of(state)
    fig = vexp.lean_figure(view)
    below = dict(zip(fig.data[0].y, fig.data[0].x, strict=True))
    above = dict(zip(fig.data[2].y, fig.data[2].x, strict=True))
    for r in view.leans.itertuples():
        label = next(k for k in below if k.startswith(r.source))
        assert below[label] == pytest.approx(-r.below / r.n)
        assert above[label] == pytest.approx(r.above / r.n)
    assert fig.layout.title.text.endswith(view.headline + "</sup>")


@real
def test_fft_categories_only_when_asked_with_the_caveat_beside_them(app_ctx, state_for):
    plain = words(page(state_for(f"?areas={KERNOW}", page="experience"))[ids.EXP_FFT_NOTE])
    assert "should not be used to compare or rank providers" in plain
    assert "Show categories anyway" in plain and "Worse" not in plain
    asked = words(page(state_for(f"?areas={KERNOW}&categories=on", page="experience"))[ids.EXP_FFT_NOTE])
    assert "Category against England, shown because asked for: Worse." in asked
    assert "should not be used to compare or rank providers" in asked and "Hide the categories" in asked


@real
def test_england_s_view_without_a_focus_area(app_ctx, state_for, raw_fft):
    out = page(state_for("", page="experience"))
    summary = words(out[ids.EXP_SUMMARY])
    everyone = raw_fft[raw_fft["fft_responses"].notna()]
    england = 100 * everyone["positive"].sum() / everyone["fft_responses"].sum()
    assert (
        f"{format_value(england, '%')} of {format_count(everyone['fft_responses'].sum())} responses"
        in summary
    )
    rows = table_rows(out[ids.EXP_SUMMARY])
    assert len(rows) == 106
    kernow = next(r for r in rows if r[0] == "NHS Kernow CCG")
    mine = raw_fft[(raw_fft["area"] == KERNOW) & raw_fft["fft_responses"].notna()]
    assert kernow[1] == format_value(100 * mine["positive"].sum() / mine["fft_responses"].sum(), "%")
    assert kernow[3] == "6 of 11"  # sections below England (recomputed in the queries' tests)
    assert out[ids.EXP_LEAN_GRAPH]["data"] == [] and out[ids.EXP_MISSING] == []
    # An area of another geography: England's view, saying why.
    other = page(state_for("?areas=E54000036&geography=icb22&indicator=qof_hyp", page="experience"))
    assert "is not one, so England's view is shown" in words(other[ids.EXP_SUMMARY])


@real
def test_sentences_and_the_wired_callback(app_ctx, state_for):
    from callbacks.pages import UPDATES

    state = state_for(f"?areas={KERNOW}", page="experience")
    sentences = vexp.experience_sentences(
        tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in state.items()))
    )
    assert len(sentences) == 5
    assert "Petroc Group Practice (36.3% of 1,324 responses) pulls the area's value down most" in sentences[1]
    rendered = UPDATES["experience"](state)
    assert len(rendered) == 14

"""The Patient experience page (/experience, the home page): every Domain 4 source for the focus
area in one place, set against one comparator, with the "sources agree" line and its rule, the
drivers (practices, hospitals, the mental-health trust, the ICB by deprivation) and what is missing
and why. Without a CCG (April 2021) focus area: England's values and every CCG on each source.

The numbers come from ``data.queries.experience`` (``experience`` and ``national``); here they are
put into words, tables and charts (``figures.experience``). The export's parts are in
``views.experience_export``.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from data.methods.formatting import format_count, format_number, format_value, published_name
from data.model import schema as s
from data.model.store import load_model
from data.queries.experience import (
    CMH21_PREFIX,
    FFT,
    FFT_ADVICE,
    FFT_RATE,
    SOURCE_CMH21,
    SOURCE_GPPS,
    SOURCE_IP22,
    SUMMARY_RULE,
    VERDICT_CI,
    ExperienceView,
    NationalView,
    against,
    area_values,
    experience,
    gpps_spread,
    national,
)
from figures.experience import item_strip, lean_chart, practice_scatter
from selection import page_href
from views.cache import memoized
from views.common import EMPTY_FIGURE, focus_ccg
from views.content import Link, P, Span, el, table

PAGE = "experience"
NOT_CCG21 = (
    "The Patient experience page is for CCG (April 2021) areas, whose Domain 4 data exist: the focus area "
    "is not one, so England's view is shown."
)
CHOOSE = (
    "Choose a CCG (April 2021) as the focus area (search above, click the map, or pick one in the table below) "
    "to see its sources together and whether they agree."
)
ATTRIBUTION = (
    "Attributed from the area's hospitals: each acute trust's score weighted by its share of the area's "
    "residents' admissions (2019 catchments), over the trusts with a score. It describes the hospitals the "
    "residents use, weighted by where they are admitted, not a sample of the area's residents."
)
GPPS_NOTE = (
    "HEEC publishes the GP Patient Survey by ICB and practice-deprivation group only (no overall ICB value and "
    "no limits): each group is set against England's value for the same group."
)
GPPS_ABBREVIATED = {
    "overall_pct": "Overall experience",
    "access_pct": "Getting through by phone",
    "continuity_pct": "Continuity with a preferred GP",
    "trust_pct": "Trust in the professional",
}


# --- what the page asks of the model (memoised) -------------------------------------------------


def categories_asked(state: dict) -> bool:
    return state.get("categories") == "on"


def focus_of(state: dict) -> str | None:
    """The focus CCG 2021 area, or None (England's view)."""
    return focus_ccg(load_model(), state)


@memoized
def _view(area: str, benchmark: str, peer_set: str, ci: str, categories: bool) -> ExperienceView:
    return experience(load_model(), area, benchmark, peer_set=peer_set, ci=ci, categories=categories)


def view_of(state: dict) -> ExperienceView | None:
    """The focus area's experience view for the selection, or None without a CCG 2021 focus."""
    area = focus_of(state)
    if area is None:
        return None
    return _view(
        area, state["benchmark"], state.get("peers") or "similar", state["ci"], categories_asked(state)
    )


@memoized
def national_view() -> NationalView:
    return national(load_model())


@memoized
def spreads() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every CCG's value of each inpatient section and CMH21 question, every ICB's GPPS values)."""
    model = load_model()
    ids = [i for i in model.catalogue.index if str(i).startswith(("ip22_s", CMH21_PREFIX))]
    return area_values(model, ids), gpps_spread(model)


# --- figures ------------------------------------------------------------------------------------


def lean_figure(view: ExperienceView) -> go.Figure:
    return lean_chart(
        view.leans,
        versus=against(view.comparator),
        title=f"{published_name(view.area_name)}: each source against {against(view.comparator)}",
        subtitle=view.headline,
    )


def fft_figure(view: ExperienceView) -> go.Figure:
    row = _row(view.rows, FFT)
    name = published_name(view.area_name)
    versus = against(view.comparator)
    n = int(view.fft_practices[s.VALUE].notna().sum())
    return practice_scatter(
        view.fft_practices,
        area_value=None if row is None else row[s.VALUE],
        comparator_value=None if row is None else row["comparator_value"],
        versus=versus,
        area_name=name,
        title=f"GP Friends and Family Test: {name}'s practices",
        subtitle=f"{n} practices with a result, {row[s.PERIOD] if row is not None else ''}; coloured by role, "
        "not by better or worse (NHS England advises against comparing on FFT)",
    )


def _items(rows: pd.DataFrame, source: str, level: str | None = None) -> pd.DataFrame:
    mine = rows[rows["source"] == source]
    if level:
        mine = mine[mine["level"] == level]
    return mine


def _strip_inputs(rows: pd.DataFrame, spread: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    items = pd.DataFrame(
        {"item": rows[s.INDICATOR_ID], "label": rows["label"], "comparator": rows["comparator_value"]}
    )
    others = spread[spread[s.INDICATOR_ID].isin(rows[s.INDICATOR_ID])].rename(
        columns={s.INDICATOR_ID: "item", s.AREA_NAME: "name"}
    )
    return items, others


def _focus_frame(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item": rows[s.INDICATOR_ID],
            s.VALUE: rows[s.VALUE],
            "lower": rows["lower"],
            "upper": rows["upper"],
            "category": rows["category"],
        }
    )


def survey_figure(state: dict, source: str) -> go.Figure:
    """The inpatient sections or the CMH21 questions: every CCG, the comparator and the focus area."""
    view = view_of(state)
    spread, _ = spreads()
    level = "section" if source == SOURCE_IP22 else "question"
    if view is None:
        rows = _items(national_view().rows, source, level).assign(comparator_value=lambda f: f[s.VALUE])
        focus, name, versus = (
            None,
            "",
            "England" if source == SOURCE_IP22 else "Mean of the CCGs with a value",
        )
    else:
        rows = _items(view.rows, source, level)
        focus, name = _focus_frame(rows), published_name(view.area_name)
        versus = _versus_name(view, rows)
    items, others = _strip_inputs(rows, spread)
    what = "11 sections" if source == SOURCE_IP22 else f"{len(rows)} questions"
    title = f"{source}: {what}" + (f", {name}" if name else "")
    subtitle = (
        "Scores 0-10 attributed from each area's hospitals; ranges where the comparison with England is sound; "
        f"colours at {state['ci']}% confidence (the summary counts a section at {VERDICT_CI}%)"
        if source == SOURCE_IP22
        else "Scores 0-10 of the mental-health trusts headquartered in each area (no limits: values only)"
    )
    return item_strip(
        items,
        others,
        focus,
        unit="score 0-10",
        versus=versus,
        focus_name=name,
        title=title,
        subtitle=subtitle,
        others_name="every CCG with a value",
        palette=state["palette"],
    )


def _versus_name(view: ExperienceView, rows: pd.DataFrame) -> str:
    named = rows.loc[rows["comparator"] != "", "comparator"]
    return str(named.iloc[0]) if len(named) else against(view.comparator)


def _gpps_label(indicator: str, quintile: str) -> str:
    return f"{GPPS_ABBREVIATED.get(indicator, indicator)}: group {quintile}"


def gpps_figure(state: dict) -> go.Figure:
    """The ICB's GP Patient Survey values by practice-deprivation group against England's same group."""
    view = view_of(state)
    _, spread = spreads()
    table = view.gpps if view is not None else national_view().gpps
    comparator = "england_group" if view is not None else s.VALUE
    items = pd.DataFrame(
        {
            "item": [f"{i}|{q}" for i, q in zip(table["indicator"], table["quintile"], strict=True)],
            "label": [_gpps_label(i, q) for i, q in zip(table["indicator"], table["quintile"], strict=True)],
            "comparator": table[comparator].to_numpy(),
        }
    )
    others = spread.assign(
        item=[f"{i}|{q}" for i, q in zip(spread["indicator"], spread["quintile"], strict=True)],
        name=spread["icb_name"].map(published_name),
    )
    focus = None
    icb = ""
    if view is not None and len(table):
        icb = published_name(table["icb_name"].iloc[0])
        focus = pd.DataFrame(
            {
                "item": items["item"],
                s.VALUE: table[s.VALUE].to_numpy(),
                "lower": float("nan"),
                "upper": float("nan"),
                "category": s.NOT_COMPARED,
            }
        )
    year = int(table["year"].max()) if len(table) else ""
    return item_strip(
        items,
        others,
        focus,
        unit="%",
        versus="England, same group",
        focus_name=icb,
        title=f"GP Patient Survey {year}: " + (icb or "England") + ", by practice deprivation",
        subtitle="Group 1 least deprived, 4-5 most deprived; % answering positively (HEEC); no limits",
        others_name="every ICB",
        palette=state["palette"],
    )


# --- words and tables ---------------------------------------------------------------------------


def _row(rows: pd.DataFrame, indicator: str) -> pd.Series | None:
    hit = rows[rows[s.INDICATOR_ID] == indicator]
    return hit.iloc[0] if len(hit) else None


def category_toggle(state: dict) -> object:
    """The link that asks for GP FFT's categories (or hides them again), with NHS England's caveat."""
    if categories_asked(state):
        return Link("Hide the categories", href=page_href(state.get("page") or PAGE, state, categories="off"))
    return Link("Show categories anyway", href=page_href(state.get("page") or PAGE, state, categories="on"))


def summary_section(state: dict, view: ExperienceView | None) -> list:
    """The headline ("sources agree"), each source's sentence and the rule; England's table without a focus."""
    if view is None:
        return national_summary(state)
    name = published_name(view.area_name)
    out: list = [
        el(
            "H3", f"{name}: patient experience against {against(view.comparator)} ({state['ci']}% confidence)"
        ),
        P(el("Strong", view.headline), className="experience-headline"),
        el(
            "Ul",
            [el("Li", [el("B", f"{r.source}: "), r.detail + "."]) for r in view.leans.itertuples()],
            className="experience-sources",
        ),
        el("Details", [el("Summary", "How this line is made"), P(SUMMARY_RULE)], className="experience-rule"),
    ]
    return out


def national_summary(state: dict) -> list:
    nat = national_view()
    areas = focus_ccg(load_model(), state)
    out: list = [el("H3", "England: patient experience (NHS Outcomes Framework Domain 4)")]
    if state.get("areas") and areas is None:
        out.append(P(NOT_CCG21, className="notice-item"))
    out.append(P(CHOOSE, className="experience-headline"))
    fft = _row(nat.rows, FFT)
    rate = _row(nat.rows, FFT_RATE)
    sentences = []
    if fft is not None:
        sentences.append(
            f"GP Friends and Family Test ({fft[s.PERIOD]}): {format_value(fft[s.VALUE], '%')} of "
            f"{format_count(fft[s.DENOMINATOR])} responses positive"
            + (
                f"; {format_number(rate[s.VALUE])} responses per 1,000 registered patients"
                if rate is not None
                else ""
            )
        )
    sentences.append(
        "Inpatient survey 2022: 11 sections against CQC's national means; the attributed score stands for "
        f"{int(nat.areas['ip22_sections'].notna().sum())} of {len(nat.areas)} CCGs"
    )
    sentences.append(
        f"Community mental health survey 2021: {int(nat.areas['cmh21_questions'].notna().sum())} CCGs with a value "
        "(where a mental-health trust has its headquarters)"
    )
    overall = nat.gpps[nat.gpps["indicator"] == "overall_pct"]
    if len(overall):
        sentences.append(
            f"GP Patient Survey {int(overall['year'].iloc[0])}: overall experience of the GP practice "
            f"{format_value(overall['england_avg'].iloc[0], '%')} positive in England, from "
            + " to ".join(format_value(v, "%") for v in overall[s.VALUE].iloc[[0, -1]])
            + " between the least and the most deprived practices"
        )
    out.append(el("Ul", [el("Li", t + ".") for t in sentences], className="experience-sources"))
    out.append(el("H4", f"Every CCG (April 2021) on each source ({len(nat.areas)})"))
    out.append(national_table(state, nat.areas))
    return out


NATIONAL_HEAD = [
    "CCG (opens its patient experience)",
    "GP FFT % positive",
    "FFT responses per 1,000",
    "Inpatient sections below England",
    "significantly worse (99.8%)",
    "CMH21 questions below the mean",
]


def national_table(state: dict, areas: pd.DataFrame):
    def count(k, n) -> str:
        return "" if pd.isna(k) or pd.isna(n) else f"{int(k)} of {int(n)}"

    rows = [
        [
            Link(published_name(r.area_name), href=page_href(PAGE, state, areas=[r.area_code])),
            format_value(r.fft, "%"),
            format_number(r.fft_rate),
            count(r.ip22_below, r.ip22_sections),
            "" if pd.isna(r.ip22_worse) else str(int(r.ip22_worse)),
            count(r.cmh21_below, r.cmh21_questions),
        ]
        for r in areas.itertuples(index=False)
    ]
    return el("Div", table(NATIONAL_HEAD, rows, "data-table experience-table"), className="table-scroll")


def fft_caveat(state: dict, category: str | None = None, versus: str = "") -> object:
    """NHS England's caveat where the FFT colours are, with the link that asks for (or hides) the
    area's category (none on England's view: nothing there is compared); the category itself, when
    asked for, beside the caveat."""
    asked = []
    if categories_asked(state) and category:
        asked = [el("B", f"Category against {versus}, shown because asked for: {category}. ")]
    colours = "" if asked else "Colours on this page show values and roles, not better or worse. "
    toggle = [category_toggle(state)] if category else []
    return P([*asked, Span(f"Caveat: {FFT_ADVICE}. {colours}"), *toggle], className="caveat")


def fft_section(state: dict, view: ExperienceView | None) -> list:
    out: list = [el("H3", "GP Friends and Family Test")]
    if view is None:
        out.append(P("Every CCG's % positive against England's (one dot each).", className="hint"))
        return [*out, fft_caveat(state)]
    row, rate = _row(view.rows, FFT), _row(view.rows, FFT_RATE)
    versus = against(view.comparator)
    if row is None or pd.isna(row[s.VALUE]):
        return [*out, P("No GP Friends and Family Test result for this area.", className="hint")]
    out.append(
        P(
            f"{format_value(row[s.VALUE], '%')} of {format_count(row[s.DENOMINATOR])} responses positive in "
            f"{row[s.PERIOD]} ({row['limits']} {format_number(row['lower'])} to {format_number(row['upper'])}); "
            f"{versus}: {format_value(row['comparator_value'], '%')}."
        )
    )
    if rate is not None and pd.notna(rate[s.VALUE]):
        out.append(
            P(
                f"Responses per 1,000 registered patients: {format_number(rate[s.VALUE])} ({versus}: "
                f"{format_number(rate['comparator_value'])}): how much feedback is heard, shown as a value only."
            )
        )
    out.append(fft_caveat(state, str(row["category"]), versus))
    out.append(
        P(
            f"The practices that pull the area's value below {_possessive(versus)} most: each practice's gap from "
            f"{versus} times its share of the area's responses (over all practices these add up to the area's gap; "
            "practices with at least 30 responses and no data-quality flag).",
            className="hint",
        )
    )
    out.append(
        P(
            Link(
                "Every practice on the practices page",
                href=page_href("practices", state, indicator=FFT, y=FFT, period=""),
            )
        )
    )
    return out


def driver_table(view: ExperienceView | None):
    if view is None:
        return None
    drivers = view.fft_practices[view.fft_practices["driver"].astype(bool)]
    if drivers.empty:
        return P("No practice pulls the area's value below the comparator.", className="hint")
    rows = [
        [
            f"{published_name(r.practice_name)} ({r.practice_code})",
            published_name(r.pcn_name) if isinstance(r.pcn_name, str) else "",
            format_count(r.responses),
            format_value(r.value, "%"),
            # a contribution under 0.005 points keeps a third decimal (never "-0.00")
            f"{r.contribution:+.2f}" if abs(r.contribution) >= 0.005 else f"{r.contribution:+.3f}",
        ]
        for r in drivers.itertuples(index=False)
    ]
    head = ["Practice", "PCN", "Responses", "% positive", "Contribution to the gap (percentage points)"]
    return table(head, rows, "data-table experience-table two-text")


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def ip22_section(state: dict, view: ExperienceView | None) -> list:
    out: list = [
        el("H3", "Inpatient survey 2022 (NHS Adult Inpatient Survey, CQC)"),
        P(ATTRIBUTION, className="hint"),
    ]
    if view is None:
        return out
    ip = _items(view.rows, SOURCE_IP22)
    sections = ip[ip["level"] == "section"]
    covered = sections["covered_share"].dropna()
    if len(covered):
        share = f"{covered.min():.0%}" + (
            f" to {covered.max():.0%}" if f"{covered.min():.0%}" != f"{covered.max():.0%}" else ""
        )
        out.append(
            P(
                f"Covered share: {share} of the residents' admissions went to trusts with a score, by section "
                "(at least 95% is needed to compare with England)."
            )
        )
    lean = view.leans.set_index("source").loc[SOURCE_IP22]
    out.append(P(f"{lean['detail'][:1].upper()}{lean['detail'][1:]}."))
    out.append(
        P(
            "Main trusts (at least 5% of the residents' admissions): CQC's band for each section (expected ranges "
            "around the national mean) and the change since 2021.",
            className="hint",
        )
    )
    return out


def trusts_table(view: ExperienceView | None):
    if view is None:
        return None
    trusts = view.inpatient_trusts
    if trusts.empty:
        return P("No trust serving this area is in the 2022 survey.", className="hint")
    rows = []
    for code, part in trusts.groupby("trust_code", sort=False):
        band = part["band"]
        rows.append(
            [
                f"{published_name(part['trust_name'].iloc[0])} ({code})",
                f"{part['share'].iloc[0]:.0%}",
                str(int(band.between(1, 3).sum())),
                str(int((band == 4).sum())),
                str(int(band.between(5, 7).sum())),
                str(int((part["trend_2021"] == "significantly down since 2021").sum())),
                str(int((part["trend_2021"] == "significantly up since 2021").sum())),
            ]
        )
    head = [
        "Trust",
        "Share of admissions",
        "Sections worse than expected",
        "About the same",
        "Better than expected",
        "Down since 2021",
        "Up since 2021",
    ]
    return table(head, rows, "data-table experience-table")


def cmh21_section(state: dict, view: ExperienceView | None) -> list:
    out: list = [el("H3", "Community mental health survey 2021 (CQC)")]
    if view is None:
        out.append(
            P(
                "Each CCG's value is the mean of the mental-health trusts headquartered in it.",
                className="hint",
            )
        )
        return out
    lean = view.leans.set_index("source").loc[SOURCE_CMH21]
    out.append(P(f"{lean['detail'][:1].upper()}{lean['detail'][1:]}."))
    return out


def gpps_section(state: dict, view: ExperienceView | None) -> list:
    out: list = [el("H3", "GP Patient Survey, by practice deprivation"), P(GPPS_NOTE, className="hint")]
    if view is None:
        return out
    lean = view.leans.set_index("source").loc[SOURCE_GPPS]
    out.append(P(f"{lean['detail']}."))
    national = view.gpps["national_2026"].dropna()
    if len(national):
        out.append(
            P(
                f"Nationally, {national.iloc[0]:.0f}% rated their overall experience of their GP practice as good in "
                "the 2026 survey (the same question; a new series, not comparable with HEEC's 2024 values).",
                className="hint",
            )
        )
    return out


def gpps_table_content(view: ExperienceView | None):
    if view is None or view.gpps.empty:
        return None
    rows = [
        [
            GPPS_ABBREVIATED.get(r.indicator, r.name),
            str(r.quintile),
            format_value(r.value, "%"),
            format_value(r.england_group, "%"),
            r.side,
        ]
        for r in view.gpps.itertuples(index=False)
    ]
    return table(
        ["Question", "Practice-deprivation group", "ICB", "England, same group", "ICB is"],
        rows,
        "data-table experience-table two-text",
    )


def missing_section(view: ExperienceView | None) -> list:
    if view is None:
        return []
    out: list = [el("H3", "What is missing, and why")]
    if view.missing.empty:
        return [*out, P("Nothing: every source has a value for this area.")]
    rows = [[r.source, r.what, r.why] for r in view.missing.itertuples(index=False)]
    return [*out, table(["Source", "What", "Why"], rows, "data-table experience-table all-text")]


def experience_outputs(state: dict):
    """Every output of the page, in ``callbacks.pages.PAGE_OUTPUTS`` order: the summary, its chart,
    then per source its words, chart and table, then what is missing."""
    view = view_of(state)
    lean = lean_figure(view).to_plotly_json() if view is not None else EMPTY_FIGURE
    if view is None:
        fft_fig = fft_national_figure(state).to_plotly_json()
    else:
        fft_fig = fft_figure(view).to_plotly_json()
    return (
        summary_section(state, view),
        lean,
        fft_section(state, view),
        fft_fig,
        driver_table(view),
        ip22_section(state, view),
        survey_figure(state, SOURCE_IP22).to_plotly_json(),
        trusts_table(view),
        cmh21_section(state, view),
        survey_figure(state, SOURCE_CMH21).to_plotly_json(),
        gpps_section(state, view),
        gpps_figure(state).to_plotly_json(),
        gpps_table_content(view),
        missing_section(view),
    )


def fft_national_figure(state: dict) -> go.Figure:
    """Every CCG's FFT % positive against England's (no focus area)."""
    nat = national_view()
    fft = _row(nat.rows, FFT)
    areas = nat.areas.dropna(subset=["fft"])
    items = pd.DataFrame(
        {"item": [FFT], "label": ["% positive"], "comparator": [None if fft is None else fft[s.VALUE]]}
    )
    others = pd.DataFrame(
        {"item": FFT, "name": areas[s.AREA_NAME].map(published_name), s.VALUE: areas["fft"]}
    )
    return item_strip(
        items,
        others,
        None,
        unit="%",
        versus="England",
        focus_name="",
        title="GP Friends and Family Test: every CCG's % positive",
        subtitle=f"{len(areas)} CCGs, {'' if fft is None else fft[s.PERIOD]}; values, not better or worse",
        others_name="every CCG",
        palette=state["palette"],
    )


@memoized
def experience_sentences(frozen: tuple) -> tuple[str, str, str, str, str]:
    """Each chart's one-sentence summary (its text alternative), in the order of the page's charts."""
    state = dict(frozen)
    view = view_of(state)
    if view is None:
        nat = national_view()
        fft = _row(nat.rows, FFT)
        areas = nat.areas.dropna(subset=["fft"])
        return (
            "No summary chart without a focus area: choose a CCG to see its sources set against one comparator.",
            f"Every CCG's GP Friends and Family Test % positive ({len(areas)} CCGs), from "
            f"{format_value(areas['fft'].min(), '%')} to {format_value(areas['fft'].max(), '%')}; England "
            f"{format_value(None if fft is None else fft[s.VALUE], '%')}.",
            "Every CCG's attributed inpatient survey 2022 score on each of the 11 sections, with CQC's national mean.",
            f"Every CCG with a community mental health survey 2021 value "
            f"({int(nat.areas['cmh21_questions'].notna().sum())}) on each question, with their mean.",
            "Every ICB's GP Patient Survey values by practice-deprivation group, with England's value for each group.",
        )
    name = published_name(view.area_name)
    detail = view.leans.set_index("source")["detail"]
    drivers = view.fft_practices[view.fft_practices["driver"].astype(bool)]
    fft = _row(view.rows, FFT)
    with_value = int(view.fft_practices[s.VALUE].notna().sum())
    first = (
        f"; {published_name(drivers['practice_name'].iloc[0])} ({format_value(drivers['value'].iloc[0], '%')} of "
        f"{format_count(drivers['responses'].iloc[0])} responses) pulls the area's value down most"
        if len(drivers)
        else ""
    )
    fft_text = (
        f"{name}'s {with_value} practices with a GP Friends and Family Test result, % positive against responses"
        + first
        + (
            f"; {name} {format_value(fft[s.VALUE], '%')}, {against(view.comparator)} "
            f"{format_value(fft['comparator_value'], '%')}."
            if fft is not None
            else "."
        )
    )
    return (
        f"{name}, each source against {against(view.comparator)}: {view.headline}",
        fft_text,
        f"Inpatient survey 2022, {name}: {detail[SOURCE_IP22]}.",
        f"Community mental health survey 2021, {name}: {detail[SOURCE_CMH21]}.",
        f"GP Patient Survey: {detail[SOURCE_GPPS]}.",
    )

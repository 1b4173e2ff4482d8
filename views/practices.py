"""The practice drill-down page: the focus CCG's GP practices on a funnel, in a table, by PCN; and
the page's export parts (the practices' chart and table, the PCN table)."""

from __future__ import annotations

import dataclasses
import functools

import pandas as pd

from data.model import schema as s
from data.model.core import Model
from data.model.store import load_model
from data.queries.practices import NOT_EVENTS, measures, pcn_rollup, practice_rows
from data.queries.view_frames import meta_dict
from figures import summaries as words
from figures.practices import practice_chart
from selection import page_href
from views.cache import memoized
from views.common import EMPTY_FIGURE, area_names, focus_ccg
from views.content import P, Span, choices, table
from views.provenance import APP, ExportRefused, Piece, Provenance, first_sentence

DEFAULT_MEASURE = "qof_hyp"
COMPARED = {
    s.COUNT: "Count",
    s.DENOMINATOR: "Denominator",
    s.VALUE: "Value",
    s.LOWER95: "Lower 95%",
    s.UPPER95: "Upper 95%",
    "category": "Compared with England",
}
PCN_COLUMNS = {"pcn_name": "PCN", "practices": "Practices", "used": "With a value", **COMPARED}
PRACTICE_COLUMNS = {
    "practice_code": "Code",
    "practice_name": "Practice",
    "pcn_name": "PCN",
    **COMPARED,
    "flag": "Flag",
}
NO_PRACTICE_FOCUS = (
    "The practice drill-down needs a CCG (April 2021) focus area: choose one with the Areas box above, "
    "or click it on the map."
)


@memoized
def _rows(ccg21: str, indicator: str):
    return practice_rows(load_model(), ccg21, indicator)


def _cell(v) -> str:
    if isinstance(v, float):
        return "" if pd.isna(v) else f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.2f}"
    return "" if v is None else str(v)


def _table(frame: pd.DataFrame, columns: dict[str, str], highlight: str | None = None):
    records = frame.to_dict("records")
    rows = [[_cell(rec[c]) for c in columns] for rec in records]
    picked = [("picked" if highlight and rec.get("practice_code") == highlight else None) for rec in records]
    return table(list(columns.values()), rows, "data-table practices-table", picked)


def ranked_practices(rows: pd.DataFrame) -> pd.DataFrame:
    """Reliable practices by value (highest first), then the unreliable ones: the table's order."""
    order = rows.assign(_u=rows["flag"] != "").sort_values(["_u", s.VALUE], ascending=[True, False])
    return order.drop(columns="_u")


def practice_source(indicator: str) -> str:
    """Where a practice measure comes from and how practices are compared (page and exports)."""
    how = (
        "QOF 2022/23 (NHS Digital; practice, PCN and Sub-ICB from the QOF mapping)"
        if indicator != "gp_fft_positive"
        else "GP Friends and Family Test, February 2026 (NHS England; practices with 1-4 responses suppressed by the publisher)"
    )
    if indicator in NOT_EVENTS:
        how += (
            ". Points are not events out of a population: values are shown, not compared or put on a funnel"
        )
    else:
        how += ". Each practice's 95% Wilson interval compared with England; funnel limits around England's value"
    return how


def practice_view(state: dict, indicator: str):
    """(figure, practice rows, England's value, CCG name) for a focus CCG and a practice measure."""
    model = load_model()
    focus = focus_ccg(model, state)
    rows, england = _rows(focus, indicator)
    name = area_names([focus], s.HOME_GEOGRAPHY)[focus]
    fig = practice_chart(
        rows,
        england,
        meta_dict(model, indicator),
        ccg_name=name,
        palette=state["palette"],
        selected=state.get("practice") or None,
        funnel=indicator not in NOT_EVENTS,
    )
    return fig, rows, england, name


def _pcns(rows: pd.DataFrame, england: float, indicator: str) -> pd.DataFrame:
    polarity = str(load_model().catalogue.at[indicator, "polarity"])
    return pcn_rollup(rows, None if indicator in NOT_EVENTS else england, polarity)


def practices_outputs(state: dict):
    """Note, figure, PCN table and practice table for the selection."""
    model = load_model()
    page = state.get("page") or "practices"
    if focus_ccg(model, state) is None:
        note = P(
            "Choose a CCG (April 2021) as the focus area (search above or click the map) to see its GP practices.",
            className="notice-item",
        )
        return note, EMPTY_FIGURE, None, None
    available = measures(model)
    indicator = state["indicator"]
    short = model.catalogue["short_name"]
    notes = []
    if indicator not in available:
        notes.append(
            Span(
                f"{short[indicator]} has no practice-level data: showing {short[DEFAULT_MEASURE]}.",
                className="notice-item",
            )
        )
        indicator = DEFAULT_MEASURE
    options = [(m, short[m], page_href(page, state, indicator=m, y=m, period="")) for m in available]
    fig, rows, england, _ = practice_view(state, indicator)
    notes.append(P(practice_source(indicator) + ".", className="hint"))
    notes.append(P([Span("Measure: ", className="ctl-label"), *choices(indicator, options)], "measure-links"))
    pcn_table = _table(_pcns(rows, england, indicator), PCN_COLUMNS)
    practices = _table(ranked_practices(rows), PRACTICE_COLUMNS, highlight=state.get("practice") or None)
    return notes, fig.to_plotly_json(), pcn_table, practices


def _measure(model: Model, state: dict) -> str:
    return state["indicator"] if state["indicator"] in measures(model) else DEFAULT_MEASURE


@memoized
def practices_sentence(frozen: tuple) -> str:
    state = dict(frozen)
    model = load_model()
    focus = focus_ccg(model, state)
    if focus is None:
        return "No chart yet: choose a CCG (April 2021) to see its GP practices."
    indicator = _measure(model, state)
    rows, england = _rows(focus, indicator)
    return words.practices_summary(
        rows,
        meta_dict(model, indicator),
        ccg_name=area_names([focus], s.HOME_GEOGRAPHY)[focus],
        england=england,
        compared=indicator not in NOT_EVENTS,
    )


# --- the export's parts ------------------------------------------------------------------


def no_practice_data(model: Model, indicator: str) -> str:
    """Why an indicator has no practice export, and the indicators that have one, by name."""
    names = model.catalogue["short_name"]
    have = "; ".join(str(names.get(m, m)) for m in measures(model))
    name = names.get(indicator, indicator)
    return f"{name} has no practice-level data. Practice data exist for: {have}."


def practice_parts(model: Model, state: dict) -> list[tuple[str, bool]] | str:
    """(label, has a chart) of each export part, or why there is nothing to export."""
    if focus_ccg(model, state) is None:
        return NO_PRACTICE_FOCUS
    if state["indicator"] not in measures(model):
        return no_practice_data(model, state["indicator"])
    return [("practices", True), ("PCNs", False)]


def practice_pieces(model: Model, state: dict, link: str) -> list[Piece]:
    """The export's parts: the practices (chart and table) and, as data only, the PCN roll-up."""
    refused = practice_parts(model, state)
    if isinstance(refused, str):
        raise ExportRefused(refused)
    indicator = state["indicator"]
    fig, rows, england, name = practice_view(state, indicator)
    short = str(model.catalogue.at[indicator, "short_name"])
    unit = str(model.catalogue.at[indicator, "unit"])
    source = practice_source(indicator).split(". ")[0] + f". Compiled by the {APP}."
    versus = (
        "not compared (points are not events out of a population)" if indicator in NOT_EVENTS else "England"
    )
    method = (
        practice_source(indicator).split(". ", 1)[1]
        + ". Practices resting on fewer than 5 events or 30 responses are flagged unreliable and not compared."
    )
    caveat = first_sentence(model.catalogue.at[indicator, "caveats"])

    described = functools.partial(Provenance, source=source, method=method, link=link, caveat=caveat)

    def provenance(what: str, subtitle: str) -> Provenance:
        return described(
            title=f"{short}: {what} in {name}",
            subtitle=f"{short} ({unit}) · {subtitle} · compared with {versus}",
        )

    def labelled(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
        out = frame[list(columns)].rename(columns=columns)
        out.insert(0, "CCG", name)
        out.insert(1, "Indicator ID", indicator)
        return out

    practices = labelled(ranked_practices(rows), PRACTICE_COLUMNS)
    practices["England value (comparator)"] = england
    prov = provenance("GP practices", f"{len(rows)} practices")
    prov = dataclasses.replace(prov, subtitle=prov.subtitle + " · 95% Wilson intervals")
    pcn = _pcns(rows, england, indicator)
    pcn_prov = provenance("Primary Care Networks", f"{len(pcn)} PCNs (their practices pooled)")
    return [
        Piece("practices", fig, practices, prov, "Practices"),
        Piece("PCNs", None, labelled(pcn, PCN_COLUMNS), pcn_prov, "PCNs"),
    ]

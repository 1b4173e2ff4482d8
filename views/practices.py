"""The practice drill-down page: the focus CCG's GP practices on a funnel, in a table, by PCN; and
the page's export parts (the practices' chart and table, the PCN table)."""

from __future__ import annotations

import dataclasses
import functools

import pandas as pd

from data.model import schema as s
from data.model.core import Model
from data.model.store import load_model
from data.queries.experience import FFT_ADVICE
from data.queries.practices import FFT, FFT_RATE, NOT_EVENTS, measures, pcn_rollup, practice_rows
from data.queries.view_frames import meta_dict, shows_categories
from figures import summaries as words
from figures.practices import practice_chart
from selection import page_href
from views.cache import memoized
from views.common import EMPTY_FIGURE, area_names, focus_ccg
from views.content import Link, P, Span, choices, table
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


COUNTS = {s.COUNT, s.DENOMINATOR, "practices", "used"}  # whole numbers: printed without decimals


def _cell(v, column: str = "") -> str:
    if isinstance(v, float | int) and not isinstance(v, bool):
        if pd.isna(v):
            return ""
        if column in COUNTS and float(v).is_integer():
            return f"{int(v):,}"
        return f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.2f}"
    return "" if v is None else str(v)


def _table(frame: pd.DataFrame, columns: dict[str, str], highlight: str | None = None):
    records = frame.to_dict("records")
    rows = [[_cell(rec[c], c) for c in columns] for rec in records]
    picked = [("picked" if highlight and rec.get("practice_code") == highlight else None) for rec in records]
    kind = "practices-table" if "practice_code" in columns else "pcn-table"  # which columns are text
    return table(list(columns.values()), rows, f"data-table {kind}", picked)


def ranked_practices(rows: pd.DataFrame) -> pd.DataFrame:
    """Reliable practices by value (highest first), then the unreliable ones: the table's order."""
    order = rows.assign(_u=rows["flag"] != "").sort_values(["_u", s.VALUE], ascending=[True, False])
    return order.drop(columns="_u")


def compared_practices(model: Model, indicator: str, state: dict) -> bool:
    """Are practices compared with England (categories, funnel)? Not for a measure that is not
    events out of a population, and for GP FFT (NHS England advises against comparing providers)
    only when a person asks (``categories=on``)."""
    return indicator not in NOT_EVENTS and shows_categories(model, indicator, state.get("categories") == "on")


def practice_source(indicator: str, compared: bool = True) -> str:
    """Where a practice measure comes from and how practices are compared (page and exports)."""
    if indicator in (FFT, FFT_RATE):
        how = (
            "GP Friends and Family Test, February 2026 (NHS England; practices with 1-4 responses suppressed by "
            "the publisher)"
        )
        if indicator == FFT_RATE:
            how += "; registered patients: QOF 2022/23 list sizes (NHS Digital)"
    else:
        how = "QOF 2022/23 (NHS Digital; practice, PCN and Sub-ICB from the QOF mapping)"
    if indicator in NOT_EVENTS:
        what = (
            "Responses per 1,000 registered patients count all the feedback given, not a sample"
            if indicator == FFT_RATE
            else "Points are not events out of a population"
        )
        how += f". {what}: values are shown, not compared or put on a funnel"
    elif not compared:
        how += (
            ". Not compared by default: NHS England advises that FFT results should not be used to compare or "
            "rank providers (categories on request); values are shown, ranked, without a funnel"
        )
    else:
        how += ". Each practice's 95% Wilson interval compared with England; funnel limits around England's value"
    return how


def practice_view(state: dict, indicator: str):
    """(figure, practice rows, England's value, CCG name) for a focus CCG and a practice measure."""
    model = load_model()
    focus = focus_ccg(model, state)
    rows, england = _rows(focus, indicator)
    compared = compared_practices(model, indicator, state)
    if not compared:
        rows = rows.assign(category=s.NOT_COMPARED)
    name = area_names([focus], s.HOME_GEOGRAPHY)[focus]
    fig = practice_chart(
        rows,
        england,
        meta_dict(model, indicator),
        ccg_name=name,
        palette=state["palette"],
        selected=state.get("practice") or None,
        funnel=compared,
    )
    return fig, rows, england, name


def _pcns(rows: pd.DataFrame, england: float, indicator: str, compared: bool) -> pd.DataFrame:
    polarity = str(load_model().catalogue.at[indicator, "polarity"])
    return pcn_rollup(rows, england if compared else None, polarity)


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
    compared = compared_practices(model, indicator, state)
    notes.append(P(practice_source(indicator, compared) + ".", className="hint"))
    if indicator == FFT:  # NHS England's caveat where FFT's colours are, and the categories on request
        notes.append(fft_caveat(state, page, compared))
    notes.append(P([Span("Measure: ", className="ctl-label"), *choices(indicator, options)], "measure-links"))
    pcn_table = _table(_pcns(rows, england, indicator, compared), PCN_COLUMNS)
    practices = _table(ranked_practices(rows), PRACTICE_COLUMNS, highlight=state.get("practice") or None)
    return notes, fig.to_plotly_json(), pcn_table, practices


def fft_caveat(state: dict, page: str, compared: bool):
    """NHS England's caveat beside the FFT colours, with the link that asks for (or hides) categories."""
    if compared:
        link = Link("Hide the categories", href=page_href(page, state, categories="off"))
        lead = "Categories shown because asked for. "
    else:
        link = Link("Show categories anyway", href=page_href(page, state, categories="on"))
        lead = "Practices are not compared: grey means not compared, not similar. "
    return P([Span(f"{lead}Caveat: {FFT_ADVICE}. "), link], className="caveat")


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
        compared=compared_practices(model, indicator, state),
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
    compared = compared_practices(model, indicator, state)
    source = practice_source(indicator, compared).split(". ")[0] + f". Compiled by the {APP}."
    versus = (
        "England" if compared else f"not compared ({practice_source(indicator, compared).split('. ')[1]})"
    )
    method = (
        practice_source(indicator, compared).split(". ", 1)[1]
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
    pcn = _pcns(rows, england, indicator, compared)
    pcn_prov = provenance("Primary Care Networks", f"{len(pcn)} PCNs (their practices pooled)")
    return [
        Piece("practices", fig, practices, prov, "Practices"),
        Piece("PCNs", None, labelled(pcn, PCN_COLUMNS), pcn_prov, "PCNs"),
    ]

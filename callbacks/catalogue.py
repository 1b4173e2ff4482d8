"""Catalogue callbacks: the /indicators page, the data-age notice every view carries, definition extras.

The catalogue frame (coverage, periods, end of the latest period) is made at model
build; here it is only filtered and laid out, and ages are taken against today.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from data.model import schema as s
from data.model.catalogue import FRAME_NAME, gpps_overall_good, search
from data.model.core import Model
from data.model.freshness import STALE_YEARS, data_age_notice, is_stale
from data.model.store import load_model
from data.queries.rows import indicator_periods
from data.queries.view_frames import shown_periods
from layouts import ids
from layouts.catalogue import (
    age_text,
    catalogue_list,
    coverage_text,
    indicator_detail,
    indicator_href,
    unknown_indicator,
)
from selection import DEMOGRAPHIC_PREFIX, catalogue_id

FFT_INDICATORS = ("gp_fft_positive",)
GPPS_FRAME = "gpps_national"
SINGLE_INDICATOR_PAGES = ("map", "compare", "table")


def catalogue_rows(model: Model) -> pd.DataFrame:
    return model.frames[FRAME_NAME]


def gpps_sentence(model: Model) -> str | None:
    """The GP Patient Survey's national overall-experience figure, in words (None without the table)."""
    found = gpps_overall_good(model.frames.get(GPPS_FRAME))
    if found is None:
        return None
    pct, n = found
    count = f"; {n:,} respondents" if n else ""
    return (
        f"Nationally, {pct:.0f}% rate their overall experience of their GP practice as good "
        f"(GP Patient Survey 2026, England, Q32{count})."
    )


def england_value(model: Model, indicator_id: str) -> tuple[str, str] | None:
    """The England value of the indicator's latest period with one, formatted, and that period."""
    for period in reversed(indicator_periods(model, indicator_id)):
        rows = model.slice(indicator_id, "england", period, "Persons")
        if len(rows) and pd.notna(rows[s.VALUE].iloc[0]):
            unit = str(model.catalogue.at[indicator_id, "unit"])
            value = float(rows[s.VALUE].iloc[0])
            return (f"{value:.1f}%" if unit == "%" else f"{value:,.4g} {unit}"), period
    return None


def patient_experience_lines(model: Model, indicator_id: str) -> list[str]:
    """Domain 4's national reference beside an indicator: the FFT England value and the GPPS figure."""
    if indicator_id not in model.catalogue.index or str(model.catalogue.at[indicator_id, "domain"]) != "4":
        return []
    parts = []
    if indicator_id in FFT_INDICATORS and (england := england_value(model, indicator_id)):
        parts.append(f"England: {england[0]} of FFT responses positive ({england[1]}).")
    if sentence := gpps_sentence(model):
        parts.append(sentence)
    return [" ".join(parts)] if parts else []


def _suggestions(frame: pd.DataFrame, wanted: str) -> list[dict]:
    words = " ".join(w for w in wanted.replace("_", " ").replace("-", " ").split() if len(w) > 2)
    hits = pd.concat([search(frame, w) for w in words.split()]) if words else frame.iloc[0:0]
    return hits.drop_duplicates(s.INDICATOR_ID).head(8).to_dict("records")


def catalogue_outputs(pathname: str | None, text: str | None, today: date | None = None):
    """(count line, list, detail, search box hidden) for a catalogue path and search text."""
    model = load_model()
    today = today or date.today()
    frame = catalogue_rows(model)
    wanted = catalogue_id(pathname)
    if wanted is not None:
        hit = frame[frame[s.INDICATOR_ID] == wanted]
        if hit.empty:
            return "", [], unknown_indicator(wanted, _suggestions(frame, wanted)), True
        row = hit.iloc[0].to_dict()
        return "", [], indicator_detail(row, today, patient_experience_lines(model, wanted)), True
    shown = search(frame, text)
    rows = shown.to_dict("records")
    extras = {r[s.INDICATOR_ID]: patient_experience_lines(model, r[s.INDICATOR_ID]) for r in rows}
    sentence = gpps_sentence(model)
    domain_notes = {"4": [sentence]} if sentence else {}
    n_old = sum(
        1 for r in rows if r["latest_period"] and is_stale(r["latest_period"], today, r["latest_end"])
    )
    n_outcome = sum(1 for r in rows if r["outcome"])
    count = (
        f"{len(rows)} of {len(frame)} indicators"
        + (f" match '{text.strip()}'" if (text or "").strip() else "")
        + f": {n_outcome} outcome, {len(rows) - n_outcome} context; "
        f"{n_old} with latest data more than {STALE_YEARS} years old."
    )
    if not rows:
        return (
            count,
            [html.P("No indicator matches: try fewer or shorter words.", className="hint")],
            [],
            False,
        )
    return count, catalogue_list(rows, today, extras, domain_notes), [], False


@callback(
    Output(ids.CATALOGUE_COUNT, "children"),
    Output(ids.CATALOGUE_LIST, "children"),
    Output(ids.CATALOGUE_DETAIL, "children"),
    Output(ids.CATALOGUE_SEARCH_BOX, "hidden"),
    Input(ids.URL, "pathname"),
    Input(ids.CATALOGUE_SEARCH, "value"),
)
def update_catalogue(pathname, text):
    if not (pathname or "").strip("/").startswith("indicators"):
        raise PreventUpdate
    return catalogue_outputs(pathname, text)


# --- the data-age notice -------------------------------------------------------------------


def _name(model: Model, indicator_id: str) -> str:
    return str(model.catalogue.at[indicator_id, "short_name"])


def _single(model: Model, indicator_id: str, period: str, today: date, prefix: str = "") -> list[str]:
    notice = data_age_notice(period, today)
    return [f"{prefix}{_name(model, indicator_id)}: {notice}"] if notice else []


def _explorer_axis(model: Model, var: str, period: str, today: date, axis: str) -> list[str]:
    if not var or var.startswith(DEMOGRAPHIC_PREFIX) or var not in model.catalogue.index:
        return []
    periods = indicator_periods(model, var, s.HOME_GEOGRAPHY)
    if not periods:
        return []
    chosen = (
        period if period in periods else periods[-1]
    )  # as data.queries.view_frames.variable_column chooses
    return _single(model, var, chosen, today, prefix=f"{axis} axis, ")


def _many(pairs: list[tuple[str, str]], today: date, what: str) -> list:
    """The notice for a view of many indicators (spine, overview): how many are old, and which."""
    old = [(name, period) for name, period in dict.fromkeys(pairs) if data_age_notice(period, today)]
    if not old:
        return []
    n = len(dict.fromkeys(pairs))
    return [
        html.Details(
            [
                html.Summary(
                    f"{len(old)} of {n} indicators on this {what} have data more than {STALE_YEARS} years old "
                    "(not today's figures): show which."
                ),
                html.Ul([html.Li(f"{name}: data from {period}") for name, period in old]),
            ]
        )
    ]


def data_age_items(state: dict, today: date | None = None) -> list:
    """Everything the data-age line says for a selection (empty when every figure is recent)."""
    model = load_model()
    today = today or date.today()
    page = state.get("page")
    indicator = state.get("indicator")
    if indicator not in model.catalogue.index:
        return []
    items: list = []
    if page in SINGLE_INDICATOR_PAGES:
        items += _single(model, indicator, state.get("period", ""), today)
    elif page == "trends":
        periods = indicator_periods(model, indicator, state.get("geography"))
        if periods:
            latest = data_age_notice(periods[-1], today)
            if latest:
                items.append(f"{_name(model, indicator)}: the latest point is old. {latest}")
    elif page == "explorer":
        items += _explorer_axis(model, state.get("y", ""), state.get("period", ""), today, "Y")
        items += _explorer_axis(model, state.get("x", ""), "", today, "X")
    elif page == "spine" and state.get("areas"):
        # a lookup in the frame the build made: the view's own rows are not recomputed here
        pairs = shown_periods(model, "spine", focus=state["areas"][0])
        items += _many(pairs, today, "spine chart")
    elif page == "overview":
        items += _many(shown_periods(model, "overview", region=state.get("region") or ""), today, "overview")
    return items


def data_age_outputs(state: dict | None, today: date | None = None):
    if not state or state.get("page") == "indicators":
        return [], True
    model = load_model()
    today = today or date.today()
    items = data_age_items(state, today)
    children = [html.Div(i, className="data-age-item") for i in items]
    if state.get("page") in (*SINGLE_INDICATOR_PAGES, "trends"):
        children += [
            html.Div(line, className="data-age-item info")
            for line in patient_experience_lines(model, state.get("indicator", ""))
        ]
    return children, not children


@callback(Output(ids.DATA_AGE, "children"), Output(ids.DATA_AGE, "hidden"), Input(ids.STATE, "data"))
def update_data_age(state):
    return data_age_outputs(state)


def definition_extras(indicator_id: str, today: date | None = None) -> list:
    """What the Definition panel adds (as Dt/Dd pairs): coverage and age, Domain 4's national
    reference, and the link to the indicator's catalogue page."""
    model = load_model()
    today = today or date.today()
    frame = catalogue_rows(model)
    hit = frame[frame[s.INDICATOR_ID] == indicator_id]
    pairs: list[tuple[str, object]] = []
    if len(hit):
        row = hit.iloc[0].to_dict()
        pairs += [("Coverage", coverage_text(row)), ("Latest data", age_text(row, today))]
    pairs += [("National reference", line) for line in patient_experience_lines(model, indicator_id)]
    link = dcc.Link("Full catalogue entry for this indicator", href=indicator_href(indicator_id))
    pairs.append(("Catalogue", link))
    return [item for k, v in pairs for item in (html.Dt(k), html.Dd(v))]

"""The early-warning page: the focus area's red-red list and every region's red-reds; its export parts."""

from __future__ import annotations

import pandas as pd

from data.model import schema as s
from data.model.core import Model
from data.model.store import load_model
from data.queries.alerts import COLUMNS as ALERT_COLUMNS
from data.queries.alerts import (
    GROUP_TITLES,
    SHOWN_GROUPS,
    area_alerts,
    breaks_sentence,
    left_out_for_breaks,
    national_alerts,
)
from data.queries.comparator import Comparator, comparator_for
from figures import common
from selection import page_href
from views.cache import memoized
from views.common import area_names, focus_ccg
from views.content import Link, P, el, table
from views.provenance import APP, ExportRefused, Piece, Provenance

NOT_CCG21 = "The early-warning list is for CCG (April 2021) areas: the focus area is not one."


def area_comparator(model: Model, state: dict, area: str) -> Comparator:
    """The comparator of one area's list: the view's (England, its region, or its similar CCGs)."""
    return comparator_for(
        model, state["benchmark"], focus=area, ci=state["ci"], peer_set=state.get("peers") or None
    )


def versus_heading(comp: Comparator) -> str:
    """The comparator of a list in a heading, named as it is."""
    return comp.heading


def trend_href(state: dict, indicator: str, area: str) -> str:
    """The trends page for one indicator and area (the rest of the selection kept)."""
    areas = [area] + [a for a in state.get("areas") or [] if a != area]
    return page_href(
        "trends", state, indicator=indicator, y=indicator, period="", geography=s.HOME_GEOGRAPHY, areas=areas
    )


@memoized
def _area_alerts(area: str, benchmark: str, ci: str, peers: str) -> pd.DataFrame:
    return area_alerts(load_model(), area, benchmark=benchmark, ci=ci, peer_set=peers or None)


@memoized
def _national(benchmark: str, ci: str, peers: str):
    return national_alerts(load_model(), benchmark=benchmark, ci=ci, peer_set=peers or None)


def _trend_link(state: dict, r) -> object:
    return Link(str(r.short_name), href=trend_href(state, r.indicator_id, r.area_code))


def _cells(state: dict, r) -> list:
    """One row of a list: what, when, the value and its benchmark (named, with its value), the
    gap in the indicator's unit, the comparison and the trend test in words."""
    return [
        _trend_link(state, r),
        str(r.period),
        common.format_value(r.value, r.unit),
        str(r.comparator_label),
        common.format_value(r.comparator_value, r.unit),
        str(r.gap_text),
        str(r.category),
        str(r.trend_words),
    ]


HEAD = [
    "Indicator (opens its trend)",
    "Period",
    "Value",
    "Benchmark",
    "Benchmark value",
    "Gap",
    "Compared",
    "Recent trend (Fingertips' test)",
]


def focus_section(state: dict) -> list:
    """The focus CCG's list: the groups worth a look (worse and getting worse, worse now with a
    trend that cannot be assessed, worse, getting worse) open and counted; the rest folded."""
    model = load_model()
    areas = state.get("areas") or []
    focus = focus_ccg(model, state)
    if focus is None:
        text = "Choose a CCG (April 2021) as the focus area (search above, or click the map) to see its list."
        if areas:
            text = f"{NOT_CCG21} {text}"
        return [P(text, className="notice-item")]
    comp = area_comparator(model, state, focus)
    alerts = _area_alerts(focus, comp.key, state["ci"], state.get("peers") or "")
    name = area_names([focus])[focus]
    out: list = [el("H3", f"{name}: compared with {versus_heading(comp)}; {state['ci']}% confidence")]
    if comp.notice:
        out.append(P(comp.notice, className="hint"))
    counts = alerts["group"].value_counts()
    out.append(
        P(
            "; ".join(f"{GROUP_TITLES[g]}: {int(counts.get(g, 0))}" for g in SHOWN_GROUPS) + ".",
            className="hint alert-counts",
        )
    )
    for group in SHOWN_GROUPS:
        rows = alerts[alerts["group"] == group]
        out.append(
            el("H4", f"{GROUP_TITLES[group]} ({len(rows)})", f"alert-group alert-{group.replace(' ', '-')}")
        )
        if rows.empty:
            out.append(P("None.", className="hint"))
            continue
        out.append(
            table(HEAD, [_cells(state, r) for r in rows.itertuples(index=False)], "data-table alerts-table")
        )
    missing = alerts[alerts["group"] == "not assessed"]
    items = [
        el("Li", [_trend_link(state, r), f" ({r.period}): {r.reason}"])
        for r in missing.itertuples(index=False)
    ]
    summary = f"{GROUP_TITLES['not assessed']}: {len(missing)} indicators"
    out.append(el("Details", [el("Summary", summary), el("Ul", items)]))
    left = breaks_sentence(left_out_for_breaks(alerts), what="indicators")
    if left:
        out.append(P(left + ".", className="hint"))
    out.append(P(TREND_TEST, className="hint"))
    return out


TREND_TEST = (
    "Worse: the area's confidence interval lies wholly on the bad side of the benchmark value "
    "(Fingertips' rule). Getting worse: Fingertips' recent-trend test (chi-squared for trend over "
    "the last five comparable periods, p < 0.002, the direction holding when any one period is left "
    "out); a series break (a change of definition) starts the count again."
)


def national_section(state: dict) -> list:
    """Every CCG's red-red results, by region (folded), and what a series break left out."""
    found = _national(state["benchmark"], state["ci"], state.get("peers") or "")
    reds, comp = found.red_reds, found.comparator
    left = breaks_sentence(found.left_out)
    against = versus_heading(comp)
    if reds.empty:
        text = f"No CCG is both worse than {against} and getting worse on any indicator."
        return [P(text)] + ([P(left + ".", className="hint")] if left else [])
    out: list = [
        P(
            f"{len(reds)} red-red results in {reds[s.AREA_CODE].nunique()} CCGs (April 2021), "
            f"compared with {against} ({state['ci']}% confidence).",
            className="hint",
        )
    ]
    if left:
        out.append(P(left + ".", className="hint"))
    for region, rows in reds.groupby("region_name", sort=True):
        items = [
            el(
                "Li",
                [
                    el("B", str(r.area_name)),
                    ": ",
                    _trend_link(state, r),
                    f" ({r.period}: {common.format_value(r.value, r.unit)} against "
                    f"{common.format_value(r.comparator_value, r.unit)}, {r.comparator_label}; "
                    f"{r.trend.lower()})",
                ],
            )
            for r in rows.itertuples(index=False)
        ]
        out.append(el("Details", [el("Summary", f"{region}: {len(rows)}"), el("Ul", items)]))
    return out


def alerts_page(state: dict) -> tuple[list, list]:
    return focus_section(state), national_section(state)


# --- the export's parts ------------------------------------------------------------------

ALERT_NAMES = {
    "group": "Group",
    s.AREA_CODE: "Area Code",
    s.AREA_NAME: "Area Name",
    "region_code": "Region Code",
    "region_name": "Region Name",
    s.INDICATOR_ID: "Indicator ID",
    "short_name": "Indicator Name",
    s.PERIOD: "Time period",
    s.VALUE: "Value",
    "unit": "Unit",
    "domain": "Domain",
    "comparator_value": "Benchmark value",
    "comparator_label": "Benchmark",
    "comparator_method": "Benchmark method",
    "gap": "Gap (value minus benchmark, in the unit)",
    "gap_text": "Gap in words",
    "category": "Compared with benchmark",
    "category_998": "Compared with benchmark (99.8%)",
    "trend": "Recent Trend",
    "chi2": "Trend chi-squared",
    "n_points": "Trend points",
    "trend_words": "Trend test in words",
    "reason": "Why the trend is not assessed",
    "series_break": "Series break",
}


def _alert_frame(alerts: pd.DataFrame) -> pd.DataFrame:
    """The list with Fingertips-like column names; each row names its own benchmark and value."""
    out = alerts[ALERT_COLUMNS].rename(columns=ALERT_NAMES)
    out.insert(1, "Group meaning", alerts["group"].map(GROUP_TITLES).to_numpy())
    return out


def alert_parts(model: Model, state: dict) -> list[tuple[str, bool]] | str:
    """(label, has a chart) of each export part, or why there is nothing to export."""
    focus = focus_ccg(model, state)
    if focus is None and state.get("areas"):
        return NOT_CCG21
    return ([("focus area", False)] if focus else []) + [("England, by region", False)]


def alert_pieces(model: Model, state: dict, link: str) -> list[Piece]:
    """The export's parts: the focus area's list (when there is a CCG 2021 focus), every region's red-reds."""
    ci = state["ci"]
    method = (
        f"Significantly worse: the {ci}% confidence interval excludes the benchmark on the bad side (Fingertips); "
        "getting worse: Fingertips' recent-trend test over the last five comparable periods (chi-squared for "
        "trend, p < 0.002), significant in the worse direction; no trend is computed across a series break. "
        "Latest period of each indicator, persons. Each row names its benchmark and its value; the gap is "
        "the value minus the benchmark, in the indicator's unit. Indicators whose trend cannot be assessed "
        "are listed with the reason."
    )
    source = f"Every indicator in the {APP} (see the Indicator ID column). Compiled by the {APP}."
    pieces = []
    focus = focus_ccg(model, state)
    if focus is not None:
        comp = area_comparator(model, state, focus)
        alerts = area_alerts(model, focus, benchmark=comp.key, ci=ci, peer_set=state.get("peers") or None)
        left = breaks_sentence(left_out_for_breaks(alerts), what="indicators")
        prov = Provenance(
            title=f"Early warning: {area_names([focus])[focus]}",
            subtitle=f"Compared with {versus_heading(comp)} ({ci}% confidence) · "
            + "; ".join(f"{GROUP_TITLES[g]}: {int((alerts['group'] == g).sum())}" for g in GROUP_TITLES)
            + (f" · {left}" if left else ""),
            source=source,
            method=method,
            link=link,
        )
        pieces.append(Piece("focus area", None, _alert_frame(alerts), prov, "Focus area"))
    elif state.get("areas"):
        raise ExportRefused(NOT_CCG21)
    found = national_alerts(model, benchmark=state["benchmark"], ci=ci, peer_set=state.get("peers") or None)
    reds = found.red_reds
    left = breaks_sentence(found.left_out)
    prov = Provenance(
        title="Early warning: red-red results across England, by region",
        subtitle=f"{len(reds)} red-red results in {reds[s.AREA_CODE].nunique()} CCGs (April 2021) · compared "
        f"with {versus_heading(found.comparator)} ({ci}% confidence)" + (f" · {left}" if left else ""),
        source=source,
        method=method,
        link=link,
    )
    pieces.append(Piece("England, by region", None, _alert_frame(reds), prov, "Red-red by region"))
    return pieces

"""The early-warning page: the focus area's red-red list and every region's red-reds; its export parts."""

from __future__ import annotations

import pandas as pd

from data.model import schema as s
from data.model.core import Model
from data.model.store import load_model
from data.queries.alerts import (
    ALERT_GEOGRAPHIES,
    GROUP_TITLES,
    SHOWN_GROUPS,
    area_alerts,
    breaks_sentence,
    left_out_for_breaks,
    national_alerts,
)
from data.queries.alerts import COLUMNS as ALERT_COLUMNS
from data.queries.areas import area_word, focus_geography
from data.queries.comparator import Comparator, comparator_for
from figures import common
from selection import page_href
from views.cache import memoized
from views.common import area_names
from views.content import Link, P, el, table
from views.provenance import APP, ExportRefused, Piece, Provenance

NOT_CCG21 = (
    "The early-warning list is for CCG (April 2021), sub-ICB location and ICB (April 2023) areas: "
    "the focus area is not one."
)


def area_comparator(model: Model, state: dict, area: str) -> Comparator:
    """The comparator of one area's list: the view's (England, its region, or its similar areas)."""
    return comparator_for(
        model,
        state["benchmark"],
        focus=area,
        ci=state["ci"],
        peer_set=state.get("peers") or None,
        geography=alert_geography(state),
    )


def versus_heading(comp: Comparator) -> str:
    """The comparator of a list in a heading, named as it is."""
    return comp.heading


def alert_focus(model: Model, state: dict) -> str | None:
    """The focus area when it is an area with an early-warning list (CCG 2021, sub-ICB location or
    ICB 2023), else None."""
    areas = state.get("areas") or []
    geography = focus_geography(model, areas, state.get("geography"))
    return areas[0] if geography in ALERT_GEOGRAPHIES else None


def alert_geography(state: dict) -> str:
    """The geography of the page's lists: the focus area's (where it has a list), else the
    selection's where it has one, else CCG 2021."""
    geography = focus_geography(load_model(), state.get("areas") or [], state.get("geography"))
    if geography in ALERT_GEOGRAPHIES:
        return geography
    return state.get("geography") if state.get("geography") in ALERT_GEOGRAPHIES else s.HOME_GEOGRAPHY


def trend_href(state: dict, indicator: str, area: str) -> str:
    """The trends page for one indicator and area (the rest of the selection kept)."""
    areas = [area] + [a for a in state.get("areas") or [] if a != area]
    return page_href(
        "trends",
        state,
        indicator=indicator,
        y=indicator,
        period="",
        geography=alert_geography(state),
        areas=areas,
    )


@memoized
def _area_alerts(
    area: str, benchmark: str, ci: str, peers: str, geography: str = s.HOME_GEOGRAPHY
) -> pd.DataFrame:
    return area_alerts(
        load_model(), area, benchmark=benchmark, ci=ci, peer_set=peers or None, geography=geography
    )


@memoized
def _national(benchmark: str, ci: str, peers: str, geography: str = s.HOME_GEOGRAPHY):
    return national_alerts(
        load_model(), benchmark=benchmark, ci=ci, peer_set=peers or None, geography=geography
    )


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
    focus = alert_focus(model, state)
    if focus is None:
        text = (
            "Choose a CCG, sub-ICB location or ICB as the focus area (search above, or click the map) "
            "to see its list."
        )
        if areas:
            text = f"{NOT_CCG21} {text}"
        return [P(text, className="notice-item")]
    comp = area_comparator(model, state, focus)
    geography = alert_geography(state)
    alerts = _area_alerts(focus, comp.key, state["ci"], state.get("peers") or "", geography)
    name = area_names([focus], geography)[focus]
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
            out.append(P("No indicator in this group.", className="hint"))
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
    """Every area's red-red results, by region (folded): CCGs, or the focus area's kind of area;
    and what a series break left out."""
    geography = alert_geography(state)
    found = _national(state["benchmark"], state["ci"], state.get("peers") or "", geography)
    reds, comp = found.red_reds, found.comparator
    left = breaks_sentence(found.left_out)
    against = versus_heading(comp)
    if reds.empty:
        text = f"No {area_word(geography)} is both worse than {against} and getting worse on any indicator."
        return [P(text)] + ([P(left + ".", className="hint")] if left else [])
    n = reds[s.AREA_CODE].nunique()
    out: list = [
        P(
            f"{len(reds)} red-red results in {n} {area_word(geography, n)} ({_vintage(geography)}), "
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


def _vintage(geography: str) -> str:
    """'April 2021' of 'CCG (April 2021)'."""
    return s.GEOGRAPHIES.get(geography, geography).split("(")[-1].rstrip(")")


def alert_parts(model: Model, state: dict) -> list[tuple[str, bool]] | str:
    """(label, has a chart) of each export part, or why there is nothing to export."""
    focus = alert_focus(model, state)
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
    focus = alert_focus(model, state)
    geography = alert_geography(state)
    if focus is not None:
        comp = area_comparator(model, state, focus)
        alerts = area_alerts(
            model, focus, benchmark=comp.key, ci=ci, peer_set=state.get("peers") or None, geography=geography
        )
        left = breaks_sentence(left_out_for_breaks(alerts), what="indicators")
        prov = Provenance(
            title=f"Early warning: {area_names([focus], geography)[focus]}",
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
    found = national_alerts(
        model, benchmark=state["benchmark"], ci=ci, peer_set=state.get("peers") or None, geography=geography
    )
    reds = found.red_reds
    left = breaks_sentence(found.left_out)
    n = reds[s.AREA_CODE].nunique()
    prov = Provenance(
        title="Early warning: red-red results across England, by region",
        subtitle=f"{len(reds)} red-red results in {n} {area_word(geography, n)} ({_vintage(geography)}) · compared "
        f"with {versus_heading(found.comparator)} ({ci}% confidence)" + (f" · {left}" if left else ""),
        source=source,
        method=method,
        link=link,
    )
    pieces.append(Piece("England, by region", None, _alert_frame(reds), prov, "Red-red by region"))
    return pieces

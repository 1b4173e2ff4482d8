"""The early-warning page: the focus area's red-red list and every region's red-reds; its export parts."""

from __future__ import annotations

import pandas as pd

from data.model import schema as s
from data.model.core import Model
from data.model.store import load_model
from data.queries.alerts import ALERT_GEOGRAPHIES, GROUP_TITLES, SHOWN_GROUPS, area_alerts, national_red_reds
from data.queries.alerts import COLUMNS as ALERT_COLUMNS
from data.queries.areas import area_word, focus_geography
from data.queries.peers import benchmark_key
from figures import common
from selection import page_href
from views.cache import memoized
from views.common import area_names
from views.content import Link, P, el, table
from views.provenance import APP, ExportRefused, Piece, Provenance

VERSUS = {"england": "England", "region": "the NHS region", "peers": "similar CCGs"}
NOT_CCG21 = (
    "The early-warning list is for CCG (April 2021), sub-ICB location and ICB (April 2023) areas: "
    "the focus area is not one."
)


def versus(state: dict) -> str:
    if state["benchmark"] == "peers":
        return f"similar {area_word(alert_geography(state), 2)}"
    return VERSUS.get(state["benchmark"], state["benchmark"])


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
def _area_alerts(area: str, benchmark: str, ci: str, geography: str = s.HOME_GEOGRAPHY) -> pd.DataFrame:
    return area_alerts(load_model(), area, benchmark=benchmark, ci=ci, geography=geography)


@memoized
def _national(benchmark: str, ci: str, geography: str = s.HOME_GEOGRAPHY) -> pd.DataFrame:
    return national_red_reds(load_model(), benchmark=benchmark, ci=ci, geography=geography)


def _trend_link(state: dict, r) -> object:
    return Link(str(r.short_name), href=trend_href(state, r.indicator_id, r.area_code))


def _cells(state: dict, r) -> list:
    chi2 = "" if pd.isna(r.chi2) else f"{r.chi2:.1f}"
    return [
        _trend_link(state, r),
        str(r.period),
        common.format_value(r.value, r.unit),
        str(r.category),
        str(r.trend),
        chi2,
    ]


HEAD = ["Indicator (opens its trend)", "Period", "Value", "Compared", "Recent trend", "χ²"]


def focus_section(state: dict) -> list:
    """The focus area's list: worse and getting worse, then worse, then getting worse; the rest folded."""
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
    geography = alert_geography(state)
    alerts = _area_alerts(focus, benchmark_key(state), state["ci"], geography)
    name = area_names([focus], geography)[focus]
    out: list = [el("H3", f"{name}: compared with {versus(state)} ({state['ci']}% confidence)")]
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
    worse_now = missing[missing["category"] == s.WORSE]
    items = [
        el(
            "Li",
            [
                _trend_link(state, r),
                f" ({r.period}): {r.reason}"
                + ("; worse than the benchmark now" if r.category == s.WORSE else ""),
            ],
        )
        for r in missing.itertuples(index=False)
    ]
    summary = f"{GROUP_TITLES['not assessed']}: {len(missing)} indicators" + (
        f", {len(worse_now)} of them worse than the benchmark now" if len(worse_now) else ""
    )
    out.append(el("Details", [el("Summary", summary), el("Ul", items)]))
    return out


def national_section(state: dict) -> list:
    """Every area's red-red results, by region (folded): CCGs, or the focus area's kind of area."""
    geography = alert_geography(state)
    reds = _national(benchmark_key(state), state["ci"], geography)
    if reds.empty:
        return [
            P(
                f"No {area_word(geography)} is both worse than the benchmark and getting worse on any indicator."
            )
        ]
    n = reds[s.AREA_CODE].nunique()
    out: list = [
        P(
            f"{len(reds)} red-red results in {n} {area_word(geography, n)} ({_vintage(geography)}), "
            f"compared with {versus(state)}.",
            className="hint",
        )
    ]
    for region, rows in reds.groupby("region_name", sort=True):
        items = [
            el(
                "Li",
                [el("B", str(r.area_name)), ": ", _trend_link(state, r), f" ({r.period}; {r.trend.lower()})"],
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
    "category": "Compared with benchmark",
    "category_998": "Compared with benchmark (99.8%)",
    "trend": "Recent Trend",
    "chi2": "Trend chi-squared",
    "n_points": "Trend points",
    "reason": "Why the trend is not assessed",
}


def _alert_frame(alerts: pd.DataFrame, against: str) -> pd.DataFrame:
    out = alerts[ALERT_COLUMNS].rename(columns=ALERT_NAMES)
    out.insert(1, "Group meaning", alerts["group"].map(GROUP_TITLES).to_numpy())
    out.insert(2, "Benchmark", against)
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
    """The export's parts: the focus area's list (when the focus has one), every region's red-reds."""
    key = benchmark_key(state)
    ci = state["ci"]
    against = versus(state)
    method = (
        f"Significantly worse: the {ci}% confidence interval excludes the benchmark on the bad side (Fingertips); "
        "getting worse: Fingertips' recent-trend test over the last five periods, significant in the worse "
        "direction. Latest period of each indicator, persons. Indicators with fewer than five periods are not "
        "assessed (listed with the reason)."
    )
    source = f"Every indicator in the {APP} (see the Indicator ID column). Compiled by the {APP}."
    pieces = []
    focus = alert_focus(model, state)
    geography = alert_geography(state)
    if focus is not None:
        alerts = area_alerts(model, focus, benchmark=key, ci=ci, geography=geography)
        prov = Provenance(
            title=f"Early warning: {area_names([focus], geography)[focus]}",
            subtitle=f"Compared with {against} ({ci}% confidence) · "
            + "; ".join(f"{GROUP_TITLES[g]}: {int((alerts['group'] == g).sum())}" for g in GROUP_TITLES),
            source=source,
            method=method,
            link=link,
        )
        pieces.append(Piece("focus area", None, _alert_frame(alerts, against), prov, "Focus area"))
    elif state.get("areas"):
        raise ExportRefused(NOT_CCG21)
    reds = national_red_reds(model, benchmark=key, ci=ci, geography=geography)
    n = reds[s.AREA_CODE].nunique()
    prov = Provenance(
        title="Early warning: red-red results across England, by region",
        subtitle=f"{len(reds)} red-red results in {n} {area_word(geography, n)} ({_vintage(geography)}) · compared "
        f"with {against} ({ci}% confidence)",
        source=source,
        method=method,
        link=link,
    )
    pieces.append(Piece("England, by region", None, _alert_frame(reds, against), prov, "Red-red by region"))
    return pieces

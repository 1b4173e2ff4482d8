"""The early-warning page: the focus area's red-red list, and every region's red-reds."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from callbacks.cache import memoized
from data.model import schema as s
from data.model.store import load_model
from data.queries.alerts import GROUP_TITLES, SHOWN_GROUPS, area_alerts, national_red_reds
from data.queries.peers import benchmark_key
from figures import common
from layouts import ids
from selection import to_query

VERSUS = {"england": "England", "region": "the NHS region", "peers": "similar CCGs"}


def trend_href(state: dict, indicator: str, area: str) -> str:
    """The trends page for one indicator and area (the rest of the selection kept)."""
    areas = [area] + [a for a in state.get("areas") or [] if a != area]
    wanted = dict(state, indicator=indicator, y=indicator, period="", geography=s.HOME_GEOGRAPHY, areas=areas)
    return f"/trends{to_query(wanted)}"


@memoized
def _area_alerts(area: str, benchmark: str, ci: str) -> pd.DataFrame:
    return area_alerts(load_model(), area, benchmark=benchmark, ci=ci)


@memoized
def _national(benchmark: str, ci: str) -> pd.DataFrame:
    return national_red_reds(load_model(), benchmark=benchmark, ci=ci)


def _row(state: dict, r) -> html.Tr:
    return html.Tr(
        [
            html.Td(dcc.Link(str(r.short_name), href=trend_href(state, r.indicator_id, r.area_code))),
            html.Td(str(r.period)),
            html.Td(common.format_value(r.value, r.unit)),
            html.Td(str(r.category)),
            html.Td(str(r.trend)),
            html.Td("" if pd.isna(r.chi2) else f"{r.chi2:.1f}"),
        ]
    )


def focus_section(state: dict) -> list:
    model = load_model()
    areas = state.get("areas") or []
    ccg21 = set(model.areas.loc[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY, s.AREA_CODE])
    focus = next((a for a in areas if a in ccg21), None)
    if focus is None:
        text = "Choose a CCG (April 2021) as the focus area (search above, or click the map) to see its list."
        if areas:
            text = "The early-warning list is for CCG (April 2021) areas: the focus area is not one. " + text
        return [html.P(text, className="notice-item")]
    table = _area_alerts(focus, benchmark_key(state), state["ci"])
    name = model.areas.loc[model.areas[s.AREA_CODE] == focus, s.AREA_NAME].iloc[0]
    versus = VERSUS.get(state["benchmark"], state["benchmark"])
    out: list = [html.H3(f"{name}: compared with {versus} ({state['ci']}% confidence)")]
    head = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in ("Indicator (opens its trend)", "Period", "Value", "Compared", "Recent trend", "χ²")
            ]
        )
    )
    for group in SHOWN_GROUPS:
        rows = table[table["group"] == group]
        out.append(
            html.H4(
                f"{GROUP_TITLES[group]} ({len(rows)})",
                className=f"alert-group alert-{group.replace(' ', '-')}",
            )
        )
        if rows.empty:
            out.append(html.P("None.", className="hint"))
            continue
        out.append(
            html.Table(
                [head, html.Tbody([_row(state, r) for r in rows.itertuples(index=False)])],
                className="data-table alerts-table",
            )
        )
    missing = table[table["group"] == "not assessed"]
    worse_now = missing[missing["category"] == s.WORSE]
    items = [
        html.Li(
            [
                dcc.Link(str(r.short_name), href=trend_href(state, r.indicator_id, r.area_code)),
                f" ({r.period}): {r.reason}"
                + ("; worse than the benchmark now" if r.category == s.WORSE else ""),
            ]
        )
        for r in missing.itertuples(index=False)
    ]
    out.append(
        html.Details(
            [
                html.Summary(
                    f"{GROUP_TITLES['not assessed']}: {len(missing)} indicators"
                    + (f", {len(worse_now)} of them worse than the benchmark now" if len(worse_now) else "")
                ),
                html.Ul(items),
            ]
        )
    )
    return out


def national_section(state: dict) -> list:
    table = _national(benchmark_key(state), state["ci"])
    if table.empty:
        return [html.P("No CCG is both worse than the benchmark and getting worse on any indicator.")]
    out: list = [
        html.P(
            f"{len(table)} red-red results in {table[s.AREA_CODE].nunique()} CCGs (April 2021), "
            f"compared with {VERSUS.get(state['benchmark'], state['benchmark'])}.",
            className="hint",
        )
    ]
    for region, rows in table.groupby("region_name", sort=True):
        items = [
            html.Li(
                [
                    html.B(str(r.area_name)),
                    ": ",
                    dcc.Link(str(r.short_name), href=trend_href(state, r.indicator_id, r.area_code)),
                    f" ({r.period}; {r.trend.lower()})",
                ]
            )
            for r in rows.itertuples(index=False)
        ]
        out.append(html.Details([html.Summary(f"{region}: {len(rows)}"), html.Ul(items)]))
    return out


@callback(
    Output(ids.ALERTS_FOCUS, "children"),
    Output(ids.ALERTS_NATIONAL, "children"),
    Input(ids.page_state("alerts"), "data"),
)
def update_alerts(state):
    if not state or state.get("page") != "alerts":
        raise PreventUpdate
    return focus_section(state), national_section(state)

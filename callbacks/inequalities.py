"""The inequalities page: an ICB by practice-deprivation group, every ICB ranked, the ACSC gradient."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from callbacks.cache import memoized
from data.model import schema as s
from data.model.peers import DEFAULT_PEER_SET, PEER_SETS
from data.model.store import load_model
from data.queries.acsc import FOCUS, PEER, gradient_summary, gradient_table
from data.queries.acsc import GEOGRAPHY as GRADIENT_GEOGRAPHY
from data.queries.inequalities import icb_of_ccg, icb_table, indicators, latest_year
from figures.acsc import gradient_chart
from figures.inequalities import icb_groups_chart, icb_ranking_chart
from layouts import ids
from selection import MAX_AREAS, to_query

ACSC_GRADIENT = "acsc_chronic_agi"
DEPRIVATION = "demo:imd19_mean_rank"
DEFAULT_INDICATOR = "% QOF points achieved"
ACSC_TITLE = "Unplanned admissions for chronic ACSC: deprivation gradient within each CCG"


def _link(text: str, page: str, state: dict, **changes) -> dcc.Link:
    return dcc.Link(text, href=f"/{page}{to_query(dict(state, **changes))}")


@memoized
def _table(indicator: str, year: int):
    return icb_table(load_model(), indicator, year)


def _acsc_focus(model, state: dict) -> str | None:
    """The focus area if it is a CCG 2021 (the gradient's predecessors are found through the lineage)."""
    ccg21 = set(model.areas.loc[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY, s.AREA_CODE])
    return next((a for a in state.get("areas") or [] if a in ccg21), None)


@memoized
def _gradient(focus: str | None, peer_set: str):
    return gradient_table(load_model(), focus, peer_set)


def acsc_figure(state: dict) -> tuple[go.Figure, pd.DataFrame, str]:
    """The ranked gradient chart, its table and a sentence on what is highlighted."""
    model = load_model()
    focus = _acsc_focus(model, state)
    peer_set = state.get("peers") or DEFAULT_PEER_SET
    table = _gradient(focus, peer_set)
    names = model.areas.drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)[s.AREA_NAME]
    focus_name = peer_label = None
    said = "Choose a CCG as the focus area to mark it and its peers."
    if focus:
        n_focus = int((table["role"] == FOCUS).sum())
        n_peer = int((table["role"] == PEER).sum())
        focus_name = f"{names.get(focus, focus)}: its CCG 2015/16 areas"
        peer_label = "Its peers' CCG 2015/16 areas"
        said = (
            f"{names.get(focus, focus)} is drawn as {n_focus} black square(s): the CCG 2015/16 area(s) that "
            f"became it. Its peers: {PEER_SETS[peer_set]}, chosen under Benchmark, Similar CCGs; their "
            f"{n_peer} CCG 2015/16 areas are the orange diamonds."
        )
    fig = gradient_chart(
        table,
        {"name": ACSC_TITLE},
        ci=state.get("ci") or "95",
        focus_name=focus_name,
        peer_label=peer_label,
    )
    return fig, table, said


def acsc_map_state(state: dict, table: pd.DataFrame) -> dict:
    """The map page's selection for the gradient: CCG 2015/16, coloured by value, the focus area's
    CCG 2015/16 areas selected (outlined)."""
    focus = list(table.loc[table["role"] == FOCUS, s.AREA_CODE])[:MAX_AREAS]
    return dict(
        state,
        indicator=ACSC_GRADIENT,
        y=ACSC_GRADIENT,
        geography=GRADIENT_GEOGRAPHY,
        period=str(table[s.PERIOD].iloc[0]),
        sex="Persons",
        colour="value",
        layout="boundaries",
        areas=focus,
    )


def acsc_map_title(period: str) -> str:
    return (
        f"{ACSC_TITLE} (per 100,000)<br><sup>{period}; CCG 2015/16 boundaries; darker = steeper gradient; "
        "outlined: the focus area's CCG 2015/16 areas</sup>"
    )


def acsc_map(state: dict, table: pd.DataFrame) -> go.Figure:
    """The gradient on the map page's own builder: the map follows whatever the map page draws."""
    from callbacks.views import full_map

    map_state = acsc_map_state(state, table)
    fig = full_map(map_state)
    fig.layout.title.text = acsc_map_title(map_state["period"])
    return fig


def acsc_method(model, table: pd.DataFrame) -> str:
    """What the gradient measures, where it comes from and its vintage (for the page and the exports)."""
    summary = gradient_summary(table)
    publisher = str(model.catalogue.at[ACSC_GRADIENT, "publisher"])
    return (
        "The gradient (absolute gradient index) is the slope of a population-weighted regression of each "
        "neighbourhood's (LSOA's) age-standardised rate of unplanned admissions for chronic ambulatory care "
        "sensitive conditions on its IMD 2015 deprivation rank within the CCG: the modelled difference in "
        "admissions per 100,000 between the most and the least deprived neighbourhoods; larger means more "
        f"inequality. Source: {publisher}; CCG IAF 2016/17 inequality indicator; HES year "
        f"{summary['period']} (not recorded in the file); CCG 2015/16 boundaries, GP-registered populations. "
        f"{summary['n_areas']} CCGs; {summary['above_zero']} have a 95% interval above zero; "
        f"{summary['flagged']} with implausibly low admission rates are flagged (hollow, and said in the hover). "
        "A slope cannot be "
        "added up into larger areas, so the CCGs of 2015/16 are shown as published."
    )


def acsc_outputs(state: dict) -> tuple[list, go.Figure]:
    """The method line, links to the map and the CCG 2021 view, and the ranked chart."""
    model = load_model()
    fig, table, said = acsc_figure(state)
    common = dict(indicator=ACSC_GRADIENT, y=ACSC_GRADIENT, period="")
    text = [
        html.P(acsc_method(model, table), className="hint acsc-method"),
        html.P(said, className="hint"),
        html.P(
            [
                _link(
                    "Map of the gradient (CCG 2015/16 boundaries)",
                    "map",
                    state,
                    geography="ccg16",
                    colour="value",
                    areas=list(table.loc[table["role"] == FOCUS, s.AREA_CODE])[:MAX_AREAS],
                    **common,
                ),
                " · ",
                _link(
                    "The gradient on CCG 2021 boundaries where a single predecessor allows",
                    "compare",
                    state,
                    geography=s.HOME_GEOGRAPHY,
                    **common,
                ),
            ],
            className="hint",
        ),
    ]
    return text, fig


def icb_view(state: dict) -> tuple[str, int, pd.DataFrame, dict, str]:
    """Indicator, year, the every-ICB table, the indicator's name and unit, and the ICB shown (or 'all')."""
    model = load_model()
    names = indicators(model)
    indicator = state.get("ineq") or (DEFAULT_INDICATOR if DEFAULT_INDICATOR in names else names[0])
    year = latest_year(model, indicator)
    table = _table(indicator, year)
    cat = model.frames["inequality_catalogue"].set_index("indicator")
    meta = {"name": str(cat.at[indicator, "name"]), "unit": str(cat.at[indicator, "unit"])}
    focus = (state.get("areas") or [None])[0]
    icb = state.get("icb") or (icb_of_ccg(model, focus) if focus else None) or "all"
    return indicator, year, table, meta, icb


def inequalities_outputs(state: dict):
    model = load_model()
    names = indicators(model)
    indicator, year, table, meta, icb = icb_view(state)
    # the indicator is chosen by the links below (kept in the URL as ineq=)
    links = [
        html.Span(
            html.B(n) if n == indicator else _link(n, "inequalities", state, ineq=n), className="peer-set"
        )
        for n in names
    ]
    icb_links = [_link("all ICBs", "inequalities", state, icb="all")] if icb != "all" else []
    note = [
        html.P(
            f"HEEC ICB data pack, {year}: the mean of the practices' values in each ICB for four groups of practice "
            "deprivation (national quintiles of practice IMD; 4 and 5 merged), and England's average. It has no "
            "denominators or confidence limits: the gap and a descriptive slope (least-squares line over the groups' "
            "deprivation midpoints, equal fifths assumed) are given; PHE's slope index of inequality needs five or "
            "more groups with populations and limits, so it is not computed, and no difference is called significant.",
            className="hint",
        ),
        html.Details(
            [html.Summary(f"Indicator: {indicator} (change)"), html.P(links, className="measure-links")]
        ),
        html.P(
            [
                "Relate an outcome to area deprivation across CCGs: ",
                _link(
                    "open the explorer with deprivation on the x axis",
                    "explorer",
                    state,
                    x=DEPRIVATION,
                    y=state["indicator"],
                ),
                ". ",
                *icb_links,
            ],
            className="hint",
        ),
    ]
    row = table[table["icb22_code"] == icb]
    empty = {"data": [], "layout": {"height": 40, "xaxis": {"visible": False}, "yaxis": {"visible": False}}}
    if len(row):
        icb_fig = icb_groups_chart(row.iloc[0], meta).to_plotly_json()
    else:
        icb_fig = empty
        if icb != "all":
            note.append(html.P(f"No {indicator} values for this ICB in {year}.", className="notice-item"))
    rank_fig = icb_ranking_chart(table, meta, highlight=icb if icb != "all" else None).to_plotly_json()
    acsc, acsc_fig = acsc_outputs(state)
    map_fig = acsc_map(state, _gradient(_acsc_focus(model, state), state.get("peers") or DEFAULT_PEER_SET))
    return note, icb_fig, rank_fig, acsc, acsc_fig.to_plotly_json(), map_fig.to_plotly_json()


@memoized
def _cached(frozen: tuple):
    return inequalities_outputs(dict(frozen))


@callback(
    Output(ids.INEQ_NOTE, "children"),
    Output(ids.INEQ_ICB_GRAPH, "figure"),
    Output(ids.INEQ_RANK_GRAPH, "figure"),
    Output(ids.INEQ_ACSC, "children"),
    Output(ids.INEQ_ACSC_GRAPH, "figure"),
    Output(ids.INEQ_ACSC_MAP, "figure"),
    Input(ids.page_state("inequalities"), "data"),
)
def update_inequalities(state):
    if not state or state.get("page") != "inequalities":
        raise PreventUpdate
    from callbacks.views import freeze

    return _cached(freeze(state))

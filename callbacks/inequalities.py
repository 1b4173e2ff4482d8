"""The inequalities page: an ICB by practice-deprivation group, every ICB ranked, ACSC gradient links."""

from __future__ import annotations

from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from callbacks.cache import memoized
from data import schema as s
from data.inequality_views import icb_of_ccg, icb_table, indicators, latest_year
from data.model import load_model
from figures.inequalities import icb_groups_chart, icb_ranking_chart
from layouts import ids
from layouts.state import to_query

ACSC_GRADIENT = "acsc_chronic_agi"
DEPRIVATION = "demo:imd19_mean_rank"
DEFAULT_INDICATOR = "% QOF points achieved"


def _link(text: str, page: str, state: dict, **changes) -> dcc.Link:
    return dcc.Link(text, href=f"/{page}{to_query(dict(state, **changes))}")


@memoized
def _table(indicator: str, year: int):
    return icb_table(load_model(), indicator, year)


def inequalities_outputs(state: dict):
    model = load_model()
    names = indicators(model)
    indicator = state.get("ineq") or (DEFAULT_INDICATOR if DEFAULT_INDICATOR in names else names[0])
    year = latest_year(model, indicator)
    table = _table(indicator, year)
    cat = model.frames["inequality_catalogue"].set_index("indicator")
    meta = {"name": str(cat.at[indicator, "name"]), "unit": str(cat.at[indicator, "unit"])}
    focus = (state.get("areas") or [None])[0]
    icb = state.get("icb") or (icb_of_ccg(model, focus) if focus else None) or "all"
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
    acsc = [
        html.P(
            "The absolute gradient index (AGI) is the slope of a population-weighted regression of each LSOA's "
            "age-standardised rate of unplanned chronic ACSC admissions on its deprivation rank, within each CCG "
            "(CCG IAF 2016/17 inequality indicator; c. 2014/15-2015/16; CCG 2015/16 boundaries).",
            className="hint",
        ),
        html.Ul(
            [
                html.Li(
                    _link(
                        "Map of the gradient (CCG 2015/16)",
                        "map",
                        state,
                        indicator=ACSC_GRADIENT,
                        y=ACSC_GRADIENT,
                        geography="ccg16",
                        period="",
                        areas=[],
                    )
                ),
                html.Li(
                    _link(
                        "Ranked chart of the gradient (CCG 2015/16)",
                        "compare",
                        state,
                        indicator=ACSC_GRADIENT,
                        y=ACSC_GRADIENT,
                        geography="ccg16",
                        period="",
                        areas=[],
                    )
                ),
                html.Li(
                    _link(
                        "On CCG 2021 boundaries where the lineage allows",
                        "compare",
                        state,
                        indicator=ACSC_GRADIENT,
                        y=ACSC_GRADIENT,
                        geography=s.HOME_GEOGRAPHY,
                        period="",
                    )
                ),
            ]
        ),
    ]
    return note, icb_fig, rank_fig, acsc


@memoized
def _cached(frozen: tuple):
    return inequalities_outputs(dict(frozen))


@callback(
    Output(ids.INEQ_NOTE, "children"),
    Output(ids.INEQ_ICB_GRAPH, "figure"),
    Output(ids.INEQ_RANK_GRAPH, "figure"),
    Output(ids.INEQ_ACSC, "children"),
    Input(ids.STATE, "data"),
)
def update_inequalities(state):
    if not state or state.get("page") != "inequalities":
        raise PreventUpdate
    from callbacks.views import freeze

    return _cached(freeze(state))

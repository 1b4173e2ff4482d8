"""One container per page; the router shows the one the path names."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import dcc, html

from data.model.core import Model
from layouts import ids
from layouts.beyond import alerts_page, funnel_page, inequalities_page, practices_page
from layouts.catalogue import catalogue_page
from layouts.content import render
from layouts.experience import experience_page
from layouts.widgets import chart, labelled, map_area_list, radio
from selection import DEMOGRAPHIC_PREFIX, HOME_PAGE, PAGE_TITLES, PAGES
from views.glossary import glossary_content


def _beside(grid: str, graph_id: str, side_id: str, side_class: str, label: str = "") -> html.Div:
    """A chart with a column beside it (the spine's table, the explorer's lists); a ``label``ed
    column is a named region a keyboard can reach and scroll (it may be wider than its room)."""
    named = {"role": "region", "aria-label": label, "tabIndex": "0"} if label else {}
    return html.Div(
        className=grid,
        children=[chart(graph_id, "auto"), html.Div(id=side_id, className=side_class, **named)],
    )


def _view_options(*children) -> html.Div:
    return html.Div(className="view-options", children=list(children))


def variable_options(model: Model) -> list[dict]:
    """Explorer axes: demographics first, then every indicator."""
    opts: list[dict] = [{"label": "— Demographics (CCG 2021) —", "value": "__demo", "disabled": True}]
    demo = model.demographic_catalogue
    for key, row in demo.iterrows():
        opts.append(
            {"label": str(row["name"]), "value": DEMOGRAPHIC_PREFIX + str(key), "search": str(row["name"])}
        )
    opts.append({"label": "— Indicators —", "value": "__ind", "disabled": True})
    cat = model.catalogue.sort_values("short_name")
    for key, row in cat.iterrows():
        opts.append(
            {"label": str(row["short_name"]), "value": key, "search": f"{row['short_name']} {row['name']}"}
        )
    return opts


def map_page() -> html.Div:
    return html.Div(
        [
            _view_options(
                labelled(
                    "Colour by",
                    radio(
                        ids.COLOUR,
                        [("category", "Benchmark category"), ("quintile", "Quintile"), ("value", "Value")],
                        "category",
                    ),
                ),
                labelled(
                    "Palette",
                    radio(
                        ids.PALETTE,
                        [("fingertips", "Fingertips"), ("colourblind", "Colour-blind safe")],
                        "fingertips",
                    ),
                ),
                labelled(
                    "Layout",
                    radio(
                        ids.LAYOUT, [("boundaries", "Boundaries"), ("cartogram", "Cartogram")], "boundaries"
                    ),
                ),
            ),
            html.Div(
                className="map-grid",
                children=[
                    # No scroll-wheel zoom: the wheel scrolls the page. The zoom buttons stay
                    # shown (displayModeBar), and the side panel brings an area, England or London into view.
                    # topojsonURL: plotly's geo subplot looks here (this app) for a base map it
                    # has not been given, never at its CDN (assets/plotly-geo-assets.js seeds it).
                    chart(
                        ids.MAP_GRAPH,
                        "72vh",
                        scrollZoom=False,
                        displayModeBar=True,
                        topojsonURL="assets/topojson/",
                    ),
                    html.Aside(
                        className="map-side",
                        children=[
                            labelled(
                                "Show",
                                radio(
                                    ids.MAP_ZOOM,
                                    [
                                        ("focus", "Selected area"),
                                        ("england", "England"),
                                        ("london", "London"),
                                    ],
                                    "focus",
                                ),
                            ),
                            html.Div(
                                id=ids.MAP_SELECTED, className="map-selected", **{"aria-live": "polite"}
                            ),
                            map_area_list(),
                        ],
                    ),
                ],
            ),
            html.Div(id=ids.MAP_SUMMARY, className="summary"),
        ]
    )


def compare_page() -> html.Div:
    return html.Div(
        [
            _view_options(
                labelled("Sort by", radio(ids.SORT, [("value", "Value"), ("name", "Name")], "value")),
            ),
            chart(ids.COMPARE_GRAPH, "auto"),
        ]
    )


def table_page() -> html.Div:
    return html.Div(
        [
            _view_options(
                # The app's own export: numbers as numbers, with the provenance lines (not AG Grid's copy).
                html.Span(id=ids.TABLE_DOWNLOAD, className="table-download"),
                html.Span(id=ids.TABLE_SUMMARY, className="summary"),
            ),
            # The grid comes with the page's content (drawn when the page is first shown), empty;
            # its rows arrive then, and AG Grid's large script loads only then
            # (assets/ag-grid-on-demand.js), so only for people who open the table. Later changes
            # write the grid's props: its rows change in place.
            html.Div(id=ids.TABLE_HOLDER, children=table_grid([], [], "table.csv")),
        ]
    )


def table_grid(
    rows: list[dict], column_defs: list[dict], file_name: str, pinned: list[dict] | None = None
) -> dag.AgGrid:
    """Every area of the selection: sortable, filterable, one row selectable by click.

    ``pinned`` rows (the focus area) stay at the top whatever the sort or filter.
    """
    return dag.AgGrid(
        id=ids.TABLE_GRID,
        columnDefs=column_defs,
        rowData=rows,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "floatingFilter": True},
        dashGridOptions={
            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
            "animateRows": False,
            "pinnedTopRowData": pinned or [],
        },
        csvExportParams={"fileName": file_name},
        # rows keep their identity across changes of selection (callbacks/table.py writes rowData):
        # AG Grid then updates the cells of the rows it has instead of drawing every row again
        getRowId="params.data.area_code",
        style={"height": "68vh"},
        className="ag-theme-alpine",
    )


def spine_page() -> html.Div:
    return html.Div(
        [
            html.P(
                "Every indicator with data for the focus area, latest period each. England is the centre line; "
                "worst is on the left and best on the right; the darker band is the 25th to 75th percentile.",
                className="hint",
            ),
            html.P(id=ids.SPINE_SUMMARY, className="summary"),
            _beside(
                "spine-grid", ids.SPINE_GRAPH, ids.SPINE_TABLE, "spine-table", "The spine chart's values"
            ),
            context_section(
                ids.SPINE_CONTEXT, ids.SPINE_CONTEXT_LABEL, ids.SPINE_CONTEXT_GRAPH, ids.SPINE_CONTEXT_TABLE
            ),
        ]
    )


def context_section(
    section_id: str, label_id: str, graph_id: str, table_id: str | None = None
) -> html.Details:
    """Context indicators apart from the outcomes: a collapsed section below them."""
    children = [
        html.Summary("Context indicators", id=label_id, className="context-summary"),
        html.P(
            "Context indicators describe the population and services (prevalence, activity, spending); "
            "they are not outcomes, and better or worse does not apply to most of them.",
            className="hint",
        ),
        chart(graph_id, "auto"),
    ]
    if table_id:
        children.append(
            html.Div(
                id=table_id,
                className="spine-table",
                role="region",
                tabIndex="0",
                **{"aria-label": "The context indicators' values"},
            )
        )
    return html.Details(id=section_id, className="context-section", open=False, children=children)


def explorer_page(model: Model) -> html.Div:
    opts = variable_options(model)
    return html.Div(
        [
            _view_options(
                labelled(
                    "Y axis",
                    dcc.Dropdown(id=ids.Y_VAR, options=opts, clearable=False, style={"minWidth": "22rem"}),
                ),
                labelled(
                    "X axis",
                    dcc.Dropdown(id=ids.X_VAR, options=opts, clearable=False, style={"minWidth": "22rem"}),
                ),
                labelled(
                    "Colour",
                    radio(ids.SCATTER_COLOUR, [("region", "Region"), ("category", "Y's category")], "region"),
                ),
                dcc.Checklist(
                    id=ids.SIZE_BY_POP,
                    options=[{"label": "Size and weight by population", "value": "on"}],
                    value=[],
                    className="check",
                ),
                dcc.Checklist(
                    id=ids.SHOW_CI,
                    options=[{"label": "CI whiskers", "value": "on"}],
                    value=[],
                    className="check",
                ),
            ),
            html.Div(id=ids.EXPLORER_NOTE, className="hint explorer-note"),
            _beside("explorer-grid", ids.EXPLORER_GRAPH, ids.EXPLORER_OUTLIERS, "outliers"),
        ]
    )


def trends_page() -> html.Div:
    return html.Div([chart(ids.TRENDS_GRAPH, "68vh")])


def overview_page() -> html.Div:
    return html.Div(
        [
            html.P(
                "Areas by indicators, coloured by comparison with the benchmark (latest period of each).",
                className="hint",
            ),
            html.P(id=ids.OVERVIEW_SUMMARY, className="summary"),
            chart(ids.OVERVIEW_GRAPH, "auto"),
            context_section(ids.OVERVIEW_CONTEXT, ids.OVERVIEW_CONTEXT_LABEL, ids.OVERVIEW_CONTEXT_GRAPH),
        ]
    )


# Pages drawn from the start: their content holds inputs of the sync callback (the map's, the
# compare and funnel charts' and the explorer's controls and clicks), and a callback fires only
# while every one of its inputs is in the layout. Every other page is drawn the first time it is
# shown (``page_content``, sent by the sync callback, callbacks/sync.py): each mounted component
# costs dash-renderer a pass on every change of any page (``python -m bench.devtools``: a map change
# 113 -> 64 ms of its script with the other pages left out).
EAGER_PAGES = ("map", "compare", "explorer", "funnel")
LAZY_PAGES = tuple(p for p in PAGES if p not in EAGER_PAGES)


def glossary_page() -> html.Div:
    """The glossary: one table of every term (its Markdown's script loads with it, so with this
    page only)."""
    return html.Div(id=ids.GLOSSARY_BODY, className="glossary-page", children=render(glossary_content()))


def page_content(model: Model, page: str) -> html.Div:
    """What a page holds below its title."""
    builders = {
        "experience": experience_page,
        "map": map_page,
        "compare": compare_page,
        "table": table_page,
        "spine": spine_page,
        "explorer": lambda: explorer_page(model),
        "trends": trends_page,
        "overview": overview_page,
        "indicators": catalogue_page,
        "funnel": funnel_page,
        "alerts": alerts_page,
        "practices": practices_page,
        "inequalities": inequalities_page,
        "glossary": glossary_page,
    }
    return builders[page]()


def pages(model: Model) -> list[html.Section]:
    """Every page's container, the eager pages' content in it, the others' body empty."""
    return [
        html.Section(
            id=ids.page_container(page),
            className="page",
            hidden=page != HOME_PAGE,
            children=[
                html.H2(PAGE_TITLES[page], className="page-title"),
                page_content(model, page) if page in EAGER_PAGES else html.Div(id=ids.page_body(page)),
            ],
        )
        for page in PAGES
    ]

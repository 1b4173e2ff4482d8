"""View callbacks: each reads the shared selection, asks the model, calls a builder.

Each view answers only when its page is shown. The map sends the boundaries once per
layer (by URL, cached by the browser) and afterwards only the per-indicator values,
as a Dash ``Patch``.
"""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, Patch, State, callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.cache import memoized
from callbacks.catalogue import definition_extras
from callbacks.peers import spine_with_peers, with_peers
from data.methods.analysis import ols_fit, residual_ranking, spearman
from data.model import schema as s
from data.model.store import load_model
from data.queries.peers import benchmark_key
from data.queries.rows import Selection
from data.queries.view_frames import (
    area_frame,
    explorer_frame,
    meta_dict,
    overview_grid,
    spine_rows,
    trend_frames,
    variable_column,
)
from figures.common import format_value
from figures.compare import ranked_bars_dict
from figures.map import (
    FIT_VIEW,
    STATIC_PATHS,
    apply_update,
    choropleth,
    embedded_for_export,
    feature_bounds,
    focus_view,
    geojson_bounds,
    has_limits,
    label_points,
    map_update,
    map_view,
    selected_values,
    view_paths,
)
from figures.overview import overview_figure_dict
from figures.scatter import (
    NEGLIGIBLE_R2,
    coverage_in_words,
    explorer_scatter_dict,
    fit_in_words,
    periods_in_words,
)
from figures.spine import profile_title, spine_figure_dict, spine_table, split_outcomes
from figures.trends import trend_dict
from layouts import ids

GEO_URL = "/geo/{fingerprint}/{layer}.json"
CARTOGRAMS = {"ccg18": "ccg18_cartogram", "ccg19": "ccg19_cartogram"}
# Sub-ICB 2022 data has no boundary file of its own: CCG 2021 polygons stand in (same ODS codes).
LAYER_FOR = {"sicbl22": "ccg21"}


def freeze(state: dict) -> tuple:
    """A hashable form of the selection (the cache key of a view)."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in state.items()))


def _plain(output):
    """Figures as plain dicts (cheap to cache and to send); other outputs unchanged."""
    if hasattr(output, "to_plotly_json"):
        return output.to_plotly_json()
    if isinstance(output, tuple):
        return tuple(_plain(o) for o in output)
    return output


@memoized
def cached_view(view: str, frozen: tuple, *extra):
    """A page's outputs for a selection, built once and then served from the shared cache."""
    builders = {
        "compare": compare_dict,
        "spine": spine_view,
        "explorer": explorer_view,
        "trends": trends_dict,
        "overview": overview_view,
    }
    return _plain(builders[view](dict(frozen), *extra))


def selection(state: dict) -> Selection:
    return Selection(state["indicator"], state["period"], state["geography"], state["sex"])


def map_layer(geography: str, layout: str) -> str:
    """The boundary layer a geography is drawn on (the cartogram where asked and available)."""
    if layout == "cartogram" and geography in CARTOGRAMS:
        return CARTOGRAMS[geography]
    return LAYER_FOR.get(geography, geography)


def with_geojson_urls(fig, fingerprint: str, layer: str, regions: bool) -> None:
    """Point the figure's GeoJSON at the server's cached copies instead of embedding them."""
    url = GEO_URL.format(fingerprint=fingerprint, layer=layer)
    region_url = GEO_URL.format(fingerprint=fingerprint, layer="nhser21")
    for i, trace in enumerate(fig.data):
        if getattr(trace, "geojson", None) is not None:
            trace.geojson = region_url if (i == 2 and regions) else url


@memoized
def _area_rows(indicator: str, period: str, geography: str, sex: str, region: str = ""):
    model = load_model()
    return area_frame(model, Selection(indicator, period, geography, sex), region)


def _map_inputs(state: dict):
    frame, _, _ = _area_rows(state["indicator"], state["period"], state["geography"], state["sex"])
    layer = map_layer(state["geography"], state["layout"])
    if state["geography"] in LAYER_FOR:
        # Drawn on another set's polygons: key the rows by that set's codes (same ODS code).
        frame = frame.assign(
            **{s.AREA_CODE: frame[s.AREA_CODE].map(_stand_in_codes()).fillna(frame[s.AREA_CODE])}
        )
    return frame, layer


def export_map(state: dict) -> go.Figure:
    """The map as the app draws it, with the GeoJSON embedded (kaleido cannot fetch our URLs)."""
    model = load_model()
    frame, layer = _map_inputs(state)
    cartogram = layer.endswith("_cartogram")
    fig = choropleth(
        frame,
        model.geojson[layer],
        meta_dict(model, state["indicator"]),
        colour=state["colour"],
        palette=state["palette"],
        ci=state["ci"],
        benchmark=benchmark_key(state),
        selected=state["areas"],
        region_outlines=model.geojson.get("nhser21"),
        cartogram=cartogram,
    )
    return embedded_for_export(fig)  # each shape embedded about once: a faster render


def _stand_in_codes() -> pd.Series:
    """Sub-ICB 2022 code -> CCG 2021 code (the polygons drawn for it)."""
    hierarchy = load_model().frames["hierarchy"]
    return hierarchy.dropna(subset=["sicbl22_code", "ccg21_code"]).set_index("sicbl22_code")["ccg21_code"]


def map_options(state: dict) -> dict:
    """The display options every map build takes from the selection."""
    return {
        "colour": state["colour"],
        "palette": state["palette"],
        "ci": state["ci"],
        "benchmark": benchmark_key(state),
        "selected": state["areas"],
    }


def full_map(state: dict):
    """The whole map figure for a selection (boundaries by URL)."""
    model = load_model()
    frame, layer = _map_inputs(state)
    geojson = model.geojson[layer]
    cartogram = layer.endswith("_cartogram")
    focus = _on_layer(state["areas"][0], state["geography"]) if state["areas"] else None
    fig = choropleth(
        frame,
        geojson,
        meta_dict(model, state["indicator"]),
        **map_options(state),
        region_outlines=model.geojson.get("nhser21"),
        cartogram=cartogram,
        view=focus_view(geojson, focus),
    )
    with_geojson_urls(fig, model.fingerprint, layer, regions=not cartogram)
    return fig


def map_patch(state: dict) -> Patch:
    """Only what changes when the layer stays the same: values, classes, legend, title."""
    model = load_model()
    frame, layer = _map_inputs(state)
    features = model.geojson[layer]["features"]
    all_areas = [f["id"] for f in features]
    names = {f["id"]: f["properties"].get("area_name", f["id"]) for f in features}
    update = map_update(
        frame,
        meta_dict(model, state["indicator"]),
        **map_options(state),
        all_areas=all_areas,
        area_names=names,
        glyph_points=label_points(model.geojson[layer]),
    )
    # The layer is already drawn: its locations and names are unchanged, so leave them out.
    update = {path: value for path, value in update.items() if path not in STATIC_PATHS}
    return apply_update(Patch(), update)


def map_summary(state: dict) -> list:
    frame, layer = _map_inputs(state)
    model = load_model()
    n_layer = len(model.geojson[layer]["features"])
    have = int(frame[s.VALUE].notna().sum())
    text = f"{have} of {n_layer} areas have a value for {state['period']}."
    notes = []
    if state["layout"] == "cartogram" and layer == map_layer(state["geography"], "boundaries"):
        notes.append("No cartogram exists for this geography (only CCG 2018 and 2019): showing boundaries.")
    if state["geography"] == "sicbl22" or (len(frame) and (frame[s.HARMONISATION] == "ods-match").any()):
        notes.append(
            "Sub-ICB locations (July 2022) are drawn on the April 2021 CCG polygons (same ODS codes); "
            "6 were redrawn in July 2022, so their shapes differ slightly."
        )
    harmonised = frame[s.HARMONISATION].isin(["merged", "apportioned"]).sum() if len(frame) else 0
    if harmonised:
        apportioned = int((frame[s.HARMONISATION] == "apportioned").sum())
        notes.append(
            f"Harmonised onto CCG 2021 from older boundaries ({apportioned} include apportioned parts of split areas)."
        )
    if layer.endswith("_cartogram"):
        notes.append("Cartogram layout: equal-area-ish shapes, not geography.")
    return [html.Span(text)] + [html.Span(" " + n) for n in notes]


def missing_layer_note(geography: str) -> str:
    """Why the map cannot be drawn, naming the boundary file the build did not find."""
    inventory = load_model().inventory
    rows = inventory[(inventory["kind"] == "boundary") & (inventory["geography"] == geography)]
    bad = rows[rows["file_status"] != "ok"]
    missing = bad["path"].tolist()
    name = s.GEOGRAPHIES.get(geography, geography)
    found = "could not be read" if (bad["file_status"] == "unreadable").any() else "was not found"
    what = f"its boundary file ({', '.join(missing)}) {found}" if missing else "it has no boundaries"
    return f"No map for {name}: {what} when the data were built. The other views still work."


def empty_map(note: str) -> dict:
    return {
        "data": [],
        "layout": {
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "annotations": [{"text": note, "showarrow": False, "font": {"size": 15}}],
            "height": 300,
        },
    }


@callback(
    Output(ids.MAP_GRAPH, "figure"),
    Output(ids.MAP_LAYER, "data"),
    Output(ids.MAP_SUMMARY, "children"),
    Input(ids.page_state("map"), "data"),
    State(ids.MAP_LAYER, "data"),
)
def update_map(state, shown_layer):
    if not state or state.get("page") != "map":
        raise PreventUpdate
    layer = map_layer(state["geography"], state["layout"])
    if layer not in load_model().geojson:  # a boundary file missing from this build
        note = missing_layer_note(state["geography"])
        return empty_map(note), None, html.Span(note)
    summary = map_summary(state)
    if shown_layer == layer:
        return map_patch(state), no_update, summary
    return full_map(state), layer, summary


def _on_layer(code: str, geography: str) -> str:
    """The code of an area as the map's layer knows it (Sub-ICB 2022 is drawn on CCG 2021)."""
    if geography in LAYER_FOR:
        return str(_stand_in_codes().get(code, code))
    return code


LONDON = "E40000003"


def map_view_for(state: dict, zoom: str) -> dict:
    """The view for the chosen "Show": the focus area with its neighbours, England (plotly's fit of
    the layer) or London (``layout.geo`` keys: figures.map.map_view)."""
    model = load_model()
    layer = map_layer(state["geography"], state["layout"])
    geojson = model.geojson[layer]
    if zoom == "london":
        if layer.endswith("_cartogram"):
            areas = model.areas
            codes = areas.loc[
                (areas[s.GEOGRAPHY] == state["geography"]) & (areas["region_code"] == LONDON), s.AREA_CODE
            ]
            features = [f for f in geojson["features"] if f.get("id") in set(codes)]
            bounds = geojson_bounds({"features": features})
        else:
            bounds = feature_bounds(model.geojson["nhser21"], LONDON) or geojson_bounds(geojson)
        return map_view(bounds)
    if zoom == "england":
        return FIT_VIEW
    focus = _on_layer(state["areas"][0], state["geography"]) if state["areas"] and zoom == "focus" else None
    return focus_view(geojson, focus)


@callback(
    Output(ids.MAP_GRAPH, "figure", allow_duplicate=True),
    Input(ids.page_state("map"), "data"),
    Input(ids.MAP_ZOOM, "value"),
    prevent_initial_call=True,
)
def update_map_view(state, zoom):
    """Bring the selected area (or England, or London) into view: only the map's view keys.

    Sent again with every selection: plotly keeps a view the user has panned to unless the
    centre we send changes (a new focus area, or another "Show" choice).
    """
    if not state or state.get("page") != "map":
        raise PreventUpdate
    view = map_view_for(state, zoom or "focus")
    patch = Patch()
    for (key, sub), value in view_paths(view).items():
        patch["layout"]["geo"][key][sub] = value
    return patch


@callback(Output(ids.MAP_SELECTED, "children"), Input(ids.page_state("map"), "data"))
def update_map_selected(state):
    """The selected areas' values in words, beside the map."""
    if not state or state.get("page") != "map":
        raise PreventUpdate
    if not state["areas"]:
        return html.P("Click an area on the map, or search above, to see its value here.", className="hint")
    frame, england, _ = _area_rows(state["indicator"], state["period"], state["geography"], state["sex"])
    items = selected_values(
        frame,
        meta_dict(load_model(), state["indicator"]),
        state["areas"],
        ci=state["ci"],
        benchmark=state["benchmark"],
        england_value=england,
        area_names=area_names(state["areas"]),
    )
    period = html.P(f"{state['period']}", className="hint")
    return [period, html.Dl([part for name, text in items for part in (html.Dt(name), html.Dd(text))])]


@callback(
    Output(ids.LAYOUT, "options"),
    Output(ids.COLOUR, "options"),
    Input(ids.page_state("map"), "data"),
)
def update_map_choices(state):
    """Options that cannot apply are disabled, and say why, rather than being silently ignored."""
    if not state:
        raise PreventUpdate
    cartogram = state["geography"] in CARTOGRAMS
    layout = [
        {"label": "Boundaries", "value": "boundaries"},
        {
            "label": "Cartogram" if cartogram else "Cartogram (only for CCG 2018 and CCG 2019)",
            "value": "cartogram",
            "disabled": not cartogram,
        },
    ]
    limits = has_limits(meta_dict(load_model(), state["indicator"]))
    colour = [
        {
            "label": "Benchmark category" if limits else "Benchmark category (needs confidence intervals)",
            "value": "category",
            "disabled": not limits,
        },
        {"label": "Quintile", "value": "quintile"},
        {"label": "Value", "value": "value"},
    ]
    return layout, colour


@callback(Output(ids.COMPARE_GRAPH, "figure"), Input(ids.page_state("compare"), "data"))
def update_compare(state):
    if not state or state.get("page") != "compare":
        raise PreventUpdate
    return cached_view("compare", freeze(state))


def compare_dict(state: dict) -> dict:
    """The compare page's figure as a plain dict (no ``go.Figure`` validation in a request)."""
    model = load_model()
    frame, england, regions = _area_rows(
        state["indicator"], state["period"], state["geography"], state["sex"]
    )
    region = state.get("region") or None
    if region:
        frame = frame[frame["region_code"] == region]
    fig = ranked_bars_dict(
        frame,
        meta_dict(model, state["indicator"]),
        ci=state["ci"],
        benchmark=benchmark_key(state),
        palette=state["palette"],
        selected=state["areas"],
        england_value=england,
        region_values=regions,
        sort=state["sort"],
        region=region,
    )
    if state.get("benchmark") == "peers":  # the peer marks are drawn on a go.Figure
        return _plain(with_peers(go.Figure(fig), state, frame))
    return fig


def compare_figure(state: dict) -> go.Figure:
    """The compare page's figure (exports)."""
    return go.Figure(compare_dict(state))


@memoized
def _spine(areas: tuple[str, ...], benchmark: str, ci: str) -> pd.DataFrame:
    return spine_rows(load_model(), list(areas), benchmark=benchmark, ci=ci)


def area_names(codes: list[str]) -> dict[str, str]:
    model = load_model()
    names = model.areas.drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)[s.AREA_NAME]
    return {c: str(names.get(c, c)) for c in codes}


def spine_view(state: dict):
    """Outcome spine, its table, context spine, its table, the counts line and the context label.

    Outcomes (domains 1-5) come first; context indicators go to their own collapsed section.
    The figures are plain dicts (``spine_outputs`` gives them as ``go.Figure``).
    """
    areas = state["areas"]
    kwargs = dict(palette=state["palette"], ci=state["ci"], benchmark=benchmark_key(state), screen=True)
    if not areas:
        rows = spine_rows(load_model(), [])  # no rows, but every column the chart reads
        empty = spine_figure_dict(rows, areas=[], area_names={}, **kwargs)
        ask = html.P("Choose an area (click the map, or search above) to see its spine chart.")
        return empty, ask, empty, None, "", "Context indicators"
    rows = _spine(tuple(areas), benchmark_key(state), state["ci"])
    names = area_names(areas)
    outcomes, context = split_outcomes(rows)
    focus = names.get(areas[0], areas[0])
    n_outcome = _with_value(outcomes, areas[0])
    n_context = _with_value(context, areas[0])
    fig = spine_with_peers(
        spine_figure_dict(outcomes, areas=areas, area_names=names, **kwargs), state, outcomes
    )
    context_fig = spine_figure_dict(
        context,
        areas=areas,
        area_names=names,
        title=profile_title("Context indicators", areas, names),
        **kwargs,
    )
    context_fig = spine_with_peers(context_fig, state, context)
    summary = (
        f"{focus} has data for {n_outcome} outcome indicator{'' if n_outcome == 1 else 's'} "
        f"(NHS Outcomes Framework domains 1 to 5, shown first) and {n_context} context "
        f"indicator{'' if n_context == 1 else 's'} (in their own section below)."
    )
    label = f"Context indicators ({n_context}): population and services, not outcomes. Click to show."
    return (
        fig,
        table_component(spine_table(outcomes, areas, names)),
        context_fig,
        table_component(spine_table(context, areas, names)),
        summary,
        label,
    )


def spine_outputs(state: dict):
    """``spine_view`` with the figures as ``go.Figure`` (exports and tests)."""
    fig, table, context_fig, context_table, summary, label = spine_view(state)
    return go.Figure(fig), table, go.Figure(context_fig), context_table, summary, label


def _with_value(rows: pd.DataFrame, code: str) -> int:
    """Indicators with a value for one area among spine rows."""
    pairs = zip(
        rows[s.AREA_CODE].tolist(), rows[s.VALUE].tolist(), rows["indicator_id"].tolist(), strict=True
    )
    return len({ind for area, value, ind in pairs if area == code and value == value})  # NaN != NaN


def _cell(v) -> str:
    if isinstance(v, float):
        return "" if pd.isna(v) else f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")  # inline markup; cells hold no blocks


def _md(text: str) -> str:
    """Text as literal Markdown (every character that could mean markup escaped)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def table_component(frame: pd.DataFrame) -> dcc.Markdown:
    """The numbers beside a chart as one table, sent as one component (a Markdown table: the
    browser gets plain <table> markup, not a component per cell; no raw HTML is allowed)."""
    head = "| " + " | ".join(_md(str(c)) for c in frame.columns) + " |"
    rule = "|" + "|".join([":--", *["--:"] * (len(frame.columns) - 1)]) + "|"
    body = [
        "| " + " | ".join(_md(v) if isinstance(v, str) else _cell(v) for v in row) + " |"
        for row in zip(*(frame[c].tolist() for c in frame.columns), strict=True)
    ]
    return dcc.Markdown("\n".join([head, rule, *body]), className="data-table")


@callback(
    Output(ids.SPINE_GRAPH, "figure"),
    Output(ids.SPINE_TABLE, "children"),
    Output(ids.SPINE_CONTEXT_GRAPH, "figure"),
    Output(ids.SPINE_CONTEXT_TABLE, "children"),
    Output(ids.SPINE_SUMMARY, "children"),
    Output(ids.SPINE_CONTEXT_LABEL, "children"),
    Input(ids.page_state("spine"), "data"),
)
def update_spine(state):
    if not state or state.get("page") != "spine":
        raise PreventUpdate
    return cached_view("spine", freeze(state))


@memoized
def _explorer(x: str, y: str, period: str):
    return explorer_frame(load_model(), x, y, period=period)


@memoized
def _explorer_coverage(x: str, y: str, period: str) -> tuple[int, int, int]:
    """CCG 2021 areas in all, and how many lack x and lack y (the reasons points are missing)."""
    model = load_model()
    codes = set(model.areas.loc[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY, s.AREA_CODE])
    xf, _ = variable_column(model, x)
    yf, _ = variable_column(model, y, period=period)
    has_x = set(xf.loc[xf["v"].notna(), s.AREA_CODE]) & codes
    has_y = set(yf.loc[yf["v"].notna(), s.AREA_CODE]) & codes
    return len(codes), len(codes - has_x), len(codes - has_y)


def explorer_outputs(state: dict, size_by_pop: bool, colour_by: str, show_ci: bool):
    """``explorer_view`` with the scatter as a ``go.Figure`` (exports)."""
    fig, note, lists = explorer_view(state, size_by_pop, colour_by, show_ci)
    return go.Figure(fig), note, lists


def explorer_view(state: dict, size_by_pop: bool, colour_by: str, show_ci: bool):
    """The scatter (a plain figure dict), the notes under the controls (n and why, periods, the
    fit in words) and the furthest-from-the-line lists."""
    df, x_meta, y_meta = _explorer(state["x"], state["y"], state["period"])
    weights = "population" if size_by_pop else None
    fit = ols_fit(df["x"], df["y"], df["population"] if size_by_pop else None)
    rho = spearman(df["x"], df["y"])
    fig = explorer_scatter_dict(
        df,
        x_meta=x_meta,
        y_meta=y_meta,
        size_by_population=size_by_pop,
        colour_by=colour_by,
        show_ci=show_ci,
        selected=state["areas"],
        weights=weights,
        palette=state["palette"],
        fit=fit,
        rho=rho,
    )
    n_total, no_x, no_y = _explorer_coverage(state["x"], state["y"], state["period"])
    notes = [
        coverage_in_words(len(df), n_total, no_x, no_y, "CCGs (April 2021)"),
        periods_in_words(x_meta, y_meta),
    ]
    ecological = (
        "Each point is an area: an association between areas is not an association between people "
        "(ecological fallacy)."
    )
    if len(df) < 3:
        note = [html.P(text) for text in [*notes, ecological]]
        return fig, note, html.P("Too few areas with both values to fit a line.")
    x_name = str(x_meta.get("short_name") or x_meta.get("name"))
    y_name = str(y_meta.get("short_name") or y_meta.get("name"))
    words = fit_in_words(fit, rho.rho, x_name, y_name)
    note = [
        html.P(notes[0]),
        html.P(notes[1]),
        html.P(" ".join(words), className="fit-words"),
        html.P(ecological),
    ]
    ranking = residual_ranking(df, fit, n=5)
    lists: list = []
    if fit.r2 < NEGLIGIBLE_R2:
        lists.append(
            html.P(
                f"The line explains almost nothing (R² = {fit.r2:.2f}): distance from it mostly reflects "
                f"how {y_name} varies anyway, not areas doing unusually well or badly for their {x_name}.",
                className="warning-note",
            )
        )
    unit = y_meta.get("unit")
    for position, title in (("above", "Furthest above the line"), ("below", "Furthest below the line")):
        part = ranking[ranking["position"] == position]
        lists += [
            html.H3(title),
            html.Ol(
                [
                    html.Li(
                        f"{r.area_name} ({'+' if r.residual > 0 else '−'}{format_value(abs(r.residual), unit)})"
                    )
                    for r in part.itertuples()
                ]
            ),
        ]
    return fig, note, lists


@callback(
    Output(ids.EXPLORER_GRAPH, "figure"),
    Output(ids.EXPLORER_NOTE, "children"),
    Output(ids.EXPLORER_OUTLIERS, "children"),
    Input(ids.page_state("explorer"), "data"),
    Input(ids.SIZE_BY_POP, "value"),
    Input(ids.SCATTER_COLOUR, "value"),
    Input(ids.SHOW_CI, "value"),
)
def update_explorer(state, size_by_pop, colour_by, show_ci):
    if not state or state.get("page") != "explorer":
        raise PreventUpdate
    return cached_view(
        "explorer", freeze(state), "on" in (size_by_pop or []), colour_by or "region", "on" in (show_ci or [])
    )


def trends_figure(state: dict) -> go.Figure:
    """The trends page's figure (exports)."""
    return go.Figure(trends_dict(state))


def trends_dict(state: dict) -> dict:
    """The trends page's figure as a plain dict (no ``go.Figure`` validation in a request)."""
    model = load_model()
    sel = selection(state)
    areas = state["areas"]
    series, england, region, labels = trend_frames(model, sel, areas)
    return trend_dict(
        series,
        meta_dict(model, state["indicator"]),
        ci=state["ci"],
        areas=areas,
        area_names=area_names(areas),
        england=england,
        region=region,
        trend_labels=labels,
        trend_reasons=trend_reasons(model, sel, areas),
    )


def trend_reasons(model, sel: Selection, areas: list[str]) -> dict[str, str]:
    """Why each area's recent trend cannot be calculated (the build's trends frame says)."""
    trends = model.frames.get("trends")
    if trends is None or trends.empty or "reason" not in trends:
        return {}
    rows = trends[
        (trends[s.INDICATOR_ID] == sel.indicator_id)
        & (trends[s.GEOGRAPHY] == sel.geography)
        & (trends[s.SEX] == sel.sex)
        & trends[s.AREA_CODE].isin(areas)
    ]
    # the same rows, in the same order, as data.queries.view_frames.trend_labels: the last one per area wins
    return {code: str(reason or "") for code, reason in zip(rows[s.AREA_CODE], rows["reason"], strict=True)}


@callback(Output(ids.TRENDS_GRAPH, "figure"), Input(ids.page_state("trends"), "data"))
def update_trends(state):
    if not state or state.get("page") != "trends":
        raise PreventUpdate
    return cached_view("trends", freeze(state))


@memoized
def _overview(region: str, benchmark: str, ci: str) -> pd.DataFrame:
    return overview_grid(load_model(), region=region, benchmark=benchmark, ci=ci)


def overview_figure_for(state: dict):
    """The outcome indicators' grid (domains 1-5; the export's figure)."""
    return overview_outputs(state)[0]


def overview_view(state: dict):
    """Outcome grid, context grid (plain figure dicts), the counts line and the context section's label."""
    grid = _overview(state.get("region") or "", benchmark_key(state), state["ci"])
    outcomes, context = split_outcomes(grid)
    kwargs = dict(palette=state["palette"])
    fig = overview_figure_dict(outcomes, title="Outcome indicators (domains 1 to 5)", **kwargs)
    context_fig = overview_figure_dict(context, title="Context indicators", **kwargs)
    n_out, n_ctx = outcomes["indicator_id"].nunique(), context["indicator_id"].nunique()
    summary = f"{n_out} outcome indicators (shown first) and {n_ctx} context indicators (below)."
    if state["areas"]:
        code = state["areas"][0]
        name = area_names([code])[code]
        has_out = outcomes.loc[(outcomes[s.AREA_CODE] == code) & outcomes[s.VALUE].notna(), "indicator_id"]
        has_ctx = context.loc[(context[s.AREA_CODE] == code) & context[s.VALUE].notna(), "indicator_id"]
        summary += (
            f" {name} has values for {has_out.nunique()} of the outcome and "
            f"{has_ctx.nunique()} of the context indicators."
        )
    label = f"Context indicators ({n_ctx}): population and services, not outcomes. Click to show."
    return fig, context_fig, summary, label


def overview_outputs(state: dict):
    """``overview_view`` with the figures as ``go.Figure`` (exports and tests)."""
    fig, context_fig, summary, label = overview_view(state)
    return go.Figure(fig), go.Figure(context_fig), summary, label


@callback(
    Output(ids.OVERVIEW_GRAPH, "figure"),
    Output(ids.OVERVIEW_CONTEXT_GRAPH, "figure"),
    Output(ids.OVERVIEW_SUMMARY, "children"),
    Output(ids.OVERVIEW_CONTEXT_LABEL, "children"),
    Input(ids.page_state("overview"), "data"),
)
def update_overview(state):
    if not state or state.get("page") != "overview":
        raise PreventUpdate
    return cached_view("overview", freeze(state))


@callback(
    Output(ids.DEFINITION_PANEL, "children"),
    Output(ids.DEFINITION_PANEL, "hidden"),
    Input(ids.DEFINITION_BUTTON, "n_clicks"),
    Input(ids.STATE, "data"),
)
def update_definition(n_clicks, state):
    if not state:
        raise PreventUpdate
    meta = load_model().catalogue.loc[state["indicator"]]
    fields = [
        ("Indicator", meta["name"]),
        ("Definition", meta["definition"]),
        ("Unit", meta["unit"]),
        ("Polarity", meta["polarity"]),
        ("Method", f"{meta['statistic']}; confidence intervals: {meta['ci_method']}"),
        ("Source", f"{meta['publisher']} ({meta['source']}); licence {meta['licence']}"),
        ("Caveats", meta["caveats"] or "none recorded"),
        ("Available for", ", ".join(s.GEOGRAPHIES.get(g, g) for g in str(meta["geographies"]).split(","))),
    ]
    items = [item for k, v in fields for item in (html.Dt(k), html.Dd(str(v)))]
    body = html.Dl(items + definition_extras(state["indicator"]))
    return body, not (n_clicks or 0) % 2

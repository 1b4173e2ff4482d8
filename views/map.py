"""The map page: the choropleth (whole, or only what changes), its notes, the selected areas' values,
the view to bring into sight, the options that apply, its summary sentence and the keyboard list.

The boundaries go to the browser by URL (cached there) and, while the layer stays the same,
only the per-indicator values are sent (``MapView.update``: paths the callback writes into a
Dash ``Patch``). The export builds the same figure with the GeoJSON embedded.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from data.model import schema as s
from data.model.store import load_model
from data.queries.view_frames import meta_dict
from figures import summaries as words
from figures.map import (
    FIT_VIEW,
    STATIC_PATHS,
    choropleth,
    effective_colour,
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
from figures.summaries import map_area_rows
from views.cache import memoized
from views.common import (
    area_names,
    comparator_of,
    compared_rows,
    focus,
    freeze,
    geography_name,
    rows_of,
    versus_text,
)
from views.content import P, Span, el, terms

GEO_URL = "/geo/{fingerprint}/{layer}.json"
CARTOGRAMS = {"ccg18": "ccg18_cartogram", "ccg19": "ccg19_cartogram"}
# The July 2022 sets are drawn on the April 2023 polygons of the same ODS codes: Sub-ICB 2022 has no
# boundary file, and the ICB 2022 file has no Isles of Scilly. The two sets differ only by 4 LSOAs
# (Chichester 001A-D, 6,814 people, moved from Surrey Heartlands to Sussex by April 2023).
LAYER_FOR = {"sicbl22": s.SUBICB_GEOGRAPHY, "icb22": s.ICB_GEOGRAPHY}
LONDON = "E40000003"


def region_layer(geography: str) -> str:
    """The region outlines drawn with a geography: its own region set's (data.model.schema), the
    January 2024 regions for the 2022 and 2023 sets (the July 2022 regions have the same extent and
    no boundary file), the April 2021 regions for the CCG vintages and STPs."""
    region = s.region_geography(geography)
    return s.CURRENT_REGION_GEOGRAPHY if region in ("nhser22", s.CURRENT_REGION_GEOGRAPHY) else "nhser21"


@dataclass(frozen=True)
class MapView:
    """What the map callback sends: a whole figure, or (the layer already drawn) the paths to update."""

    figure: go.Figure | dict | None
    update: dict[tuple, object] | None
    layer: str | None
    summary: list

    @property
    def is_update(self) -> bool:
        return self.update is not None


def map_layer(geography: str, layout: str) -> str:
    """The boundary layer a geography is drawn on (the cartogram where asked and available)."""
    if layout == "cartogram" and geography in CARTOGRAMS:
        return CARTOGRAMS[geography]
    return LAYER_FOR.get(geography, geography)


def with_geojson_urls(fig, fingerprint: str, layer: str, regions: bool, outlines: str = "nhser21") -> None:
    """Point the figure's GeoJSON at the server's cached copies instead of embedding them
    (``outlines``: the region layer drawn over ``layer``)."""
    url = GEO_URL.format(fingerprint=fingerprint, layer=layer)
    region_url = GEO_URL.format(fingerprint=fingerprint, layer=outlines)
    for i, trace in enumerate(fig.data):
        if getattr(trace, "geojson", None) is not None:
            trace.geojson = region_url if (i == 2 and regions) else url


def map_inputs(state: dict) -> tuple[pd.DataFrame, str]:
    """The selection's rows compared with the view's one comparator (every area: with similar CCGs
    the others are grey, "not in the peer group"), keyed by the codes of the layer they are drawn
    on, and that layer."""
    frame = compared_rows(state, scope="all")
    layer = map_layer(state["geography"], state["layout"])
    if state["geography"] in LAYER_FOR:
        # Drawn on another set's polygons: key the rows by that set's codes (same ODS code).
        codes = _stand_in_codes(state["geography"])
        frame = frame.assign(**{s.AREA_CODE: frame[s.AREA_CODE].map(codes).fillna(frame[s.AREA_CODE])})
    return frame, layer


_STAND_INS: dict[tuple[str, str], pd.Series] = {}


def _stand_in_codes(geography: str = "sicbl22") -> pd.Series:
    """A geography's code -> the code of the same ODS code in the set it is drawn on (LAYER_FOR)."""
    model = load_model()
    key = (model.fingerprint, geography)
    found = _STAND_INS.get(key)
    if found is None:
        areas = model.areas[model.areas["ods_code"].fillna("") != ""]
        mine = areas[areas[s.GEOGRAPHY] == geography].drop_duplicates("ods_code")
        drawn = areas[areas[s.GEOGRAPHY] == LAYER_FOR.get(geography, geography)].drop_duplicates("ods_code")
        found = mine.set_index(s.AREA_CODE)["ods_code"].map(drawn.set_index("ods_code")[s.AREA_CODE]).dropna()
        if len(_STAND_INS) > 8:  # one model per process; a rebuilt one replaces it
            _STAND_INS.clear()
        _STAND_INS[key] = found
    return found


def on_layer(code: str, geography: str) -> str:
    """The code of an area as the map's layer knows it (the July 2022 sets are drawn on 2023's)."""
    if geography in LAYER_FOR:
        return str(_stand_in_codes(geography).get(code, code))
    return code


def map_options(state: dict) -> dict:
    """The display options every map build takes from the selection."""
    return {
        "colour": state["colour"],
        "palette": state["palette"],
        "ci": state["ci"],
        "benchmark": comparator_of(state).key,
        "selected": state["areas"],
    }


def _choropleth(state: dict, **extra) -> tuple[go.Figure, str]:
    model = load_model()
    frame, layer = map_inputs(state)
    fig = choropleth(
        frame,
        model.geojson[layer],
        meta_dict(model, state["indicator"]),
        **map_options(state),
        region_outlines=model.geojson.get(region_layer(state["geography"])),
        cartogram=layer.endswith("_cartogram"),
        **extra,
    )
    return fig, layer


def export_map(state: dict) -> go.Figure:
    """The map as the app draws it, with the GeoJSON embedded (kaleido cannot fetch our URLs)."""
    fig, _ = _choropleth(state)
    return embedded_for_export(fig)  # each shape embedded about once: a faster render


def full_map(state: dict, zoom: str = "focus") -> go.Figure:
    """The whole map figure for a selection (boundaries by URL), showing the chosen "Show"
    (``map_view_for``)."""
    fig, layer = _choropleth(state, view=map_view_for(state, zoom))
    with_geojson_urls(
        fig,
        load_model().fingerprint,
        layer,
        regions=not layer.endswith("_cartogram"),
        outlines=region_layer(state["geography"]),
    )
    return fig


def map_changes(state: dict) -> dict[tuple, object]:
    """Only what changes when the layer stays the same: values, classes, legend, title (figure paths)."""
    model = load_model()
    frame, layer = map_inputs(state)
    features = model.geojson[layer]["features"]
    update = map_update(
        frame,
        meta_dict(model, state["indicator"]),
        **map_options(state),
        all_areas=[f["id"] for f in features],
        area_names={f["id"]: f["properties"].get("area_name", f["id"]) for f in features},
        glyph_points=label_points(model.geojson[layer]),
    )
    # The layer is already drawn: its locations and names are unchanged, so leave them out.
    return {path: value for path, value in update.items() if path not in STATIC_PATHS}


def map_summary(state: dict) -> list:
    """The line under the map: how many areas have a value, and notes on what is drawn."""
    frame, layer = map_inputs(state)
    n_layer = len(load_model().geojson[layer]["features"])
    have = int(frame[s.VALUE].notna().sum())
    text = f"{have} of {n_layer} areas have a value for {state['period']}."
    notes = []
    if state["layout"] == "cartogram" and layer == map_layer(state["geography"], "boundaries"):
        notes.append("No cartogram exists for this geography (only CCG 2018 and 2019): showing boundaries.")
    if state["geography"] in LAYER_FOR:
        notes.append(
            f"{s.GEOGRAPHIES[state['geography']]} areas are drawn on the April 2023 boundaries of the same "
            "ODS codes; the two differ only by 4 LSOAs (Chichester, 6,814 people) moved from Surrey "
            "Heartlands to Sussex."
        )
    elif (
        state["geography"] == s.HOME_GEOGRAPHY
        and len(frame)
        and (frame[s.HARMONISATION] == "ods-match").any()
    ):
        notes.append(
            "Some values are Sub-ICB location (July 2022) values of the same ODS code; 6 areas were "
            "redrawn in July 2022, so their shapes differ slightly from these CCG 2021 boundaries."
        )
    harmonised = frame[s.HARMONISATION].isin(["merged", "apportioned"]).sum() if len(frame) else 0
    if harmonised:
        apportioned = int((frame[s.HARMONISATION] == "apportioned").sum())
        notes.append(
            f"Harmonised onto CCG 2021 from older boundaries ({apportioned} include apportioned parts of split areas)."
        )
    if layer.endswith("_cartogram"):
        notes.append("Cartogram layout: equal-area-ish shapes, not geography.")
    return [Span(text)] + [Span(" " + n) for n in notes]


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


def map_page(state: dict, shown_layer: str | None, zoom: str = "focus") -> MapView:
    """The map for a selection: the whole figure, or only its changes when ``shown_layer`` is drawn;
    either way with the chosen "Show" in view (plotly keeps a view the user has panned to unless the
    view sent changes: a new focus area, or another "Show")."""
    layer = map_layer(state["geography"], state["layout"])
    if layer not in load_model().geojson:  # a boundary file missing from this build
        note = missing_layer_note(state["geography"])
        return MapView(empty_map(note), None, None, [Span(note)])
    summary = map_summary(state)
    if shown_layer == layer:
        view = {("layout", "geo", *path): value for path, value in view_changes(state, zoom).items()}
        return MapView(None, {**map_changes(state), **view}, layer, summary)
    return MapView(full_map(state, zoom), None, layer, summary)


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
            outlines = model.geojson.get(region_layer(state["geography"])) or {"features": []}
            bounds = feature_bounds(outlines, LONDON) or geojson_bounds(geojson)
        return map_view(bounds)
    if zoom == "england":
        return FIT_VIEW
    focus_code = (
        on_layer(state["areas"][0], state["geography"]) if state["areas"] and zoom == "focus" else None
    )
    return focus_view(geojson, focus_code)


def view_changes(state: dict, zoom: str) -> dict[tuple, object]:
    """The chosen view as ``{path under layout.geo: value}`` (nothing else in the figure is touched)."""
    return view_paths(map_view_for(state, zoom or "focus"))


def selected_areas(state: dict):
    """The selected areas' values in words, beside the map."""
    if not state["areas"]:
        return P("Click an area on the map, or search above, to see its value here.", className="hint")
    _rows, england, _ = rows_of(state)
    frame = compared_rows(state, scope="all")
    meta = meta_dict(load_model(), state["indicator"])
    items = selected_values(
        frame,
        meta,
        state["areas"],
        ci=state["ci"],
        benchmark=comparator_of(state).key,
        england_value=england,
        area_names=area_names(state["areas"], state["geography"]),
        versus=versus_text(state, frame, meta.get("unit")),
    )
    return [P(f"{state['period']}", className="hint"), el("Dl", terms(items))]


def map_choices(state: dict) -> tuple[list[dict], list[dict]]:
    """The layout and colour options: those that cannot apply are disabled, and say why."""
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


@memoized
def map_sentence(frozen: tuple) -> str:
    """The map's one-sentence summary (its text alternative)."""
    state = dict(frozen)
    model = load_model()
    layer = map_layer(state["geography"], state["layout"])
    if layer not in model.geojson:
        return "No map: the boundaries of this geography were not found when the data were built."
    frame, layer = map_inputs(state)
    meta = meta_dict(model, state["indicator"])
    code, name = focus(state)
    return words.map_summary(
        frame,
        meta,
        period=state["period"],
        geography=geography_name(state),
        n_areas=len(model.geojson[layer]["features"]),
        colour=effective_colour(state["colour"], meta),
        benchmark=comparator_of(state).key,
        ci=state["ci"],
        focus=code,
        focus_name=name,
    )


@memoized
def _list_rows(frozen: tuple) -> list[dict]:
    state = dict(frozen)
    model = load_model()
    frame = compared_rows(state, scope="all")
    areas = model.areas[model.areas[s.GEOGRAPHY] == state["geography"]].drop_duplicates(s.AREA_CODE)
    meta = meta_dict(model, state["indicator"])
    return map_area_rows(
        areas,
        frame,
        meta,
        colour=effective_colour(state["colour"], meta),
        benchmark=comparator_of(state).key,
        ci=state["ci"],
        selected=state["areas"],
    )


def area_list(state: dict) -> dict:
    """What the browser draws the map's keyboard list from (assets/a11y.js ``renderAreaList``): the
    caption, the class column's heading and one ``[code, name, value, class, selected]`` per area.

    The table is drawn in the browser, not sent as components: as ~850 Dash components it cost
    dash-renderer about 1.4 s of CPU on every map change (it walks new children for ids;
    DevTools profile), and as a Markdown block it added the Markdown chunks (0.12 MB) to the
    map page's first load. A store's data is one prop that dash-renderer does not walk.
    """
    colour = effective_colour(state["colour"], meta_dict(load_model(), state["indicator"]))
    rows = _list_rows(freeze(state))
    return {
        "caption": f"{len(rows)} areas, {state['period']}; selecting one makes it the focus area.",
        "heading": {"category": "Category", "quintile": "Quintile"}.get(colour, "Colour"),
        "rows": [[r["code"], r["name"], str(r["value"]), str(r["class"]), bool(r["selected"])] for r in rows],
    }

"""Choropleth of one indicator over CCG boundaries, drawn without any network request.

Uses plotly's d3 ``go.Choropleth`` on a ``geo`` subplot with no base map (``visible=False``):
the supplied GeoJSON is projected and drawn as SVG, so the browser needs no WebGL, tiles or
MapLibre, and a PNG export is quick. plotly.js asks for a world topojson (``world_110m``)
for any trace with a ``locationmode`` even when the base map is hidden; the app seeds it
locally (``assets/plotly-geo-assets.js``, loaded by the browser and by kaleido) and points
``topojsonURL`` at the app itself, so nothing is ever fetched from a CDN.

Trace layout (fixed, so a Dash ``Patch`` can update one indicator without resending GeoJSON):
    0  no-data underlay: every boundary feature in light grey (areas without a value show through)
    1  the indicator: ``z`` is a class index (category / quintile) or the value itself
    2  region outlines (transparent fill, dark lines, no hover)
    3  selected areas (transparent fill, thick outline, no hover)
    4  category glyphs: a marker at each area's label point in its category's shape and colour
       (dark outline), so the category reads without colour (Scattergeo; hidden for the other
       colourings)
    5+ legend keys: one Scattergeo per category (its glyph), per quintile and "No data" (square
       swatches), with counts
``map_update`` returns every property that depends on the indicator/options as
``{path_tuple: value}``; ``apply_update`` writes it into a ``go.Figure`` or a Dash ``Patch``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.model import schema as s
from figures import common
from figures import palette as pal

log = logging.getLogger(__name__)

UNDERLAY, MAIN, REGIONS, SELECTED, GLYPHS = 0, 1, 2, 3, 4
LEGEND_START = 5
TRANSPARENT = [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]]
QUINTILES = (1, 2, 3, 4, 5)
# Legend keys in trace order: ("category", label) x6, ("quintile", q) x5, ("nodata", None).
LEGEND_KEYS: list[tuple[str, Any]] = (
    [("category", c) for c in s.CATEGORIES] + [("quintile", q) for q in QUINTILES] + [("nodata", None)]
)
COLOUR_MODES = ("category", "quintile", "value")
# The glyph drawn on each area of a category (filled in the category's colour, dark outline, so
# the shape reads on the area's own fill). Higher/Lower only appear for indicators without a
# polarity, never beside Better/Worse, so the same up/down shapes serve. "Not compared" areas get
# no glyph; its legend key, like the quintile and "No data" keys, is a plain square swatch.
GLYPH_SYMBOLS: dict[str, str] = {
    s.BETTER: "triangle-up",
    s.SIMILAR: "circle",
    s.WORSE: "triangle-down",
    s.HIGHER: "triangle-up",
    s.LOWER: "triangle-down",
}
GLYPH_SIZE = 9
# "Similar" is the most common category and the least news: a smaller mark keeps the map legible
# where small areas crowd together (Greater Manchester, West Yorkshire).
GLYPH_SIZES = {s.SIMILAR: 6}
GLYPH_LINE = "#1A1A1A"
SYMBOL_NUMBERS = {"circle": 0, "square": 1, "triangle-up": 5, "triangle-down": 6}  # plotly's numbering
MAP_UIREVISION = "ccg-map"


def _feature_ids(geojson: Mapping[str, Any]) -> list[str]:
    """The ``id`` of every feature (the key ``featureidkey="id"`` joins on)."""
    ids = [f.get("id") for f in geojson.get("features", [])]
    missing = sum(i is None for i in ids)
    if missing:
        log.warning("%d GeoJSON features have no 'id' and cannot be coloured", missing)
    return [str(i) for i in ids if i is not None]


def _coordinates(geometry: Mapping[str, Any]) -> Iterable[np.ndarray]:
    """Every ring of a Polygon / MultiPolygon as an (n, 2) array."""
    if not geometry:
        return
    if geometry["type"] == "Polygon":
        for ring in geometry["coordinates"]:
            yield np.asarray(ring, dtype=float)[:, :2]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            for ring in polygon:
                yield np.asarray(ring, dtype=float)[:, :2]


def geojson_bounds(geojson: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """(west, south, east, north) of all features, for centring the map."""
    rings = [r for f in geojson.get("features", []) for r in _coordinates(f.get("geometry"))]
    if not rings:
        return (-6.4, 49.9, 1.8, 55.8)  # England
    coords = np.concatenate(rings)
    return (
        float(coords[:, 0].min()),
        float(coords[:, 1].min()),
        float(coords[:, 0].max()),
        float(coords[:, 1].max()),
    )


FOCUS_CONTEXT = 2.0  # the focus area spans about half the view: its neighbours show too
FOCUS_MIN_SPAN_DEG = 1.2
VIEW_KEYS = ("center", "lonaxis", "lataxis", "projection")
# The view plotly fits itself (``geo.fitbounds="locations"``): the whole layer, at any graph size.
FIT_VIEW: dict[str, Any] = {
    "center": {"lon": None, "lat": None},
    "lonaxis": {"range": None},
    "lataxis": {"range": None},
    "projection": {"scale": None},
}


def feature_bounds(geojson: Mapping[str, Any], code: str) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the feature whose id is ``code``, or None if absent."""
    for feature in geojson.get("features", []):
        if str(feature.get("id")) == str(code):
            rings = list(_coordinates(feature.get("geometry")))
            if not rings:
                return None
            coords = np.concatenate(rings)
            return (
                float(coords[:, 0].min()),
                float(coords[:, 1].min()),
                float(coords[:, 0].max()),
                float(coords[:, 1].max()),
            )
    return None


# Width / height of the map's plot area on a laptop screen (about 900 x 450 px at 1366x768).
# plotly draws only inside the box a view's ranges make, so a view is widened (or heightened)
# to this shape: the neighbours fill the graph instead of blank margins beside a tall box.
VIEW_ASPECT = 2.0


def _merc_y(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _lat_of(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


def map_view(bounds: tuple[float, float, float, float], aspect: float = VIEW_ASPECT) -> dict[str, Any]:
    """``layout.geo`` keys that show ``bounds`` (west, south, east, north) whole, in a box of
    ``aspect`` (width / height, on the Mercator projection) around them.

    Setting a view turns plotly's ``fitbounds`` off for it; ``FIT_VIEW`` (all None) turns it back on.
    Apply it key by key (``view_paths``): replacing ``projection`` whole would drop its type.
    The centre is sent too: under ``uirevision`` plotly keeps a view the user has panned to
    unless the centre sent changes.
    """
    west, south, east, north = (float(v) for v in bounds)
    y0, y1 = _merc_y(south), _merc_y(north)
    width, height = max(east - west, 1e-6), max(y1 - y0, 1e-6)
    if width / height < aspect:  # too tall: widen
        cx, half = (west + east) / 2, height * aspect / 2
        west, east = cx - half, cx + half
    else:  # too wide: heighten
        cy, half = (y0 + y1) / 2, width / aspect / 2
        south, north = _lat_of(cy - half), _lat_of(cy + half)
    west, south, east, north = (round(v, 4) for v in (west, south, east, north))
    return {
        "center": {"lon": round((west + east) / 2, 4), "lat": round((south + north) / 2, 4)},
        "lonaxis": {"range": [west, east]},
        "lataxis": {"range": [south, north]},
        "projection": {"scale": 1},
    }


def view_paths(view: Mapping[str, Any]) -> dict[tuple, Any]:
    """A view as ``{path under layout.geo: value}`` leaves, for a Patch that touches nothing else."""
    return {(key, sub): value for key in VIEW_KEYS for sub, value in view[key].items()}


def focus_view(geojson: Mapping[str, Any], code: str | None) -> dict[str, Any]:
    """The view that brings ``code`` into view with its neighbours (the whole layer when it is not on it)."""
    bounds = feature_bounds(geojson, code) if code else None
    if bounds is None:
        return FIT_VIEW
    west, south, east, north = bounds
    half_x = max((east - west) * FOCUS_CONTEXT, FOCUS_MIN_SPAN_DEG * 1.6) / 2
    half_y = max((north - south) * FOCUS_CONTEXT, FOCUS_MIN_SPAN_DEG) / 2
    cx, cy = (west + east) / 2, (south + north) / 2
    return map_view((cx - half_x, cy - half_y, cx + half_x, cy + half_y))


def label_points(geojson: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Area code -> (lon, lat) of its glyph: the ``label`` property made at build
    (geo.labels.label_point), computed the same way for GeoJSON without one (e.g. tests; shapely is
    imported only then, so a page worker never loads it)."""
    out = {}
    for feature in geojson.get("features", []):
        code = feature.get("id")
        label = (feature.get("properties") or {}).get("label")
        if code is None:
            continue
        if label is None:
            if not feature.get("geometry"):
                continue
            from geo.labels import geojson_label_point

            label = geojson_label_point(feature["geometry"])
        out[str(code)] = (round(float(label[0]), 3), round(float(label[1]), 3))
    return out


def _classes(
    frame: pd.DataFrame, meta: Mapping[str, Any], colour: str, ci: str, benchmark: str
) -> tuple[np.ndarray, pd.Series]:
    """z per row (NaN = no data) and the class label per row for the chosen colouring."""
    value = common.finite(frame[s.VALUE])
    has_value = ~np.isnan(value)
    if colour == "category":
        labels = pal.clean_categories(pal.categories_of(frame, benchmark, ci))
        z = labels.map({c: i for i, c in enumerate(s.CATEGORIES)}).to_numpy(dtype=float)
    elif colour == "quintile":
        q = pd.to_numeric(frame[s.QUINTILE], errors="coerce")
        q = q.where(q.isin(QUINTILES))
        labels = q
        z = q.to_numpy(dtype=float)
    elif colour == "value":
        labels = pd.Series(value, index=frame.index)
        z = value.copy()
    else:
        raise ValueError(f"colour must be one of {COLOUR_MODES}, not {colour!r}")
    z = np.where(has_value, z, np.nan)
    return z, labels.where(pd.Series(has_value & ~np.isnan(z), index=frame.index))


def has_limits(meta: Mapping[str, Any]) -> bool:
    """False for an indicator published without confidence intervals (catalogue ci_method "none")."""
    return str(meta.get("ci_method", "")).strip().lower() != "none"


def effective_colour(colour: str, meta: Mapping[str, Any]) -> str:
    """The colouring used: benchmark categories need limits, so without them quintiles are shown."""
    return "quintile" if colour == "category" and not has_limits(meta) else colour


def map_update(
    frame: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    colour: str = "category",
    palette: str = pal.FINGERTIPS,
    ci: str = "95",
    benchmark: str = "england",
    selected: Sequence[str] = (),
    all_areas: Sequence[str] | None = None,
    area_names: Mapping[str, str] | None = None,
    glyph_points: Mapping[str, tuple[float, float]] | None = None,
) -> dict[tuple, Any]:
    """Every map property that depends on the indicator and options, as ``{path: value}``.

    ``all_areas`` (the geography's full list of codes, e.g. the GeoJSON ids) makes the
    "No data" count include areas with no row at all, and puts one entry per area in that
    order, so ``locations`` and ``customdata`` (code, name from ``area_names``) stay the same
    for every indicator on a layer: see ``STATIC_PATHS``, which a Patch need not resend.
    """
    pal.check_palette(palette)
    colour = effective_colour(colour, meta)
    frame = frame.reset_index(drop=True)
    if all_areas is not None:
        frame = _one_row_per_area(frame, all_areas, area_names or {})
    polarity = meta.get("polarity", s.POLARITY_NONE)
    z, labels = _classes(frame, meta, colour, ci, benchmark)
    category = pal.clean_categories(pal.categories_of(frame, benchmark, ci))
    extra = None
    if colour == "quintile":
        # The class shown is the quintile: it replaces the category in the hover.
        extra = frame[s.QUINTILE].map(lambda q: f"{pal.quintile_name(q, polarity)} quintile")
        category = pd.Series(None, index=frame.index, dtype=object)
    hover_text, hover_detail, template = _compact_hover(
        frame, meta, ci=ci, benchmark=benchmark, palette=palette, category=category, extra=extra
    )
    codes = frame[s.AREA_CODE].astype(str).tolist()
    names = dict(zip(codes, frame[s.AREA_NAME].astype(str), strict=True))

    up: dict[tuple, Any] = {}
    main = ("data", MAIN)
    up[(*main, "locations")] = codes
    up[(*main, "z")] = [None if np.isnan(v) else (int(v) if float(v).is_integer() else float(v)) for v in z]
    up[(*main, "customdata")] = [[c, names[c]] for c in codes]
    up[(*main, "text")] = hover_text
    up[(*main, "hovertext")] = hover_detail
    up[(*main, "hovertemplate")] = template
    if colour == "category":
        colours = [pal.CATEGORY_COLOURS[palette][c] for c in s.CATEGORIES]
        up[(*main, "colorscale")] = pal.stepped_colorscale(colours)
        up[("data", GLYPHS, "marker", "colorscale")] = up[(*main, "colorscale")]
        up[(*main, "zmin")], up[(*main, "zmax")] = -0.5, len(colours) - 0.5
        up[(*main, "showscale")] = False
        up[(*main, "colorbar", "title", "text")] = ""
    elif colour == "quintile":
        up[(*main, "colorscale")] = pal.stepped_colorscale(pal.QUINTILE_COLOURS[palette])
        up[(*main, "zmin")], up[(*main, "zmax")] = 0.5, 5.5
        up[(*main, "showscale")] = False
        up[(*main, "colorbar", "title", "text")] = ""
    else:
        finite = z[~np.isnan(z)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        up[(*main, "colorscale")] = pal.value_colorscale(polarity)
        up[(*main, "zmin")], up[(*main, "zmax")] = lo, hi if hi > lo else lo + 1
        up[(*main, "showscale")] = True
        up[(*main, "colorbar", "title", "text")] = meta.get("unit") or ""

    chosen = [c for c in dict.fromkeys(selected) if c and (all_areas is None or c in set(all_areas))]
    up[("data", SELECTED, "locations")] = chosen
    up[("data", SELECTED, "z")] = [0] * len(chosen)
    up[("data", SELECTED, "customdata")] = [[c, names.get(c, c)] for c in chosen]

    present = set(np.asarray(codes)[~np.isnan(z)])
    universe = list(dict.fromkeys([*(all_areas or []), *codes]))
    no_data = sum(c not in present for c in universe)
    counts_cat = labels.value_counts() if colour == "category" else pd.Series(dtype=int)
    counts_q = labels.value_counts() if colour == "quintile" else pd.Series(dtype=int)
    for offset, (kind, key) in enumerate(LEGEND_KEYS):
        trace = ("data", LEGEND_START + offset)
        if kind == "category":
            n = int(counts_cat.get(key, 0))
            name, colour_ = pal.category_label(key, palette), pal.CATEGORY_COLOURS[palette][key]
        elif kind == "quintile":
            n = int(counts_q.get(float(key), 0))
            name, colour_ = pal.quintile_name(key, polarity), pal.QUINTILE_COLOURS[palette][key - 1]
        else:
            n, name, colour_ = no_data, pal.NO_DATA, pal.NO_DATA_COLOUR
        up[(*trace, "visible")] = n > 0
        if n > 0:
            # Hidden keys of another colouring keep their old name and colour: less to send.
            up[(*trace, "name")] = f"{name} ({n})"
            up[(*trace, "marker", "color")] = colour_
    up.update(_glyph_update(codes, z, colour, glyph_points or {}))

    mode_text = {"category": f"compared with {common.national_phrase(frame, benchmark)} ({ci}% CI)"}
    mode_text["quintile"] = "quintiles" + (
        " (no confidence intervals, so no significance comparison)" if not has_limits(meta) else ""
    )
    mode_text["value"] = "value"
    period = frame[s.PERIOD].dropna().astype(str).unique() if s.PERIOD in frame else []
    subtitle = ", ".join([*period[:1], mode_text[colour]])
    up[("layout", "title", "text")] = f"{common.indicator_title(meta)}<br><sup>{subtitle}</sup>"
    return up


def _glyph_update(
    codes: Sequence[str], z: np.ndarray, colour: str, points: Mapping[str, tuple[float, float]]
) -> dict[tuple, Any]:
    """The glyph trace: one marker per area at its label point, its category's shape and colour.

    Compact, because it is resent with every indicator: symbols as plotly's symbol numbers, colours
    as the category index on the main trace's colour scale, areas without a glyph (no value, not
    compared) at size 0. Hidden (and left as it was) when the map is not coloured by category.
    """
    glyphs = ("data", GLYPHS)
    up: dict[tuple, Any] = {
        (*glyphs, "lon"): [points.get(c, (None, None))[0] for c in codes],
        (*glyphs, "lat"): [points.get(c, (None, None))[1] for c in codes],
        (*glyphs, "visible"): colour == "category",
    }
    if colour != "category":
        return up
    classes = [None if np.isnan(v) else s.CATEGORIES[int(v)] for v in z]
    up[(*glyphs, "marker", "symbol")] = [SYMBOL_NUMBERS[GLYPH_SYMBOLS.get(c, "circle")] for c in classes]
    up[(*glyphs, "marker", "size")] = [
        GLYPH_SIZES.get(c, GLYPH_SIZE) if c in GLYPH_SYMBOLS else 0 for c in classes
    ]
    up[(*glyphs, "marker", "color")] = [0 if c is None else s.CATEGORIES.index(c) for c in classes]
    return up


# Paths whose value depends only on the layer when ``all_areas`` is given (not on the indicator).
STATIC_PATHS = {
    ("data", MAIN, "locations"),
    ("data", MAIN, "customdata"),
    ("data", GLYPHS, "lon"),
    ("data", GLYPHS, "lat"),
}


def _one_row_per_area(
    frame: pd.DataFrame, all_areas: Sequence[str], names: Mapping[str, str]
) -> pd.DataFrame:
    """The frame reindexed to exactly ``all_areas`` (in order); areas without a row get NaN values."""
    codes = [str(c) for c in all_areas]
    keyed = frame.assign(**{s.AREA_CODE: frame[s.AREA_CODE].astype(str)}).drop_duplicates(s.AREA_CODE)
    out = keyed.set_index(s.AREA_CODE).reindex(codes).reset_index()
    known = dict(zip(keyed[s.AREA_CODE], keyed[s.AREA_NAME].astype(str), strict=True))
    out[s.AREA_NAME] = [names.get(c) or known.get(c) or c for c in codes]
    return out


def _compact_hover(
    frame: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    ci: str,
    benchmark: str,
    palette: str,
    category: pd.Series,
    extra: pd.Series | None,
) -> tuple[list[str], list[str], str]:
    """Per-area hover pieces and the template that labels them.

    ``text`` holds the value and CI, ``hovertext`` the count / denominator and the category;
    the labels ("95% CI", "count / denominator", the benchmark) live once in the template.
    Short, because they are resent on every indicator change.
    """
    lower_col, upper_col = pal.ci_columns(ci)
    unit = meta.get("unit")
    has_ci = bool((frame[lower_col].notna() & frame[upper_col].notna()).any())
    has_count = bool(frame[s.COUNT].notna().any())
    texts, details = [], []
    for i, (value, lo, hi, count, den) in enumerate(
        zip(
            frame[s.VALUE],
            frame[lower_col],
            frame[upper_col],
            frame[s.COUNT],
            frame[s.DENOMINATOR],
            strict=True,
        )
    ):
        if common.is_missing(value):
            texts.append("no data")
            details.append("")
            continue
        # The unit (other than %) is written once, in the template.
        text = common.format_value(value, "%" if unit == "%" else None)
        if not (common.is_missing(lo) or common.is_missing(hi)):
            # ASCII only: JSON escapes an en dash as six bytes, resent for every area.
            text += f" ({common.format_number(lo)} to {common.format_number(hi)})"
        parts = []
        if not common.is_missing(count):
            parts.append(
                common.format_count(count)
                + ("" if common.is_missing(den) else f" / {common.format_count(den)}")
            )
        cat = category.iloc[i]
        if isinstance(cat, str) and cat in s.CATEGORIES:
            parts.append(pal.category_label(cat, palette))
        if extra is not None and isinstance(extra.iloc[i], str) and extra.iloc[i]:
            parts.append(extra.iloc[i])
        texts.append(text)
        details.append("; ".join(parts))
    labels = []
    if has_count:
        labels.append("count / denominator")
    labels.append(f"compared with {common.national_phrase(frame, benchmark)} ({ci}% CI)")
    template = (
        "<b>%{customdata[1]}</b><br>%{text}"
        + (f" {unit}" if unit and unit != "%" else "")
        + (f" <span style='font-size:0.8em'>{ci}% CI</span>" if has_ci else "")
        + "<br>%{hovertext}"
        + f"<br><span style='font-size:0.8em'>{' · '.join(labels)}</span><extra></extra>"
    )
    return texts, details, template


def apply_update(target: Any, update: Mapping[tuple, Any]) -> Any:
    """Write a ``map_update`` result into a ``go.Figure`` or a Dash ``Patch`` (same paths)."""
    for path, value in update.items():
        node = target
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return target


def _add_choropleth(fig: go.Figure, geojson: Mapping[str, Any], name: str, **kwargs: Any) -> None:
    """Add a choropleth trace drawing ``geojson``.

    The GeoJSON is set on the trace once it is in the figure: given to the constructor, plotly.py
    deep-copies it (and again in ``add_trace``), about 0.3 s a layer; set afterwards it is kept
    by reference.
    """
    fig.add_trace(
        go.Choropleth(featureidkey="id", locationmode="geojson-id", name=name, showlegend=False, **kwargs)
    )
    fig.data[-1].geojson = geojson


def _glyph_trace() -> go.Scattergeo:
    """The category glyphs on the areas (positions, shapes and colours set by map_update)."""
    return go.Scattergeo(
        lon=[],
        lat=[],
        mode="markers",
        marker=dict(
            size=GLYPH_SIZE,
            cmin=-0.5,
            cmax=len(s.CATEGORIES) - 0.5,
            colorscale=TRANSPARENT,
            showscale=False,
            line=dict(color=GLYPH_LINE, width=1),
        ),
        hoverinfo="skip",
        showlegend=False,
        name="Category glyphs",
    )


def _legend_key(kind: str, key: Any) -> go.Scattergeo:
    """A legend entry: a category's glyph in its colour, or a square swatch (quintile, No data)."""
    glyph = GLYPH_SYMBOLS.get(key) if kind == "category" else None
    return go.Scattergeo(
        lon=[None],
        lat=[None],
        mode="markers",
        marker=dict(
            size=GLYPH_SIZE if glyph else 12,
            symbol=glyph or "square",
            color=pal.NO_DATA_COLOUR,
            line=dict(color=GLYPH_LINE, width=1) if glyph else dict(color=pal.NO_DATA_LINE, width=0.5),
        ),
        hoverinfo="skip",
        showlegend=True,
        legendgroup=kind,
        name=str(key),
    )


def choropleth(
    frame: pd.DataFrame,
    geojson: dict,
    meta: Mapping[str, Any],
    *,
    colour: str = "category",
    palette: str = pal.FINGERTIPS,
    ci: str = "95",
    benchmark: str = "england",
    selected: Sequence[str] = (),
    region_outlines: dict | None = None,
    cartogram: bool = False,
    view: Mapping[str, Any] | None = None,
) -> go.Figure:
    """Map of one indicator/period/sex: areas coloured by category, quintile or value.

    ``geojson`` features carry the area code as ``id`` (lon/lat). With ``cartogram=True`` the
    GeoJSON is a cartogram (also lon/lat), so region outlines, which would not line up, are hidden.
    ``view`` (``map_view`` / ``focus_view``) replaces the default view, plotly's fit of the whole layer.
    """
    ids = _feature_ids(geojson)
    unmatched = sorted(set(frame[s.AREA_CODE].astype(str)) - set(ids))
    if unmatched:
        log.warning("%d areas have no boundary and are not drawn: %s", len(unmatched), unmatched[:5])
    fig = go.Figure()
    _add_choropleth(
        fig,
        geojson,
        "No data",
        locations=ids,
        z=[0] * len(ids),
        colorscale=[[0, pal.NO_DATA_COLOUR], [1, pal.NO_DATA_COLOUR]],
        showscale=False,
        customdata=[[i, i] for i in ids],
        hovertemplate="%{location}: no data<extra></extra>",
        marker=dict(line=dict(color=pal.NO_DATA_LINE, width=0.5)),
    )
    _add_choropleth(
        fig,
        geojson,
        "Indicator",
        locations=[],
        z=[],
        hovertemplate="<b>%{customdata[1]}</b><br>%{hovertext}<extra></extra>",  # set by map_update
        marker=dict(line=dict(color="#FFFFFF", width=0.6)),
        colorbar=dict(thickness=12, len=0.5, x=0.98, xanchor="right", y=0.5),
    )
    outlines = region_outlines if (region_outlines and not cartogram) else {"type": "FeatureCollection"}
    region_ids = _feature_ids(outlines) if outlines.get("features") else []
    _add_choropleth(
        fig,
        outlines if region_ids else geojson,
        "Regions",
        locations=region_ids,
        z=[0] * len(region_ids),
        colorscale=TRANSPARENT,
        showscale=False,
        hoverinfo="skip",
        marker=dict(line=dict(color="#404040", width=1.6)),
    )
    # Only the selected areas' shapes: a figure that embeds its GeoJSON (an export) carries and
    # draws them once more, not the whole layer a third time. The app swaps every trace's GeoJSON
    # for the layer's URL (views.map.with_geojson_urls), so a Patch can select any area.
    chosen = set(selected)
    selected_shapes = {
        "type": "FeatureCollection",
        "features": [f for f in geojson.get("features", []) if str(f.get("id")) in chosen],
    }
    _add_choropleth(
        fig,
        selected_shapes,
        "Selected",
        locations=[],
        z=[],
        colorscale=TRANSPARENT,
        showscale=False,
        hoverinfo="skip",
        marker=dict(line=dict(color=pal.OUTLINE_COLOUR, width=3.5)),
    )
    fig.add_trace(_glyph_trace())
    for kind, key in LEGEND_KEYS:
        fig.add_trace(_legend_key(kind, key))
    geo = dict(
        visible=False,  # no base map: only our boundaries are drawn (and nothing is fetched)
        projection=dict(type="mercator"),
        fitbounds="locations",
        bgcolor="rgba(0,0,0,0)",
        uirevision=MAP_UIREVISION,
    )
    for key in VIEW_KEYS:  # a view given (a focus area) turns fitbounds off for it
        if view and key in view and view[key] is not FIT_VIEW[key]:
            geo.setdefault(key, {}).update(view[key])  # merged: the projection keeps its type
    fig.update_layout(
        **common.base_layout("", uirevision=MAP_UIREVISION),
        geo=geo,
        dragmode="pan",
        legend=dict(x=0.01, y=0.99, xanchor="left", yanchor="top", bgcolor="rgba(255,255,255,0.85)"),
        showlegend=True,
    )
    update = map_update(
        frame,
        meta,
        colour=colour,
        palette=palette,
        ci=ci,
        benchmark=benchmark,
        selected=selected,
        all_areas=ids,
        area_names={
            str(f.get("id")): str((f.get("properties") or {})["area_name"])
            for f in geojson.get("features", [])
            if (f.get("properties") or {}).get("area_name")
        },
        glyph_points=label_points(geojson),
    )
    return apply_update(fig, update)


def embedded_for_export(fig: go.Figure) -> go.Figure:
    """The map with as little GeoJSON embedded as draws the same picture, for a static export.

    The app draws the no-data underlay under every area (a later indicator may lack any of
    them); a picture of one indicator needs it only under the areas without a value. Kaleido
    then receives, parses and projects the layer's shapes about once instead of twice.
    """
    main = fig.data[MAIN]
    have = {loc for loc, z in zip(main.locations or [], main.z or [], strict=True) if z is not None}
    underlay = fig.data[UNDERLAY]
    missing = [loc for loc in underlay.locations if loc not in have]
    features = (underlay.geojson or {}).get("features", []) if isinstance(underlay.geojson, dict) else None
    if features is None:  # boundaries by URL (the app's figure): nothing to trim
        return fig
    keep = set(missing)
    underlay.geojson = {
        "type": "FeatureCollection",
        "features": [f for f in features if str(f.get("id")) in keep],
    }
    underlay.locations = missing
    underlay.z = [0] * len(missing)
    underlay.customdata = [[c, c] for c in missing]
    return fig


def selected_values(
    frame: pd.DataFrame,
    meta: Mapping[str, Any],
    selected: Sequence[str],
    *,
    ci: str = "95",
    benchmark: str = "england",
    england_value: float | None = None,
    area_names: Mapping[str, str] | None = None,
    versus: str | None = None,
) -> list[tuple[str, str]]:
    """(name, text) for each selected area and then the benchmark: the values beside the map in words.

    'NHS Kernow CCG', '62.1% (95% CI 60.0–64.2); ▼ worse than NHS Kernow CCG's 10 similar CCGs'; the
    last pair names what the areas were compared with and its value ('Benchmark: NHS Kernow CCG's
    10 similar CCGs', '62.6% (pooled)') when the rows were compared with one comparator
    (``data.queries.comparator``; ``versus`` its headline), else England's value.
    """
    unit = meta.get("unit")
    lower_col, upper_col = pal.ci_columns(ci)
    compared = pal.is_compared(frame)
    cat_col = "category" if compared else pal.category_column(benchmark, ci)
    rows = frame.drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)
    names = dict(area_names or {})
    out = []
    benchmarks: dict[str, str] = {}
    for code in dict.fromkeys(selected):
        name = names.get(code) or (str(rows.at[code, s.AREA_NAME]) if code in rows.index else code)
        if code not in rows.index or common.is_missing(rows.at[code, s.VALUE]):
            out.append((name, "no value for this period"))
            continue
        rec = rows.loc[code]
        text = common.format_value(rec[s.VALUE], unit)
        ci_text = common.format_ci(rec.get(lower_col), rec.get(upper_col), ci)
        if ci_text:
            text += f" ({ci_text})"
        category = rec.get(cat_col)
        against = str(rec["comparator_label"]) if compared else common.national_phrase(frame, benchmark)
        if isinstance(category, str) and category in (s.BETTER, s.WORSE, s.SIMILAR, s.HIGHER, s.LOWER):
            text += f"; {pal.CATEGORY_GLYPHS[category]} {category.lower()} than {against}"
            text = text.replace("similar than", "similar to")
        elif compared and rec.get("not_compared_why"):
            text += f"; not compared ({rec['not_compared_why']})"
        if compared and rec.get("in_scope", True) and not common.is_missing(rec.get("comparator_value")):
            how = str(rec.get("comparator_method") or "")
            shown = common.format_value(float(rec["comparator_value"]), unit)
            if how in ("pooled", "mean of their values"):
                shown += f" ({how})"
            benchmarks.setdefault(str(rec["comparator_label"]), shown)
        out.append((name, text))
    if compared and benchmarks:
        for label, shown in benchmarks.items():
            out.append((f"Benchmark: {label}", shown))
    elif compared and versus:
        out.append(("Benchmark", versus))
    elif england_value is not None and not common.is_missing(england_value):
        out.append((common.national_phrase(frame, "england"), common.format_value(england_value, unit)))
    return out

"""Spine chart (area profile): one row per indicator, England at the centre, worst left, best right.

Scaling is ``data.methods.analysis.spine_scale`` (PHE Technical Guide: Spine Charts, 2017). Rows are
grouped under domain headings; each area is a marker (own symbol) coloured by its category.
A text column at the right repeats each area's category as a glyph (colour is never the only
cue) and says where an area has no data. Labels wrap at a fixed width and the legend sits in
a top margin sized for it, so six areas at 1366 px still leave the plot most of the width.
``spine_table`` gives the numbers shown beside the chart.
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.methods.analysis import spine_scale
from data.model import schema as s
from figures import common
from figures import palette as pal

BAND_LIGHT = "#D6D6D6"
BAND_DARK = "#9E9E9E"
MAX_AREAS = len(pal.AREA_SYMBOLS)
LABEL_CHARS = 40  # indicator labels wrap at this width (as many lines as they need: never cut)
HEADING_CHARS = 44
LINE_PX = 16  # one line of 12 px label text
ROW_PAD_PX = 10
AXIS_LABEL_PX = 22  # the top x axis: Worst / England / Best and the column heading, above the plot
# Text stand-ins for the marker symbols of pal.AREA_SYMBOLS (same order).
AREA_GLYPHS = ["○", "◇", "□", "△", "☆", "✚"]
NO_DATA_GLYPH = "–"
# Category glyphs of the right-hand column ("not compared" gets a dot: its usual ring reads as an area).
STATUS_GLYPHS = {**pal.CATEGORY_GLYPHS, s.NOT_COMPARED: "·"}
STATUS_KEY = "▲ better, ● similar, ▼ worse, △ higher, ▽ lower, · not compared, – no data"
# Layout of the top margin: title + subtitle, then the legend rows.
TITLE_PX = 62  # title and one subtitle line; each further subtitle line adds SUBTITLE_LINE_PX
SUBTITLE_LINE_PX = 14
LEGEND_ROW_PX = 24
LEGEND_ASSUMED_WIDTH_PX = 900  # legend rows are counted for a graph this wide (narrower than 1366 px)
LEGEND_CHAR_PX = 7.2
LEGEND_ITEM_PAD_PX = 48

HOVER_EXTRAS = (s.PERIOD, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998, s.COUNT, s.DENOMINATOR)
HOVER_COLUMNS = (s.VALUE, *HOVER_EXTRAS, "comparator_value", "comparator_label", "not_compared_why")
SCALE_COLUMNS = ("england_value", "min", "q25", "q75", "max", "polarity")  # spine_scale's arguments
BANDS = (
    ("worst", "q_worse", BAND_LIGHT, "Worst to 25th percentile"),
    ("q_worse", "q_better", BAND_DARK, "25th to 75th percentile"),
    ("q_better", "best", BAND_LIGHT, "75th percentile to best"),
)
CATEGORY_SET = frozenset(s.CATEGORIES)
FIGURE_COLUMNS = (
    *SCALE_COLUMNS,
    *HOVER_COLUMNS,
    "indicator_id",
    "short_name",
    "domain",
    "unit",
    "category",
    s.AREA_CODE,
)  # what the chart reads of the spine rows (and the comparator's columns, where compared)
OUTCOME_DOMAINS = [d for d in s.DOMAINS if d != "context"]  # the domains is_outcome accepts


def _column(rows: pd.DataFrame, name: str) -> list:
    """A column as a list of Python values (None for every row when the column is absent)."""
    return rows[name].tolist() if name in rows else [None] * len(rows)


@functools.lru_cache(maxsize=4096)  # a pure function of its arguments; labels repeat every request
def _wrap(text: str, width: int) -> tuple[str, ...]:
    """``text`` wrapped to ``width`` characters, on as many lines as it needs (never cut, and
    never broken inside a word)."""
    return tuple(textwrap.wrap(text.strip(), width, break_long_words=False, break_on_hyphens=False) or [""])


def short_area_name(name: str) -> str:
    """'NHS Kernow CCG' -> 'Kernow' (for tight spaces; full names stay in the legend and hover)."""
    text = name.strip()
    if text.startswith("NHS "):
        text = text[4:]
    for suffix in (" CCG", " ICB"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text or name


def is_outcome(domain: object) -> bool:
    """True for the outcome domains 1-5; everything else (context, unknown) is context."""
    return str(domain) in s.DOMAINS and str(domain) != "context"


def split_outcomes(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The spine rows of outcome indicators (domains 1-5) and of context indicators."""
    if not len(rows):
        return rows.reset_index(drop=True), rows.reset_index(drop=True)
    outcome = rows["domain"].astype(str).isin(OUTCOME_DOMAINS).to_numpy(dtype=bool)  # as is_outcome
    return rows[outcome].reset_index(drop=True), rows[~outcome].reset_index(drop=True)


def _hover(
    name: str, label: str, rec: Mapping[str, object], cat: str, palette: str, ci: str, versus: str
) -> str:
    """One marker's hover: area, indicator, value (unit) with CI, count/denominator, the spine's
    centre, and the comparison with the view's comparator (its name and value)."""
    lower_col, upper_col = pal.ci_columns(ci)
    unit = rec.get("unit")
    value = common.format_value(rec[s.VALUE], unit)
    ci_text = common.format_ci(rec.get(lower_col), rec.get(upper_col), ci)
    lines = [f"<b>{name}</b>", f"{label} {rec.get(s.PERIOD) or ''}".strip()]
    lines.append(value + (f" ({ci_text})" if ci_text else ""))
    if not common.is_missing(rec.get(s.COUNT)):
        count = f"Count {common.format_count(rec[s.COUNT])}"
        if not common.is_missing(rec.get(s.DENOMINATOR)):
            count += f" / {common.format_count(rec[s.DENOMINATOR])}"
        lines.append(count)
    lines.append(f"Centre of the spine {common.format_value(rec['england_value'], unit)}")
    against = str(rec.get("comparator_label") or versus)
    bench = rec.get("comparator_value")
    shown = f" ({common.format_value(bench, unit)})" if not common.is_missing(bench) else ""
    if cat == s.NOT_COMPARED and rec.get("not_compared_why"):
        lines.append(f"Not compared: {rec['not_compared_why']}")
    else:
        lines.append(f"Compared with {against}{shown}: {pal.category_label(cat, palette)}")
    return "<br>".join(lines)


def _indicator_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator with its scale positions, ordered by domain then input order."""
    ind = rows.drop_duplicates("indicator_id").copy()
    ind["_order"] = np.arange(len(ind))
    domain_keys = list(s.DOMAINS)
    ind["_domain_rank"] = (
        ind["domain"]
        .astype(str)
        .map(lambda d: domain_keys.index(d) if d in domain_keys else len(domain_keys))
    )
    ind = ind.sort_values(["_domain_rank", "_order"], kind="stable").reset_index(drop=True)
    pos = spine_scale(ind["england_value"], ind["min"], ind["q25"], ind["q75"], ind["max"], ind["polarity"])
    return pd.concat([ind, pos.drop(columns="value")], axis=1)


def _y_labels(ind: pd.DataFrame) -> tuple[list[str], list[str], dict[str, str]]:
    """Category keys for the y axis (domain headings interleaved), their display text (wrapped)
    and indicator -> key. Keys are unique; the text is what people read."""
    order: list[str] = []
    text: list[str] = []
    key_of: dict[str, str] = {}
    for _domain, group in ind.groupby("_domain_rank", sort=True):
        domain = str(group["domain"].iloc[0])
        heading = s.DOMAINS.get(domain, domain)
        order.append(f"§{domain}")
        text.append("<b>" + "<br>".join(_wrap(heading, HEADING_CHARS)) + "</b>")
        for rec in group.itertuples(index=False):
            key = f"{rec.indicator_id}"
            key_of[rec.indicator_id] = key
            order.append(key)
            text.append("<br>".join(_wrap(str(rec.short_name), LABEL_CHARS)))
    return order, text, key_of


def _legend_rows(names: Sequence[str]) -> int:
    """Rows a horizontal legend of these entries takes in a graph ``LEGEND_ASSUMED_WIDTH_PX`` wide."""
    rows, used = 1, 0.0
    for name in names:
        width = LEGEND_ITEM_PAD_PX + LEGEND_CHAR_PX * len(name)
        if used and used + width > LEGEND_ASSUMED_WIDTH_PX:
            rows, used = rows + 1, 0.0
        used += width
    return rows


def _status_text(
    cats_by_area: Sequence[Mapping[str, str]], order_keys: list[str], n_areas: int
) -> dict[str, str]:
    """Per indicator row, the right-hand text: the category in words (one area) or, per area,
    its symbol and category glyph ("○▼ ◇●"), with a dash where the area has no value."""
    out: dict[str, str] = {}
    for key in order_keys:
        parts = []
        for i, cats in enumerate(cats_by_area):
            cat = cats.get(key)
            if n_areas == 1:
                parts.append("no data" if cat is None else str(cat))
            else:
                glyph = NO_DATA_GLYPH if cat is None else STATUS_GLYPHS.get(cat, "·")
                parts.append(f"{AREA_GLYPHS[i]}{glyph}")
        out[key] = "\u2002".join(parts)  # en spaces: SVG would collapse plain ones
    return out


def profile_title(prefix: str, areas: Sequence[str], area_names: Mapping[str, str]) -> str:
    """'Area profile: NHS Kernow CCG and 5 other areas' (the legend names them all)."""
    if not areas:
        return f"{prefix}: choose an area"
    others = len(areas) - 1
    tail = f" and {others} other area{'s' if others > 1 else ''}" if others else ""
    return f"{prefix}: {area_names.get(areas[0], areas[0])}{tail}"


def _ordered_indicators(rows: pd.DataFrame) -> tuple[list[int], list[int]]:
    """Row positions of each indicator's first row, ordered by domain then input order (as
    ``_indicator_rows``), and their domain ranks."""
    first: dict[object, int] = {}
    for i, key in enumerate(rows["indicator_id"].tolist()):
        first.setdefault(key, i)
    domains = rows["domain"].tolist()
    rank = {d: i for i, d in enumerate(s.DOMAINS)}
    ranks = {i: rank.get(str(domains[i]), len(rank)) for i in first.values()}
    order = sorted(first.values(), key=ranks.__getitem__)  # stable: input order within a domain
    return order, [ranks[i] for i in order]


def _labels(ids: list, names: list, domains: list, ranks: list[int]) -> tuple[list[str], list[str]]:
    """Category keys for the y axis (domain headings interleaved) and their display text
    (wrapped): the plain-list form of ``_y_labels``."""
    order: list[str] = []
    text: list[str] = []
    last = None
    for ind_id, name, domain, rank in zip(ids, names, domains, ranks, strict=True):
        if rank != last:
            last = rank
            heading = s.DOMAINS.get(str(domain), str(domain))
            order.append(f"§{domain}")
            text.append("<b>" + "<br>".join(_wrap(heading, HEADING_CHARS)) + "</b>")
        order.append(f"{ind_id}")
        text.append("<br>".join(_wrap(str(name), LABEL_CHARS)))
    return order, text


def spine_figure_dict(
    rows: pd.DataFrame,
    *,
    areas: Sequence[str],
    area_names: Mapping[str, str],
    palette: str = pal.FINGERTIPS,
    ci: str = "95",
    benchmark: str = "england",
    title: str | None = None,
    screen: bool = False,
    versus: str | None = None,
) -> dict:
    """Spine chart of several indicators for up to six areas, as a plain figure dict.

    ``rows``: one row per indicator and area with indicator_id, short_name, domain, polarity,
    unit, england_value, min, q25, q75, max, area_code, value, category (and, for the hover,
    period, CI limits, count, denominator when present). ``title`` replaces "Area profile".
    ``screen=True`` (the app's page) adds the right-hand text column of categories and labels
    Worst / England / Best on a top axis; exports, which page and resize the chart, carry instead
    a column of each area's value (its category glyph beside it) and the comparator's value. Rows
    compared with a view's one comparator (``data.queries.comparator.compare_spine``) say in the
    hover what they were compared with and its value; ``versus`` names it in the subtitle.
    The legend keys the category colours. ``spine_chart`` is the same as a ``go.Figure``.
    """
    versus = versus or common.peers_phrase(rows, benchmark)  # "similar ICBs" for ICB rows
    pal.check_palette(palette)
    colours = pal.CATEGORY_COLOURS[palette]
    areas = list(dict.fromkeys(areas))[:MAX_AREAS]
    col = {c: _column(rows, c) for c in dict.fromkeys((*FIGURE_COLUMNS, *HOVER_COLUMNS)) if c in rows}
    order_pos, ranks = _ordered_indicators(rows)
    ind = {
        c: [col[c][i] for i in order_pos]
        for c in (*SCALE_COLUMNS, "unit", "indicator_id", "short_name", "domain")
    }
    keys = [f"{i}" for i in ind["indicator_id"]]
    order, order_text = _labels(ind["indicator_id"], ind["short_name"], ind["domain"], ranks)

    # each area's row per indicator (in the indicators' order): markers where it has a value
    row_of: dict[tuple, int] = {}
    for r, key in enumerate(zip(col[s.AREA_CODE], col["indicator_id"], strict=True)):
        row_of.setdefault(key, r)
    picks: list[list[tuple[int, int]]] = []
    for code in areas:
        found = ((j, row_of.get((code, ind_id))) for j, ind_id in enumerate(ind["indicator_id"]))
        picks.append([(j, r) for j, r in found if r is not None and not common.is_missing(col[s.VALUE][r])])
    # one scaling for the bands (the indicators) and every marker (PHE spine chart scale)
    at = list(range(len(keys))) + [j for picked in picks for j, _ in picked]
    values = [math.nan] * len(keys) + [col[s.VALUE][r] for picked in picks for _, r in picked]
    pos = spine_scale(*([c[j] for j in at] for c in (ind[c] for c in SCALE_COLUMNS)), values)
    bands = {k: pos[k].to_numpy()[: len(keys)] for k in ("worst", "q_worse", "q_better", "best")}
    marker_x = np.clip(pos["value"].to_numpy()[len(keys) :], -0.02, 1.02).tolist()
    data: list[dict] = []
    for start, end, colour, name in BANDS:
        data.append(
            {
                "type": "bar",
                "base": bands[start].tolist(),
                "x": (bands[end] - bands[start]).tolist(),
                "y": keys,
                "orientation": "h",
                "marker": {"color": colour, "line": {"width": 0}},
                "name": name,
                "showlegend": start == "q_worse",
                "hoverinfo": "skip",
                "width": 0.6,
            }
        )

    cats_by_area: list[dict[str, str]] = []
    done = 0
    for i, (code, picked) in enumerate(zip(areas, picks, strict=True)):
        js = [j for j, _ in picked]
        x, done = marker_x[done : done + len(js)], done + len(js)
        cats = [cat if (cat := col["category"][r]) in CATEGORY_SET else s.NOT_COMPARED for _, r in picked]
        cats_by_area.append(dict(zip((keys[j] for j in js), cats, strict=True)))
        name = area_names.get(code, code)
        hover = []
        for (j, r), cat in zip(picked, cats, strict=True):
            rec = {c: col[c][r] for c in HOVER_COLUMNS if c in col}
            rec.update(unit=ind["unit"][j], england_value=ind["england_value"][j])
            hover.append(_hover(name, str(ind["short_name"][j]).strip(), rec, cat, palette, ci, versus))
        symbol = pal.AREA_SYMBOLS[i]
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": [keys[j] for j in js],
                "mode": "markers",
                "name": name,
                "showlegend": False,
                "legendgroup": code,
                "marker": {
                    "symbol": symbol,
                    "size": 13,
                    "color": [colours[c] for c in cats],
                    "line": {"color": "#1A1A1A", "width": 1.2},
                },
                "customdata": [[code, ind["indicator_id"][j]] for j in js],
                "hovertext": hover,
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
        # a neutral legend key so the symbol, not a category colour, identifies the area
        data.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "markers",
                "name": name,
                "legendgroup": code,
                "showlegend": True,
                "marker": {
                    "symbol": symbol,
                    "size": 12,
                    "color": "#FFFFFF",
                    "line": {"color": "#1A1A1A", "width": 1.5},
                },
                "hoverinfo": "skip",
            }
        )

    # The right-hand text column: the category as text, and where an area has no value.
    status_x = 1.08
    span = 0.42 if len(areas) > 3 else 0.34 if len(areas) > 1 else 0.26
    if screen and areas and keys:
        status = _status_text(cats_by_area, keys, len(areas))
        data.append(_text_column(status_x, status, "#333333", "Compared with " + versus))
    export_columns = not screen and areas and keys
    if export_columns:
        data += _value_columns(col, areas, picks, cats_by_area, keys, ind, status_x)
    data += _category_keys(cats_by_area, colours)

    max_lines = max((t.count("<br>") + 1 for t in order_text), default=1)
    row_px = max(26, LINE_PX * max_lines + ROW_PAD_PX)
    legend_names = [
        "25th to 75th percentile",
        *(area_names.get(a, a) for a in areas),
        *(t["name"] for t in data if t.get("meta") == "category key"),
    ]
    title_px = TITLE_PX + (SUBTITLE_LINE_PX if screen and len(areas) > 1 else 0)
    top = title_px + LEGEND_ROW_PX * _legend_rows(legend_names) + 12 + AXIS_LABEL_PX
    height = max(320, row_px * len(order) + top + 30)
    if title is None:
        title = profile_title("Area profile", areas, area_names)
    subtitle = (
        "England at the centre line; worst on the left, best on the right; marker colour compares with "
        f"{versus} ({ci}% CI)"
    )
    if screen and len(areas) > 1:
        subtitle += f"<br>Right-hand column, each area's symbol then its category: {STATUS_KEY}"
    layout = dict(
        common.plain_layout(title, uirevision="spine", subtitle=subtitle),
        margin={"l": 10, "r": 10, "t": top, "b": 20},
        barmode="overlay",
        height=height,
        legend={
            "orientation": "h",
            "yref": "container",
            "yanchor": "top",
            "y": 1 - (title_px - 4) / height,
            "xref": "container",
            "x": 0,
            "xanchor": "left",
            "font": {"size": 12},
        },
        # Worst / England / Best as the top axis's labels on screen: always just above the plot.
        xaxis={
            "range": [-0.03, status_x + span]
            if screen
            else [-0.03, status_x + EXPORT_SPAN]
            if export_columns
            else [-0.03, 1.03],
            "side": "top",
            "tickvals": ([0, 0.5, 1] + ([status_x + span / 2] if areas else [])) if screen else [],
            "ticktext": (
                ["◀ Worst", "<b>England</b>", "Best ▶"]
                + (["Compared with " + _short_versus(versus)] if areas else [])
            )
            if screen
            else [],
            "showticklabels": screen,
            "ticks": "",
            "tickfont": {"size": 12},
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        },
        yaxis={
            "type": "category",  # keys are indicator ids: never let a numeric-looking id make it linear
            "categoryorder": "array",
            "categoryarray": order,
            "tickvals": order,
            "ticktext": order_text,
            "tickfont": {"size": 12},
            # explicit reversed range: autorange would trim heading rows that hold no trace
            "range": [len(order) - 0.5, -0.5],
            "automargin": True,
            "showgrid": False,
            "fixedrange": True,
        },
        # the England centre line (what fig.add_vline draws)
        shapes=[
            {
                "type": "line",
                "x0": 0.5,
                "x1": 0.5,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "y domain",
                "line": {"color": pal.ENGLAND_COLOUR, "width": 2},
            }
        ],
    )
    if not screen:
        layout["annotations"] = [
            {
                "x": x,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                # Worst starts at the plot's left edge and Best ends at its right (centred there, they
                # reach over the label column, onto a wrapped domain heading)
                "xanchor": anchor,
                "text": text,
                "showarrow": False,
                "font": {"size": 11},
            }
            for x, text, anchor in ((0, "Worst", "left"), (0.5, "England", "center"), (1, "Best", "right"))
        ]
        if export_columns:
            layout["annotations"] += [
                {
                    "x": x,
                    "y": 1,
                    "xref": "x",
                    "yref": "paper",
                    "yanchor": "bottom",
                    "xanchor": "left",
                    "text": f"<b>{text}</b>",
                    "showarrow": False,
                    "font": {"size": 11},
                }
                for x, text in ((status_x, f"Value vs {_column_versus(versus)}"),)
            ]
    return {"data": data, "layout": layout}


EXPORT_SPAN = 0.5  # the value column's room right of the spine (x units; decorate widens it to fit)


def _short_versus(versus: str) -> str:
    """The comparator in a column heading: 'NHS Kernow CCG's similar CCGs' stays; a long England
    phrase is cut to its first words at a bracket."""
    return versus.split(" (")[0]


def _column_versus(versus: str) -> str:
    """The comparator in the exported value column's heading, short enough for the column: a peer
    group is "peers" (named in full in the subtitle and the legend), else ``_short_versus``."""
    return "peers" if "similar" in versus else _short_versus(versus)


def _value_columns(
    col: Mapping[str, list],
    areas: Sequence[str],
    picks: list[list[tuple[int, int]]],
    cats_by_area: list[dict[str, str]],
    keys: list[str],
    ind: Mapping[str, list],
    at: float,
) -> list[dict]:
    """The export's right-hand column: each area's value with its category glyph (several areas:
    each area's symbol first), then "vs" the comparator's value, the unit written once at the end
    ("132.8 ● vs 140.6 per 100,000", "52.2% ▼ vs 47.0%"), so a printed page carries the numbers."""
    values: dict[str, list[str]] = {k: [] for k in keys}
    units = {keys[j]: ind["unit"][j] for j in range(len(keys))}
    bare = {k: None if u in ("%", "£") else u for k, u in units.items()}  # a suffix unit goes at the end
    for i, picked in enumerate(picks):
        for j, r in picked:
            key = keys[j]
            cat = cats_by_area[i].get(key, s.NOT_COMPARED)
            text = f"{common.format_value(col[s.VALUE][r], units[key] if bare[key] is None else None)}"
            text += f" {STATUS_GLYPHS.get(cat, '·')}"
            values[key].append(text if len(areas) == 1 else f"{AREA_GLYPHS[i]} {text}")
    first: dict[str, int] = {}
    for r, (code, ind_id) in enumerate(zip(col[s.AREA_CODE], col["indicator_id"], strict=True)):
        if code == areas[0]:
            first.setdefault(f"{ind_id}", r)
    texts: dict[str, str] = {}
    for key in keys:
        r = first.get(key)
        bench = col["comparator_value"][r] if r is not None and "comparator_value" in col else None
        unit = f" {bare[key]}" if values[key] and bare[key] and bare[key] not in ("count", "value") else ""
        shown = "\u2002".join(values[key]) or NO_DATA_GLYPH
        if not common.is_missing(bench):
            shown += f" vs {common.format_value(bench, units[key] if bare[key] is None else None)}{unit}"
        elif unit and len(values[key]) == 1:  # no benchmark: the unit straight after the value
            number, glyph = shown.rsplit(" ", 1)
            shown = f"{number}{unit} {glyph}"
        else:
            shown += unit
        texts[key] = shown
    return [_text_column(at, texts, "#222222", "Value vs benchmark")]


def _text_column(x: float, texts: Mapping[str, str], colour: str, name: str) -> dict:
    """A column of text beside the spine: one line per row key (``texts``: key -> text) at ``x``."""
    return {
        "type": "scatter",
        "x": [x] * len(texts),
        "y": list(texts),
        "mode": "text",
        "text": list(texts.values()),
        "textposition": "middle right",
        "textfont": {"size": 12, "color": colour},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": name,
    }


def _category_keys(cats_by_area: list[dict[str, str]], colours: Mapping[str, str]) -> list[dict]:
    """Legend entries for the category colours the markers use (Better, Similar, Worse, ...)."""
    used = {c for cats in cats_by_area for c in cats.values()}
    return [
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "name": f"{pal.CATEGORY_GLYPHS[c]} {c}",
            "showlegend": True,
            "meta": "category key",
            "marker": {
                "symbol": "circle",
                "size": 11,
                "color": colours[c],
                "line": {"color": "#1A1A1A", "width": 1},
            },
            "hoverinfo": "skip",
        }
        for c in s.CATEGORIES
        if c in used or c in (s.BETTER, s.SIMILAR, s.WORSE)
    ]


def spine_chart(rows: pd.DataFrame, **kwargs) -> go.Figure:
    """``spine_figure_dict`` as a validated ``go.Figure`` (exports, tests; same arguments)."""
    return go.Figure(spine_figure_dict(rows, **kwargs))


def spine_table(
    rows: pd.DataFrame, areas: Sequence[str], area_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The numbers beside the spine chart: indicator, period, each area's count, value and category,
    the benchmark each was compared with and its value (rows compared with one comparator), the
    spine's centre (England, or the median), worst and best.

    Worst/best follow polarity; without polarity they are the lowest/highest value. Rows in
    the chart's order (domain, then input order).
    """
    area_names = dict(area_names or {})
    wanted = (
        "indicator_id",
        "short_name",
        "domain",
        "period",
        "polarity",
        "min",
        "max",
        "england_value",
        "unit",
    )
    extra = (s.AREA_CODE, s.VALUE, s.COUNT, "category", "comparator_label", "comparator_value")
    col = {c: _column(rows, c) for c in (*wanted, *extra) if c in rows}
    order, _ = _ordered_indicators(rows)
    ids = [col["indicator_id"][i] for i in order]
    low_good = [col["polarity"][i] == s.POLARITY_LOW_GOOD for i in order]
    lows, highs = [col["min"][i] for i in order], [col["max"][i] for i in order]
    table: dict[str, list] = {
        "Indicator": [col["short_name"][i] for i in order],
        "Period": [col["period"][i] for i in order] if "period" in rows else [""] * len(order),
    }
    first: dict[tuple, int] = {}
    for k, key in enumerate(zip(col[s.AREA_CODE], col["indicator_id"], strict=True)):
        first.setdefault(key, k)
    nan = float("nan")
    compared = "comparator_value" in col
    focus_at: list[int | None] = []
    for n, code in enumerate(dict.fromkeys(areas)):
        name = area_names.get(code, code)
        at = [first.get((code, ind_id)) for ind_id in ids]
        if n == 0:
            focus_at = at
        counts = col.get(s.COUNT)
        table[f"{name} count"] = [nan if k is None or counts is None else counts[k] for k in at]
        table[f"{name} value"] = [nan if k is None else col[s.VALUE][k] for k in at]
        if compared:
            table[f"{name} compared"] = [
                "" if k is None or common.is_missing(col[s.VALUE][k]) else str(col["category"][k]) for k in at
            ]
    if compared:
        table["Benchmark"] = ["" if k is None else str(col["comparator_label"][k]) for k in focus_at]
        table["Benchmark value"] = [nan if k is None else col["comparator_value"][k] for k in focus_at]
    table["Centre (England)"] = [col["england_value"][i] for i in order]
    table["Worst"] = [hi if low else lo for lo, hi, low in zip(lows, highs, low_good, strict=True)]
    table["Best"] = [lo if low else hi for lo, hi, low in zip(lows, highs, low_good, strict=True)]
    table["Unit"] = [col["unit"][i] for i in order]
    return pd.DataFrame(table)

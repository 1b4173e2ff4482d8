"""Colours, symbols and labels shared by every figure builder.

Category colours follow Fingertips (METHODS.md); the colour-blind palette uses the
Okabe-Ito colours and every category also gets a marker symbol and a text glyph, so
colour is never the only cue.
"""

from __future__ import annotations

import math

import pandas as pd

from data.methods.stats import quintile_label
from data.model import schema as s

FINGERTIPS = "fingertips"
COLOURBLIND = "colourblind"
PALETTES = (FINGERTIPS, COLOURBLIND)

NO_DATA = "No data"
NO_DATA_COLOUR = "#E8E8E8"
NO_DATA_LINE = "#BDBDBD"
ENGLAND_COLOUR = "#000000"
REGION_COLOUR = "#6E6E6E"
OUTLINE_COLOUR = "#1A1A1A"

CATEGORY_COLOURS: dict[str, dict[str, str]] = {
    FINGERTIPS: {
        s.BETTER: "#92D050",
        s.SIMILAR: "#FFC000",
        s.WORSE: "#C00000",
        s.HIGHER: "#BED2FF",
        s.LOWER: "#5555E6",
        s.NOT_COMPARED: "#C9C9C9",
    },
    COLOURBLIND: {
        s.BETTER: "#0072B2",
        s.SIMILAR: "#F0E442",
        s.WORSE: "#D55E00",
        s.HIGHER: "#56B4E9",
        s.LOWER: "#CC79A7",
        s.NOT_COMPARED: "#BBBBBB",
    },
}

# Marker symbols and text glyphs: the non-colour cue for each category.
CATEGORY_SYMBOLS: dict[str, str] = {
    s.BETTER: "triangle-up",
    s.SIMILAR: "circle",
    s.WORSE: "triangle-down",
    s.HIGHER: "triangle-up-open",
    s.LOWER: "triangle-down-open",
    s.NOT_COMPARED: "circle-open",
}
CATEGORY_GLYPHS: dict[str, str] = {
    s.BETTER: "▲",
    s.SIMILAR: "●",
    s.WORSE: "▼",
    s.HIGHER: "△",
    s.LOWER: "▽",
    s.NOT_COMPARED: "○",
}
# Bar fill patterns for the colour-blind palette (plotly marker.pattern.shape).
CATEGORY_PATTERNS: dict[str, str] = {
    s.BETTER: "",
    s.SIMILAR: ".",
    s.WORSE: "x",
    s.HIGHER: "/",
    s.LOWER: "\\",
    s.NOT_COMPARED: "-",
}

# Sequential 5-class palettes, index 0 = quintile 1 (worst / lowest, light) .. 4 = best (dark).
QUINTILE_COLOURS: dict[str, list[str]] = {
    FINGERTIPS: ["#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C"],
    COLOURBLIND: ["#FDE725", "#5EC962", "#21918C", "#3B528B", "#440154"],
}
# Continuous scale for colour="value": light = low, dark = high (reversed when lower is better).
VALUE_COLORSCALE: list[list] = [
    [0.0, "#DEEBF7"],
    [0.25, "#A9CCE3"],
    [0.5, "#6BAED6"],
    [0.75, "#2171B5"],
    [1.0, "#08306B"],
]
# Qualitative colours for regions / several areas (Okabe-Ito, colour-blind safe).
QUALITATIVE: list[str] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
AREA_SYMBOLS: list[str] = ["circle", "diamond", "square", "triangle-up", "star", "cross"]


def check_palette(palette: str) -> str:
    """Return ``palette`` if it is known; raise otherwise (a typo must not fall back silently)."""
    if palette not in PALETTES:
        raise ValueError(f"palette must be one of {PALETTES}, not {palette!r}")
    return palette


def category_column(benchmark: str, ci: str) -> str:
    """The schema column holding the comparison category for a benchmark and CI level."""
    columns = {
        ("england", "95"): s.CMP_ENGLAND_95,
        ("england", "99.8"): s.CMP_ENGLAND_998,
        ("region", "95"): s.CMP_REGION_95,
        ("region", "99.8"): s.CMP_REGION_998,
    }
    if benchmark.startswith("peers"):  # peers, or peers_<set> (data/model/peers.py)
        stem = "cmp_peers" if benchmark == "peers" else f"cmp_{benchmark}"
        return f"{stem}_998" if str(ci) == "99.8" else f"{stem}_95"
    try:
        return columns[(benchmark, str(ci))]
    except KeyError:
        raise ValueError(f"unknown benchmark/ci {benchmark!r}/{ci!r}") from None


def is_compared(frame: pd.DataFrame) -> bool:
    """True for rows compared with a view's one comparator (``data.queries.comparator``): they
    carry their own category, comparator value and label."""
    return "comparator_label" in frame and "category" in frame


def categories_of(frame: pd.DataFrame, benchmark: str, ci: str) -> pd.Series:
    """Each row's comparison category: the one comparator's (compared rows), else the model's
    precomputed column for the benchmark and CI level."""
    if is_compared(frame):
        return frame["category"]
    return frame[category_column(benchmark, ci)]


def ci_columns(ci: str) -> tuple[str, str]:
    """The (lower, upper) schema columns of the chosen CI level."""
    if str(ci) == "95":
        return s.LOWER95, s.UPPER95
    if str(ci) == "99.8":
        return s.LOWER998, s.UPPER998
    raise ValueError(f"ci must be '95' or '99.8', not {ci!r}")


def clean_categories(categories: pd.Series) -> pd.Series:
    """Categories with missing or unknown labels mapped to "Not compared"."""
    return categories.where(categories.isin(s.CATEGORIES), s.NOT_COMPARED)


def category_colours(categories: pd.Series, palette: str) -> list[str]:
    """One colour per category label (unknown labels get the Not compared colour)."""
    colours = CATEGORY_COLOURS[check_palette(palette)]
    return [colours[c] for c in clean_categories(categories)]


def category_label(category: str, palette: str) -> str:
    """Legend/hover label for a category; the colour-blind palette prefixes its glyph."""
    if check_palette(palette) == COLOURBLIND:
        return f"{CATEGORY_GLYPHS.get(category, '')} {category}".strip()
    return category


def quintile_name(q: float, polarity: str) -> str:
    """'Q5 (Best)'-style label for a quintile, following the indicator's polarity."""
    if q is None or (isinstance(q, float) and math.isnan(q)):
        return s.NOT_COMPARED
    return f"Q{int(q)} ({quintile_label(q, polarity)})"


def stepped_colorscale(colours: list[str]) -> list[list]:
    """A plotly colorscale giving integer z = 0..k-1 each a flat colour (with zmin=-0.5, zmax=k-0.5)."""
    k = len(colours)
    scale: list[list] = []
    for i, colour in enumerate(colours):
        scale.append([round(i / k, 4), colour])
        scale.append([round((i + 1) / k, 4), colour])
    return scale


def value_colorscale(polarity: str) -> list[list]:
    """The continuous value scale, dark at the best end (dark = high without polarity)."""
    if polarity == s.POLARITY_LOW_GOOD:
        colours = [c for _, c in VALUE_COLORSCALE][::-1]
        return [[pos, c] for (pos, _), c in zip(VALUE_COLORSCALE, colours, strict=True)]
    return [list(step) for step in VALUE_COLORSCALE]

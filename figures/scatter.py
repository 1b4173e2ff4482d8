"""Scatter of two indicators (or an indicator against a demographic) with its OLS line.

The line, R², Spearman's rho and n come from ``data.methods.analysis``; the subtitle says plainly that
area-level associations are not associations between people.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.methods.analysis import OLSFit, SpearmanResult, ols_fit, spearman
from data.model import schema as s
from figures import common
from figures import palette as pal

MARKER_SIZE = 10
SIZE_RANGE = (6, 28)
NEGLIGIBLE_R2 = 0.05  # below this the line explains almost nothing
Y_TITLE_CHARS = 36  # the y title wraps so that it never runs past the plot into the title
X_TITLE_CHARS = 90
# Plain-words fractions for R², used when R² is within 0.02 of one of them.
FRACTIONS = {
    0.1: "a tenth",
    0.2: "a fifth",
    0.25: "a quarter",
    1 / 3: "a third",
    0.4: "two fifths",
    0.5: "half",
    0.6: "three fifths",
    2 / 3: "two thirds",
    0.75: "three quarters",
    0.8: "four fifths",
    0.9: "nine tenths",
}
PERIOD_PATTERN = re.compile(r"mid-\d{4}|\b(?:19|20)\d{2}(?:[/-]\d{2,4})?\b", re.IGNORECASE)


def _sizes(population: pd.Series) -> np.ndarray:
    """Marker diameters with area proportional to population (missing -> smallest)."""
    pop = pd.to_numeric(population, errors="coerce").to_numpy(dtype=float)
    top = np.nanmax(pop) if np.isfinite(pop).any() else 1.0
    scaled = np.sqrt(np.where(np.isfinite(pop), pop, 0) / top)
    return SIZE_RANGE[0] + scaled * (SIZE_RANGE[1] - SIZE_RANGE[0])


def _point_hover(df: pd.DataFrame, x_meta: Mapping[str, Any], y_meta: Mapping[str, Any]) -> list[str]:
    """Hover: area, region, both values with CIs, population and category."""
    texts = []
    for rec in df.to_dict("records"):
        lines = [f"<b>{rec[s.AREA_NAME]}</b> ({rec.get('region_name', '')})"]
        for axis, meta in (("x", x_meta), ("y", y_meta)):
            line = f"{meta.get('short_name') or meta.get('name')}: {common.format_value(rec[axis], meta.get('unit'))}"
            ci = common.format_ci(rec.get(f"{axis}_lower"), rec.get(f"{axis}_upper"), "95")
            texts_ci = f" ({ci})" if ci else ""
            lines.append(line + texts_ci)
        if not common.is_missing(rec.get("population")):
            lines.append(f"Population {common.format_count(rec['population'])}")
        if isinstance(rec.get("category"), str) and rec["category"]:
            lines.append(f"Category: {rec['category']}")
        if not common.is_missing(rec.get("_residual")):
            lines.append(
                f"Residual from line: {common.format_difference(rec['_residual'], y_meta.get('unit'))}"
            )
        texts.append("<br>".join(lines))
    return texts


def _error(df: pd.DataFrame, axis: str, show: bool) -> dict[str, Any]:
    lower, upper = f"{axis}_lower", f"{axis}_upper"
    if not show or lower not in df or upper not in df:
        return dict(visible=False)
    return dict(
        type="data",
        symmetric=False,
        array=(df[upper] - df[axis]).tolist(),
        arrayminus=(df[axis] - df[lower]).tolist(),
        thickness=0.8,
        width=0,
        color="rgba(80,80,80,0.45)",
    )


def share_in_words(r2: float) -> str:
    """R² as a share in words: 'a quarter', 'about 37%', 'almost none'."""
    if not np.isfinite(r2):
        return "an unknown share"
    if r2 < NEGLIGIBLE_R2:
        return "almost none"
    for value, words in FRACTIONS.items():
        if abs(r2 - value) <= 0.02:
            return words
    return f"about {round(r2 * 100)}%"


def rho_in_words(rho: float) -> str:
    """Spearman's rho as a strength and direction: 'a moderate positive'."""
    size = abs(rho)
    strength = (
        "no"
        if size < 0.1
        else "a weak"
        if size < 0.3
        else "a moderate"
        if size < 0.5
        else "a strong"
        if size < 0.7
        else "a very strong"
    )
    if strength == "no":
        return "no"
    return f"{strength} {'positive' if rho > 0 else 'negative'}"


def fit_in_words(fit: OLSFit, rho: float, x_name: str, y_name: str) -> list[str]:
    """The statistics line in plain words, one sentence each for R² and Spearman's rho."""
    if not np.isfinite(fit.r2):
        return ["Too few areas with both values to fit a line."]
    weighted = "population-weighted " if fit.weighted else ""
    share = share_in_words(fit.r2)
    if share == "almost none":
        first = (
            f"R² = {fit.r2:.2f}: the {weighted}straight line explains almost none of the variation in "
            f"{y_name} between areas; {x_name} tells you very little about it."
        )
    else:
        first = (
            f"R² = {fit.r2:.2f}: in a {weighted}straight-line fit, {x_name} accounts for {share} of the "
            f"variation in {y_name} between areas."
        )
    lines = [first]
    if np.isfinite(rho):
        words = rho_in_words(rho)
        if words == "no":
            lines.append(f"Spearman ρ = {rho:.2f}: no consistent ranking relationship.")
        else:
            tendency = "higher" if rho > 0 else "lower"
            lines.append(
                f"Spearman ρ = {rho:.2f}: {words} association; areas ranked higher on {x_name} tend to rank "
                f"{tendency} on {y_name}."
            )
    return lines


def period_of(meta: Mapping[str, Any]) -> str:
    """The period a variable refers to: its own period, or one read from a demographic's name/note."""
    period = str(meta.get("period") or "").strip()
    if period:
        return period
    found = PERIOD_PATTERN.search(f"{meta.get('name', '')} {meta.get('note', '')}")
    return found.group(0) if found else ""


def periods_in_words(x_meta: Mapping[str, Any], y_meta: Mapping[str, Any]) -> str:
    """'Periods: <y> 2022/23; <x> mid-2022. Different periods are paired: ...' (or 'Both from ...')."""
    x_period, y_period = period_of(x_meta) or "period not stated", period_of(y_meta) or "period not stated"
    if x_period.lower() == y_period.lower():
        return f"Both from {x_period}."
    x_name = x_meta.get("short_name") or x_meta.get("name") or "x"
    y_name = y_meta.get("short_name") or y_meta.get("name") or "y"
    return (
        f"Periods: {y_name} (y) {y_period}; {x_name} (x) {x_period}. Different periods are paired: this "
        "assumes the areas changed little in between, so read the association with care."
    )


def coverage_in_words(n_both: int, n_total: int, no_x: int, no_y: int, geography: str) -> str:
    """'n = 65 of 106 CCGs (April 2021): 41 have no value for y, 3 none for x.'"""
    text = f"n = {n_both} of {n_total} {geography} have both values"
    reasons = []
    if no_y:
        reasons.append(f"{no_y} have no value for y")
    if no_x:
        reasons.append(f"{no_x} have no value for x")
    return text + (
        ": " + ", ".join(reasons) + " (not published for them, or suppressed)." if reasons else "."
    )


def axis_title(meta: Mapping[str, Any], width: int) -> str:
    """An axis title with its period, wrapped to ``width`` characters so it stays inside the figure."""
    period = period_of(meta)
    text = common.indicator_title(meta) + (f", {period}" if period else "")
    return "<br>".join(textwrap.wrap(text, width)) or text


def fit_summary(fit: OLSFit, rho: float, n: int) -> str:
    """'OLS R² = 0.23 · Spearman ρ = 0.41 · n = 104' (with 'population-weighted' when weighted)."""
    kind = "Population-weighted OLS" if fit.weighted else "OLS"
    return f"{kind} R² = {fit.r2:.2f} · Spearman ρ = {rho:.2f} · n = {n}"


def explorer_scatter(df: pd.DataFrame, **options: Any) -> go.Figure:
    """``explorer_scatter_dict`` as a ``go.Figure`` (exports, tests); the same arguments."""
    return go.Figure(explorer_scatter_dict(df, **options))


def explorer_scatter_dict(
    df: pd.DataFrame,
    *,
    x_meta: Mapping[str, Any],
    y_meta: Mapping[str, Any],
    size_by_population: bool = False,
    colour_by: str = "region",
    show_ci: bool = False,
    selected: Sequence[str] = (),
    weights: str | Sequence[float] | None = None,
    palette: str = pal.FINGERTIPS,
    fit: OLSFit | None = None,
    rho: SpearmanResult | None = None,
) -> dict[str, Any]:
    """Scatter of y against x across areas with an OLS line, R², Spearman's rho and n.

    ``weights`` is None (ordinary fit), a column name (e.g. "population") or an array aligned to ``df``.
    A plain figure dict (no ``go.Figure`` validation in a request): ``go.Figure`` accepts it as it is.
    ``fit`` and ``rho``, if given, are ``ols_fit`` and ``spearman`` of these x, y and weights
    (the caller's own, so as not to compute them twice).
    """
    pal.check_palette(palette)
    if colour_by not in ("region", "category"):
        raise ValueError(f"colour_by must be 'region' or 'category', not {colour_by!r}")
    data = df.reset_index(drop=True).copy()
    both = data["x"].notna() & data["y"].notna()
    dropped = int((~both).sum())
    w = (
        data[weights]
        if isinstance(weights, str)
        else (None if weights is None else pd.Series(np.asarray(weights)))
    )
    if fit is None:
        fit = ols_fit(data["x"], data["y"], None if w is None else w)
    if rho is None:
        rho = spearman(data["x"], data["y"])
    data["_residual"] = np.where(both, data["y"] - fit.predict(data["x"]), np.nan)
    data = data[both].reset_index(drop=True)
    hover = pd.Series(_point_hover(data, x_meta, y_meta))
    sizes = pd.Series(
        _sizes(data["population"]) if size_by_population and "population" in data else MARKER_SIZE
    )
    traces: list[dict[str, Any]] = []
    if colour_by == "region":
        groups = sorted(data["region_name"].dropna().unique())
        colours = {g: pal.QUALITATIVE[i % len(pal.QUALITATIVE)] for i, g in enumerate(groups)}
        symbols = {g: "circle" for g in groups}
        key = "region_name"
    else:
        data["category"] = pal.clean_categories(data["category"])
        groups = [c for c in s.CATEGORIES if (data["category"] == c).any()]
        colours = pal.CATEGORY_COLOURS[palette]
        symbols = pal.CATEGORY_SYMBOLS if palette == pal.COLOURBLIND else {g: "circle" for g in groups}
        key = "category"
    # Each column once as a list, then picked per group (cheaper than a frame filter per group).
    keys = data[key].tolist()
    xs_all, ys_all = data["x"].tolist(), data["y"].tolist()
    size_all = sizes.tolist() if size_by_population else None
    custom_all = common.customdata(data)
    hover_all = hover.tolist()
    errors = {axis: _error(data, axis, show_ci) for axis in ("x", "y")}

    def pick(values: list, idx: list[int]) -> list:
        return [values[i] for i in idx]

    def error_of(axis: str, idx: list[int]) -> dict[str, Any]:
        full = errors[axis]
        if "array" not in full:
            return dict(full)
        return dict(full, array=pick(full["array"], idx), arrayminus=pick(full["arrayminus"], idx))

    for group in groups:
        idx = [i for i, k in enumerate(keys) if k == group]
        label = pal.category_label(group, palette) if key == "category" else group
        traces.append(
            dict(
                type="scatter",
                x=pick(xs_all, idx),
                y=pick(ys_all, idx),
                mode="markers",
                name=f"{label} ({len(idx)})",
                marker=dict(
                    color=colours[group],
                    symbol=symbols.get(group, "circle"),
                    size=pick(size_all, idx) if size_all is not None else MARKER_SIZE,
                    opacity=0.8,
                    line=dict(color="#FFFFFF", width=0.6),
                ),
                error_x=error_of("x", idx),
                error_y=error_of("y", idx),
                customdata=pick(custom_all, idx),
                hovertext=pick(hover_all, idx),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    if np.isfinite(fit.slope):
        xs = np.array([data["x"].min(), data["x"].max()])
        traces.append(
            dict(
                type="scatter",
                x=xs.tolist(),
                y=fit.predict(xs).tolist(),
                mode="lines",
                name=f"OLS line (R² = {fit.r2:.2f})",
                line=dict(color="#333333", width=2, dash="solid"),
                hoverinfo="skip",
            )
        )
    chosen = data[data[s.AREA_CODE].isin(list(selected))]
    if len(chosen):
        traces.append(
            dict(
                type="scatter",
                x=chosen["x"].tolist(),
                y=chosen["y"].tolist(),
                mode="markers+text",
                name="Selected",
                text=chosen[s.AREA_NAME].tolist(),
                textposition="top center",
                marker=dict(
                    symbol="circle-open",
                    size=(sizes[chosen.index] + 8).tolist() if size_by_population else MARKER_SIZE + 8,
                    color=pal.OUTLINE_COLOUR,
                    line=dict(width=3),
                ),
                customdata=common.customdata(chosen),
                hovertext=hover[chosen.index].tolist(),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    x_name = common.indicator_title(x_meta)
    y_name = common.indicator_title(y_meta)
    summary = fit_summary(fit, rho.rho, rho.n)
    if dropped:
        summary += f" ({dropped} area{'s' if dropped != 1 else ''} without both values not shown)"
    title = f"{y_meta.get('short_name') or y_name} against {x_meta.get('short_name') or x_name}"
    layout = common.plain_layout(
        "<br>".join(textwrap.wrap(title, 90)),
        uirevision="scatter",
        subtitle=f"{summary}<br>{common.ECOLOGICAL_NOTE}",
    )
    layout.update(
        xaxis=dict(title=dict(text=axis_title(x_meta, X_TITLE_CHARS)), zeroline=False, automargin=True),
        yaxis=dict(title=dict(text=axis_title(y_meta, Y_TITLE_CHARS)), zeroline=False, automargin=True),
        legend=dict(title=dict(text="Region" if colour_by == "region" else "Category")),
        height=600,
    )
    layout["margin"]["t"] = 100 + (18 if len(title) > 90 else 0)
    return dict(data=traces, layout=layout)

"""Funnel plot: each area's value against its denominator with 95% and 99.8% control limits.

Limits, categories and the optional over-dispersion adjustment come from ``data.methods.funnels``
(PHE Technical Guide: Funnel Plots, 2017; Spiegelhalter 2005). Each limit is drawn at the
population its method gives (for rates and ratios the four limits sit at different
populations); points are coloured by where they fall relative to the limits at the chosen
level, with the polarity's words (better / worse, or higher / lower).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.methods import funnels as fn
from data.model import schema as s
from figures import common
from figures import palette as pal

X_TITLES = {
    "proportion": "Denominator",
    "rate": "Population (denominator)",
    "dsr": "Population (derived from events and rate)",
    "ratio": "Expected events",
}


def app_category(significance: pd.Series | np.ndarray, polarity: str, ci: str) -> np.ndarray:
    """The app's comparison category of each funnel significance at the 95% or 99.8% level.

    Above the chosen upper limit: Better (higher is better), Worse (lower is better) or Higher
    (no polarity); below the lower limit the reverse; inside: Similar; not on the funnel:
    Not compared.
    """
    sig = np.asarray(significance, dtype=object)
    if ci == "95":
        above = np.isin(sig, [fn.HIGH_95, fn.HIGH_998])
        below = np.isin(sig, [fn.LOW_95, fn.LOW_998])
    else:
        above, below = sig == fn.HIGH_998, sig == fn.LOW_998
    inside = np.isin(sig, [fn.NOT_SIG, fn.HIGH_95, fn.LOW_95]) & ~above & ~below
    if polarity == s.POLARITY_HIGH_GOOD:
        hi, lo = s.BETTER, s.WORSE
    elif polarity == s.POLARITY_LOW_GOOD:
        hi, lo = s.WORSE, s.BETTER
    else:
        hi, lo = s.HIGHER, s.LOWER
    return np.select([above, below, inside], [hi, lo, s.SIMILAR], s.NOT_COMPARED).astype(object)


def compute_funnel(
    frame: pd.DataFrame, meta: Mapping[str, Any], overdispersion: str | None = None
) -> fn.Funnel:
    """``data.methods.funnels.slice_funnel`` (kept here for the builder's callers)."""
    return fn.slice_funnel(frame, meta, overdispersion)


def _limit_traces(fig: go.Figure, limits: fn.FunnelLimits, *, faded: bool) -> None:
    styles = (("998", "99.8% limits", "dash"), ("95", "95% limits", "dot"))
    colour, width = ("#B0B0B0", 1.0) if faded else ("#555555", 1.3)
    suffix = " (unadjusted)" if faded else ""
    for level, name, dash in styles:
        for side, show in (("lower", True), ("upper", False)):
            col = f"{side}{level}"
            part = limits.table[[f"{col}_x", col]].dropna().sort_values(f"{col}_x")
            fig.add_trace(
                go.Scatter(
                    x=part[f"{col}_x"].tolist(),
                    y=part[col].tolist(),
                    mode="lines",
                    name=name + suffix,
                    legendgroup=name + suffix,
                    showlegend=show,
                    line=dict(color=colour, width=width, dash=dash),
                    hoverinfo="skip",
                )
            )


def funnel_plot(
    frame: pd.DataFrame,
    meta: Mapping[str, Any],
    *,
    ci: str = "99.8",
    palette: str = pal.FINGERTIPS,
    selected: Sequence[str] = (),
    overdispersion: str | None = None,
    funnel: fn.Funnel | None = None,
) -> go.Figure:
    """Funnel plot for a proportion, crude rate, DSR or ISR indicator with count and denominator.

    ``overdispersion`` ("multiplicative" | "additive") draws Spiegelhalter's adjusted limits
    (the exact limits stay, faded) and states the estimated factor on the chart; points are
    then classified against the adjusted limits. ``funnel`` passes a precomputed
    ``compute_funnel`` result for the same rows (else it is computed here).
    """
    pal.check_palette(palette)
    statistic = fn.funnel_statistic(meta)
    needed = [s.COUNT, s.VALUE] if statistic == "dsr" else [s.COUNT, s.DENOMINATOR, s.VALUE]
    data = frame[frame[needed].notna().all(axis=1)].reset_index(drop=True)
    if data.empty:
        raise ValueError("no area has the count and denominator a funnel plot needs")
    result = funnel or compute_funnel(data, meta, overdispersion)
    adjusted = result.adjusted is not None
    significance = result.points["significance_adjusted" if adjusted else "significance"]
    category = pd.Series(
        app_category(significance, meta.get("polarity", s.POLARITY_NONE), ci), index=data.index
    )
    fig = go.Figure()
    if adjusted:
        _limit_traces(fig, result.limits, faded=True)
        _limit_traces(fig, result.adjusted, faded=False)
    else:
        _limit_traces(fig, result.limits, faded=False)
    fig.add_hline(y=float(result.limits.baseline), line=dict(color=pal.ENGLAND_COLOUR, width=1.5))
    x = pd.Series(result.points["x"].to_numpy(dtype=float), index=data.index)
    hover = pd.Series(
        common.hover_texts(data, meta, ci=ci, benchmark="england", palette=palette, category=category),
        index=data.index,
    )
    for cat in s.CATEGORIES:
        rows = data[(category == cat).to_numpy() & np.isfinite(x.to_numpy())]
        if rows.empty:
            continue
        is_sel = rows[s.AREA_CODE].isin(list(selected))
        fig.add_trace(
            go.Scatter(
                x=x[rows.index].tolist(),
                y=rows[s.VALUE].tolist(),
                mode="markers",
                name=f"{pal.category_label(cat, palette)} ({len(rows)})",
                marker=dict(
                    color=pal.CATEGORY_COLOURS[palette][cat],
                    symbol=pal.CATEGORY_SYMBOLS[cat] if palette == pal.COLOURBLIND else "circle",
                    size=np.where(is_sel, 15, 9).tolist(),
                    line=dict(color=pal.OUTLINE_COLOUR, width=np.where(is_sel, 2.5, 0.5).tolist()),
                ),
                customdata=common.customdata(rows),
                hovertext=hover[rows.index].tolist(),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    fig.update_layout(
        **common.base_layout(
            common.indicator_title(meta),
            uirevision="funnel",
            subtitle=_subtitle(result, statistic, len(frame) - len(data)),
        ),
        xaxis=dict(title=X_TITLES[statistic], range=_x_range(x)),
        yaxis=dict(title=meta.get("unit") or "", range=_y_range(data, x, result)),
        height=520,
    )
    return fig


def _subtitle(result: fn.Funnel, statistic: str, dropped: int) -> str:
    method = {"proportion": "Wilson", "ratio": "exact Poisson, around 1"}.get(statistic, "exact Poisson")
    text = f"Control limits at 95% and 99.8% around the overall value ({method})"
    od = result.overdispersion
    if od is not None:
        text += f"; {od.describe()}; {result.n_changed} areas change category"
    if dropped:
        text += f"; {dropped} areas without count/denominator not shown"
    return text


def _x_range(x: pd.Series) -> list[float] | None:
    """From 0 to just past the largest area (the limits run on towards larger populations)."""
    finite = x[np.isfinite(x.to_numpy())]
    return [0, float(finite.max()) * 1.08] if len(finite) else None


def _y_range(data: pd.DataFrame, x: pd.Series, result: fn.Funnel) -> list[float] | None:
    """Keep the y axis on the points: the limits flare towards 0 and 100 at tiny populations."""
    finite = np.isfinite(x.to_numpy())
    if not finite.any():
        return None
    x_min = float(x[finite].min())
    limits = result.adjusted or result.limits
    bounds = []
    for col in ("lower998", "upper998"):
        part = limits.table[[f"{col}_x", col]].dropna().sort_values(f"{col}_x")
        bounds.append(float(np.interp(x_min, part[f"{col}_x"], part[col])))
    values = data[s.VALUE].to_numpy(dtype=float)[finite]
    y_lo, y_hi = min(bounds[0], float(values.min())), max(bounds[1], float(values.max()))
    pad = 0.08 * (y_hi - y_lo or 1)
    return [y_lo - pad, y_hi + pad]

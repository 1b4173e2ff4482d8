"""The Patient experience page's charts (frames in, ``go.Figure`` out).

* ``lean_chart``: each source's items below, level and above the one comparator, as shares of the
  source's items (a diverging bar), with the two-thirds marks at which a source is said to lean
  (``data.queries.experience.SUMMARY_RULE``). Directions, not significance: drawn in Fingertips'
  "lower"/"higher" blues, never its red and green.
* ``item_strip``: one row per survey item: every area's value (small grey dots), the comparator
  (a black bar) and the focus area (a large marker with its range where the comparison is sound,
  coloured by its category there and neutral elsewhere).
* ``practice_scatter``: the focus area's GP practices on FFT (% positive against responses), the
  practices that pull the area's value below the comparator marked and named; coloured by value
  group, not by category (NHS England advises against comparing on FFT).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.methods.formatting import format_count, format_value
from data.model import schema as s
from figures import common
from figures import palette as pal

BELOW = pal.CATEGORY_COLOURS[pal.FINGERTIPS][s.LOWER]
ABOVE = pal.CATEGORY_COLOURS[pal.FINGERTIPS][s.HIGHER]
LEVEL = "#D9D9D9"
NOT_COUNTED = "#F2F2F2"
OTHERS = "#B0B0B0"
FOCUS = "#1F3A93"  # the focus area where no sound category exists: neutral, not a judgement
DRIVER = "#1F3A93"
PRACTICE = "#9ECAE1"
ROW_PX = 30
LEAN_SHARE = 2 / 3


def _short(label: str) -> str:
    """'Inpatient survey 2022, section 3' -> 'Section 3' (the survey is in the title)."""
    tail = str(label).split(", ", 1)[-1]
    return tail[:1].upper() + tail[1:]


def lean_chart(leans: pd.DataFrame, *, versus: str, title: str, subtitle: str = "") -> go.Figure:
    """Each source's items below (left) and above (right) ``versus``, as shares of its items."""
    fig = go.Figure()
    frame = leans.iloc[::-1].reset_index(drop=True)  # the first source at the top
    labels = [
        f"{r.source} ({r.n} {r.items if r.n != 1 else 'measure'})"
        if r.n
        else f"{r.source} ({'not counted: see why' if r.lean == 'not counted' else 'no value'})"
        for r in frame.itertuples()
    ]
    n = frame["n"].replace(0, np.nan).astype(float)
    below = (frame["below"] / n).fillna(0)
    level = (frame["level"] / n).fillna(0)
    above = (frame["above"] / n).fillna(0)
    counted = frame["counted"].astype(bool)
    words = {
        "below": "leans below",
        "above": "leans above",
        "level": "level",
        "mixed": "no clear direction",
        "no value": "no value",
        "not counted": "shown, not counted",
    }
    text = [
        f"{r.below} below · {r.level} level · {r.above} above: {words.get(r.lean, r.lean)}"
        if r.n
        else words.get(r.lean, r.lean)
        for r in frame.itertuples()
    ]
    for name, x, colour, base in (
        ("Below", -below, BELOW, -level / 2),
        ("Level", level, LEVEL, -level / 2),
        ("Above", above, ABOVE, level / 2),
    ):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=x.tolist(),
                base=base.tolist(),
                orientation="h",
                name=f"{name} {versus}",
                marker=dict(
                    color=[colour if c else NOT_COUNTED for c in counted],
                    line=dict(color=[colour if c else "#9E9E9E" for c in counted], width=1),
                    pattern=dict(shape=["" if c else "/" for c in counted]),
                ),
                hovertext=text,
                hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
                showlegend=False,  # a legend entry takes its first bar's colour: keyed below instead
                legendgroup=name,
            )
        )
    # the legend's keys, one colour each (a source not counted would otherwise grey the first key)
    keys = [
        (f"{name} {versus}", colour, "")
        for name, colour in (("Below", BELOW), ("Level", LEVEL), ("Above", ABOVE))
    ]
    if not counted.all():
        keys.append(("Shown, not counted in the summary", NOT_COUNTED, "/"))
    for key, colour, shape in keys:
        fig.add_trace(
            go.Bar(
                y=[None],
                x=[None],
                orientation="h",
                name=key,
                legendgroup=key.split(" ")[0],
                marker=dict(
                    color=colour,
                    line=dict(color=colour if not shape else "#9E9E9E", width=1),
                    pattern=dict(shape=shape),
                ),
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=[1.12] * len(labels),
            mode="text",
            text=[t.split(": ")[-1] for t in text],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    for x in (-LEAN_SHARE, LEAN_SHARE):
        fig.add_vline(x=x, line=dict(color="#555555", dash="dot", width=1))
    fig.add_vline(x=0, line=dict(color=pal.ENGLAND_COLOUR, width=1.5))
    fig.update_layout(
        **common.base_layout(title, uirevision="experience-lean", subtitle=subtitle),
        barmode="overlay",
        xaxis=dict(
            range=[-1.05, 1.75],
            tickvals=[-1, -LEAN_SHARE, 0, LEAN_SHARE, 1],
            ticktext=["all below", "⅔ below", versus, "⅔ above", "all above"],
            title="Share of each source's items below and above the comparator (dotted: two thirds)",
            zeroline=False,
        ),
        yaxis=dict(automargin=True),
        legend=dict(orientation="h", y=-0.35, x=0),
        height=140 + 55 * len(frame),
    )
    return fig


def item_strip(
    items: pd.DataFrame,
    others: pd.DataFrame,
    focus: pd.DataFrame | None,
    *,
    unit: str,
    versus: str,
    focus_name: str,
    title: str,
    subtitle: str = "",
    others_name: str = "every CCG",
    palette: str = pal.FINGERTIPS,
) -> go.Figure:
    """``items``: item (key), label, comparator (value), in the order drawn, first at the top;
    ``others``: item, name, value (every area); ``focus``: item, value, lower, upper, category
    (``s.NOT_COMPARED`` where no sound comparison), or None for England's view."""
    pal.check_palette(palette)
    order = items.reset_index(drop=True)
    height = 230 + ROW_PX * len(order)
    plot_px = height - (90 if subtitle else 60) - 110  # base_layout's top margin, and this bottom one
    labels = [_short(x) for x in order["label"]]
    label_of = dict(zip(order["item"], labels, strict=True))
    fig = go.Figure()
    spread = others[others["item"].isin(label_of) & others[s.VALUE].notna()]
    fig.add_trace(
        go.Scatter(
            x=spread[s.VALUE].tolist(),
            y=spread["item"].map(label_of).tolist(),
            mode="markers",
            name=others_name,
            marker=dict(color=OTHERS, size=6, opacity=0.6),
            hovertext=[
                f"{n}: {format_value(v, unit)}" for n, v in zip(spread["name"], spread[s.VALUE], strict=True)
            ],
            hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
        )
    )
    has_cmp = order["comparator"].notna()
    fig.add_trace(
        go.Scatter(
            x=order.loc[has_cmp, "comparator"].tolist(),
            y=[label_of[i] for i in order.loc[has_cmp, "item"]],
            mode="markers",
            name=versus,
            marker=dict(symbol="line-ns", size=22, line=dict(color=pal.ENGLAND_COLOUR, width=3)),
            hovertext=[f"{versus}: {format_value(v, unit)}" for v in order.loc[has_cmp, "comparator"]],
            hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
        )
    )
    if focus is not None and len(focus):
        mine = focus[focus["item"].isin(label_of) & focus[s.VALUE].notna()]
        colours = pal.CATEGORY_COLOURS[palette]
        for cat, part in mine.groupby(
            mine["category"].where(mine["category"].isin(s.CATEGORIES), s.NOT_COMPARED)
        ):
            judged = cat != s.NOT_COMPARED
            err = part["upper"] - part[s.VALUE]
            err_minus = part[s.VALUE] - part["lower"]
            has_range = part["lower"].notna().any()
            fig.add_trace(
                go.Scatter(
                    x=part[s.VALUE].tolist(),
                    y=part["item"].map(label_of).tolist(),
                    mode="markers",
                    name=f"{focus_name}: {pal.category_label(cat, palette).lower()}"
                    if judged
                    else focus_name,
                    marker=dict(
                        color=colours[cat] if judged else FOCUS,
                        symbol=pal.CATEGORY_SYMBOLS[cat] if judged else "diamond",
                        size=13,
                        line=dict(color=pal.OUTLINE_COLOUR, width=1),
                    ),
                    error_x=dict(
                        type="data",
                        array=err.tolist(),
                        arrayminus=err_minus.tolist(),
                        color="#333333",
                        thickness=1.5,
                        width=4,
                    )
                    if has_range
                    else None,
                    hovertext=[
                        f"{focus_name}: {format_value(v, unit)}"
                        + (f" ({format_value(lo, unit)} to {format_value(hi, unit)})" if pd.notna(lo) else "")
                        + (f"; {c.lower()}" if judged else "")
                        for v, lo, hi, c in zip(
                            part[s.VALUE], part["lower"], part["upper"], part["category"], strict=True
                        )
                    ],
                    hovertemplate="%{y}<br>%{hovertext}<extra></extra>",
                )
            )
    layout = common.base_layout(title, uirevision="experience-strip", subtitle=subtitle)
    layout["margin"] = dict(layout["margin"], b=110)
    fig.update_layout(
        **layout,
        xaxis=dict(title=unit, zeroline=False),
        yaxis=dict(
            categoryorder="array",
            categoryarray=labels[::-1],
            automargin=True,
            type="category",
        ),
        legend=dict(orientation="h", x=0, y=-70 / plot_px, yanchor="top"),
        height=height,
    )
    return fig


def practice_scatter(
    practices: pd.DataFrame,
    *,
    area_value: float | None,
    comparator_value: float | None,
    versus: str,
    area_name: str,
    title: str,
    subtitle: str = "",
) -> go.Figure:
    """The area's practices with a value: % positive against responses; the drivers (``driver``)
    dark and named, the others light; the area's value and the comparator as lines."""
    shown = practices[practices[s.VALUE].notna() & practices["responses"].notna()]
    fig = go.Figure()
    for is_driver, part in (
        (False, shown[~shown["driver"].astype(bool)]),
        (True, shown[shown["driver"].astype(bool)]),
    ):
        if part.empty:
            continue
        flagged = part["flag"].fillna("") != ""
        fig.add_trace(
            go.Scatter(
                x=part["responses"].tolist(),
                y=part[s.VALUE].tolist(),
                mode="markers+text" if is_driver else "markers",
                name="Practices pulling the value down most" if is_driver else "Other practices",
                text=part["practice_name"].tolist() if is_driver else None,
                textposition=_label_sides(part["responses"], shown["responses"]) if is_driver else None,
                textfont=dict(size=12),
                marker=dict(
                    color=DRIVER if is_driver else [("white" if f else PRACTICE) for f in flagged],
                    size=12 if is_driver else 8,
                    symbol="diamond" if is_driver else "circle",
                    line=dict(color=pal.OUTLINE_COLOUR if is_driver else "#6B8BA4", width=1),
                ),
                customdata=[[c] for c in part["practice_code"]],
                hovertext=[
                    f"<b>{r.practice_name}</b> ({r.practice_code})<br>{r.pcn_name}<br>"
                    f"{format_value(r.value, '%')} positive of {format_count(r.responses)} responses"
                    + (
                        f"<br>contribution to the gap: {r.contribution:+.2f} percentage points"
                        if pd.notna(r.contribution)
                        else ""
                    )
                    + (f"<br>{r.flag}" if isinstance(r.flag, str) and r.flag else "")
                    for r in part.itertuples(index=False)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    has_cmp = comparator_value is not None and not pd.isna(comparator_value)
    has_area = area_value is not None and not pd.isna(area_value)
    area_low = has_cmp and has_area and float(area_value) <= float(comparator_value)
    if has_cmp:
        fig.add_hline(
            y=float(comparator_value),
            line=dict(color=pal.ENGLAND_COLOUR, width=1.5),
            annotation=dict(text=f"{versus} {format_value(comparator_value, '%')}", font_size=12),
            annotation_position="top left" if area_low else "bottom left",
        )
    if has_area:
        fig.add_hline(
            y=float(area_value),
            line=dict(color=DRIVER, width=1.5, dash="dash"),
            annotation=dict(text=f"{area_name} {format_value(area_value, '%')}", font_size=12),
            annotation_position="bottom left" if area_low else "top left",
        )
    fig.update_layout(
        **common.base_layout(title, uirevision="experience-fft", subtitle=subtitle),
        xaxis=_responses_axis(shown["responses"]),
        yaxis=dict(title="% positive"),
        legend=dict(orientation="h", y=-0.2, x=0),
        height=520,
    )
    return fig


def _label_sides(x: pd.Series, every: pd.Series) -> list[str]:
    """A driver's name right of its marker, or left of it in the right third of the (log) axis, so
    that no name runs off the chart."""
    lo, hi = np.log10(max(float(every.min()), 1)), np.log10(max(float(every.max()), 2))
    cut = lo + (hi - lo) * 2 / 3
    return ["middle left" if np.log10(max(float(v), 1)) > cut else "middle right" for v in x]


def _responses_axis(responses: pd.Series) -> dict:
    """Responses on a log axis labelled at 1-3-10 steps (no minor labels)."""
    top = float(responses.max()) if len(responses) else 10.0
    ticks = [v for v in (1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000) if v <= top * 3]
    return dict(
        title="Responses in the month (log scale)",
        type="log",
        tickvals=ticks,
        ticktext=[f"{v:,}" for v in ticks],
    )

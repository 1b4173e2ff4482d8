"""Peer marks on the ranked bars: the focus area's similar CCGs flagged, their value as a line."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.methods.analysis import spine_scale
from data.model import schema as s
from figures import common
from figures import palette as pal
from figures.reference import RefLine, with_line
from figures.spine import _indicator_rows, _y_labels

PEER_COLOUR = "#7C2855"  # NHS plum: distinct from the England (black) and region lines
PEER_MARK = "◆"


def mark_peers(
    fig: go.Figure,
    peer_labels: Sequence[str],
    peer_value: float | None,
    *,
    label: str = "Similar CCGs",
    method: str = "",
    unit: str | None = None,
) -> go.Figure:
    """Flag the peers' bars (tick label and outline) and draw the peer group's value."""
    peers = set(peer_labels)
    yaxis = fig.layout.yaxis
    if yaxis.tickvals is not None and yaxis.ticktext is not None:
        yaxis.ticktext = [
            f'<span style="color:{PEER_COLOUR}">{PEER_MARK} {text}</span>' if val in peers else text
            for val, text in zip(yaxis.tickvals, yaxis.ticktext, strict=True)
        ]
    for trace in fig.data:
        if trace.type != "bar" or trace.y is None:
            continue
        widths = trace.marker.line.width
        widths = list(widths) if isinstance(widths, list | tuple) else [widths or 0] * len(trace.y)
        colours = [
            PEER_COLOUR if y in peers and not w else pal.OUTLINE_COLOUR for y, w in zip(trace.y, widths)
        ]
        trace.marker.line.width = [2 if (y in peers and not w) else w for y, w in zip(trace.y, widths)]
        trace.marker.line.color = colours
    if peer_value is not None and not common.is_missing(peer_value):
        how = f" ({method})" if method else ""
        line = RefLine("peers", f"{label}{how}", float(peer_value), PEER_COLOUR, "dash")
        # placed with the chart's England and region labels, so that no two overprint
        new = with_line(fig.layout.to_plotly_json(), line, unit)
        fig.layout.shapes = new["shapes"]  # assigned, not updated: update_layout merges lists item by item
        fig.layout.annotations = new["annotations"]
        fig.layout.meta = new["meta"]
        fig.update_layout(
            margin=new["margin"], xaxis=new["xaxis"], height=new.get("height", fig.layout.height)
        )
    return fig


def add_peer_band(
    fig: go.Figure | dict, rows: pd.DataFrame, peers: pd.DataFrame, *, label: str = "Similar CCGs"
) -> go.Figure | dict:
    """On a spine chart: the focus area's peers as a band (their range) and a mark (their value).

    ``fig`` is a ``go.Figure`` or the plain dict of ``figures.spine.spine_figure_dict`` (the
    same is returned, drawn on). ``rows`` are the spine rows the chart was drawn from; ``peers``
    has indicator_id, peer_value, peer_min, peer_max (data.model.peers.spine_peer_rows). Positions use
    the same scale as the chart (England at the centre, worst left).
    """
    if peers.empty:
        return fig
    ind = _indicator_rows(rows)
    label_of = _y_labels(ind)[-1]
    ind = ind.merge(peers, on=s.INDICATOR_ID, how="inner")
    if ind.empty:
        return fig
    args = (ind["england_value"], ind["min"], ind["q25"], ind["q75"], ind["max"], ind["polarity"])
    value = spine_scale(*args, ind["peer_value"])["value"]
    lo = spine_scale(*args, ind["peer_min"])["value"]
    hi = spine_scale(*args, ind["peer_max"])["value"]
    left, right = np.minimum(lo, hi), np.maximum(lo, hi)
    hover = [
        f"<b>{label}</b><br>{r.short_name}<br>value {common.format_value(r.peer_value, r.unit)} ({r.peer_method})"
        f"<br>range {common.format_value(r.peer_min, r.unit)} to {common.format_value(r.peer_max, r.unit)}"
        for r in ind.itertuples(index=False)
    ]
    band = dict(
        type="scatter",
        x=value.tolist(),
        y=ind[s.INDICATOR_ID].map(label_of).tolist(),
        mode="markers",
        name=f"{label}: value and range",
        marker=dict(symbol="diamond", size=9, color=PEER_COLOUR, line=dict(color="white", width=1)),
        error_x=dict(
            type="data",
            symmetric=False,
            array=(right - value).clip(lower=0).tolist(),
            arrayminus=(value - left).clip(lower=0).tolist(),
            color=PEER_COLOUR,
            thickness=3,
            width=0,
        ),
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
    )
    phrase = label[0].lower() + label[1:]
    # under the areas' markers: bands first, then the peers, then the areas
    if isinstance(fig, dict):
        data = list(fig["data"])
        n_bands = sum(1 for t in data if t.get("type") == "bar")
        title = dict(fig["layout"].get("title") or {})
        title["text"] = (title.get("text") or "").replace(
            "comparison with England", f"comparison with {phrase}"
        )
        layout = {**fig["layout"], "title": title}
        return {**fig, "data": [*data[:n_bands], band, *data[n_bands:]], "layout": layout}
    band.pop("type")
    fig.add_trace(go.Scatter(**band))
    n_bands = sum(1 for t in fig.data if t.type == "bar")
    fig.data = fig.data[:n_bands] + fig.data[-1:] + fig.data[n_bands:-1]
    title = fig.layout.title.text or ""
    fig.layout.title.text = title.replace("comparison with England", f"comparison with {phrase}")
    return fig

"""What each page exports: its chart as the app draws it, and for the pages beyond Fingertips
(inequalities, practices, alerts) the numbered parts (figure, table and words) of the export.

``reports`` turns these into files (``reports.files``, ``reports.beyond``, the board pack); the
export routes (``callbacks.exports``) check the request and call them.
"""

from __future__ import annotations

import plotly.graph_objects as go

from data.model.core import Model
from views.alerts import alert_parts, alert_pieces
from views.compare import compare_figure
from views.explorer import explorer_outputs
from views.funnel import funnel_chart
from views.inequalities import inequality_comparator, inequality_parts, inequality_pieces
from views.map import export_map
from views.overview import overview_figure_for
from views.practices import practice_parts, practice_pieces
from views.provenance import ExportRefused, Piece
from views.spine import spine_outputs
from views.trends import trends_figure

CHART_FORMATS = ("png", "svg", "pdf")
DATA_FORMATS = ("csv", "xlsx")
CHART_PAGES = ("map", "compare", "spine", "explorer", "trends", "overview", "funnel")
BEYOND_EXPORTS = {  # numbered parts (``pieces_for``)
    "inequalities": CHART_FORMATS + DATA_FORMATS,
    "practices": CHART_FORMATS + DATA_FORMATS,
    "alerts": DATA_FORMATS,
}
EXPORT_PAGES = {
    **{p: CHART_FORMATS + DATA_FORMATS for p in CHART_PAGES},
    "table": DATA_FORMATS,
    **BEYOND_EXPORTS,
}


def figure_for(state: dict, page: str) -> go.Figure:
    """The figure a chart page shows for ``state`` (the page's own view); ``ExportRefused`` when
    the selection has none (a funnel the indicator cannot have)."""
    if page == "map":
        return export_map(state)
    if page == "compare":
        return compare_figure(state)
    if page == "spine":
        return spine_outputs(state)[0]
    if page == "trends":
        return trends_figure(state)
    if page == "overview":
        return overview_figure_for(state)
    if page == "explorer":
        return explorer_outputs(state, False, "region", False)[0]
    if page == "funnel":
        fig, reason = funnel_chart(state)
        if fig is None:
            raise ExportRefused(reason)
        return fig
    raise ValueError(f"The {page} page has no chart to export.")


def pieces_for(model: Model, state: dict, page: str, link: str) -> list[Piece]:
    """The numbered parts of a page beyond Fingertips (``ExportRefused`` when it cannot be exported)."""
    if page == "inequalities":
        return inequality_pieces(model, state, link)
    if page == "practices":
        return practice_pieces(model, state, link)
    if page == "alerts":
        return alert_pieces(model, state, link)
    raise ValueError(f"unknown page {page!r}")


def part_labels(model: Model, state: dict, page: str) -> list[tuple[str, bool]] | str:
    """(label, has a chart) of each part, for the page's export links, or why there is nothing to export.

    Worked out without drawing anything (the footer asks on every change of selection); a test
    checks it against ``pieces_for``.
    """
    if page == "inequalities":
        return inequality_parts(state)
    if page == "practices":
        return practice_parts(model, state)
    if page == "alerts":
        return alert_parts(model, state)
    raise ValueError(f"unknown page {page!r}")


def comparator_for(page: str, piece: Piece, state: dict) -> str:
    """What a part's values are compared with, in words (its metadata)."""
    if page == "inequalities":
        return inequality_comparator(piece)
    if page == "practices":
        return "England (each practice's 95% Wilson interval compared with England's value)"
    if page == "alerts":  # each row names its own (England, or the CCGs with data; the region; peers)
        return "the benchmark named on each row (its Benchmark and Benchmark value columns)"
    raise ValueError(f"unknown page {page!r}")

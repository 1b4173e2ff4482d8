"""Footer components for exports: download links for the current view and the board pack.

The links are stable URLs (``/export/<page>.<fmt>?<query>``) so the same link, pasted into
a board paper, regenerates the file. The board pack builds in a background callback.
"""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from selection import export_href, pack_href, to_query
from views.exports import BEYOND_EXPORTS, CHART_FORMATS, CHART_PAGES, DATA_FORMATS, EXPORT_PAGES

IMAGE_SIZES = (("slide", "16:9 slide"), ("a4", "A4 landscape"), ("screen", "as on screen"))
PAGED_PAGES = ("compare", "spine", "overview")  # exported in legible parts (reports.parts)
PAGED_NOTE = (
    "Exported in legible parts (by region, domain or ranking): the PDF holds every part; "
    "a PNG or SVG is part 1 (add &part=2 and so on to its link)."
)


def export_links(page: str, query: str, ready: bool, reason: str = "") -> html.Div:
    """Links to every format the current page exports (or why it cannot yet)."""
    if not ready:
        return html.Div(
            [html.Span("Download: "), html.Span(reason, className="export-note")], className="export-formats"
        )
    items: list = [html.Span("Download: ")]
    if page in CHART_PAGES:
        for fmt in CHART_FORMATS:
            sizes = [
                html.A(
                    label,
                    href=export_href(page, fmt, query, size),
                    className="export-link",
                    title=f"{fmt.upper()}, {label}",
                )
                for size, label in IMAGE_SIZES
            ]
            items += [html.Strong(fmt.upper() + " "), *_joined(sizes), html.Span(" · ")]
    for fmt in DATA_FORMATS:
        items += [
            html.A(fmt.upper(), href=export_href(page, fmt, query), className="export-link"),
            html.Span(" "),
        ]
    if page in PAGED_PAGES:
        items.append(html.Span(PAGED_NOTE, className="export-note"))
    return html.Div(items, className="export-formats")


def _joined(links: list) -> list:
    out: list = []
    for i, link in enumerate(links):
        out += ([html.Span(", ")] if i else []) + [link]
    return out


def part_export_links(page: str, query: str, parts: list[tuple[str, bool]] | str) -> html.Div:
    """Download links of a page whose export is in numbered parts: each chart's images and table, the
    PDF of every chart and the workbook of every table (``parts``: label, has a chart; or why none)."""
    if isinstance(parts, str):
        return html.Div(
            [html.Span("Download: "), html.Span(parts, className="export-note")], className="export-formats"
        )
    items: list = [html.Span("Download: ")]
    for number, (label, chart) in enumerate(parts, start=1):
        links = [
            html.A(fmt.upper(), href=export_href(page, fmt, query, part=number), className="export-link")
            for fmt in (("png", "svg") if chart else ()) + ("csv",)
        ]
        items += [html.Strong(f"{number}. {label}: "), *_joined(links), html.Span(" · ")]
    if any(chart for _, chart in parts):
        sizes = [
            html.A(
                label,
                href=export_href(page, "pdf", query, size),
                className="export-link",
                title=f"PDF, {label}",
            )
            for size, label in IMAGE_SIZES
        ]
        items += [html.Strong("PDF of every chart "), *_joined(sizes), html.Span(" · ")]
    items.append(
        html.A("XLSX of every table", href=export_href(page, "xlsx", query), className="export-link")
    )
    return html.Div(items, className="export-formats")


def footer_links(state: dict, parts: list[tuple[str, bool]] | str | None = None) -> html.Div:
    """The footer's download links for the page shown (``parts``: a page of numbered parts' labels,
    ``views.exports.part_labels``), and the board pack's for the selected areas."""
    page = state.get("page", "map")
    if page not in EXPORT_PAGES:  # pages with no file of their own
        return html.Div()
    query = to_query(state)
    if page in BEYOND_EXPORTS:
        return part_export_links(page, query, parts or [])
    if page == "spine" and not state.get("areas"):
        return export_links(page, query, ready=False, reason="choose an area to export the spine chart")
    links = export_links(page, query, ready=True)
    if state.get("areas"):
        links.children += [
            html.Span(" · Board pack for the selected areas: "),
            html.A("PDF", href=pack_href(state, "pdf"), className="export-link"),
            html.Span(", "),
            html.A("PowerPoint", href=pack_href(state, "pptx"), className="export-link"),
        ]
    return links


def pack_controls() -> html.Div:
    """The Board pack button, its progress bar, status line and the download target."""
    return html.Div(
        className="pack-controls",
        children=[
            html.Button("Board pack (PDF)", id=ids.PACK_BUTTON, n_clicks=0, className="pack-button"),
            html.Progress(id=ids.PACK_PROGRESS, value="0", max="1", hidden=True, className="pack-progress"),
            html.Span(id=ids.PACK_STATUS, className="pack-status", role="status"),
            dcc.Download(id=ids.PACK_DOWNLOAD),
        ],
    )

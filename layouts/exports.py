"""Footer components for exports: download links for the current view and the board pack.

The links are stable URLs (``/export/<page>.<fmt>?<query>``) so the same link, pasted into
a board paper, regenerates the file. The board pack builds in a background callback.
"""

from __future__ import annotations

from dash import dcc, html

from layouts import ids

CHART_FORMATS = ("png", "svg", "pdf")
DATA_FORMATS = ("csv", "xlsx")
IMAGE_SIZES = (("slide", "16:9 slide"), ("a4", "A4 landscape"), ("screen", "as on screen"))
CHART_PAGES = ("map", "compare", "spine", "explorer", "trends", "overview")
PAGED_PAGES = ("compare", "spine", "overview")  # exported in legible parts (reports.parts)
PAGED_NOTE = (
    "Exported in legible parts (by region, domain or ranking): the PDF holds every part; "
    "a PNG or SVG is part 1 (add &part=2 and so on to its link)."
)


def export_href(page: str, fmt: str, query: str, size: str | None = None) -> str:
    """The stable export link for a view: the page's own query string, plus a size if not the default."""
    query = query or ""
    if size and size != "slide":
        query = f"{query}&size={size}" if query else f"?size={size}"
    return f"/export/{page}.{fmt}{query}"


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

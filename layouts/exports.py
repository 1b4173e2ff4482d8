"""Footer components for exports: download links for the current view and the board pack.

The links are stable URLs (``/export/<page>.<fmt>?<query>``) so the same link, pasted into
a board paper, regenerates the file. The board pack builds in a background callback.

A view's links carry the page's own query string, so when only the selection changes only their
query changes: each such link is marked ``data-follow-query`` with what it adds to the query
(``data-extra``: a part, a size), and the browser keeps the query in step with the address bar
(assets/nav.js), while the footer itself is sent again only when the links differ otherwise
(callbacks/shell.py). One change of indicator then builds no new components for the footer.
"""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from selection import PACK_KEYS, export_href, pack_href, to_query
from views.exports import BEYOND_EXPORTS, CHART_FORMATS, CHART_PAGES, DATA_FORMATS, EXPORT_PAGES

IMAGE_SIZES = (("slide", "16:9 slide"), ("a4", "A4 landscape"), ("screen", "as on screen"))
PAGED_PAGES = ("compare", "spine", "overview")  # exported in legible parts (reports.parts)
PAGED_NOTE = (
    "Exported in legible parts (by region, domain or ranking): the PDF holds every part; "
    "a PNG or SVG is part 1 (add &part=2 and so on to its link)."
)


def export_link(
    label: str, page: str, fmt: str, query: str, size: str | None = None, part: int = 1, **attrs
) -> html.A:
    """A link to one export of the page's view; its query follows the address bar's (assets/nav.js)."""
    extra = export_href(page, fmt, "", size, part).partition("?")[2]
    return html.A(
        label,
        href=export_href(page, fmt, query, size, part),
        className="export-link",
        **{"data-follow-query": "1", "data-extra": extra},
        **attrs,
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
                export_link(label, page, fmt, query, size, title=f"{fmt.upper()}, {label}")
                for size, label in IMAGE_SIZES
            ]
            items += [html.Strong(fmt.upper() + " "), *_joined(sizes), html.Span(" · ")]
    for fmt in DATA_FORMATS:
        items += [export_link(fmt.upper(), page, fmt, query), html.Span(" ")]
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
            export_link(fmt.upper(), page, fmt, query, part=number)
            for fmt in (("png", "svg") if chart else ()) + ("csv",)
        ]
        items += [html.Strong(f"{number}. {label}: "), *_joined(links), html.Span(" · ")]
    if any(chart for _, chart in parts):
        sizes = [
            export_link(label, page, "pdf", query, size, title=f"PDF, {label}") for size, label in IMAGE_SIZES
        ]
        items += [html.Strong("PDF of every chart "), *_joined(sizes), html.Span(" · ")]
    items.append(export_link("XLSX of every table", page, "xlsx", query))
    return html.Div(items, className="export-formats")


def footer_links(
    state: dict, parts: list[tuple[str, bool]] | str | None = None, query: str | None = None
) -> html.Div:
    """The footer's download links for the page shown (``parts``: a page of numbered parts' labels,
    ``views.exports.part_labels``), and the board pack's for the selected areas. ``query``: the
    views' query string (the selection's, unless given; "" gives the links' selection-free form)."""
    page = state.get("page", "map")
    if page not in EXPORT_PAGES:  # pages with no file of their own
        return html.Div()
    query = to_query(state) if query is None else query
    if page in BEYOND_EXPORTS:
        return part_export_links(page, query, parts or [])
    if page == "spine" and not state.get("areas"):
        return export_links(page, query, ready=False, reason="choose an area to export the spine chart")
    links = export_links(page, query, ready=True)
    if state.get("areas"):
        links.children += [
            html.Span(" · Board pack for the selected areas: "),
            pack_link("PDF", "pdf", state, query),
            html.Span(", "),
            pack_link("PowerPoint", "pptx", state, query),
        ]
    return links


def pack_link(label: str, fmt: str, state: dict, query: str) -> html.A:
    """A link to the board pack of the views' selection (``query``): the query's pack keys only,
    kept in step with the address bar by the browser like the views' links (assets/nav.js)."""
    return html.A(
        label,
        href=pack_href(state, fmt, query),
        className="export-link",
        **{"data-follow-query": "1", "data-follow-keys": ",".join(PACK_KEYS)},
    )


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

"""Files for the pages beyond Fingertips (/inequalities, /practices, /alerts), from their numbered
parts (``views.exports.pieces_for``).

Each page's charts are numbered parts, as the paged charts are: the PDF holds every part, a PNG or
SVG is ``part=N`` (1 when absent), and a CSV is the table behind chart N. An XLSX holds every table
of the page on its own sheet, with the metadata sheet (source, vintage, caveat and the comparator
named). Anything the page would replace with a fallback (no focus CCG, an indicator without
practice data) is refused with a message instead.

* inequalities: 1 the chosen ICB by practice-deprivation group (absent when no ICB is
  chosen), 2 every ICB ranked, 3 the chronic ACSC deprivation gradient of every CCG 2015/16,
  4 the same on the map (its table is part 3's);
* practices: 1 the focus CCG's practices (the chart; the CSV is the practice table) and, as
  data only, 2 the PCN roll-up;
* alerts: data only: 1 the focus area's list (every group, with the reason where the trend
  could not be assessed), 2 the red-red results of every CCG, by region.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from reports.decorate import DEFAULT_SIZE, SIZES, Size, decorate, screen_size
from reports.pack import join_pdfs
from reports.render import Renderer
from reports.tables import METADATA_SHEET
from views.exports import comparator_for
from views.provenance import OGL, OS_DATA, ExportRefused, Piece

FOOTER_PX = 260  # the exported header and footer lines around the plot


def metadata(page: str, piece: Piece, state: dict) -> list[tuple[str, str]]:
    prov = piece.provenance
    return [
        ("Title", prov.title),
        ("Selection", prov.subtitle),
        ("Source", prov.source),
        ("Caveat", prov.caveat or "none recorded"),
        ("Comparator", comparator_for(page, piece, state)),
        ("Licence", OGL + (" " + OS_DATA if prov.boundaries else "")),
        ("Method", prov.method),
        ("View", prov.link),
    ]


def choose(pieces: list[Piece], raw: str, *, charts_only: bool) -> tuple[int, Piece]:
    """``part=N`` among the pieces (only those with a chart for an image); 400 when out of range."""
    pool = [(i, p) for i, p in enumerate(pieces, start=1) if p.figure is not None or not charts_only]
    numbers = [i for i, _ in pool]
    if not raw.isdigit() or int(raw) not in numbers:
        what = "chart" if charts_only else "table"
        listing = ", ".join(f"{i} ({p.label})" for i, p in pool)
        raise ExportRefused(f"part={raw!r}: this page's {what}s are part {listing}.")
    return int(raw), dict(pool)[int(raw)]


def csv_file(page: str, pieces: list[Piece], part: str, state: dict) -> bytes:
    _, piece = choose(pieces, part, charts_only=False)
    buf = io.StringIO()
    for key, text in metadata(page, piece, state):
        buf.write(f"# {key}: {' '.join(str(text).split())}\n")
    piece.table.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def xlsx_file(page: str, pieces: list[Piece], state: dict) -> bytes:
    """Every part's table on its own sheet; the metadata of each part on the metadata sheet."""
    buf = io.BytesIO()
    meta_rows = []
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        written: list[int] = []
        for number, piece in enumerate(pieces, start=1):
            if any(piece.table is pieces[i - 1].table for i in written):
                continue  # the map's table is the ranked chart's
            written.append(number)
            sheet = f"{number} {piece.sheet}"[:31]
            piece.table.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            for i, col in enumerate(piece.table.columns, start=1):
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(40, max(10, len(str(col)) + 2))
            ws.freeze_panes = "A2"
            meta_rows += [(f"{sheet}: {k}", v) for k, v in metadata(page, piece, state)]
        pd.DataFrame(meta_rows, columns=["Field", "Text"]).to_excel(
            writer, sheet_name=METADATA_SHEET, index=False
        )
        writer.sheets[METADATA_SHEET].column_dimensions["A"].width = 34
        writer.sheets[METADATA_SHEET].column_dimensions["B"].width = 120
    return buf.getvalue()


def file_name(state: dict, page: str, fmt: str, part: int | None = None) -> str:
    focus = "-".join(state.get("areas") or []) or "england"
    if page == "inequalities":
        body = f"{state.get('ineq') or 'default'}_{state.get('icb') or focus}"
    elif page == "practices":
        body = f"{state['indicator']}_{focus}"
    elif page == "experience":
        body = f"{(state.get('areas') or ['england'])[0]}_{state['benchmark']}_{state['ci']}"
    else:
        body = f"{focus}_{state['benchmark']}_{state['ci']}"
    body = "".join(c if c.isalnum() or c in "._-" else "-" for c in body).strip("-")
    suffix = f"_part{part}" if part and part > 1 else ""
    return f"ccg-outcomes_{page}_{body}{suffix}.{fmt}"


def beyond_file(
    pieces: list[Piece],
    state: dict,
    page: str,
    fmt: str,
    params: dict[str, str],
    get_renderer: Callable[[], Renderer],
) -> tuple[bytes, str]:
    """(bytes, file name) of one export of these pages from its parts (``views.exports.pieces_for``;
    ``params``: size and part, the size already checked; ``get_renderer``: gives the renderer)."""
    part = params.get("part", "1")
    if fmt == "csv":
        number, _ = choose(pieces, part, charts_only=False)
        return csv_file(page, pieces, part, state), file_name(state, page, fmt, number)
    if fmt == "xlsx":
        if "part" in params:
            raise ExportRefused("An XLSX holds every table of the page (one sheet each): leave out part=.")
        return xlsx_file(page, pieces, state), file_name(state, page, fmt)
    size_name = params.get("size", DEFAULT_SIZE)
    charts = [p for p in pieces if p.figure is not None]

    def size_of(fig: go.Figure) -> Size:
        """The chosen size, made taller for a long chart (every ICB) so its rows stay legible."""
        base = screen_size(fig) if size_name == "screen" else SIZES[size_name]
        needed = int((fig.layout.height or 0) + FOOTER_PX)
        return base if needed <= base.height else Size(base.name, base.label, base.width, needed)

    renderer = get_renderer()
    suffix = "" if size_name == DEFAULT_SIZE else f"_{size_name}"
    if fmt == "pdf":
        if "part" in params:
            raise ExportRefused("A PDF holds every chart of the page (one page each): leave out part=.")
        blobs = renderer.render_many(
            [
                (decorate(p.figure, p.provenance, size_of(p.figure)), "pdf", *dims(size_of(p.figure)), 1.0)
                for p in charts
            ]
        )
        name = file_name(state, page, fmt).replace(".pdf", f"{suffix}.pdf")
        return join_pdfs(blobs, charts[0].provenance.title), name
    number, piece = choose(pieces, part, charts_only=True)
    size = size_of(piece.figure)
    scale = size.png_scale() if fmt == "png" else 1.0
    body = renderer.render(
        decorate(piece.figure, piece.provenance, size), fmt, size.width, size.height, scale
    )
    return body, file_name(state, page, fmt, number).replace(f".{fmt}", f"{suffix}.{fmt}")


def dims(size: Size) -> tuple[int, int]:
    return size.width, size.height

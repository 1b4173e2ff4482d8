"""One view's export as a file: its chart (PNG, SVG, PDF; paged charts in legible parts) or its
data (CSV, XLSX), with the provenance every export carries. The selection comes already checked
(``callbacks.exports``); what the page shows comes from its view (``views.exports``)."""

from __future__ import annotations

from collections.abc import Callable

from data.model.core import Model
from reports import describe, tables
from reports.beyond import beyond_file
from reports.decorate import DEFAULT_SIZE, SIZES, decorate, screen_size
from reports.pack import join_pdfs
from reports.parts import Part, chart_parts
from reports.render import Renderer
from views.exports import BEYOND_EXPORTS, DATA_FORMATS, figure_for, pieces_for
from views.provenance import ExportRefused

PAGED = ("compare", "spine", "overview")  # charts split into legible parts (reports.parts)


def part_number(params: dict[str, str], n_parts: int) -> int:
    """``part=N`` of a paged chart's image export (1 when absent); refused when out of range."""
    raw = params.get("part", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= n_parts:
        raise ExportRefused(f"part={raw!r}: this chart has {n_parts} part(s); use part=1 to {n_parts}.")
    return int(raw)


def export_file(
    model: Model,
    state: dict,
    page: str,
    fmt: str,
    params: dict[str, str],
    link: str,
    get_renderer: Callable[[], Renderer],
) -> tuple[bytes, str]:
    """(file bytes, file name) for one view export (``params``: size and part, the size checked;
    ``ExportRefused`` for what the selection cannot give)."""
    if page in BEYOND_EXPORTS:
        return beyond_file(pieces_for(model, state, page, link), state, page, fmt, params, get_renderer)
    size_name = params.get("size", DEFAULT_SIZE)
    prov = describe.provenance(model, state, page, link)
    name = describe.file_name(state, page, fmt)
    if fmt in DATA_FORMATS:
        frame = tables.view_table(model, state, page)
        meta = tables.metadata(model, state, page, prov)
        return (tables.csv_bytes if fmt == "csv" else tables.xlsx_bytes)(frame, meta), name
    if page in PAGED:
        size = SIZES[size_name]
        parts = chart_parts(model, state, page, prov, size, figure_for)
    else:
        fig = figure_for(state, page)
        size = screen_size(fig) if size_name == "screen" else SIZES[size_name]
        parts = [Part(fig, prov)]
    renderer = get_renderer()
    if fmt == "pdf":
        blobs = renderer.render_many(
            [(decorate(p.figure, p.provenance, size), "pdf", size.width, size.height, 1.0) for p in parts]
        )
        body = join_pdfs(blobs, prov.title)
    else:
        number = part_number(params, len(parts))
        chosen = parts[number - 1]
        scale = size.png_scale() if fmt == "png" else 1.0
        body = renderer.render(
            decorate(chosen.figure, chosen.provenance, size), fmt, size.width, size.height, scale
        )
        if number > 1:
            name = name.replace(f".{fmt}", f"_part{number}.{fmt}")
    if size_name != DEFAULT_SIZE:
        name = name.replace(f".{fmt}", f"_{size_name}.{fmt}")
    return body, name

"""Board packs for chosen CCGs: a PDF (kaleido pages joined with pypdf) and a PowerPoint deck.

A pack has a title page; a plain-English summary per area; the spine chart; for each
indicator where an area is significantly worse, its map and compare chart (and trend when
there are several periods); and a data appendix. Figures come from ``figure_for`` (the
app's own builders), so the pack shows what the app shows.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation
from pptx.util import Emu, Inches, Pt
from pypdf import PdfReader, PdfWriter

from data import schema as s
from data.model import Model
from data.queries import indicator_periods
from data.views import geography_of, spine_rows
from layouts.state import parse_query, to_query
from reports import describe
from reports.decorate import EXPORT_FONT, OGL, OS_DATA, SIZES, Provenance, Size, decorate, text_page
from reports.render import Renderer
from reports.tables import view_table

log = logging.getLogger(__name__)

FigureFor = Callable[[dict, str], go.Figure]
Progress = Callable[[int, int, str], None]
APPENDIX_COLUMNS = ["Indicator Name", "Area Name", "Time period", "Value", "Benchmark value", "Benchmark"]
PDF_ROWS_PER_PAGE, PPTX_ROWS_PER_SLIDE = 22, 12
MAX_DETAILED = 12  # worse indicators given their own map/compare/trend pages


@dataclass
class Page:
    """One page/slide: text (paragraphs), a chart (figure + alt text) or a table."""

    kind: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    figure: go.Figure | None = None
    alt: str = ""
    table: pd.DataFrame | None = None
    provenance: Provenance | None = None


def _names(model: Model, codes: list[str]) -> dict[str, str]:
    names = model.areas.drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)[s.AREA_NAME]
    return {c: str(names.get(c, c)) for c in codes}


def summary_sentence(rows: pd.DataFrame, area_name: str, versus: str) -> str:
    """'Of N indicators, A are significantly worse than England: ...; B better: ...' for one area."""
    have = rows[rows[s.VALUE].notna()]
    # an indicator whose national comparator is a partial sum names it (never "England")
    named = have["short_name"].astype(str)
    if "benchmark" in have:
        bench = have["benchmark"].astype(str)
        named = named.where(bench.isin(["England", "NHS region"]), named + " (against " + bench + ")")
    worse = named[have["category"] == s.WORSE].tolist()
    better = named[have["category"] == s.BETTER].tolist()
    similar = int((have["category"] == s.SIMILAR).sum())
    other = len(have) - len(worse) - len(better) - similar
    text = (
        f"{area_name}: of {len(have)} indicators, {len(worse)} "
        f"{'is' if len(worse) == 1 else 'are'} significantly worse than {versus}"
        f"{': ' + '; '.join(worse) if worse else ''}. {len(better)} better"
        f"{': ' + '; '.join(better) if better else ''}. {similar} similar; {other} not judged better or "
        "worse (no polarity, or not compared)."
    )
    return text


def _state(model: Model, wanted: dict) -> dict:
    state, _ = parse_query(model, to_query(wanted))
    return state


def plan_pack(
    model: Model, areas: list[str], *, benchmark: str, ci: str, figure_for: FigureFor, link_root: str
) -> list[Page]:
    """Every page of the pack, in order (figures built, not yet rendered)."""
    names = _names(model, areas)
    versus = "England" if benchmark == "england" else "their NHS region"
    rows = spine_rows(model, areas, benchmark=benchmark, ci=ci)
    geography = geography_of(model, areas[0]) or s.HOME_GEOGRAPHY
    base = {"areas": areas, "benchmark": benchmark, "ci": ci, "geography": geography}
    worse = rows[(rows["category"] == s.WORSE) & rows[s.VALUE].notna()]
    worse_ids = list(dict.fromkeys(worse[s.INDICATOR_ID]))
    detailed = worse_ids[:MAX_DETAILED]
    who = ", ".join(f"{names[c]} ({c})" for c in areas)
    pages = [
        Page(
            "text",
            f"Board pack: {', '.join(names.values())}",
            [
                f"Areas: {who}.",
                f"Benchmark: {versus}, at {ci}% confidence. Prepared {date.today():%d %B %Y} by the "
                f"{describe.APP_NAME}.",
                "Contents: summary; spine chart of every indicator; a map and comparison chart for each "
                f"indicator significantly worse than {versus} ({len(worse_ids)}); trends where there "
                "are several periods; data appendix.",
                f"{OGL} {OS_DATA}",
            ],
        )
    ]
    summary = [summary_sentence(rows[rows[s.AREA_CODE] == c], names[c], versus) for c in areas]
    if len(worse_ids) > len(detailed):
        summary.append(
            f"Detailed pages follow for the first {len(detailed)} of {len(worse_ids)} worse indicators."
        )
    pages.append(Page("text", "Summary", summary))

    spine_state = _state(model, base)
    n_ind = rows[s.INDICATOR_ID].nunique()
    alt = (
        f"Spine chart of {n_ind} indicators for {who}: each area's value against the range of "
        f"all areas, England at the centre. {summary[0]}"
    )
    pages.append(_chart(model, spine_state, "spine", "Spine chart", alt, figure_for, link_root))
    for ind in detailed:
        row = worse[worse[s.INDICATOR_ID] == ind].iloc[0]
        state = _state(model, base | {"indicator": ind, "period": row[s.PERIOD]})
        meta = model.catalogue.loc[ind]
        fact = (
            f"{names[row[s.AREA_CODE]]} is significantly worse than "
            f"{row['benchmark'] if benchmark == 'england' else versus} on {meta['short_name']} "
            f"in {row[s.PERIOD]}: {row[s.VALUE]:,.3g} against {row['benchmark']} {row['england_value']:,.3g} ({meta['unit']})."
        )
        for page, kind in (("map", "Map"), ("compare", "Bar chart ranking every area")):
            alt = f"{kind} of {meta['short_name']}, {row[s.PERIOD]}, {s.GEOGRAPHIES[geography]}. {fact}"
            pages.append(
                _chart(model, state, page, f"{meta['short_name']}: {page}", alt, figure_for, link_root)
            )
        periods = indicator_periods(model, ind, geography)
        if len(periods) > 1:
            alt = (
                f"Line chart of {meta['short_name']} over {len(periods)} periods "
                f"({periods[0]} to {periods[-1]}) for {who}, England and region. {fact}"
            )
            title = f"{meta['short_name']}: trend"
            pages.append(_chart(model, state, "trends", title, alt, figure_for, link_root))
    appendix = view_table(model, spine_state, "spine")
    cmp_col = [c for c in appendix.columns if c.startswith("Compared to")][0]
    table = appendix[APPENDIX_COLUMNS + [cmp_col]].copy()
    for col in ("Value", "Benchmark value"):
        table[col] = table[col].map(lambda v: "" if pd.isna(v) else f"{v:,.4g}")
    table = table.rename(columns={cmp_col: f"Compared with {versus}"})
    pages.append(Page("table", "Data appendix", table=table))
    return pages


def _chart(
    model: Model, state: dict, page: str, title: str, alt: str, figure_for: FigureFor, link_root: str
) -> Page:
    """A chart page: the app's figure for the view and its provenance (decorated at render time)."""
    link = f"{link_root.rstrip('/')}/{page}{quote(to_query(state), safe='?=&,:/')}"
    prov = describe.provenance(model, state, page, link)
    return Page("chart", title, figure=figure_for(state | {"page": page}, page), alt=alt, provenance=prov)


def _fit(page: Page, size: Size) -> go.Figure:
    assert page.figure is not None and page.provenance is not None
    return decorate(page.figure, page.provenance, size)


def _table_figure(title: str, frame: pd.DataFrame, size: Size) -> go.Figure:
    fig = go.Figure(
        go.Table(
            header=dict(values=[f"<b>{c}</b>" for c in frame.columns], fill_color="#E8EEF4", align="left"),
            cells=dict(
                values=[frame[c].astype(str).tolist() for c in frame.columns], align="left", height=26
            ),
            columnwidth=[3, 3, 1.2, 1, 1, 1.5],
        )
    )
    fig.update_layout(
        width=size.width,
        height=size.height,
        title=dict(text=title, x=0.02),
        margin=dict(l=30, r=30, t=60, b=30),
        font=dict(family=EXPORT_FONT, size=12),
    )
    return fig


def _chunks(frame: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    return [frame.iloc[i : i + n] for i in range(0, max(len(frame), 1), n)]


def pack_pdf(pages: list[Page], renderer: Renderer, progress: Progress | None = None) -> bytes:
    """Each page rendered as an A4 landscape PDF by kaleido, joined with pypdf."""
    size = SIZES["a4"]
    figs: list[go.Figure] = []
    for page in pages:
        if page.kind == "text":
            figs.append(text_page(page.title, page.paragraphs, size, footer=describe.APP_NAME))
        elif page.kind == "chart":
            figs.append(_fit(page, size))
        else:
            parts = _chunks(page.table, PDF_ROWS_PER_PAGE)
            figs += [
                _table_figure(f"{page.title} ({i + 1} of {len(parts)})", p, size) for i, p in enumerate(parts)
            ]
    blobs = _render_in_steps(renderer, [(f, "pdf", size.width, size.height, 1.0) for f in figs], progress)
    writer = PdfWriter()
    for blob in blobs:
        writer.append(PdfReader(io.BytesIO(blob)))
    writer.add_metadata({"/Title": pages[0].title, "/Creator": describe.APP_NAME})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _render_in_steps(renderer: Renderer, jobs: list, progress: Progress | None, step: int = 4) -> list[bytes]:
    out: list[bytes] = []
    for i in range(0, len(jobs), step):
        out += renderer.render_many(jobs[i : i + step])
        if progress:
            progress(len(out), len(jobs), f"rendered {len(out)} of {len(jobs)} pages")
    return out


def _set_alt(picture, text: str) -> None:
    """Alt text: the picture's ``descr`` (what screen readers and PowerPoint's Alt Text show)."""
    picture._element.nvPicPr.cNvPr.set("descr", text)


def pack_pptx(pages: list[Page], renderer: Renderer, progress: Progress | None = None) -> bytes:
    """A 16:9 deck: text slides, one full-slide chart picture per chart (with alt text), tables."""
    size = SIZES["slide"]
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    charts = [p for p in pages if p.kind == "chart"]
    jobs = [(_fit(p, size), "png", size.width, size.height, size.png_scale()) for p in charts]
    images = iter(_render_in_steps(renderer, jobs, progress))
    for index, page in enumerate(pages):
        if page.kind == "text":
            layout = prs.slide_layouts[0] if index == 0 else prs.slide_layouts[1]
            slide = prs.slides.add_slide(layout)
            slide.shapes.title.text = page.title
            body = slide.placeholders[1].text_frame
            body.text = page.paragraphs[0] if page.paragraphs else ""
            for para in page.paragraphs[1:]:
                body.add_paragraph().text = para
            for para in body.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(16 if index else 14)
            if index == 0:
                slide.placeholders[1].top, slide.placeholders[1].height = Inches(3.6), Inches(3.4)
                slide.placeholders[1].left, slide.placeholders[1].width = Inches(0.8), Inches(11.7)
            else:
                slide.placeholders[1].left, slide.placeholders[1].width = Inches(0.6), Inches(12.1)
        elif page.kind == "chart":
            slide = prs.slides.add_slide(prs.slide_layouts[6])
            pic = slide.shapes.add_picture(io.BytesIO(next(images)), 0, 0, prs.slide_width, prs.slide_height)
            pic.name = page.title
            _set_alt(pic, page.alt)
        else:
            parts = _chunks(page.table, PPTX_ROWS_PER_SLIDE)
            for i, part in enumerate(parts):
                slide = prs.slides.add_slide(prs.slide_layouts[5])
                slide.shapes.title.text = f"{page.title} ({i + 1} of {len(parts)})"
                rows, cols = len(part) + 1, len(part.columns)
                shape = slide.shapes.add_table(
                    rows, cols, Inches(0.4), Inches(1.4), Inches(12.5), Emu(Inches(0.4) * rows)
                )
                for j, col in enumerate(part.columns):
                    shape.table.cell(0, j).text = str(col)
                for r, values in enumerate(part.astype(str).itertuples(index=False), start=1):
                    for j, value in enumerate(values):
                        shape.table.cell(r, j).text = value
                for cell in (c for row in shape.table.rows for c in row.cells):
                    for para in cell.text_frame.paragraphs:
                        for run in para.runs:
                            run.font.size = Pt(11)
    prs.core_properties.title = pages[0].title
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def build_pack(
    model: Model,
    areas: list[str],
    fmt: str,
    *,
    benchmark: str,
    ci: str,
    figure_for: FigureFor,
    link_root: str,
    renderer: Renderer,
    progress: Progress | None = None,
) -> bytes:
    """The board pack for ``areas`` as ``fmt`` ('pdf' or 'pptx')."""
    if fmt not in ("pdf", "pptx"):
        raise ValueError(f"pack format must be pdf or pptx, not {fmt!r}")
    if not areas:
        raise ValueError("a board pack needs at least one area")
    pages = plan_pack(model, areas, benchmark=benchmark, ci=ci, figure_for=figure_for, link_root=link_root)
    log.info("board pack for %s: %d pages planned", ",".join(areas), len(pages))
    return (pack_pdf if fmt == "pdf" else pack_pptx)(pages, renderer, progress)

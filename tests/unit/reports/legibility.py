"""Legibility checks for exported files: text size, text inside the page, no overlapping text.

The standard (issue 9): no PDF text under 9 pt; no SVG text under 14 px at 1600 x 900; no two
text boxes overlapping; nothing cut at the page edge. PDFs are read with pdfplumber's word
boxes (the font size each glyph is drawn at); SVGs are laid out by Chromium (Playwright) and
each ``<text>`` element's computed font size and bounding box are read.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

MIN_PDF_PT = 9.0
MIN_SVG_PX = 14.0
SLACK = 1.0  # points / pixels of overlap tolerated (anti-aliasing, glyph side bearings)
EDGE = 3.0  # text this close to the page edge has been cut (renderers drop what falls outside)


@dataclass(frozen=True)
class Box:
    text: str
    size: float
    x0: float
    top: float
    x1: float
    bottom: float
    column: str = ""  # rotated glyphs of one vertical line share a column (their boxes touch)

    def overlaps(self, other: Box, slack: float = SLACK) -> bool:
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > slack
            and min(self.bottom, other.bottom) - max(self.top, other.top) > slack
        )


def problems_in(boxes: list[Box], width: float, height: float, min_size: float, where: str) -> list[str]:
    """Text under ``min_size``, outside the page, or overlapping another text box."""
    out = []
    for b in boxes:
        if b.size < min_size - 0.05:
            out.append(f"{where}: {b.text!r} is {b.size:.1f} (under {min_size:g})")
        if b.x0 < EDGE or b.top < EDGE or b.x1 > width - EDGE or b.bottom > height - EDGE:
            out.append(
                f"{where}: {b.text!r} is cut at the page edge ({b.x0:.0f},{b.top:.0f})-({b.x1:.0f},{b.bottom:.0f})"
            )
    ordered = sorted(boxes, key=lambda b: b.top)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.top - a.bottom > 0:
                break
            if a.column and a.column == b.column:
                continue
            if a.overlaps(b):
                out.append(f"{where}: {a.text!r} overlaps {b.text!r}")
    return out


def pdf_boxes(data: bytes) -> list[tuple[float, float, list[Box]]]:
    """(page width, page height, word boxes) for every page of a PDF, in points."""
    import pdfplumber

    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            upright = page.filter(lambda o: o.get("object_type") != "char" or o.get("upright", True))
            words = upright.extract_words(extra_attrs=["size"], use_text_flow=True)
            boxes = [
                Box(w["text"], float(w["size"]), w["x0"], w["top"], w["x1"], w["bottom"])
                for w in words
                if w["text"].strip()
            ]
            # rotated glyphs (vertical axis titles): one box each, the font size is the box's width
            boxes += [
                Box(
                    c["text"],
                    float(c["x1"] - c["x0"]),
                    c["x0"],
                    c["top"],
                    c["x1"],
                    c["bottom"],
                    column=f"{c['x0']:.1f}",
                )
                for c in page.chars
                if not c.get("upright", True) and c["text"].strip()
            ]
            pages.append((float(page.width), float(page.height), boxes))
    return pages


def pdf_problems(data: bytes, min_pt: float = MIN_PDF_PT, name: str = "pdf") -> list[str]:
    """Every legibility problem of a PDF (empty when it meets the standard)."""
    out = []
    for number, (width, height, boxes) in enumerate(pdf_boxes(data), start=1):
        out += problems_in(boxes, width, height, min_pt, f"{name} page {number}")
    return out


SVG_SCRIPT = """
() => {
  const svg = document.querySelector('svg');
  const root = svg.getBoundingClientRect();
  const out = [];
  for (const t of document.querySelectorAll('text')) {
    const text = (t.textContent || '').trim();
    if (!text) continue;
    const style = getComputedStyle(t);
    if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') continue;
    let hidden = false;
    for (let n = t; n && n !== svg; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.opacity === '0') { hidden = true; break; }
    }
    if (hidden) continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const ctm = t.getScreenCTM();
    const scale = ctm ? Math.sqrt(Math.abs(ctm.a * ctm.d - ctm.b * ctm.c)) : 1;
    // one box per rendered line (<tspan class="line">), else the element
    const lines = t.querySelectorAll('tspan.line');
    const rects = lines.length ? Array.from(lines).map(l => [l.textContent, l.getBoundingClientRect()]) : [[text, r]];
    for (const [txt, b] of rects) {
      if (!txt || !txt.trim() || b.width === 0) continue;
      out.push({text: txt.trim(), size: parseFloat(style.fontSize) * scale,
                x0: b.left - root.left, top: b.top - root.top, x1: b.right - root.left, bottom: b.bottom - root.top});
    }
  }
  return {width: root.width, height: root.height, boxes: out};
}
"""


class SvgMeasurer:
    """A headless Chromium page that lays out SVGs and reports their text boxes.

    Playwright runs on a thread of its own: the browser tests keep a sync Playwright open on
    the main thread for the whole session, and a second sync instance may not start there.
    """

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="svg-measurer")
        self._thread.submit(self._start).result()

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        self._page = self._browser.new_page(viewport={"width": 1700, "height": 1000})

    def _measure(self, svg: bytes) -> dict:
        html = "<html><body style='margin:0'>" + svg.decode("utf-8") + "</body></html>"
        self._page.set_content(html)
        return self._page.evaluate(SVG_SCRIPT)

    def boxes(self, svg: bytes) -> tuple[float, float, list[Box]]:
        got = self._thread.submit(self._measure, svg).result()
        return got["width"], got["height"], [Box(**b) for b in got["boxes"]]

    def problems(self, svg: bytes, min_px: float = MIN_SVG_PX, name: str = "svg") -> list[str]:
        width, height, boxes = self.boxes(svg)
        return problems_in(boxes, width, height, min_px, name)

    def _stop(self) -> None:
        self._browser.close()
        self._pw.stop()

    def close(self) -> None:
        try:
            self._thread.submit(self._stop).result()
        finally:
            self._thread.shutdown()

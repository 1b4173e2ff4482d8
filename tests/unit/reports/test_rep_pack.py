"""Board packs (PDF and PowerPoint) for three real CCGs, each built once, checked as a reader would.

Kernow (E38000089), Barnsley (E38000006) and North Central London (E38000240): every PDF page
meets the text-size and no-overlap standard; every slide is numbered or is a full chart picture
with alt text; native slide text is at least 9 pt and stays on the slide; the chart pictures,
rendered as SVG at slide size, meet the 14 px standard.
"""

from __future__ import annotations

import io
import re

import pytest
from export_helpers import needs_chromium, pdf_text
from legibility import SvgMeasurer, pdf_problems
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from data.model import schema as s

pytestmark = [pytest.mark.slow, needs_chromium]
AREAS = ("E38000089", "E38000006", "E38000240")
NAMES = {
    "E38000089": "NHS Kernow CCG",
    "E38000006": "NHS Barnsley CCG",
    "E38000240": "NHS North Central London CCG",
}


class Packs(dict):
    """{(area, fmt): response}, each pack rendered once, when a test first asks for it."""

    def __init__(self, client) -> None:
        super().__init__()
        self.client = client

    def __missing__(self, key):
        area, fmt = key
        self[key] = self.client.get(f"/export/pack.{fmt}?areas={area}")
        return self[key]


@pytest.fixture(scope="session")
def packs(export_client) -> Packs:
    return Packs(export_client)


@pytest.fixture(scope="module")
def plan(model):
    from reports.pack import plan_pack
    from views.exports import figure_for

    return plan_pack(model, [AREAS[0]], benchmark="england", ci="95", figure_for=figure_for, link_root="")


def test_plan_sections_in_order(plan, model):
    titles = [p.title for p in plan]
    assert titles[:4] == [
        "Board pack: NHS Kernow CCG",
        "Key messages",
        "Early warning",
        "Compared with similar CCGs",
    ]
    assert titles[-1].startswith("Data appendix (") and titles[-1].endswith(")")
    spine_titles = [t for t in titles if t.endswith(": spine chart")]
    # the outcome domains in one spine chart (over as many pages as it needs), context last
    assert spine_titles[0] == "Outcome indicators: spine chart"
    context_at = titles.index("Context: spine chart")
    assert all(not t.startswith("Outcome") and ": compared" not in t for t in titles[context_at:])
    # every indicator that differs: one comparison page (its similar CCGs), no region overflow pages
    assert not any(re.search(r"compared \(\d+ of \d+\)", t) for t in titles)
    assert all(p.number == f"Page {i} of {len(plan)}" for i, p in enumerate(plan, start=1))
    charts = [p for p in plan if p.kind == "chart"]
    assert charts and all(p.alt and len(p.alt) > 60 for p in charts)
    assert all(p.provenance.page_label == p.number for p in charts)
    assert not any("127.0.0.1" in p.provenance.link or "localhost" in p.provenance.link for p in charts)


def test_trends_only_with_three_periods(plan, model):
    from data.queries.rows import indicator_periods

    for page in plan:
        if page.title.endswith(": trend"):
            link = page.provenance.link
            ind = re.search(r"indicator=([^&]+)", link).group(1)
            assert len(indicator_periods(model, ind, "ccg21")) >= 3


def test_key_messages_table_and_sentences(model):
    from data.queries.view_frames import spine_rows
    from reports.pack import key_sentence, key_table

    rows = spine_rows(model, [AREAS[1]])
    table = key_table(model, rows, {AREAS[1]: NAMES[AREAS[1]]}, "england", "ccg21")
    assert len(table) >= 2
    assert set(table["Compared"]) <= {s.WORSE, s.BETTER}
    assert (table["domain"] != "context").all()
    worse_first = table["Compared"].tolist()
    assert worse_first == sorted(worse_first, key=lambda c: c != s.WORSE)
    for _, row in table.iterrows():
        sentence = key_sentence(row)
        side = "worse" if row["Compared"] == s.WORSE else "better"
        assert f"{NAMES[AREAS[1]]} is significantly {side} than England" in sentence
        assert row["Value"] in sentence and row["Period"] in sentence
        assert row["stale"] == ("OLDER DATA" in row["Data age"])


@pytest.mark.parametrize("area", AREAS)
def test_pack_pdf_is_legible_and_complete(packs, area, tmp_path):
    response = packs[(area, "pdf")]
    assert response.status_code == 200, response.data[:300]
    problems = pdf_problems(response.data, name=f"pack {area}")
    assert not problems, "\n".join(problems[:20])
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.data)
    text = " ".join(pdf_text(path).split())
    n_pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    for i in range(1, n_pages + 1):
        assert f"Page {i} of {n_pages}" in text
    for part in (
        f"Board pack: {NAMES[area]}",
        "Key messages",
        "spine chart",
        "Context: spine chart",
        "Data appendix (1 of",
        "Data sources:",
        "Open Government Licence v3.0",
        "outcome indicators (Domains 1-5) and",
    ):
        assert part in text, part
    assert "127.0.0.1" not in text and "localhost" not in text


def _boxes(slide):
    return [
        (sh, sh.left, sh.top, sh.left + sh.width, sh.top + sh.height)
        for sh in slide.shapes
        if sh.shape_type != MSO_SHAPE_TYPE.PICTURE
    ]


@pytest.mark.parametrize("area", AREAS)
def test_pack_pptx_numbered_alt_text_and_fits(packs, area):
    response = packs[(area, "pptx")]
    assert response.status_code == 200, response.data[:300]
    deck = Presentation(io.BytesIO(response.data))
    width, height = deck.slide_width, deck.slide_height
    slides = list(deck.slides)
    n = len(slides)
    for i, slide in enumerate(slides, start=1):
        pictures = [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        if pictures:
            assert len(list(slide.shapes)) == 1  # the chart is the slide (its footer carries the number)
            alt = pictures[0]._element.nvPicPr.cNvPr.get("descr")
            assert alt and len(alt) > 60, f"slide {i} has no alt text"
            assert pictures[0].image.size[0] >= 1600
            continue
        texts = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        assert f"Page {i} of {n}" in texts
        boxes = _boxes(slide)
        for shape, left, top, right, bottom in boxes:
            assert left >= 0 and top >= 0 and right <= width and bottom <= height, f"slide {i}: {shape.name}"
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames = [c.text_frame for row in shape.table.rows for c in row.cells]
                assert bottom + Emu(_table_growth(shape)) <= height, f"slide {i}: table runs off"
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        assert run.font.size is not None and run.font.size.pt >= 9
        for j, (a, *ra) in enumerate(boxes):
            for b, *rb in boxes[j + 1 :]:
                apart = ra[2] <= rb[0] or rb[2] <= ra[0] or ra[3] <= rb[1] or rb[3] <= ra[1]
                assert apart, f"slide {i}: {a.name} overlaps {b.name}"
    assert slides[0].shapes[0].text_frame.text == f"Board pack: {NAMES[area]}"
    assert "Key messages" in slides[1].shapes[0].text_frame.text


def _table_growth(shape) -> int:
    """EMU a table grows past its drawn height once PowerPoint wraps its cells (0.55 em glyphs)."""
    table = shape.table
    total = 0
    for row in table.rows:
        need = 0
        for cell, col in zip(row.cells, table.columns, strict=True):
            size = max((r.font.size.pt for p in cell.text_frame.paragraphs for r in p.runs), default=12)
            per_line = max(1, int((col.width / 12700 - 10) / (size * 0.55)))
            lines = -(-len(cell.text_frame.text) // per_line) or 1
            need = max(need, int((lines * size * 1.2 + 4) * 12700))
        total += max(row.height, need)
    return max(0, total - shape.height)


def test_pack_chart_pictures_meet_the_slide_standard(model):
    """The PowerPoint's chart pictures are these figures at 1600 x 900: their SVGs are legible."""
    from reports.decorate import SIZES, decorate
    from reports.pack import plan_pack
    from reports.render import get_renderer
    from views.exports import figure_for

    size = SIZES["slide"]
    pages = plan_pack(
        model, [AREAS[1]], benchmark="england", ci="95", figure_for=figure_for, link_root="", size=size
    )
    charts = [p for p in pages if p.kind == "chart"]
    svgs = get_renderer().render_many(
        [(decorate(p.figure, p.provenance, size), "svg", size.width, size.height, 1.0) for p in charts]
    )
    measurer = SvgMeasurer()
    try:
        problems = [
            pr for p, svg in zip(charts, svgs, strict=True) for pr in measurer.problems(svg, name=p.title)
        ]
    finally:
        measurer.close()
    assert not problems, "\n".join(problems[:20])

"""The board pack for one CCG, built once as PDF and PPTX (detail pages capped to keep it quick)."""

from __future__ import annotations

import io

import pytest
from conftest import needs_chromium, pdf_pages, pdf_text
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from data import schema as s

pytestmark = [pytest.mark.slow, needs_chromium]
AREA = "E38000014"  # NHS Blackburn with Darwen CCG


@pytest.fixture(scope="module")
def packs(export_client):
    import reports.pack

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reports.pack, "MAX_DETAILED", 1)
        pdf = export_client.get(f"/export/pack.pdf?areas={AREA}")
        pptx = export_client.get(f"/export/pack.pptx?areas={AREA}&ci=99.8")
    return pdf, pptx


def test_pack_plan_has_every_section(model):
    from callbacks.exports import figure_for
    from reports.pack import plan_pack

    pages = plan_pack(
        model, [AREA], benchmark="england", ci="95", figure_for=figure_for, link_root="http://h/"
    )
    titles = [p.title for p in pages]
    assert titles[0].startswith("Board pack: NHS Blackburn with Darwen CCG")
    assert titles[1] == "Summary" and titles[2] == "Spine chart" and titles[-1] == "Data appendix"
    summary = pages[1].paragraphs[0]
    assert "indicators," in summary and "significantly worse than England" in summary
    n_worse = int(summary.split("indicators, ")[1].split(" ")[0])
    maps = [p for p in pages if p.title.endswith(": map")]
    assert len(maps) == min(n_worse, 12) and all(p.alt and p.provenance.boundaries for p in maps)
    assert len([p for p in pages if p.title.endswith(": compare")]) == len(maps)
    assert all(p.alt for p in pages if p.kind == "chart")


def test_pack_pdf(packs, tmp_path):
    response = packs[0]
    assert response.status_code == 200, response.data[:200]
    assert response.headers["Content-Disposition"].endswith(f'ccg-outcomes_board-pack_{AREA}.pdf"')
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.data)
    n_pages = pdf_pages(path)
    assert n_pages >= 7  # title, summary, spine, map, compare, (trend), appendix pages
    text = " ".join(pdf_text(path).split())
    for part in (
        "Board pack: NHS Blackburn with Darwen CCG",
        "Summary",
        "Spine chart",
        "Data appendix",
        "significantly worse than England",
        "Open Government Licence v3.0",
        "Contains OS data",
    ):
        assert part in text


def test_pack_pptx_slides_and_alt_text(packs):
    response = packs[1]
    assert response.status_code == 200, response.data[:200]
    deck = Presentation(io.BytesIO(response.data))
    slides = list(deck.slides)
    assert slides[0].shapes.title.text.startswith("Board pack: NHS Blackburn with Darwen CCG")
    assert slides[1].shapes.title.text == "Summary"
    assert "significantly worse than England" in slides[1].placeholders[1].text_frame.text
    pictures = [sh for sl in slides for sh in sl.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) >= 3  # spine, map, compare (+ trend)
    for pic in pictures:
        alt = pic._element.nvPicPr.cNvPr.get("descr")
        assert alt and len(alt) > 40
        assert pic.image.size[0] >= 1600
    tables = [sh for sl in slides for sh in sl.shapes if sh.has_table]
    assert tables and tables[0].table.cell(0, 0).text == "Indicator Name"
    assert any("99.8" in sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    assert s.ENGLAND_NAME in " ".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)

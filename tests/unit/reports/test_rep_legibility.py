"""Every chart page's exports meet issue 9's legibility standard, read back from the files.

PDF (slide and A4): no word under 9 pt, none cut at the page edge, no two words overlapping.
SVG at 1600 x 900 (and as on screen): no text element under 14 px, none outside the image, none
overlapping another. Paged charts (compare, spine, overview) are checked on every PDF page
and on the first and last image parts.
"""

from __future__ import annotations

import pytest
from export_helpers import needs_chromium
from legibility import SvgMeasurer, pdf_boxes, pdf_problems

pytestmark = [pytest.mark.slow, needs_chromium]
AREA = "E38000089"  # NHS Kernow CCG: South West, seven CCGs in its region
QUERIES = {
    "map": f"indicator=qof_hyp&areas={AREA}",
    "compare": f"indicator=qof_hyp&areas={AREA}",
    "spine": f"areas={AREA},E38000006",
    "trends": f"indicator=dementia_ddr_65plus&areas={AREA}",
    "explorer": f"areas={AREA}",
    "overview": f"areas={AREA}",
    "funnel": f"indicator=qof_hyp&areas={AREA}",
}


@pytest.fixture(scope="module")
def svg_measurer():
    measurer = SvgMeasurer()
    yield measurer
    measurer.close()


@pytest.mark.parametrize("size", ["slide", "a4"])
@pytest.mark.parametrize("page", list(QUERIES))
def test_pdf_export_is_legible(export_client, page, size):
    response = export_client.get(f"/export/{page}.pdf?{QUERIES[page]}&size={size}")
    assert response.status_code == 200, response.data[:300]
    problems = pdf_problems(response.data, name=f"{page}.pdf ({size})")
    assert not problems, "\n".join(problems[:20])
    pages = pdf_boxes(response.data)
    assert all(boxes for _w, _h, boxes in pages)  # every page carries text (not an empty render)


@pytest.mark.parametrize("size", ["slide", "screen"])
@pytest.mark.parametrize("page", list(QUERIES))
def test_svg_export_is_legible(export_client, svg_measurer, page, size):
    url = f"/export/{page}.svg?{QUERIES[page]}&size={size}"
    first = export_client.get(url)
    assert first.status_code == 200, first.data[:300]
    files = [("part 1", first.data)]
    if page in ("compare", "spine", "overview"):
        # the 400 for a part past the end names how many parts there are
        too_far = export_client.get(url + "&part=999")
        assert too_far.status_code == 400
        n_parts = int(too_far.data.decode().split(" has ")[1].split(" ")[0])
        assert n_parts >= 2
        files.append((f"part {n_parts}", export_client.get(url + f"&part={n_parts}").data))
    for label, data in files:
        problems = svg_measurer.problems(data, name=f"{page}.svg ({size}, {label})")
        assert not problems, "\n".join(problems[:20])


def test_compare_export_shows_the_focus_region_first(export_client):
    from legibility import pdf_boxes as boxes_of

    response = export_client.get(f"/export/compare.pdf?{QUERIES['compare']}")
    pages = boxes_of(response.data)
    first = " ".join(b.text for b in pages[0][2])
    assert "South West, the region of NHS Kernow CCG" in first and "national ranking of all 106" in first
    names_on_first = [n for n in ("NHS Devon CCG", "NHS Kernow CCG") if n.split()[1] in first]
    assert names_on_first
    ranking = " ".join(" ".join(b.text for b in p[2]) for p in pages[1:])
    assert "national ranking, ranks 1-" in ranking and "of 106" in ranking


def test_checker_catches_small_and_overlapping_text():
    """The checks fail where they should (a tiny word; two words drawn on top of each other)."""
    from legibility import Box, problems_in

    small = [Box("tiny", 8.0, 10, 10, 40, 18)]
    assert any("under 9" in p for p in problems_in(small, 100, 100, 9, "t"))
    clash = [Box("one", 10, 10, 10, 50, 22), Box("two", 10, 30, 12, 70, 24)]
    assert any("overlaps" in p for p in problems_in(clash, 100, 100, 9, "t"))
    edge = [Box("cut", 10, -5, 10, 20, 22)]
    assert any("page edge" in p for p in problems_in(edge, 100, 100, 9, "t"))
    apart = [Box("one", 10, 10, 10, 50, 22), Box("two", 10, 10, 24, 50, 36)]
    assert not problems_in(apart, 100, 100, 9, "t")

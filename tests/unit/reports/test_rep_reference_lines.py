"""Exports with three reference lines (England, the region, the focus area's similar CCGs): no
label overprints another, in the PDF or the SVG (the slide once printed "South West 93.2%" and
"Similar CCGs (pooled over 10) 93.8%" over each other, on a 0-120% axis)."""

from __future__ import annotations

import pytest
from export_helpers import needs_chromium
from legibility import SvgMeasurer, pdf_problems

pytestmark = [pytest.mark.slow, needs_chromium]
QUERIES = {
    "gp_fft_positive": "indicator=gp_fft_positive&areas=E38000089&benchmark=peers",
    "dementia_ddr_65plus": "indicator=dementia_ddr_65plus&areas=E38000089&benchmark=peers",
}


@pytest.fixture(scope="module")
def svg_measurer():
    measurer = SvgMeasurer()
    yield measurer
    measurer.close()


@pytest.mark.parametrize("size", ["slide", "a4"])
@pytest.mark.parametrize("indicator", list(QUERIES))
def test_peer_compare_pdf_is_legible(export_client, indicator, size):
    response = export_client.get(f"/export/compare.pdf?{QUERIES[indicator]}&size={size}")
    assert response.status_code == 200, response.data[:300]
    problems = pdf_problems(response.data, name=f"compare {indicator} ({size})")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("indicator", list(QUERIES))
def test_peer_compare_svg_is_legible(export_client, svg_measurer, indicator):
    response = export_client.get(f"/export/compare.svg?{QUERIES[indicator]}&size=slide")
    assert response.status_code == 200, response.data[:300]
    problems = svg_measurer.problems(response.data, name=f"compare {indicator}")
    assert not problems, "\n".join(problems[:20])

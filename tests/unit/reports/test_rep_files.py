"""Open every kind of exported file: PNG pixels, SVG, PDF pages and text, XLSX/CSV columns."""

from __future__ import annotations

import io
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import openpyxl
import pandas as pd
import pytest
from export_helpers import needs_chromium, pdf_pages, pdf_text
from PIL import Image

from data.model import schema as s

pytestmark = [pytest.mark.slow, needs_chromium]


def _ok(rendered, key):
    status, headers, body = rendered[key]
    assert status == 200, body[:200]
    return headers, body


def test_png_is_large_and_not_blank(rendered):
    headers, body = _ok(rendered, "map_png")
    assert (
        headers["Content-Disposition"] == 'attachment; filename="ccg-outcomes_map_qof_hyp_2022-23_ccg21.png"'
    )
    image = np.asarray(Image.open(io.BytesIO(body)).convert("RGB"))
    assert image.shape[1] >= 1600 and image.shape[0] >= 900
    coloured = (np.abs(image.astype(int) - 255).sum(axis=2) > 60).mean()
    assert 0.05 < coloured < 0.9  # a drawn map, not an empty page
    # the map's fill colours are there (Fingertips 'higher' light blue)
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50


def test_screen_size_png(rendered):
    _, body = _ok(rendered, "trends_png_screen")
    width, height = Image.open(io.BytesIO(body)).size
    assert width >= 1600 and height >= 900


def test_svg_parses_and_carries_text(rendered):
    _, body = _ok(rendered, "compare_svg")
    root = ET.fromstring(body)
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    assert "areas compared" in text and "Open Government Licence v3.0" in text
    assert "DejaVu Sans" in body.decode()


@pytest.mark.parametrize("key, title", [("map_pdf", "Hypertension"), ("spine_pdf", "Spine chart")])
def test_pdf_pages_text_and_fonts(rendered, tmp_path, key, title):
    _, body = _ok(rendered, key)
    path = tmp_path / f"{key}.pdf"
    path.write_bytes(body)
    # the map is one page; the spine one page per domain (its legible parts)
    assert pdf_pages(path) == 1 if key == "map_pdf" else pdf_pages(path) >= 5
    text = " ".join(pdf_text(path).split())
    assert title in text
    # links are relative without OUTCOMES_PUBLIC_URL: never the test client's host
    assert "Open Government Licence v3.0" in text and "Source:" in text and "View: /" in text
    assert "localhost" not in text and "127.0.0.1" not in text
    assert ("Contains OS data" in text) == (key == "map_pdf")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts  # the installed font, embedded
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(tmp_path / "page")], check=True
    )
    page = np.asarray(Image.open(tmp_path / "page.png").convert("L"))
    assert page.shape[1] > page.shape[0] and (page < 200).mean() > 0.01


def test_a4_pdf_is_a4_landscape(rendered, tmp_path):
    _, body = _ok(rendered, "map_pdf")
    path = tmp_path / "a4.pdf"
    path.write_bytes(body)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info and "841" in info


def test_csv_has_fingertips_columns_and_metadata(rendered):
    _, body = _ok(rendered, "map_csv")
    text = body.decode("utf-8")
    head = [line for line in text.splitlines() if line.startswith("#")]
    assert any(line.startswith("# Definition (qof_hyp):") for line in head)
    assert any("Open Government Licence" in line for line in head)
    frame = pd.read_csv(io.StringIO(text), comment="#")
    # Fingertips' columns, the England comparison replaced by the view's one comparator (the region)
    fingertips = [c for c in s.FINGERTIPS_COLUMNS if c != "Compared to England value or percentiles"]
    assert frame.columns.tolist() == fingertips + ["Compared to benchmark", "Benchmark", "Benchmark value"]
    assert (frame["Area Type"] == s.GEOGRAPHIES["ccg21"]).sum() == 106
    areas = frame[frame["Area Type"] == s.GEOGRAPHIES["ccg21"]]
    assert areas["Benchmark"].str.endswith(" region").all() and areas["Benchmark value"].notna().all()


@pytest.mark.parametrize("key", ["spine_xlsx", "compare_xlsx"])
def test_xlsx_opens_with_columns_and_metadata(rendered, key):
    _, body = _ok(rendered, key)
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Data", "Metadata"]
    header = [c.value for c in book["Data"][1]]
    assert header[:4] == ["Indicator ID", "Indicator Name", "Area Code", "Area Name"]
    fields = {row[0] for row in book["Metadata"].iter_rows(min_row=2, values_only=True)}
    assert {"Source", "Licence", "Method", "View"} <= fields
    if key == "compare_xlsx":
        assert header == [*s.FINGERTIPS_COLUMNS, "Benchmark", "Benchmark value"]
        assert "Definition (qof_hyp)" in fields


@pytest.mark.parametrize(
    "url, status, fragment",
    [
        ("/export/nope.png", 404, "No export"),
        ("/export/map.gif", 404, "not 'gif'"),
        ("/export/table.png", 404, "csv, xlsx"),
        ("/export/map.png?indicator=zzz", 400, "Unknown indicator 'zzz'"),
        ("/export/map.png?areas=E99999999", 400, "Unknown area code"),
        ("/export/map.png?indicator=qof_hyp&period=1999", 400, "No data for period"),
        ("/export/map.png?size=huge", 400, "Unknown size"),
        ("/export/map.png?a=1&&b", 400, "Malformed"),
        ("/export/spine.png", 400, "at least one area"),
        ("/export/pack.pdf", 400, "needs areas"),
        ("/export/pack.pdf?areas=E92000001", 400, "Not a CCG"),
        ("/export/pack.pdf?areas=NOPE", 400, "Unknown area code"),
        ("/export/pack.docx?areas=E38000014", 404, "pdf, pptx"),
        ("/export/..%2F..%2Fetc%2Fpasswd.csv", 404, ""),
    ],
)
def test_bad_requests(export_client, url, status, fragment):
    response = export_client.get(url)
    assert response.status_code == status
    assert fragment in response.get_data(as_text=True)
    assert len(response.data) < 400

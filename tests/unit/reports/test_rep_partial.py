"""Issue 10 item 4: a national comparator summed from only some CCGs is never called England.

GP appointments cover 49 of 106 CCGs (no North West, no North East and Yorkshire): every CSV
and XLSX export of it names its comparator "49 of 106 CCGs with data", in rows and headers.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from data.model import schema as s

INDICATOR = "gp_appt_dna_rate"
LABEL = "49 of 106 CCGs with data"


@pytest.fixture(scope="module")
def gp_area(model):
    ind = model.indicators
    rows = ind[(ind[s.INDICATOR_ID] == INDICATOR) & (ind[s.GEOGRAPHY] == "ccg21")]
    return sorted(rows[s.AREA_CODE].unique())[0]


def _csv(body: bytes) -> tuple[list[str], list[list[str]], list[str]]:
    text = body.decode("utf-8")
    meta = [line for line in text.splitlines() if line.startswith("# ")]
    table = list(
        csv.reader(io.StringIO("\n".join(line for line in text.splitlines() if not line.startswith("# "))))
    )
    return table[0], table[1:], meta


def _xlsx(body: bytes) -> tuple[list[str], list[list[str]], list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    data = [["" if c is None else str(c) for c in row] for row in book["Data"].iter_rows(values_only=True)]
    meta = [
        " ".join("" if c is None else str(c) for c in row)
        for row in book["Metadata"].iter_rows(values_only=True)
    ]
    return data[0], data[1:], meta


def _says_england(cell: str) -> bool:
    """'England' as a comparator's name (region and publisher names such as 'East of England' aside)."""
    return "England" in cell.replace("East of England", "").replace("NHS England", "")


def _partial_rows(header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """Rows of the partial indicator (all rows when the export has no indicator column)."""
    if "Indicator ID" not in header:
        return rows
    col = header.index("Indicator ID")
    return [r for r in rows if r[col] == INDICATOR]


@pytest.mark.parametrize("page", ["map", "compare", "table", "trends"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_single_indicator_exports_never_say_england(export_client, gp_area, page, fmt):
    response = export_client.get(f"/export/{page}.{fmt}?indicator={INDICATOR}&areas={gp_area}")
    assert response.status_code == 200, response.data[:300]
    header, rows, meta = (_csv if fmt == "csv" else _xlsx)(response.data)
    assert not any(_says_england(h) for h in header), header
    assert f"Compared to {LABEL} value or percentiles" in header
    comparator = [r for r in rows if r[header.index("Area Name")] == LABEL]
    assert len(comparator) >= 1  # the comparator row is there, under its real name
    found = [(h, cell) for r in rows for h, cell in zip(header, r) if _says_england(cell)]
    assert not found, found[:3]
    assert any(f"compared with {LABEL}" in m for m in meta)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_spine_and_overview_rows_of_a_partial_indicator_never_say_england(export_client, gp_area, fmt):
    for url in (f"/export/spine.{fmt}?areas={gp_area}", f"/export/overview.{fmt}?areas={gp_area}"):
        response = export_client.get(url)
        assert response.status_code == 200, (url, response.data[:300])
        header, rows, _ = (_csv if fmt == "csv" else _xlsx)(response.data)
        assert "Benchmark" in header and not any(h.startswith("Compared to England") for h in header), header
        mine = _partial_rows(header, rows)
        assert mine, url
        bench = header.index("Benchmark")
        assert {r[bench] for r in mine} == {LABEL}
        assert not any(_says_england(cell) for r in mine for cell in r)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_apportioned_counts_are_marked_in_exports(export_client, fmt):
    """Issue 10 item 7: split areas' counts keep their fractions and say they are apportioned."""
    response = export_client.get(f"/export/table.{fmt}?indicator=obesity_admissions&period=2013/14")
    assert response.status_code == 200, response.data[:300]
    header, rows, _ = (_csv if fmt == "csv" else _xlsx)(response.data)
    note, code = header.index("Value note"), header.index("Area Code")
    marked = {r[code] for r in rows if r[note] == "apportioned (not a whole count)"}
    assert {"E38000215", "E38000226", "E38000227", "E38000228"} <= marked
    whole = [r for r in rows if r[code] == "E38000006"]  # Barnsley: one whole predecessor
    assert whole and whole[0][note] == ""

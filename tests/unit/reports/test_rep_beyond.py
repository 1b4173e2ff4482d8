"""Exports of the inequalities, practices and early-warning pages: the files opened and read back."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from export_helpers import needs_chromium, pdf_pages, pdf_text
from PIL import Image

from data.model.manifest import load_manifest
from data.model.settings import get_settings
from data.model.store import load_model
from data.queries.alerts import area_alerts, national_red_reds
from data.queries.practices import practice_rows

KERNOW, NORFOLK_WAVENEY = "E38000089", "E38000239"


def read_csv(body: bytes) -> tuple[dict[str, str], pd.DataFrame]:
    text = body.decode("utf-8")
    meta = {}
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(": ")
        meta[key] = value
    return meta, pd.read_csv(io.StringIO(text), comment=None, skiprows=len(meta))


def get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return response


def test_inequalities_csv_parts_are_the_tables_behind_each_chart(export_client):
    meta, icb = read_csv(get(export_client, f"/export/inequalities.csv?areas={KERNOW}").data)
    assert list(icb["ICB Name"]) == ["NHS Cornwall and the Isles of Scilly Integrated Care Board"]
    assert meta["Comparator"].startswith("England's average") and "HEEC" in meta["Source"]
    _, every = read_csv(get(export_client, f"/export/inequalities.csv?areas={KERNOW}&part=2").data)
    assert len(every) == 42 and (every["Chosen ICB"] == "yes").sum() == 1
    response = get(export_client, f"/export/inequalities.csv?areas={NORFOLK_WAVENEY}&benchmark=peers&part=3")
    assert response.headers["Content-Disposition"].endswith('_part3.csv"')
    meta, acsc = read_csv(response.data)
    raw = pd.read_csv(get_settings().data_dir / load_manifest()["acsc_chronic_ccg16"]["path"])
    assert len(acsc) == len(raw) == 209
    merged = acsc.merge(raw, left_on="Area Code (CCG 2015/16, ODS)", right_on="ccg16_ods_code")
    assert len(merged) == 209
    assert np.allclose(merged["Absolute gradient index (per 100,000)"], merged["agi_per_100k"])
    assert np.allclose(merged["Lower CI 95.0 limit"], merged["agi_lower_ci95"])
    assert sorted(acsc.loc[acsc["Marked as"] == "focus area", "Area Code (CCG 2015/16, ODS)"]) == [
        "06M",
        "06V",
        "06W",
        "06Y",
        "07J",
    ]
    assert (acsc["Marked as"] == "peer").sum() > 0
    assert "c. 2014/15-2015/16" in meta["Selection"] and meta["Comparator"].startswith("none")
    assert "York Health Equity Indicators" in meta["Source"] and meta["Caveat"].endswith("'.")


def test_practices_csv_is_the_practice_table_and_pcns_part_two(export_client):
    model = load_model()
    rows, england = practice_rows(model, KERNOW, "qof_hyp")
    meta, table = read_csv(get(export_client, f"/export/practices.csv?areas={KERNOW}&indicator=qof_hyp").data)
    assert len(table) == len(rows) and set(table["Code"]) == set(rows["practice_code"])
    assert np.allclose(table["England value (comparator)"], england)
    assert "QOF 2022/23" in meta["Source"] and meta["Comparator"].startswith("England")
    assert meta["Caveat"].startswith("Recorded (diagnosed) prevalence")
    _, pcns = read_csv(
        get(export_client, f"/export/practices.csv?areas={KERNOW}&indicator=qof_hyp&part=2").data
    )
    assert set(pcns["PCN"]) == set(rows["pcn_name"].dropna()) and pcns["Practices"].sum() == len(rows)


def test_alerts_csv_lists_the_focus_area_and_the_national_red_reds(export_client):
    model = load_model()
    meta, focus = read_csv(get(export_client, f"/export/alerts.csv?areas={KERNOW}").data)
    expected = area_alerts(model, KERNOW)
    assert list(focus["Indicator ID"]) == list(expected["indicator_id"])
    assert meta["Title"] == "Early warning: NHS Kernow CCG"
    assert meta["Comparator"] == "the benchmark named on each row (its Benchmark and Benchmark value columns)"
    assert meta["Selection"].startswith("Compared with England (where England is not complete")
    # each row names what it was compared with, as it is (GP appointments: the CCGs with data)
    named = dict(zip(focus["Indicator ID"], focus["Benchmark"], strict=True))
    assert named["gp_appt_dna_rate"] == "49 of 106 CCGs with data" and named["qof_points"] == "England"
    warned = focus[focus["Group"] != "not assessed"]
    assert (
        len(warned)
        and warned["Benchmark value"].notna().all()
        and warned["Gap in words"].str.len().gt(0).all()
    )
    _, reds = read_csv(get(export_client, f"/export/alerts.csv?areas={KERNOW}&part=2").data)
    assert len(reds) == len(national_red_reds(model)) and set(reds["Group"]) == {"red-red"}


def test_xlsx_holds_every_table_and_the_metadata(export_client):
    body = get(export_client, f"/export/inequalities.xlsx?areas={KERNOW}").data
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["1 This ICB", "2 Every ICB", "3 ACSC gradient", "Metadata"]
    assert book["3 ACSC gradient"].max_row == 210
    fields = [r[0] for r in book["Metadata"].iter_rows(values_only=True)]
    assert "3 ACSC gradient: Comparator" in fields and "1 This ICB: Source" in fields
    body = get(export_client, f"/export/alerts.xlsx?areas={KERNOW}&benchmark=region").data
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["1 Focus area", "2 Red-red by region", "Metadata"]
    sheet = book["1 Focus area"]
    header = [c.value for c in sheet[1]]
    column = header.index("Benchmark") + 1
    assert {sheet.cell(r, column).value for r in range(2, sheet.max_row + 1)} == {"South West region"}


@pytest.mark.parametrize(
    "url, status, words",
    [
        ("/export/practices.csv?indicator=qof_hyp", 400, "needs a CCG (April 2021) focus area"),
        (
            f"/export/practices.png?areas={KERNOW}&indicator=dementia_ddr_65plus",
            400,
            "no practice-level data",
        ),
        (f"/export/practices.csv?areas={KERNOW}&practice=ZZZ999", 400, "Unknown GP practice code"),
        (f"/export/inequalities.csv?areas={KERNOW}&part=9", 400, "part 1 (this ICB), 2 (every ICB), 3"),
        (
            "/export/inequalities.png?icb=all&part=4",
            400,
            "charts are part 1 (every ICB), 2 (ACSC gradient), 3 (ACSC gradient map)",
        ),
        ("/export/inequalities.csv?icb=E54999999", 400, "Unknown ICB 'E54999999'"),
        ("/export/inequalities.csv?ineq=nope", 400, "Unknown inequality indicator 'nope'"),
        (f"/export/inequalities.xlsx?areas={KERNOW}&part=2", 400, "leave out part="),
        (f"/export/alerts.csv?areas={KERNOW}&bogus=1", 400, "Unknown query parameter(s): bogus"),
        ("/export/alerts.csv?areas=00C&geography=ccg16&indicator=acsc_chronic_isr", 400, "not one"),
        (f"/export/alerts.png?areas={KERNOW}", 404, "csv, xlsx"),
    ],
)
def test_bad_parameters_are_refused_with_a_message(export_client, url, status, words):
    response = export_client.get(url)
    assert response.status_code == status and words in response.data.decode(), response.data


@pytest.mark.slow
@needs_chromium
def test_images_and_pdf_of_the_new_pages(export_client, tmp_path):
    png = get(export_client, f"/export/inequalities.png?areas={NORFOLK_WAVENEY}&part=3").data
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert image.shape[1] >= 1600 and image.shape[0] >= 900
    orange = (np.abs(image.astype(int) - [230, 159, 0]).sum(axis=2) < 40).sum()
    assert orange > 200  # the peers' diamonds are drawn
    svg = get(export_client, f"/export/practices.svg?areas={KERNOW}&indicator=qof_hyp").data.decode()
    assert svg.startswith("<svg") and "GP practices in NHS Kernow CCG" in svg
    pdf = tmp_path / "ineq.pdf"
    pdf.write_bytes(get(export_client, f"/export/inequalities.pdf?areas={KERNOW}").data)
    assert pdf_pages(pdf) == 4
    text = pdf_text(pdf)
    assert "every ICB by practice deprivation" in text and "deprivation gradient within each CCG" in text
    assert "Contains OS data" in text  # the map page names the boundaries' licence
    png = get(export_client, f"/export/inequalities.png?areas={NORFOLK_WAVENEY}&part=4").data
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    blue = ((image[:, :, 2].astype(int) - image[:, :, 0]) > 40).mean()
    assert blue > 0.02  # the CCGs filled by value (blue scale), not an empty frame


def test_footer_links_name_each_part_and_say_why_not(export_client):
    from callbacks.exports import links_for
    from selection import parse_query

    model = load_model()
    state, _ = parse_query(model, f"?areas={KERNOW}")

    def hrefs(component) -> list[str]:
        return [c.href for c in component.children if getattr(c, "href", None)]

    links = hrefs(links_for(dict(state, page="inequalities")))
    assert any(h.startswith("/export/inequalities.csv?") and h.endswith("&part=3") for h in links)
    assert any(h.startswith("/export/inequalities.png?") and "part=" not in h for h in links)
    assert sum(h.startswith("/export/inequalities.pdf?") for h in links) == 3  # slide, A4, screen
    assert any(h.startswith("/export/inequalities.xlsx?") for h in links)
    alerts = hrefs(links_for(dict(state, page="alerts")))
    assert {h.split("?")[0] for h in alerts} == {"/export/alerts.csv", "/export/alerts.xlsx"}
    for href in links + alerts:
        assert export_client.get(href.replace("png", "csv").replace("svg", "csv")).status_code == 200
    none = links_for(dict(state, page="practices", areas=[]))
    assert not hrefs(none) and "needs a CCG (April 2021) focus area" in str(none)


def test_the_view_link_in_a_file_reopens_the_same_view(export_client):
    """to_query already encodes; the link must not be encoded twice ('Feb 2026' -> 'Feb%2B2026')."""
    from selection import parse_query

    model = load_model()
    query = f"?indicator=gp_fft_positive&period=Feb+2026&areas={KERNOW}&ineq=%25+QOF+points+achieved"
    meta, _ = read_csv(get(export_client, f"/export/practices.csv{query}").data)
    link = meta["View"]
    assert link.startswith("/practices?")
    state, notices = parse_query(model, link.split("?", 1)[1])
    assert notices == [] and state["period"] == "Feb 2026" and state["ineq"] == "% QOF points achieved"


@pytest.mark.parametrize(
    "page, query",
    [
        ("inequalities", f"?areas={KERNOW}"),
        ("inequalities", "?icb=all"),
        ("practices", f"?areas={KERNOW}&indicator=qof_points"),
        ("practices", "?indicator=qof_hyp"),
        ("practices", f"?areas={KERNOW}&indicator=dementia_ddr_65plus"),
        ("alerts", f"?areas={KERNOW}"),
        ("alerts", ""),
        ("alerts", "?areas=00C&geography=ccg16&indicator=acsc_chronic_isr"),
    ],
)
def test_footer_parts_match_the_files(export_client, page, query):
    """The footer's parts are worked out without drawing: the same as the export's own pieces."""
    from selection import parse_query
    from views.exports import part_labels, pieces_for
    from views.provenance import ExportRefused

    model = load_model()
    state, _ = parse_query(model, query)
    state["page"] = page
    with export_client.application.test_request_context():
        cheap = part_labels(model, state, page)
        try:
            full = [(p.label, p.figure is not None) for p in pieces_for(model, state, page, "")]
        except ExportRefused as exc:
            full = str(exc)
    assert cheap == full

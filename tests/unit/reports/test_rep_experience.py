"""Exports of the Patient experience page: the CSV and XLSX read back and checked against the raw
files and the page's own numbers; the images and the PDF drawn; bad requests refused."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from export_helpers import needs_chromium, pdf_pages, pdf_text

from data.model.store import load_model
from data.queries.experience import (
    FFT,
    FFT_ADVICE,
    SOURCE_FFT,
    SOURCE_GPPS,
    SOURCE_IP22,
    SUMMARY_RULE,
    experience,
)
from tests.unit.data.queries.test_experience import FFT_FILE, IP22, KERNOW, NCL, raw_attributed, read_raw_fft
from tests.unit.reports.test_rep_beyond import get, read_csv

real = pytest.mark.skipif(not FFT_FILE.exists(), reason="shared data not available")
PARTS = [
    "1 Each source",
    "2 Every row",
    "3 GP FFT practices",
    "4 Inpatient survey",
    "5 Main trusts",
    "6 Mental health survey",
    "7 GP Patient Survey",
    "8 What is missing",
    "Metadata",
]


@real
def test_the_summary_csv_is_one_row_per_source_with_the_headline(export_client):
    meta, table = read_csv(get(export_client, f"/export/experience.csv?areas={KERNOW}").data)
    view = experience(load_model(), KERNOW)
    assert list(table["Source"]) == list(view.leans["source"])
    assert list(table["Items below"]) == list(view.leans["below"])
    assert list(table["Items above"]) == list(view.leans["above"])
    assert list(table["In words"]) == list(view.leans["detail"])
    assert set(table["Headline"]) == {view.headline} and set(table["Benchmark"]) == {"England"}
    assert meta["Method"] == " ".join(SUMMARY_RULE.split()) and meta["Comparator"] == "England"
    # The page's own sources, not every publisher in the model.
    assert meta["Source"].startswith(
        "NHS England, Friends and Family Test (GP practices); Care Quality Commission"
    )
    assert "Health Equity Evidence Centre" in meta["Source"] and "OpenPrescribing" not in meta["Source"]


@real
def test_every_row_and_the_practices_read_back_from_the_raw_files(export_client):
    meta, rows = read_csv(get(export_client, f"/export/experience.csv?areas={NCL}&part=2").data)
    assert meta["Caveat"] == " ".join(FFT_ADVICE.split())
    fft = rows[rows["Indicator ID"] == FFT].iloc[0]
    raw = read_raw_fft()
    mine = raw[(raw["area"] == NCL) & raw["fft_responses"].notna()]
    assert fft["Value"] == pytest.approx(100 * mine["positive"].sum() / mine["fft_responses"].sum())
    assert fft["Denominator"] == mine["fft_responses"].sum() and fft["Category"] == "Not compared"
    ip = rows[rows["Source"] == SOURCE_IP22].set_index("Indicator ID")
    assert len(ip) == 56
    value, covered = raw_attributed("S09", NCL)
    assert ip.at["ip22_s09", "Value"] == pytest.approx(value) and ip.at[
        "ip22_s09", "Covered share"
    ] == pytest.approx(covered)
    raw_ip = pd.read_csv(IP22)
    assert ip.at["ip22_s09", "Comparator value"] == pytest.approx(
        raw_ip.loc[raw_ip["item"] == "S09", "mean"].mean()
    )
    _, practices = read_csv(get(export_client, f"/export/experience.csv?areas={NCL}&part=3").data)
    assert set(practices.loc[practices["% positive"].notna(), "Practice code"]) == set(mine["gp_code"]) - {
        "A84009"
    }
    assert practices["Contribution to the gap (percentage points)"].sum() == pytest.approx(
        fft["Value"] - fft["Comparator value"], abs=1e-9
    )


@real
def test_xlsx_holds_every_part_and_its_metadata(export_client):
    book = openpyxl.load_workbook(
        io.BytesIO(get(export_client, f"/export/experience.xlsx?areas={KERNOW}").data)
    )
    assert book.sheetnames == PARTS
    view = experience(load_model(), KERNOW)
    values = list(book["7 GP Patient Survey"].values)
    sheet = pd.DataFrame(values[1:], columns=values[0])
    assert np.allclose(sheet["ICB value (%)"].astype(float), view.gpps["value"])
    assert np.allclose(sheet["England, same group (%)"].astype(float), view.gpps["england_group"])
    fields = {r[0]: r[1] for r in book["Metadata"].iter_rows(values_only=True)}
    assert fields["7 GP Patient Survey: Comparator"].startswith(
        "England's value for the same practice-deprivation"
    )
    assert fields["3 GP FFT practices: Caveat"] == FFT_ADVICE
    missing = pd.DataFrame(book["8 What is missing"].values)
    assert list(missing.iloc[1:, 3]) == list(view.missing["source"])


@real
def test_england_s_export_without_a_focus_area(export_client):
    meta, areas = read_csv(get(export_client, "/export/experience.csv").data)
    assert len(areas) == 106 and meta["Title"] == "Patient experience: every CCG on each source"
    kernow = areas.set_index("Area Code").loc[KERNOW]
    raw = read_raw_fft()
    mine = raw[(raw["area"] == KERNOW) & raw["fft_responses"].notna()]
    assert kernow["GP FFT % positive"] == pytest.approx(
        100 * mine["positive"].sum() / mine["fft_responses"].sum()
    )
    book = openpyxl.load_workbook(io.BytesIO(get(export_client, "/export/experience.xlsx").data))
    assert book.sheetnames[:2] == ["1 Every CCG", "2 England"]


@pytest.mark.parametrize(
    "url, words",
    [
        (f"/export/experience.csv?areas={KERNOW}&part=9", "part 1 (each source against the comparator)"),
        (
            f"/export/experience.png?areas={KERNOW}&part=2",
            "charts are part 1 (each source against the comparator), 3",
        ),
        (f"/export/experience.xlsx?areas={KERNOW}&part=2", "leave out part="),
        (f"/export/experience.csv?areas={KERNOW}&categories=maybe", "categories"),
    ],
)
def test_bad_requests_are_refused_with_a_message(export_client, url, words):
    response = export_client.get(url)
    assert response.status_code == 400 and words in response.data.decode(), response.data


@pytest.mark.slow
@needs_chromium
def test_the_pdf_and_an_image(export_client, tmp_path):
    pdf = tmp_path / "experience.pdf"
    pdf.write_bytes(get(export_client, f"/export/experience.pdf?areas={KERNOW}&size=a4").data)
    assert pdf_pages(pdf) == 5  # the five charts
    text = pdf_text(pdf)
    view = experience(load_model(), KERNOW)
    assert "Patient experience: NHS Kernow CCG" in text and "Petroc Group Practice" in text
    assert SOURCE_FFT in text and SOURCE_GPPS in text and view.headline.split(":")[0] in text
    svg = get(export_client, f"/export/experience.svg?areas={KERNOW}&part=4").data.decode()
    assert svg.startswith("<svg") and "Inpatient survey 2022" in svg


# --- the board pack's patient experience section (it opens the pack after the cover) --------------


@real
@pytest.mark.parametrize("area", [KERNOW, "E38000150"])  # Kernow; Somerset (RH5 has no catchment)
def test_pack_experience_tables_are_the_pages_numbers(area):
    from reports.experience import missing_table, sources_table, trusts_table

    model = load_model()
    view = experience(model, area, "england")
    sources = sources_table(view)
    assert sources["Source"].tolist() == view.leans["source"].tolist()
    for row, lean in zip(sources.itertuples(index=False), view.leans.itertuples(index=False), strict=True):
        assert row[3] == lean.detail  # "In words" is the page's sentence, not a new one
        if int(lean.n) > 1:
            assert f"{int(lean.below)} below, {int(lean.level)} level, {int(lean.above)} above" in row[2]
    trusts = trusts_table(view)
    main = view.inpatient_trusts.drop_duplicates("trust_code")
    assert len(trusts) == len(main)
    for row, (_, trust) in zip(trusts.itertuples(index=False), main.iterrows(), strict=True):
        assert row[0] == f"{trust['trust_name']} ({trust['trust_code']})"
        assert row[1] == f"{100 * trust['share']:.0f}%"
        assert "of 11 sections" in row[2]
    missing = missing_table(view)
    assert missing["What"].tolist() == view.missing["what"].tolist()
    if area == "E38000150":  # Somerset: the attributed score is not counted, and says why
        assert "RH5" in " ".join(sources["In words"]) and "RH5" in " ".join(missing["Why"])


@real
def test_pack_opens_with_patient_experience_after_its_cover(app_ctx):
    from reports.pack import plan_pack
    from views.exports import figure_for

    model = load_model()
    plan = plan_pack(model, [NCL], benchmark="england", ci="95", figure_for=figure_for, link_root="")
    titles = [p.title for p in plan]
    assert titles[1] == "Patient experience"
    chart = next(p for p in plan if p.title == "Patient experience: each source")
    assert chart.provenance.caveat == FFT_ADVICE and chart.provenance.method == SUMMARY_RULE
    assert "/experience?" in chart.provenance.link and NCL in chart.provenance.link
    view = experience(model, NCL, "england")
    assert plan[1].paragraphs[0] == view.headline
    # an ICB's pack has no experience section (its sources are attributed to CCG 2021 areas)
    icb = plan_pack(model, ["E54000036"], benchmark="england", ci="95", figure_for=figure_for, link_root="")
    assert not any(p.title.startswith("Patient experience") for p in icb)

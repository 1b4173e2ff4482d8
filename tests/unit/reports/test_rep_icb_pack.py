"""An ICB's board pack (issue 19): NHS Cornwall and the Isles of Scilly ICB (E54000036, whose code is
also an STP's) and NHS South Yorkshire ICB (E54000061), planned and built as PDF and PowerPoint."""

from __future__ import annotations

import io
import re

import pytest
from export_helpers import needs_chromium, pdf_text
from legibility import pdf_problems
from pptx import Presentation

CORNWALL, SOUTH_YORKSHIRE = "E54000036", "E54000061"
NAMES = {CORNWALL: "NHS Cornwall and the Isles of Scilly ICB", SOUTH_YORKSHIRE: "NHS South Yorkshire ICB"}


@pytest.fixture(scope="module")
def plan(model):
    from reports.pack import plan_pack
    from views.exports import figure_for

    return plan_pack(model, [CORNWALL], benchmark="england", ci="95", figure_for=figure_for, link_root="")


def test_icb_pack_plan(plan):
    titles = [p.title for p in plan]
    bases = list(dict.fromkeys(t.split(" (continued")[0] for t in titles))
    # no patient experience section: its sources are attributed to CCG 2021 areas
    assert bases[:5] == [
        f"Board pack: {NAMES[CORNWALL]}",
        "Key messages",
        "Questions for the board",
        "Early warning",
        "Compared with similar ICBs",
    ]
    text = " ".join(" ".join(p.paragraphs) for p in plan)
    assert "Health and Social Care Partnership" not in text
    assert (
        "The 5 peers of NHS Cornwall and the Isles of Scilly ICB, Similar ICBs (nearest 5 by demographics)"
        in text
    )
    assert "CCGs with data" not in text
    # the glossary explains "49 of 106 CCGs with data" as an example: every other table is ICBs'
    tables = " ".join(
        p.table.to_string() for p in plan if p.table is not None and not p.title.startswith("Data sources")
    )
    assert "32 of 42 ICBs with data" in tables and "CCGs with data" not in tables
    charts = [p for p in plan if p.kind == "chart"]
    # every chart's link opens the ICB geography (the spine's by its ICB code alone)
    from data.model.store import load_model
    from selection import parse_query

    model = load_model()
    assert all(
        parse_query(model, p.provenance.link.split("?", 1)[1])[0]["geography"] == "icb23" for p in charts
    )
    assert not any("similar CCGs" in p.title for p in charts)
    assert not any("similar CCGs" in p.alt for p in charts)


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("area", [CORNWALL, SOUTH_YORKSHIRE])
def test_icb_pack_pdf_and_pptx_build(export_client, area, tmp_path):
    response = export_client.get(f"/export/pack.pdf?areas={area}")
    assert response.status_code == 200, response.data[:300]
    problems = pdf_problems(response.data, name=f"pack {area}")
    assert not problems, "\n".join(problems[:20])
    path = tmp_path / "pack.pdf"
    path.write_bytes(response.data)
    text = " ".join(pdf_text(path).split())
    assert f"Board pack: {NAMES[area]}" in text and "ICB (April 2023)" in text
    assert "Health and Social Care Partnership" not in text
    assert int(re.search(r"Page 1 of (\d+)", text).group(1)) >= 15
    deck = export_client.get(f"/export/pack.pptx?areas={area}")
    assert deck.status_code == 200
    slides = Presentation(io.BytesIO(deck.data)).slides
    first = " ".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    assert NAMES[area] in first

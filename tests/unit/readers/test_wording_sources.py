"""No guessed wording: every survey label the app shows is either stated verbatim in the source the
catalogue cites for it, or is the bare number ("Inpatient survey 2022, question 46").

The sources are the verbatim files in data/sources/wording/ (copied by the wording research,
research/wording/REPORT.md: no public source stated any IP22 or CMH21 question's wording) or a file
under the data root (SOURCES.md for the FFT question).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data.model import schema as s
from data.model.catalogue import FRAME_NAME, unconfirmed_wording
from data.model.settings import get_settings
from data.readers.inpatient import BANDS

REPO = Path(__file__).resolve().parents[3]
WORDING = REPO / "data" / "sources" / "wording"
ROOTS = (REPO, get_settings().data_dir)
NUMBERED = {
    "ip22_": re.compile(r"^Inpatient survey 2022, (question \d+( part \d)?|section \d+)$"),
    "mh_cmhs_": re.compile(r"^Community mental health survey 2021, question \d+$"),
}


def test_a_claim_not_in_its_source_fails(tmp_path):
    (tmp_path / "src.txt").write_text("**Q32** Overall, how would you describe your experience?\n")
    good = ("a", "Overall, how would you  describe\nyour experience?", "src.txt | original")
    guessed = ("b", "How was your stay in hospital?", "src.txt | original")
    nowhere = ("c", "Anything", "missing.txt")
    failures = unconfirmed_wording([good, guessed, nowhere], (tmp_path,))
    assert len(failures) == 2
    assert failures[0].startswith("b: 'How was your stay in hospital?' is not in src.txt")
    assert failures[1].startswith("c: no readable source file")


def test_every_quoted_wording_is_in_the_source_it_cites(model):
    frame = model.frames[FRAME_NAME]
    quotes = [
        (r[s.INDICATOR_ID], r["wording"], r["wording_source"]) for _, r in frame.iterrows() if r["wording"]
    ]
    assert {q[0] for q in quotes} >= {"gp_fft_positive", "gpps_overall_pct"}
    assert unconfirmed_wording(quotes, ROOTS) == []


def test_gpps_item_meanings_and_wording_are_in_their_sources(model):
    items = model.frames["gpps_items"]
    assert len(items) == 4
    meanings = [(r.indicator, r.meaning, r.meaning_source) for r in items.itertuples()]
    worded = [(r.indicator, r.wording, r.wording_source) for r in items.itertuples() if r.wording]
    assert unconfirmed_wording(meanings + worded, ROOTS) == []
    assert [w[0] for w in worded] == ["overall_pct"]  # the only item whose wording a source states
    access = items.set_index("indicator").loc["access_pct"]
    assert "phone" in access["name"] and "appointment" not in access["name"]  # Q3_12pct is phone_easy
    # The quoted GPPS 2026 question (national reference) is in the 2025 questionnaire transcription.
    questions = model.frames["gpps_questions"]
    quotes = [(r.question, r.text, r.source) for r in questions.itertuples()]
    assert quotes and unconfirmed_wording(quotes, ROOTS) == []


def test_unworded_survey_items_are_named_by_number_only(model):
    cat = model.catalogue
    for prefix, pattern in NUMBERED.items():
        mine = cat[cat.index.str.startswith(prefix)]
        assert len(mine) in (56, 28), prefix
        assert mine["short_name"].str.fullmatch(pattern.pattern).all(), prefix
        assert (mine["wording"] == "").all() and not mine["in_summaries"].astype(bool).any()
        assert not mine["name"].str.contains(r'[?"“”]').any()


def test_cqc_band_names_are_the_workbook_s_own():
    guidance = (WORDING / "ip22_workbook_guidance_key_verbatim.txt").read_text(encoding="utf-8")
    for label in BANDS.values():
        assert f"- {label}" in guidance


@pytest.mark.parametrize("name", sorted(p.name for p in WORDING.glob("*_verbatim.txt")))
def test_wording_files_name_their_origin(name):
    head = (WORDING / name).read_text(encoding="utf-8")[:600]
    assert re.search(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", head), f"{name} does not name its repository and commit"

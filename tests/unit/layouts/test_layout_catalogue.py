"""The catalogue list row: full name first, the details set apart in text (never "better106 of
106"), and a survey row that is not an indicator links to the page that shows it."""

from __future__ import annotations

from datetime import date

from data.model import schema as s
from layouts.catalogue import entry_data
from views.catalogue import entry_fields

TODAY = date(2026, 12, 6)
ROW = {
    s.INDICATOR_ID: "gp_fft_positive",
    "name": "GP Friends and Family Test (FFT): % of responses positive",
    "short_name": "GP Friends and Family Test: % positive",
    "unit": "%",
    "polarity": "lower is better",
    "home_geography": "ccg21",
    "coverage_n": 106,
    "coverage_of": 106,
    "coverage_period": "Feb 2026",
    "latest_period": "Feb 2026",
    "compare": s.COMPARE_ON_REQUEST,
    "in_summaries": True,
    "wording": "Overall, how was your experience of our service?",
    "wording_source": "SOURCES.md (data root), section 8a",
    "view_page": "",
}


def test_the_row_reads_as_words():
    """The summary line as the browser draws it (assets/catalogue.js): name · meta · age."""
    entry = entry_data(ROW, TODAY)
    assert entry["name"] == ROW["name"]  # the full name, not cut at 40 characters
    text = " · ".join([entry["name"], entry["meta"], entry["age"]])
    assert "lower is better · 106 of 106" in text and "better106" not in text
    assert text.startswith(ROW["name"] + " · % · lower is better · 106 of 106")
    assert text.endswith(" · data from Feb 2026")
    assert entry["fields"][0] == ["Indicator", ROW["name"]]


def test_fields_say_how_it_is_compared_and_where_the_wording_is_stated():
    fields = dict(entry_fields(ROW, TODAY))
    assert fields["Question"].startswith(
        '"Overall, how was your experience of our service?" (wording as stated in: SOURCES.md'
    )
    assert fields["Comparison"].startswith("shown as values; better or worse only when asked for")
    unworded = dict(entry_fields({**ROW, "wording": "", "in_summaries": False}, TODAY))
    assert "Question" not in unworded and "kept off the default spine" in unworded["Shown on"]


def test_a_survey_row_links_to_its_page():
    row = {**ROW, s.INDICATOR_ID: "gpps_overall_pct", "view_page": "inequalities", "view_item": "overall_pct"}
    links = entry_data(row, TODAY)["links"]
    assert [href for _, href in links] == [
        "/inequalities?ineq=overall_pct",
        "/indicators/gpps_overall_pct",
    ]

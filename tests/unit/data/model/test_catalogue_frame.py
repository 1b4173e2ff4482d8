"""The catalogue frame made at model build: coverage, periods, age, order and search."""

from __future__ import annotations

import pandas as pd
import pytest

from data.model import schema as s
from data.model.catalogue import FRAME_NAME, catalogue_frame, gpps_overall_good, search


def _catalogue(rows):
    frame = pd.DataFrame(rows).reindex(columns=s.CATALOGUE_COLUMNS)
    return frame.set_index(s.INDICATOR_ID)


def _avail(rows):
    frame = pd.DataFrame(
        rows, columns=[s.INDICATOR_ID, s.GEOGRAPHY, s.SEX, s.PERIOD, "period_start", "n_values"]
    )
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["n_areas"] = frame["n_values"]
    return frame


AREAS = pd.DataFrame(
    {
        s.GEOGRAPHY: ["ccg21"] * 4 + ["ccg16"] * 3 + ["england"],
        s.AREA_CODE: ["a", "b", "c", "d", "x", "y", "z", "E92000001"],
    }
)


def test_coverage_periods_and_order_on_synthetic_rows():
    catalogue = _catalogue(
        [
            {"indicator_id": "ctx", "short_name": "Context thing", "domain": "context"},
            {"indicator_id": "d4", "short_name": "Question 10", "domain": "4"},
            {"indicator_id": "d4b", "short_name": "Question 9", "domain": "4"},
            {"indicator_id": "d1", "short_name": "Mortality", "domain": "1"},
            {"indicator_id": "none", "short_name": "No data", "domain": "2"},
        ]
    )
    avail = _avail(
        [
            ("d1", "ccg21", "Persons", "2018", "2018-01-01", 4),
            ("d1", "ccg21", "Persons", "2019", "2019-01-01", 3),
            ("d1", "ccg21", "Male", "2019", "2019-01-01", 4),
            ("d1", "england", "Persons", "2019", "2019-01-01", 1),
            ("d4", "ccg16", "Female", "2015/16", "2015-04-01", 2),  # no ccg21, no persons
            ("d4b", "ccg21", "Persons", "2024-01", "2024-01-01", 4),
            ("ctx", "ccg21", "Persons", "2022/23", "2022-04-01", 1),
        ]
    )
    frame = catalogue_frame(catalogue, avail, AREAS)
    # domains 1-5 first (numbers in names sort as numbers), context last
    assert frame[s.INDICATOR_ID].tolist() == ["d1", "none", "d4b", "d4", "ctx"]
    row = frame.set_index(s.INDICATOR_ID)
    assert (row.at["d1", "coverage_n"], row.at["d1", "coverage_of"]) == (3, 4)  # persons, latest period
    assert row.at["d1", "coverage_period"] == "2019"
    assert row.at["d1", "n_periods"] == 2
    assert row.at["d1", "first_period"] == "2018"
    assert row.at["d1", "latest_end"] == pd.Timestamp("2019-12-31")
    assert row.at["d1", "geographies"] == "ccg21,england"
    assert bool(row.at["d1", "outcome"]) and not bool(row.at["ctx", "outcome"])
    assert row.at["d4", "home_geography"] == "ccg16"
    assert (row.at["d4", "coverage_n"], row.at["d4", "coverage_of"]) == (2, 3)
    assert row.at["d4", "latest_end"] == pd.Timestamp("2016-03-31")
    assert row.at["none", "coverage_n"] == 0 and row.at["none", "latest_period"] == ""
    assert pd.isna(row.at["none", "latest_end"])
    assert row.at["d4", "domain_label"] == s.DOMAINS["4"]


def test_search_needs_every_word_in_any_field():
    frame = pd.DataFrame(
        {
            s.INDICATOR_ID: ["qof_dm", "gp_fft"],
            "short_name": ["Diabetes prevalence", "GP Friends and Family Test"],
            "name": ["Diabetes: QOF prevalence (17+)", "FFT % positive"],
            "definition": ["Register / list size", "Responses rating the service good"],
            "domain_label": [s.DOMAINS["context"], s.DOMAINS["4"]],
            "publisher": ["NHS Digital", "NHS England"],
            "source": ["qof", "fft"],
            "unit": ["%", "%"],
        }
    )
    assert search(frame, "").equals(frame)
    assert search(frame, None).equals(frame)
    assert search(frame, "  DIABETES  ")[s.INDICATOR_ID].tolist() == ["qof_dm"]
    assert search(frame, "nhs positive")[s.INDICATOR_ID].tolist() == ["gp_fft"]
    assert search(frame, "positive experience")[s.INDICATOR_ID].tolist() == ["gp_fft"]  # domain 4 label
    assert search(frame, "diabetes fft").empty
    assert search(frame, "(17+)")[s.INDICATOR_ID].tolist() == ["qof_dm"]  # not a regex


def test_everyday_words_find_every_patient_experience_source(model):
    """Typing what people call them finds them (issue 17): FFT, inpatient and GP Patient Survey."""
    frame = model.frames[FRAME_NAME]

    def found(text: str) -> set[str]:
        return set(search(frame, text)[s.INDICATOR_ID])

    assert {"gp_fft_positive", "gp_fft_response_rate"} <= found("friends and family")
    assert {"gp_fft_positive", "gp_fft_response_rate"} <= found("Friends and Family Test")
    inpatient = found("inpatient")
    assert len({i for i in inpatient if i.startswith("ip22_")}) == 56
    gpps = found("GP patient survey")
    assert {"gpps_overall_pct", "gpps_access_pct", "gpps_continuity_pct", "gpps_trust_pct"} <= gpps
    assert "gp_payments_per_patient" not in gpps  # "GP patient" alone used to find "GP payments"
    assert found("community mental health survey") >= {
        i for i in model.catalogue.index if i.startswith("mh_cmhs")
    }
    assert "gp_fft_positive" in found("patient experience")  # Domain 4's everyday words
    # Full names, never cut at 40 characters.
    row = frame.set_index(s.INDICATOR_ID).loc["gp_fft_positive"]
    assert row["short_name"] == "GP Friends and Family Test: % positive"
    assert not frame["short_name"].str.endswith("preval").any()


def test_gpps_overall_experience_from_a_synthetic_frame():
    gpps = pd.DataFrame(
        {
            "question": ["Q16", "Q32", "Q32", "Q48"],
            "response": ["Good", "Good", "Poor", "Good"],
            "national_pct": [73.0, 77.0, 10.0, 89.0],
            "national_n": [377704, 410372, 54454, 412532],
        }
    )
    assert gpps_overall_good(gpps) == (77.0, 410372)
    assert gpps_overall_good(gpps[gpps["question"] != "Q32"]) is None
    assert gpps_overall_good(None) is None
    assert gpps_overall_good(pd.DataFrame({"question": ["Q32"]})) is None  # columns missing


def test_the_real_catalogue_frame(model):
    frame = model.frames[FRAME_NAME]
    # Every indicator, and the GP Patient Survey items (ICB by deprivation: not indicator rows), each
    # of those with the one page that shows it.
    surveys = frame[frame["view_page"] != ""]
    assert set(frame[s.INDICATOR_ID]) == set(model.catalogue.index) | set(surveys[s.INDICATOR_ID])
    assert len(frame) == len(model.catalogue) + len(model.frames["gpps_items"]) == len(model.catalogue) + 4
    assert (surveys["view_page"] == "inequalities").all()
    assert set(surveys["view_item"]) == {"overall_pct", "access_pct", "continuity_pct", "trust_pct"}
    assert frame["latest_end"].notna().all()
    assert (frame["coverage_n"] <= frame["coverage_of"]).all()
    order = frame["domain"].map({k: i for i, k in enumerate(s.DOMAINS)})
    assert order.is_monotonic_increasing
    # Coverage matches the availability table for one indicator (independent count from the rows).
    row = frame.set_index(s.INDICATOR_ID).loc["qof_hyp"]
    rows = model.slice("qof_hyp", row["home_geography"], row["coverage_period"], "Persons")
    assert row["coverage_n"] == rows[s.VALUE].notna().sum()
    assert row["coverage_of"] == (model.areas[s.GEOGRAPHY] == row["home_geography"]).sum()


@pytest.mark.parametrize("column", ["definition", "unit", "polarity", "licence", "publisher"])
def test_real_frame_has_text_fields(model, column):
    frame = model.frames[FRAME_NAME]
    assert frame[column].map(lambda v: isinstance(v, str)).all()

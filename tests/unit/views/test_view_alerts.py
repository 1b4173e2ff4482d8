"""The early-warning page's sections: focus list, bad focus area, national list by region."""

from __future__ import annotations

from selection import parse_query
from views.alerts import focus_section, national_section, trend_href

KERNOW = "E38000089"


def test_focus_section_for_a_ccg(app_ctx, state_for):
    text = str(focus_section(state_for(f"?areas={KERNOW}", page="alerts")))
    assert "NHS Kernow CCG: compared with England (95% confidence)" in text
    # the QOF points break (2021/22): no trend across it, so Kernow's QOF points is worse now, not red-red;
    # GP FFT is not counted as worse (NHS England advises against comparing on FFT: categories on request)
    assert "Worse than the benchmark and getting worse (0)" in text
    assert (
        "Worse than the benchmark now; trend cannot be assessed (2)" in text and "QOF points achieved" in text
    )


def test_focus_section_without_a_ccg21_area(app_ctx, state_for):
    assert "Choose a CCG, sub-ICB location or ICB" in str(focus_section(state_for("", page="alerts")))
    assert "not one" in str(
        focus_section(state_for("?geography=ccg16&areas=11N&indicator=acsc_chronic_isr", page="alerts"))
    )


def test_national_section_by_region(app_ctx, state_for):
    parts = national_section(state_for("?benchmark=peers", page="alerts"))
    assert "compared with similar CCGs" in str(parts[0])
    assert len(parts) > 1


def test_trend_link_reproduces_the_selection(model, state_for):
    href = trend_href(state_for(f"?areas={KERNOW}&ci=99.8", page="alerts"), "qof_points", KERNOW)
    state, notices = parse_query(model, href.split("?", 1)[1])
    assert href.startswith("/trends?") and notices == []
    assert (state["indicator"], state["areas"], state["ci"]) == ("qof_points", [KERNOW], "99.8")

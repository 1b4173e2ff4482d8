"""The early-warning page's sections: focus list, bad focus area, national list by region."""

from __future__ import annotations

from selection import parse_query
from views.alerts import focus_section, national_section, trend_href

KERNOW = "E38000089"
BARNSLEY = "E38000006"


def _text(node) -> str:
    if isinstance(node, list | tuple):
        return " ".join(_text(n) for n in node)
    if hasattr(node, "children"):
        return _text(node.children)
    return "" if node is None else str(node)


def test_focus_section_for_a_ccg(app_ctx, state_for):
    text = _text(focus_section(state_for(f"?areas={KERNOW}", page="alerts")))
    assert text.startswith("NHS Kernow CCG: compared with England (where England is not complete")
    # the QOF points break (2021/22): no trend across it, so Kernow's QOF points is worse now, not red-red
    assert "Worse than the benchmark and getting worse (0)" in text
    assert "Worse than the benchmark now; trend cannot be assessed (2)" in text  # GP FFT: not compared
    # every open group counted in one line, in the unit, with the benchmark's name, value and the gap
    assert "Getting worse, not (yet) worse than the benchmark: 1." in text
    assert "QOF points achieved (%) 2022/23 88.2% England 90.4% -2.15 percentage points Worse" in text
    assert "Cannot be assessed: series break in 2021/22" in text
    # the partial national comparator named on its row, the trend test in words
    assert "3.36% 49 of 106 CCGs with data 4.03%" in text
    assert "Increasing and getting worse: significant over the 5 periods to 2021-08 (chi-squared" in text
    assert "χ²" not in text
    assert "1 indicator not assessed because of a series break (QOF points achieved (%), 2021/22)" in text


def test_focus_section_with_peers_names_the_peer_group(app_ctx, state_for):
    text = _text(
        focus_section(state_for(f"?areas={BARNSLEY}&benchmark=peers&peers=rightcare", page="alerts"))
    )
    assert text.startswith("NHS Barnsley CCG: compared with NHS Barnsley CCG's RightCare similar CCGs; 95%")
    assert "Worse than the benchmark now; trend cannot be assessed (2)" in text
    assert (
        "1,182 per 100,000 NHS Barnsley CCG's 10 RightCare similar CCGs 912.3 per 100,000 +269.9 per 100,000"
        in text
    )


def test_focus_section_without_a_ccg21_area(app_ctx, state_for):
    assert "Choose a CCG, sub-ICB location or ICB" in str(focus_section(state_for("", page="alerts")))
    assert "not one" in str(
        focus_section(state_for("?geography=ccg16&areas=11N&indicator=acsc_chronic_isr", page="alerts"))
    )


def test_national_section_by_region(app_ctx, state_for):
    parts = national_section(state_for("?benchmark=peers", page="alerts"))
    assert "compared with each area's own similar CCGs" in _text(parts[0])
    assert len(parts) > 1
    england = _text(national_section(state_for("", page="alerts")))
    # the QOF points break no longer fills the list; what it left out is counted
    assert "QOF points" not in england.split("2021/22).", 1)[1]
    assert (
        "106 indicator results not assessed because of a series break (QOF points achieved (%), 2021/22)"
        in england
    )
    assert "5.35% against 4.03%, 49 of 106 CCGs with data" in england


def test_trend_link_reproduces_the_selection(model, state_for):
    href = trend_href(state_for(f"?areas={KERNOW}&ci=99.8", page="alerts"), "qof_points", KERNOW)
    state, notices = parse_query(model, href.split("?", 1)[1])
    assert href.startswith("/trends?") and notices == []
    assert (state["indicator"], state["areas"], state["ci"]) == ("qof_points", [KERNOW], "99.8")

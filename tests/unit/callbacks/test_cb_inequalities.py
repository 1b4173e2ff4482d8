"""The inequalities page's outputs: the focus CCG's ICB preselected, bad parameters fall back."""

from __future__ import annotations

from callbacks.inequalities import inequalities_outputs
from layouts.state import parse_query

KERNOW = "E38000089"


def test_focus_ccgs_icb_is_preselected_and_bad_params_fall_back(app_ctx, state_for, model):
    note, icb_fig, rank_fig, acsc = inequalities_outputs(state_for(f"?areas={KERNOW}", page="inequalities"))
    assert "Cornwall" in icb_fig["layout"]["title"]["text"]
    assert any("▶" in str(y) for t in rank_fig["data"] for y in (t.get("y") or []))
    state, notices = parse_query(model, "?icb=E54999999&ineq=nope")
    assert (state["icb"], state["ineq"]) == ("", "")
    assert notices == [
        "Unknown inequality indicator 'nope': showing the first.",
        "Unknown ICB 'E54999999': showing the focus area's ICB.",
    ]
    assert "acsc_chronic_agi" in str(acsc)

"""The funnel as a table: each area's position, the limits at its denominator and its category
under the chosen over-dispersion option, equal to the chart's own numbers."""

from __future__ import annotations

import numpy as np
import pytest

from data.methods.funnels import wilson_funnel
from data.model import schema as s
from data.queries.funnel import funnel_table, funnel_view
from data.queries.rows import Selection, resolve

FFT = Selection("gp_fft_positive", "Feb 2026", "ccg21", "Persons")


@pytest.mark.parametrize(
    ("od", "counts"),
    [
        ("multiplicative", {s.SIMILAR: 92, s.WORSE: 11, s.BETTER: 3}),
        ("additive", {s.SIMILAR: 91, s.WORSE: 14, s.BETTER: 1}),
        ("none", {s.SIMILAR: 20, s.WORSE: 34, s.BETTER: 52}),
    ],
)
def test_fft_table_equals_the_funnel(model, od, counts):
    view = funnel_view(model, FFT, od=od)
    table, method = funnel_table(model, FFT, od=od)
    assert view.rows["category"].value_counts().to_dict() == counts
    assert table["Compared to benchmark"].value_counts().to_dict() == counts
    assert len(table) == 106 and set(table["Area Code"]) == set(view.rows[s.AREA_CODE])
    # every area sits where its limits say: inside the 95% limits exactly when it is Similar
    y = table["Funnel y (value plotted)"]
    inside = (y >= table["Lower 95% limit at this denominator"]) & (
        y <= table["Upper 95% limit at this denominator"]
    )
    assert (inside == (table["Compared to benchmark"] == s.SIMILAR)).all()
    assert (table["Upper 99.8% limit at this denominator"] <= 100).all()
    if od == "none":
        assert "no adjustment for over-dispersion" in method
    else:
        assert f"({od}" in method and "φ = 34.20" in method
    assert "average of the 106 areas on it (92.3%)" in method


def test_unadjusted_limits_are_wilsons_at_the_areas_denominator(model):
    table, _ = funnel_table(model, FFT)
    rows = model.slice(FFT.indicator_id, FFT.geography, FFT.period, FFT.sex)
    rows = rows[rows[s.COUNT].notna()]
    average = rows[s.COUNT].sum() / rows[s.DENOMINATOR].sum()
    barnsley = table[table["Area Code"] == "E38000006"].iloc[0]
    n = barnsley["Denominator"]
    assert barnsley["Lower 95% limit at this denominator"] == pytest.approx(
        wilson_funnel(0.975, np.array([n]), average, "low", 100)[0]
    )
    assert barnsley["Upper 99.8% limit at this denominator"] == pytest.approx(
        wilson_funnel(0.999, np.array([n]), average, "high", 100)[0]
    )
    assert barnsley["Funnel position"] == "above the upper 99.8% limit"


def test_multiplicative_limits_are_widened_by_root_phi(model):
    view = funnel_view(model, FFT, od="multiplicative")
    od = view.funnel.overdispersion
    rows = view.rows
    average = view.funnel.limits.baseline / 100
    se = np.sqrt(average * (1 - average) / rows["x"])
    expected = np.clip(average + 1.959964 * np.sqrt(od.phi) * se, 0, 1) * 100
    assert np.allclose(rows["upper95_limit"], expected, rtol=1e-5)


@pytest.mark.parametrize("indicator", ["mort_treatable_u75", "qof_hyp"])
def test_other_statistics_keep_points_and_limits_consistent(model, indicator):
    sel = resolve(model, indicator)
    for od in ("none", "multiplicative"):
        rows = funnel_view(model, sel, od=od).rows
        on = rows["funnel_category"].isin(["inside", "above 95%", "below 95%", "above 99.8%", "below 99.8%"])
        rows = rows[on]
        inside = (rows["y"] >= rows["lower95_limit"]) & (rows["y"] <= rows["upper95_limit"])
        assert (inside == (rows["funnel_category"] == "inside")).all(), (indicator, od)

"""Explorer scatter: OLS line and statistics, CI whiskers, selection, population sizes."""

from __future__ import annotations

import numpy as np
import pytest
from figure_inputs import make_meta, scatter_df
from scipy import stats

from data.methods.analysis import OLSFit
from data.model import schema as s
from figures import common
from figures.scatter import (
    coverage_in_words,
    explorer_scatter,
    fit_in_words,
    periods_in_words,
    share_in_words,
)

X_META = make_meta(short_name="Outcome X")
Y_META = make_meta(short_name="Outcome Y", unit="per 100,000")


def _points(fig):
    return [t for t in fig.data if t.mode == "markers" and t.name not in ("Selected",)]


def test_ols_line_and_statistics_in_title():
    df = scatter_df()
    fig = explorer_scatter(
        df,
        x_meta=X_META,
        y_meta=Y_META,
        size_by_population=False,
        colour_by="region",
        show_ci=False,
        selected=[],
    )
    ok = df["x"].notna() & df["y"].notna()
    ref = stats.linregress(df.loc[ok, "x"], df.loc[ok, "y"])
    line = [t for t in fig.data if t.mode == "lines"][0]
    xs = np.array(line.x)
    assert np.allclose(line.y, ref.intercept + ref.slope * xs)
    assert xs.min() == df.loc[ok, "x"].min() and xs.max() == df.loc[ok, "x"].max()
    rho = stats.spearmanr(df.loc[ok, "x"], df.loc[ok, "y"]).statistic
    title = fig.layout.title.text
    assert f"R² = {ref.rvalue**2:.2f}" in title and f"ρ = {rho:.2f}" in title and f"n = {ok.sum()}" in title
    assert "2 areas without both values" in title
    assert common.ECOLOGICAL_NOTE in title
    assert sum(len(t.x) for t in _points(fig)) == ok.sum()
    assert len(_points(fig)) == 7  # one trace per region


def test_weighted_fit_changes_line_and_label():
    df = scatter_df()
    fig = explorer_scatter(
        df,
        x_meta=X_META,
        y_meta=Y_META,
        size_by_population=True,
        colour_by="region",
        show_ci=False,
        selected=[],
        weights="population",
    )
    assert "Population-weighted OLS" in fig.layout.title.text
    ok = df["x"].notna()
    slope, intercept = np.polyfit(df.loc[ok, "x"], df.loc[ok, "y"], 1, w=np.sqrt(df.loc[ok, "population"]))
    line = [t for t in fig.data if t.mode == "lines"][0]
    assert np.allclose(line.y, intercept + slope * np.array(line.x))
    sizes = np.concatenate([np.atleast_1d(t.marker.size) for t in _points(fig)])
    assert sizes.min() >= 6 and sizes.max() == pytest.approx(28)


def test_ci_whiskers_and_selection():
    df = scatter_df()
    code = df[s.AREA_CODE][0]
    fig = explorer_scatter(
        df,
        x_meta=X_META,
        y_meta=Y_META,
        size_by_population=False,
        colour_by="category",
        show_ci=True,
        selected=[code],
    )
    for trace in _points(fig):
        rows = df.set_index(s.AREA_CODE).loc[[c[0] for c in trace.customdata]]
        assert np.allclose(trace.error_x.array, rows["x_upper"] - rows["x"])
        assert np.allclose(trace.error_y.arrayminus, rows["y"] - rows["y_lower"])
        assert set(rows["category"]) == {trace.name.split(" (")[0]}
    sel = [t for t in fig.data if t.name == "Selected"][0]
    assert sel.customdata[0][0] == code and sel.text[0] == df[s.AREA_NAME][0]
    off = explorer_scatter(
        df,
        x_meta=X_META,
        y_meta=Y_META,
        size_by_population=False,
        colour_by="region",
        show_ci=False,
        selected=[],
    )
    assert all(t.error_x.visible is False for t in _points(off))


def test_fit_in_words_says_what_r2_means():
    fit = OLSFit(intercept=0.0, slope=1.0, r2=0.25, n=65, weighted=False)
    first, second = fit_in_words(fit, 0.41, "Deprivation", "Emergency admissions")
    assert first == (
        "R² = 0.25: in a straight-line fit, Deprivation accounts for a quarter of the variation in "
        "Emergency admissions between areas."
    )
    assert second.startswith("Spearman ρ = 0.41: a moderate positive association")
    weak = OLSFit(intercept=0.0, slope=0.1, r2=0.02, n=65, weighted=True)
    assert "explains almost none of the variation" in fit_in_words(weak, -0.05, "X", "Y")[0]
    assert fit_in_words(weak, -0.05, "X", "Y")[1] == "Spearman ρ = -0.05: no consistent ranking relationship."
    assert share_in_words(0.37) == "about 37%" and share_in_words(0.51) == "half"


def test_periods_and_coverage_in_words():
    y = {"short_name": "Hypertension", "period": "2022/23"}
    x = {"short_name": "Aged 65+", "name": "% aged 65+", "note": "Mid-2022.", "period": ""}
    text = periods_in_words(x, y)
    assert text.startswith("Periods: Hypertension (y) 2022/23; Aged 65+ (x) Mid-2022.")
    assert "Different periods are paired" in text
    assert periods_in_words(y, y) == "Both from 2022/23."
    assert coverage_in_words(65, 106, 3, 41, "CCGs") == (
        "n = 65 of 106 CCGs have both values: 41 have no value for y, 3 have no value for x "
        "(not published for them, or suppressed)."
    )


def test_axis_titles_wrap_with_their_period():
    meta = {"name": "A long indicator name that goes on and on well past the width of any plot", "unit": "%"}
    fig = explorer_scatter(
        scatter_df(), x_meta=meta | {"period": "2021"}, y_meta=meta | {"period": "2019/20"}
    )
    y_lines = fig.layout.yaxis.title.text.split("<br>")
    assert len(y_lines) >= 2 and all(len(line) <= 36 for line in y_lines)
    assert fig.layout.yaxis.title.text.endswith("2019/20") and fig.layout.xaxis.title.text.endswith("2021")

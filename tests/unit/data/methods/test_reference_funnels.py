"""Funnel limits and significance reproduce every PHEindicatormethods funnel test vector.

Each test builds its inputs the way PHEindicatormethods' tests/testthat/testFunnels.R does
(snapshot 093fd28) and compares with the published outputs to 6 significant figures, each
limit at the population (or expected events) the reference gives for it.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.methods import funnels as f

REF = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference" / "phe"


def sig6(a, b):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=5e-6, atol=1e-12)


def read(name: str) -> pd.DataFrame:
    frame = pd.read_csv(REF / name, encoding="utf-8-sig")
    frame.columns = [c.strip() for c in frame.columns]
    return frame


PROP_COLUMNS = {
    "lower95": "Lower2s0025limit",
    "upper95": "Upper2s0025limit",
    "lower998": "Lower3s0001limit",
    "upper998": "Upper3s0001limit",
}


@pytest.mark.parametrize(
    ("output", "subset"),
    [
        ("testdata_funnel_prop_outputs.csv", lambda d: d),
        ("testdata_funnel_prop_outputs_with_axis_variation.csv", lambda d: d[d["denominator"] < 31000]),
    ],
)
def test_proportion_limits(output, subset):
    inputs = subset(read("testdata_funnel_prop_inputs.csv"))
    ref = read(output)
    limits = f.funnel_limits(
        inputs["numerator"], inputs["denominator"], statistic="proportion", multiplier=100
    )
    table = limits.table
    assert len(table) == len(ref) == 100
    sig6(table["population"], ref["Population"])
    for ours, theirs in PROP_COLUMNS.items():
        sig6(table[f"{ours}_x"], ref["Population"])
        sig6(table[ours], ref[theirs])
    sig6(limits.baseline, ref["Baseline"].iloc[0])


def test_proportion_significance():
    inputs = read("testdata_funnel_prop_inputs.csv")
    sig = f.funnel_significance(inputs["numerator"], inputs["denominator"], statistic="proportion")
    assert list(sig) == list(inputs["significance"])


@pytest.mark.parametrize("ratio_type", ["count", "isr"])
def test_ratio_limits(ratio_type):
    inputs = read("testdata_funnel_ratio_inputs.csv")
    ref = read("testdata_funnel_ratio_outputs.csv")
    limits = f.funnel_limits(
        inputs["obs"], inputs["expected"], statistic="ratio", multiplier=100, ratio_type=ratio_type
    )
    table = limits.table
    assert len(table) == len(ref)
    sig6(table["observed_events"], ref["Observed_events"])
    for side in ("lower", "upper"):
        for ours, theirs in (("95", "2s"), ("998", "3s")):
            sig6(table[f"{side}{ours}_x"], ref[f"{side}_{theirs}_exp_events"])
            sig6(table[f"{side}{ours}"], ref[f"{side}_{theirs}_{ratio_type}"])
    assert limits.baseline == (100 if ratio_type == "isr" else 0)


def test_ratio_significance():
    inputs = read("testdata_funnel_ratio_inputs.csv")
    sig = f.funnel_significance(inputs["obs"], inputs["expected"], statistic="ratio")
    assert list(sig) == list(inputs["significance"])


def rate_inputs(case: str) -> dict:
    d = read("testdata_funnel_rate_input_funnels.csv")[["ev", "rate"]].copy()
    if case == "dsr":
        return dict(count=d["ev"], rate=d["rate"], statistic="dsr")
    if case == "crude_small":
        d.loc[d["ev"] == d["ev"].max(), "ev"] = 5
        return dict(count=d["ev"], rate=d["rate"], statistic="rate")
    d["pop"] = 1e5 * d["ev"] / d["rate"]
    top = d["ev"] == d["ev"].max()
    d.loc[top, "rate"] = 0
    d.loc[top, "ev"] = 0
    d = d[d["pop"] > d["pop"].max() / 2]
    return dict(count=d["ev"], denominator=d["pop"], rate=d["rate"], statistic="rate")


@pytest.mark.parametrize(
    ("case", "output", "statistic_label"),
    [
        ("dsr", "testdata_funnel_rate_outputs.csv", "rate (dsr per 100,000)"),
        ("crude_small", "testdata_funnel_rate_outputs_2.csv", "rate (crude per 100,000)"),
        ("crude_zero", "testdata_funnel_rate_outputs_3.csv", "rate (crude per 100,000)"),
    ],
)
def test_rate_limits_at_their_own_populations(case, output, statistic_label):
    ref = read(output)
    assert (ref["statistic"] == statistic_label).all()
    args = rate_inputs(case)
    limits = f.funnel_limits(
        args.pop("count"), args.pop("denominator", None), multiplier=1e5, years_of_data=3, **args
    )
    table = limits.table
    assert len(table) == len(ref) == 100
    sig6(table["events"], ref["Events"])
    for side in ("lower", "upper"):
        for ours, theirs in (("95", "2s"), ("998", "3s")):
            sig6(table[f"{side}{ours}_x"], ref[f"{side}_{theirs}_population_1_year"])
            sig6(table[f"{side}{ours}"], ref[f"{side}_{theirs}_limit"])
    sig6(limits.baseline, ref["baseline"].iloc[0])
    # the four limits of one row really sit at four different populations
    assert table.loc[50, ["lower95_x", "upper95_x", "lower998_x", "upper998_x"]].nunique() == 4


def test_rate_funnel_points():
    """calculate_funnel_points: each area's chart position (DSRs below 10 events left off)."""
    d = read("testdata_funnel_rate_input_funnels.csv")
    crude = f.funnel_points(d["ev"], rate=d["rate"], statistic="rate", multiplier=1e5, years_of_data=3)
    sig6(crude["x"], d["denominator_derived_crude"])
    sig6(crude["y"], d["rate_chart_crude"])
    small = d["ev"].where(d["ev"] != d["ev"].max(), 5)
    dsr = f.funnel_points(small, rate=d["rate"], statistic="dsr", multiplier=1e5, years_of_data=3)
    expected = d["denominator_derived"].where(small >= 10)
    np.testing.assert_array_equal(np.isnan(dsr["x"]), expected.isna())
    sig6(dsr["x"].dropna(), expected.dropna())
    zero = d["ev"].where(d["ev"] != d["ev"].max(), 0)
    with_denom = f.funnel_points(
        zero, d["pop"], rate=d["rate"], statistic="rate", multiplier=1e5, years_of_data=5
    )
    sig6(with_denom["x"], d["denominator_derived_crude_with_denom"])


RATE_SIGNIFICANCE = [
    ("dsr_per_100000_with_0", "rate_dsr", "dsr", 1e5, False),
    ("crude_per_100000_with_0", "rate_crude_per_100000", "rate", 1e5, False),
    ("crude_per_100_with_0", "rate_crude_per_100", "rate", 100, False),
    ("dsr_per_100000_without_0", "rate_dsr", "dsr", 1e5, True),
    ("dsr_per_100_without_0", "rate_dsr", "dsr", 100, True),
    ("crude_per_100000_without_0", "rate_crude_per_100000", "rate", 1e5, True),
    ("crude_per_100_without_0", "rate_crude_per_100", "rate", 100, True),
]


@pytest.mark.parametrize(("column", "rate", "statistic", "multiplier", "drop_zero"), RATE_SIGNIFICANCE)
def test_rate_significance(column, rate, statistic, multiplier, drop_zero):
    d = read("testdata_funnel_rate_dsr_inputs.csv")
    if drop_zero:
        d = d[d["count"] != 0]
    sig = f.funnel_significance(
        d["count"], d["pop"], rate=d[rate], statistic=statistic, multiplier=multiplier
    )
    # PHEindicatormethods writes "DSRs" in one branch and "dsrs" in the other
    assert [x.lower() for x in sig] == [x.lower() for x in d[column]]


# --- over-dispersion (no published vectors: checked against the formulas) -----------------


def test_overdispersion_phi_and_tau2_by_hand():
    rng = np.random.default_rng(1)
    n = rng.integers(500, 5000, 60).astype(float)
    p = np.clip(rng.normal(0.2, 0.04, 60), 0.01, 0.99)  # between-area spread: over-dispersed
    r = np.round(n * p)
    od = f.overdispersion(r, n, statistic="proportion", method="additive")
    target = r.sum() / n.sum()
    se = np.sqrt(target * (1 - target) / n)
    z = (r / n - target) / se
    lo, hi = np.quantile(z, [0.1, 0.9])
    phi = (np.clip(z, lo, hi) ** 2).mean()
    w = 1 / se**2
    tau2 = (60 * phi - 59) / (w.sum() - (w**2).sum() / w.sum())
    assert od.phi == pytest.approx(phi) and od.tau2 == pytest.approx(tau2)
    assert od.applied and od.phi > 1 and od.p_value < 0.001
    assert "phi" in od.describe()


def test_overdispersion_widens_limits_and_reclassifies():
    rng = np.random.default_rng(2)
    n = rng.integers(500, 5000, 80).astype(float)
    r = np.round(n * np.clip(rng.normal(0.2, 0.05, 80), 0.01, 0.99))
    plain = f.funnel(r, n, statistic="proportion", multiplier=100)
    for method in f.OVERDISPERSION_METHODS:
        adj = f.funnel(r, n, statistic="proportion", multiplier=100, overdispersion_method=method)
        assert adj.overdispersion.method == method and adj.overdispersion.applied
        outside = lambda c: c.str.startswith(("above", "below")).sum()  # noqa: E731
        assert outside(adj.points["category_adjusted"]) < outside(plain.points["category"])
        assert adj.n_changed == int((adj.points["category"] != adj.points["category_adjusted"]).sum()) > 0
        mid = adj.adjusted.table.iloc[50]
        x = mid["upper998_x"]
        unadjusted_width = 3.090232 * np.sqrt(r.sum() / n.sum() * (1 - r.sum() / n.sum()) / x) * 100
        assert mid["upper998"] - adj.adjusted.baseline > unadjusted_width


def test_no_overdispersion_leaves_limits_alone():
    n = np.full(30, 10_000.0)
    r = np.full(30, 2_000.0)  # identical areas: phi = 0
    od = f.overdispersion(r, n, statistic="proportion")
    assert not od.applied and od.factor == 1.0


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="statistic"):
        f.funnel_limits([1], [2], statistic="mean")
    with pytest.raises(ValueError, match="positive denominator"):
        f.funnel_limits([1.0], [0.0], statistic="proportion")
    with pytest.raises(ValueError, match="method"):
        f.overdispersion([1, 2], [10, 10], statistic="proportion", method="quadratic")


def test_vectorised_wilson_funnel_is_phstatsmethods():
    from PHStatsMethods.utils_funnel import sigma_adjustment

    population = np.array([3.0, 50, 1234, 98765])
    for p in (0.975, 0.999):
        for side in ("low", "high"):
            ours = f.wilson_funnel(p, population, 0.37, side, 100)
            theirs = [sigma_adjustment(p, n, 0.37, side, 100) for n in population]
            np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_slice_funnel_on_the_model(model):
    """A real slice: points indexed by area code, categories present, adjustment reported."""
    from data.model import schema as s

    meta = model.catalogue.loc["gp_appt_dna_rate"]
    rows = model.slice("gp_appt_dna_rate", "ccg21", meta["latest_period"], "Persons")
    rows = rows[rows[[s.COUNT, s.DENOMINATOR, s.VALUE]].notna().all(axis=1)]
    result = f.slice_funnel(rows, meta, "multiplicative")
    assert list(result.points.index) == list(rows[s.AREA_CODE])
    assert set(result.points["category"]) <= set(f.FUNNEL_CATEGORIES)
    np.testing.assert_allclose(result.points["y"], rows[s.VALUE], rtol=1e-9)
    assert result.overdispersion.phi > 1 and result.adjusted is not None
    with pytest.raises(ValueError, match="no funnel plot for statistic 'mean'"):
        f.slice_funnel(rows, {"statistic": "mean"})

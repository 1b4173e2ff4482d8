"""DSR (Dobson), ISR / standardised ratios and means reproduce PHEindicatormethods' vectors.

Inputs are built as PHEindicatormethods' tests/testthat (testpheDSRs.R, testDSRs.R,
testISRates.R, testISRatios.R, testMeans.R) build them; results to 6 significant figures.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.methods import standardised as st

REF = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference" / "phe"
LIMITS = {
    "lower95": "lower95_0cl",
    "upper95": "upper95_0cl",
    "lower998": "lower99_8cl",
    "upper998": "upper99_8cl",
}


def sig6(a, b):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=5e-6, atol=0, equal_nan=True)


@pytest.fixture(scope="module")
def sheets():
    return pd.read_excel(REF / "testdata_DSR_ISR.xlsx", sheet_name=None)


def check(ours: pd.DataFrame, ref: pd.DataFrame, columns=("value", *LIMITS)):
    for col in columns:
        sig6(ours[col], ref[LIMITS.get(col, col)])


@pytest.mark.parametrize(("multiplier", "rows"), [(10_000, [0, 1, 2]), (100_000, [4, 5, 6])])
def test_dsr_multiarea(sheets, multiplier, rows):
    ref = sheets["testresults_DSR"].iloc[rows].reset_index(drop=True)
    ours = st.dsr(sheets["testdata_multiarea"], multiplier=multiplier)
    assert list(ours["group"]) == list(ref["area"])
    sig6(ours["total_count"], ref["total_count"])
    sig6(ours["total_pop"], ref["total_pop"])
    check(ours, ref)  # testdata_tiny (9 events): NaN as published


def test_dsr_with_own_standard_population(sheets):
    ref = sheets["testresults_DSR"].iloc[[3]].reset_index(drop=True)
    data = sheets["testdata_1976"]
    ours = st.dsr(data, stdpop="esp1976", group=None, multiplier=10_000)
    check(ours, ref, ("value", "lower95", "upper95"))
    # the published 99.8% limits of this row are per 100,000 (PHEindicatormethods tests only the 95%)
    per_100k = st.dsr(data, stdpop=data["esp1976"].tolist(), group=None, multiplier=100_000)
    check(per_100k, ref, ("lower998", "upper998"))


def test_dsr_non_independent_events(sheets):
    ref = sheets["testresults_DSR"].iloc[8:12].reset_index(drop=True)
    ours = st.dsr(sheets["testdata_nonindepe"], event_frequencies=["f1", "f2", "f3", "f4"])
    assert list(ours["group"]) == list(ref["area"])
    sig6(ours["total_count"], ref["total_count"])
    check(ours, ref)


def isr_reference(sheets):
    ref = sheets["refdata"]
    return ref["refcount"].tolist(), ref["refpop"].tolist()


@pytest.mark.parametrize(
    ("kind", "multiplier", "rows"),
    [
        ("rate", 100_000, [0, 1, 2]),
        ("rate", 1000, [3, 4, 5]),
        ("ratio", 1, [6, 7, 8]),
        ("ratio", 100, [9, 10, 11]),
    ],
)
def test_indirect_standardisation(sheets, kind, multiplier, rows):
    ref = sheets["testresults_ISR"].iloc[rows].reset_index(drop=True)
    ref_count, ref_pop = isr_reference(sheets)
    fn = st.isr if kind == "rate" else st.isratio
    ours = fn(sheets["testdata_multiarea"], ref_count=ref_count, ref_pop=ref_pop, multiplier=multiplier)
    sig6(ours["observed"], ref["observed"])
    sig6(ours["expected"], ref["expected"])
    if kind == "rate":
        sig6(ours["ref_rate"], ref["ref_rate"])
    check(ours, ref)
    # the same with reference columns in the data, and with observed totals from a lookup
    own = fn(sheets["testdata_multiarea_isr"], multiplier=multiplier)
    check(own, ref)
    lookup = sheets["testdata_multiarea_lookup"].set_index("area")["total_count"]
    totals = fn(
        sheets["testdata_multiarea"].drop(columns="count"),
        ref_count=ref_count,
        ref_pop=ref_pop,
        observed=lookup,
        multiplier=multiplier,
    )
    check(totals, ref)


@pytest.mark.parametrize(
    ("kind", "multiplier", "rows"), [("rate", 100_000, [12, 13]), ("ratio", 100, [14, 15])]
)
def test_indirect_standardisation_with_a_zero_population(sheets, kind, multiplier, rows):
    ref = sheets["testresults_ISR"].iloc[rows].reset_index(drop=True)
    ref_count, ref_pop = isr_reference(sheets)
    fn = st.isr if kind == "rate" else st.isratio
    ours = fn(sheets["testdata_err2"], ref_count=ref_count, ref_pop=ref_pop, multiplier=multiplier)
    sig6(ours["expected"], ref["expected"])
    check(ours, ref, ("value", "lower95", "upper95"))


def test_means_with_t_limits():
    data = pd.read_excel(REF / "testdata_Mean.xlsx", sheet_name="testdata_Mean")
    ref = pd.read_excel(REF / "testdata_Mean.xlsx", sheet_name="testdata_Mean_results")
    grouped = st.mean_ci(data["values"], data["area"])
    whole = st.mean_ci(data["values"])
    ours = pd.concat([grouped, whole], ignore_index=True)
    for col in ("value_sum", "value_count", "stdev", "value"):
        sig6(ours[col], ref[col])
    check(ours, ref, tuple(LIMITS))


def test_bad_input_is_named(sheets):
    with pytest.raises(ValueError, match="pop"):
        st.dsr(sheets["testdata_err2"])  # a zero population
    with pytest.raises(ValueError, match="counts"):
        st.dsr(sheets["testdata_err1"].rename(columns={"Age Band": "area"}).assign(count=-1), group=None)
    with pytest.raises(ValueError, match="same number of age bands"):
        st.dsr(sheets["testdata_multiarea"].iloc[:-1])
    with pytest.raises(ValueError, match="reference values"):
        st.isr(sheets["testdata_multiarea"], ref_count=[1, 2], ref_pop=[3, 4])

"""The PHStatsMethods adapter reproduces PHEindicatormethods' published test vectors."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.methods.stats import add_statistics, byars_limits, compare, quintiles, wilson_limits
from data.model import schema as s

REF = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference" / "phe"


def sig6(a, b):
    """Equal to 6 significant figures."""
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=5e-6, atol=0)


def level(text: str) -> float:
    return {"95%": 0.95, "99.8%": 0.998}[text]


@pytest.fixture(scope="module")
def byars_wilson():
    return pd.read_excel(REF / "testdata_Byars_Wilson.xlsx")


def test_wilson_vectors(byars_wilson):
    rows = byars_wilson[byars_wilson["method"] == "Wilson"]
    assert len(rows) == 6
    for conf, part in rows.groupby("confidence"):
        lo, hi = wilson_limits(part["x"], part["n"], level(conf))
        sig6(lo, part["lowercl"])
        sig6(hi, part["uppercl"])


def test_byars_vectors(byars_wilson):
    # These vectors test PHEindicatormethods' plain Byar's functions, small counts included.
    rows = byars_wilson[byars_wilson["method"] == "Byars"]
    assert len(rows) == 7
    for conf, part in rows.groupby("confidence"):
        lo, hi = byars_limits(part["x"], np.ones(len(part)), level(conf), multiplier=1, exact_below_10=False)
        np.testing.assert_array_equal(np.isnan(lo), part["lowercl"].isna())
        sig6(lo[~np.isnan(lo)], part["lowercl"].dropna())
        sig6(hi, part["uppercl"])


@pytest.mark.parametrize("sheet", ["testdata_Prop", "testdata_Prop_g"])
def test_proportion_vectors(sheet):
    ref = pd.read_excel(REF / "testdata_Proportion.xlsx", sheet_name=sheet)
    ref = ref[ref["Numerator"].notna() & ref["Denominator"].gt(0) & (ref["Numerator"] <= ref["Denominator"])]
    if "lowercl" in ref:
        for conf, part in ref.groupby("confidence"):
            lo, hi = wilson_limits(
                part["Numerator"], part["Denominator"], level(conf), part["multiplier"].iloc[0]
            )
            sig6(lo, part["lowercl"])
            sig6(hi, part["uppercl"])
    else:
        for mult, part in ref.groupby("multiplier"):
            frame = pd.DataFrame({s.COUNT: part["Numerator"], s.DENOMINATOR: part["Denominator"]})
            for c in (s.VALUE, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998):
                frame[c] = np.nan
            out = add_statistics(frame, "proportion", mult)
            sig6(out[s.VALUE], part["value"])
            sig6(out[s.LOWER95], part["lower95_0cl"])
            sig6(out[s.UPPER95], part["upper95_0cl"])
            sig6(out[s.LOWER998], part["lower99_8cl"])
            sig6(out[s.UPPER998], part["upper99_8cl"])


@pytest.mark.parametrize("sheet", ["testdata_Rate", "testdata_Rate_g"])
def test_rate_vectors(sheet):
    ref = pd.read_excel(REF / "testdata_Rate.xlsx", sheet_name=sheet)
    ref = ref[ref["Numerator"].notna() & ref["Denominator"].gt(0)]
    assert len(ref) > 5
    if "lowercl" in ref:
        for (conf, mult), part in ref.groupby(["confidence", "multiplier"]):
            lo, hi = byars_limits(part["Numerator"], part["Denominator"], level(conf), mult)
            sig6(lo, part["lowercl"])
            sig6(hi, part["uppercl"])
    else:
        for mult, part in ref.groupby("multiplier"):
            frame = pd.DataFrame({s.COUNT: part["Numerator"], s.DENOMINATOR: part["Denominator"]})
            for c in (s.VALUE, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998):
                frame[c] = np.nan
            out = add_statistics(frame, "rate", mult)
            sig6(out[s.VALUE], part["value"])
            sig6(out[s.LOWER95], part["lower95_0cl"])
            sig6(out[s.UPPER998], part["upper99_8cl"])


def test_zero_count_rate_has_exact_upper_limit():
    lo, hi = byars_limits([0], [1000], 0.95, 1000)
    assert lo[0] == 0
    assert hi[0] == pytest.approx(3.688879, rel=1e-6)  # chi2(0.975, 2)/2 per 1000


def test_invalid_inputs_give_nan_not_errors():
    lo, hi = wilson_limits([5, 12, np.nan], [0, 10, 10])
    assert np.isnan(lo).all() and np.isnan(hi).all()


def test_compare_polarity_and_missing():
    value = np.array([10.0, 12.0, 8.0, np.nan, 10.0])
    lower = np.array([9.0, 11.0, 7.0, np.nan, np.nan])
    upper = np.array([11.0, 13.0, 9.0, np.nan, np.nan])
    assert list(compare(value, lower, upper, 10.0, s.POLARITY_HIGH_GOOD)) == [
        s.SIMILAR,
        s.BETTER,
        s.WORSE,
        s.NOT_COMPARED,
        s.NOT_COMPARED,
    ]
    assert list(compare(value, lower, upper, 10.0, s.POLARITY_LOW_GOOD))[:3] == [s.SIMILAR, s.WORSE, s.BETTER]
    assert list(compare(value, lower, upper, 10.0, s.POLARITY_NONE))[:3] == [s.SIMILAR, s.HIGHER, s.LOWER]


def test_quintiles_follow_polarity():
    values = pd.Series(np.arange(1.0, 11.0))
    high = quintiles(values, s.POLARITY_HIGH_GOOD)
    low = quintiles(values, s.POLARITY_LOW_GOOD)
    assert high.iloc[-1] == 5 and high.iloc[0] == 1
    assert low.iloc[0] == 5 and low.iloc[-1] == 1
    assert sorted(high.value_counts().tolist()) == [2, 2, 2, 2, 2]

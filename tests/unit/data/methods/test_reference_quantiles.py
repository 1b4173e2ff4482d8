"""Quantiles: phe_quantile reproduces testdata_Quantiles.xlsx; Fingertips' quintile rule by hand."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.methods.quantiles import (
    fingertips_bounds,
    fingertips_category,
    model_quintiles,
    phe_quantile,
    quintiles,
)
from data.methods.stats import quintile_label
from data.model import schema as s

REF = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference" / "phe"
N_OF = {"Decile": 10, "Septile": 7, "Quartile": 4}


@pytest.fixture(scope="module")
def reference():
    # "None" is a GroupSet name here, not a missing value
    ref = pd.read_excel(REF / "testdata_Quantiles.xlsx", keep_default_na=False, na_values=[""])
    ref["Value"] = pd.to_numeric(ref["Value"], errors="coerce")
    ref["QuantileInGrp"] = pd.to_numeric(ref["QuantileInGrp"], errors="coerce")
    return ref


def test_phe_quantile_reproduces_every_row(reference):
    assert len(reference) == 1017
    checked = 0
    # "None": one ungrouped set of quartiles over every row (the package's default invert)
    whole = reference[reference["GroupSet"] == "None"]
    got = phe_quantile(whole["Value"], 4, invert=True)
    np.testing.assert_array_equal(got.to_numpy(), whole["QuantileInGrp"].to_numpy())
    checked += len(whole)
    grouped = reference[reference["GroupSet"] != "None"]
    for (group_set, _), part in grouped.groupby(["GroupSet", "IndSexRef"]):
        n = N_OF[part["QuantileNm"].iloc[0]]
        # polarity as a field: "High is good" -> quantile 1 = lowest values (the worst)
        polarity = part["Polarity"].iloc[0]
        invert = {"RAG - High is good": False, "RAG - Low is good": True}.get(polarity, polarity)
        groups = part["ParentCode"] if group_set == "IndSexReg" else None
        got = phe_quantile(part["Value"], n, invert=bool(invert), groups=groups)
        np.testing.assert_array_equal(got.to_numpy(), part["QuantileInGrp"].to_numpy())
        checked += len(part)
    assert checked == len(reference)


def test_fingertips_bounds_are_type7_percentiles():
    values = np.array([7.0, 1, 3, 5, 9, 11, 2])
    bounds = fingertips_bounds(values)
    np.testing.assert_allclose(bounds, [1, *np.quantile(values, [0.2, 0.4, 0.6, 0.8]), 11])


def test_fingertips_rule_by_hand():
    # ten values 1..10: P20 = 2.8, P40 = 4.6, P60 = 6.4, P80 = 8.2
    values = pd.Series(np.arange(1.0, 11.0))
    assert list(fingertips_category(values)) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # a value equal to a bound belongs to the lower quintile; equal values share one
    tied = pd.Series([1.0, 2, 2, 2, 3, 4])
    bounds = fingertips_bounds(tied.to_numpy())  # [1, 2, 2, 2.6, 3, 4]
    assert bounds[1] == 2 and list(fingertips_category(tied)) == [1, 1, 1, 1, 4, 5]
    assert np.isnan(fingertips_category(pd.Series([1.0, 2, 3, 4, np.nan]))).all()  # 4 areas: none


def test_quintiles_follow_polarity():
    values = pd.Series(np.arange(1.0, 11.0))
    high = quintiles(values, s.POLARITY_HIGH_GOOD)
    low = quintiles(values, s.POLARITY_LOW_GOOD)
    assert high.iloc[-1] == 5 and low.iloc[0] == 5
    assert quintile_label(low.iloc[0], s.POLARITY_LOW_GOOD) == "Best"
    assert quintile_label(high.iloc[0], s.POLARITY_NONE) == "Lowest"


def test_model_quintile_column_is_the_fingertips_rule(model):
    rows = model.indicators[(model.indicators[s.GEOGRAPHY] == "ccg21") & model.indicators[s.VALUE].notna()]
    catalogue_polarity = rows[s.INDICATOR_ID].map(model.catalogue["polarity"])
    recomputed = model_quintiles(rows, catalogue_polarity)
    pd.testing.assert_series_equal(
        rows[s.QUINTILE].astype(float), recomputed.astype(float), check_names=False
    )
    # spot-check one slice against the rule written out
    key = rows.groupby([s.INDICATOR_ID, s.PERIOD, s.SEX]).size().idxmax()
    part = rows.set_index([s.INDICATOR_ID, s.PERIOD, s.SEX]).loc[key]
    polarity = model.catalogue.loc[key[0], "polarity"]
    expected = quintiles(part[s.VALUE].reset_index(drop=True), polarity)
    np.testing.assert_array_equal(part[s.QUINTILE].to_numpy(dtype=float), expected.to_numpy())

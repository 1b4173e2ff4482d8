"""SII / RII reproduce testdata_SII.xlsx: the indices to 6 s.f., simulated limits within 5%.

Each test case is a block of rows with a TestDescription (as in PHEindicatormethods'
testSII.R); the expected results sit on the first row of each area. The limits come from
simulation, so (as the package's own tests do) they are compared with a 5% tolerance.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.methods.inequality import sii

REF = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference" / "phe"


def case_options(description: str) -> dict:
    text = description.lower()
    confidence: tuple[float, ...] = (0.95,)
    if "multiple cis" in text and "98" not in text:
        confidence = (0.95, 0.99)
    elif "95 and 98" in text or "95% and 98%" in text:
        confidence = (0.95, 0.98)
    elif "98%" in text:
        confidence = (0.98,)
    elif "99% confidence" in text:
        confidence = (0.99,)
    multiplier = 1.0
    if "x -100" in text:
        multiplier = -100.0
    elif "x 100" in text:
        multiplier = 100.0
    elif "negative multiplier" in text:
        multiplier = -1.0
    return dict(confidence=confidence, multiplier=multiplier, transform="transform" in text)


def cases():
    ref = pd.read_excel(REF / "testdata_SII.xlsx")
    for description, block in ref.groupby("TestDescription", sort=False):
        for area, rows in block.groupby("Area", sort=False):
            rows = rows.sort_values("Quantile")
            if pd.notna(rows["sii"].iloc[0]):
                yield pytest.param(description, rows, id=f"{rows['RecordNo'].iloc[0]}-{area}")


CASES = list(cases())


def test_every_published_result_is_a_case():
    assert len(CASES) == 2 * 22  # 22 calculation tests x 2 areas; the other blocks test errors


@pytest.mark.parametrize(("description", "rows"), CASES)
def test_sii_rii(description, rows):
    opts = case_options(description)
    first = rows.iloc[0]
    value = rows["Value"].to_numpy(float)
    if np.isnan(value).any():  # proportions given as counts
        value = (rows["Count"] / rows["Population"]).to_numpy(float)
    result = sii(
        rows["Population"],
        value,
        value_type=int(first["ValueType"]),
        lower_cl=rows["LowerCL"],
        upper_cl=rows["UpperCL"],
        repetitions=20_000,
        seed=5,
        **opts,
    )
    np.testing.assert_allclose(result.sii, first["sii"], rtol=5e-6)
    if pd.notna(first["rii"]):
        np.testing.assert_allclose(result.rii, first["rii"], rtol=5e-6)
    if pd.notna(first["Intercept"]):
        np.testing.assert_allclose(result.intercept, first["Intercept"], rtol=5e-6)
    for i, _ in enumerate(opts["confidence"]):
        for name, limits in (("sii", result.sii_limits), ("rii", result.rii_limits)):
            for side, value_ in zip(("lowercl", "uppercl"), limits[i]):
                expected = first[f"{name}_{side}_{i + 1}"]
                if pd.notna(expected):
                    np.testing.assert_allclose(value_, expected, rtol=0.05)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="5 to 100 quantiles"):
        sii([1, 2, 3], [1, 2, 3], se=[1, 1, 1])
    with pytest.raises(ValueError, match="population"):
        sii([1, 2, 0, 4, 5], [1, 2, 3, 4, 5], se=[1] * 5)
    with pytest.raises(ValueError, match="transform"):
        sii([1] * 5, [1] * 5, se=[1] * 5, transform=True)


def test_sii_of_dsrs_by_quintile():
    """DSR_testdata.csv (DSRs with limits by deprivation quintile and year; inputs only, no
    published outputs): the SII of each year equals an independent weighted fit."""
    data = pd.read_csv(REF / "DSR_testdata.csv")
    assert data.groupby("Period").size().eq(5).all()
    for _, rows in data.groupby("Period"):
        rows = rows.sort_values("Quintile")
        pop = rows["total_pop"].to_numpy(float)
        result = sii(
            pop,
            rows["value"],
            value_type=1,
            lower_cl=rows["lowercl"],
            upper_cl=rows["uppercl"],
            repetitions=2000,
            seed=1,
        )
        midpoints = (np.cumsum(pop) - pop / 2) / pop.sum()
        slope, intercept = np.polyfit(midpoints, rows["value"], 1, w=np.sqrt(pop))
        np.testing.assert_allclose([result.sii, result.intercept], [slope, intercept], rtol=1e-9)
        lower, upper = result.sii_limits[0]
        assert lower < result.sii < upper

"""Seeded synthetic inputs for the figure tests: 106 CCGs in 7 regions, like ccg21."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.model import schema as s

REGIONS = {
    "E40000003": "London",
    "E40000005": "South East",
    "E40000006": "South West",
    "E40000007": "East of England",
    "E40000008": "Midlands",
    "E40000009": "North East and Yorkshire",
    "E40000010": "North West",
}
N_AREAS = 106


def make_frame(
    seed: int = 1,
    *,
    polarity: str = s.POLARITY_HIGH_GOOD,
    n_missing: int = 4,
    codes: list[str] | None = None,
) -> pd.DataFrame:
    """One indicator/period/sex over 106 CCGs: proportions with Wilson-like CIs and categories."""
    rng = np.random.default_rng(seed)
    codes = codes or [f"E38{i:06d}" for i in range(1, N_AREAS + 1)]
    n = len(codes)
    region_codes = np.array(list(REGIONS))[np.arange(n) % len(REGIONS)]
    denominator = rng.integers(2_000, 40_000, n).astype(float)
    p = np.clip(rng.normal(0.6, 0.06, n), 0.05, 0.95)
    count = np.round(p * denominator)
    value = count / denominator * 100
    half95 = 1.96 * np.sqrt(p * (1 - p) / denominator) * 100
    half998 = 3.09 * np.sqrt(p * (1 - p) / denominator) * 100
    frame = pd.DataFrame(
        {
            s.INDICATOR_ID: "ind1",
            s.AREA_CODE: codes,
            s.AREA_NAME: [f"NHS Area {i:03d} CCG" for i in range(n)],
            s.GEOGRAPHY: "ccg21",
            s.PERIOD: "2020/21",
            s.PERIOD_START: pd.Timestamp("2020-04-01"),
            s.SEX: "Persons",
            s.VALUE: value,
            s.LOWER95: value - half95,
            s.UPPER95: value + half95,
            s.LOWER998: value - half998,
            s.UPPER998: value + half998,
            s.COUNT: count,
            s.DENOMINATOR: denominator,
            s.NOTE: "",
            s.HARMONISATION: "published",
            "region_code": region_codes,
            "region_name": [REGIONS[r] for r in region_codes],
        }
    )
    england = float(count.sum() / denominator.sum() * 100)
    region_values = frame.groupby("region_code")[s.VALUE].mean().to_dict()
    good_high = polarity != s.POLARITY_LOW_GOOD
    for bench, ref in (
        ("england", pd.Series(england, index=frame.index)),
        ("region", frame["region_code"].map(region_values)),
    ):
        for lvl, lo, hi in (("95", s.LOWER95, s.UPPER95), ("998", s.LOWER998, s.UPPER998)):
            above = frame[lo] > ref
            below = frame[hi] < ref
            if polarity == s.POLARITY_NONE:
                cat = np.select([above, below], [s.HIGHER, s.LOWER], s.SIMILAR)
            else:
                cat = np.select(
                    [above, below],
                    [s.BETTER if good_high else s.WORSE, s.WORSE if good_high else s.BETTER],
                    s.SIMILAR,
                )
            frame[f"cmp_{bench}_{lvl}"] = cat
    ranked = frame[s.VALUE].rank(pct=True)
    if not good_high:
        ranked = 1 - ranked + 1 / n
    frame[s.QUINTILE] = np.ceil(ranked * 5).clip(1, 5)
    if n_missing:
        idx = frame.index[-n_missing:]
        cols = [s.VALUE, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998, s.COUNT, s.QUINTILE]
        frame.loc[idx, cols] = np.nan
        for c in (s.CMP_ENGLAND_95, s.CMP_ENGLAND_998, s.CMP_REGION_95, s.CMP_REGION_998):
            frame.loc[idx, c] = s.NOT_COMPARED
    frame.attrs["england"] = england
    frame.attrs["region_values"] = region_values
    return frame


def make_meta(polarity: str = s.POLARITY_HIGH_GOOD, **overrides) -> dict:
    meta = {
        s.INDICATOR_ID: "ind1",
        "name": "Percentage of patients with a synthetic outcome",
        "short_name": "Synthetic outcome",
        "domain": "1",
        "unit": "%",
        "multiplier": 100,
        "polarity": polarity,
        "statistic": "proportion",
        "ci_method": "Wilson",
        "definition": "Synthetic.",
    }
    meta.update(overrides)
    return meta


def square_geojson(codes: list[str]) -> dict:
    """A grid of square features over England-ish coordinates, id = area code."""
    features = []
    for i, code in enumerate(codes):
        x, y = -5 + (i % 12) * 0.5, 50.5 + (i // 12) * 0.5
        ring = [[x, y], [x + 0.5, y], [x + 0.5, y + 0.5], [x, y + 0.5], [x, y]]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}

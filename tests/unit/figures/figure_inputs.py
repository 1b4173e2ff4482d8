"""Synthetic inputs for the scatter, trend, overview and spine builders (seeded)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from figure_fixtures import make_frame, make_meta

from data.model import schema as s


def scatter_df(seed: int = 5) -> pd.DataFrame:
    x_frame, y_frame = make_frame(seed, n_missing=2), make_frame(seed + 1, n_missing=0)
    rng = np.random.default_rng(seed)
    y = 20 + 0.5 * x_frame[s.VALUE] + rng.normal(0, 2, len(x_frame))
    return pd.DataFrame(
        {
            s.AREA_CODE: x_frame[s.AREA_CODE],
            s.AREA_NAME: x_frame[s.AREA_NAME],
            "region_name": x_frame["region_name"],
            "x": x_frame[s.VALUE],
            "y": y,
            "x_lower": x_frame[s.LOWER95],
            "x_upper": x_frame[s.UPPER95],
            "y_lower": y - 1.5,
            "y_upper": y + 1.5,
            "population": rng.integers(100_000, 1_200_000, len(x_frame)).astype(float),
            "category": y_frame[s.CMP_ENGLAND_95],
        }
    )


def trend_series(codes: list[str], n_periods: int = 6) -> pd.DataFrame:
    frames = []
    for i in range(n_periods):
        f = make_frame(seed=10 + i, n_missing=0)
        f = f[f[s.AREA_CODE].isin(codes)].copy()
        f[s.PERIOD] = f"{2015 + i}/{16 + i}"
        f[s.PERIOD_START] = pd.Timestamp(f"{2015 + i}-04-01")
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def overview_grid_frame(n_indicators: int = 8) -> pd.DataFrame:
    parts = []
    for i in range(n_indicators):
        f = make_frame(seed=30 + i, n_missing=3)
        parts.append(
            pd.DataFrame(
                {
                    s.AREA_CODE: f[s.AREA_CODE],
                    s.AREA_NAME: f[s.AREA_NAME],
                    "indicator_id": f"ind{i}",
                    "short_name": f"Indicator {i} with a long name",
                    s.VALUE: f[s.VALUE],
                    "category": f[s.CMP_ENGLAND_95],
                    "unit": "%",
                }
            )
        )
    grid = pd.concat(parts, ignore_index=True)
    return grid.drop(index=[5, 6])  # two cells with no row at all


__all__ = ["make_meta", "overview_grid_frame", "scatter_df", "trend_series"]

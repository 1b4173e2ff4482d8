"""Fixtures for the figure builder tests (helpers live in figure_fixtures.py)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from figure_fixtures import make_frame, make_meta

from data.model.settings import get_settings


@pytest.fixture()
def frame() -> pd.DataFrame:
    return make_frame()


@pytest.fixture()
def meta() -> dict:
    return make_meta()


@pytest.fixture(scope="session")
def real_ccg21() -> tuple[dict, dict, pd.DataFrame]:
    """Real ccg21 boundaries (id = E38 code), real region outlines and the real CCG->region lookup."""
    data_dir = get_settings().data_dir
    ccg = json.loads((data_dir / "boundaries" / "ccg21_apr2021_buc.geojson").read_text())
    for f in ccg["features"]:
        f["id"] = f["properties"]["ccg21_code"]
    regions = json.loads((data_dir / "derived" / "nhser21_apr2021_buc_wgs84.geojson").read_text())
    for f in regions["features"]:
        f["id"] = f["properties"]["NHSER21CD"]
    lookup = pd.read_csv(data_dir / "lookups" / "ccg21_stp21_nhser21.csv")
    assert all(re.fullmatch(r"E38\d{6}", f["id"]) for f in ccg["features"])
    return ccg, regions, lookup

"""Session fixtures: the real boundary layers and lineage, built once for every geo test."""

from __future__ import annotations

import pytest

from data.model.manifest import load_manifest
from data.model.settings import get_settings
from geo.boundaries import build_boundaries
from geo.lineage import build_lineage

DATA_DIR = get_settings().data_dir


@pytest.fixture(scope="session")
def data_dir():
    if not (DATA_DIR / "boundaries").is_dir():
        pytest.skip(f"real data not found at {DATA_DIR}")
    return DATA_DIR


@pytest.fixture(scope="session")
def built(data_dir):
    return build_boundaries(data_dir, load_manifest())


@pytest.fixture(scope="session")
def layers(built):
    return built[0]


@pytest.fixture(scope="session")
def notes(built):
    return built[1]


@pytest.fixture(scope="session")
def lineage(layers):
    return build_lineage(layers)

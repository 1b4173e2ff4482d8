"""Shared fixtures: the real model, loaded once per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def model():
    from data.model.store import load_model

    return load_model()

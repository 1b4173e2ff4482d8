"""A page worker loads only what pages need: the geometry stack (geopandas, pyproj, GDAL through
pyogrio, shapely) is for the model's build, and the file makers (kaleido, python-pptx, pypdf)
for the render service. Each is tens of MB of a worker's memory (issue 20: under 400 MB)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD_ONLY = ("geopandas", "pyproj", "pyogrio", "shapely")
RENDER_ONLY = ("kaleido", "pptx", "pypdf")


def test_the_app_imports_neither_the_geometry_stack_nor_the_file_makers():
    code = (
        "import logging, sys; logging.disable(logging.WARNING); import app; "
        f"print(','.join(m for m in {BUILD_ONLY + RENDER_ONLY!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300, check=True
    )
    loaded = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert loaded == "", f"a worker imported {loaded}"


def test_the_charts_template_is_made_with_the_app_before_any_request():
    """Expanding plotly's template takes about 0.3 s: made when the app is created (under gunicorn's
    preload, in the master, before the workers fork), it is not paid by each worker's first chart."""
    code = (
        "import logging; logging.disable(logging.WARNING); import app; "
        "from figures.plain import template; print(template.cache_info().currsize)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "1"

"""Helpers shared by the export tests (a module of its own: ``from conftest import`` is ambiguous
when the browser tests' conftest is loaded in the same session)."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium not installed")


def pdf_text(path) -> str:
    """The PDF's text as pdftotext extracts it (NFKC: DejaVu's 'fi' ligature becomes 'fi')."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout)


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))

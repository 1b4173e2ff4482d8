"""Every callback module is registered: a module that defines a callback but is missing from
``callbacks.MODULES`` is never imported, and its control silently does nothing (the Areas box's
search once stopped answering when a merge left ``places`` out)."""

from __future__ import annotations

import re
from pathlib import Path

import callbacks

ROOT = Path(callbacks.__file__).parent


def test_every_module_with_a_callback_is_registered():
    defines = {
        path.stem
        for path in ROOT.glob("*.py")
        if re.search(r"^@callback\(|^\s*clientside_callback\(", path.read_text(), re.MULTILINE)
    }
    assert defines, "no callback module found"
    assert defines <= set(callbacks.MODULES), sorted(defines - set(callbacks.MODULES))

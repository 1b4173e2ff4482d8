"""Readers turn source files into frames of the model's shapes.

A reader is a function ``read(ctx: ReadContext) -> ReadResult`` registered under a
name with ``@reader("name")``; a manifest entry names its reader (``reader =
"name"``) and may carry parameters for it (``[source.params]``). One reader may
use several manifest entries (it asks ``ctx.path(entry_id)`` for each).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from data.model.validation import Problem

READERS: dict[str, Callable[[ReadContext], ReadResult]] = {}


def reader(name: str):
    """Register a reader function under ``name`` (the manifest's ``reader`` value)."""

    def register(func):
        READERS[name] = func
        return func

    return register


@dataclass(frozen=True)
class ReadContext:
    """What a reader may see: its own manifest entry and the paths of all entries."""

    entry: dict[str, Any]  # the manifest entry whose reader this is
    data_dir: Path
    manifest: dict[str, dict[str, Any]]  # every entry by id

    @property
    def params(self) -> dict[str, Any]:
        return self.entry.get("params", {})

    def path(self, entry_id: str | None = None) -> Path:
        entry = self.entry if entry_id is None else self.manifest[entry_id]
        return self.data_dir / entry["path"]

    @property
    def dataset(self) -> str:
        return self.entry["id"]


@dataclass
class ReadResult:
    """What a reader gives back. Every frame may be empty; rows_read counts data rows."""

    rows_read: int = 0
    values: pd.DataFrame | None = None  # indicator rows (schema.INDICATOR_COLUMNS subset)
    catalogue: list[dict[str, Any]] = field(default_factory=list)  # schema.CATALOGUE_COLUMNS
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # lookups, demographics, ...
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # free text for the inventory

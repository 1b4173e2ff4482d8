"""What an exported chart or table says about itself (title, subtitle, source, method, link,
licence, caveat), and a page's export parts: the words the views give and ``reports`` prints."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

APP = "CCG Outcomes Explorer"
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
OS_DATA = "Contains OS data © Crown copyright and database right."


@dataclass(frozen=True)
class Provenance:
    """What an exported figure says about itself."""

    title: str
    subtitle: str
    source: str
    method: str
    link: str
    boundaries: bool = False
    page_label: str = ""  # "Page 3 of 20" in a board pack
    caveat: str = ""  # the publisher's leading caveat (e.g. FFT is not for ranking providers)

    def footer_lines(self) -> list[str]:
        licence = f"{OGL} {OS_DATA}" if self.boundaries else OGL
        view = f"View: {self.link}" + (f"  ·  {self.page_label}" if self.page_label else "")
        caveat = [f"Caveat: {self.caveat}"] if self.caveat else []
        return [f"Source: {self.source}", *caveat, licence, f"Method: {self.method}", view]


@dataclass(frozen=True)
class Piece:
    """One numbered part of a page's export: its label, figure (None for data only), table and words."""

    label: str
    figure: go.Figure | None
    table: pd.DataFrame
    provenance: Provenance
    sheet: str


class ExportRefused(ValueError):
    """The selection cannot be exported as asked (a 400 with this message)."""


def first_sentence(text: str) -> str:
    """The first sentence (a full stop after a word or number, then a capital: 'c. 2014/15' is kept whole)."""
    text = " ".join(str(text or "").split())
    return re.split(r"(?<=[a-z0-9)'])\.\s+(?=[A-Z])", text, maxsplit=1)[0].rstrip(".") + "." if text else ""

"""What a board pack's PDF must be, read from its text (pdfplumber), as issue 18 sets it out:

* every red-red of ``data.queries.alerts`` appears on the key-messages page;
* no page ends with a heading (a domain heading of the spine, or a page's own title);
* no word ends where a 40-character cut would put it (no name is cut);
* every value has its unit (every decimal number on a text page is followed by one).
"""

from __future__ import annotations

import io
import re

import pdfplumber

from data.model import schema as s

FOOTER = re.compile(r"^(Source: |View: |Page \d+ of \d+)")


def page_lines(pdf_bytes: bytes) -> list[list[str]]:
    """Each page's text lines, top to bottom."""
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return [[line["text"] for line in page.extract_text_lines()] for page in pdf.pages]


def _content(lines: list[str]) -> tuple[list[str], bool]:
    """The lines above a page's footer, and whether the page is a chart (its footer has a source)."""
    for i, line in enumerate(lines):
        if FOOTER.match(line):
            return lines[:i], line.startswith("Source: ")
    return lines, False


def red_red_problems(pages: list[list[str]], alerts) -> list[str]:
    key = [" ".join(lines) for lines in pages if lines and lines[0].startswith("Key messages")]
    if not key:
        return ["no key-messages page"]
    text = key[0]
    reds = alerts[alerts["group"] == "red-red"]
    return [
        f"red-red {r.short_name} not on the key-messages page"
        for r in reds.itertuples()
        if r.short_name not in text
    ]


def heading_problems(pages: list[list[str]]) -> list[str]:
    headings = [h for h in s.DOMAINS.values()]
    out = []
    for n, lines in enumerate(pages, start=1):
        content, _chart = _content(lines)
        if len(content) <= 1:
            out.append(f"page {n}: only its title ({content[:1]})")
            continue
        last = content[-1].strip()
        if any(last in h or h.startswith(last) for h in headings):
            out.append(f"page {n} ends with the heading {last!r}")
    return out


def cut_problems(pages: list[list[str]], names: list[str]) -> list[str]:
    """A name cut at 40 characters inside a word ('... (18+) preval'): its first 40 characters
    followed by anything but the rest of the word (the wrap never breaks inside a word)."""
    lines = [line for page in pages for line in page]
    out = []
    for name in set(names):
        if len(name) > 40 and name[39].isalnum() and name[40].isalnum():
            cut = re.compile(re.escape(name[:40]) + r"(?!\w)")
            if any(cut.search(line) for line in lines):
                out.append(f"{name!r} cut at 40 characters")
    if any("…" in line for line in lines):
        out.append("an ellipsis: something was cut")
    return out


UNIT_WORDS = ("%", "per", "percentage", "score", "ratio")
NUMBER = re.compile(r"^[+\-(]?-?\d[\d,]*\.\d+")


def page_words(pdf_bytes: bytes) -> list[list[dict]]:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return [page.extract_words(keep_blank_chars=False) for page in pdf.pages]


def _next_word(words: list[dict], w: dict) -> dict | None:
    """The word a reader takes next after ``w``: the one just right of it on its line, else the
    first of the next line under it (a wrapped table cell) or at the line's start (a paragraph)."""
    same = [v for v in words if abs(v["top"] - w["top"]) < 2 and 0 <= v["x0"] - w["x1"] < 9]
    if same:
        return min(same, key=lambda v: v["x0"])
    below = [v for v in words if 6 < v["top"] - w["top"] < 26]
    if not below:
        return None
    top = min(v["top"] for v in below)
    line = [v for v in below if abs(v["top"] - top) < 2]
    under = [v for v in line if abs(v["x0"] - w["x0"]) < 4]
    return under[0] if under else min(line, key=lambda v: v["x0"])


def unit_problems(pages: list[list[str]], words: list[list[dict]]) -> list[str]:
    """On text pages (key messages, early warning, peers, appendix): every decimal with a unit,
    on its line or, wrapped, on the next."""
    out = []
    for n, (lines, page) in enumerate(zip(pages, words, strict=True), start=1):
        content, chart = _content(lines)
        if chart or not content:
            continue
        footer_top = max((w["top"] for w in page if w["text"] == "Page"), default=1e9)
        for w in page:
            if w["top"] >= footer_top - 1 or not NUMBER.match(w["text"]):
                continue
            text = w["text"]
            if text.endswith("%") or text.startswith("£") or "%" in text:
                continue
            after = _next_word(page, w)
            if after is not None and after["text"].startswith(UNIT_WORDS):
                continue
            out.append(f"page {n}: {text} without its unit (next: {after and after['text']!r})")
    return out


def pack_text_problems(
    pdf_bytes: bytes, model, area: str, benchmark: str = "england", peers: str | None = None
) -> list[str]:
    from data.queries.alerts import area_alerts

    pages = page_lines(pdf_bytes)
    words = page_words(pdf_bytes)
    names = [*model.catalogue["short_name"].astype(str), *model.catalogue["name"].astype(str)]
    names += model.areas[s.AREA_NAME].astype(str).unique().tolist()
    alerts = area_alerts(model, area, benchmark=benchmark, peer_set=peers)
    return [
        *red_red_problems(pages, alerts),
        *heading_problems(pages),
        *cut_problems(pages, names),
        *unit_problems(pages, words),
    ]

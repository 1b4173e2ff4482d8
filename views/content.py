"""What a page shows besides its figures, without Dash: text, links, lists and tables as plain data.

A view returns these (cheap to cache, easy to test); ``layouts.content.render`` turns them into
Dash components, element for element (``P`` becomes ``html.P``, ``Link`` a ``dcc.Link``, ``A`` an
``html.A``, ``Markdown`` a ``dcc.Markdown``). Field names are Dash's, so a test reads
``node.children`` or ``node.href`` either side of the rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Elements a view may use: html.<tag>, and dcc's Link and Markdown.
TAGS = frozenset(
    [
        "A",
        "B",
        "Dd",
        "Details",
        "Div",
        "Dl",
        "Dt",
        "H3",
        "H4",
        "Li",
        "Ol",
        "P",
        "Span",
        "Strong",
        "Summary",
        "Table",
        "Tbody",
        "Td",
        "Th",
        "Thead",
        "Tr",
        "Ul",
        "Link",
        "Markdown",
    ]
)


@dataclass(frozen=True)
class Element:
    """One element: its tag, children (text, elements, or a list of both) and the few attributes used."""

    tag: str
    children: Any = None
    className: str | None = None
    href: str | None = None
    download: str | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        if self.tag not in TAGS:
            raise ValueError(f"no element {self.tag!r} in views.content (use one of {sorted(TAGS)})")

    def attributes(self) -> dict[str, str]:
        """The attributes that are set (a Dash component's keyword arguments)."""
        names = ("className", "href", "download", "title")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


def el(tag: str, children: Any = None, className: str | None = None, **attributes: str) -> Element:
    return Element(tag, children, className, **attributes)


def P(children: Any = None, className: str | None = None) -> Element:
    return Element("P", children, className)


def Span(children: Any = None, className: str | None = None) -> Element:
    return Element("Span", children, className)


def Link(children: Any, href: str, className: str | None = None) -> Element:
    """A link inside the app (no reload)."""
    return Element("Link", children, className, href=href)


def A(children: Any, href: str, className: str | None = None, download: str | None = None) -> Element:
    """A plain link (a file, an anchor on the page)."""
    return Element("A", children, className, href=href, download=download)


def Markdown(text: str, className: str | None = None) -> Element:
    return Element("Markdown", text, className)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]>|~])")  # inline markup; cells hold no blocks


def literal(text: str) -> str:
    """Text as literal Markdown: every character that could mean markup escaped; '&' and '<' as
    their entities (dcc.Markdown's parser, not in CommonMark mode, shows a backslash before them)."""
    text = text.replace("\n", " ").replace("&", "&amp;").replace("<", "&lt;")
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def table(
    head: list[str], rows: list[list[Any]], className: str, row_classes: list[str | None] | None = None
):
    """An html table: one header row, then a row per list of cells (each row's class if given)."""
    classes = row_classes or [None] * len(rows)
    body = [el("Tr", [el("Td", cell) for cell in row], cls) for row, cls in zip(rows, classes, strict=True)]
    return el("Table", [el("Thead", el("Tr", [el("Th", h) for h in head])), el("Tbody", body)], className)


def terms(pairs: list[tuple[str, Any]]) -> list[Element]:
    """Dt/Dd pairs (the children of a Dl)."""
    return [item for term, value in pairs for item in (el("Dt", term), el("Dd", value))]


def with_link(sentence: str, link: Element | None) -> list:
    """A sentence, then a link after a space (or the sentence alone)."""
    return [Span(sentence), " ", link] if link is not None else [Span(sentence)]


def choices(chosen: Any, options: list[tuple[Any, str, str]], className: str = "peer-set") -> list[Element]:
    """One span per option, the chosen one in bold, the others links: ``(key, label, href)``."""
    return [
        Span(el("B", label) if key == chosen else Link(label, href=href), className)
        for key, label, href in options
    ]


def texts(node: Any) -> list[str]:
    """Every string inside a node, in order (for tests and summaries)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list | tuple):
        return [t for child in node for t in texts(child)]
    if isinstance(node, Element):
        return texts(node.children)
    return []

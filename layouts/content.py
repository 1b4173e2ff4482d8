"""Views' content (``views.content``) as Dash components, element for element."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from views.content import Element

DCC = {"Link": dcc.Link, "Markdown": dcc.Markdown}


def render(node: Any) -> Any:
    """Elements (in lists, tuples or alone) as Dash components; text, numbers and None unchanged."""
    if isinstance(node, list):
        return [render(child) for child in node]
    if isinstance(node, tuple):
        return tuple(render(child) for child in node)
    if not isinstance(node, Element):
        return node
    make = DCC.get(node.tag) or getattr(html, node.tag)
    children = render(node.children)
    return make(children, **node.attributes()) if children is not None else make(**node.attributes())

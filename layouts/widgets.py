"""Small component factories shared by the controls and the pages."""

from __future__ import annotations

from dash import dcc, html


def labelled(label: str, control, width: str = "") -> html.Div:
    """A control with its label above it."""
    return html.Div([html.Label(label, className="ctl-label"), control], className=f"ctl {width}".strip())


def radio(id_: str, options: list[tuple[str, str]], value: str) -> dcc.RadioItems:
    """Inline radio buttons from (value, label) pairs."""
    return dcc.RadioItems(
        id=id_,
        options=[{"label": label, "value": v} for v, label in options],
        value=value,
        inline=True,
        className="radio",
    )

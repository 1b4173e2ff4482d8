"""The glossary page (/glossary, linked from every page's footer): every abbreviation and term the
app and its board packs use, in plain words (``data.model.glossary``; the pack prints the same)."""

from __future__ import annotations

from data.model.glossary import glossary_table
from views.content import Markdown, P, literal

INTRO = (
    "The abbreviations and terms used on these pages and in the board packs. Areas are compared with "
    "a benchmark using Fingertips' methods; the Indicators page gives each indicator's definition, "
    "source and caveats."
)


def glossary_content() -> list:
    """The glossary as one table of terms and meanings (static: the same for every selection).

    One Markdown component, not a Dash component per term: once drawn, the page stays mounted
    (hidden) and the browser does work for every mounted component on every change on every page
    (``python -m bench.devtools``: 90 components of this page were a fifth of the app's).
    """
    table = glossary_table()
    rows = [
        f"| **{literal(str(term))}** | {literal(str(meaning))} |"
        for term, meaning in zip(table["Term"], table["Meaning"], strict=True)
    ]
    return [
        P(INTRO, className="hint"),
        Markdown("\n".join(["| Term | Meaning |", "|:--|:--|", *rows]), "glossary"),
    ]

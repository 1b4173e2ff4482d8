"""The glossary page (/glossary, linked from every page's footer): every abbreviation and term the
app and its board packs use, in plain words (``data.model.glossary``; the pack prints the same)."""

from __future__ import annotations

from data.model.glossary import glossary_table
from views.content import P, el, terms

INTRO = (
    "The abbreviations and terms used on these pages and in the board packs. Areas are compared with "
    "a benchmark using Fingertips' methods; the Indicators page gives each indicator's definition, "
    "source and caveats."
)


def glossary_content() -> list:
    """The glossary as a definition list (static: it is the same for every selection)."""
    table = glossary_table()
    pairs = [(str(term), str(meaning)) for term, meaning in zip(table["Term"], table["Meaning"], strict=True)]
    return [P(INTRO, className="hint"), el("Dl", terms(pairs), className="glossary")]

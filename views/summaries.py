"""Each chart's one-sentence summary and its table view (the text alternative, WCAG 2.2 AA 1.1.1).

The sentences come from the same memoised frames the charts are drawn from (each page's view
module), in the words of ``figures.summaries``; here each is put beside its link to the numbers:
the table page for the selection, the page's CSV, or the table under the chart.
"""

from __future__ import annotations

from selection import export_href, page_href, to_query
from views.common import freeze
from views.compare import compare_sentence
from views.content import A, Element, Link, with_link
from views.experience import experience_sentences
from views.explorer import explorer_sentence
from views.funnel import funnel_sentence
from views.inequalities import inequalities_sentences
from views.map import map_sentence
from views.overview import overview_sentences
from views.practices import practices_sentence
from views.spine import spine_sentences
from views.trends import trends_sentence


def table_link(state: dict) -> Element:
    """The same selection on the table page (every value, sortable, with its export)."""
    return Link("Table view", href=page_href("table", state), className="table-view-link")


def data_link(state: dict, page: str) -> Element:
    return A("Table view (CSV)", href=export_href(page, "csv", to_query(state)), className="table-view-link")


def anchor(target: str, text: str = "Table of these values") -> Element:
    return A(text, href=f"#{target}", className="table-view-link")


def chart_summaries(page: str, state: dict, anchors: tuple[str, ...] = (), size_by_pop: bool = False) -> list:
    """The summary of each chart of ``page``, in the order of its charts (``anchors``: the ids of the
    tables under the charts, where the link goes to them)."""
    frozen = freeze(state)
    if page in ("map", "compare", "trends", "funnel"):
        sentence = {"map": map_sentence, "compare": compare_sentence, "trends": trends_sentence}.get(
            page, funnel_sentence
        )(frozen)
        return [with_link(sentence, table_link(state))]
    if page == "spine":
        sentences = spine_sentences(frozen)
        if not state["areas"]:
            return [with_link(s, None) for s in sentences]
        return [with_link(s, anchor(a)) for s, a in zip(sentences, anchors, strict=True)]
    if page == "overview":
        return [with_link(s, data_link(state, "overview")) for s in overview_sentences(frozen)]
    if page == "explorer":
        return [with_link(explorer_sentence(frozen, size_by_pop), data_link(state, "explorer"))]
    if page == "practices":
        sentence = practices_sentence(frozen)
        has_table = sentence.startswith("GP practices")
        return [with_link(sentence, anchor(anchors[0], "Table of the practices") if has_table else None)]
    if page == "inequalities":
        return [with_link(s, None) for s in inequalities_sentences(frozen)]
    if page == "experience":
        return [
            with_link(s, anchor(a, "The numbers") if a and state["areas"] else None)
            for s, a in zip(experience_sentences(frozen), anchors, strict=True)
        ]
    raise ValueError(f"no chart summaries for the {page} page")

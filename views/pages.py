"""Every page's outputs for a selection, built once and then served from the shared cache."""

from __future__ import annotations

from views.alerts import alerts_page
from views.cache import memoized
from views.common import freeze, plain
from views.compare import compare_dict
from views.experience import experience_outputs
from views.explorer import explorer_view
from views.funnel import funnel_outputs
from views.inequalities import inequalities_outputs
from views.overview import overview_context_view, overview_outcomes_view
from views.practices import practices_outputs
from views.spine import spine_context_view, spine_outcomes_view
from views.summaries import chart_summaries
from views.trends import trends_dict


def compare_view(state: dict) -> tuple:
    """The ranked bars and, under them, their summary: one answer, so a change of selection is one
    request (the sentence reads the frames the bars were drawn from, memoised in the request)."""
    return compare_dict(state), chart_summaries("compare", state)[0]


def trends_view(state: dict) -> tuple:
    """The trend chart and its summary, in one answer (as ``compare_view``)."""
    return trends_dict(state), chart_summaries("trends", state)[0]


BUILDERS = {
    "experience": experience_outputs,
    "compare": compare_view,
    "spine": spine_outcomes_view,
    "spine_context": spine_context_view,  # sent only while the context section is open
    "explorer": explorer_view,
    "trends": trends_view,
    "overview": overview_outcomes_view,
    "overview_context": overview_context_view,
    "funnel": funnel_outputs,
    "practices": practices_outputs,
    "alerts": alerts_page,
    "inequalities": inequalities_outputs,
}


@memoized
def cached_view(page: str, frozen: tuple, *extra):
    return plain(BUILDERS[page](dict(frozen), *extra))


def page_outputs(page: str, state: dict, *extra):
    """What ``page`` shows for the selection (figures as plain dicts; the rest ``views.content``)."""
    return cached_view(page, freeze(state), *extra)

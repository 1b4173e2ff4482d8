"""Plain words (issue 18): no raw ids or URL talk where a person reads, every abbreviation in the
glossary, IMD's direction said, differences of percentages in percentage points."""

from __future__ import annotations

import re

import pytest

from data.model.glossary import GLOSSARY, terms
from views.content import texts

KERNOW = "E38000089"
# identifiers a person should never read: snake_case ids, SHOUTING_IDS, "use indicator=", "areas=<code>"
RAW = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b[A-Z]+_[A-Z0-9_]+\b|=<|\bindicator=|\bareas=")
ABBREVIATIONS = (
    "A&E", "ACSC", "CCG", "CHD", "CI", "CKD", "CMH21", "COPD", "CQC", "DNA", "DSR", "FFT", "FTE", "GP",
    "HEEC", "HES", "ICB", "IMD", "ISR", "LSOA", "ODS", "PCN", "QOF", "RII", "SII", "UTI",
)  # fmt: skip


def _page_text(page: str, query: str, state_for) -> str:
    from views.pages import page_outputs
    from views.summaries import chart_summaries

    state = state_for(query, page=page)
    out = page_outputs(page, state)
    parts = [
        t for o in (out if isinstance(out, tuple) else (out,)) if not isinstance(o, dict) for t in texts(o)
    ]
    if page in ("spine", "overview", "funnel", "inequalities", "practices"):
        anchors = ("a", "b", "c", "d")[: {"spine": 2, "inequalities": 4}.get(page, 1)]
        parts += texts(chart_summaries(page, state, anchors))
    return " ".join(parts)


PAGES = [
    ("inequalities", f"?areas={KERNOW}"),
    ("inequalities", f"?areas={KERNOW}&ineq=TOTAL_ADMIN_FTE"),
    ("practices", f"?areas={KERNOW}&indicator=qof_points"),
    ("alerts", f"?areas={KERNOW}&benchmark=peers"),
    ("funnel", "?indicator=gp_fft_positive&od=multiplicative"),
    ("spine", f"?areas={KERNOW}&benchmark=peers"),
    ("overview", f"?areas={KERNOW}"),
]


@pytest.mark.parametrize(("page", "query"), PAGES)
def test_no_raw_ids_where_a_person_reads(app_ctx, state_for, page, query):
    text = _page_text(page, query, state_for)
    found = sorted(set(RAW.findall(text)))
    assert not found, found


def test_practice_export_refusal_names_measures_in_words(model):
    from views.practices import no_practice_data

    text = no_practice_data(model, "qof_points")
    assert not RAW.search(text) and "Practice data exist for: " in text and "Hypertension" in text


def test_notices_name_choices_in_words(model):
    from selection import parse_query

    _state, notices = parse_query(model, "?benchmark=world&od=wild")
    assert notices == [
        "'world' is not a valid benchmark (England, NHS region or similar CCGs): showing England.",
        "'wild' is not a valid funnel adjustment (no adjustment, multiplicative or additive): showing no adjustment.",
    ]


def test_every_abbreviation_used_is_in_the_glossary(app_ctx, state_for, model):
    from reports.pack import plan_pack
    from views.exports import figure_for

    known = terms()
    pages = " ".join(_page_text(p, q, state_for) for p, q in PAGES)
    catalogue = (
        " ".join(model.catalogue["short_name"].astype(str))
        + " "
        + " ".join(model.catalogue["name"].astype(str))
    )
    plan = plan_pack(model, [KERNOW], benchmark="england", ci="95", figure_for=figure_for, link_root="")
    pack = " ".join(p for page in plan for p in page.paragraphs)
    pack += " ".join(
        " ".join(page.table.astype(str).to_numpy().ravel()) for page in plan if page.table is not None
    )
    for text in (pages, catalogue, pack):
        for abbreviation in ABBREVIATIONS:
            if re.search(rf"(?<![\w&]){re.escape(abbreviation)}(?![\w&])", text):
                assert any(t == abbreviation or t.startswith(abbreviation + " ") for t in known), abbreviation
    assert any(page.title.startswith("Data sources and glossary") for page in plan)
    assert len(GLOSSARY) == len(known)  # one entry per term


def test_glossary_page_is_linked_from_the_footer(model):
    from dash import dcc

    from layouts.shell import shell

    def walk(node):
        yield node
        for child in getattr(node, "children", None) or []:
            if not isinstance(child, str):
                yield from walk(child)
        if hasattr(node, "children") and not isinstance(node.children, list | str | type(None)):
            yield from walk(node.children)

    links = [n for n in walk(shell(model)) if isinstance(n, dcc.Link) and n.href == "/glossary"]
    assert links
    text = " ".join(t for t in texts(__import__("views.glossary", fromlist=["x"]).glossary_content()))
    assert "a higher IMD rank means less deprived" in text and "percentage points" in text


def test_imd_direction_is_said_wherever_imd_is_named(model):
    demo = model.demographic_catalogue
    assert "a higher rank means less deprived" in demo.at["imd19_mean_rank", "name"]
    from data.model.peers import VARIABLES

    imd = next(what for key, _w, what in VARIABLES if key == "imd19_mean_rank")
    assert "unweighted" in imd and "less deprived" in imd  # as the demographic's own note says


def test_explorer_outliers_in_percentage_points(app_ctx, state_for):
    from views.explorer import explorer_outputs

    out = explorer_outputs(state_for("?y=qof_hyp", page="explorer"), False, "region", False)
    text = " ".join(
        t for o in out if not hasattr(o, "to_plotly_json") and not isinstance(o, dict) for t in texts(o)
    )
    assert "percentage points" in text and not re.search(r"[+-]\d[\d.]*%\)", text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("A&E", "A&amp;E"),  # entities: dcc.Markdown's parser shows a backslash before '&' or '<'
        ("&lt;b&gt;", "&amp;lt;b&amp;gt;"),  # an entity in the text stays text
        ("<b>x</b> | *y* [z](w)", "&lt;b\\>x&lt;/b\\> \\| \\*y\\* \\[z\\](w)"),
        ("two\nlines", "two lines"),
    ],
)
def test_text_put_in_markdown_is_shown_as_written(text, shown):
    from views.content import literal

    assert literal(text) == shown

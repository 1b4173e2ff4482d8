"""Board packs for chosen CCGs: a PDF (every page drawn in one Chromium tab and printed once)
and a PowerPoint deck.

A pack a chair would table (issues 9, 11 and 18). Its sections, in the order of ``PACK_SECTIONS``
(one list: a new section is one entry there and one builder in ``SECTION_BUILDERS``):

1. Cover: the areas, a three-line summary of the key messages, the date, what each area is
   compared with, the contents, the data sources, the public link (the selection only) and how
   many outcome and context indicators the areas have.
2. Key messages (``reports.messages``, made from the early-warning list): worse and getting
   worse first (any indicator; context ones marked), then worse now with why the trend cannot be
   assessed, then worse, then better; each with its value and unit, the benchmark's value, the
   gap, the period and the data's age; data more than three years old after the current data,
   marked as history. Sentences from the same rows lead the page.
3. Questions for the board, one per warning, from the same rows.
4. Early warning (``reports.sections``, from ``data.queries.alerts``): the groups worth a look,
   with the benchmark's value and the gap; the indicators whose trend could not be assessed
   counted, and what a series break left out.
5. Compared with similar CCGs: the focus area against its peer set (``peers=``).
6. The outcome indicators' spine chart (all outcome domains in one chart under their headings,
   over as many pages as it needs: values and benchmark values printed beside it, a colour
   legend), then for each key indicator (at most ``MAX_DETAILED``, warnings first) its bars as
   the compare page draws them for the pack's selection (the focus area's similar CCGs with
   ``benchmark=peers``, else its region) and its trend where there are at least three periods.
7. Context indicators' spine chart.
8. The data appendix, paginated so nothing is cut at a page edge, and the glossary.

Every value is compared with one comparator per area (``data.queries.comparator``: the same
number the app's pages, exports and API give). Every page is numbered; charts carry their
provenance footer and, in the PowerPoint, alt text. Figures come from ``figure_for`` (the
pages' own views, ``views.exports``) or from the same builders through ``reports.parts``.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go

from data.methods.formatting import format_value, published_name
from data.model import schema as s
from data.model.core import Model
from data.model.freshness import STALE_YEARS
from data.model.glossary import glossary_table
from data.model.peers import DEFAULT_PEER_SET, peer_set_label
from data.queries.alerts import left_out_for_breaks
from data.queries.areas import area_names, area_word
from data.queries.comparator import Comparator, comparator_for, compare_rows, compare_spine
from data.queries.experience import FFT_ADVICE, SUMMARY_RULE, against, experience
from data.queries.rows import indicator_periods
from data.queries.view_frames import geography_of
from figures.experience import lean_chart
from reports import describe, messages, sections
from reports import experience as experience_tables
from reports.decorate import (
    EXPORT_FONT,
    FOOTER_SIZE,
    LINE_PX,
    MIN_FONT_PX,
    PAD,
    SIZES,
    Size,
    decorate,
    text_px,
    wrap,
)
from reports.parts import domain_order, region_compare, region_of, spine_parts
from reports.render import Renderer
from selection import parse_query, to_query, view_link
from views.experience_export import sources_text
from views.exports import figure_for
from views.provenance import OGL, OS_DATA, Provenance

log = logging.getLogger(__name__)

FigureFor = Callable[[dict, str], go.Figure]
Progress = Callable[[int, int, str], None]
MAX_DETAILED = 6  # key indicators given their own comparison/trend pages (warnings first)
MIN_TREND_PERIODS = 3
LEAD_SENTENCES = 4
BODY_PX = 16  # text pages' body size (px); tables use MIN_FONT_PX
BODY_LINE = 1.3  # plotly's line spacing in annotations, in em
TABLE_LINE_PX = 18  # one line of 14 px table text, with leading (measured in a pack: 17 px)
TABLE_PAD_PX = 15  # top + bottom padding of a table row (measured: 1, 2, 3 lines take 32, 51, 67 px)


@dataclass
class Page:
    """One page/slide: text (paragraphs, optional table), a chart (figure + alt text) or a table."""

    kind: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    figure: go.Figure | None = None
    alt: str = ""
    table: pd.DataFrame | None = None
    provenance: Provenance | None = None
    number: str = ""
    body_pt: int = 0  # a slide's text size when a table shares the slide (0: the largest that fits)


def _names(model: Model, codes: list[str], geography: str | None = None) -> dict[str, str]:
    """Each code's name in ``geography`` (data.queries.areas: codes repeat across geographies)."""
    return area_names(model, codes, geography)


def counts_sentence(rows: pd.DataFrame, names: dict[str, str]) -> str:
    """How many outcome and context indicators each area has values for."""
    parts = []
    for code, name in names.items():
        mine = rows[(rows[s.AREA_CODE] == code) & rows[s.VALUE].notna()]
        outcome = int((mine["domain"].astype(str) != "context").sum())
        context = int((mine["domain"].astype(str) == "context").sum())
        parts.append(
            f"{name} has values for {outcome} outcome indicators (Domains 1-5) and {context} context indicators"
        )
    return "; ".join(parts) + "."


# --- the pack's comparator and rows ------------------------------------------------------


@dataclass
class PackContext:
    """What every section of one pack reads: made once by ``plan_pack``."""

    model: Model
    areas: list[str]
    names: dict[str, str]
    benchmark: str
    ci: str
    peers: str
    size: Size
    figure_for: FigureFor
    link_root: str
    geography: str
    comparators: dict[str, Comparator]
    rows: pd.DataFrame  # the spine's rows, each area compared with its comparator
    messages: pd.DataFrame  # reports.messages.key_messages
    base: dict  # the pack's selection (areas, benchmark, ci, geography, peers)

    @property
    def main(self) -> Comparator:
        return self.comparators[self.areas[0]]

    @property
    def versus(self) -> str:
        """What the areas are compared with, in words (cover, section introductions)."""
        comp = self.main
        if comp.kind == "peers":
            return comp.heading if len(self.areas) == 1 else f"each area's own {comp.peer_words}"
        if comp.kind == "region":
            return "each area's NHS region"
        partial = area_word(self.geography, 2)
        return f"England (where England's value is not complete: the {partial} with data, named on each row)"

    @property
    def versus_short(self) -> str:
        """The comparator in a chart's column heading."""
        comp = self.main
        if comp.kind == "peers":
            return comp.heading if len(self.areas) == 1 else f"each area's own {comp.peer_words}"
        return "each area's NHS region" if comp.kind == "region" else "England"

    @property
    def main_label(self) -> str:
        """The comparator's name most rows carry (a table names only the others)."""
        labels = self.rows.loc[self.rows[s.AREA_CODE] == self.areas[0], "comparator_label"].dropna()
        return str(labels.mode().iloc[0]) if len(labels) else "England"

    @property
    def who(self) -> str:
        return ", ".join(f"{self.names[c]} ({c})" for c in self.areas)

    @property
    def has_peers(self) -> bool:
        return bool(sections.peer_names(self.model, self.areas[0], self.peers, self.geography))

    @property
    def spine_state(self) -> dict:
        return _state(self.model, self.base)

    @property
    def public(self) -> str:
        return view_link(self.link_root, "spine", self.spine_state)


def pack_rows(
    model: Model, areas: list[str], comparators: dict[str, Comparator], geography: str = s.HOME_GEOGRAPHY
) -> pd.DataFrame:
    """The spine's rows (each indicator at the focus area's latest period), each area compared with
    its own comparator (the view's: England, its region, or its similar CCGs)."""
    rows = compare_spine(model, areas, comparators[areas[0]], geography)
    if rows.empty or len(areas) == 1:
        return rows
    out = [rows[rows[s.AREA_CODE] == areas[0]]]
    for area in areas[1:]:
        mine = rows[rows[s.AREA_CODE] == area].drop(columns=[c for c in COMPARED if c in rows])
        out.append(compare_rows(model, mine, comparators[area]))
    return pd.concat(out, ignore_index=True)


COMPARED = (
    "comparator_value",
    "comparator_label",
    "comparator_method",
    "category",
    "in_scope",
    "not_compared_why",
)


def _state(model: Model, wanted: dict) -> dict:
    state, _ = parse_query(model, to_query(wanted))
    return state


def pack_context(
    model: Model,
    areas: list[str],
    *,
    benchmark: str,
    ci: str,
    figure_for: FigureFor,
    link_root: str,
    size: Size,
    peers: str,
) -> PackContext:
    geography = geography_of(model, areas[0]) or s.HOME_GEOGRAPHY
    names = _names(model, areas, geography)
    comparators = {
        a: comparator_for(model, benchmark, focus=a, ci=ci, peer_set=peers, geography=geography)
        for a in areas
    }
    rows = shorter_names(pack_rows(model, areas, comparators, geography))
    key = messages.key_messages(model, areas, names, comparators, geography)
    base = {"areas": areas, "benchmark": benchmark, "ci": ci, "geography": geography, "peers": peers}
    return PackContext(
        model,
        areas,
        names,
        benchmark,
        ci,
        peers,
        size,
        figure_for,
        link_root,
        geography,
        comparators,
        rows,
        key,
        base,
    )


# --- sections ---------------------------------------------------------------------------

# The pack's sections in order (a new section: one entry here, one builder in SECTION_BUILDERS).
PACK_SECTIONS = [
    "cover",
    "patient experience",
    "key messages",
    "questions",
    "early warning",
    "peers",
    "outcome spine",
    "indicator pages",
    "context spine",
    "appendix",
    "glossary",
]
CONTENTS = {  # what the cover's contents line calls each section (None: not listed)
    "cover": None,
    "patient experience": "patient experience",
    "key messages": "key messages",
    "questions": "questions for the board",
    "early warning": "early warning",
    "peers": "compared with similar CCGs",
    "outcome spine": "the outcome indicators' spine chart",
    "indicator pages": "the key indicators, compared and over time",
    "context spine": "context indicators",
    "appendix": "data appendix",
    "glossary": "data sources and glossary",
}


def cover(ctx: PackContext, contents: list[str]) -> list[Page]:
    model, rows = ctx.model, ctx.rows
    public = ctx.public
    median = rows["short_name"].str.contains(MEDIAN_MARK, regex=False).any()
    notice = "".join(
        f" {c.notice}" for c in {c.notice: c for c in ctx.comparators.values()}.values() if c.notice
    )
    paragraphs = [
        f"Areas: {ctx.who}.",
        *messages.summary_lines(ctx.messages),
        f"Prepared {_prepared(model)} by the {describe.APP_NAME}. Each area is compared with {ctx.versus} "
        f"at {ctx.ci}% confidence (Fingertips' method).{notice}",
        counts_sentence(rows, ctx.names) + (f" {median_note(ctx.main)}" if median else ""),
        "Contents: " + "; ".join(contents) + ".",
        (
            f"Online (the same selection, live): {public}"
            if public.startswith("http")
            else f"Online: this selection is at {public} on the {describe.APP_NAME}."
        ),
        f"{OGL} {OS_DATA}",
    ]
    return _table_section(
        f"Board pack: {', '.join(ctx.names.values())}", paragraphs, pd.DataFrame(), ctx.size, ""
    )


def experience_pages(ctx: PackContext) -> list[Page]:
    """Patient experience as /experience tells it (the pack opens with it after its cover): the
    sources-agree line, each source against the pack's comparator (table, then chart), the main
    hospital trusts and what is missing. Nothing for a focus area that is not a CCG (April 2021)
    or sub-ICB location (the page's sources are attributed to those areas)."""
    model, focus = ctx.model, ctx.areas[0]
    home = model.areas.loc[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY, s.AREA_CODE]
    if focus not in set(home):
        return []
    view = experience(model, focus, ctx.benchmark, peer_set=ctx.peers, ci=ctx.ci)
    name = published_name(view.area_name)
    versus = against(view.comparator)
    state = _state(model, ctx.base | {"areas": [focus]})
    link = view_link(ctx.link_root, "experience", state)
    intro = (
        f"Every source of patient feedback for {name}, each against {versus} in one way: a source "
        "leans below or above when at least two-thirds of its items lie that way; significance only "
        "where the source allows a sound test (the GP Friends and Family Test is never ranked: NHS "
        "England's advice)."
    )
    pages = _table_section(
        "Patient experience",
        [view.headline, intro],
        experience_tables.sources_table(view),
        ctx.size,
        "",
    )
    title = f"{name}: each source against {versus}"
    pages.append(
        Page(
            "chart",
            "Patient experience: each source",
            figure=lean_chart(view.leans, versus=versus, title=title, subtitle=view.headline),
            alt=(
                f"Bar chart of each patient-experience source for {name}: the share of its items below "
                f"(left) and above (right) {versus}. {view.headline}"
            ),
            provenance=Provenance(
                title=title,
                subtitle=f"{view.headline} · {ctx.ci}% confidence",
                source=sources_text(model),
                method=SUMMARY_RULE,
                link=link,
                caveat=FFT_ADVICE,
            ),
        )
    )
    trusts = experience_tables.trusts_table(view)
    pages += _table_section(
        "Patient experience: the main hospital trusts",
        [
            f"The trusts where at least 5% of {name}'s residents are admitted (2019 catchments), with CQC's "
            "band for each of the inpatient survey's 11 sections (the trust's score against expected "
            "ranges around the national mean) and the change since the 2021 survey."
        ],
        trusts,
        ctx.size,
        empty="No trust with an inpatient survey score serves this area's residents.",
    )
    pages += _table_section(
        "Patient experience: what is missing, and why",
        [],
        experience_tables.missing_table(view),
        ctx.size,
        empty="Nothing is missing: every source has a current value for this area.",
    )
    return pages


def key_messages_pages(ctx: PackContext) -> list[Page]:
    """The key messages: sentences that lead with the warnings, then every message as a table
    (continued on as many pages as its rows need)."""
    key = ctx.messages
    intro = (
        f"Compared with {ctx.versus}, {ctx.ci}% confidence. Worse and getting worse first (context "
        "indicators marked), then worse now where the trend cannot be assessed (with why), then worse, "
        f"then better; data more than {STALE_YEARS} years old comes after the current data, marked as history."
    )
    if key.empty:
        text = f"No indicator with a value is significantly worse or better than {ctx.versus}."
        return _table_section("Key messages", [intro, text], pd.DataFrame(), ctx.size, "")
    sentences = messages.lead_sentences(key, LEAD_SENTENCES)
    table = messages.display_table(key, several_areas=len(ctx.areas) > 1, main=ctx.main_label)
    return _table_section("Key messages", [intro, *sentences], table, ctx.size, empty="")


def questions_pages(ctx: PackContext) -> list[Page]:
    found = messages.questions(ctx.messages)
    if not found:
        found = [
            f"No indicator is significantly worse than {ctx.versus}:"
            + " which of the better results can the board rely on, and which rest on old data?"
        ]
    intro = "From the key messages: one question for each warning, current data first."
    numbered = [intro, *(f"{i}. {q}" for i, q in enumerate(found, 1))]
    return _table_section("Questions for the board", numbered, pd.DataFrame(), ctx.size, "")


def early_warning_pages(ctx: PackContext) -> list[Page]:
    warnings, sentences = sections.early_warning(
        ctx.model, ctx.areas, ctx.names, ctx.comparators, ctx.geography
    )
    left = left_out_for_breaks(sections.all_alerts(ctx.model, ctx.areas, ctx.comparators, ctx.geography))
    columns = [c for c in sections.EARLY_COLUMNS if c != "Area" or len(ctx.areas) > 1]
    intro = (
        f"Each area compared with {ctx.versus}, {ctx.ci}% confidence. Indicators worse than the benchmark and "
        "getting worse (Fingertips' recent-trend test over the last five comparable periods), then those "
        "worse now whose trend cannot be assessed, then worse but not getting worse, then getting worse "
        "but not yet worse; latest period of each indicator."
    )
    breaks = sections.breaks_text(left)
    return _table_section(
        "Early warning",
        [intro, *sentences, *([breaks] if breaks else [])],
        warnings[[c for c in columns if c in warnings]],
        ctx.size,
        empty="No indicator is worse than the benchmark or getting worse.",
    )


def peers_pages(ctx: PackContext) -> list[Page]:
    if not ctx.has_peers:
        return []
    focus = ctx.areas[0]
    comparison = sections.peer_comparison(ctx.model, focus, ctx.peers, ctx.ci, ctx.geography)
    also = set(ctx.messages.loc[ctx.messages[s.AREA_CODE] == focus, s.INDICATOR_ID])
    peer_key = sections.peer_key_table(comparison, also)
    return _table_section(
        f"Compared with similar {area_word(ctx.geography, 2)}",
        sections.peer_paragraphs(
            ctx.model, focus, ctx.names[focus], ctx.peers, comparison, len(peer_key), ctx.ci, ctx.geography
        ),
        peer_key.drop(columns="indicator_id").rename(columns={"Value": f"{_short(ctx.names[focus])}"}),
        ctx.size,
        empty="No outcome indicator has a peer value for this area.",
    )


def spine_pages(ctx: PackContext, kind: str) -> list[Page]:
    """The outcome (or context) indicators' spine chart, over as many pages as its rows need."""
    order = domain_order(ctx.rows)
    domains = (
        [d for d in order if d != "context"]
        if kind == "outcome"
        else (["context"] if "context" in order else [])
    )
    if not domains:
        return []
    heading = "Outcome indicators" if kind == "outcome" else "Context"
    state = ctx.spine_state
    prov = describe.provenance(ctx.model, state, "spine", ctx.public)
    sub = ctx.rows[ctx.rows["domain"].astype(str).isin(domains)]
    n_ind = sub[s.INDICATOR_ID].nunique()
    spine_prov = dataclasses.replace(prov, title=f"{heading}: spine chart")
    if sub["short_name"].str.contains(MEDIAN_MARK, regex=False).any():
        spine_prov = dataclasses.replace(spine_prov, caveat=median_note(ctx.main))
    pages = []
    for part in spine_parts(
        ctx.model,
        state,
        spine_prov,
        ctx.size,
        domains=domains,
        rows=ctx.rows,
        together=heading,
        versus=ctx.versus_short,
    ):
        alt = (
            f"Spine chart of {n_ind} {kind} indicators for {ctx.who}, under their domain headings: each "
            f"area's value against the range of all areas, England at the centre line, worst on the left "
            f"and best on the right; colours compare with {ctx.versus}; each value and the benchmark's "
            f"value printed on the right. {part.label}."
        )
        pages.append(
            Page("chart", f"{heading}: spine chart", figure=part.figure, alt=alt, provenance=part.provenance)
        )
    return pages


def indicator_pages(ctx: PackContext) -> list[Page]:
    """Each key indicator (warnings first, at most ``MAX_DETAILED``): its bars as the compare page
    draws them for the pack's selection, and its trend."""
    pages: list[Page] = []
    key = messages.lead_order(ctx.messages[ctx.messages[s.AREA_CODE] == ctx.areas[0]])
    for row in key.drop_duplicates(s.INDICATOR_ID).head(MAX_DETAILED).itertuples(index=False):
        pages += _indicator_pages(ctx, row)
    return pages


def appendix_pages(ctx: PackContext) -> list[Page]:
    appendix = appendix_table(ctx.rows, ctx.names, ctx.main_label)
    parts = table_pages(appendix, ctx.size, title_lines=1)
    return [
        Page("table", f"Data appendix ({i} of {len(parts)})", table=part) for i, part in enumerate(parts, 1)
    ]


def glossary_pages(ctx: PackContext) -> list[Page]:
    """Where the data come from, and the abbreviations and terms the pack uses in plain words."""
    catalogue = ctx.model.catalogue.loc[ctx.rows[s.INDICATOR_ID].unique(), "publisher"].astype(str)
    publishers = list(dict.fromkeys(catalogue))
    return _table_section(
        "Data sources and glossary",
        [
            "Data sources: " + "; ".join(publishers) + ".",
            "The abbreviations and terms this pack and the app use, in plain words:",
        ],
        glossary_table(),
        ctx.size,
        empty="",
    )


SECTION_BUILDERS: dict[str, Callable[[PackContext], list[Page]]] = {
    "patient experience": experience_pages,
    "key messages": key_messages_pages,
    "questions": questions_pages,
    "early warning": early_warning_pages,
    "peers": peers_pages,
    "outcome spine": lambda ctx: spine_pages(ctx, "outcome"),
    "indicator pages": indicator_pages,
    "context spine": lambda ctx: spine_pages(ctx, "context"),
    "appendix": appendix_pages,
    "glossary": glossary_pages,
}


def plan_pack(
    model: Model,
    areas: list[str],
    *,
    benchmark: str,
    ci: str,
    figure_for: FigureFor = figure_for,
    link_root: str,
    size: Size | None = None,
    peers: str | None = None,
) -> list[Page]:
    """Every page of the pack, in the order of ``PACK_SECTIONS`` and numbered (figures built, not
    yet rendered)."""
    ctx = pack_context(
        model,
        areas,
        benchmark=benchmark,
        ci=ci,
        figure_for=figure_for,
        link_root=link_root,
        size=size or SIZES["a4"],
        peers=peers or DEFAULT_PEER_SET,
    )
    built = {name: SECTION_BUILDERS[name](ctx) for name in PACK_SECTIONS if name in SECTION_BUILDERS}
    contents = [CONTENTS[n] for n in PACK_SECTIONS if built.get(n) and CONTENTS.get(n)]
    pages: list[Page] = []
    for name in PACK_SECTIONS:
        pages += cover(ctx, contents) if name == "cover" else built.get(name, [])
    return _number(pages)


MEDIAN_SUFFIX = " (no England value: centred on the median)"  # data.queries.view_frames.spine_rows' note
MEDIAN_MARK = " (median centre)"
MEDIAN_NOTE = (
    "Indicators marked (median centre) have no England value: their spine is centred on the median "
    "of all areas and the areas are not compared."
)


def median_note(comp: Comparator) -> str:
    """MEDIAN_NOTE, for the pack's comparator: with peers the areas are compared with the peers' value."""
    if comp.kind == "peers":
        return (
            "Indicators marked (median centre) have no England value: their spine is centred on the median "
            f"of all areas; the areas are compared with {comp.heading}."
        )
    return MEDIAN_NOTE


def shorter_names(rows: pd.DataFrame) -> pd.DataFrame:
    """The spine rows with the long 'no England value' note shortened (it is explained once, on the
    cover and under each spine chart): a survey's 30 questions keep one line each on a page."""
    names = rows["short_name"].astype(str).str.replace(MEDIAN_SUFFIX, MEDIAN_MARK, regex=False)
    return rows.assign(short_name=names)


def _short(name: str) -> str:
    return name.removeprefix("NHS ").removesuffix(" CCG")


def _prepared(model: Model) -> str:
    """The day the pack was made (a board paper says when it was printed; the PDF's own
    creation date is the data version's, so two workers give the same bytes on one day)."""
    return f"{date.today():%d %B %Y}"


def _table_section(
    title: str, paragraphs: list[str], table: pd.DataFrame, size: Size, empty: str
) -> list[Page]:
    """A text section: its paragraphs over as many pages as they need, then its table, continued
    on as many pages as its rows need (full text size). A table starts under the paragraphs only
    when its header and first row fit there; no page is only a title."""
    paragraphs = [*paragraphs, *([empty] if table.empty and empty else [])]
    chunks = paragraph_pages(paragraphs, size)
    pages = [
        Page("text", title if i == 0 else f"{title} (continued)", paragraphs=chunk)
        for i, chunk in enumerate(chunks)
    ]
    if table.empty:
        return _continued(pages, title)
    above = body_height(pages[-1].paragraphs, size) if pages[-1].paragraphs else 0
    first = table_pages(table, size, above_px=above)[0]
    _cells, lines = wrapped_cells(table.head(1), size.width - 2 * PAD - 40)
    if table_room(size, above_px=above) < row_px(lines[0]):
        pages.append(Page("text", f"{title} (continued)", paragraphs=[]))
        first = table_pages(table, size)[0]
    pages[-1].table = first
    rest = table.iloc[len(first) :]
    for part in table_pages(rest, size) if len(rest) else []:
        pages.append(Page("text", f"{title} (continued)", paragraphs=[], table=part))
    return _continued(pages, title)


def _continued(pages: list[Page], title: str) -> list[Page]:
    """Continuation pages numbered within their section: 'Key messages (continued, 2 of 3)'."""
    if len(pages) > 1:
        for i, page in enumerate(pages[1:], start=2):
            page.title = f"{title} (continued, {i} of {len(pages)})"
    return pages


def text_room(size: Size, title_lines: int = 1) -> int:
    """Vertical room for a text page's paragraphs (title and footer taken out)."""
    header = PAD + int(title_lines * 26 * LINE_PX) + 12
    footer = int(FOOTER_SIZE * LINE_PX * 2) + PAD
    return size.height - header - footer - PAD


def paragraph_pages(paragraphs: list[str], size: Size) -> list[list[str]]:
    """The paragraphs in page-sized groups (a paragraph is never split; every group has one)."""
    room = text_room(size, title_lines=2)  # a continued title may take two lines
    out: list[list[str]] = [[]]
    for para in paragraphs:
        if out[-1] and body_height([*out[-1], para], size) > room:
            out.append([])
        out[-1].append(para)
    return out


def body_height(paragraphs: list[str], size: Size) -> int:
    """Height of a text page's paragraphs (plotly sets lines 1.3 em apart; a blank line between)."""
    lines = sum(len(wrap(p, size.width - 2 * PAD - 40, BODY_PX)) + 1 for p in paragraphs)
    return int(lines * BODY_PX * BODY_LINE) + 4


def _indicator_pages(ctx: PackContext, row) -> list[Page]:
    """One key indicator: its bars as the compare page draws them for the pack's selection (the
    focus area's similar CCGs with benchmark=peers, else its region), and, with >= 3 periods, its
    trend."""
    model = ctx.model
    ind = row.indicator_id
    meta = model.catalogue.loc[ind]
    state = _state(model, ctx.base | {"indicator": ind, "period": row.period})
    fact = messages.sentence(row)
    comp = ctx.main
    pages: list[Page] = []
    if comp.kind == "peers" and comp.focus:
        peer_state = dict(state, scope="peers")
        fig = ctx.figure_for(peer_state | {"page": "compare"}, "compare")
        prov = describe.provenance(
            model, peer_state, "compare", view_link(ctx.link_root, "compare", peer_state)
        )
        prov = dataclasses.replace(
            prov,
            subtitle=f"{prov.subtitle} · {comp.focus_name} and its {comp.peer_words}, {peer_set_label(ctx.peers, ctx.geography)}",
        )
        alt = (
            f"Bar chart of {meta['short_name']}, {row.period}, for {comp.focus_name} and its {comp.peer_words}, "
            f"ranked, with {ctx.ci}% confidence intervals, the England line and the peers' value. {fact}"
        )
        pages.append(
            Page(
                "chart",
                f"{meta['short_name']}: compared with {comp.peer_words}",
                figure=fig,
                alt=alt,
                provenance=prov,
            )
        )
    else:
        pages += _region_pages(ctx, state, meta, row, fact)
    periods = indicator_periods(model, ind, ctx.geography)
    if len(periods) >= MIN_TREND_PERIODS:
        prov = describe.provenance(model, state, "trends", view_link(ctx.link_root, "trends", state))
        alt = (
            f"Line chart of {meta['short_name']} over {len(periods)} periods ({periods[0]} to {periods[-1]}) "
            f"for {ctx.who}, England and the region. {messages.trend_text(row)}. {fact}"
        )
        pages.append(
            Page(
                "chart",
                f"{meta['short_name']}: trend",
                figure=ctx.figure_for(state | {"page": "trends"}, "trends"),
                alt=alt,
                provenance=prov,
            )
        )
    return pages


def _region_pages(ctx: PackContext, state: dict, meta: pd.Series, row, fact: str) -> list[Page]:
    """The indicator's bars for the focus area's region, as many pages as legible."""
    model = ctx.model
    region, region_name = region_of(model, state["areas"][0], ctx.geography)
    compare_state = dict(state, region=region) if region else state
    prov = describe.provenance(
        model, compare_state, "compare", view_link(ctx.link_root, "compare", compare_state)
    )
    if region:
        prov = dataclasses.replace(prov, subtitle=f"{prov.subtitle} · {region_name}, the focus area's region")
    alt = (
        f"Bar chart of {meta['short_name']}, {row.period}, for the CCGs of {region_name or 'England'}, "
        f"ranked, with {ctx.ci}% confidence intervals and the England{' and region' if region else ''} lines. {fact}"
    )
    figures = region_compare(ctx.figure_for(compare_state | {"page": "compare"}, "compare"), prov, ctx.size)
    pages = []
    for k, figure in enumerate(figures, start=1):
        more = "" if len(figures) == 1 else f" ({k} of {len(figures)})"
        part_prov = dataclasses.replace(prov, subtitle=prov.subtitle + more)
        pages.append(
            Page(
                "chart", f"{meta['short_name']}: compared{more}", figure=figure, alt=alt, provenance=part_prov
            )
        )
    return pages


def appendix_table(rows: pd.DataFrame, names: dict[str, str], main: str = "England") -> pd.DataFrame:
    """Every indicator and area: outcomes first (the pack's domain order), then context; each value
    with its unit and the benchmark it was compared with (its value, named where it is not ``main``)."""
    order = {d: i for i, d in enumerate(domain_order(rows))}
    data = rows.assign(_d=rows["domain"].astype(str).map(order).fillna(99)).sort_values("_d", kind="stable")
    units = data["unit"].astype(str).tolist()
    table = pd.DataFrame(
        {
            "Indicator": data["short_name"].astype(str),
            "Domain": data["domain"].astype(str).map(lambda d: s.DOMAINS.get(d, d).split(":")[0]),
            "Area": data[s.AREA_CODE].map(names),
            "Period": data[s.PERIOD].astype(str),
            "Value": [format_value(v, u) for v, u in zip(data[s.VALUE], units, strict=True)],
            "Benchmark": [
                "none" if pd.isna(v) else format_value(v, u) + ("" if label == main else f" ({label})")
                for v, u, label in zip(data["comparator_value"], units, data["comparator_label"], strict=True)
            ],
            "Compared": data["category"].astype(str),
        }
    ).reset_index(drop=True)
    return table if len(names) > 1 else table.drop(columns="Area")  # one area: the title names it


def _number(pages: list[Page]) -> list[Page]:
    total = len(pages)
    for i, page in enumerate(pages, start=1):
        page.number = f"Page {i} of {total}"
        if page.provenance is not None:
            page.provenance = dataclasses.replace(page.provenance, page_label=page.number)
    return pages


# --- tables on pages -----------------------------------------------------------------

COLUMN_SHARE = {
    "Indicator": 2.8,
    "Area": 2.2,
    "Domain": 1.0,
    "Period": 1.6,
    "Value": 1.3,
    "England": 0.9,
    "Benchmark": 1.5,
    "Compared": 1.2,
    "Recent trend": 2.4,
    "Data age": 1.9,
    "Message": 1.6,
    "Gap": 1.1,
    "Term": 1.0,
    "Meaning": 6.0,
}


def column_widths(
    columns: list[str], width_px: float, frame: pd.DataFrame | None = None, font_px: float = MIN_FONT_PX
) -> list[float]:
    """Each column's width: its share of ``width_px`` (``COLUMN_SHARE``), but never narrower than
    its longest word (header in bold, or any cell of ``frame``): a cell wraps between words and
    is never cut."""
    shares = [COLUMN_SHARE.get(c.split(" ")[0] if c not in COLUMN_SHARE else c, 1.1) for c in columns]
    total = sum(shares)
    widths = [width_px * sh / total for sh in shares]
    if frame is None:
        return widths
    need = []
    for col in columns:
        words = [w for cell in frame[col].astype(str) for w in cell.split()]
        longest = max(
            [text_px(w, font_px) for w in words] + [1.12 * text_px(w, font_px) for w in str(col).split()]
        )
        need.append(longest + 18)
    fixed = [False] * len(columns)
    for _ in columns:  # give each too-narrow column its need, the rest shares what is left
        short = [i for i, (w, n) in enumerate(zip(widths, need, strict=True)) if not fixed[i] and w < n]
        if not short:
            break
        for i in short:
            fixed[i], widths[i] = True, need[i]
        free = width_px - sum(w for w, f in zip(widths, fixed, strict=True) if f)
        rest = sum(sh for sh, f in zip(shares, fixed, strict=True) if not f)
        widths = [
            w if f else max(0.0, free) * sh / rest for w, sh, f in zip(widths, shares, fixed, strict=True)
        ]
    return widths


def wrapped_cells(frame: pd.DataFrame, width_px: float) -> tuple[list[list[str]], list[int]]:
    """Each column's cells wrapped to its width, and each row's line count."""
    widths = column_widths(list(frame.columns), width_px, frame)
    columns, lines = [], [1] * len(frame)
    for col, w in zip(frame.columns, widths, strict=True):
        cells = []
        for i, value in enumerate(frame[col].astype(str)):
            parts = wrap(value, w - 14, MIN_FONT_PX)
            lines[i] = max(lines[i], len(parts))
            cells.append("<br>".join(parts))
        columns.append(cells)
    return columns, lines


def row_px(lines: int) -> int:
    return lines * TABLE_LINE_PX + TABLE_PAD_PX


def table_room(size: Size, title_lines: int = 1, above_px: int = 0) -> int:
    """Vertical room for table rows on a page (title, header row, footer taken out)."""
    header = PAD + int(title_lines * 26 * LINE_PX) + 12
    footer = int(FOOTER_SIZE * LINE_PX * 2) + PAD
    return size.height - header - footer - above_px - row_px(2)


def table_pages(
    frame: pd.DataFrame, size: Size, title_lines: int = 1, above_px: int = 0
) -> list[pd.DataFrame]:
    """Consecutive slices of ``frame`` that fit a page at full text size."""
    _cells, lines = wrapped_cells(frame, size.width - 2 * PAD - 40)
    room = table_room(size, title_lines, above_px)
    out, start, used = [], 0, 0
    for i, n in enumerate(lines):
        if used + row_px(n) > room and i > start:
            out.append(frame.iloc[start:i])
            start, used = i, 0
        used += row_px(n)
    out.append(frame.iloc[start:])
    return [p for p in out if len(p)] or [frame.iloc[0:0]]


def document_page(page: Page, size: Size) -> go.Figure:
    """A text page (title, paragraphs, optional table) drawn as a figure for the PDF."""
    width = size.width - 2 * PAD - 40
    title_lines = wrap(page.title, width, 26)
    lines: list[str] = []
    for para in page.paragraphs:
        lines += wrap(para, width, BODY_PX) + [""]
    title_h = len(title_lines) * 26 * LINE_PX + 12
    body_h = body_height(page.paragraphs, size)
    footer_lines = [line for line in (page.number, describe.APP_NAME) if line]
    footer_h = len(footer_lines) * FOOTER_SIZE * LINE_PX + PAD
    fig = go.Figure()
    annotations = [
        _text(f"<b>{'<br>'.join(title_lines)}</b>", 1 - PAD / size.height, 26, "#111111", size),
        _text("<br>".join(lines), 1 - (PAD + title_h) / size.height, BODY_PX, "#111111", size),
        _text("  ·  ".join(footer_lines), (footer_h - 4) / size.height, FOOTER_SIZE, "#444444", size),
    ]
    if page.table is not None and len(page.table):
        top = PAD + title_h + body_h + 6
        fig.add_trace(_table_trace(page.table, width, size, top, footer_h))
    fig.update_layout(
        width=size.width,
        height=size.height,
        margin=dict(l=0, r=0, t=0, b=0),
        plot_bgcolor="white",
        paper_bgcolor="white",
        xaxis=dict(visible=False, range=[0, 1]),
        yaxis=dict(visible=False, range=[0, 1]),
        font=dict(family=EXPORT_FONT, color="#111111", size=MIN_FONT_PX),
        annotations=annotations,
        showlegend=False,
    )
    return fig


def _text(text: str, y: float, font_px: int, colour: str, size: Size) -> dict:
    return dict(
        text=text,
        x=PAD / size.width,
        y=y,
        xref="paper",
        yref="paper",
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font=dict(size=font_px, color=colour),
    )


def _table_trace(frame: pd.DataFrame, width: float, size: Size, top_px: float, bottom_px: float) -> go.Table:
    cells, _lines = wrapped_cells(frame, width)
    widths = column_widths(list(frame.columns), width, frame)
    header = [
        f"<b>{'<br>'.join(wrap(c, w - 14, MIN_FONT_PX))}</b>"
        for c, w in zip(frame.columns, widths, strict=True)
    ]
    return go.Table(
        domain=dict(
            x=[PAD / size.width, 1 - PAD / size.width], y=[bottom_px / size.height, 1 - top_px / size.height]
        ),
        columnwidth=widths,
        header=dict(
            values=header, fill_color="#E8EEF4", align="left", font=dict(size=MIN_FONT_PX), height=row_px(1)
        ),
        cells=dict(values=cells, align="left", font=dict(size=MIN_FONT_PX), height=row_px(1)),
    )


def table_page(page: Page, size: Size) -> go.Figure:
    return document_page(page, size)


# --- PDF ---------------------------------------------------------------------------


def pack_pdf(pages: list[Page], renderer: Renderer, progress: Progress | None = None) -> bytes:
    """Every page drawn by one Chromium tab and printed once as an A4 landscape PDF (titled)."""
    size = SIZES["a4"]
    figs = [pdf_figure(page, size) for page in pages]
    if progress:
        progress(0, len(figs), f"rendering {len(figs)} pages")
    body = renderer.document(figs, size.width, size.height)
    if progress:
        progress(len(figs), len(figs), f"rendered {len(figs)} pages")
    return join_pdfs([body], pages[0].title)


def pdf_figure(page: Page, size: Size) -> go.Figure:
    if page.kind == "chart":
        assert page.figure is not None and page.provenance is not None
        return decorate(page.figure, page.provenance, size)
    return document_page(page, size)


def join_pdfs(blobs: list[bytes], title: str) -> bytes:
    """One PDF of single-page PDFs, titled."""
    from pypdf import PdfReader, PdfWriter  # here: the web workers never join PDFs (README, memory)

    writer = PdfWriter()
    for blob in blobs:
        writer.append(PdfReader(io.BytesIO(blob)))
    writer.add_metadata({"/Title": title, "/Creator": describe.APP_NAME})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _render_in_steps(
    renderer: Renderer, figs: list, size: Size, progress: Progress | None, step: int = 12
) -> list[bytes]:
    """PNG pictures of ``figs`` at ``size``, a batch of ``step`` per tab load."""
    out: list[bytes] = []
    for i in range(0, len(figs), step):
        out += renderer.batch(figs[i : i + step], "png", size.width, size.height, size.png_scale())
        if progress:
            progress(len(out), len(figs), f"rendered {len(out)} of {len(figs)} pictures")
    return out


# --- PowerPoint ----------------------------------------------------------------------

# python-pptx (and lxml under it) is imported only where a deck is made: in the render
# service, never in a web worker (README, "Performance": memory per worker).
SLIDE_W, SLIDE_H = 12_191_695, 6_858_000  # Inches(13.333), Inches(7.5) in EMU


def Emu(value: float) -> int:  # noqa: N802 (python-pptx's names)
    from pptx.util import Emu as emu

    return emu(value)


def Inches(value: float) -> int:  # noqa: N802
    from pptx.util import Inches as inches

    return inches(value)


def Pt(value: float) -> int:  # noqa: N802
    from pptx.util import Pt as pt

    return pt(value)


PPTX_BODY_PT, PPTX_TABLE_PT, PPTX_NUMBER_PT = 16, 12, 10


def _set_alt(picture, text: str) -> None:
    """Alt text: the picture's ``descr`` (what screen readers and PowerPoint's Alt Text show)."""
    picture._element.nvPicPr.cNvPr.set("descr", text)


def _textbox(slide, left, top, width, height, paragraphs: list[str], size_pt: int, bold_first: bool = False):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, text in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = text
        run.font.size = Pt(size_pt)
        run.font.bold = bold_first and i == 0
        para.space_after = Pt(size_pt * 0.4)
    return box


TABLE_W_IN = 13.333 - 0.8
CELL_MARGIN_IN = 0.1  # python-pptx's default left and right cell margins
ROOM_IN = 7.5 - 1.2 - 0.6  # under the title, above the page number


def pptx_row_lines(frame: pd.DataFrame) -> tuple[list[float], list[int], int]:
    """Column widths (inches) and each row's wrapped line count at PPTX_TABLE_PT, with the same
    widths ``_pptx_table`` gives its columns; and the header row's lines."""
    width_pt = TABLE_W_IN * 72
    widths_pt = column_widths(list(frame.columns), width_pt, frame, font_px=PPTX_TABLE_PT)
    usable = [w - 2 * CELL_MARGIN_IN * 72 for w in widths_pt]
    lines = [
        max(len(wrap(str(v), u, PPTX_TABLE_PT)) for v, u in zip(row, usable, strict=True))
        for row in frame.astype(str).itertuples(index=False)
    ]
    header = max(
        len(wrap(str(c), u, PPTX_TABLE_PT * 1.12)) for c, u in zip(frame.columns, usable, strict=True)
    )
    return [w / 72 for w in widths_pt], lines, header


def pptx_row_in(lines: int) -> float:
    """A table row's height in inches at PPTX_TABLE_PT (1.2 line spacing, 2 pt margins)."""
    return (lines * PPTX_TABLE_PT * 1.2 + 6) / 72


def _pptx_table(slide, frame: pd.DataFrame, top) -> None:
    widths, lines, header = pptx_row_lines(frame)
    heights = [pptx_row_in(header), *(pptx_row_in(n) for n in lines)]
    shape = slide.shapes.add_table(
        len(frame) + 1, len(frame.columns), Inches(0.4), top, Inches(TABLE_W_IN), Inches(sum(heights))
    )
    for j, w in enumerate(widths):
        shape.table.columns[j].width = Inches(w)
    for i, h in enumerate(heights):
        shape.table.rows[i].height = Inches(h)
    for j, col in enumerate(frame.columns):
        shape.table.cell(0, j).text = str(col)
    for r, values in enumerate(frame.astype(str).itertuples(index=False), start=1):
        for j, value in enumerate(values):
            shape.table.cell(r, j).text = value
    for cell in (c for row in shape.table.rows for c in row.cells):
        cell.margin_top = cell.margin_bottom = Pt(2)
        for para in cell.text_frame.paragraphs:
            for run in para.runs:
                run.font.size = Pt(PPTX_TABLE_PT)


def pptx_table_rows(
    frame: pd.DataFrame, room_in: float, first_room_in: float | None = None
) -> list[pd.DataFrame]:
    """Slices of a table that fit a slide at PPTX_TABLE_PT (rows wrap, estimated with the column
    widths the table gets): the first slice in ``first_room_in`` (the room under a slide's text),
    every later one in the full ``room_in``."""
    _widths, lines, header = pptx_row_lines(frame)
    out: list[pd.DataFrame] = []
    start, room = 0, room_in if first_room_in is None else first_room_in
    used = pptx_row_in(header)
    for i, n in enumerate(lines):
        need = pptx_row_in(n)
        if used + need > room and i > start:
            out.append(frame.iloc[start:i])
            start, room, used = i, room_in, pptx_row_in(header)
        used += need
    out.append(frame.iloc[start:])
    return [p for p in out if len(p)]


def text_height_in(paragraphs: list[str], width_in: float, size_pt: int) -> float:
    """Height in inches of wrapped paragraphs at ``size_pt`` (1.2 line spacing, space after each)."""
    lines = sum(len(wrap(p, width_in * 96, size_pt * 96 / 72)) for p in paragraphs)
    return (lines * size_pt * 1.2 + len(paragraphs) * size_pt * 0.4) / 72 + 0.15


def title_pt(title: str) -> int:
    """A slide title's size: the largest that keeps it on one line above the body (a wrapped title
    once ran into the table below it); bold text is about a tenth wider than ``wrap`` measures."""
    return next((pt for pt in (28, 24, 20) if text_height_in([title], 12.5 / 1.1, pt) <= 0.8), 16)


def fit_text(paragraphs: list[str], width_in: float, room_in: float) -> tuple[int, float]:
    """The largest body size (16 pt down to 12 pt) at which the paragraphs fit ``room_in``."""
    for size_pt in (PPTX_BODY_PT, 14, 13, 12):
        height = text_height_in(paragraphs, width_in, size_pt)
        if height <= room_in:
            return size_pt, height
    return 12, text_height_in(paragraphs, width_in, 12)


def _number_box(slide, text: str) -> None:
    _textbox(
        slide,
        SLIDE_W - Inches(3.2),
        SLIDE_H - Inches(0.45),
        Inches(3.0),
        Inches(0.35),
        [text],
        PPTX_NUMBER_PT,
    )


def data_date(model: Model) -> datetime:
    """The data version as a date (the latest period start in the model): fixed for a build."""
    latest = pd.to_datetime(model.indicators[s.PERIOD_START], errors="coerce").max()
    return (latest if pd.notna(latest) else pd.Timestamp("2000-01-01")).to_pydatetime().replace(tzinfo=None)


def pack_pptx(
    pages: list[Page], renderer: Renderer, progress: Progress | None = None, stamp: datetime | None = None
) -> bytes:
    """A 16:9 deck: text slides, one full-slide chart picture per chart (with alt text), tables."""
    from pptx import Presentation

    size = SIZES["slide"]
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    blank = prs.slide_layouts[6]
    charts = [p for p in pages if p.kind == "chart"]
    figs = [decorate(p.figure, p.provenance, size) for p in charts]
    images = iter(_render_in_steps(renderer, figs, size, progress))
    for page in pages:
        slide = prs.slides.add_slide(blank)
        if page.kind == "chart":
            pic = slide.shapes.add_picture(io.BytesIO(next(images)), 0, 0, SLIDE_W, SLIDE_H)
            pic.name = page.title
            _set_alt(pic, page.alt)
            continue
        _textbox(
            slide,
            Inches(0.4),
            Inches(0.3),
            Inches(12.5),
            Inches(0.8),
            [page.title],
            title_pt(page.title),
            bold_first=True,
        )
        top = Inches(1.2)
        if page.paragraphs:
            size_pt, height_in = fit_text(page.paragraphs, 12.3, ROOM_IN)
            if page.body_pt:
                size_pt, height_in = page.body_pt, text_height_in(page.paragraphs, 12.3, page.body_pt)
            height = Emu(int(Inches(1) * height_in))
            _textbox(slide, Inches(0.4), top, Inches(12.5), height, page.paragraphs, size_pt)
            top = Emu(top + height + Inches(0.1))
        if page.table is not None and len(page.table):
            _pptx_table(slide, page.table, top)
        _number_box(slide, page.number)
    prs.core_properties.title = pages[0].title
    if stamp is not None:  # the same deck, byte for byte, from every worker
        prs.core_properties.created = prs.core_properties.modified = stamp
        prs.core_properties.last_printed = stamp
        prs.core_properties.revision = 1
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _sections(pages: list[Page]) -> list[list[Page]]:
    """The plan's pages grouped by section: a text page and its continuations; the data
    appendix's pages together; each chart alone."""
    groups: list[list[Page]] = []
    for page in pages:
        last = groups[-1][0] if groups else None
        continues = (
            last is not None
            and last.kind == page.kind
            and (
                page.kind == "table"
                or (
                    page.kind == "text"
                    and page.title.startswith(last.title.split(" (continued")[0] + " (continued")
                )
            )
        )
        if continues:
            groups[-1].append(page)
        else:
            groups.append([page])
    return groups


def _slide_paragraphs(paragraphs: list[str]) -> list[list[str]]:
    """Paragraphs in slide-sized groups (at the smallest body size, 12 pt); never split one."""
    out: list[list[str]] = [[]]
    for para in paragraphs:
        if out[-1] and text_height_in([*out[-1], para], 12.3, 12) > ROOM_IN:
            out.append([])
        out[-1].append(para)
    return out


def slide_pages(pages: list[Page]) -> list[Page]:
    """The plan re-cut for slides, section by section: a section's paragraphs over as many slides
    as they need, then its table's rows over the slides they fit (the first in the room the text
    leaves, each later one in a whole slide); continued slides numbered within the section, page
    numbers redone."""
    out: list[Page] = []
    for group in _sections(pages):
        first = group[0]
        if first.kind == "chart":
            out.append(first)
            continue
        title = "Data appendix" if first.kind == "table" else first.title
        paragraphs = [p for page in group for p in page.paragraphs]
        tables = [page.table for page in group if page.table is not None and len(page.table)]
        table = pd.concat(tables, ignore_index=True) if tables else None
        slides = [Page(first.kind, title, paragraphs=chunk) for chunk in _slide_paragraphs(paragraphs)]
        if table is not None:
            _w, lines, header = pptx_row_lines(table)
            first_rows = pptx_row_in(header) + sum(pptx_row_in(n) for n in lines[:2])
            used = 0.0
            if slides[-1].paragraphs:  # the text as large as leaves room for the table's first rows
                fits = [
                    (pt, text_height_in(slides[-1].paragraphs, 12.3, pt) + 0.1)
                    for pt in (PPTX_BODY_PT, 14, 13, 12)
                    if text_height_in(slides[-1].paragraphs, 12.3, pt) + 0.1 + first_rows <= ROOM_IN
                ]
                if fits:
                    slides[-1].body_pt, used = fits[0]
                else:
                    slides.append(Page(first.kind, title))
            parts = pptx_table_rows(table, ROOM_IN, ROOM_IN - used)
            slides[-1].table = parts[0]
            slides += [Page(first.kind, title, table=part) for part in parts[1:]]
        if first.kind == "table":
            for i, slide in enumerate(slides, start=1):
                slide.title = f"Data appendix ({i} of {len(slides)})"
        out += _continued(slides, title) if first.kind != "table" else slides
    return _number(out)


def build_pack(
    model: Model,
    areas: list[str],
    fmt: str,
    *,
    benchmark: str,
    ci: str,
    figure_for: FigureFor = figure_for,
    link_root: str,
    renderer: Renderer,
    progress: Progress | None = None,
    peers: str | None = None,
) -> bytes:
    """The board pack for ``areas`` as ``fmt`` ('pdf' or 'pptx')."""
    if fmt not in ("pdf", "pptx"):
        raise ValueError(f"pack format must be pdf or pptx, not {fmt!r}")
    if not areas:
        raise ValueError("a board pack needs at least one area")
    size = SIZES["a4"] if fmt == "pdf" else SIZES["slide"]
    pages = plan_pack(
        model,
        areas,
        benchmark=benchmark,
        ci=ci,
        figure_for=figure_for,
        link_root=link_root,
        size=size,
        peers=peers,
    )
    log.info("board pack for %s: %d pages planned", ",".join(areas), len(pages))
    if fmt == "pdf":
        return pack_pdf(pages, renderer, progress)
    return pack_pptx(slide_pages(pages), renderer, progress, stamp=data_date(model))

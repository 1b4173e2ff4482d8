"""Board packs for chosen CCGs: a PDF (every page drawn in one Chromium tab and printed once)
and a PowerPoint deck.

A pack a chair would table (issues 9 and 11):

1. Cover: the areas, the date, the data sources, the public link, and how many outcome and
   context indicators the areas have.
2. Key messages on one page: the outcome indicators where an area differs significantly from
   the benchmark, with value, benchmark value, period, category, recent trend and data age
   (older than three years flagged), worse-and-worsening first, and plain-English sentences
   made from the same table.
3. Early warning (``reports.sections``, from ``data.queries.alerts``): worse and getting worse first,
   then worse but not getting worse, then getting worse but not yet worse; the indicators whose
   trend could not be assessed counted.
4. Compared with similar CCGs: the focus area against its peer set (``peers=``), the peers
   named, their value and range for each key indicator.
5. The outcome indicators' spine chart (all outcome domains in one chart under their headings,
   over as many pages as it needs), then for each indicator that differs (at most
   ``MAX_DETAILED``, worse first) its bars among the focus area's similar CCGs (one page; the
   region's bars for an area without peers) and its trend where there are at least three periods.
6. Context indicators' spine chart after the outcomes.
7. The data appendix, paginated so nothing is cut at a page edge.

Every page is numbered; charts carry their provenance footer (never under a legend: see
``reports.decorate``) and, in the PowerPoint, alt text. Figures come from ``figure_for`` (the
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

from data.model import schema as s
from data.model.core import Model
from data.model.harmonise import is_partial_comparator
from data.model.peers import DEFAULT_PEER_SET, peer_set_label
from data.queries.areas import area_names, area_word
from data.queries.peers import benchmark_key
from data.queries.rows import Selection, indicator_periods, national_rows
from data.queries.view_frames import ENGLAND_LABEL, geography_of, spine_rows, trend_frames
from reports import describe, sections
from reports.decorate import (
    EXPORT_FONT,
    FOOTER_SIZE,
    LINE_PX,
    MIN_FONT_PX,
    PAD,
    SIZES,
    Size,
    decorate,
    wrap,
)
from reports.parts import domain_order, peer_compare, peer_method, region_compare, region_of, spine_parts
from reports.render import Renderer
from selection import parse_query, to_query, view_link
from views.exports import figure_for
from views.provenance import OGL, OS_DATA, Provenance

log = logging.getLogger(__name__)

FigureFor = Callable[[dict, str], go.Figure]
Progress = Callable[[int, int, str], None]
MAX_DETAILED = 6  # indicators that differ given their own comparison/trend pages (worse first)
VERSUS = {"england": "England", "region": "their NHS region", "peers": "their similar CCGs"}
EARLY_COLUMNS = ["Warning", "Indicator", "Area", "Period", "Value", "Compared", "Recent trend"]
MIN_TREND_PERIODS = 3
STALE_YEARS = 3
KEY_SENTENCES = 3
BODY_PX = 16  # text pages' body size (px); tables use MIN_FONT_PX
BODY_LINE = 1.3  # plotly's line spacing in annotations, in em
TABLE_LINE_PX = 21  # one line of 14 px table text, with leading (plotly draws ~19-20 px)
TABLE_PAD_PX = 12  # top + bottom padding of a table row
WORSE_TRENDS = ("getting worse",)
BETTER_TRENDS = ("getting better",)


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


def _names(model: Model, codes: list[str], geography: str | None = None) -> dict[str, str]:
    """Each code's name in ``geography`` (data.queries.areas: codes repeat across geographies)."""
    return area_names(model, codes, geography)


def _versus(benchmark: str, geography: str) -> str:
    """What the pack compares with, in words: England, their NHS region, their similar CCGs/ICBs."""
    if benchmark == "peers":
        return f"their similar {area_word(geography, 2)}"
    return VERSUS.get(benchmark, "England")


def benchmark_labels(
    model: Model, rows: pd.DataFrame, benchmark: str, geography: str = s.HOME_GEOGRAPHY
) -> pd.Series:
    """What each row (indicator, period) is compared with, as the data layer names it.

    The national comparator's row carries its name: "England", or, for an indicator summed from
    only some areas, "49 of 106 CCGs with data" (then "the 49 of 106 CCGs with data"; for the
    areas of a geography with its own partial sum, "the 32 of 42 ICBs with data").
    """
    if benchmark.startswith("peers"):
        return pd.Series(f"the similar {area_word(geography, 2)}", index=rows.index)
    if benchmark != "england":
        return pd.Series("the NHS region", index=rows.index)
    by_indicator = _national_labels(model, rows[s.INDICATOR_ID].unique(), geography)
    names = [
        by_indicator[ind].get(str(period), "England")
        for ind, period in zip(rows[s.INDICATOR_ID], rows[s.PERIOD], strict=True)
    ]
    return pd.Series([n if n == "England" else f"the {n}" for n in names], index=rows.index, dtype=object)


def _national_labels(
    model: Model, indicators, geography: str = s.HOME_GEOGRAPHY
) -> dict[str, dict[str, str]]:
    """``data.queries.view_frames.benchmark_labels`` for many indicators at once (one pass over the rows)."""
    ind = model.indicators
    rows = ind[
        ind[s.INDICATOR_ID].isin(set(indicators))
        & (ind[s.GEOGRAPHY] == "england")
        & (ind[s.SEX] == "Persons")
    ].sort_values(s.PERIOD_START)
    rows = national_rows(model, rows, geography)
    out: dict[str, dict[str, str]] = {i: {} for i in indicators}
    for i, p, n in zip(rows[s.INDICATOR_ID], rows[s.PERIOD], rows[s.AREA_NAME], strict=True):
        out[i][p] = str(n) if is_partial_comparator(n) else ENGLAND_LABEL
    return out


def _with_label(value: str, label: str) -> str:
    return value if label == "England" else f"{value} ({label.removeprefix('the ')})"


# --- data age and trends ---------------------------------------------------------------


def period_age(model: Model, indicator_id: str, period: str) -> tuple[float | None, str]:
    """(age in years since the period ended, plain words) for one indicator period."""
    try:
        from data.model.freshness import (
            age_in_years,
            describe_age,
            period_end,
        )  # lands with the catalogue work
    except ImportError:  # pragma: no cover - before that merge: the period's start date
        period_end = None
    rows = model.indicators[
        (model.indicators[s.INDICATOR_ID] == indicator_id) & (model.indicators[s.PERIOD] == period)
    ]
    start = rows[s.PERIOD_START].iloc[0] if len(rows) else None
    if period_end is not None:
        end = period_end(period, start)
        return age_in_years(end), describe_age(end)
    if start is None or pd.isna(start):
        return None, "age unknown"
    years = (pd.Timestamp(date.today()) - pd.Timestamp(start)).days / 365.25
    return years, f"from {pd.Timestamp(start):%b %Y}, {int(years)} years ago"


def recent_trend_label(model: Model, indicator_id: str, geography: str, area: str) -> str:
    """The area's recent trend: the model's precomputed frame when present, else computed here."""
    try:
        from data.queries.view_frames import trend_labels
    except ImportError:
        trend_labels = None
    if trend_labels is not None:
        label = trend_labels(model, indicator_id, geography, "Persons", [area]).get(area)
        if label:
            return str(label)
    _series, _england, _region, labels = trend_frames(
        model, Selection(indicator_id, "", geography, "Persons"), [area]
    )
    return str(labels.get(area, "Cannot be calculated"))


def _trend_rank(trend: str) -> int:
    text = trend.lower()
    if any(w in text for w in WORSE_TRENDS):
        return 0
    if any(w in text for w in BETTER_TRENDS):
        return 2
    return 1


def _value(v: float, unit: str) -> str:
    if pd.isna(v):
        return "-"
    text = f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.3g}"
    return f"{text}%" if unit == "%" else text


# --- key messages ------------------------------------------------------------------


def compared_values(
    model: Model, rows: pd.DataFrame, benchmark: str, geography: str = s.HOME_GEOGRAPHY
) -> pd.Series:
    """The value each spine row was compared with: England's (the spine's centre), the area's
    NHS region's, or its similar CCGs' (``benchmark`` is a views key: peers or peers_<set>)."""
    if benchmark == "england" or rows.empty:
        return rows["england_value"]
    keys = [s.INDICATOR_ID, s.PERIOD, s.AREA_CODE]
    if benchmark.startswith("peers"):
        peer_set = benchmark.split("_", 1)[1] if "_" in benchmark else DEFAULT_PEER_SET
        pv = model.frames.get("peer_values")
        if pv is None:
            return pd.Series(float("nan"), index=rows.index)
        pv = pv[(pv["peer_set"] == peer_set) & (pv[s.SEX] == "Persons")]
        if s.GEOGRAPHY in pv:  # area codes repeat across geographies (CCG 2021, sub-ICB 2023)
            pv = pv[pv[s.GEOGRAPHY] == geography]
        found = rows[keys].merge(pv[[*keys, "peer_value"]], on=keys, how="left")
        return pd.Series(found["peer_value"].to_numpy(), index=rows.index)
    here = model.areas[model.areas[s.GEOGRAPHY] == geography]
    areas = here.drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)["region_code"]
    ind = model.indicators
    regions = ind[ind[s.SEX] == "Persons"][[s.INDICATOR_ID, s.PERIOD, s.AREA_CODE, s.GEOGRAPHY, s.VALUE]]
    # the regions of the areas' own region set (nhser24 for the 2023 sets: data.model.schema)
    regions = regions[regions[s.GEOGRAPHY] == s.region_geography(geography)].drop_duplicates(keys)
    wanted = rows[[s.INDICATOR_ID, s.PERIOD]].assign(**{s.AREA_CODE: rows[s.AREA_CODE].map(areas).to_numpy()})
    found = wanted.merge(regions[[*keys, s.VALUE]], on=keys, how="left")
    return pd.Series(found[s.VALUE].to_numpy(), index=rows.index)


def key_table(
    model: Model, rows: pd.DataFrame, names: dict[str, str], benchmark: str, geography: str
) -> pd.DataFrame:
    """Outcome indicators where an area differs from the benchmark, worse-and-worsening first."""
    outcome = rows[(rows["domain"].astype(str) != "context") & rows[s.VALUE].notna()]
    differ = outcome[outcome["category"].isin([s.WORSE, s.BETTER])]
    differ = differ.assign(
        _label=benchmark_labels(model, differ, benchmark, geography),
        _bench=compared_values(model, differ, benchmark, geography),
    )
    records = []
    for rec in differ.to_dict("records"):
        ind, area = rec[s.INDICATOR_ID], rec[s.AREA_CODE]
        trend = recent_trend_label(model, ind, geography, area)
        age, age_text = period_age(model, ind, rec[s.PERIOD])
        stale = age is not None and age > STALE_YEARS
        records.append(
            {
                "indicator_id": ind,
                "area_code": area,
                "domain": str(rec["domain"]),
                "Indicator": str(rec["short_name"]),
                "Area": names.get(area, area),
                "Value": _value(rec[s.VALUE], str(rec["unit"])),
                "Benchmark": _with_label(_value(rec["_bench"], str(rec["unit"])), rec["_label"]),
                "benchmark_label": rec["_label"],
                "Period": str(rec[s.PERIOD]),
                "Compared": str(rec["category"]),
                "Recent trend": trend,
                "Data age": age_text + (" (OLDER DATA)" if stale else ""),
                "stale": stale,
                "_rank": (0 if rec["category"] == s.WORSE else 1, _trend_rank(trend), str(rec["short_name"])),
            }
        )
    if not records:
        return pd.DataFrame(
            columns=[
                "indicator_id",
                "area_code",
                "domain",
                "Indicator",
                "Area",
                "Value",
                "Benchmark",
                "benchmark_label",
                "Period",
                "Compared",
                "Recent trend",
                "Data age",
                "stale",
            ]
        )
    table = pd.DataFrame(records).sort_values("_rank", kind="stable").drop(columns="_rank")
    return table.reset_index(drop=True)


def key_sentence(row: pd.Series) -> str:
    """'Hypertension prevalence: NHS Kernow CCG is significantly worse than England (16.9% against
    14.4%, 2022/23) and getting worse.' from one key-messages row."""
    side = "worse" if row["Compared"] == s.WORSE else "better"
    trend = row["Recent trend"].lower()
    if "getting worse" in trend:
        moving = " and getting worse"
    elif "getting better" in trend:
        moving = " and getting better"
    elif "no significant change" in trend:
        moving = ", with no significant recent change"
    else:
        moving = ""
    old = f" These data are old ({row['Data age'].replace(' (OLDER DATA)', '')})." if row["stale"] else ""
    return (
        f"{row['Indicator']}: {row['Area']} is significantly {side} than {row['benchmark_label']} "
        f"({row['Value']} against {row['Benchmark']}, {row['Period']}){moving}.{old}"
    )


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


# --- planning ----------------------------------------------------------------------


def _state(model: Model, wanted: dict) -> dict:
    state, _ = parse_query(model, to_query(wanted))
    return state


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
    """Every page of the pack, in order and numbered (figures built, not yet rendered)."""
    size = size or SIZES["a4"]
    peers = peers or DEFAULT_PEER_SET
    # The areas' geography: what the focus area's code means (an E54 code is an ICB 2023, not
    # the STP 2021 of the same code; data.queries.areas.geography_of).
    geography = geography_of(model, areas[0]) or s.HOME_GEOGRAPHY
    names = _names(model, areas, geography)
    bkey = benchmark_key({"benchmark": benchmark, "peers": peers})
    versus = _versus(benchmark, geography)
    rows = shorter_names(spine_rows(model, areas, benchmark=bkey, ci=ci, geography=geography))
    base = {"areas": areas, "benchmark": benchmark, "ci": ci, "geography": geography, "peers": peers}
    spine_state = _state(model, base)
    who = ", ".join(f"{names[c]} ({c})" for c in areas)
    key = key_table(model, rows, names, bkey, geography)
    order = domain_order(rows)
    outcome_domains = [d for d in order if d != "context"]
    publishers = list(
        dict.fromkeys(model.catalogue.loc[rows[s.INDICATOR_ID].unique(), "publisher"].astype(str))
    )
    public = view_link(link_root, "spine", spine_state)
    warnings, warning_sentences = sections.early_warning(
        model, areas, names, benchmark=bkey, ci=ci, geography=geography
    )
    has_peers = bool(sections.peer_names(model, areas[0], peers, geography))
    similar = f"similar {area_word(geography, 2)}"

    pages = [
        Page(
            "text",
            f"Board pack: {', '.join(names.values())}",
            [
                f"Areas: {who}.",
                f"Prepared {_prepared(model)} by the {describe.APP_NAME}. Each area is compared with "
                f"{versus} at {ci}% confidence (Fingertips' method).",
                counts_sentence(rows, names)
                + (
                    f" {MEDIAN_NOTE}"
                    if rows["short_name"].str.contains(MEDIAN_MARK, regex=False).any()
                    else ""
                ),
                "Contents: key messages; early warning"
                + (f"; compared with {similar}" if has_peers else "")
                + "; the outcome indicators' spine chart ("
                + ", ".join(s.DOMAINS[d].split(":")[0] for d in outcome_domains)
                + "); the indicators that differ, compared and over time; context indicators; data appendix.",
                "Data sources: " + "; ".join(publishers) + ".",
                (
                    f"Online (the same selection, live): {public}"
                    if public.startswith("http")
                    else f"Online: this selection is at {public} on the {describe.APP_NAME}."
                ),
                f"{OGL} {OS_DATA}",
            ],
        )
    ]
    pages.append(_key_messages(key, versus, names, size))
    pages += _table_section(
        "Early warning",
        [
            f"Indicators where an area is significantly worse than {versus} and its recent trend is "
            "significant in the worse direction (Fingertips' recent-trend rule over the last five "
            "points), then those worse but not getting worse, then those getting worse but not yet "
            "worse; latest period of each indicator.",
            *warning_sentences,
        ],
        warnings[[c for c in EARLY_COLUMNS if c != "Area" or len(areas) > 1]],
        size,
        empty="No indicator is worse than the benchmark or getting worse.",
    )
    if has_peers:
        comparison = sections.peer_comparison(model, rows, areas[0], peers, ci, geography)
        also = set(key.loc[key["area_code"] == areas[0], "indicator_id"]) | set(
            warnings.loc[warnings.get("Area", pd.Series(dtype=str)) == names[areas[0]], "indicator_id"]
            if len(areas) > 1
            else warnings["indicator_id"]
        )
        peer_key = sections.peer_key_table(comparison, also)
        pages += _table_section(
            f"Compared with {similar}",
            sections.peer_paragraphs(
                model, areas[0], names[areas[0]], peers, comparison, len(peer_key), ci, geography
            ),
            peer_key.drop(columns="indicator_id").rename(columns={"Value": f"{_short(names[areas[0]])}"}),
            size,
            empty="No outcome indicator has a peer value for this area.",
        )

    prov = describe.provenance(model, spine_state, "spine", public)
    outcome_heading = "Outcome indicators"
    spines = [(outcome_heading, outcome_domains)] + ([("Context", ["context"])] if "context" in order else [])
    detailed = 0
    for heading, domains in spines:
        if not domains:
            continue
        n_ind = rows.loc[rows["domain"].astype(str).isin(domains), s.INDICATOR_ID].nunique()
        kind = "context" if domains == ["context"] else "outcome"
        spine_prov = dataclasses.replace(prov, title=f"{heading}: spine chart")
        if (
            rows.loc[rows["domain"].astype(str).isin(domains), "short_name"]
            .str.contains(MEDIAN_MARK, regex=False)
            .any()
        ):
            spine_prov = dataclasses.replace(spine_prov, caveat=MEDIAN_NOTE)
        for part in spine_parts(
            model, spine_state, spine_prov, size, domains=domains, rows=rows, together=heading
        ):
            alt = (
                f"Spine chart of {n_ind} {kind} indicators for {who}, under their domain headings: each "
                f"area's value against the range of all areas, {versus} at the centre line, worst on the "
                f"left and best on the right. {part.label}."
            )
            pages.append(
                Page(
                    "chart",
                    f"{heading}: spine chart",
                    figure=part.figure,
                    alt=alt,
                    provenance=part.provenance,
                )
            )
        if kind == "context":
            continue
        for domain in outcome_domains:
            for rec in key[key["domain"] == domain].drop_duplicates("indicator_id").to_dict("records"):
                if detailed >= MAX_DETAILED:
                    break
                detailed += 1
                pages += _indicator_pages(model, base, rec, geography, who, figure_for, link_root, size)
    appendix = appendix_table(model, rows, names, geography)
    for part in table_pages(appendix, size, title_lines=1):
        pages.append(Page("table", "Data appendix", table=part))
    n_tables = sum(1 for p in pages if p.kind == "table")
    seen = 0
    for page in pages:
        if page.kind == "table":
            seen += 1
            page.title = f"Data appendix ({seen} of {n_tables})"
    return _number(pages)


MEDIAN_SUFFIX = " (no England value: centred on the median)"  # data.queries.view_frames.spine_rows' note
MEDIAN_MARK = " (median centre)"
MEDIAN_NOTE = (
    "Indicators marked (median centre) have no England value: their spine is centred on the median "
    "of all areas and the areas are not compared."
)


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
    """A text page with a table, continued on as many pages as its rows need (full text size)."""
    if table.empty:
        return [Page("text", title, paragraphs=[*paragraphs, empty])]
    first_room = body_height(paragraphs, size)
    first = table_pages(table, size, above_px=first_room)[0]
    pages = [Page("text", title, paragraphs=paragraphs, table=first)]
    rest = table.iloc[len(first) :]
    if len(rest):
        parts = table_pages(rest, size, above_px=body_height(["(continued)"], size))
        for i, part in enumerate(parts, start=2):
            pages.append(
                Page("text", f"{title} (continued, {i} of {len(parts) + 1})", paragraphs=[], table=part)
            )
    return pages


def _key_messages(key: pd.DataFrame, versus: str, names: dict[str, str], size: Size) -> Page:
    """One page: the differences table, and plain-English sentences made from its first rows."""
    sentences = [key_sentence(row) for _, row in key.head(KEY_SENTENCES).iterrows()]
    if key.empty:
        sentences = [
            f"No outcome indicator with a value is significantly different from {versus} for "
            f"{', '.join(names.values())}."
        ]
    columns = (
        ["Indicator"]
        + (["Area"] if len(names) > 1 else [])
        + ["Value", "Benchmark", "Period", "Compared", "Recent trend", "Data age"]
    )
    labels = set(key["benchmark_label"]) if len(key) else {versus}
    against = versus if labels <= {versus} else "benchmark"
    table = key[columns].rename(
        columns={"Benchmark": f"{against} value", "Compared": f"Compared with {against}"}
    )
    notes = []
    if len(key) > KEY_SENTENCES:
        notes.append(f"The table lists all {len(key)} differences, worse and worsening first.")
    if len(key) and key["stale"].any():
        notes.append(f"OLDER DATA: the period ended more than {STALE_YEARS} years ago; read it as history.")
    # the table gets the room the sentences leave (a note says when rows are left out)
    note = "The table shows the first {n}; the rest are in the domain sections."
    paragraphs = sentences + ([" ".join(notes + [note])] if notes or len(key) else [])
    room_above = body_height(paragraphs, size)
    first = table_pages(table, size, above_px=room_above)[0] if len(table) else table
    last = " ".join(notes + ([note.format(n=len(first))] if len(first) < len(table) else []))
    return Page("text", "Key messages", paragraphs=sentences + ([last] if last else []), table=first)


def body_height(paragraphs: list[str], size: Size) -> int:
    """Height of a text page's paragraphs (plotly sets lines 1.3 em apart; a blank line between)."""
    lines = sum(len(wrap(p, size.width - 2 * PAD - 40, BODY_PX)) + 1 for p in paragraphs)
    return int(lines * BODY_PX * BODY_LINE) + 4


def _indicator_pages(
    model: Model,
    base: dict,
    rec: dict,
    geography: str,
    who: str,
    figure_for: FigureFor,
    link_root: str,
    size: Size,
) -> list[Page]:
    """The comparison chart (focus area's region) and, with >= 3 periods, the trend of one indicator."""
    ind = rec["indicator_id"]
    meta = model.catalogue.loc[ind]
    state = _state(model, base | {"indicator": ind, "period": rec["Period"]})
    fact = key_sentence(pd.Series(rec))
    pages = []
    peer_set = base.get("peers") or DEFAULT_PEER_SET
    focus = state["areas"][0]
    peer_fig = peer_compare(model, state, focus, peer_set)
    if peer_fig is not None:  # one page: the focus area among its similar CCGs
        peer_state = dict(state, benchmark="peers", peers=peer_set)
        prov = describe.provenance(model, state, "compare", view_link(link_root, "compare", peer_state))
        focus_name = _names(model, [focus], geography)[focus]
        similar = f"similar {area_word(geography, 2)}"
        prov = dataclasses.replace(
            prov,
            subtitle=f"{prov.subtitle} · {focus_name} and its {similar}, {peer_set_label(peer_set, geography)}; "
            f"dashed line: their value ({peer_method(model, state, focus, peer_set)})",
        )
        alt = (
            f"Bar chart of {meta['short_name']}, {rec['Period']}, for {focus_name} and its {similar}, "
            f"ranked, with 95% confidence intervals, the England line and the {similar}' value. {fact}"
        )
        pages.append(
            Page(
                "chart",
                f"{meta['short_name']}: compared with {similar}",
                figure=peer_fig,
                alt=alt,
                provenance=prov,
            )
        )
    else:
        pages += _region_pages(model, state, meta, rec, geography, fact, figure_for, link_root, size)
    periods = indicator_periods(model, ind, geography)
    if len(periods) >= MIN_TREND_PERIODS:
        prov = describe.provenance(model, state, "trends", view_link(link_root, "trends", state))
        alt = (
            f"Line chart of {meta['short_name']} over {len(periods)} periods ({periods[0]} to {periods[-1]}) "
            f"for {who}, England and the region. Recent trend: {rec['Recent trend']}. {fact}"
        )
        pages.append(
            Page(
                "chart",
                f"{meta['short_name']}: trend",
                figure=figure_for(state | {"page": "trends"}, "trends"),
                alt=alt,
                provenance=prov,
            )
        )
    return pages


def _region_pages(
    model: Model,
    state: dict,
    meta: pd.Series,
    rec: dict,
    geography: str,
    fact: str,
    figure_for: FigureFor,
    link_root: str,
    size: Size,
) -> list[Page]:
    """The indicator's bars for the focus area's region (areas without peers), as many pages as legible."""
    pages = []
    region, region_name = region_of(model, state["areas"][0], geography)
    compare_state = dict(state, region=region) if region else state
    prov = describe.provenance(
        model, compare_state, "compare", view_link(link_root, "compare", compare_state)
    )
    if region:
        prov = dataclasses.replace(prov, subtitle=f"{prov.subtitle} · {region_name}, the focus area's region")
    alt = (
        f"Bar chart of {meta['short_name']}, {rec['Period']}, for the {area_word(geography, 2)} of "
        f"{region_name or 'England'}, "
        f"ranked, with 95% confidence intervals and the England{' and region' if region else ''} lines. {fact}"
    )
    figures = region_compare(figure_for(compare_state | {"page": "compare"}, "compare"), prov, size)
    for k, figure in enumerate(figures, start=1):
        more = "" if len(figures) == 1 else f" ({k} of {len(figures)})"
        part_prov = dataclasses.replace(prov, subtitle=prov.subtitle + more)
        pages.append(
            Page(
                "chart", f"{meta['short_name']}: compared{more}", figure=figure, alt=alt, provenance=part_prov
            )
        )
    return pages


def appendix_table(
    model: Model, rows: pd.DataFrame, names: dict[str, str], geography: str = s.HOME_GEOGRAPHY
) -> pd.DataFrame:
    """Every indicator and area: outcomes first (the pack's domain order), then context."""
    order = {d: i for i, d in enumerate(domain_order(rows))}
    data = rows.assign(_d=rows["domain"].astype(str).map(order).fillna(99)).sort_values("_d", kind="stable")
    table = pd.DataFrame(
        {
            "Indicator": data["short_name"].astype(str),
            "Domain": data["domain"].astype(str).map(lambda d: s.DOMAINS.get(d, d).split(":")[0]),
            "Area": data[s.AREA_CODE].map(names),
            "Period": data[s.PERIOD].astype(str),
            "Value": [_value(v, str(u)) for v, u in zip(data[s.VALUE], data["unit"], strict=True)],
            "Benchmark": [
                _with_label(_value(v, str(u)), label)
                for v, u, label in zip(
                    data["england_value"],
                    data["unit"],
                    benchmark_labels(model, data, "england", geography),
                    strict=True,
                )
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
    "Indicator": 3.2,
    "Area": 2.2,
    "Domain": 1.0,
    "Period": 1.6,
    "Value": 0.9,
    "England": 0.9,
    "Benchmark": 1.1,
    "Compared": 1.2,
    "Recent trend": 1.8,
    "Data age": 1.9,
}


def column_widths(columns: list[str], width_px: float) -> list[float]:
    shares = [COLUMN_SHARE.get(c.split(" ")[0] if c not in COLUMN_SHARE else c, 1.1) for c in columns]
    total = sum(shares)
    return [width_px * sh / total for sh in shares]


def wrapped_cells(frame: pd.DataFrame, width_px: float) -> tuple[list[list[str]], list[int]]:
    """Each column's cells wrapped to its width, and each row's line count."""
    widths = column_widths(list(frame.columns), width_px)
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
    header = [
        f"<b>{'<br>'.join(wrap(c, w - 14, MIN_FONT_PX))}</b>"
        for c, w in zip(frame.columns, column_widths(list(frame.columns), width), strict=True)
    ]
    return go.Table(
        domain=dict(
            x=[PAD / size.width, 1 - PAD / size.width], y=[bottom_px / size.height, 1 - top_px / size.height]
        ),
        columnwidth=column_widths(list(frame.columns), width),
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


def _pptx_table(slide, frame: pd.DataFrame, top, height_limit) -> None:
    rows, cols = len(frame) + 1, len(frame.columns)
    width = SLIDE_W - Inches(0.8)
    shares = column_widths(list(frame.columns), 1.0)
    shape = slide.shapes.add_table(rows, cols, Inches(0.4), top, width, Emu(int(Inches(0.32) * rows)))
    for j, share in enumerate(shares):
        shape.table.columns[j].width = Emu(int(width * share))
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


def pptx_table_rows(frame: pd.DataFrame, room_in: float) -> list[pd.DataFrame]:
    """Slices of a table that fit ``room_in`` inches of a slide at PPTX_TABLE_PT (rows wrap)."""
    width_px = (13.333 - 0.8) * 96 * (MIN_FONT_PX / (PPTX_TABLE_PT * 96 / 72))
    _cells, lines = wrapped_cells(frame, width_px)
    line_in = PPTX_TABLE_PT * 1.25 / 72
    out, start, used = [], 0, line_in * 2 + 0.12
    for i, n in enumerate(lines):
        need = n * line_in + 0.12
        if used + need > room_in and i > start:
            out.append(frame.iloc[start:i])
            start, used = i, line_in * 2 + 0.12
        used += need
    out.append(frame.iloc[start:])
    return [p for p in out if len(p)]


def text_height_in(paragraphs: list[str], width_in: float, size_pt: int) -> float:
    """Height in inches of wrapped paragraphs at ``size_pt`` (1.2 line spacing, space after each)."""
    lines = sum(len(wrap(p, width_in * 96, size_pt * 96 / 72)) for p in paragraphs)
    return (lines * size_pt * 1.2 + len(paragraphs) * size_pt * 0.4) / 72 + 0.15


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
            slide, Inches(0.4), Inches(0.3), Inches(12.5), Inches(0.8), [page.title], 28, bold_first=True
        )
        top = Inches(1.2)
        if page.paragraphs:
            size_pt, height_in = fit_text(page.paragraphs, 12.3, 5.7 if page.table is None else 3.2)
            height = Emu(int(Inches(1) * height_in))
            _textbox(slide, Inches(0.4), top, Inches(12.5), height, page.paragraphs, size_pt)
            top = Emu(top + height + Inches(0.1))
        if page.table is not None and len(page.table):
            _pptx_table(slide, page.table, top, SLIDE_H - top - Inches(0.6))
        _number_box(slide, page.number)
    prs.core_properties.title = pages[0].title
    if stamp is not None:  # the same deck, byte for byte, from every worker
        prs.core_properties.created = prs.core_properties.modified = stamp
        prs.core_properties.last_printed = stamp
        prs.core_properties.revision = 1
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def slide_pages(pages: list[Page]) -> list[Page]:
    """The plan re-cut for slides: tables split to fit a slide, page numbers redone."""
    out: list[Page] = []
    appendix = [p.table for p in pages if p.kind == "table" and p.table is not None]
    for page in pages:
        if page.kind == "table":
            if appendix:
                whole = pd.concat(appendix, ignore_index=True)
                parts = pptx_table_rows(whole, 7.5 - 1.2 - 0.6)
                out += [Page("table", "Data appendix", table=part) for part in parts]
                appendix = []
        elif page.kind == "text" and page.table is not None and len(page.table):
            _size, used = fit_text(page.paragraphs, 12.3, 3.2)
            parts = pptx_table_rows(page.table, 7.5 - 1.2 - 0.6 - used - 0.1)
            out.append(dataclasses.replace(page, table=parts[0]))
            for part in parts[1:]:
                out.append(
                    dataclasses.replace(page, title=f"{page.title} (continued)", paragraphs=[], table=part)
                )
        else:
            out.append(page)
    tables = [p for p in out if p.kind == "table"]
    for i, page in enumerate(tables, start=1):
        page.title = f"Data appendix ({i} of {len(tables)})"
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

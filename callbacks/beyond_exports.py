"""Files for the pages beyond Fingertips: /inequalities, /practices and /alerts.

``callbacks.exports`` routes ``/export/<page>.<fmt>`` here for these pages. Each page's
charts are numbered parts, as the paged charts are: the PDF holds every part, a PNG or SVG
is ``part=N`` (1 when absent), and a CSV is the table behind chart N. An XLSX holds every
table of the page on its own sheet, with the metadata sheet (source, vintage, caveat and
the comparator named). Anything the page would replace with a fallback (no focus CCG, an
indicator without practice data) is refused with a message instead.

* inequalities: 1 the chosen ICB by practice-deprivation group (absent when no ICB is
  chosen), 2 every ICB ranked, 3 the chronic ACSC deprivation gradient of every CCG 2015/16,
  4 the same on the map (its table is part 3's);
* practices: 1 the focus CCG's practices (the chart; the CSV is the practice table) and, as
  data only, 2 the PCN roll-up;
* alerts: data only: 1 the focus area's list (every group, with the reason where the trend
  could not be assessed), 2 the red-red results of every CCG, by region.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from callbacks.alerts import VERSUS
from callbacks.inequalities import (
    ACSC_GRADIENT,
    ACSC_TITLE,
    acsc_figure,
    acsc_map_state,
    acsc_map_title,
    acsc_method,
    icb_view,
)
from callbacks.practices import (
    PCN_COLUMNS,
    PRACTICE_COLUMNS,
    practice_focus,
    practice_source,
    practice_view,
    ranked_practices,
)
from data.model import schema as s
from data.model.core import Model
from data.model.peers import DEFAULT_PEER_SET, PEER_SETS
from data.queries.alerts import COLUMNS as ALERT_COLUMNS
from data.queries.alerts import GROUP_TITLES, area_alerts, national_red_reds
from data.queries.inequalities import GROUPS
from data.queries.peers import benchmark_key
from data.queries.practices import NOT_EVENTS, measures, pcn_rollup
from figures.inequalities import icb_groups_chart, icb_ranking_chart
from reports.decorate import DEFAULT_SIZE, OGL, OS_DATA, SIZES, Provenance, Size, decorate, screen_size
from reports.pack import join_pdfs
from reports.render import Renderer
from reports.tables import METADATA_SHEET

CHART_FORMATS = ("png", "svg", "pdf")
DATA_FORMATS = ("csv", "xlsx")
BEYOND_EXPORTS = {
    "inequalities": CHART_FORMATS + DATA_FORMATS,
    "practices": CHART_FORMATS + DATA_FORMATS,
    "alerts": DATA_FORMATS,
}
APP = "CCG Outcomes Explorer"
FOOTER_PX = 260  # the exported header and footer lines around the plot


class ExportRefused(ValueError):
    """The selection cannot be exported as asked (a 400 with this message)."""


@dataclass(frozen=True)
class Piece:
    """One numbered part of a page's export: its label, figure (None for data only), table and words."""

    label: str
    figure: go.Figure | None
    table: pd.DataFrame
    provenance: Provenance
    sheet: str


def _focus_name(model: Model, code: str) -> str:
    names = model.areas.drop_duplicates(s.AREA_CODE).set_index(s.AREA_CODE)[s.AREA_NAME]
    return str(names.get(code, code))


def _first_sentence(text: str) -> str:
    """The first sentence (a full stop after a word or number, then a capital: 'c. 2014/15' is kept whole)."""
    text = " ".join(str(text or "").split())
    return re.split(r"(?<=[a-z0-9)'])\.\s+(?=[A-Z])", text, maxsplit=1)[0].rstrip(".") + "." if text else ""


# --- inequalities --------------------------------------------------------------------


def _icb_frame(table: pd.DataFrame, indicator: str, year: int, unit: str, highlight: str) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "ICB Code": table["icb22_code"],
            "ICB Name": table["icb_name"],
            "Indicator": indicator,
            "Unit": unit,
            "Year": year,
            **{f"Practice deprivation group {g}": table[g] for g in GROUPS},
            "England average (comparator)": table["england"],
            "Gap (most minus least deprived)": table["gap"],
            "Ratio (most / least deprived)": table["ratio"],
            "Descriptive slope": table["slope"],
            "Groups with data": table["n_groups"],
        }
    )
    out.insert(0, "Rank by slope", range(1, len(out) + 1))
    out["Chosen ICB"] = (table["icb22_code"] == highlight).map({True: "yes", False: ""})
    return out


def _acsc_frame(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rank": table["rank"],
            "Area Code (CCG 2015/16, ODS)": table[s.AREA_CODE],
            "Area Name": table[s.AREA_NAME],
            "Time period": table[s.PERIOD],
            "Absolute gradient index (per 100,000)": table[s.VALUE],
            "Lower CI 95.0 limit": table[s.LOWER95],
            "Upper CI 95.0 limit": table[s.UPPER95],
            "Lower CI 99.8 limit": table[s.LOWER998].round(1),  # derived from the published 95% (same SE)
            "Upper CI 99.8 limit": table[s.UPPER998].round(1),
            "Admission rate, indirectly standardised (per 100,000)": table["isr"],
            "Now part of (CCG 2021 code)": table["ccg21_code"],
            "Now part of (CCG 2021 name)": table["ccg21_name"],
            "Marked as": table["role"].map({"focus": "focus area", "peer": "peer", "other": ""}),
            "Data quality note": table[s.NOTE].fillna(""),
        }
    )


def inequality_pieces(model: Model, state: dict, link: str) -> list[Piece]:
    indicator, year, table, meta, icb = icb_view(state)
    cat = model.frames["inequality_catalogue"].set_index("indicator")
    source = (
        f"Health Equity Evidence Centre (HEEC) ICB data pack, {year}: "
        f"{str(cat.at[indicator, 'note']).rstrip('.')}. "
        f"Compiled by the {APP}."
    )
    ineq_method = (
        "Mean of the practices' values in each ICB for four groups of practice deprivation (national quintiles "
        "of practice IMD; 4 and 5 merged); gap = most minus least deprived group; descriptive slope = least-"
        "squares line over the groups' deprivation midpoints. No denominators or limits are published, so no "
        "difference is called significant."
    )
    caveat = "No confidence limits: differences between groups and ICBs are not tested."
    ranked = _icb_frame(table, indicator, year, meta["unit"], icb)
    pieces = []
    row = table[table["icb22_code"] == icb]
    if len(row):
        prov = Provenance(
            title=f"{meta['name']}: {row.iloc[0]['icb_name']} by practice deprivation",
            subtitle=f"HEEC ICB data pack {year} · practice deprivation groups · England's average for reference",
            source=source,
            method=ineq_method,
            link=link,
            caveat=caveat,
        )
        pieces.append(
            Piece(
                "this ICB",
                icb_groups_chart(row.iloc[0], meta),
                ranked[ranked["Chosen ICB"] == "yes"],
                prov,
                "This ICB",
            )
        )
    prov = Provenance(
        title=f"{meta['name']}: every ICB by practice deprivation",
        subtitle=f"HEEC ICB data pack {year} · {len(table)} ICBs ranked by the descriptive slope · England's "
        "average for reference",
        source=source,
        method=ineq_method,
        link=link,
        caveat=caveat,
    )
    pieces.append(
        Piece(
            "every ICB",
            icb_ranking_chart(table, meta, highlight=icb if icb != "all" else None),
            ranked,
            prov,
            "Every ICB",
        )
    )
    fig, gradient, said = acsc_figure(state)
    peer_set = state.get("peers") or DEFAULT_PEER_SET
    focus = gradient.loc[gradient["role"] == "focus", "ccg21_name"]
    marked = (
        f"marked: {focus.iloc[0]} and its peers, {PEER_SETS[peer_set]}" if len(focus) else "no focus area"
    )
    prov = Provenance(
        title=ACSC_TITLE,
        subtitle=f"{int(gradient[s.VALUE].notna().sum())} CCGs (2015/16 boundaries) · "
        f"{gradient[s.PERIOD].iloc[0]} · {marked} · {state.get('ci') or '95'}% confidence intervals",
        source=f"{model.catalogue.at[ACSC_GRADIENT, 'publisher']}. Compiled by the {APP}.",
        method=acsc_method(model, gradient),
        link=link,
        caveat=_first_sentence(model.catalogue.at[ACSC_GRADIENT, "caveats"]),
    )
    acsc_table = _acsc_frame(gradient)
    pieces.append(Piece("ACSC gradient", fig, acsc_table, prov, "ACSC gradient"))
    from callbacks.views import export_map  # the map page's export builder (GeoJSON embedded)

    map_state = acsc_map_state(state, gradient)
    map_fig = export_map(map_state)
    map_fig.layout.title.text = acsc_map_title(map_state["period"])
    outlined = f"outlined: {focus.iloc[0]}'s CCG 2015/16 areas" if len(focus) else "no focus area"
    map_prov = dataclasses.replace(
        prov,
        title=f"{ACSC_TITLE}: map",
        subtitle=f"{int(gradient[s.VALUE].notna().sum())} CCGs (2015/16 boundaries) · "
        f"{gradient[s.PERIOD].iloc[0]} · coloured by the gradient (darker = steeper) · {outlined}",
        boundaries=True,
    )
    pieces.append(Piece("ACSC gradient map", map_fig, acsc_table, map_prov, "ACSC gradient"))
    return pieces


def inequality_comparator(piece: Piece) -> str:
    if piece.sheet == "ACSC gradient":
        return "none: there is no England gradient; the chart's reference line is the median CCG"
    return "England's average of all practices (a reference line; nothing is compared with it)"


# --- practices -------------------------------------------------------------------------


NO_PRACTICE_FOCUS = "The practice drill-down needs a CCG (April 2021) focus area: add areas=<code>."
NOT_CCG21 = "The early-warning list is for CCG (April 2021) areas: the focus area is not one."


def no_practice_data(model: Model, indicator: str) -> str:
    return f"{indicator} has no practice-level data: use indicator= one of {', '.join(measures(model))}."


def practice_pieces(model: Model, state: dict, link: str) -> list[Piece]:
    focus = practice_focus(model, state)
    if focus is None:
        raise ExportRefused(NO_PRACTICE_FOCUS)
    indicator = state["indicator"]
    if indicator not in measures(model):
        raise ExportRefused(no_practice_data(model, indicator))
    fig, rows, england, name = practice_view(state, indicator)
    short = str(model.catalogue.at[indicator, "short_name"])
    unit = str(model.catalogue.at[indicator, "unit"])
    polarity = str(model.catalogue.at[indicator, "polarity"])
    source = practice_source(indicator).split(". ")[0] + f". Compiled by the {APP}."
    versus = (
        "not compared (points are not events out of a population)" if indicator in NOT_EVENTS else "England"
    )
    method = (
        practice_source(indicator).split(". ", 1)[1]
        + ". Practices resting on fewer than 5 events or 30 responses are flagged unreliable and not compared."
    )
    caveat = _first_sentence(model.catalogue.at[indicator, "caveats"])
    table = ranked_practices(rows)[list(PRACTICE_COLUMNS)].rename(columns=PRACTICE_COLUMNS)
    table.insert(0, "CCG", name)
    table.insert(1, "Indicator ID", indicator)
    table["England value (comparator)"] = england
    prov = Provenance(
        title=f"{short}: GP practices in {name}",
        subtitle=f"{short} ({unit}) · {len(rows)} practices · compared with {versus} · 95% Wilson intervals",
        source=source,
        method=method,
        link=link,
        caveat=caveat,
    )
    pieces = [Piece("practices", fig, table, prov, "Practices")]
    pcn = pcn_rollup(rows, None if indicator in NOT_EVENTS else england, polarity)
    pcn_table = pcn[list(PCN_COLUMNS)].rename(columns=PCN_COLUMNS)
    pcn_table.insert(0, "CCG", name)
    pcn_table.insert(1, "Indicator ID", indicator)
    pcn_prov = Provenance(
        title=f"{short}: Primary Care Networks in {name}",
        subtitle=f"{short} ({unit}) · {len(pcn)} PCNs (their practices pooled) · compared with {versus}",
        source=source,
        method=method,
        link=link,
        caveat=caveat,
    )
    pieces.append(Piece("PCNs", None, pcn_table, pcn_prov, "PCNs"))
    return pieces


# --- alerts -----------------------------------------------------------------------------

ALERT_NAMES = {
    "group": "Group",
    s.AREA_CODE: "Area Code",
    s.AREA_NAME: "Area Name",
    "region_code": "Region Code",
    "region_name": "Region Name",
    s.INDICATOR_ID: "Indicator ID",
    "short_name": "Indicator Name",
    s.PERIOD: "Time period",
    s.VALUE: "Value",
    "unit": "Unit",
    "category": "Compared with benchmark",
    "category_998": "Compared with benchmark (99.8%)",
    "trend": "Recent Trend",
    "chi2": "Trend chi-squared",
    "n_points": "Trend points",
    "reason": "Why the trend is not assessed",
}


def _alert_frame(table: pd.DataFrame, versus: str) -> pd.DataFrame:
    out = table[ALERT_COLUMNS].rename(columns=ALERT_NAMES)
    out.insert(1, "Group meaning", table["group"].map(GROUP_TITLES).to_numpy())
    out.insert(2, "Benchmark", versus)
    return out


def _alert_focus(model: Model, state: dict) -> str | None:
    ccg21 = set(model.areas.loc[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY, s.AREA_CODE])
    return next((a for a in state.get("areas") or [] if a in ccg21), None)


def alert_pieces(model: Model, state: dict, link: str) -> list[Piece]:
    key = benchmark_key(state)
    ci = state["ci"]
    versus = VERSUS.get(state["benchmark"], state["benchmark"])
    method = (
        f"Significantly worse: the {ci}% confidence interval excludes the benchmark on the bad side (Fingertips); "
        "getting worse: Fingertips' recent-trend test over the last five periods, significant in the worse "
        "direction. Latest period of each indicator, persons. Indicators with fewer than five periods are not "
        "assessed (listed with the reason)."
    )
    source = f"Every indicator in the {APP} (see the Indicator ID column). Compiled by the {APP}."
    pieces = []
    focus = _alert_focus(model, state)
    if focus is not None:
        name = _focus_name(model, focus)
        table = area_alerts(model, focus, benchmark=key, ci=ci)
        prov = Provenance(
            title=f"Early warning: {name}",
            subtitle=f"Compared with {versus} ({ci}% confidence) · "
            + "; ".join(f"{GROUP_TITLES[g]}: {int((table['group'] == g).sum())}" for g in GROUP_TITLES),
            source=source,
            method=method,
            link=link,
        )
        pieces.append(Piece("focus area", None, _alert_frame(table, versus), prov, "Focus area"))
    elif state.get("areas"):
        raise ExportRefused(
            "The early-warning list is for CCG (April 2021) areas: the focus area is not one."
        )
    reds = national_red_reds(model, benchmark=key, ci=ci)
    prov = Provenance(
        title="Early warning: red-red results across England, by region",
        subtitle=f"{len(reds)} red-red results in {reds[s.AREA_CODE].nunique()} CCGs (April 2021) · compared "
        f"with {versus} ({ci}% confidence)",
        source=source,
        method=method,
        link=link,
    )
    pieces.append(Piece("England, by region", None, _alert_frame(reds, versus), prov, "Red-red by region"))
    return pieces


# --- files ------------------------------------------------------------------------------


def pieces_for(model: Model, state: dict, page: str, link: str) -> list[Piece]:
    if page == "inequalities":
        return inequality_pieces(model, state, link)
    if page == "practices":
        return practice_pieces(model, state, link)
    if page == "alerts":
        return alert_pieces(model, state, link)
    raise ValueError(f"unknown page {page!r}")


def part_labels(model: Model, state: dict, page: str) -> list[tuple[str, bool]] | str:
    """(label, has a chart) of each part, for the page's export links, or why there is nothing to export.

    Worked out without drawing anything (the footer asks on every change of selection); a test
    checks it against ``pieces_for``.
    """
    if page == "inequalities":
        _, _, table, _, icb = icb_view(state)
        one = [("this ICB", True)] if (table["icb22_code"] == icb).any() else []
        return one + [("every ICB", True), ("ACSC gradient", True), ("ACSC gradient map", True)]
    if page == "practices":
        if practice_focus(model, state) is None:
            return NO_PRACTICE_FOCUS
        if state["indicator"] not in measures(model):
            return no_practice_data(model, state["indicator"])
        return [("practices", True), ("PCNs", False)]
    if page == "alerts":
        focus = _alert_focus(model, state)
        if focus is None and state.get("areas"):
            return NOT_CCG21
        return ([("focus area", False)] if focus else []) + [("England, by region", False)]
    raise ValueError(f"unknown page {page!r}")


def comparator_for(page: str, piece: Piece, state: dict) -> str:
    if page == "inequalities":
        return inequality_comparator(piece)
    if page == "practices":
        return "England (each practice's 95% Wilson interval compared with England's value)"
    return VERSUS.get(state["benchmark"], state["benchmark"])


def metadata(page: str, piece: Piece, state: dict) -> list[tuple[str, str]]:
    prov = piece.provenance
    return [
        ("Title", prov.title),
        ("Selection", prov.subtitle),
        ("Source", prov.source),
        ("Caveat", prov.caveat or "none recorded"),
        ("Comparator", comparator_for(page, piece, state)),
        ("Licence", OGL + (" " + OS_DATA if prov.boundaries else "")),
        ("Method", prov.method),
        ("View", prov.link),
    ]


def choose(pieces: list[Piece], raw: str, *, charts_only: bool) -> tuple[int, Piece]:
    """``part=N`` among the pieces (only those with a chart for an image); 400 when out of range."""
    pool = [(i, p) for i, p in enumerate(pieces, start=1) if p.figure is not None or not charts_only]
    numbers = [i for i, _ in pool]
    if not raw.isdigit() or int(raw) not in numbers:
        what = "chart" if charts_only else "table"
        listing = ", ".join(f"{i} ({p.label})" for i, p in pool)
        raise ExportRefused(f"part={raw!r}: this page's {what}s are part {listing}.")
    return int(raw), dict(pool)[int(raw)]


def csv_file(page: str, pieces: list[Piece], part: str, state: dict) -> bytes:
    _, piece = choose(pieces, part, charts_only=False)
    buf = io.StringIO()
    for key, text in metadata(page, piece, state):
        buf.write(f"# {key}: {' '.join(str(text).split())}\n")
    piece.table.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def xlsx_file(page: str, pieces: list[Piece], state: dict) -> bytes:
    """Every part's table on its own sheet; the metadata of each part on the metadata sheet."""
    buf = io.BytesIO()
    meta_rows = []
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        written: list[int] = []
        for number, piece in enumerate(pieces, start=1):
            if any(piece.table is pieces[i - 1].table for i in written):
                continue  # the map's table is the ranked chart's
            written.append(number)
            sheet = f"{number} {piece.sheet}"[:31]
            piece.table.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            for i, col in enumerate(piece.table.columns, start=1):
                ws.column_dimensions[ws.cell(1, i).column_letter].width = min(40, max(10, len(str(col)) + 2))
            ws.freeze_panes = "A2"
            meta_rows += [(f"{sheet}: {k}", v) for k, v in metadata(page, piece, state)]
        pd.DataFrame(meta_rows, columns=["Field", "Text"]).to_excel(
            writer, sheet_name=METADATA_SHEET, index=False
        )
        writer.sheets[METADATA_SHEET].column_dimensions["A"].width = 34
        writer.sheets[METADATA_SHEET].column_dimensions["B"].width = 120
    return buf.getvalue()


def file_name(model: Model, state: dict, page: str, fmt: str, part: int | None = None) -> str:
    focus = "-".join(state.get("areas") or []) or "england"
    if page == "inequalities":
        body = f"{state.get('ineq') or 'default'}_{state.get('icb') or focus}"
    elif page == "practices":
        body = f"{state['indicator']}_{focus}"
    else:
        body = f"{focus}_{state['benchmark']}_{state['ci']}"
    body = "".join(c if c.isalnum() or c in "._-" else "-" for c in body).strip("-")
    suffix = f"_part{part}" if part and part > 1 else ""
    return f"ccg-outcomes_{page}_{body}{suffix}.{fmt}"


def beyond_file(
    model: Model,
    state: dict,
    page: str,
    fmt: str,
    params: dict[str, str],
    link: str,
    get_renderer: Callable[[], Renderer],
) -> tuple[bytes, str]:
    """(bytes, file name) of one export of these pages (``params``: size and part, already checked)."""
    pieces = pieces_for(model, state, page, link)
    part = params.get("part", "1")
    if fmt == "csv":
        number, _ = choose(pieces, part, charts_only=False)
        return csv_file(page, pieces, part, state), file_name(model, state, page, fmt, number)
    if fmt == "xlsx":
        if "part" in params:
            raise ExportRefused("An XLSX holds every table of the page (one sheet each): leave out part=.")
        return xlsx_file(page, pieces, state), file_name(model, state, page, fmt)
    size_name = params.get("size", DEFAULT_SIZE)
    charts = [p for p in pieces if p.figure is not None]

    def size_of(fig: go.Figure) -> Size:
        """The chosen size, made taller for a long chart (every ICB) so its rows stay legible."""
        base = screen_size(fig) if size_name == "screen" else SIZES[size_name]
        needed = int((fig.layout.height or 0) + FOOTER_PX)
        return base if needed <= base.height else Size(base.name, base.label, base.width, needed)

    renderer = get_renderer()
    suffix = "" if size_name == DEFAULT_SIZE else f"_{size_name}"
    if fmt == "pdf":
        if "part" in params:
            raise ExportRefused("A PDF holds every chart of the page (one page each): leave out part=.")
        blobs = renderer.render_many(
            [
                (decorate(p.figure, p.provenance, size_of(p.figure)), "pdf", *dims(size_of(p.figure)), 1.0)
                for p in charts
            ]
        )
        name = file_name(model, state, page, fmt).replace(".pdf", f"{suffix}.pdf")
        return join_pdfs(blobs, charts[0].provenance.title), name
    number, piece = choose(pieces, part, charts_only=True)
    size = size_of(piece.figure)
    scale = size.png_scale() if fmt == "png" else 1.0
    body = renderer.render(
        decorate(piece.figure, piece.provenance, size), fmt, size.width, size.height, scale
    )
    return body, file_name(model, state, page, fmt, number).replace(f".{fmt}", f"{suffix}.{fmt}")


def dims(size: Size) -> tuple[int, int]:
    return size.width, size.height

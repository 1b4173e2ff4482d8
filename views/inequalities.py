"""The inequalities page: an ICB by practice-deprivation group, every ICB ranked, the ACSC gradient
within each CCG (ranked, and on the map); their summaries and the page's export parts."""

from __future__ import annotations

import dataclasses
import functools

import pandas as pd
import plotly.graph_objects as go

from data.model import schema as s
from data.model.core import Model
from data.model.peers import DEFAULT_PEER_SET, PEER_SETS
from data.model.store import load_model
from data.queries.acsc import FOCUS, PEER, gradient_summary, gradient_table
from data.queries.acsc import GEOGRAPHY as GRADIENT_GEOGRAPHY
from data.queries.inequalities import GROUPS, icb_of_ccg, icb_table, indicators, latest_year
from figures import summaries as words
from figures.acsc import gradient_chart
from figures.inequalities import icb_groups_chart, icb_ranking_chart
from selection import MAX_AREAS, page_href
from views.cache import memoized
from views.common import EMPTY_FIGURE, area_names, focus_ccg, freeze
from views.content import Link, P, choices, el
from views.map import export_map, full_map, map_sentence
from views.provenance import APP, Piece, Provenance, first_sentence

ACSC_GRADIENT = "acsc_chronic_agi"
DEPRIVATION = "demo:imd19_mean_rank"
DEFAULT_INDICATOR = "% QOF points achieved"
ACSC_TITLE = "Unplanned admissions for chronic ACSC: deprivation gradient within each CCG"


def _link(text: str, page: str, state: dict, **changes):
    return Link(text, href=page_href(page, state, **changes))


@memoized
def _table(indicator: str, year: int):
    return icb_table(load_model(), indicator, year)


@memoized
def _gradient(focus: str | None, peer_set: str):
    return gradient_table(load_model(), focus, peer_set)


def gradient_of(state: dict) -> pd.DataFrame:
    """The gradient table, the focus CCG's predecessors and its peers' marked."""
    return _gradient(focus_ccg(load_model(), state), state.get("peers") or DEFAULT_PEER_SET)


def acsc_figure(state: dict) -> tuple[go.Figure, pd.DataFrame, str]:
    """The ranked gradient chart, its table and a sentence on what is highlighted."""
    focus = focus_ccg(load_model(), state)
    peer_set = state.get("peers") or DEFAULT_PEER_SET
    table = _gradient(focus, peer_set)
    focus_name = peer_label = None
    said = "Choose a CCG as the focus area to mark it and its peers."
    if focus:
        name = area_names([focus], s.HOME_GEOGRAPHY)[focus]
        n_focus = int((table["role"] == FOCUS).sum())
        n_peer = int((table["role"] == PEER).sum())
        focus_name = f"{name}: its CCG 2015/16 areas"
        peer_label = "Its peers' CCG 2015/16 areas"
        said = (
            f"{name} is drawn as {n_focus} black square(s): the CCG 2015/16 area(s) that "
            f"became it. Its peers: {PEER_SETS[peer_set]}, chosen under Benchmark, Similar CCGs; their "
            f"{n_peer} CCG 2015/16 areas are the orange diamonds."
        )
    fig = gradient_chart(
        table,
        {"name": ACSC_TITLE},
        ci=state.get("ci") or "95",
        focus_name=focus_name,
        peer_label=peer_label,
    )
    return fig, table, said


def acsc_map_state(state: dict, table: pd.DataFrame) -> dict:
    """The map page's selection for the gradient: CCG 2015/16, coloured by value, the focus area's
    CCG 2015/16 areas selected (outlined)."""
    focus = list(table.loc[table["role"] == FOCUS, s.AREA_CODE])[:MAX_AREAS]
    return dict(
        state,
        indicator=ACSC_GRADIENT,
        y=ACSC_GRADIENT,
        geography=GRADIENT_GEOGRAPHY,
        period=str(table[s.PERIOD].iloc[0]),
        sex="Persons",
        colour="value",
        layout="boundaries",
        areas=focus,
    )


def acsc_map_title(period: str) -> str:
    return (
        f"{ACSC_TITLE} (per 100,000)<br><sup>{period}; CCG 2015/16 boundaries; darker = steeper gradient; "
        "outlined: the focus area's CCG 2015/16 areas</sup>"
    )


def acsc_map(state: dict, table: pd.DataFrame, build=full_map) -> go.Figure:
    """The gradient on the map page's own builder: the map follows whatever the map page draws
    (``build``: ``export_map`` for the exports, with the boundaries embedded)."""
    map_state = acsc_map_state(state, table)
    fig = build(map_state)
    fig.layout.title.text = acsc_map_title(map_state["period"])
    return fig


def acsc_method(model: Model, table: pd.DataFrame) -> str:
    """What the gradient measures, where it comes from and its vintage (for the page and the exports)."""
    summary = gradient_summary(table)
    publisher = str(model.catalogue.at[ACSC_GRADIENT, "publisher"])
    return (
        "The gradient (absolute gradient index) is the slope of a population-weighted regression of each "
        "neighbourhood's (LSOA's) age-standardised rate of unplanned admissions for chronic ambulatory care "
        "sensitive conditions on its Index of Multiple Deprivation (IMD) 2015 rank within the CCG (a higher IMD "
        "rank means less deprived): the modelled difference in "
        "admissions per 100,000 between the most and the least deprived neighbourhoods; larger means more "
        f"inequality. Source: {publisher}; CCG IAF 2016/17 inequality indicator; HES year "
        f"{summary['period']} (not recorded in the file); CCG 2015/16 boundaries, GP-registered populations. "
        f"{summary['n_areas']} CCGs; {summary['above_zero']} have a 95% interval above zero; "
        f"{summary['flagged']} with implausibly low admission rates are flagged (hollow, and said in the hover). "
        "A slope cannot be "
        "added up into larger areas, so the CCGs of 2015/16 are shown as published."
    )


def acsc_outputs(state: dict) -> tuple[list, go.Figure]:
    """The method line, links to the map and the CCG 2021 view, and the ranked chart."""
    fig, table, said = acsc_figure(state)
    common = dict(indicator=ACSC_GRADIENT, y=ACSC_GRADIENT, period="")
    focus = list(table.loc[table["role"] == FOCUS, s.AREA_CODE])[:MAX_AREAS]
    to_map = _link(
        "Map of the gradient (CCG 2015/16 boundaries)",
        "map",
        state,
        geography="ccg16",
        colour="value",
        areas=focus,
        **common,
    )
    to_compare = _link(
        "The gradient on CCG 2021 boundaries where a single predecessor allows",
        "compare",
        state,
        geography=s.HOME_GEOGRAPHY,
        **common,
    )
    text = [
        P(acsc_method(load_model(), table), className="hint acsc-method"),
        P(said, className="hint"),
        P([to_map, " · ", to_compare], className="hint"),
    ]
    return text, fig


def icb_view(state: dict) -> tuple[str, int, pd.DataFrame, dict, str]:
    """Indicator, year, the every-ICB table, the indicator's name and unit, and the ICB shown (or 'all')."""
    model = load_model()
    names = indicators(model)
    indicator = state.get("ineq") or (DEFAULT_INDICATOR if DEFAULT_INDICATOR in names else names[0])
    year = latest_year(model, indicator)
    table = _table(indicator, year)
    cat = model.frames["inequality_catalogue"].set_index("indicator")
    meta = {"name": str(cat.at[indicator, "name"]), "unit": str(cat.at[indicator, "unit"])}
    focus = (state.get("areas") or [None])[0]
    icb = state.get("icb") or (icb_of_ccg(model, focus) if focus else None) or "all"
    return indicator, year, table, meta, icb


ICB_METHOD = (
    "the mean of the practices' values in each ICB for four groups of practice deprivation (national quintiles "
    "of practice IMD, the Index of Multiple Deprivation; group 1 least deprived; 4 and 5 merged), and England's average. It has no denominators or confidence limits: the "
    "gap and a descriptive slope (least-squares line over the groups' deprivation midpoints, equal fifths "
    "assumed) are given; PHE's slope index of inequality needs five or more groups with populations and limits, "
    "so it is not computed, and no difference is called significant."
)


def inequalities_outputs(state: dict):
    """The notes, the ICB's chart, every ICB's ranking, the gradient's notes, chart and map."""
    indicator, year, table, meta, icb = icb_view(state)
    # the indicator is chosen by the links below (kept in the URL as ineq=)
    names = load_model().frames["inequality_catalogue"].set_index("indicator")["name"]
    options = [
        (n, str(names.get(n, n)), page_href("inequalities", state, ineq=n)) for n in indicators(load_model())
    ]
    icb_links = [_link("all ICBs", "inequalities", state, icb="all")] if icb != "all" else []
    explorer = _link(
        "open the explorer with deprivation on the x axis",
        "explorer",
        state,
        x=DEPRIVATION,
        y=state["indicator"],
    )
    note = [
        P(f"Health Equity Evidence Centre (HEEC) ICB data pack, {year}: {ICB_METHOD}", className="hint"),
        el(
            "Details",
            [
                el("Summary", f"Indicator: {meta['name']} (change)"),
                P(choices(indicator, options), "measure-links"),
            ],
        ),
        P(
            ["Relate an outcome to area deprivation across CCGs: ", explorer, ". ", *icb_links],
            className="hint",
        ),
    ]
    row = table[table["icb22_code"] == icb]
    if len(row):
        icb_fig = icb_groups_chart(row.iloc[0], meta).to_plotly_json()
    else:
        icb_fig = EMPTY_FIGURE
        if icb != "all":
            note.append(P(f"No {meta['name']} values for this ICB in {year}.", className="notice-item"))
    rank_fig = icb_ranking_chart(table, meta, highlight=icb if icb != "all" else None).to_plotly_json()
    acsc, acsc_fig = acsc_outputs(state)
    map_fig = acsc_map(state, gradient_of(state))
    return note, icb_fig, rank_fig, acsc, acsc_fig.to_plotly_json(), map_fig.to_plotly_json()


@memoized
def inequalities_sentences(frozen: tuple) -> tuple[str, str, str, str]:
    """The four charts' summaries: the ICB by group, every ICB, the gradient, its map."""
    state = dict(frozen)
    if not indicators(load_model()):
        first = second = "No inequality data in this build."
    else:
        _, _, table, meta, icb = icb_view(state)
        row = table[table["icb22_code"] == icb]
        first = (
            words.icb_groups_summary(row.iloc[0], GROUPS, meta)
            if len(row)
            else "No single ICB chosen: choose a CCG or an ICB to see its values by deprivation group."
        )
        second = words.icb_ranking_summary(table, meta, highlight=icb if icb != "all" else None)
    focus = focus_ccg(load_model(), state)
    gradient = gradient_of(state)
    if gradient.empty:
        return first, second, "No gradient data in this build.", "No gradient data in this build."
    third = words.gradient_summary_sentence(
        gradient, focus_name=area_names([focus], s.HOME_GEOGRAPHY)[focus] if focus else ""
    )
    return first, second, third, map_sentence(freeze(acsc_map_state(state, gradient)))


# --- the export's parts ------------------------------------------------------------------


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


INEQUALITY_METHOD = (
    "Mean of the practices' values in each ICB for four groups of practice deprivation (national quintiles "
    "of practice IMD; 4 and 5 merged); gap = most minus least deprived group; descriptive slope = least-"
    "squares line over the groups' deprivation midpoints. No denominators or limits are published, so no "
    "difference is called significant."
)
NO_LIMITS = "No confidence limits: differences between groups and ICBs are not tested."


def inequality_parts(state: dict) -> list[tuple[str, bool]]:
    """(label, has a chart) of each export part (the chosen ICB's only when one is chosen)."""
    _, _, table, _, icb = icb_view(state)
    one = [("this ICB", True)] if (table["icb22_code"] == icb).any() else []
    return one + [("every ICB", True), ("ACSC gradient", True), ("ACSC gradient map", True)]


def inequality_pieces(model: Model, state: dict, link: str) -> list[Piece]:
    """The export's parts: the chosen ICB by group, every ICB, the gradient ranked and on the map."""
    indicator, year, table, meta, icb = icb_view(state)
    cat = model.frames["inequality_catalogue"].set_index("indicator")
    source = (
        f"Health Equity Evidence Centre (HEEC) ICB data pack, {year}: "
        f"{str(cat.at[indicator, 'note']).rstrip('.')}. "
        f"Compiled by the {APP}."
    )

    described = functools.partial(
        Provenance, source=source, method=INEQUALITY_METHOD, link=link, caveat=NO_LIMITS
    )

    def icb_provenance(title: str, subtitle: str) -> Provenance:
        pack = f"HEEC ICB data pack {year} · {subtitle} · England's average for reference"
        return described(title=f"{meta['name']}: {title}", subtitle=pack)

    ranked = _icb_frame(table, indicator, year, meta["unit"], icb)
    pieces = []
    row = table[table["icb22_code"] == icb]
    if len(row):
        prov = icb_provenance(
            f"{row.iloc[0]['icb_name']} by practice deprivation", "practice deprivation groups"
        )
        chosen = ranked[ranked["Chosen ICB"] == "yes"]
        pieces.append(Piece("this ICB", icb_groups_chart(row.iloc[0], meta), chosen, prov, "This ICB"))
    prov = icb_provenance(
        "every ICB by practice deprivation", f"{len(table)} ICBs ranked by the descriptive slope"
    )
    ranking = icb_ranking_chart(table, meta, highlight=icb if icb != "all" else None)
    pieces.append(Piece("every ICB", ranking, ranked, prov, "Every ICB"))
    fig, gradient, _ = acsc_figure(state)
    peer_set = state.get("peers") or DEFAULT_PEER_SET
    focus = gradient.loc[gradient["role"] == "focus", "ccg21_name"]
    marked = (
        f"marked: {focus.iloc[0]} and its peers, {PEER_SETS[peer_set]}" if len(focus) else "no focus area"
    )
    n_ccgs = (
        f"{int(gradient[s.VALUE].notna().sum())} CCGs (2015/16 boundaries) · {gradient[s.PERIOD].iloc[0]}"
    )
    prov = Provenance(
        title=ACSC_TITLE,
        subtitle=f"{n_ccgs} · {marked} · {state.get('ci') or '95'}% confidence intervals",
        source=f"{model.catalogue.at[ACSC_GRADIENT, 'publisher']}. Compiled by the {APP}.",
        method=acsc_method(model, gradient),
        link=link,
        caveat=first_sentence(model.catalogue.at[ACSC_GRADIENT, "caveats"]),
    )
    acsc_table = _acsc_frame(gradient)
    pieces.append(Piece("ACSC gradient", fig, acsc_table, prov, "ACSC gradient"))
    outlined = f"outlined: {focus.iloc[0]}'s CCG 2015/16 areas" if len(focus) else "no focus area"
    map_prov = dataclasses.replace(
        prov,
        title=f"{ACSC_TITLE}: map",
        subtitle=f"{n_ccgs} · coloured by the gradient (darker = steeper) · {outlined}",
        boundaries=True,
    )
    map_fig = acsc_map(state, gradient, build=export_map)
    pieces.append(Piece("ACSC gradient map", map_fig, acsc_table, map_prov, "ACSC gradient"))
    return pieces


def inequality_comparator(piece: Piece) -> str:
    if piece.sheet == "ACSC gradient":
        return "none: there is no England gradient; the chart's reference line is the median CCG"
    return "England's average of all practices (a reference line; nothing is compared with it)"

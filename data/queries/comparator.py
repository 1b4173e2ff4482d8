"""One comparator per view: what every value of a view is compared with, resolved once.

A view (a page, its exports, a pack section) compares its areas with one thing, chosen by the
selection's ``benchmark`` (and ``peers``):

* ``england``: England's value for the indicator and period; where the national value was summed
  from only some areas it is named as it is ("49 of 106 CCGs with data"), never "England";
* ``region``: each area's own NHS region value (the one case with a value per area);
* ``peers``: **the focus area's** similar CCGs' value (``peers=similar`` or ``rightcare``): the
  focus and its peers are compared with that one value; every other area is "Not compared"
  ("not in the peer group"), so no bar, map area or cell is coloured against a line the view
  does not draw. Peers exist for CCG 2021 areas only: without a CCG 2021 focus the view falls
  back to England and ``Comparator.notice`` says why.

``compare_rows`` adds to any rows (indicator, period, sex, geography, area, value, limits) the
comparator's value, label and method, each area's category against **that** value
(``data.methods.stats.compare``, Fingertips' rule) and whether the area is in scope; an
indicator's comparison policy (catalogue ``compare``) can leave rows "Not compared" and say why:
GP FFT's categories only when ``Comparator.categories`` (a person asked), inpatient scores
against England only, values-only measures never.
``compare_slice`` (one indicator and period: map, compare, table, funnel context), ``compare_spine``
(many indicators, each at the focus area's latest period: spine, pack appendix) and the early
warning lists (``data.queries.alerts``) are made with it, so the number a chart draws, the panel
prints, the table exports and the pack quotes is one number.

The precomputed ``cmp_peers_*`` columns (each CCG against its *own* peers) serve only the list
that really is that: the national red-red list, whose comparator is ``each_own_peers``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.methods.formatting import format_value, published_name
from data.methods.stats import compare
from data.model import schema as s
from data.model.core import Model
from data.model.harmonise import is_partial_comparator
from data.model.peers import DEFAULT_PEER_SET, PEER_SETS
from data.queries.areas import area_name, area_word, geography_of
from data.queries.peers import has_peers, peer_codes
from data.queries.rows import Selection, own_national, view_rows

KINDS = ("england", "region", "peers")
ENGLAND = "England"
NOT_IN_GROUP = "not in the peer group"
COLUMNS = [
    "comparator_value",
    "comparator_label",
    "comparator_method",
    "category",
    "in_scope",
    "not_compared_why",
]
# what a peer group is called, by peer set and by the geography of its areas
PEER_WORDS = {
    ("similar", s.HOME_GEOGRAPHY): "similar CCGs",
    ("rightcare", s.HOME_GEOGRAPHY): "RightCare similar CCGs",
    ("similar", s.SUBICB_GEOGRAPHY): "similar sub-ICB locations",
    ("rightcare", s.SUBICB_GEOGRAPHY): "RightCare similar sub-ICB locations",
    ("similar", s.ICB_GEOGRAPHY): "similar ICBs",
}


@dataclass(frozen=True)
class Comparator:
    """What a view compares with (see the module docstring); made by ``comparator_for``."""

    key: str  # the views' benchmark key: england | region | peers | peers_<set>
    kind: str  # england | region | peers
    ci: str = "95"
    focus: str = ""  # peers: the area whose peers are the comparator ("" = each area's own peers)
    focus_name: str = ""
    peer_set: str = ""  # peers: similar | rightcare
    peers: tuple[str, ...] = ()
    notice: str = ""  # why the comparator is not the one asked for ("" when it is)
    geography: str = s.HOME_GEOGRAPHY  # peers: the geography of the focus area and its peers
    categories: bool = False  # a person asked for categories the catalogue shows only on request (GP FFT)

    @property
    def scope(self) -> tuple[str, ...]:
        """The areas compared: the focus and its peers for peers, () = every area otherwise."""
        if self.kind == "peers" and self.focus:
            return (self.focus, *self.peers)
        return ()

    @property
    def each_own_peers(self) -> bool:
        """True for the national list's comparator: every CCG against its own similar CCGs."""
        return self.kind == "peers" and not self.focus

    def in_scope(self, codes: Sequence[str] | pd.Series) -> np.ndarray:
        """Which of ``codes`` this comparator compares (all of them unless peers with a focus)."""
        codes = pd.Series(codes) if not isinstance(codes, pd.Series) else codes
        if not self.scope:
            return np.ones(len(codes), dtype=bool)
        return codes.isin(set(self.scope)).to_numpy(dtype=bool).copy()

    @property
    def peer_words(self) -> str:
        """'similar CCGs', 'RightCare similar CCGs', 'similar ICBs' ... (peers), '' otherwise."""
        if self.kind != "peers":
            return ""
        return PEER_WORDS.get((self.peer_set, self.geography), f"similar areas ({self.peer_set})")

    @property
    def heading(self) -> str:
        """The comparator in a heading, before any indicator is known: 'England (or, where England
        is not complete, the CCGs with data)', "each area's NHS region", "NHS Kernow CCG's similar
        CCGs", "each CCG's own similar CCGs"."""
        if self.kind == "england":
            partial = area_word(self.geography, 2)
            return f"England (where England is not complete: the {partial} with data, named on each row)"
        if self.kind == "region":
            return "each area's NHS region"
        if self.each_own_peers:
            return f"each area's own {self.peer_words}"
        return f"{self.focus_name}'s {self.peer_words}"


def comparator_for(
    model: Model,
    benchmark: str = "england",
    *,
    focus: str | None = None,
    ci: str = "95",
    peer_set: str | None = None,
    geography: str | None = s.HOME_GEOGRAPHY,
) -> Comparator:
    """The comparator of a view: ``benchmark`` is england, region, peers or a views key
    (``peers_<set>``); ``focus`` the first selected area; ``peer_set`` the ``peers=`` choice;
    ``geography`` the view's (peers exist for CCG 2021, sub-ICB 2023 and ICB 2023 areas).

    peers without a focus area of a geography that has the peer set falls back to England with a
    notice; ``focus=None`` with ``geography=None`` asks for the national list's comparator (each
    CCG 2021 area against its own similar CCGs).
    """
    ci = "99.8" if str(ci) == "99.8" else "95"
    if benchmark.startswith("peers"):
        chosen = benchmark.split("_", 1)[1] if "_" in benchmark else (peer_set or DEFAULT_PEER_SET)
        if chosen not in PEER_SETS:
            raise ValueError(f"unknown peer set {chosen!r} (one of {', '.join(PEER_SETS)})")
        key = "peers" if chosen == DEFAULT_PEER_SET else f"peers_{chosen}"
        if focus is None and geography is None:
            return Comparator(key, "peers", ci, peer_set=chosen)
        geography = geography or s.HOME_GEOGRAPHY
        here = set(model.areas.loc[model.areas[s.GEOGRAPHY] == geography, s.AREA_CODE])
        if not focus or focus not in here or not has_peers(model, geography, chosen):
            why = (
                "Similar areas are compared with a focus area: choose one."
                if not focus
                else "This peer set has no areas of this geography."
                if not has_peers(model, geography, chosen)
                else "The focus area is not an area of this geography."
            )
            return Comparator(
                "england", "england", ci, notice=f"{why} Compared with England instead.", geography=geography
            )
        peers = tuple(peer_codes(model, focus, chosen, geography))
        name = published_name(area_name(model, focus, geography))
        return Comparator(key, "peers", ci, focus, name, chosen, peers, geography=geography)
    if benchmark not in ("england", "region"):
        raise ValueError(f"unknown benchmark {benchmark!r} (england, region or peers)")
    return Comparator(benchmark, benchmark, ci, geography=geography or s.HOME_GEOGRAPHY)


def comparator_from_state(model: Model, state: Mapping) -> Comparator:
    """``comparator_for`` from a selection (the parsed query string's dict)."""
    areas = state.get("areas") or []
    return comparator_for(
        model,
        state.get("benchmark") or "england",
        focus=areas[0] if areas else "",
        ci=str(state.get("ci") or "95"),
        peer_set=state.get("peers") or None,
        geography=state.get("geography") or s.HOME_GEOGRAPHY,
    )


def national_comparator(
    model: Model,
    benchmark: str = "england",
    *,
    ci: str = "95",
    peer_set: str | None = None,
    geography: str = s.HOME_GEOGRAPHY,
):
    """The comparator of a list of every area of ``geography`` (the national red-red list):
    England or each area's region as for any view; for peers, each CCG against its own similar CCGs."""
    if benchmark.startswith("peers"):
        return comparator_for(model, benchmark, focus=None, ci=ci, peer_set=peer_set, geography=None)
    return comparator_for(model, benchmark, ci=ci, geography=geography)


# --- the comparator's value for any rows ------------------------------------------------------------


def _keys(rows: pd.DataFrame, *columns: str) -> list[tuple]:
    return list(zip(*(rows[c].tolist() for c in columns), strict=True))


def _slice_values(model: Model, keys: set[tuple[str, str, str, str]]) -> dict[tuple, tuple[float, str]]:
    """(indicator, geography, period, sex, area) -> (value, name) of the slices named by ``keys``
    ((indicator, geography, period, sex)): one index lookup each, one take of the table."""
    parts, owners = [], []
    for key in keys:
        found = model.slices.get(key)
        if found is not None and len(found):
            parts.append(np.asarray(found))
            owners.extend([key] * len(found))
    if not parts:
        return {}
    at = np.concatenate(parts)
    ind = model.indicators
    codes = ind[s.AREA_CODE].take(at).tolist()
    values = ind[s.VALUE].to_numpy(dtype=float)[at].tolist()
    names = ind[s.AREA_NAME].take(at).tolist()
    out: dict[tuple, tuple[float, str]] = {}
    for key, code, value, name in zip(owners, codes, values, names, strict=True):
        out.setdefault((*key, code), (value, str(name)))
    return out


def _by_key(rows: pd.DataFrame, columns: list[str], answer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``answer(key) -> (value, label, method)`` for each distinct key of ``columns``, spread over
    the rows (a view's rows share few keys: one indicator and period, or one per indicator)."""
    keys = rows[columns]
    codes = keys.groupby(columns, sort=False, dropna=False).ngroup().to_numpy()
    found = [answer(k) for k in keys.drop_duplicates().itertuples(index=False, name=None)]
    value = np.array([f[0] for f in found], dtype=float)[codes]
    label = np.array([f[1] for f in found], dtype=object)[codes]
    method = np.array([f[2] for f in found], dtype=object)[codes]
    return value, label, method


def _england(model: Model, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """England's value, or where England is a sum of only some areas, the sum of the rows' own
    geography's areas with data where the build made one ("32 of 42 ICBs with data"), else the
    CCGs' ("49 of 106 CCGs with data")."""
    columns = [s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD, s.SEX]
    keys = rows[columns].drop_duplicates()
    wanted = {(i, "england", p, x) for i, _, p, x in keys.itertuples(index=False)}
    found = _slice_values(model, wanted)

    def answer(key: tuple) -> tuple[float, str, str]:
        indicator, geography, period, sex = key
        own = own_national(model, indicator, geography, period, sex)
        if own is not None:
            name = str(own[s.AREA_NAME])
            return float(own[s.VALUE]), name, f"summed from the {_partial_units(name)} with data"
        hit = found.get((indicator, "england", period, sex, s.ENGLAND_CODE))
        if hit is None:
            return np.nan, ENGLAND, "England's value"
        if is_partial_comparator(hit[1]):
            return hit[0], hit[1], f"summed from the {_partial_units(hit[1])} with data"
        return hit[0], ENGLAND, "England's value"

    return _by_key(rows, columns, answer)


def _partial_units(name: str) -> str:
    """'CCGs' of '49 of 106 CCGs with data', 'ICBs' of '32 of 42 ICBs with data'."""
    return str(name).split(" ", 3)[-1].removesuffix(" with data")


def _region(model: Model, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    info = model.areas.drop_duplicates([s.GEOGRAPHY, s.AREA_CODE])[
        [s.GEOGRAPHY, s.AREA_CODE, "region_code", "region_name"]
    ]
    keyed = rows[[s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD, s.SEX, s.AREA_CODE]].merge(
        info, on=[s.GEOGRAPHY, s.AREA_CODE], how="left"
    )
    keyed["region_code"] = keyed["region_code"].fillna("")
    keyed["region_name"] = keyed["region_name"].fillna("")
    columns = [s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD, s.SEX, "region_code", "region_name"]
    wanted = {
        (i, s.region_geography(g), p, x)
        for i, g, p, x in keyed[[s.INDICATOR_ID, s.GEOGRAPHY, s.PERIOD, s.SEX]]
        .drop_duplicates()
        .itertuples(index=False)
    }
    found = _slice_values(model, wanted)

    def answer(key: tuple) -> tuple[float, str, str]:
        ind, geo, period, sex, code, name = key
        hit = found.get((ind, s.region_geography(geo), period, sex, code)) if code else None
        label = f"{name} region" if name else "the area's NHS region (unknown)"
        return (hit[0] if hit else np.nan), label, "the NHS region's value"

    return _by_key(keyed, columns, answer)


METHOD_WORDS = {
    "pooled": "pooled: the peers' counts summed over their denominators",
    "mean": "the mean of the peers' values (the indicator is not a simple count over a denominator)",
}


def _peer_method(method: str) -> str:
    return {"pooled": "pooled", "mean": "mean of their values"}.get(method, method)


_PEER_INDEX: dict[tuple[str, str], dict[tuple, tuple[float, str, int]]] = {}


def _peer_index(model: Model, peer_set: str) -> dict[tuple, tuple[float, str, int]]:
    """(geography, indicator, period, sex, area) -> (peer value, method, number of peers) of one peer set:
    made once per model and peer set from the build's ``peer_values`` frame (a dict lookup per
    row afterwards, as ``model.slices`` is for the indicator table)."""
    key = (model.fingerprint, peer_set)
    found = _PEER_INDEX.get(key)
    if found is not None:
        return found
    pv = model.frames.get("peer_values")
    table: dict[tuple, tuple[float, str, int]] = {}
    if pv is not None and not pv.empty:
        pv = pv[(pv["peer_set"] == peer_set).to_numpy(dtype=bool, na_value=False)]
        geo = s.GEOGRAPHY if s.GEOGRAPHY in pv else None
        if geo is None:  # a model built before peer sets had geographies: CCG 2021 only
            pv = pv.assign(**{s.GEOGRAPHY: s.HOME_GEOGRAPHY})
        for k, v, m, n in zip(
            _keys(pv, s.GEOGRAPHY, s.INDICATOR_ID, s.PERIOD, s.SEX, s.AREA_CODE),
            pv["peer_value"].tolist(),
            pv["peer_method"].tolist(),
            pv["peer_n"].tolist(),
            strict=True,
        ):
            table.setdefault(k, (float(v), str(m), int(n)))
    if len(_PEER_INDEX) >= 4:  # one model per process; a rebuilt one replaces it
        _PEER_INDEX.clear()
    _PEER_INDEX[key] = table
    return table


def _peers(model: Model, rows: pd.DataFrame, comp: Comparator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    table = _peer_index(model, comp.peer_set)
    keyed = rows[[s.GEOGRAPHY, s.INDICATOR_ID, s.PERIOD, s.SEX]].assign(
        _owner=comp.focus if comp.focus else rows[s.AREA_CODE].to_numpy()
    )
    if comp.focus:  # only the focus area's geography is compared
        keyed[s.GEOGRAPHY] = np.where(rows[s.GEOGRAPHY].to_numpy() == comp.geography, comp.geography, "")

    def answer(key: tuple) -> tuple[float, str, str]:
        geo, ind, period, sex, code = key
        words = dataclasses.replace(comp, geography=geo).peer_words if geo else comp.peer_words
        hit = table.get((geo, ind, period, sex, code)) if geo else None
        owner = comp.focus_name if comp.focus else published_name(area_name(model, code, geo or None))
        if hit is None:
            return np.nan, f"{owner}'s {words}", "no value for the peer group"
        return hit[0], f"{owner}'s {hit[2]} {words}", _peer_method(hit[1])

    return _by_key(keyed, list(keyed.columns), answer)


def compare_rows(model: Model, rows: pd.DataFrame, comp: Comparator) -> pd.DataFrame:
    """``rows`` with ``COLUMNS`` added: the comparator's value, label and method, the category of
    each row against that value at ``comp.ci`` (Fingertips' rule, the indicator's polarity),
    whether the row is in the comparator's scope, and why a row is not compared.

    ``rows`` need indicator_id, period, sex, geography, area_code, value and the limits of the
    chosen level. Out-of-scope rows (peers: not the focus or one of its peers) are "Not compared".
    """
    out = rows.copy()
    if out.empty:
        for col in COLUMNS:
            out[col] = pd.Series(dtype=bool if col == "in_scope" else object)
        return out
    if s.SEX not in out:
        out[s.SEX] = "Persons"
    if comp.kind == "england":
        value, label, method = _england(model, out)
    elif comp.kind == "region":
        value, label, method = _region(model, out)
    else:
        value, label, method = _peers(model, out, comp)
    lo, hi = (s.LOWER998, s.UPPER998) if comp.ci == "99.8" else (s.LOWER95, s.UPPER95)
    polarity = out[s.INDICATOR_ID].map(model.catalogue["polarity"]).fillna(s.POLARITY_NONE).to_numpy()
    category = np.full(len(out), s.NOT_COMPARED, dtype=object)
    v = out[s.VALUE].to_numpy(dtype=float)
    low = out[lo].to_numpy(dtype=float)
    high = out[hi].to_numpy(dtype=float)
    for pol in pd.unique(polarity):
        m = polarity == pol
        category[m] = compare(v[m], low[m], high[m], value[m], pol)
    in_scope = comp.in_scope(out[s.AREA_CODE])
    if comp.kind == "peers" and comp.focus:
        in_scope &= (out[s.GEOGRAPHY] == comp.geography).to_numpy()
    comparator_areas = out[s.GEOGRAPHY].isin(s.COMPARATOR_GEOGRAPHIES).to_numpy()
    why = np.full(len(out), "", dtype=object)
    why[np.isnan(v)] = "no value"
    why[~np.isnan(v) & (np.isnan(low) | np.isnan(high))] = "no confidence interval"
    why[~np.isnan(v) & ~np.isnan(low) & ~np.isnan(high) & np.isnan(value)] = "no comparator value"
    why[~in_scope] = NOT_IN_GROUP
    why[comparator_areas] = "a comparator, not an area"
    category[~in_scope | comparator_areas] = s.NOT_COMPARED
    ruled_out = _policy_rules(model, out, comp)
    for mask, reason in ruled_out:
        why[mask & (category != s.NOT_COMPARED)] = reason
        category[mask] = s.NOT_COMPARED
    out["comparator_value"] = value
    out["comparator_label"] = label
    out["comparator_method"] = method
    out["category"] = category
    out["in_scope"] = in_scope & ~comparator_areas
    out["not_compared_why"] = np.where(category == s.NOT_COMPARED, why, "")
    return out


POLICY_WHY = {
    s.COMPARE_VALUES: "shown as a value only (no sampling error to judge a difference by)",
    s.COMPARE_ON_REQUEST: "shown as a value: the publisher advises against comparing (categories on request)",
    s.COMPARE_ENGLAND_ONLY: "compared with England only (its expected ranges are drawn around the national mean)",
}


def _policy_rules(model: Model, rows: pd.DataFrame, comp: Comparator) -> list[tuple[np.ndarray, str]]:
    """The rows each indicator's comparison policy (catalogue ``compare``) leaves "Not compared",
    with why: "values only" always; "on request" unless ``comp.categories``; "England only" unless
    the comparator is England."""
    if "compare" not in model.catalogue.columns:
        return []
    policy = rows[s.INDICATOR_ID].map(model.catalogue["compare"]).fillna(s.COMPARE_CATEGORIES).to_numpy()
    rules = [(policy == s.COMPARE_VALUES, POLICY_WHY[s.COMPARE_VALUES])]
    if not comp.categories:
        rules.append((policy == s.COMPARE_ON_REQUEST, POLICY_WHY[s.COMPARE_ON_REQUEST]))
    if comp.kind != "england":
        rules.append((policy == s.COMPARE_ENGLAND_ONLY, POLICY_WHY[s.COMPARE_ENGLAND_ONLY]))
    return rules


def compare_slice(model: Model, sel: Selection, comp: Comparator, *, scope: str = "all") -> pd.DataFrame:
    """Every area of one indicator, period, geography and sex (with its region) and its comparison
    with ``comp`` (``compare_rows``); ``scope="peers"`` keeps only the areas in scope."""
    rows = view_rows(model, sel, with_benchmarks=False)
    out = compare_rows(model, rows, comp)
    if scope == "peers" and comp.scope:
        out = out[out["in_scope"]]
    return out.reset_index(drop=True)


def compare_spine(
    model: Model, areas: Sequence[str], comp: Comparator, geography: str | None = None
) -> pd.DataFrame:
    """The spine's rows (each indicator at the focus area's latest period, for each chosen area)
    with the comparison with ``comp``: the same value per (indicator, area) every spine view,
    table, export and pack appendix prints. ``geography``: the view's (the focus area's own where
    the focus is one of its areas, else the geography its code means: data.queries.areas)."""
    from data.queries.view_frames import spine_rows  # the spine's own cut (its module imports this one)

    geo = geography_of(model, areas[0], geography) if len(areas) else None
    rows = spine_rows(model, list(areas), benchmark="england", ci=comp.ci, geography=geo)
    if rows.empty:
        return compare_rows(model, rows, comp)
    rows = rows.assign(**{s.SEX: "Persons", s.GEOGRAPHY: geo or s.HOME_GEOGRAPHY})
    return compare_rows(model, rows.drop(columns=["category"]), comp)


def compare_grid(
    model: Model, comp: Comparator, *, region: str = "", geography: str = s.HOME_GEOGRAPHY
) -> pd.DataFrame:
    """The overview grid (areas x indicators, each indicator's latest period; one region's areas
    or all) with every cell's comparison with ``comp``: with peers, only the focus area and its
    peers are coloured."""
    from data.queries.view_frames import overview_cells_for  # the grid's own cut

    cells = overview_cells_for(model, region=region, geography=geography)
    return compare_rows(model, cells.assign(**{s.SEX: "Persons"}), comp).reset_index(drop=True)


@dataclass(frozen=True)
class Headline:
    """The comparator of one slice in one line: its label, value and method (value None where it
    differs by area: region)."""

    label: str
    value: float | None
    method: str

    def text(self, unit: str | None) -> str:
        """'NHS Kernow CCG's 10 similar CCGs (62.6%, pooled)', 'England (65.4%)',
        '49 of 106 CCGs with data (4.03%)'."""
        if self.value is None:
            return self.label
        how = f", {self.method}" if self.method in ("pooled", "mean of their values") else ""
        return f"{self.label} ({format_value(self.value, unit)}{how})"


def headline(compared: pd.DataFrame, comp: Comparator) -> Headline:
    """The one comparator of a slice's compared rows (``compare_slice``), for a subtitle or a legend."""
    if compared.empty:
        return Headline(comp.heading, None, "")
    if comp.kind == "region":
        labels = compared["comparator_label"].dropna().unique()
        if len(labels) == 1:
            value = compared["comparator_value"].dropna()
            return Headline(
                str(labels[0]), float(value.iloc[0]) if len(value) else None, "the region's value"
            )
        return Headline("each area's NHS region", None, "the region's value")
    ref = compared[compared[s.AREA_CODE] == comp.focus] if comp.focus else compared
    ref = ref if len(ref) else compared
    value = ref["comparator_value"].dropna()
    return Headline(
        str(ref["comparator_label"].iloc[0]),
        float(value.iloc[0]) if len(value) else None,
        str(ref["comparator_method"].iloc[0]),
    )

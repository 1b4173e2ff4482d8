"""Patient experience (NHS Outcomes Framework Domain 4) for one area: every source in one place.

``experience(model, area, benchmark)`` gathers, for a focus area (a CCG 2021 code; other
geographies are refused by ``focus_areas`` until their data exist) and a benchmark (``england``,
``region`` or ``peers`` with a peer set), every Domain 4 source's rows, in one shape
(``ROW_COLUMNS``): value, limits or expected range, the comparator's value and name, whether a
comparison is statistically sound, the category shown (or "Not compared") and why.

The sources and how each may be compared (one rule for all: a category is shown only where the
comparison is sound, except GP FFT, whose categories a person may ask for):

* **GP Friends and Family Test** (% positive): Wilson limits, compared by the benchmark's category
  column only when ``categories`` is asked, with NHS England's caveat (FFT is self-selected and not
  for comparing providers), and never counted as sound. The response rate per 1,000 registered
  patients: a value only.
* **Inpatient survey 2022** (attributed from the area's hospitals): sound against England only,
  where the reader found the covered share high enough and no catchment gap (CQC's expected
  ranges are drawn around the national mean, so a region or peer comparison is not sound: the
  comparator is shown beside the value). Region: the unweighted mean of the region's trusts'
  scores (CQC's national benchmark, regionally); peers: the peers' mean attributed score.
* **Community mental health survey 2021**: no limits, so values only; the comparator is the mean
  of the areas with a value (there is no England figure in the source).
* **GP Patient Survey** (HEEC, ICB by practice deprivation): no overall ICB value and no limits:
  the area's ICB by deprivation group beside England's value for the same group (HEEC's England
  row) and HEEC's England average of all groups (``gpps_table``).

**Sources agree** (``leans``, ``headline``, ``summary``; ``SUMMARY_RULE`` is the rule in the words
the page prints): every source is set against the same comparator. A value is ``below``, ``above``
or ``level`` with it as printed (``side``: at the comparator's decimal places). A source with one
measure (GP FFT: % positive; the response rate is how much feedback is heard, not experience)
leans the way it lies; a source of several items leans below (above) only when at least **two
thirds** of its items do, else it has "no clear direction": the inpatient survey's 11 **sections**
(its 45 questions are not added up; only where the attributed value stands: not Somerset's), the
CMH21 questions, the GP Patient Survey's 4 questions x 4 practice-deprivation groups, each against
**England's value for the same group** (HEEC's England row, like with like). The GP Patient Survey
counts only where its ICB is the CCG's own area (the ICB covers that CCG alone) and the comparator is
England (HEEC has no region or peer values); it is shown, not counted, otherwise. **Agree**: two or
more counted sources lean the same way and none the other ("Sources agree: below England on 3 of 4
sources (significantly worse on N ...)"); **disagree**: some lean each way; one source leaning, or
none, is said as it is. **Significance** is counted only where a sound test exists: the inpatient
survey against England, significantly worse when at least one section is worse at **99.8%** and none
better (better: the reverse; both: mixed); FFT is never tested, CMH21 and GPPS have no limits.

Drivers: ``fft_practices`` (the practices that pull the area's % positive below the comparator,
by their contribution to the gap), ``inpatient_trusts`` (the main trusts by catchment share with
CQC's band and the change since 2021), ``cmh21_rows``. What is missing and why: ``missing``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from data.methods.formatting import decimals_for, format_value, is_missing, published_name
from data.model import schema as s
from data.model.catalogue import gpps_overall_good
from data.model.core import Model
from data.model.freshness import STALE_YEARS, is_stale, period_end
from data.model.peers import DEFAULT_PEER_SET, PEER_SETS, cmp_columns

BENCHMARKS = ("england", "region", "peers")
FFT = "gp_fft_positive"
FFT_RATE = "gp_fft_response_rate"
IP22_PREFIX = "ip22_"
CMH21_PREFIX = "mh_cmhs_"
SOURCE_FFT = "GP Friends and Family Test"
SOURCE_IP22 = "Inpatient survey 2022"
SOURCE_CMH21 = "Community mental health survey 2021"
SOURCE_GPPS = "GP Patient Survey"
SOURCES = (SOURCE_FFT, SOURCE_IP22, SOURCE_CMH21, SOURCE_GPPS)
VERDICT_CI = "99.8"  # the level at which a section counts towards a source's verdict
MIN_FFT_RESPONSES = 30  # a practice with fewer is not listed as a driver (too unstable)
MAIN_TRUST_SHARE = 0.05  # a trust serving at least this share of the area's admissions is "main"
MAX_TRUSTS = 6
ROW_COLUMNS = [
    "source",
    s.INDICATOR_ID,
    "label",
    "level",  # "measure", "section" or "question"
    s.PERIOD,
    "unit",
    s.VALUE,
    "lower",
    "upper",
    "limits",  # what lower/upper are
    s.COUNT,
    s.DENOMINATOR,
    "covered_share",
    "comparator",
    "comparator_value",
    "side",  # below | above | level against the comparator; "" where not counted (see SIDE_RULE)
    "sound",
    "category",
    "reason",
]
FFT_ADVICE = (
    "NHS England advises that FFT results should not be used to compare or rank providers: responses "
    "are self-selected, and the very large counts make almost any difference look significant"
)
NOT_SOUND_REGION = (
    "CQC's expected ranges are drawn around the national mean, so there is no sound comparison with "
    "a region or peers: the comparator is shown beside the value"
)
NO_LIMITS = "the source has no confidence limits or expected ranges, so no difference can be judged"
GPPS_SHAPE = (
    "published by ICB and practice deprivation group only (no overall ICB value, no limits): see the "
    "table by deprivation"
)


class UnknownFocus(ValueError):
    """The focus area is not a CCG 2021 code the model knows."""


@dataclass(frozen=True)
class Comparator:
    kind: str  # england | region | peers
    name: str
    region_code: str = ""
    peer_set: str = DEFAULT_PEER_SET
    peers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExperienceView:
    """Everything the Patient experience page and the board pack show for one area."""

    area_code: str
    area_name: str
    geography: str
    comparator: Comparator
    rows: pd.DataFrame  # ROW_COLUMNS
    leans: pd.DataFrame  # LEAN_COLUMNS: one row per source
    headline: str  # the "sources agree" sentence
    summary: str  # the headline, then each source's sentence
    fft_practices: pd.DataFrame
    inpatient_trusts: pd.DataFrame
    cmh21: pd.DataFrame
    gpps: pd.DataFrame
    missing: pd.DataFrame  # source, what, why
    notes: list[str] = field(default_factory=list)


# --- focus and comparator ----------------------------------------------------------------------


def focus_areas(model: Model, code: str) -> tuple[str, list[str]]:
    """(geography, CCG 2021 codes) of a focus area. A CCG 2021 code is itself; sub-ICB and ICB codes
    will map to their CCG 2021 areas when the model holds them (UnknownFocus until then)."""
    areas = model.areas
    if ((areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY) & (areas[s.AREA_CODE] == code)).any():
        return s.HOME_GEOGRAPHY, [code]
    raise UnknownFocus(f"{code!r} is not a CCG 2021 area code")


def comparator(
    model: Model, area: str, benchmark: str = "england", peer_set: str | None = None
) -> Comparator:
    """The benchmark as a named comparator for the area."""
    if benchmark not in BENCHMARKS:
        raise ValueError(f"benchmark must be one of {BENCHMARKS}, not {benchmark!r}")
    if benchmark == "region":
        info = _area_info(model, area)
        return Comparator("region", f"{info['region_name']} region", region_code=str(info["region_code"]))
    if benchmark == "peers":
        peer_set = peer_set or DEFAULT_PEER_SET
        sets = model.frames.get("peer_sets")
        codes: tuple[str, ...] = ()
        if sets is not None:
            mine = sets[(sets["peer_set"] == peer_set) & (sets[s.AREA_CODE] == area)]
            if "geography" in mine.columns:  # CCG 2021 and sub-ICB 2023 codes overlap
                mine = mine[mine["geography"] == s.HOME_GEOGRAPHY]
            mine = mine.sort_values("rank")
            codes = tuple(mine["peer_code"])
        return Comparator("peers", PEER_SETS.get(peer_set, peer_set), peer_set=peer_set, peers=codes)
    return Comparator("england", "England")


def _area_info(model: Model, area: str) -> pd.Series:
    areas = model.areas
    hit = areas[(areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY) & (areas[s.AREA_CODE] == area)]
    return hit.iloc[0]


def latest_rows(model: Model, area: str, prefix: tuple[str, ...] = ()) -> pd.DataFrame:
    """The area's latest persons row of every indicator (optionally those whose id starts with one
    of ``prefix``), indexed by indicator: one pass over the long table."""
    ind = model.indicators
    mask = (ind[s.AREA_CODE] == area).to_numpy(dtype=bool) & (ind[s.GEOGRAPHY] == s.HOME_GEOGRAPHY).to_numpy(
        dtype=bool
    )
    mine = ind[mask]
    mine = mine[mine[s.SEX] == "Persons"]
    if prefix:
        mine = mine[mine[s.INDICATOR_ID].str.startswith(prefix)]
    mine = mine.sort_values(s.PERIOD_START, kind="stable").drop_duplicates(s.INDICATOR_ID, keep="last")
    return mine.set_index(s.INDICATOR_ID)


def _get(rows: pd.DataFrame, indicator_id: str) -> pd.Series | None:
    return rows.loc[indicator_id] if indicator_id in rows.index else None


def _category_column(cmp: Comparator, ci: str) -> str:
    if cmp.kind == "peers":
        c95, c998 = cmp_columns(cmp.peer_set)
        return c998 if ci == "99.8" else c95
    if cmp.kind == "region":
        return s.CMP_REGION_998 if ci == "99.8" else s.CMP_REGION_95
    return s.CMP_ENGLAND_998 if ci == "99.8" else s.CMP_ENGLAND_95


def peer_table(model: Model, cmp: Comparator, area: str) -> pd.DataFrame:
    """The area's peer benchmark values (indicator, period -> value) for a peers comparator."""
    pv = model.frames.get("peer_values")
    if cmp.kind != "peers" or pv is None:
        return pd.DataFrame(columns=[s.VALUE])
    mine = pv[(pv[s.AREA_CODE] == area) & (pv["peer_set"] == cmp.peer_set) & (pv[s.SEX] == "Persons")]
    if "geography" in mine.columns:  # CCG 2021 and sub-ICB 2023 codes overlap
        mine = mine[mine["geography"] == s.HOME_GEOGRAPHY]
    return mine.set_index([s.INDICATOR_ID, s.PERIOD])[["peer_value"]].rename(columns={"peer_value": s.VALUE})


def comparator_value(
    model: Model,
    indicator_id: str,
    period: str,
    cmp: Comparator,
    area: str,
    peers: pd.DataFrame | None = None,
) -> float | None:
    """The comparator's value of an indicator in a period, from the long table or the peer frame
    (``peers``: ``peer_table``, made once per request, else made here)."""
    if cmp.kind == "peers":
        peers = peer_table(model, cmp, area) if peers is None else peers
        key = (indicator_id, period)
        value = peers.at[key, s.VALUE] if key in peers.index else np.nan
        return None if pd.isna(value) else float(value)
    if cmp.kind == "england":
        rows = model.slice(indicator_id, "england", period, "Persons")
    else:
        rows = model.slice(indicator_id, "nhser21", period, "Persons")
        rows = rows[rows[s.AREA_CODE] == cmp.region_code]
    if rows.empty or pd.isna(rows[s.VALUE].iloc[0]):
        return None
    return float(rows[s.VALUE].iloc[0])


# --- the rows of each source -----------------------------------------------------------------------


def _base(source: str, indicator_id: str, label: str, row: pd.Series | None, unit: str) -> dict:
    return {
        "source": source,
        s.INDICATOR_ID: indicator_id,
        "label": label,
        "level": "measure",
        s.PERIOD: "" if row is None else str(row[s.PERIOD]),
        "unit": unit,
        s.VALUE: np.nan if row is None else float(row[s.VALUE]),
        "lower": np.nan,
        "upper": np.nan,
        "limits": "",
        s.COUNT: np.nan if row is None else float(row[s.COUNT]),
        s.DENOMINATOR: np.nan if row is None else float(row[s.DENOMINATOR]),
        "covered_share": np.nan,
        "comparator": "",
        "comparator_value": np.nan,
        "side": "",
        "sound": False,
        "category": s.NOT_COMPARED,
        "reason": "",
    }


@dataclass(frozen=True)
class Request:
    """One request's inputs, with what every source looks up made once."""

    model: Model
    area: str
    cmp: Comparator
    ci: str
    latest: pd.DataFrame  # latest_rows of the area
    peers: pd.DataFrame  # peer_table of the area (empty unless peers)

    @classmethod
    def make(cls, model: Model, area: str, cmp: Comparator, ci: str = "95") -> Request:
        return cls(model, area, cmp, ci, latest_rows(model, area), peer_table(model, cmp, area))

    def row(self, indicator_id: str) -> pd.Series | None:
        return _get(self.latest, indicator_id)

    def comparator_value(self, indicator_id: str, period: str) -> float | None:
        return comparator_value(self.model, indicator_id, period, self.cmp, self.area, self.peers)


def fft_rows(req: Request, categories: bool) -> list[dict]:
    """GP FFT % positive (Wilson limits; categories only when asked) and the response rate."""
    model, cmp, ci = req.model, req.cmp, req.ci
    out = []
    lo, hi = (s.LOWER998, s.UPPER998) if ci == "99.8" else (s.LOWER95, s.UPPER95)
    for ind in (FFT, FFT_RATE):
        if ind not in model.catalogue.index:
            continue
        meta = model.catalogue.loc[ind]
        row = req.row(ind)
        rec = _base(SOURCE_FFT, ind, str(meta["short_name"]), row, str(meta["unit"]))
        if row is None:
            rec["reason"] = "no value for this area"
            out.append(rec)
            continue
        rec["comparator"] = cmp.name
        rec["comparator_value"] = req.comparator_value(ind, rec[s.PERIOD])
        if ind == FFT:
            rec["side"] = side(rec[s.VALUE], rec["comparator_value"])
            rec["lower"], rec["upper"] = float(row[lo]), float(row[hi])
            rec["limits"] = f"{ci}% Wilson limits"
            if categories:
                rec["category"] = str(row.get(_category_column(cmp, ci), s.NOT_COMPARED))
                rec["reason"] = f"shown because asked for; {FFT_ADVICE}"
            else:
                rec["reason"] = f"not compared by default: {FFT_ADVICE}"
        else:
            rec["reason"] = "a count of all the feedback given, not a sample: shown as a value only"
        out.append(rec)
    return out


def _ip22_region_mean(model: Model, cmp: Comparator) -> pd.Series:
    """Item -> the unweighted mean of the region's trusts' scores (CQC's benchmark, regionally)."""
    trusts = model.frames.get("ip22_trust")
    if trusts is None or trusts.empty:
        return pd.Series(dtype=float)
    mine = trusts[(trusts["region_code"] == cmp.region_code) & trusts["mean"].notna()]
    return mine.groupby("item")["mean"].mean()


def ip22_rows(req: Request) -> list[dict]:
    """Each inpatient item's attributed score, covered share, comparator and (where sound) category."""
    model, area, cmp, ci = req.model, req.area, req.cmp, req.ci
    areas = model.frames.get("ip22_areas")
    items = model.frames.get("ip22_items")
    if areas is None or items is None or areas.empty:
        return []
    mine = areas[areas[s.AREA_CODE] == area].set_index("item")
    region = _ip22_region_mean(model, cmp) if cmp.kind == "region" else None
    lo, hi = (s.LOWER998, s.UPPER998) if ci == "99.8" else (s.LOWER95, s.UPPER95)
    out = []
    ordered = pd.concat([items[items["item_type"] == "section"], items[items["item_type"] == "question"]])
    for item in ordered.itertuples():
        ind = item.indicator_id
        row = req.row(ind)
        rec = _base(SOURCE_IP22, ind, item.label, row, "score 0-10")
        rec["level"] = item.item_type
        rec[s.COUNT] = rec[s.DENOMINATOR] = np.nan
        if row is None or item.item not in mine.index:
            rec["reason"] = "no trust serving this area has a score for this item"
            out.append(rec)
            continue
        att = mine.loc[item.item]
        rec["covered_share"] = float(att["covered_share"])
        rec["comparator"] = cmp.name
        if cmp.kind == "england":
            rec["comparator_value"] = float(att["national_mean"])
            rec["comparator"] = f"England (CQC's national mean of {int(item.n_scored)} trusts)"
        elif cmp.kind == "region":
            rec["comparator_value"] = float(region.get(item.item, np.nan))
            rec["comparator"] = f"{cmp.name} (mean of its trusts' scores)"
        else:
            rec["comparator_value"] = req.comparator_value(ind, rec[s.PERIOD])
            rec["comparator"] = f"{cmp.name} (mean of their attributed scores)"
        if bool(att["sound"]):  # the attributed value stands (its significance is another matter)
            rec["side"] = side(rec[s.VALUE], rec["comparator_value"])
        if not bool(att["sound"]):
            rec["reason"] = f"not compared: {att['reason']}"
        elif cmp.kind != "england":
            rec["reason"] = f"not compared: {NOT_SOUND_REGION}"
        else:
            rec["sound"] = True
            rec["lower"], rec["upper"] = float(row[lo]), float(row[hi])
            rec["limits"] = f"{ci}% range from the trusts' combined expected ranges"
            rec["category"] = str(row[_category_column(cmp, ci)])
            rec["reason"] = f"CQC's band for the combined range: {att['band_label']}"
        out.append(rec)
    return out


def cmh21_rows(req: Request) -> list[dict]:
    """The area's CMH21 question scores (values only), beside the mean of the areas with a value."""
    model, cmp = req.model, req.cmp
    ids = [i for i in model.catalogue.index if str(i).startswith(CMH21_PREFIX)]
    ind_ = model.indicators
    every = ind_[(ind_[s.GEOGRAPHY] == s.HOME_GEOGRAPHY) & ind_[s.INDICATOR_ID].isin(ids)]
    every = every[every[s.VALUE].notna() & (every[s.SEX] == "Persons")]
    if cmp.kind == "region":
        in_region = set(model.areas.loc[model.areas["region_code"] == cmp.region_code, s.AREA_CODE])
        every = every[every[s.AREA_CODE].isin(in_region)]
    elif cmp.kind == "peers":
        every = every[every[s.AREA_CODE].isin(cmp.peers)]
    spread = every.groupby([s.INDICATOR_ID, s.PERIOD])[s.VALUE].agg(["mean", "size"])
    out = []
    for ind in ids:
        meta = model.catalogue.loc[ind]
        row = req.row(ind)
        rec = _base(SOURCE_CMH21, ind, str(meta["short_name"]), row, str(meta["unit"]))
        rec["level"] = "question"
        rec[s.COUNT] = rec[s.DENOMINATOR] = np.nan
        if row is None:
            rec["reason"] = "no value: no mental-health trust has its headquarters in this area"
            out.append(rec)
            continue
        key = (ind, rec[s.PERIOD])
        mean, n = spread.loc[key] if key in spread.index else (np.nan, 0)
        rec["comparator"] = f"mean of the {int(n)} {_scope(cmp)} with a value"
        rec["comparator_value"] = float(mean)
        rec["side"] = side(rec[s.VALUE], rec["comparator_value"])
        rec["reason"] = f"not compared: {NO_LIMITS}; {row[s.NOTE]}"
        out.append(rec)
    return out


def _scope(cmp: Comparator) -> str:
    return {"england": "CCGs", "region": f"CCGs of the {cmp.name}", "peers": "peer CCGs"}[cmp.kind]


GPPS_COLUMNS = [
    "indicator",
    "name",
    "year",
    "icb22_code",
    "icb_name",
    "quintile",
    s.VALUE,
    "england_group",  # England's value for the same practice-deprivation group (HEEC's England row)
    "side",  # the ICB's value against england_group (``side``)
    "england_avg",
    "national_2026",
]


def gpps_table(model: Model, area: str) -> pd.DataFrame:
    """The area's ICB on the GP Patient Survey items by practice deprivation group (latest year),
    beside England's value for the same group and HEEC's England average (all groups), with the
    GPPS 2026 national figure where it is the same question."""
    items, panel = model.frames.get("gpps_items"), model.frames.get("inequalities")
    h = model.frames.get("hierarchy")
    if items is None or panel is None or h is None or items.empty:
        return pd.DataFrame(columns=GPPS_COLUMNS)
    icb = h.loc[h["ccg21_code"] == area, "icb22_code"]
    icb = str(icb.iloc[0]) if len(icb) else ""
    england = panel[panel["icb22_code"] == s.ENGLAND_CODE].set_index(["indicator", "year", "quintile"])[
        "value"
    ]
    rows = []
    for item in items.itertuples():
        mine = panel[(panel["indicator"] == item.indicator) & (panel["icb22_code"] == icb)]
        if mine.empty:
            continue
        latest = mine[mine["year"] == mine["year"].max()]
        rows.append(latest.assign(name=item.name))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=GPPS_COLUMNS)
    keys = list(zip(out["indicator"], out["year"], out["quintile"], strict=True))
    out["england_group"] = [float(england.get(k, np.nan)) for k in keys]
    out["side"] = [side(v, e) for v, e in zip(out[s.VALUE], out["england_group"], strict=True)]
    national = gpps_overall_good(model.frames.get("gpps_national"))
    same = set(items.loc[items["national_match"] == "same question", "indicator"])
    out["national_2026"] = np.where(
        out["indicator"].isin(same) & (national is not None), national[0] if national else np.nan, np.nan
    )
    return out.reindex(columns=GPPS_COLUMNS).reset_index(drop=True)


def icb_is_the_area(model: Model, area: str) -> tuple[bool, str, int]:
    """(the area's ICB covers this CCG alone, the ICB's name, how many CCGs 2021 it covers)."""
    h = model.frames.get("hierarchy")
    if h is None:
        return False, "", 0
    mine = h[h["ccg21_code"] == area]
    if mine.empty:
        return False, "", 0
    icb = mine["icb22_code"].iloc[0]
    n = int(h.loc[h["icb22_code"] == icb, "ccg21_code"].nunique())
    return n == 1, published_name(mine["icb22_name"].iloc[0]), n


def gpps_rows(model: Model, table: pd.DataFrame) -> list[dict]:
    items = model.frames.get("gpps_items")
    if items is None or items.empty:
        return []
    out = []
    for item in items.itertuples():
        mine = table[table["indicator"] == item.indicator]
        rec = _base(SOURCE_GPPS, f"gpps_{item.indicator}", item.name, None, "%")
        rec[s.PERIOD] = str(int(mine["year"].iloc[0])) if len(mine) else ""
        rec["comparator"] = "England (HEEC's average)"
        rec["comparator_value"] = float(mine["england_avg"].iloc[0]) if len(mine) else np.nan
        rec["reason"] = f"not compared: {GPPS_SHAPE}" if len(mine) else "no value for this area's ICB"
        out.append(rec)
    return out


# --- drivers -------------------------------------------------------------------------------------


def fft_practices(model: Model, area: str, comparator_value_: float | None, n: int = 5) -> pd.DataFrame:
    """The area's practices on GP FFT, each with its contribution to the gap between the area's %
    positive and the comparator: (practice % - comparator) x its share of the area's responses
    (over the practices counted in the area's value, these add up to the gap). ``driver`` marks the
    ``n`` practices that pull the value down most, among those with at least 30 responses and no
    flag."""
    columns = [
        "practice_code",
        "practice_name",
        "pcn_name",
        "responses",
        "positive",
        "value",
        "lower95",
        "upper95",
        "list_size",
        "responses_per_1000",
        "status",
        "flag",
        "contribution",
        "driver",
    ]
    fft = model.frames.get("practice_fft")
    h = model.frames.get("hierarchy")
    if fft is None or h is None:
        return pd.DataFrame(columns=columns)
    sub_icb = h.loc[h["ccg21_code"] == area, "sicbl22_code"]
    if sub_icb.empty:
        return pd.DataFrame(columns=columns)
    mine = fft[fft["sub_icb_code"] == str(sub_icb.iloc[0])].copy()
    counted = mine["status"] == "included"
    total = mine.loc[counted, "responses"].sum()
    if comparator_value_ is not None and total > 0:
        mine["contribution"] = np.where(
            counted, (mine["value"] - comparator_value_) * mine["responses"] / total, np.nan
        )
    else:
        mine["contribution"] = np.nan
    eligible = counted & (mine["responses"] >= MIN_FFT_RESPONSES) & (mine["flag"].fillna("") == "")
    pulling = mine[eligible & (mine["contribution"] < 0)].nsmallest(n, "contribution")
    mine["driver"] = mine.index.isin(pulling.index)
    mine = mine.sort_values(["driver", "contribution"], ascending=[False, True], na_position="last")
    return mine.reindex(columns=columns).reset_index(drop=True)


def inpatient_trusts(model: Model, area: str, items: list[str] | None = None) -> pd.DataFrame:
    """The main trusts serving the area (share of its residents' admissions at least 5%, at most
    6, largest first) on each item (sections by default): score, CQC's band, change since 2021."""
    columns = [
        "trust_code",
        "trust_name",
        "share",
        "predecessors",
        "item",
        "label",
        "respondents",
        "mean",
        "national_mean",
        "band",
        "band_label",
        "change_2021",
        "trend_2021",
        "red_red",
    ]
    weights, trusts = model.frames.get("trust_catchments"), model.frames.get("ip22_trust")
    if weights is None or trusts is None:
        return pd.DataFrame(columns=columns)
    mine = weights[weights["ccg21_code"] == area].copy()
    mine["share"] = mine["catchment_population_2019"] / mine["ccg21_pop_mid2019"]
    mine = mine.sort_values("share", ascending=False)
    main = mine[mine["share"] >= MAIN_TRUST_SHARE].head(MAX_TRUSTS)
    if main.empty:
        main = mine.head(1)
    if items is None:
        items = sorted(set(trusts.loc[trusts["item_type"] == "section", "item"]))
    rows = trusts[trusts["trust_code"].isin(main["trust_code"]) & trusts["item"].isin(items)]
    out = main[["trust_code", "share", "predecessors"]].merge(rows, on="trust_code", how="left")
    out["trust_name"] = out["trust_name"].fillna("not in the 2022 survey")
    return out.reindex(columns=columns).reset_index(drop=True)


# --- verdicts, summary and what is missing -----------------------------------------------------------


LEAN_SHARE = (2, 3)  # a source of several items leans one way when at least 2/3 of its items do
LEAN_COLUMNS = [
    "source",
    "lean",
    "below",
    "above",
    "level",
    "n",
    "items",
    "counted",
    "significance",
    "detail",
]
SUMMARY_RULE = (
    "How the summary line is made. Every source is set against the same comparator (the chosen "
    "benchmark: England, the NHS region or similar CCGs). A value is below or above it as printed (at the comparator's decimal places); the "
    "same as printed is level. A source with one measure (GP Friends and Family Test: % positive) leans "
    "the way that measure lies; a source of several items (the inpatient survey's 11 sections, the "
    "community mental health survey's questions, the GP Patient Survey's questions by practice-deprivation "
    "group, each against England's value for the same group) leans below or above only when at least "
    "two thirds of its items do, and otherwise has no clear direction. The sources agree when two or "
    "more lean the same way and none the other; they disagree when some lean each way. Significance is "
    "counted only where a sound test exists: the inpatient survey against England, significantly worse "
    "when at least one section is worse at 99.8% and none better (its questions are not added up). GP "
    "FFT is never tested (NHS England advises against comparing on it), the mental health survey has no "
    "limits, and the GP Patient Survey counts only where its ICB is the same area as the CCG and the "
    "comparator is England (HEEC publishes no region or peer values)."
)


def side(value: object, comparator: object) -> str:
    """``below``, ``above`` or ``level``: a value against its comparator at the precision the
    comparator is printed with (``decimals_for``); "" when either is missing."""
    if is_missing(value) or is_missing(comparator):
        return ""
    places = decimals_for(float(comparator))
    a, b = round(float(value), places), round(float(comparator), places)
    return "level" if a == b else "below" if a < b else "above"


def lean(sides: Iterable[str]) -> tuple[str, int, int, int]:
    """(lean, below, above, level) of a source's items: the side at least two thirds of them are on
    (a single item's own side), ``mixed`` when none is, ``no value`` without items."""
    counts = Counter(x for x in sides if x)
    below, above, level = counts["below"], counts["above"], counts["level"]
    n = below + above + level
    if n == 0:
        return "no value", 0, 0, 0
    k, m = LEAN_SHARE
    for name, count in (("below", below), ("above", above), ("level", level)):
        if m * count >= k * n:
            return name, below, above, level
    return "mixed", below, above, level


def _leaning(rec: dict, leaned: tuple[str, int, int, int], detail: str, counted: bool = True) -> dict:
    """A source's row of ``leans`` from ``lean``'s answer: its items each way, whether it counts
    towards the summary (a source that does not is "not counted") and its sentence."""
    lean_, below, above, level = leaned
    return {
        **rec,
        "lean": lean_ if counted else "not counted",
        "below": below,
        "above": above,
        "level": level,
        "n": below + above + level,
        "counted": counted,
        "detail": detail,
    }


def against(cmp: Comparator) -> str:
    """The comparator as it reads in a sentence: England, the South West region, its similar CCGs."""
    if cmp.kind == "region":
        return f"the {cmp.name}"
    if cmp.kind == "peers":
        return "its RightCare similar CCGs" if cmp.peer_set == "rightcare" else "its similar CCGs"
    return cmp.name


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


NOT_READ = "no data: the source was not read when the data were built (see what is missing)"
SIDE_WORDS = {"below": "below", "above": "above", "level": "level with"}
LEAN_WORDS = {"below": "leans below", "above": "leans above", "level": "level", "mixed": "no clear direction"}


def _counts(below: int, above: int, level: int, n: int, items: str, where: str, cmp_text: str) -> str:
    """'below England on 6 of 11 sections and above on 5 (level on 1)'."""
    first, other = ("below", "above") if below >= above else ("above", "below")
    shown = {"below": below, "above": above}
    text = f"{first} {cmp_text} {where} {shown[first]} of {n} {items} and {other} {where} {shown[other]}"
    return text + (f" (level {where} {level})" if level else "")


def _fft_lean(rows: pd.DataFrame, cmp: Comparator) -> dict:
    fft = rows[rows[s.INDICATOR_ID] == FFT]
    rec = {"source": SOURCE_FFT, "items": "measure", "significance": "not tested"}
    if fft.empty:
        return {**rec, "lean": "no value", "counted": False, "detail": NOT_READ}
    if pd.isna(fft[s.VALUE].iloc[0]) or not fft["side"].iloc[0]:
        return {**rec, "lean": "no value", "counted": False, "detail": "no value for this area"}
    r = fft.iloc[0]
    lean_, below, above, level = lean([r["side"]])
    detail = (
        f"{format_value(r[s.VALUE], '%')} positive ({r[s.PERIOD]}), {SIDE_WORDS[r['side']]} "
        f"{possessive(against(cmp))} {format_value(r['comparator_value'], '%')}; not tested for "
        "significance (NHS England advises against comparing on FFT)"
    )
    return _leaning(rec, (lean_, below, above, level), detail)


def _ip22_lean(rows: pd.DataFrame, req: Request) -> dict:
    cmp = req.cmp
    ip = rows[rows["source"] == SOURCE_IP22]
    sections = ip[ip["level"] == "section"]
    rec = {"source": SOURCE_IP22, "items": "sections", "significance": "not tested"}
    if sections.empty:
        return {**rec, "lean": "no value", "counted": False, "detail": NOT_READ}
    if sections[s.VALUE].isna().all():
        return {**rec, "lean": "no value", "counted": False, "detail": "no value for this area"}
    lean_, below, above, level = lean(sections["side"])
    n = below + above + level
    if n == 0:
        why = sections.loc[sections["reason"] != "", "reason"]
        why = why.iloc[0].removeprefix("not compared: ") if len(why) else "no usable value"
        return {**rec, "lean": "not counted", "counted": False, "detail": f"not counted: {why}"}
    detail = "attributed from the area's hospitals: " + _counts(
        below, above, level, n, "sections", "on", against(cmp)
    )
    detail += f", {LEAN_WORDS[lean_]}"
    tested = sections[sections["sound"]]
    if cmp.kind == "england" and len(tested):
        cats = [str(req.row(i)[s.CMP_ENGLAND_998]) for i in tested[s.INDICATOR_ID]]
        worse, better = cats.count(s.WORSE), cats.count(s.BETTER)
        rec["significance"] = (
            "mixed" if worse and better else "worse" if worse else "better" if better else "no difference"
        )
        if worse or better:
            detail += (
                f"; significantly worse than England on {worse} of {len(cats)} sections and better on "
                f"{better} (at {VERDICT_CI}%)"
            )
        else:
            detail += f"; no section significantly different from England (at {VERDICT_CI}%)"
    elif cmp.kind != "england":
        detail += "; not tested for significance (CQC's expected ranges are drawn around the national mean)"
    return _leaning(rec, (lean_, below, above, level), detail)


def _trusts_of(note: str) -> str:
    """The trusts a CMH21 value is the mean of, from its row note."""
    return note.split("scores of: ", 1)[1].rstrip(".") if "scores of: " in note else "its mental-health trust"


def _cmh21_lean(rows: pd.DataFrame, req: Request) -> dict:
    cmh = rows[(rows["source"] == SOURCE_CMH21) & (rows["side"] != "")]
    rec = {"source": SOURCE_CMH21, "items": "questions", "significance": "not tested"}
    if not (rows["source"] == SOURCE_CMH21).any():
        return {**rec, "lean": "no value", "counted": False, "detail": NOT_READ}
    if cmh.empty:
        return {
            **rec,
            "lean": "no value",
            "counted": False,
            "detail": "no value: no mental-health trust has its headquarters in this area",
        }
    lean_, below, above, level = lean(cmh["side"])
    n = below + above + level
    first = req.row(cmh[s.INDICATOR_ID].iloc[0])
    trusts = _trusts_of(str(first[s.NOTE])) if first is not None else "its mental-health trust"
    detail = (
        f"{trusts}: "
        + _counts(below, above, level, n, "questions", "on", "the " + str(cmh["comparator"].iloc[0]))
        + f", {LEAN_WORDS[lean_]}; not tested for significance ({NO_LIMITS.split(', so')[0]})"
    )
    return _leaning(rec, (lean_, below, above, level), detail)


def _gpps_lean(model: Model, area: str, gpps: pd.DataFrame, cmp: Comparator) -> dict:
    rec = {"source": SOURCE_GPPS, "items": "question-groups", "significance": "not tested"}
    if gpps.empty:
        items = model.frames.get("gpps_items")
        why = NOT_READ if items is None or items.empty else "no value for this area's ICB"
        return {**rec, "lean": "no value", "counted": False, "detail": why}
    lean_, below, above, level = lean(gpps["side"])
    n = below + above + level
    same, icb, n_ccgs = icb_is_the_area(model, area)
    n_items = gpps["indicator"].nunique()
    detail = (
        f"{icb} ({int(gpps['year'].max())}): "
        + _counts(
            below,
            above,
            level,
            n,
            f"({n_items} questions by {n // max(n_items, 1)} groups)",
            "in",
            "England's value for the same practice-deprivation group",
        )
        + f", {LEAN_WORDS[lean_]}; not tested for significance (HEEC publishes no limits)"
    )
    counted = same and cmp.kind == "england"
    if not same:
        detail += f"; not counted: it describes {icb}, which covers {n_ccgs} CCGs, not this area alone"
    elif cmp.kind != "england":
        detail += f"; not counted against {against(cmp)}: HEEC publishes England's values only"
    return _leaning(rec, (lean_, below, above, level), detail, counted)


def leans(rows: pd.DataFrame, req: Request, gpps: pd.DataFrame) -> pd.DataFrame:
    """One row per source (``LEAN_COLUMNS``): which way it leans against the comparator, how many of
    its items are below, above and level, whether it counts towards the summary, its significance
    (``worse``, ``better``, ``mixed``, ``no difference`` or ``not tested``) and the sentence."""
    out = [
        _fft_lean(rows, req.cmp),
        _ip22_lean(rows, req),
        _cmh21_lean(rows, req),
        _gpps_lean(req.model, req.area, gpps, req.cmp),
    ]
    table = pd.DataFrame(out).reindex(columns=LEAN_COLUMNS)
    for col in ("below", "above", "level", "n"):
        table[col] = table[col].fillna(0).astype(int)
    return table


def headline(table: pd.DataFrame, cmp: Comparator) -> str:
    """The "sources agree" sentence (``SUMMARY_RULE``)."""
    versus = against(cmp)
    counted = table[table["counted"].astype(bool)]
    below = counted.loc[counted["lean"] == "below", "source"].tolist()
    above = counted.loc[counted["lean"] == "above", "source"].tolist()
    n = len(counted)
    tested = table[table["significance"] != "not tested"]
    worse = int((table["significance"] == "worse").sum())
    better = int((table["significance"] == "better").sum())
    if len(tested):
        sig_worse = f"significantly worse on {worse}; only the inpatient survey can be tested"
        sig_better = f"significantly better on {better}; only the inpatient survey can be tested"
    else:
        sig_worse = sig_better = f"none can be tested for significance against {versus}"
    if below and above:
        return f"Sources disagree against {versus}: below on {_and(below)}; above on {_and(above)}."
    if len(below) >= 2:
        return f"Sources agree: below {versus} on {len(below)} of {n} sources ({sig_worse})."
    if len(above) >= 2:
        return f"Sources agree: above {versus} on {len(above)} of {n} sources ({sig_better})."
    if below or above:
        one, way = (below[0], "below") if below else (above[0], "above")
        others = n - 1
        if others == 0:
            return f"Only one source can be set against {versus}: {one}, {way}; no agreement can be claimed."
        rest = "the other source shows" if others == 1 else f"the other {others} show"
        return (
            f"Only one source leans one way: {one}, {way} {versus}; {rest} no clear direction, so no "
            "agreement can be claimed."
        )
    if n == 0:
        return f"No source has a value that can be set against {versus}."
    return f"No source leans clearly either way against {versus} ({n} compared)."


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def summary_text(table: pd.DataFrame, cmp: Comparator) -> str:
    """The headline, then each source's sentence."""
    return " ".join([headline(table, cmp), *(f"{r.source}: {r.detail}." for r in table.itertuples())])


SOURCE_DATASETS = {  # the manifest entries each source is read from (data/sources/*.toml)
    SOURCE_FFT: ("fft_gp_practice_2026_02",),
    SOURCE_IP22: ("ip22_trust_scores", "trust_ccg21_catchment_weights_2019"),
    SOURCE_CMH21: ("mh_cmhs",),
    SOURCE_GPPS: ("heec_icb_panel",),
}


def broken_sources(model: Model) -> list[dict]:
    """One row per source whose file was missing or unreadable when the data were built."""
    inv = model.inventory
    if inv is None or inv.empty or "dataset" not in inv.columns:
        return []
    out = []
    for source, datasets in SOURCE_DATASETS.items():
        bad = inv[inv["dataset"].isin(datasets) & (inv["file_status"] != "ok")]
        if bad.empty:
            continue
        files = "; ".join(f"{r.path} ({r.file_status})" for r in bad.itertuples())
        out.append(
            {
                "source": source,
                "what": f"no {source} data: its file could not be used when the data were built",
                "why": f"{files}; `python -m data problems` lists it, and the other sources are shown as usual",
            }
        )
    return out


def missing(
    model: Model, area: str, rows: pd.DataFrame, practices: pd.DataFrame, gpps: pd.DataFrame, today: date
) -> pd.DataFrame:
    """What is missing or weak for the area, and why, in plain words. A source whose file was
    missing or unreadable when the data were built says so, once (nothing else is said of it)."""
    out = broken_sources(model)
    broken = {r["source"] for r in out}
    fft = practices[practices["status"].notna()]
    silent = int((fft["status"].astype(str).str.startswith("no data")).sum())
    if len(fft) and silent and SOURCE_FFT not in broken:
        out.append(
            {
                "source": SOURCE_FFT,
                "what": f"{silent} of {len(fft)} practices have no FFT result for the month",
                "why": "they sent no data, or had 1-4 responses, which NHS England suppresses",
            }
        )
    for flag in sorted(set(fft["flag"].dropna()) - {""}):
        flagged = fft[fft["flag"] == flag]
        names = flagged["practice_name"] if "practice_name" in flagged else flagged["practice_code"]
        named = [
            f"{published_name(n)} ({c})" if isinstance(n, str) and n and n != c else str(c)
            for c, n in zip(flagged["practice_code"], names, strict=True)
        ]
        what = "; ".join(named) if len(named) <= 10 else f"{len(named)} practices"
        out.append({"source": SOURCE_FFT, "what": f"flagged: {what}", "why": flag})
    ip = rows[rows["source"] == SOURCE_IP22]
    if SOURCE_IP22 in broken:
        pass
    elif len(ip) and not ip["sound"].any():
        first = ip.loc[ip["reason"] != "", "reason"]
        out.append(
            {
                "source": SOURCE_IP22,
                "what": "no inpatient result for this area is compared with England",
                "why": first.iloc[0].removeprefix("not compared: ") if len(first) else "no values",
            }
        )
    elif len(ip):
        weak = ip[~ip["sound"] & ip[s.VALUE].notna()]
        if len(weak):
            out.append(
                {
                    "source": SOURCE_IP22,
                    "what": f"{len(weak)} of {len(ip)} inpatient items not compared",
                    "why": "; ".join(sorted(set(weak["reason"].str.removeprefix("not compared: "))))[:600],
                }
            )
    cmh = rows[rows["source"] == SOURCE_CMH21]
    if len(cmh) and cmh[s.VALUE].isna().all() and SOURCE_CMH21 not in broken:
        out.append(
            {
                "source": SOURCE_CMH21,
                "what": "no community mental health survey result for this area",
                "why": (
                    "the source gives a value only to the 43 CCGs where a mental-health trust has its "
                    "headquarters; the trust serving this area is counted where its headquarters is"
                ),
            }
        )
    if SOURCE_GPPS in broken:
        pass
    elif gpps.empty:
        out.append(
            {
                "source": SOURCE_GPPS,
                "what": "no GP Patient Survey result for this area's ICB",
                "why": "the ICB is not in HEEC's panel",
            }
        )
    else:
        out.append(
            {
                "source": SOURCE_GPPS,
                "what": "no GP Patient Survey value for this area itself",
                "why": f"HEEC publishes the survey by ICB ({gpps['icb_name'].iloc[0]}) and practice deprivation only",
            }
        )
    for source, group in rows.groupby("source", sort=False):
        if source in broken:
            continue
        periods = sorted({p for p in group[s.PERIOD] if p})
        old = [p for p in periods if is_stale(p, today, start=None)]
        if old:
            end = period_end(old[-1])
            out.append(
                {
                    "source": source,
                    "what": f"old data: {', '.join(old)}",
                    "why": f"the latest published here ended {end:%B %Y}, more than {STALE_YEARS} years ago",
                }
            )
    return pd.DataFrame(out, columns=["source", "what", "why"])


def experience(
    model: Model,
    area: str,
    benchmark: str = "england",
    *,
    peer_set: str | None = None,
    ci: str = "95",
    categories: bool = False,
    today: date | None = None,
) -> ExperienceView:
    """Every Domain 4 source for a focus area against a benchmark (see the module's docstring)."""
    geography, codes = focus_areas(model, area)
    code = codes[0]
    cmp = comparator(model, code, benchmark, peer_set)
    today = today or date.today()
    gpps = gpps_table(model, code)
    req = Request.make(model, code, cmp, ci)
    records = fft_rows(req, categories) + ip22_rows(req) + cmh21_rows(req) + gpps_rows(model, gpps)
    rows = pd.DataFrame(records, columns=ROW_COLUMNS)
    fft_cmp = rows.loc[rows[s.INDICATOR_ID] == FFT, "comparator_value"]
    practices = fft_practices(
        model, code, float(fft_cmp.iloc[0]) if len(fft_cmp) and pd.notna(fft_cmp.iloc[0]) else None
    )
    table = leans(rows, req, gpps)
    return ExperienceView(
        area_code=code,
        area_name=str(_area_info(model, code)[s.AREA_NAME]),
        geography=geography,
        comparator=cmp,
        rows=rows,
        leans=table,
        headline=headline(table, cmp),
        summary=summary_text(table, cmp),
        fft_practices=practices,
        inpatient_trusts=inpatient_trusts(model, code),
        cmh21=rows[rows["source"] == SOURCE_CMH21].reset_index(drop=True),
        gpps=gpps,
        missing=missing(model, code, rows, practices, gpps, today),
    )


# --- every area at once: the context of the charts and the national view ---------------------------


def area_values(model: Model, indicator_ids: Iterable[str]) -> pd.DataFrame:
    """Every CCG 2021 area's latest persons value of each indicator (indicator_id, area_code,
    area_name, period, value): the spread a focus area is drawn against."""
    ids = list(indicator_ids)
    ind = model.indicators
    mask = (ind[s.GEOGRAPHY] == s.HOME_GEOGRAPHY).to_numpy(dtype=bool) & ind[s.INDICATOR_ID].isin(
        ids
    ).to_numpy(dtype=bool)
    rows = ind[mask]
    rows = rows[(rows[s.SEX] == "Persons") & rows[s.VALUE].notna()]
    latest = rows.groupby(s.INDICATOR_ID)[s.PERIOD_START].transform("max")
    rows = rows[rows[s.PERIOD_START] == latest]
    return rows[[s.INDICATOR_ID, s.AREA_CODE, s.AREA_NAME, s.PERIOD, s.VALUE]].reset_index(drop=True)


def gpps_spread(model: Model) -> pd.DataFrame:
    """Every ICB's GP Patient Survey value by practice-deprivation group, latest year of each item
    (indicator, year, icb22_code, icb_name, quintile, value), England's row left out."""
    items, panel = model.frames.get("gpps_items"), model.frames.get("inequalities")
    columns = ["indicator", "year", "icb22_code", "icb_name", "quintile", s.VALUE]
    if items is None or panel is None or items.empty:
        return pd.DataFrame(columns=columns)
    mine = panel[panel["indicator"].isin(items["indicator"]) & (panel["icb22_code"] != s.ENGLAND_CODE)]
    latest = mine.groupby("indicator")["year"].transform("max")
    return mine.loc[mine["year"] == latest, columns].reset_index(drop=True)


def england_gpps(model: Model) -> pd.DataFrame:
    """England's GP Patient Survey values by practice-deprivation group (HEEC's England row), latest year."""
    items, panel = model.frames.get("gpps_items"), model.frames.get("inequalities")
    if items is None or panel is None or items.empty:
        return pd.DataFrame(columns=["indicator", "name", "year", "quintile", s.VALUE, "england_avg"])
    mine = panel[panel["indicator"].isin(items["indicator"]) & (panel["icb22_code"] == s.ENGLAND_CODE)]
    mine = mine[mine["year"] == mine.groupby("indicator")["year"].transform("max")]
    names = items.set_index("indicator")["name"]
    out = mine.assign(name=mine["indicator"].map(names))
    return out[["indicator", "name", "year", "quintile", s.VALUE, "england_avg"]].reset_index(drop=True)


NATIONAL_COLUMNS = [
    s.AREA_CODE,
    s.AREA_NAME,
    "region_name",
    "fft",
    "fft_rate",
    "ip22_sections",
    "ip22_below",
    "ip22_above",
    "ip22_worse",
    "ip22_better",
    "cmh21_questions",
    "cmh21_below",
    "cmh21_above",
]


@dataclass(frozen=True)
class NationalView:
    """England's Domain 4 sources, and every CCG on each (the page without a focus area)."""

    rows: pd.DataFrame  # ROW_COLUMNS: England's value of each source's measures
    areas: pd.DataFrame  # NATIONAL_COLUMNS: one row per CCG 2021 area
    gpps: pd.DataFrame  # England by practice-deprivation group (``england_gpps``)


def national(model: Model) -> NationalView:
    """England's value of every Domain 4 measure (FFT, response rate, CQC's national mean of each
    inpatient item, the mean of the CCGs with a CMH21 value) and every CCG's position on each: FFT
    % positive and response rate, inpatient sections below and above England (where the attributed
    value stands) and significantly worse or better at 99.8%, CMH21 questions below and above the
    mean of the CCGs with a value."""
    records = []
    for ind in (FFT, FFT_RATE):
        if ind not in model.catalogue.index:
            continue
        meta = model.catalogue.loc[ind]
        period = str(meta["latest_period"])
        eng = model.slice(ind, "england", period, "Persons")
        row = eng.iloc[0] if len(eng) else None
        rec = _base(SOURCE_FFT, ind, str(meta["short_name"]), row, str(meta["unit"]))
        if row is not None and ind == FFT:
            rec["lower"], rec["upper"], rec["limits"] = (
                float(row[s.LOWER95]),
                float(row[s.UPPER95]),
                "95% Wilson limits",
            )
        records.append(rec)
    items = model.frames.get("ip22_items")
    if items is not None:
        for item in items.itertuples():
            rec = _base(SOURCE_IP22, item.indicator_id, item.label, None, "score 0-10")
            rec.update(level=item.item_type, period="2022", value=float(item.national_mean))
            rec["reason"] = (
                f"CQC's national mean: the unweighted mean of the {int(item.n_scored)} trusts with a score"
            )
            records.append(rec)
    cmh_ids = [i for i in model.catalogue.index if str(i).startswith(CMH21_PREFIX)]
    cmh = area_values(model, cmh_ids)
    spread = cmh.groupby([s.INDICATOR_ID, s.PERIOD])[s.VALUE].agg(["mean", "size"])
    for (ind, period), (mean, n) in spread.iterrows():
        rec = _base(SOURCE_CMH21, ind, str(model.catalogue.at[ind, "short_name"]), None, "score 0-10")
        rec.update(level="question", period=period, value=float(mean))
        rec["reason"] = f"the mean of the {int(n)} CCGs with a value (the source gives no England figure)"
        records.append(rec)
    rows = pd.DataFrame(records, columns=ROW_COLUMNS)
    return NationalView(rows=rows, areas=_national_areas(model, cmh), gpps=england_gpps(model))


def _national_areas(model: Model, cmh: pd.DataFrame) -> pd.DataFrame:
    areas = model.areas[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY].drop_duplicates(s.AREA_CODE)
    out = areas[[s.AREA_CODE, s.AREA_NAME, "region_name"]].set_index(s.AREA_CODE)
    fft = area_values(model, [FFT, FFT_RATE]).pivot(index=s.AREA_CODE, columns=s.INDICATOR_ID, values=s.VALUE)
    out["fft"] = fft.get(FFT)
    out["fft_rate"] = fft.get(FFT_RATE)
    att = model.frames.get("ip22_areas")
    if att is not None and len(att):
        sections = att[att["item"].str.startswith("S") & att["sound"].astype(bool)].copy()
        sections["side"] = [
            side(v, m) for v, m in zip(sections[s.VALUE], sections["national_mean"], strict=True)
        ]
        ind = model.indicators
        cats = ind[
            (ind[s.GEOGRAPHY] == s.HOME_GEOGRAPHY) & ind[s.INDICATOR_ID].isin(set(sections[s.INDICATOR_ID]))
        ]
        cat = cats.set_index([s.AREA_CODE, s.INDICATOR_ID])[s.CMP_ENGLAND_998]
        keys = list(zip(sections[s.AREA_CODE], sections[s.INDICATOR_ID], strict=True))
        sections["cat"] = [cat.get(k, s.NOT_COMPARED) for k in keys]
        by = sections.groupby(s.AREA_CODE)
        out["ip22_sections"] = by.size()
        out["ip22_below"] = by["side"].apply(lambda x: int((x == "below").sum()))
        out["ip22_above"] = by["side"].apply(lambda x: int((x == "above").sum()))
        out["ip22_worse"] = by["cat"].apply(lambda x: int((x == s.WORSE).sum()))
        out["ip22_better"] = by["cat"].apply(lambda x: int((x == s.BETTER).sum()))
    if len(cmh):
        mean = cmh.groupby(s.INDICATOR_ID)[s.VALUE].transform("mean")
        cmh = cmh.assign(side=[side(v, m) for v, m in zip(cmh[s.VALUE], mean, strict=True)])
        by = cmh.groupby(s.AREA_CODE)
        out["cmh21_questions"] = by.size()
        out["cmh21_below"] = by["side"].apply(lambda x: int((x == "below").sum()))
        out["cmh21_above"] = by["side"].apply(lambda x: int((x == "above").sum()))
    out = out.reset_index().reindex(columns=NATIONAL_COLUMNS)
    for col in NATIONAL_COLUMNS[5:]:
        out[col] = out[col].astype("Int64")
    return out.sort_values(s.AREA_NAME).reset_index(drop=True)

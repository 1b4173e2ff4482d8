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
  the area's ICB by deprivation group beside HEEC's England average (``gpps_table``).

**Sources agree** (``verdicts``, ``summary``): a source counts as worse (better) when a sound
comparison says so. Only the inpatient survey has sound comparisons; because it has 11 sections
and 45 questions, it counts as worse when at least one of its **sections** is worse than England at
the **99.8%** level and none is better (better: the reverse; both: "mixed"); the 45 questions are
not added up (CQC advises against adding up categories). Two or more sources worse and none
better: "worse on N sources"; two or more better and none worse: "better on N sources"; worse and
better: "the sources disagree"; fewer than two sources with a verdict: said as it is, with what
could not be compared and why.

Drivers: ``fft_practices`` (the practices that pull the area's % positive below the comparator,
by their contribution to the gap), ``inpatient_trusts`` (the main trusts by catchment share with
CQC's band and the change since 2021), ``cmh21_rows``. What is missing and why: ``missing``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

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
    verdicts: pd.DataFrame  # source, verdict, detail
    summary: str
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
        rec["reason"] = f"not compared: {NO_LIMITS}; {row[s.NOTE]}"
        out.append(rec)
    return out


def _scope(cmp: Comparator) -> str:
    return {"england": "CCGs", "region": f"CCGs of the {cmp.name}", "peers": "peer CCGs"}[cmp.kind]


def gpps_table(model: Model, area: str) -> pd.DataFrame:
    """The area's ICB on the GP Patient Survey items by practice deprivation group (latest year),
    with HEEC's England average and the GPPS 2026 national figure where it is the same question."""
    columns = ["indicator", "name", "year", "icb22_code", "icb_name", "quintile", s.VALUE, "england_avg"]
    items, panel = model.frames.get("gpps_items"), model.frames.get("inequalities")
    h = model.frames.get("hierarchy")
    if items is None or panel is None or h is None or items.empty:
        return pd.DataFrame(columns=[*columns, "national_2026"])
    icb = h.loc[h["ccg21_code"] == area, "icb22_code"]
    icb = str(icb.iloc[0]) if len(icb) else ""
    rows = []
    for item in items.itertuples():
        mine = panel[(panel["indicator"] == item.indicator) & (panel["icb22_code"] == icb)]
        if mine.empty:
            continue
        latest = mine[mine["year"] == mine["year"].max()]
        rows.append(latest.assign(name=item.name))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)
    national = gpps_overall_good(model.frames.get("gpps_national"))
    same = set(items.loc[items["national_match"] == "same question", "indicator"])
    out["national_2026"] = np.where(
        out["indicator"].isin(same) & (national is not None), national[0] if national else np.nan, np.nan
    )
    return out[[*columns, "national_2026"]].reset_index(drop=True)


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


def verdicts(rows: pd.DataFrame, req: Request) -> pd.DataFrame:
    """One verdict per source (see the module's rule): worse, better, mixed, no difference, or not
    compared, with the detail in words."""
    cmp = req.cmp
    out = []
    for source in SOURCES:
        mine = rows[rows["source"] == source]
        if source == SOURCE_IP22 and cmp.kind == "england" and mine["sound"].any():
            sections = mine[(mine["level"] == "section") & mine["sound"]]
            cats = [str(req.row(i)[s.CMP_ENGLAND_998]) for i in sections[s.INDICATOR_ID]]
            worse, better = cats.count(s.WORSE), cats.count(s.BETTER)
            verdict = (
                "mixed" if worse and better else "worse" if worse else "better" if better else "no difference"
            )
            detail = (
                f"{worse} of {len(cats)} sections worse and {better} better than England at 99.8% "
                "(attributed from the area's hospitals)"
            )
            out.append({"source": source, "verdict": verdict, "detail": detail})
            continue
        reasons = mine.loc[mine["reason"] != "", "reason"]
        why = {
            SOURCE_FFT: FFT_ADVICE,
            SOURCE_CMH21: NO_LIMITS,
            SOURCE_GPPS: GPPS_SHAPE,
        }.get(source)
        if source == SOURCE_IP22:
            why = reasons.iloc[0].removeprefix("not compared: ") if len(reasons) else "no values"
        if mine[s.VALUE].isna().all() and source != SOURCE_GPPS:
            why = "no value for this area"
        out.append({"source": source, "verdict": "not compared", "detail": why or ""})
    return pd.DataFrame(out, columns=["source", "verdict", "detail"])


def summary_line(table: pd.DataFrame, cmp: Comparator) -> str:
    """The "sources agree" sentence (the module's rule)."""
    worse = table.loc[table["verdict"] == "worse", "source"].tolist()
    better = table.loc[table["verdict"] == "better", "source"].tolist()
    mixed = table.loc[table["verdict"] == "mixed", "source"].tolist()
    judged = table[table["verdict"] != "not compared"]
    not_compared = table[table["verdict"] == "not compared"]
    if len(worse) >= 2 and not better:
        head = f"Worse than {cmp.name} on {len(worse)} sources: {', '.join(worse)}."
    elif len(better) >= 2 and not worse:
        head = f"Better than {cmp.name} on {len(better)} sources: {', '.join(better)}."
    elif worse and better:
        head = f"The sources disagree: worse on {', '.join(worse)}; better on {', '.join(better)}."
    elif len(judged) == 0:
        head = f"No source can be soundly compared with {cmp.name}."
    else:
        parts = [f"{r.source}: {r.verdict} ({r.detail})" for r in judged.itertuples()]
        head = (
            f"Only {len(judged)} source{'s' if len(judged) > 1 else ''} can be soundly compared with "
            f"{cmp.name}, so no agreement can be claimed. " + "; ".join(parts) + "."
        )
    if mixed and not (worse or better):
        head += f" Mixed: {', '.join(mixed)}."
    if len(not_compared):
        head += (
            " Not compared: " + "; ".join(f"{r.source} ({r.detail})" for r in not_compared.itertuples()) + "."
        )
    return head


def missing(
    model: Model, area: str, rows: pd.DataFrame, practices: pd.DataFrame, gpps: pd.DataFrame, today: date
) -> pd.DataFrame:
    """What is missing or weak for the area, and why, in plain words."""
    out = []
    fft = practices[practices["status"].notna()]
    silent = int((fft["status"].astype(str).str.startswith("no data")).sum())
    if len(fft) and silent:
        out.append(
            {
                "source": SOURCE_FFT,
                "what": f"{silent} of {len(fft)} practices have no FFT result for the month",
                "why": "they sent no data, or had 1-4 responses, which NHS England suppresses",
            }
        )
    for flag in sorted(set(fft["flag"].dropna()) - {""}):
        codes = fft.loc[fft["flag"] == flag, "practice_code"].tolist()
        what = ", ".join(codes) if len(codes) <= 10 else f"{len(codes)} practices"
        out.append({"source": SOURCE_FFT, "what": f"flagged: {what}", "why": flag})
    ip = rows[rows["source"] == SOURCE_IP22]
    if len(ip) and not ip["sound"].any():
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
    if len(cmh) and cmh[s.VALUE].isna().all():
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
    if gpps.empty:
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
    table = verdicts(rows, req)
    return ExperienceView(
        area_code=code,
        area_name=str(_area_info(model, code)[s.AREA_NAME]),
        geography=geography,
        comparator=cmp,
        rows=rows,
        verdicts=table,
        summary=summary_line(table, cmp),
        fft_practices=practices,
        inpatient_trusts=inpatient_trusts(model, code),
        cmh21=rows[rows["source"] == SOURCE_CMH21].reset_index(drop=True),
        gpps=gpps,
        missing=missing(model, code, rows, practices, gpps, today),
    )

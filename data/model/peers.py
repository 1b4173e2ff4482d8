"""Peer groups ("similar CCGs", "similar ICBs") and each area's peer benchmark, made at build.

Peer sets are per geography (``geography`` column): CCG 2021 and sub-ICB 2023 have both sets
below, ICB 2023 the ``similar`` set of its nearest 5 (of 42; 10 would be a quarter of all ICBs),
found the same way on ICB demographics (ONS mid-2022, IMD 2019 and rural-urban LSOAs).
Two peer sets, chosen with ``peers=`` in the URL:

* ``similar`` (default): the 10 nearest CCG 2021 areas by a weighted, standardised
  Euclidean distance over demographics (``VARIABLES``: each variable is turned into a
  z-score over the 106 areas, multiplied by the square root of its weight, and the
  distance is the Euclidean distance between those vectors). A missing value is set to
  the variables' mean (z = 0) and logged.
* ``rightcare``: NHS RightCare's "similar 10" lists of 2016 (CCG 2015/16 codes) carried to
  CCG 2021 through the boundary lineage. A CCG 2021 area formed by merging takes the
  successors of all its predecessors' peers; each candidate scores
  ``sum(predecessor share x (11 - rank))`` over the lists naming it (itself and its own
  predecessors excluded), and the 10 best scores are its peers. A merged area can have
  fewer than 10 when its predecessors' lists collapse onto few successors.

The peer benchmark of an area is the peers' aggregate for the same indicator, period and
sex: the pooled value ``sum(count) / sum(denominator) x multiplier`` when the indicator's
values are that ratio (checked on the data: every value within 0.5% of it) and every peer
has both, otherwise the mean of the peers' values (``peer_method`` says which). The
area's confidence interval is compared with it as with England (Fingertips' rule).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from data.methods.stats import compare
from data.model import schema as s

log = logging.getLogger(__name__)

PEER_SETS = {
    "similar": "Similar CCGs (nearest 10 by demographics)",
    "rightcare": "RightCare similar 10 (2016), carried to CCG 2021",
}
DEFAULT_PEER_SET = "similar"
N_PEERS = 10
# (demographics column, weight, what it stands for)
VARIABLES = (
    ("pct_under18", 1.0, "age structure: % aged under 18"),
    ("pct_65plus", 1.0, "age structure: % aged 65+"),
    (
        "imd19_mean_rank",
        1.0,
        "deprivation: mean IMD 2019 rank of the area's LSOAs, unweighted (a higher rank means less deprived)",
    ),
    (
        "imd19_pct_lsoa_most_deprived_quintile",
        1.0,
        "deprivation: % of LSOAs in England's most deprived fifth",
    ),
    ("pct_lsoa_rural", 1.0, "rurality: % of LSOAs rural"),
    ("pct_non_white_british", 1.0, "ethnicity proxy: % not White British"),
    ("log_population", 0.5, "size: log10 of the resident population"),
)
# How many peers each geography's "similar" set holds.
N_PEERS_FOR = {s.HOME_GEOGRAPHY: N_PEERS, s.SUBICB_GEOGRAPHY: N_PEERS, s.ICB_GEOGRAPHY: 5}
PEER_COLUMNS = ["peer_set", s.GEOGRAPHY, s.AREA_CODE, "peer_code", "rank", "distance"]
VALUE_COLUMNS = [
    "peer_set",
    s.GEOGRAPHY,
    s.INDICATOR_ID,
    s.PERIOD,
    s.SEX,
    s.AREA_CODE,
    "peer_value",
    "peer_n",
    "peer_method",
]
POOLED_TOLERANCE = 0.005


def cmp_columns(peer_set: str) -> tuple[str, str]:
    """The indicator columns holding the comparison with a peer set (95%, 99.8%)."""
    stem = "cmp_peers" if peer_set == DEFAULT_PEER_SET else f"cmp_peers_{peer_set}"
    return f"{stem}_95", f"{stem}_998"


def demographic_matrix(demographics: pd.DataFrame) -> pd.DataFrame:
    """The weighted z-scores the distance is measured on (one row per CCG 2021)."""
    demo = demographics.copy()
    demo["log_population"] = np.log10(pd.to_numeric(demo["population"], errors="coerce"))
    cols = {}
    for col, weight, _ in VARIABLES:
        x = pd.to_numeric(demo[col], errors="coerce")
        if x.isna().any():
            log.warning("peers: %s missing for %s: set to the mean", col, ", ".join(x.index[x.isna()]))
        z = (x - x.mean()) / x.std(ddof=0)
        cols[col] = z.fillna(0.0) * np.sqrt(weight)
    return pd.DataFrame(cols, index=demo.index)


def peer_set_label(peer_set: str, geography: str = s.HOME_GEOGRAPHY) -> str:
    """What a peer set is called for areas of ``geography``."""
    if peer_set == "similar" and geography == s.ICB_GEOGRAPHY:
        return f"Similar ICBs (nearest {N_PEERS_FOR[geography]} by demographics)"
    if peer_set == "similar" and geography == s.SUBICB_GEOGRAPHY:
        return f"Similar sub-ICB locations (nearest {N_PEERS} by demographics)"
    return PEER_SETS.get(peer_set, peer_set)


def nearest_neighbours(
    demographics: pd.DataFrame, k: int = N_PEERS, geography: str = s.HOME_GEOGRAPHY
) -> pd.DataFrame:
    """The ``k`` nearest areas (of ``geography``) of each area, with their distances."""
    z = demographic_matrix(demographics)
    values = z.to_numpy()
    dist = np.sqrt(((values[:, None, :] - values[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(dist, np.inf)
    codes = z.index.to_numpy()
    rows = []
    for i, code in enumerate(codes):
        order = np.argsort(dist[i], kind="stable")[:k]
        for rank, j in enumerate(order, start=1):
            rows.append(("similar", geography, code, codes[j], rank, float(dist[i, j])))
    return pd.DataFrame(rows, columns=PEER_COLUMNS)


def rightcare_peers(peers16: pd.DataFrame, lineage: pd.DataFrame, ccg21_codes: list[str]) -> pd.DataFrame:
    """RightCare's 2016 lists carried to CCG 2021 (see the module docstring for the rule)."""
    links = lineage[lineage["from_geography"] == "ccg16"][["from_code", "to_code", "share"]]
    # a 2016 peer stands for the CCG 2021 area holding most of it
    main = links.sort_values("share", ascending=False).drop_duplicates("from_code").set_index("from_code")
    lists = peers16.merge(links, left_on="ccg16_code", right_on="from_code", how="inner")
    lists["peer21"] = lists["peer_code"].map(main["to_code"])
    unmapped = lists["peer21"].isna().sum()
    if unmapped:
        log.warning("peers: %d RightCare peer entries have no CCG 2021 successor (left out)", unmapped)
    lists = lists.dropna(subset=["peer21"])
    lists = lists[lists["peer21"] != lists["to_code"]]
    lists["score"] = lists["share"] * (N_PEERS + 1 - lists["rank"].astype(float))
    scores = lists.groupby(["to_code", "peer21"])["score"].sum().reset_index()
    scores = scores.sort_values(["to_code", "score", "peer21"], ascending=[True, False, True])
    top = scores.groupby("to_code").head(N_PEERS).copy()
    top["rank"] = top.groupby("to_code").cumcount() + 1
    top = top[top["to_code"].isin(ccg21_codes)]
    out = pd.DataFrame(
        {
            "peer_set": "rightcare",
            s.GEOGRAPHY: s.HOME_GEOGRAPHY,
            s.AREA_CODE: top["to_code"],
            "peer_code": top["peer21"],
            "rank": top["rank"].astype(int),
            "distance": top["score"].round(3),  # a score here: higher is more similar
        }
    )
    short = out.groupby(s.AREA_CODE).size()
    if (short < N_PEERS).any():
        log.info("peers: %d CCG 2021 areas have fewer than 10 RightCare peers", int((short < N_PEERS).sum()))
    return out.reset_index(drop=True)


def build_peer_sets(
    demographics: pd.DataFrame,
    peers16: pd.DataFrame | None,
    lineage: pd.DataFrame,
    area_demographics: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every peer set: CCG 2021 (similar, rightcare), and the similar sets of sub-ICB 2023 and ICB
    2023 from ``area_demographics`` (geography, area_code and the VARIABLES columns); a sub-ICB
    location 2023 takes the RightCare list of the CCG 2021 with its ODS code where the areas are
    the same (the lineage in people says which)."""
    parts = []
    if demographics is not None and not demographics.empty:
        parts.append(nearest_neighbours(demographics))
    if peers16 is not None and not peers16.empty:
        rightcare = rightcare_peers(peers16, lineage, list(demographics.index))
        parts += [rightcare, _rightcare_on_subicb(rightcare, lineage)]
    if area_demographics is not None and not area_demographics.empty:
        for geography, demo in area_demographics.groupby(s.GEOGRAPHY, sort=False):
            k = N_PEERS_FOR.get(geography, N_PEERS)
            parts.append(nearest_neighbours(demo.set_index(s.AREA_CODE), k=k, geography=geography))
    parts = [p for p in parts if p is not None and len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=PEER_COLUMNS)


def _rightcare_on_subicb(rightcare: pd.DataFrame | None, lineage: pd.DataFrame) -> pd.DataFrame | None:
    """RightCare lists of the CCG 2021 areas that ARE a sub-ICB location 2023 (one whole predecessor,
    nothing else), with their peers recoded the same way; the 8 changed areas have none."""
    if rightcare is None or rightcare.empty or "to_geography" not in lineage:
        return None
    links = lineage[(lineage["to_geography"] == s.SUBICB_GEOGRAPHY) & (lineage["from_geography"] == "ccg21")]
    n_from = links.groupby("to_code")["from_code"].transform("nunique")
    same = links[(links["method"] == "merged") & (n_from == 1)].set_index("from_code")["to_code"]
    out = rightcare.assign(
        **{s.AREA_CODE: rightcare[s.AREA_CODE].map(same), "peer_code": rightcare["peer_code"].map(same)}
    ).dropna(subset=[s.AREA_CODE, "peer_code"])
    out = out.assign(**{s.GEOGRAPHY: s.SUBICB_GEOGRAPHY})
    out["rank"] = out.groupby(s.AREA_CODE).cumcount() + 1
    return out[PEER_COLUMNS]


def pooled_indicators(
    values: pd.DataFrame, catalogue: pd.DataFrame, geography: str = s.HOME_GEOGRAPHY
) -> set[str]:
    """Indicators whose values (of ``geography``) are sum(count)/sum(denominator) x multiplier."""
    rows = values[
        (values[s.GEOGRAPHY] == geography)
        & values[s.VALUE].notna()
        & values[s.COUNT].notna()
        & (values[s.DENOMINATOR] > 0)
    ]
    mult = rows[s.INDICATOR_ID].map(catalogue["multiplier"]).fillna(1.0)
    ratio = rows[s.COUNT] / rows[s.DENOMINATOR] * mult
    close = (ratio - rows[s.VALUE]).abs() <= POOLED_TOLERANCE * rows[s.VALUE].abs().clip(lower=1e-9)
    return {ind for ind, ok in close.groupby(rows[s.INDICATOR_ID]).all().items() if ok}


def peer_values(values: pd.DataFrame, catalogue: pd.DataFrame, peer_sets: pd.DataFrame) -> pd.DataFrame:
    """Every row's peer benchmark, for the geographies with peer sets (one row per peer set,
    geography, indicator, period, sex, area)."""
    if peer_sets.empty:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    keys = [s.INDICATOR_ID, s.PERIOD, s.SEX]
    geographies = list(peer_sets[s.GEOGRAPHY].unique())
    rows = values[values[s.GEOGRAPHY].isin(geographies)][
        keys + [s.GEOGRAPHY, s.AREA_CODE, s.VALUE, s.COUNT, s.DENOMINATOR]
    ]
    rows = rows[rows[s.VALUE].notna()]
    pairs = peer_sets[["peer_set", s.GEOGRAPHY, s.AREA_CODE, "peer_code"]]
    joined = pairs.merge(
        rows.rename(columns={s.AREA_CODE: "peer_code"}), on=[s.GEOGRAPHY, "peer_code"], how="inner"
    )
    group = joined.groupby(["peer_set", s.GEOGRAPHY, *keys, s.AREA_CODE], sort=False)
    out = group.agg(
        mean=(s.VALUE, "mean"),
        peer_n=(s.VALUE, "size"),
        count=(s.COUNT, lambda c: c.sum(min_count=len(c))),
        denominator=(s.DENOMINATOR, lambda d: d.sum(min_count=len(d))),
    ).reset_index()
    mult = out[s.INDICATOR_ID].map(catalogue["multiplier"]).fillna(1.0)
    pooled = pd.Series(
        [
            ind in pools
            for ind, pools in zip(
                out[s.INDICATOR_ID],
                out[s.GEOGRAPHY].map({g: pooled_indicators(values, catalogue, g) for g in geographies}),
            )
        ],
        index=out.index,
        dtype=bool,
    )
    poolable = pooled & (out["denominator"] > 0)
    out["peer_value"] = np.where(poolable, out["count"] / out["denominator"] * mult, out["mean"])
    out["peer_method"] = np.where(poolable, "pooled", "mean")
    return out[VALUE_COLUMNS]


def add_peer_comparisons(
    values: pd.DataFrame, catalogue: pd.DataFrame, peer_sets: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The indicator rows with a comparison column per peer set and CI level, and the peer values."""
    pv = peer_values(values, catalogue, peer_sets)
    out = values.copy()
    keys = [s.INDICATOR_ID, s.PERIOD, s.SEX, s.GEOGRAPHY, s.AREA_CODE]
    polarity = out[s.INDICATOR_ID].map(catalogue["polarity"]).fillna(s.POLARITY_NONE).to_numpy()
    home = (
        out[s.GEOGRAPHY].isin(set(peer_sets[s.GEOGRAPHY])).to_numpy()
        if len(peer_sets)
        else np.zeros(len(out), bool)
    )
    for peer_set in PEER_SETS:
        bench = pv[pv["peer_set"] == peer_set].set_index(keys)["peer_value"]
        b = bench.reindex(pd.MultiIndex.from_frame(out[keys])).to_numpy()
        b = np.where(home, b, np.nan)
        for col, lo, hi in zip(cmp_columns(peer_set), (s.LOWER95, s.LOWER998), (s.UPPER95, s.UPPER998)):
            cats = np.full(len(out), s.NOT_COMPARED, dtype=object)
            for pol in np.unique(polarity):
                m = polarity == pol
                cats[m] = compare(
                    out[s.VALUE].to_numpy()[m], out[lo].to_numpy()[m], out[hi].to_numpy()[m], b[m], pol
                )
            cats[~home] = s.NOT_COMPARED
            out[col] = cats
    return out, pv

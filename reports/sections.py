"""The board pack's "Compared with similar CCGs" and "Early warning" tables (issues 11 and 18).

Both are made with the one comparator of ``data.queries.comparator`` (nothing is compared here):

* Similar CCGs: the focus area against its peer set (``peers=similar`` by default, or
  ``rightcare``), named in full. The key indicators are the outcome indicators (Domains 1-5)
  where the area differs significantly from its peers or that the key messages name; each with
  the area's value, the peers' value (pooled or mean, as the peer benchmark is made), the peers'
  range and the comparison with the peers. The other outcome indicators with a peer value are
  counted ("similar to its peers on N more").
* Early warning: ``data.queries.alerts.alert_table`` for each area with its comparator, the groups
  worth a look (``SHOWN_GROUPS``) in order; each row with the benchmark's value and the gap in the
  indicator's unit. The indicators whose trend could not be assessed are counted, and what a
  series break left out is said.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from data.methods.formatting import format_value
from data.model import schema as s
from data.model.core import Model
from data.model.peers import DEFAULT_PEER_SET, peer_set_label
from data.queries.alerts import GROUPS, SHOWN_GROUPS, alert_table, breaks_sentence
from data.queries.comparator import Comparator, comparator_for, compare_spine
from data.queries.peers import peer_table, spine_peer_rows
from reports.messages import trend_cell

GROUP_LABELS = {
    "red-red": "Worse, getting worse",
    "worse now": "Worse now",
    "worse": "Worse",
    "worsening": "Getting worse",
}
EARLY_COLUMNS = ["Warning", "Indicator", "Area", "Period", "Value", "Benchmark", "Gap", "Recent trend"]
CATEGORY_ORDER = {s.WORSE: 0, s.BETTER: 1, s.SIMILAR: 2}


# --- similar CCGs ---------------------------------------------------------------------


def peer_names(model: Model, focus: str, peer_set: str, geography: str = s.HOME_GEOGRAPHY) -> list[str]:
    """The focus area's (of ``geography``) peers by rank, as names."""
    table = peer_table(model, focus, peer_set, geography)
    return [
        str(n) if pd.notna(n) else str(c) for c, n in zip(table["peer_code"], table[s.AREA_NAME], strict=True)
    ]


PEER_COLUMNS = [
    s.INDICATOR_ID,
    "short_name",
    "domain",
    "unit",
    s.PERIOD,
    s.VALUE,
    "peer_value",
    "peer_min",
    "peer_max",
    "peer_method",
    "peer_category",
]


def peer_comparison(
    model: Model, focus: str, peer_set: str | None, ci: str, geography: str = s.HOME_GEOGRAPHY
) -> pd.DataFrame:
    """Every outcome indicator of ``focus`` (of ``geography``; its spine period) with a peer value:
    the area's value, the peers' value (the comparator's), method, range and the comparison with them."""
    peer_set = peer_set or DEFAULT_PEER_SET
    comp = comparator_for(model, "peers", focus=focus, ci=ci, peer_set=peer_set, geography=geography)
    if comp.kind != "peers":
        return pd.DataFrame(columns=PEER_COLUMNS)
    rows = compare_spine(model, [focus], comp, geography)
    mine = rows[(rows[s.AREA_CODE] == focus) & rows[s.VALUE].notna() & rows["comparator_value"].notna()]
    mine = mine[mine["domain"].astype(str) != "context"]
    spread = spine_peer_rows(model, mine, focus, peer_set, geography)[
        [s.INDICATOR_ID, "peer_min", "peer_max"]
    ]
    if mine.empty:
        return pd.DataFrame(columns=PEER_COLUMNS)
    out = mine.rename(
        columns={
            "comparator_value": "peer_value",
            "comparator_method": "peer_method",
            "category": "peer_category",
        }
    ).merge(spread, on=s.INDICATOR_ID, how="left")
    return out[PEER_COLUMNS].reset_index(drop=True)


def peer_key_table(comparison: pd.DataFrame, also: set[str]) -> pd.DataFrame:
    """The key rows: differing from the peers, or named in ``also`` (the key messages); worse than
    peers first, then better, then the rest."""
    keep = comparison["peer_category"].isin([s.WORSE, s.BETTER]) | comparison[s.INDICATOR_ID].isin(also)
    key = comparison[keep].assign(_o=lambda d: d["peer_category"].map(CATEGORY_ORDER).fillna(3))
    key = key.sort_values(["_o", "short_name"], kind="stable")
    units = key["unit"].astype(str).tolist()
    return pd.DataFrame(
        {
            "indicator_id": key[s.INDICATOR_ID],
            "Indicator": key["short_name"].astype(str),
            "Period": key[s.PERIOD].astype(str),
            "Value": [format_value(v, u) for v, u in zip(key[s.VALUE], units, strict=True)],
            "Peers' value": [
                f"{format_value(v, u)} ({str(m).replace('mean of their values', 'mean')})"
                for v, u, m in zip(key["peer_value"], units, key["peer_method"], strict=True)
            ],
            "Peers' range": [
                f"{format_value(lo, u)} to {format_value(hi, u)}"
                for lo, hi, u in zip(key["peer_min"], key["peer_max"], units, strict=True)
            ],
            "Compared with peers": key["peer_category"].astype(str),
        }
    ).reset_index(drop=True)


def peer_paragraphs(
    model: Model,
    focus: str,
    name: str,
    peer_set: str | None,
    comparison: pd.DataFrame,
    shown: int,
    ci: str,
    geography: str = s.HOME_GEOGRAPHY,
) -> list[str]:
    peer_set = peer_set or DEFAULT_PEER_SET
    names = peer_names(model, focus, peer_set, geography)
    if not names:
        return [f"{name} has no peer group in the {peer_set_label(peer_set, geography)} set."]
    counts = comparison["peer_category"].value_counts()
    worse, better = int(counts.get(s.WORSE, 0)), int(counts.get(s.BETTER, 0))
    similar = int(counts.get(s.SIMILAR, 0))
    other = len(comparison) - shown
    unsure = len(comparison) - worse - better - similar
    return [
        f"The {len(names)} peers of {name}, {peer_set_label(peer_set, geography)}: {'; '.join(names)}.",
        f"Of {len(comparison)} outcome indicators with a peer value, {name} is significantly worse than its "
        f"peers on {worse}, better on {better}, similar on {similar}"
        + (f", not compared on {unsure} (no confidence interval)" if unsure else "")
        + f" ({ci}% confidence). Peers' value: their counts over their denominators where the indicator "
        "is such a ratio, else the mean of their values; range: lowest to highest peer."
        + (
            f" Listed: the key indicators; the other {other} are similar or not compared."
            if other > 0
            else ""
        ),
    ]


# --- early warning ----------------------------------------------------------------


def all_alerts(
    model: Model, areas: list[str], comparators: Mapping[str, Comparator], geography: str = s.HOME_GEOGRAPHY
) -> pd.DataFrame:
    """Every area's early-warning table, each with its own comparator."""
    frames = [alert_table(model, areas=[a], comparator=comparators[a], geography=geography) for a in areas]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def breaks_text(left_out: pd.DataFrame) -> str:
    """'2 indicators not assessed because of a series break (...).' ('' when none)."""
    text = breaks_sentence(left_out, what="indicators")
    return f"{text[0].upper()}{text[1:]}." if text else ""


def early_warning(
    model: Model,
    areas: list[str],
    names: dict[str, str],
    comparators: Mapping[str, Comparator],
    geography: str = s.HOME_GEOGRAPHY,
) -> tuple[pd.DataFrame, list[str]]:
    """(table rows, one summary sentence per area) of the early-warning list for ``areas`` (of
    ``geography``)."""
    tables, sentences = [], []
    for area in areas:
        alerts = alert_table(model, areas=[area], comparator=comparators[area], geography=geography)
        counts = alerts["group"].value_counts()
        unassessed = alerts[alerts["group"] == "not assessed"]
        sentences.append(
            f"{names[area]}: {int(counts.get('red-red', 0))} worse and getting worse; "
            f"{int(counts.get('worse now', 0))} worse now with a trend that cannot be assessed; "
            f"{int(counts.get('worse', 0))} worse, not getting worse; {int(counts.get('worsening', 0))} "
            f"getting worse, not yet worse; {len(unassessed)} not worse and not assessed (fewer than five "
            "comparable periods)."
        )
        tables.append(alerts[alerts["group"].isin(SHOWN_GROUPS)])
    rows = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if rows.empty:
        return pd.DataFrame(columns=["indicator_id", "group", *EARLY_COLUMNS]), sentences
    rows = rows.assign(_g=rows["group"].map({g: i for i, g in enumerate(GROUPS)}))
    rows = rows.sort_values("_g", kind="stable")
    units = rows["unit"].astype(str).tolist()
    main = str(rows["comparator_label"].mode().iloc[0])
    table = pd.DataFrame(
        {
            "indicator_id": rows[s.INDICATOR_ID],
            "group": rows["group"],
            "Warning": rows["group"].map(GROUP_LABELS),
            "Indicator": [
                f"{n} (context)" if d == "context" else str(n)
                for n, d in zip(rows["short_name"], rows["domain"].astype(str), strict=True)
            ],
            "Area": rows[s.AREA_CODE].map(names),
            "Period": rows[s.PERIOD].astype(str),
            "Value": [format_value(v, u) for v, u in zip(rows[s.VALUE], units, strict=True)],
            "Benchmark": [
                format_value(v, u) + ("" if label == main else f" ({label})")
                for v, u, label in zip(rows["comparator_value"], units, rows["comparator_label"], strict=True)
            ],
            "Gap": rows["gap_text"].astype(str),
            "Recent trend": [
                str(t) if t != "Cannot be calculated" else trend_cell(r)
                for t, r in zip(rows["trend"], rows["reason"], strict=True)
            ],
        }
    )
    return table.reset_index(drop=True), sentences

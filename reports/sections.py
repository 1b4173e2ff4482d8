"""The board pack's "Compared with similar CCGs" and "Early warning" tables (issue 11).

Both are read from frames the model made at build (``peer_sets``, ``peer_values``, the
peer comparison columns, ``trends``): nothing is computed here but the choice of rows.

* Similar CCGs: the focus area against its peer set (``peers=similar`` by default, or
  ``rightcare``), named in full. The key indicators are the outcome indicators (Domains 1-5)
  where the area differs significantly from its peers, from the pack's benchmark, or is on
  the early-warning list; each with the area's value, the peers' value (pooled or mean, as
  the peer benchmark is made), the peers' range and the comparison with the peers. The other
  outcome indicators with a peer value are counted ("similar to its peers on N more").
* Early warning: ``data.queries.alerts.area_alerts`` for each area, red-red first, then worse but
  not getting worse, then getting worse but not (yet) worse; the indicators whose trend could
  not be assessed (fewer than five periods) are counted, with how many of them are worse now.
"""

from __future__ import annotations

import pandas as pd

from data.model import schema as s
from data.model.core import Model
from data.model.peers import DEFAULT_PEER_SET, cmp_columns, peer_set_label
from data.queries.alerts import GROUPS, area_alerts
from data.queries.peers import peer_table, spine_peer_rows

GROUP_LABELS = {
    "red-red": "Worse and getting worse",
    "worse now": "Worse now, trend cannot be assessed",
    "worse": "Worse, not getting worse",
    "worsening": "Getting worse, not yet worse",
}
CATEGORY_ORDER = {s.WORSE: 0, s.BETTER: 1, s.SIMILAR: 2}


def value_text(v: float, unit: str) -> str:
    if pd.isna(v):
        return "-"
    text = f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.3g}"
    return f"{text}%" if unit == "%" else text


# --- similar CCGs ---------------------------------------------------------------------


def peer_names(model: Model, focus: str, peer_set: str, geography: str = s.HOME_GEOGRAPHY) -> list[str]:
    """The focus area's (of ``geography``) peers by rank, as names."""
    table = peer_table(model, focus, peer_set, geography)
    return [
        str(n) if pd.notna(n) else str(c) for c, n in zip(table["peer_code"], table[s.AREA_NAME], strict=True)
    ]


def peer_comparison(
    model: Model,
    rows: pd.DataFrame,
    focus: str,
    peer_set: str | None,
    ci: str,
    geography: str = s.HOME_GEOGRAPHY,
) -> pd.DataFrame:
    """Every outcome indicator of ``focus`` (its spine period) with a peer value: the area's
    value, the peers' value, method, range and the comparison with them (the model's column)."""
    peer_set = peer_set or DEFAULT_PEER_SET
    mine = rows[(rows[s.AREA_CODE] == focus) & rows[s.VALUE].notna()]
    mine = mine[mine["domain"].astype(str) != "context"]
    peers = spine_peer_rows(model, mine, focus, peer_set, geography)
    if mine.empty or peers.empty:
        return pd.DataFrame(
            columns=[
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
        )
    col = cmp_columns(peer_set)[1 if str(ci) == "99.8" else 0]
    ind = model.indicators
    cats = ind[(ind[s.AREA_CODE] == focus) & (ind[s.GEOGRAPHY] == geography) & (ind[s.SEX] == "Persons")][
        [s.INDICATOR_ID, s.PERIOD, col]
    ].rename(columns={col: "peer_category"})
    out = mine[[s.INDICATOR_ID, "short_name", "domain", "unit", s.PERIOD, s.VALUE]].merge(
        peers, on=s.INDICATOR_ID, how="inner"
    )
    out = out.merge(cats, on=[s.INDICATOR_ID, s.PERIOD], how="left")
    out["peer_category"] = out["peer_category"].fillna(s.NOT_COMPARED)
    return out.reset_index(drop=True)


def peer_key_table(comparison: pd.DataFrame, also: set[str]) -> pd.DataFrame:
    """The key rows: differing from the peers, or named in ``also`` (key messages, early
    warning); worse than peers first, then better, then the rest."""
    keep = comparison["peer_category"].isin([s.WORSE, s.BETTER]) | comparison[s.INDICATOR_ID].isin(also)
    key = comparison[keep].assign(_o=lambda d: d["peer_category"].map(CATEGORY_ORDER).fillna(3))
    key = key.sort_values(["_o", "short_name"], kind="stable")
    return pd.DataFrame(
        {
            "indicator_id": key[s.INDICATOR_ID],
            "Indicator": key["short_name"].astype(str),
            "Period": key[s.PERIOD].astype(str),
            "Value": [value_text(v, str(u)) for v, u in zip(key[s.VALUE], key["unit"], strict=True)],
            "Peers' value": [
                f"{value_text(v, str(u))} ({m})"
                for v, u, m in zip(key["peer_value"], key["unit"], key["peer_method"], strict=True)
            ],
            "Peers' range": [
                f"{value_text(lo, str(u))} to {value_text(hi, str(u))}"
                for lo, hi, u in zip(key["peer_min"], key["peer_max"], key["unit"], strict=True)
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


def early_warning(
    model: Model,
    areas: list[str],
    names: dict[str, str],
    *,
    benchmark: str,
    ci: str,
    geography: str = s.HOME_GEOGRAPHY,
) -> tuple[pd.DataFrame, list[str]]:
    """(table rows, one summary sentence per area) of the early-warning list for ``areas`` (of
    ``geography``)."""
    tables, sentences = [], []
    for area in areas:
        alerts = area_alerts(model, area, benchmark=benchmark, ci=ci, geography=geography)
        counts = alerts["group"].value_counts()
        unassessed = alerts[alerts["group"] == "not assessed"]
        sentences.append(
            f"{names[area]}: {int(counts.get('red-red', 0))} indicator(s) worse and getting worse, "
            f"{int(counts.get('worse now', 0))} worse now with no trend that can be assessed, "
            f"{int(counts.get('worse', 0))} worse but not getting worse, {int(counts.get('worsening', 0))} "
            f"getting worse but not (yet) worse; {len(unassessed)} not worse and could not be assessed "
            "(fewer than five comparable periods)."
        )
        tables.append(alerts[alerts["group"] != "not assessed"])
    rows = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if rows.empty:
        return pd.DataFrame(
            columns=["Warning", "Indicator", "Period", "Value", "Compared", "Recent trend"]
        ), sentences
    rows = rows.assign(_g=rows["group"].map({g: i for i, g in enumerate(GROUPS)}))
    rows = rows.sort_values("_g", kind="stable")
    table = pd.DataFrame(
        {
            "indicator_id": rows[s.INDICATOR_ID],
            "group": rows["group"],
            "Warning": rows["group"].map(GROUP_LABELS),
            "Indicator": rows["short_name"].astype(str),
            "Area": rows[s.AREA_CODE].map(names),
            "Period": rows[s.PERIOD].astype(str),
            "Value": [value_text(v, str(u)) for v, u in zip(rows[s.VALUE], rows["unit"], strict=True)],
            "Compared": rows["category"].astype(str),
            "Recent trend": rows["trend"].astype(str),
        }
    )
    return table.reset_index(drop=True), sentences

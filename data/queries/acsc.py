"""The within-CCG deprivation gradient of chronic ACSC admissions, as the inequalities page shows it.

The gradient (absolute gradient index, AGI) is published for the 209 CCGs of 2015/16 only:
it is a slope fitted inside each CCG from LSOA rates, so it cannot be summed or averaged
into the CCGs of 2021. The page therefore ranks the 209 CCGs as published and marks:

* the focus area: the CCG 2015/16 areas that became the focus CCG 2021 (the lineage's
  ccg16 links; a merged CCG 2021 area has several);
* its peers: the CCG 2015/16 predecessors of the focus area's chosen peer set (``peers=``),
  so the same peers as on every other page, drawn on the older boundaries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.model import schema as s
from data.model.core import Model
from data.model.peers import DEFAULT_PEER_SET
from data.queries.peers import peer_codes

AGI_ID = "acsc_chronic_agi"
ISR_ID = "acsc_chronic_isr"
GEOGRAPHY = "ccg16"
FOCUS, PEER, OTHER = "focus", "peer", "other"


def successors(model: Model) -> pd.DataFrame:
    """Each CCG 2015/16 code's CCG 2021 successor holding most of it: from_code, to_code, to_name."""
    links = model.lineage[model.lineage["from_geography"] == GEOGRAPHY]
    main = links.sort_values("share", ascending=False).drop_duplicates("from_code")
    names = model.areas[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY].set_index(s.AREA_CODE)[s.AREA_NAME]
    return pd.DataFrame(
        {
            "from_code": main["from_code"].to_numpy(),
            "to_code": main["to_code"].to_numpy(),
            "to_name": main["to_code"].map(names).to_numpy(),
        }
    )


def predecessors(model: Model, ccg21: list[str]) -> list[str]:
    """The CCG 2015/16 codes whose main successor is one of ``ccg21``."""
    succ = successors(model)
    return sorted(succ.loc[succ["to_code"].isin(ccg21), "from_code"])


def gradient_table(model: Model, focus: str | None = None, peer_set: str | None = None) -> pd.DataFrame:
    """Every CCG 2015/16 with a published gradient, ranked steepest first.

    Columns: rank, area_code, area_name, value, lower95/upper95, lower998/upper998, note
    (the data-quality flag), the ISR (rate) beside it, successor code and name, and role
    (focus / peer / other) for ``focus`` (a CCG 2021 code) and its peers in ``peer_set``.
    """
    v = model.indicators
    agi = v[(v[s.INDICATOR_ID] == AGI_ID) & (v[s.GEOGRAPHY] == GEOGRAPHY)]
    cols = [s.AREA_CODE, s.AREA_NAME, s.PERIOD, s.VALUE, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998, s.NOTE]
    table = agi[cols].copy()
    isr = v[(v[s.INDICATOR_ID] == ISR_ID) & (v[s.GEOGRAPHY] == GEOGRAPHY)].set_index(s.AREA_CODE)
    table["isr"] = table[s.AREA_CODE].map(isr[s.VALUE])
    succ = successors(model).set_index("from_code")
    table["ccg21_code"] = table[s.AREA_CODE].map(succ["to_code"])
    table["ccg21_name"] = table[s.AREA_CODE].map(succ["to_name"])
    table["role"] = OTHER
    if focus:
        peers = peer_codes(model, focus, peer_set or DEFAULT_PEER_SET)
        table.loc[table["ccg21_code"].isin(peers), "role"] = PEER
        table.loc[table["ccg21_code"] == focus, "role"] = FOCUS
    table = table.sort_values([s.VALUE, s.AREA_CODE], ascending=[False, True], na_position="last")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


def gradient_summary(table: pd.DataFrame) -> dict:
    """Counts the method line quotes: areas, limits excluding zero, negative slopes, flagged."""
    has = table[s.VALUE].notna()
    return {
        "n_areas": int(has.sum()),
        "above_zero": int((table[s.LOWER95] > 0).sum()),
        "negative": int((table[s.VALUE] < 0).sum()),
        "flagged": int(table[s.NOTE].fillna("").ne("").sum()),
        "median": float(table.loc[has, s.VALUE].median()) if has.any() else float("nan"),
        "period": str(table[s.PERIOD].iloc[0]) if len(table) else "",
    }

"""What every page's view shares: the selection as a query, area names, the focus CCG, cached rows."""

from __future__ import annotations

import pandas as pd

from data.model import schema as s
from data.model.core import Model
from data.model.store import load_model
from data.queries.areas import area_names as names_of
from data.queries.comparator import Comparator, comparator_from_state, compare_rows, headline
from data.queries.rows import Selection
from data.queries.view_frames import area_frame
from views.cache import memoized

# A chart with nothing to draw: no axes, a sliver of height.
EMPTY_FIGURE = {
    "data": [],
    "layout": {"height": 40, "xaxis": {"visible": False}, "yaxis": {"visible": False}},
}


def freeze(state: dict) -> tuple:
    """A hashable form of the selection (the cache key of a view)."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in state.items()))


def plain(output):
    """Figures as plain dicts (cheap to cache and to send); other outputs unchanged."""
    if hasattr(output, "to_plotly_json"):
        return output.to_plotly_json()
    if isinstance(output, tuple):
        return tuple(plain(o) for o in output)
    return output


def selection(state: dict) -> Selection:
    return Selection(state["indicator"], state["period"], state["geography"], state["sex"])


def area_names(codes: list[str], geography: str | None = None) -> dict[str, str]:
    """Each code's area name in the view's ``geography`` (codes repeat across geographies: an ICB's
    code is its STP's; ``data.queries.areas``), the code itself where the model has none."""
    return names_of(load_model(), codes, geography)


def focus(state: dict) -> tuple[str | None, str]:
    """The focus (first) area's code and name, or (None, "")."""
    if not state["areas"]:
        return None, ""
    code = state["areas"][0]
    return code, area_names([code], state.get("geography"))[code]


def focus_ccg(model: Model, state: dict) -> str | None:
    """The first selected area that is a CCG (April 2021), or None (the practice, alert and gradient
    pages work on CCG 2021 areas only)."""
    ccg21 = set(model.areas.loc[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY, s.AREA_CODE])
    return next((a for a in state.get("areas") or [] if a in ccg21), None)


def geography_name(state: dict) -> str:
    return s.GEOGRAPHIES.get(state["geography"], state["geography"])


@memoized
def area_rows(indicator: str, period: str, geography: str, sex: str, region: str = ""):
    """(rows, England's value, the regions' values) of one indicator's selection, cached."""
    return area_frame(load_model(), Selection(indicator, period, geography, sex), region)


def rows_of(state: dict, region: str = "") -> tuple[pd.DataFrame, float | None, dict]:
    return area_rows(state["indicator"], state["period"], state["geography"], state["sex"], region)


def region_rows(state: dict) -> tuple[pd.DataFrame, float | None, dict, str | None]:
    """The compare page's rows: those of the chosen region only, when one is chosen."""
    frame, england, regions = rows_of(state)
    region = state.get("region") or None
    if region:
        frame = frame[frame["region_code"] == region]
    return frame, england, regions, region


# --- the view's one comparator ----------------------------------------------------------------


def comparator_of(state: dict) -> Comparator:
    """What every value of the selection's views is compared with (``data.queries.comparator``)."""
    return comparator_from_state(load_model(), state)


def comparator_key(state: dict) -> tuple:
    """The parts of the selection the comparator depends on (a cache key)."""
    areas = state.get("areas") or []
    return (
        state.get("benchmark") or "england",
        state.get("peers") or "",
        areas[0] if areas else "",
        str(state.get("ci") or "95"),
        state.get("geography") or s.HOME_GEOGRAPHY,
    )


@memoized
def _compared(indicator: str, period: str, geography: str, sex: str, region: str, key: tuple) -> pd.DataFrame:
    benchmark, peers, focus_code, ci, _geo = key
    state = {"benchmark": benchmark, "peers": peers, "areas": [focus_code] if focus_code else [], "ci": ci}
    comp = comparator_from_state(load_model(), state | {"geography": geography})
    frame, _england, _regions = area_rows(indicator, period, geography, sex, region)
    return compare_rows(load_model(), frame, comp)


def compared_rows(state: dict, region: str = "", *, scope: str | None = None) -> pd.DataFrame:
    """The selection's areas (one region's, with ``region``) compared with the view's comparator:
    each row's comparator value, label and method, category and whether it is in scope. With a
    peer comparator and ``scope="peers"`` (the selection's ``scope`` when not given) only the focus
    area and its peers."""
    frame = _compared(
        state["indicator"], state["period"], state["geography"], state["sex"], region, comparator_key(state)
    )
    scope = scope if scope is not None else (state.get("scope") or "peers")
    if scope == "peers" and comparator_of(state).scope:
        frame = frame[frame["in_scope"].to_numpy(dtype=bool)].reset_index(drop=True)
    return frame


def versus_text(state: dict, compared: pd.DataFrame, unit: str | None) -> str:
    """The comparator of a slice in words, with its value: "NHS Kernow CCG's 10 similar CCGs (62.6%,
    pooled)", "England (65.4%)", "49 of 106 CCGs with data (4.03%)", "each area's NHS region"."""
    return headline(compared, comparator_of(state)).text(unit)

"""The funnel page's data: which indicators can go on a funnel, and every area on it.

An indicator goes on a funnel when its areas have counts and denominators and its values
are ``count / denominator x multiplier`` (a proportion or a crude rate; checked on the slice,
every value within 0.5%), or it is a directly standardised rate with events and a
population. Limits, points and over-dispersion come from ``data.methods.funnels`` (PHE's method).
Funnel categories are turned into Fingertips' words with the indicator's polarity and the
chosen confidence level (95%: outside the 95% limits; 99.8%: outside the 99.8% limits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.methods.funnels import Funnel, funnel
from data.model import schema as s
from data.model.core import Model
from data.queries.rows import Selection

FUNNEL_STATISTICS = ("proportion", "rate", "dsr")
OD_CHOICES = ("none", "multiplicative", "additive")
RATIO_TOLERANCE = 0.005
MIN_AREAS = 5


@dataclass(frozen=True)
class FunnelView:
    rows: pd.DataFrame  # the areas on the funnel with x, y, category (Fingertips words), funnel_category
    funnel: Funnel | None
    statistic: str
    n_without: int  # areas of the slice with a value but no count or denominator
    reason: str  # why there is no funnel ("" when there is one)


def funnel_statistic(model: Model, sel: Selection) -> tuple[str | None, str]:
    """The data.methods.funnels statistic for a selection, or None and why not."""
    meta = model.catalogue.loc[sel.indicator_id]
    stat = str(meta["statistic"])
    name = str(meta["short_name"])
    if stat not in FUNNEL_STATISTICS:
        return None, f"{name} is a {stat}, not a count over a denominator: it cannot go on a funnel."
    rows = model.slice(sel.indicator_id, sel.geography, sel.period, sel.sex)
    ok = rows[rows[s.VALUE].notna() & rows[s.COUNT].notna() & (rows[s.DENOMINATOR] > 0)]
    if len(ok) < MIN_AREAS:
        return (
            None,
            f"{name} has counts and denominators for {len(ok)} areas here: a funnel needs {MIN_AREAS}.",
        )
    if stat == "dsr":
        return "dsr", ""
    expected = ok[s.COUNT] / ok[s.DENOMINATOR] * float(meta["multiplier"])
    if not ((expected - ok[s.VALUE]).abs() <= RATIO_TOLERANCE * ok[s.VALUE].abs().clip(lower=1e-9)).all():
        return None, f"{name}'s values are not count / denominator (standardised or modelled): no funnel."
    return stat, ""


def eligible_indicators(model: Model, geography: str = s.HOME_GEOGRAPHY) -> list[str]:
    """Indicators with a funnel for their latest period on ``geography``."""
    avail = model.frames["availability"]
    avail = avail[(avail[s.GEOGRAPHY] == geography) & (avail[s.SEX] == "Persons") & (avail["n_values"] > 0)]
    latest = avail.sort_values("period_start").groupby(s.INDICATOR_ID).tail(1)
    return [
        ind
        for ind, period in zip(latest[s.INDICATOR_ID], latest[s.PERIOD])
        if funnel_statistic(model, Selection(ind, period, geography, "Persons"))[0]
    ]


def label_categories(category: pd.Series, polarity: str, ci: str) -> pd.Series:
    """data.methods.funnels categories -> Better/Worse/Similar (or Higher/Lower without polarity)."""
    above = {"above 99.8%"} | ({"above 95%"} if ci == "95" else set())
    below = {"below 99.8%"} | ({"below 95%"} if ci == "95" else set())
    high, low = s.HIGHER, s.LOWER
    if polarity == s.POLARITY_HIGH_GOOD:
        high, low = s.BETTER, s.WORSE
    elif polarity == s.POLARITY_LOW_GOOD:
        high, low = s.WORSE, s.BETTER
    out = np.where(category.isin(above), high, np.where(category.isin(below), low, s.SIMILAR))
    out = np.where(category.isin(["", "not applicable"]), s.NOT_COMPARED, out)
    return pd.Series(out, index=category.index)


def funnel_view(model: Model, sel: Selection, *, ci: str = "95", od: str = "none") -> FunnelView:
    """Every area of the selection on the funnel (see the module docstring)."""
    rows = model.slice(sel.indicator_id, sel.geography, sel.period, sel.sex)
    info = model.areas[model.areas[s.GEOGRAPHY] == sel.geography][[s.AREA_CODE, "region_name"]]
    rows = rows.merge(info, on=s.AREA_CODE, how="left")
    stat, reason = funnel_statistic(model, sel)
    have = rows[s.VALUE].notna()
    on = have & rows[s.COUNT].notna() & (rows[s.DENOMINATOR] > 0)
    if stat is None:
        return FunnelView(rows.iloc[0:0], None, "", int((have & ~on).sum()), reason)
    meta = model.catalogue.loc[sel.indicator_id]
    data = rows[on].reset_index(drop=True)
    kwargs = {"statistic": stat, "multiplier": float(meta["multiplier"])}
    if stat == "dsr":
        kwargs["rate"] = data[s.VALUE]
    result = funnel(
        data[s.COUNT], data[s.DENOMINATOR], overdispersion_method=None if od == "none" else od, **kwargs
    )
    points = result.points
    column = "category" if od == "none" else "category_adjusted"
    data = data.assign(
        x=points["x"].to_numpy(),
        y=points["y"].to_numpy(),
        funnel_category=points[column].to_numpy(),
    )
    data["category"] = label_categories(data["funnel_category"], str(meta["polarity"]), ci)
    return FunnelView(data, result, stat, int((have & ~on).sum()), "")

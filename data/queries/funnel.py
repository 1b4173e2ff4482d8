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

from data.methods.formatting import format_difference, format_value
from data.methods.funnels import LIMITS, Funnel, funnel, limits_at
from data.model import schema as s
from data.model.core import Model
from data.queries.rows import Selection

FUNNEL_STATISTICS = ("proportion", "rate", "dsr")
OD_CHOICES = ("none", "multiplicative", "additive")
RATIO_TOLERANCE = 0.005
MIN_AREAS = 5


# each area's limits at its own x (the limits in force: the adjusted ones with od)
LIMIT_COLUMNS = {name: f"{name}_limit" for name in LIMITS}
POSITION_WORDS = {
    "above 99.8%": "above the upper 99.8% limit",
    "above 95%": "above the upper 95% limit (inside 99.8%)",
    "inside": "inside the 95% limits",
    "below 95%": "below the lower 95% limit (inside 99.8%)",
    "below 99.8%": "below the lower 99.8% limit",
    "not applicable": "not on the funnel (fewer than 10 events)",
    "": "not on the funnel",
}
OD_WORDS = {
    "none": "no adjustment for over-dispersion",
    "multiplicative": "limits widened for over-dispersion (multiplicative, Spiegelhalter 2005)",
    "additive": "limits widened for over-dispersion (additive random effects, Spiegelhalter 2005)",
}


@dataclass(frozen=True)
class FunnelView:
    rows: pd.DataFrame  # the areas on the funnel with x, y, category (Fingertips words), funnel_category,
    # and each limit at the area's own x (LIMIT_COLUMNS: the adjusted limits when od is not "none")
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
    drawn = result.limits if od == "none" or result.adjusted is None else result.adjusted
    at = limits_at(drawn, data["x"].to_numpy(dtype=float))
    for name, column in LIMIT_COLUMNS.items():
        data[column] = at[name].to_numpy()
    return FunnelView(data, result, stat, int((have & ~on).sum()), "")


def method_line(model: Model, sel: Selection, view: FunnelView, *, ci: str = "95", od: str = "none") -> str:
    """What the funnel (and its export) compares with and how, in one paragraph."""
    if view.funnel is None:
        return view.reason
    meta = model.catalogue.loc[sel.indicator_id]
    unit = str(meta["unit"])
    average = format_value(view.funnel.limits.baseline, unit)
    how = {
        "proportion": "Wilson score limits",
        "rate": "exact Poisson limits",
        "dsr": "exact Poisson limits on the events (each area at the population its events and rate give)",
    }.get(view.statistic, "limits")
    text = (
        f"Funnel plot (PHE Technical Guide: Funnel Plots, 2017): {how} around the average of the "
        f"{len(view.rows)} areas on it ({average}), at each area's denominator; 95% and 99.8% limits; "
        f"an area is better or worse when it lies outside the {'95%' if ci == '95' else '99.8%'} limits"
    )
    od_result = view.funnel.overdispersion
    if od == "none" or od_result is None:
        return text + "; " + OD_WORDS["none"] + "."
    text += f"; {OD_WORDS[od]}: spread beyond chance φ = {od_result.phi:.2f}"
    if not od_result.applied:
        return text + " (not above 1: limits not widened)."
    text += " (the adjusted limits use the normal approximation, as the paper does)"
    if od == "multiplicative":
        return text + f", limits widened by a factor of {od_result.factor:.2f} (√φ)."
    spread = format_difference(np.sqrt(od_result.tau2) * float(meta["multiplier"]), unit, signed=False)
    return text + f", a between-area spread τ of {spread} added to each area's chance variation."


def funnel_benchmark(view: FunnelView) -> str:
    """What a funnel compares each area with: "the average of the 106 areas on the funnel"."""
    return f"the average of the {len(view.rows)} areas on the funnel"


FUNNEL_EXPORT_COLUMNS = {
    s.AREA_CODE: "Area Code",
    s.AREA_NAME: "Area Name",
    "region_name": "Region",
    s.PERIOD: "Time period",
    s.VALUE: "Value",
    s.COUNT: "Count",
    s.DENOMINATOR: "Denominator",
    "x": "Funnel x (denominator the limits are drawn at)",
    "y": "Funnel y (value plotted)",
    "lower998_limit": "Lower 99.8% limit at this denominator",
    "lower95_limit": "Lower 95% limit at this denominator",
    "upper95_limit": "Upper 95% limit at this denominator",
    "upper998_limit": "Upper 99.8% limit at this denominator",
    "position": "Funnel position",
    "benchmark": "Benchmark",
    "benchmark_value": "Benchmark value",
    "category": "Compared to benchmark",
}


def funnel_table(
    model: Model, sel: Selection, *, ci: str = "95", od: str = "none"
) -> tuple[pd.DataFrame, str]:
    """The funnel as a table (what /export/funnel.csv and .xlsx carry): each area's position on
    the funnel, the limits at its denominator and its category under the chosen ``od``, in the
    chart's own numbers (``funnel_view``, the call the chart makes), and the method line."""
    view = funnel_view(model, sel, ci=ci, od=od)
    rows = view.rows
    if rows.empty:
        return pd.DataFrame(columns=list(FUNNEL_EXPORT_COLUMNS.values())), method_line(
            model, sel, view, ci=ci, od=od
        )
    out = rows.assign(
        position=rows["funnel_category"].map(POSITION_WORDS).fillna(rows["funnel_category"]),
        benchmark=funnel_benchmark(view),
        benchmark_value=float(view.funnel.limits.baseline),
    )
    out = out.sort_values([s.AREA_NAME], kind="stable")
    table = out[[c for c in FUNNEL_EXPORT_COLUMNS if c in out]].rename(columns=FUNNEL_EXPORT_COLUMNS)
    return table.reset_index(drop=True), method_line(model, sel, view, ci=ci, od=od)

"""The explorer page: one variable against another across CCGs (April 2021), the fit in words and
the areas furthest from the line."""

from __future__ import annotations

import plotly.graph_objects as go

from data.methods.analysis import ols_fit, residual_ranking, spearman
from data.model import schema as s
from data.model.store import load_model
from data.queries.view_frames import explorer_frame, variable_column
from figures import summaries as words
from figures.common import format_difference
from figures.scatter import (
    NEGLIGIBLE_R2,
    coverage_in_words,
    explorer_scatter_dict,
    fit_in_words,
    periods_in_words,
)
from views.cache import memoized
from views.common import area_names
from views.content import P, el

ECOLOGICAL = (
    "Each point is an area: an association between areas is not an association between people "
    "(ecological fallacy)."
)


@memoized
def explorer_rows(x: str, y: str, period: str):
    return explorer_frame(load_model(), x, y, period=period)


@memoized
def _coverage(x: str, y: str, period: str) -> tuple[int, int, int]:
    """CCG 2021 areas in all, and how many lack x and lack y (the reasons points are missing)."""
    model = load_model()
    codes = set(model.areas.loc[model.areas[s.GEOGRAPHY] == s.HOME_GEOGRAPHY, s.AREA_CODE])
    xf, _ = variable_column(model, x)
    yf, _ = variable_column(model, y, period=period)
    has_x = set(xf.loc[xf["v"].notna(), s.AREA_CODE]) & codes
    has_y = set(yf.loc[yf["v"].notna(), s.AREA_CODE]) & codes
    return len(codes), len(codes - has_x), len(codes - has_y)


def _name(meta: dict) -> str:
    return str(meta.get("short_name") or meta.get("name"))


def explorer_view(state: dict, size_by_pop: bool, colour_by: str, show_ci: bool):
    """The scatter (a plain figure dict), the notes under the controls (n and why, periods, the
    fit in words) and the furthest-from-the-line lists."""
    df, x_meta, y_meta = explorer_rows(state["x"], state["y"], state["period"])
    weights = "population" if size_by_pop else None
    fit = ols_fit(df["x"], df["y"], df["population"] if size_by_pop else None)
    rho = spearman(df["x"], df["y"])
    fig = explorer_scatter_dict(
        df,
        x_meta=x_meta,
        y_meta=y_meta,
        size_by_population=size_by_pop,
        colour_by=colour_by,
        show_ci=show_ci,
        selected=state["areas"],
        weights=weights,
        palette=state["palette"],
        fit=fit,
        rho=rho,
    )
    n_total, no_x, no_y = _coverage(state["x"], state["y"], state["period"])
    notes = [
        coverage_in_words(len(df), n_total, no_x, no_y, "CCGs (April 2021)"),
        periods_in_words(x_meta, y_meta),
    ]
    if len(df) < 3:
        note = [P(text) for text in [*notes, ECOLOGICAL]]
        return fig, note, P("Too few areas with both values to fit a line.")
    x_name, y_name = _name(x_meta), _name(y_meta)
    note = [P(notes[0]), P(notes[1]), P(" ".join(fit_in_words(fit, rho.rho, x_name, y_name)), "fit-words")]
    note.append(P(ECOLOGICAL))
    ranking = residual_ranking(df, fit, n=5)
    lists: list = []
    if fit.r2 < NEGLIGIBLE_R2:
        lists.append(
            P(
                f"The line explains almost nothing (R² = {fit.r2:.2f}): distance from it mostly reflects "
                f"how {y_name} varies anyway, not areas doing unusually well or badly for their {x_name}.",
                className="warning-note",
            )
        )
    unit = y_meta.get("unit")
    for position, title in (("above", "Furthest above the line"), ("below", "Furthest below the line")):
        part = ranking[ranking["position"] == position]
        items = [
            el("Li", f"{r.area_name} ({format_difference(r.residual, unit)})") for r in part.itertuples()
        ]
        lists += [el("H3", title), el("Ol", items)]
    return fig, note, lists


def explorer_outputs(state: dict, size_by_pop: bool, colour_by: str, show_ci: bool):
    """``explorer_view`` with the scatter as a ``go.Figure`` (exports)."""
    fig, note, lists = explorer_view(state, size_by_pop, colour_by, show_ci)
    return go.Figure(fig), note, lists


@memoized
def explorer_sentence(frozen: tuple, size_by_pop: bool) -> str:
    state = dict(frozen)
    df, x_meta, y_meta = explorer_rows(state["x"], state["y"], state["period"])
    r2, rho = float("nan"), float("nan")
    if len(df) >= 3:
        r2 = ols_fit(df["x"], df["y"], df["population"] if size_by_pop else None).r2
        rho = spearman(df["x"], df["y"]).rho
    return words.explorer_summary(
        df,
        x_name=_name(x_meta),
        y_name=_name(y_meta),
        r2=r2,
        rho=rho,
        geography=s.GEOGRAPHIES[s.HOME_GEOGRAPHY],
        selected=state["areas"],
        area_names=area_names(state["areas"], s.HOME_GEOGRAPHY),
    )

"""Charts too big for one legible page, split into parts (pages of a PDF, ``part=N`` of an image).

Issue 9's rule: too many items for the space is a design decision, not a shrink.

- compare: more than ``COMPARE_MAX_AREAS`` bars -> part 1 is the focus area's NHS region with
  the England and region lines (said in the subtitle); the full national ranking follows in
  parts of as many bars as the page holds at full text size (the same figure, windowed, so the
  x scale is the same on every part).
- spine: one part per domain (outcome domains first, Domain 4 first when it has data, context
  last), a long domain split over several parts.
- overview: one region's areas per part (the chosen region, else the focus area's, else every
  region in turn), indicators in column groups that fit the width.

Every other chart is one part. Each part carries its own provenance (the subtitle says which
part it is and what the others hold).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from data.model import schema as s
from data.model.core import Model
from data.queries.areas import area_names as names_by_geography
from data.queries.comparator import comparator_from_state, compare_grid, compare_spine
from data.queries.view_frames import (
    geography_of,
    overview_geography,
)
from figures.overview import overview_grid as overview_figure
from figures.spine import spine_chart
from reports.decorate import (
    MIN_FONT_PX,
    ROW_PX,
    Size,
    decorate,
    label_lines,
    label_width,
    text_px,
    wrap,
)
from views.provenance import Provenance

FigureFor = Callable[[dict, str], go.Figure]
COMPARE_MAX_AREAS = 35
COMPARE_MIN_SLOTS = 10  # a region's few bars keep a sensible thickness
MIN_SPINE_SLOTS = 10  # a short domain keeps the row pitch of a 10-row page (no giant bars)
OVERVIEW_LABEL_PX = 190  # the most an (upright, wrapped) indicator name above the grid takes


@dataclass(frozen=True)
class Part:
    """One legible page of an export: the figure, what it says about itself, and a short label."""

    figure: go.Figure
    provenance: Provenance
    label: str = ""


def area_names(model: Model, codes: list[str], geography: str | None = None) -> dict[str, str]:
    """Each code's name in ``geography`` (``data.queries.areas``: codes repeat across geographies)."""
    return names_by_geography(model, codes, geography)


def region_of(model: Model, code: str, geography: str) -> tuple[str, str]:
    """(region code, region name) of an area on ``geography`` ('' when unknown)."""
    rows = model.areas[(model.areas[s.AREA_CODE] == code) & (model.areas[s.GEOGRAPHY] == geography)]
    if rows.empty or pd.isna(rows["region_code"].iloc[0]):
        return "", ""
    return str(rows["region_code"].iloc[0]), str(rows["region_name"].iloc[0])


def domain_order(rows: pd.DataFrame) -> list[str]:
    """Domains in the order exports show them: outcomes first (Domain 4 first when it has data),
    context last; only domains present in ``rows``."""
    present = set(rows["domain"].astype(str))
    has_value = set(rows.loc[rows[s.VALUE].notna(), "domain"].astype(str)) if s.VALUE in rows else present
    outcomes = [d for d in s.DOMAINS if d != "context"]
    if "4" in has_value:
        outcomes = ["4"] + [d for d in outcomes if d != "4"]
    return [d for d in [*outcomes, "context"] if d in present] + sorted(present - set(s.DOMAINS))


def _with_subtitle(prov: Provenance, extra: str) -> Provenance:
    return dataclasses.replace(prov, subtitle=f"{prov.subtitle} · {extra}" if extra else prov.subtitle)


def plot_area(fig: go.Figure, prov: Provenance, size: Size) -> tuple[float, float]:
    """(width, height) of the plot once ``fig`` is decorated for ``size``."""
    lay = decorate(fig, prov, size).layout
    return (
        size.width - lay.margin.l - lay.margin.r,
        size.height - lay.margin.t - lay.margin.b,
    )


def fit_rows(
    lines: list[int], room_px: float, heading: list[bool] | None = None
) -> list[tuple[int, int, int]]:
    """Consecutive (start, end, capacity) windows of category rows whose labels fit ``room_px``.

    Rows on a category axis are evenly spaced, so a window's pitch must hold its tallest pair
    of neighbouring labels: pitch >= ROW_PX * (lines_i + lines_i+1) / 2. ``capacity`` is the
    most rows the window's pitch allows (a short last page keeps the pitch of a full one).
    ``heading`` marks rows that head the rows below them (a spine's domain headings): a
    window never ends on one while rows follow (keep with next: it opens the next window).
    """
    heading = heading or [False] * len(lines)
    windows: list[tuple[int, int, int]] = []
    start = 0
    while start < len(lines):
        end, need = start + 1, ROW_PX * max(1.0, lines[start] / 1.5)
        while end < len(lines):
            more = max(need, ROW_PX * (lines[end - 1] + lines[end]) / 2)
            if more * (end + 1 - start) > room_px:
                break
            need, end = more, end + 1
        while end < len(lines) and end - 1 > start and heading[end - 1]:
            end -= 1  # the heading goes to the next window, with its first rows
        windows.append((start, end, max(end - start, int(room_px // need))))
        start = end
    return windows


def slots_for(windows: list[tuple[int, int, int]], least: int = 1) -> list[int]:
    """Rows of pitch for each window. A window followed by another shows exactly its rows (a
    larger pitch count would show the next window's first rows); the last window keeps the
    pitch of the fullest one, or ``least`` rows (no giant bars), never more than its labels allow."""
    full = max([b - a for a, b, _ in windows] + [least])
    return [b - a if i < len(windows) - 1 else min(cap, full) for i, (a, b, cap) in enumerate(windows)]


def window(fig: go.Figure, start: int, end: int, slots: int) -> go.Figure:
    """The category rows start..end-1 of a reversed category y axis, at the pitch of ``slots`` rows.

    Text drawn on rows outside the window (a text column) is dropped, not merely clipped, so
    that the file carries only what its page shows.
    """
    out = go.Figure(fig)
    shown = max(end - start, slots)
    out.update_yaxes(range=[start + shown - 0.5, start - 0.5], autorange=False)
    order = list(fig.layout.yaxis.categoryarray or fig.layout.yaxis.tickvals or [])
    keep = set(order[start:end])
    if order:
        for trace in out.data:
            mode = getattr(trace, "mode", None) or ""
            if (
                "text" in mode
                and trace.y is not None
                and trace.text is not None
                and not isinstance(trace.text, str)
            ):
                pairs = [
                    (y, x, tx) for y, x, tx in zip(trace.y, trace.x, trace.text, strict=False) if y in keep
                ]
                trace.y = [p[0] for p in pairs]
                trace.x = [p[1] for p in pairs]
                trace.text = [p[2] for p in pairs]
    return out


def _y_labels(fig: go.Figure) -> list[str]:
    axis = fig.layout.yaxis
    labels = axis.ticktext or axis.categoryarray
    if not labels and fig.data and fig.data[0].type == "heatmap":
        labels = fig.data[0].y
    return [str(t) for t in (labels or [])]


def _windows_for(fig: go.Figure, prov: Provenance, size: Size) -> list[tuple[int, int, int]]:
    labels = _y_labels(fig)
    # the parts' subtitles grow by "…, ranks 101-106 of 106 · part 12 of 12": room for the longest
    worst = _with_subtitle(prov, "national ranking, ranks 100-106 of 106 · part 10 of 10 (10 of 10)")
    _, room = plot_area(fig, worst, size)
    limit = label_width(size)
    keys = [str(k) for k in (fig.layout.yaxis.categoryarray or fig.layout.yaxis.tickvals or [])]
    heading = [k.startswith("§") for k in keys] if len(keys) == len(labels) else None
    return fit_rows([label_lines(label, limit) for label in labels], room, heading)


# --- compare -----------------------------------------------------------------------


def region_compare(fig: go.Figure, prov: Provenance, size: Size) -> list[go.Figure]:
    """A region's bars as pages: few bars keep a sensible thickness (``COMPARE_MIN_SLOTS`` rows),
    never closer than their labels allow; a long region continues on a second page."""
    windows = _windows_for(fig, prov, size)
    if not windows:
        return [fig]
    return [
        window(fig, a, b, slots)
        for (a, b, _cap), slots in zip(windows, slots_for(windows, COMPARE_MIN_SLOTS), strict=True)
    ]


def compare_parts(
    model: Model, state: dict, prov: Provenance, size: Size, figure_for: FigureFor
) -> list[Part]:
    full = figure_for(state, "compare")
    n = len(_y_labels(full))
    windows = _windows_for(full, prov, size)
    if len(windows) == 1:
        return [Part(full, prov)]
    parts: list[Part] = []
    focus = state["areas"][0] if state.get("areas") and not state.get("region") else ""
    region, region_name = region_of(model, focus, state["geography"]) if focus else ("", "")
    if n > COMPARE_MAX_AREAS and region:
        fig = figure_for(dict(state, region=region), "compare")
        n_region = len(_y_labels(fig))
        first = _with_subtitle(
            prov,
            f"{region_name}, the region of {area_names(model, [focus], state['geography'])[focus]} "
            f"({n_region} of {n} areas), "
            f"with the England and region lines; the national ranking of all {n} follows",
        )
        region_windows = _windows_for(fig, first, size)
        region_slots = slots_for(region_windows, COMPARE_MIN_SLOTS)
        for i, (a, b, _cap) in enumerate(region_windows):
            label = region_name if len(region_windows) == 1 else f"{region_name} ({i + 1})"
            parts.append(Part(window(fig, a, b, region_slots[i]), first, label))
    ranking = _with_subtitle(prov, f"national ranking of all {n} areas")
    windows = _windows_for(full, ranking, size)
    for (a, b, _cap), slots in zip(windows, slots_for(windows), strict=True):
        label = f"ranks {a + 1}-{b} of {n}"
        parts.append(
            Part(
                window(full, a, b, slots),
                _with_subtitle(prov, f"national ranking, {label}"),
                label,
            )
        )
    return _numbered(parts)


# --- spine -------------------------------------------------------------------------


def spine_parts(
    model: Model,
    state: dict,
    prov: Provenance,
    size: Size,
    domains: list[str] | None = None,
    rows: pd.DataFrame | None = None,
    together: str = "",
    versus: str | None = None,
) -> list[Part]:
    """The spine chart one domain at a time (``domains`` limits and orders them), or, with
    ``together`` (a heading), the ``domains`` in one chart under their own headings, split
    over as many pages as its rows need (a board pack: no half-empty page per short domain)."""
    areas = state["areas"]
    geography = geography_of(model, areas[0]) or state["geography"]
    comp = comparator_from_state(model, dict(state, geography=geography))
    if rows is None:
        rows = compare_spine(model, areas, comp, geography)
    if versus is None:
        versus = "England" if comp.kind == "england" else comp.heading
    names = area_names(model, areas, geography)
    parts: list[Part] = []
    groups = [[d] for d in (domains or domain_order(rows))]
    if together:
        groups = [[d for group in groups for d in group]]
    for group in groups:
        sub = rows[rows["domain"].astype(str).isin(group)]
        if sub.empty:
            continue
        fig = spine_chart(
            sub, areas=areas, area_names=names, palette=state["palette"], ci=state["ci"], versus=versus
        )
        heading = together or s.DOMAINS.get(group[0], group[0])
        n_ind = sub[s.INDICATOR_ID].nunique()
        base = _with_subtitle(prov, f"{heading} ({n_ind} indicator{'s' if n_ind != 1 else ''})")
        windows = _windows_for(fig, base, size)
        for i, ((a, b, _cap), slots) in enumerate(
            zip(windows, slots_for(windows, MIN_SPINE_SLOTS), strict=True)
        ):
            label = heading if len(windows) == 1 else f"{heading} ({i + 1} of {len(windows)})"
            part_prov = base if len(windows) == 1 else _with_subtitle(prov, label)
            parts.append(Part(window(fig, a, b, slots), part_prov, label))
    return _numbered(parts)


# --- overview ----------------------------------------------------------------------


def _overview_columns(grid: pd.DataFrame, per_page: int) -> list[list[str]]:
    """Indicator groups for the column pages: whole domains while they fit, long ones split."""
    ordered = domain_order(grid.rename(columns={}))
    pages: list[list[str]] = [[]]
    for domain in ordered:
        ids = list(dict.fromkeys(grid.loc[grid["domain"].astype(str) == domain, s.INDICATOR_ID]))
        if pages[-1] and len(pages[-1]) + len(ids) > per_page:
            pages.append([])
        for ind in ids:
            if len(pages[-1]) >= per_page:
                pages.append([])
            pages[-1].append(ind)
    return [p for p in pages if p]


def _overview_figure(grid: pd.DataFrame, palette: str) -> go.Figure:
    """The overview heatmap with its indicator names upright-wrapped for a page."""
    fig = overview_figure(grid, palette=palette)
    names = list(fig.data[0].x)
    wrapped = ["<br>".join(wrap(str(n), OVERVIEW_LABEL_PX, MIN_FONT_PX)) for n in names]
    longest = max((text_px(line, MIN_FONT_PX) for w in wrapped for line in w.split("<br>")), default=0)
    fig.update_xaxes(tickvals=names, ticktext=wrapped, tickangle=-90)
    fig.update_layout(meta={"export_top": int(longest + 12)})
    return fig


def overview_parts(model: Model, state: dict, prov: Provenance, size: Size) -> list[Part]:
    geography = overview_geography(state.get("geography"))
    comp = comparator_from_state(model, state)
    grid = compare_grid(model, comp, region=state.get("region") or "", geography=geography)
    if state.get("region"):
        regions = [(state["region"], "")]
    else:
        focus = state["areas"][0] if state.get("areas") else ""
        region = region_of(model, focus, geography) if focus else ("", "")
        info = model.areas[model.areas[s.GEOGRAPHY] == geography].drop_duplicates("region_code")
        regions = (
            [region]
            if region[0]
            else list(
                info.sort_values("region_name")[["region_code", "region_name"]].itertuples(
                    index=False, name=None
                )
            )
        )
    home = model.areas[model.areas[s.GEOGRAPHY] == geography].set_index(s.AREA_CODE)["region_code"]
    probe = _overview_figure(
        grid[grid[s.INDICATOR_ID].isin(grid[s.INDICATOR_ID].unique()[:1])], state["palette"]
    )
    width, _ = plot_area(probe, prov, size)
    max_lines = max(
        (len(wrap(str(n), OVERVIEW_LABEL_PX, MIN_FONT_PX)) for n in grid["short_name"].unique()), default=1
    )
    per_page = max(1, int(width // (ROW_PX * max_lines)))
    columns = _overview_columns(grid, per_page)
    parts: list[Part] = []
    for code, name in regions:
        name = name or str(model.areas.loc[model.areas[s.AREA_CODE] == code, s.AREA_NAME].iloc[0])
        in_region = grid[grid[s.AREA_CODE].map(home) == code]
        for group in columns:
            sub = in_region[in_region[s.INDICATOR_ID].isin(group)]
            if sub.empty:
                continue
            sub = sub.set_index(s.INDICATOR_ID).loc[group].reset_index()
            fig = _overview_figure(sub, state["palette"])
            domains = ", ".join(
                dict.fromkeys(s.DOMAINS.get(d, d).split(":")[0] for d in sub["domain"].astype(str))
            )
            label = f"{name}: {domains}"
            base = _with_subtitle(prov, label)
            windows = _windows_for(fig, base, size)
            for i, ((a, b, _cap), slots) in enumerate(zip(windows, slots_for(windows), strict=True)):
                more = "" if len(windows) == 1 else f" ({i + 1} of {len(windows)})"
                parts.append(
                    Part(
                        window(fig, a, b, slots),
                        _with_subtitle(prov, label + more),
                        label + more,
                    )
                )
    return _numbered(parts)


def _numbered(parts: list[Part]) -> list[Part]:
    """'part i of n' in each subtitle when there is more than one."""
    if len(parts) < 2:
        return parts
    return [
        dataclasses.replace(p, provenance=_with_subtitle(p.provenance, f"part {i} of {len(parts)}"))
        for i, p in enumerate(parts, start=1)
    ]


def chart_parts(
    model: Model, state: dict, page: str, prov: Provenance, size: Size, figure_for: FigureFor
) -> list[Part]:
    """The legible parts of a chart page's export (one part for most pages)."""
    if page == "compare":
        return compare_parts(model, state, prov, size, figure_for)
    if page == "spine":
        return spine_parts(model, state, prov, size)
    if page == "overview":
        return overview_parts(model, state, prov, size)
    return [Part(figure_for(state, page), prov)]

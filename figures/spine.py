"""Spine chart (area profile): one row per indicator, England at the centre, worst left, best right.

Scaling is ``data.analysis.spine_scale`` (PHE Technical Guide: Spine Charts, 2017). Rows are
grouped under domain headings; each area is a marker (own symbol) coloured by its category.
``spine_table`` gives the numbers shown beside the chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data import schema as s
from data.analysis import spine_scale
from figures import common
from figures import palette as pal

ROW_HEIGHT_PX = 26
BAND_LIGHT = "#D6D6D6"
BAND_DARK = "#9E9E9E"
MAX_AREAS = len(pal.AREA_SYMBOLS)


HOVER_EXTRAS = (s.PERIOD, s.LOWER95, s.UPPER95, s.LOWER998, s.UPPER998, s.COUNT, s.DENOMINATOR)


def _hover(shown: pd.DataFrame, cats: pd.Series, name: str, palette: str, ci: str) -> list[str]:
    """Hover per marker: area, indicator, value (unit) with CI, count/denominator, England, category."""
    lower_col, upper_col = pal.ci_columns(ci)
    texts = []
    for rec, cat in zip(shown.to_dict("records"), cats, strict=True):
        unit = rec.get("unit")
        value = common.format_value(rec[s.VALUE], unit)
        ci_text = common.format_ci(rec.get(lower_col), rec.get(upper_col), ci)
        lines = [f"<b>{name}</b>", f"{rec['_label'].strip()} {rec.get(s.PERIOD) or ''}".strip()]
        lines.append(value + (f" ({ci_text})" if ci_text else ""))
        if not common.is_missing(rec.get(s.COUNT)):
            count = f"Count {common.format_number(rec[s.COUNT], 0)}"
            if not common.is_missing(rec.get(s.DENOMINATOR)):
                count += f" / {common.format_number(rec[s.DENOMINATOR], 0)}"
            lines.append(count)
        national = rec.get("benchmark") if rec.get("benchmark") not in (None, "NHS region") else "England"
        lines.append(f"{national} {common.format_value(rec['england_value'], unit)}")
        lines.append(f"Compared with {national}: {pal.category_label(cat, palette)}")
        texts.append("<br>".join(lines))
    return texts


def _indicator_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator with its scale positions, ordered by domain then input order."""
    ind = rows.drop_duplicates("indicator_id").copy()
    ind["_order"] = np.arange(len(ind))
    domain_keys = list(s.DOMAINS)
    ind["_domain_rank"] = (
        ind["domain"]
        .astype(str)
        .map(lambda d: domain_keys.index(d) if d in domain_keys else len(domain_keys))
    )
    ind = ind.sort_values(["_domain_rank", "_order"], kind="stable").reset_index(drop=True)
    pos = spine_scale(ind["england_value"], ind["min"], ind["q25"], ind["q75"], ind["max"], ind["polarity"])
    return pd.concat([ind, pos.drop(columns="value")], axis=1)


def _y_labels(ind: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """Category order for the y axis (domain headings interleaved) and indicator -> label."""
    order: list[str] = []
    label_of: dict[str, str] = {}
    for _domain, group in ind.groupby("_domain_rank", sort=True):
        key = str(group["domain"].iloc[0])
        order.append(f"<b>{s.DOMAINS.get(key, key)}</b>")
        for rec in group.itertuples(index=False):
            label = f"{rec.short_name}  "
            while label in label_of.values() or label in order:
                label += " "
            label_of[rec.indicator_id] = label
            order.append(label)
    return order, label_of


def spine_chart(
    rows: pd.DataFrame,
    *,
    areas: Sequence[str],
    area_names: Mapping[str, str],
    palette: str = pal.FINGERTIPS,
    ci: str = "95",
) -> go.Figure:
    """Spine chart of several indicators for up to six areas.

    ``rows``: one row per indicator and area with indicator_id, short_name, domain, polarity,
    unit, england_value, min, q25, q75, max, area_code, value, category.
    """
    pal.check_palette(palette)
    areas = list(dict.fromkeys(areas))[:MAX_AREAS]
    ind = _indicator_rows(rows)
    order, label_of = _y_labels(ind)
    ind["_label"] = ind["indicator_id"].map(label_of)
    fig = go.Figure()
    bands = [
        ("worst", "q_worse", BAND_LIGHT, "Worst to 25th percentile"),
        ("q_worse", "q_better", BAND_DARK, "25th to 75th percentile"),
        ("q_better", "best", BAND_LIGHT, "75th percentile to best"),
    ]
    for start, end, colour, name in bands:
        fig.add_trace(
            go.Bar(
                base=ind[start].tolist(),
                x=(ind[end] - ind[start]).tolist(),
                y=ind["_label"].tolist(),
                orientation="h",
                marker=dict(color=colour, line=dict(width=0)),
                name=name,
                showlegend=start == "q_worse",
                hoverinfo="skip",
                width=0.6,
            )
        )

    missing_text: dict[str, list[str]] = {}
    for i, code in enumerate(areas):
        symbol = pal.AREA_SYMBOLS[i]
        sub = rows[rows[s.AREA_CODE] == code].set_index("indicator_id")
        sub = ind[
            ["indicator_id", "_label", "england_value", "min", "q25", "q75", "max", "polarity", "unit"]
        ].join(sub[[c for c in (s.VALUE, "category", *HOVER_EXTRAS) if c in sub]], on="indicator_id")
        pos = spine_scale(
            sub["england_value"],
            sub["min"],
            sub["q25"],
            sub["q75"],
            sub["max"],
            sub["polarity"],
            sub[s.VALUE],
        )
        has = sub[s.VALUE].notna().to_numpy()
        for label in sub.loc[~has, "_label"]:
            missing_text.setdefault(label, []).append(area_names.get(code, code))
        shown = sub[has]
        cats = pal.clean_categories(shown["category"])
        name = area_names.get(code, code)
        fig.add_trace(
            go.Scatter(
                x=np.clip(pos["value"][has], -0.02, 1.02).tolist(),
                y=shown["_label"].tolist(),
                mode="markers",
                name=name,
                showlegend=False,
                legendgroup=code,
                marker=dict(
                    symbol=symbol,
                    size=13,
                    color=pal.category_colours(cats, palette),
                    line=dict(color="#1A1A1A", width=1.2),
                ),
                customdata=[[code, ind_id] for ind_id in shown["indicator_id"]],
                hovertext=_hover(shown, cats, name, palette, ci),
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        # a neutral legend key so the symbol, not a category colour, identifies the area
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=name,
                legendgroup=code,
                showlegend=True,
                marker=dict(symbol=symbol, size=12, color="#FFFFFF", line=dict(color="#1A1A1A", width=1.5)),
                hoverinfo="skip",
            )
        )
    # say "no data" in the row's own label, where automargin keeps it readable
    ticktext = [
        f"{label}<span style='color:#6E6E6E'>(no data"
        + ("" if len(areas) == 1 else ": " + ", ".join(missing_text[label]))
        + ")</span>  "
        if label in missing_text
        else label
        for label in order
    ]
    fig.add_vline(x=0.5, line=dict(color=pal.ENGLAND_COLOUR, width=2))
    height = max(320, ROW_HEIGHT_PX * len(order) + 190)
    title = "Area profile: " + ", ".join(area_names.get(a, a) for a in areas)
    subtitle = (
        f"England at the centre line; worst on the left, best on the right; markers coloured by "
        f"comparison with England ({ci}% CI)"
    )
    fig.update_layout(
        **{
            **common.base_layout(title, uirevision="spine", subtitle=subtitle),
            "margin": dict(l=10, r=10, t=125, b=30),
        },
        barmode="overlay",
        height=height,
        legend=dict(orientation="h", yref="container", yanchor="top", y=1 - 62 / height, x=0, xanchor="left"),
        xaxis=dict(
            range=[-0.03, 1.03],
            showticklabels=False,
            showgrid=False,
            zeroline=False,
            fixedrange=True,
        ),
        yaxis=dict(
            categoryorder="array",
            categoryarray=order,
            tickvals=order,
            ticktext=ticktext,
            # explicit reversed range: autorange would trim heading rows that hold no trace
            range=[len(order) - 0.5, -0.5],
            automargin=True,
            showgrid=False,
            fixedrange=True,
        ),
    )
    fig.add_annotation(
        x=0, y=1, xref="x", yref="paper", yanchor="bottom", text="Worst", showarrow=False, font_size=11
    )
    fig.add_annotation(
        x=1, y=1, xref="x", yref="paper", yanchor="bottom", text="Best", showarrow=False, font_size=11
    )
    fig.add_annotation(
        x=0.5, y=1, xref="x", yref="paper", yanchor="bottom", text="England", showarrow=False, font_size=11
    )
    return fig


def spine_table(
    rows: pd.DataFrame, areas: Sequence[str], area_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The numbers beside the spine chart: indicator, period, each area's count and value, England, worst, best.

    Worst/best follow polarity; without polarity they are the lowest/highest value.
    """
    area_names = dict(area_names or {})
    ind = _indicator_rows(rows)
    low_good = ind["polarity"] == s.POLARITY_LOW_GOOD
    table = pd.DataFrame({"Indicator": ind["short_name"].to_numpy()})
    table["Period"] = ind["period"].to_numpy() if "period" in ind else ""
    for code in dict.fromkeys(areas):
        sub = rows[rows[s.AREA_CODE] == code].drop_duplicates("indicator_id").set_index("indicator_id")
        name = area_names.get(code, code)
        joined = ind[["indicator_id"]].join(sub, on="indicator_id")
        table[f"{name} count"] = joined[s.COUNT].to_numpy() if s.COUNT in joined else np.nan
        table[f"{name} value"] = joined[s.VALUE].to_numpy()
    table["England"] = ind["england_value"].to_numpy()
    table["Worst"] = np.where(low_good, ind["max"], ind["min"])
    table["Best"] = np.where(low_good, ind["min"], ind["max"])
    table["Unit"] = ind["unit"].to_numpy()
    return table

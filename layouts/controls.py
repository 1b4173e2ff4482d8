"""The shared controls: indicator, period, geography, sex, areas, region, benchmark, CI."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from data.model import schema as s
from data.model.core import Model
from data.queries.areas import area_name, geography_of
from layouts import ids
from layouts.widgets import labelled, radio
from views.controls import BENCHMARK_OPTIONS
from views.controls import (
    region_options as regions_for,  # the England label is renamed for partial national values
)


def indicator_options(catalogue: pd.DataFrame) -> list[dict]:
    """Dropdown options grouped by domain: a disabled heading, then its indicators."""
    options: list[dict] = []
    order = list(s.DOMAINS)
    cat = catalogue.assign(
        _d=catalogue["domain"].astype(str).map(lambda d: order.index(d) if d in order else 99)
    )
    for _, group in cat.sort_values(["_d", "short_name"]).groupby("_d", sort=True):
        key = str(group["domain"].iloc[0])
        heading = s.DOMAINS.get(key, key)
        options.append({"label": f"— {heading} —", "value": f"__domain_{key}", "disabled": True})
        for indicator_id, row in group.iterrows():
            options.append(
                {
                    "label": row["short_name"],
                    "value": indicator_id,
                    "search": f"{row['short_name']} {row['name']} {heading} {indicator_id}",
                    "title": row["name"],
                }
            )
    return options


def area_options(model: Model, geography: str, keep: list[str] | None = None) -> list[dict]:
    """Areas of the geography to search (name, GSS or ODS code), plus any selected elsewhere."""
    areas = model.areas[model.areas[s.GEOGRAPHY] == geography].sort_values(s.AREA_NAME)
    options = [
        {
            "label": f"{name} ({ods or code})",
            "value": code,
            "search": f"{name} {code} {ods}",
        }
        for code, name, ods in zip(areas[s.AREA_CODE], areas[s.AREA_NAME], areas["ods_code"].fillna(""))
    ]
    here = set(areas[s.AREA_CODE])
    for code in dict.fromkeys(c for c in keep or [] if c not in here):
        other = geography_of(model, code)  # the geography the code means (an E54 code: the ICB)
        if other is None:
            continue
        name = area_name(model, code, other)
        label = f"{name} ({s.GEOGRAPHIES.get(other, other)}; not on this map)"
        options.append({"label": label, "value": code, "search": f"{name} {code}"})
    return options


def region_options(model: Model) -> list[dict]:
    """Every region of every region set (the page's own list follows the geography:
    ``views.controls.region_options`` through callbacks/benchmark.py)."""
    return regions_for(model)


def controls(model: Model) -> html.Div:
    """The control panel every page shares (values are set from the URL on load)."""
    return html.Div(
        id=ids.CONTROLS,
        className="controls",
        tabIndex="-1",  # the skip link moves focus here
        children=[
            html.Div(
                className="ctl-row",
                children=[
                    labelled(
                        "Indicator",
                        html.Div(
                            className="indicator-picker",
                            children=[
                                dcc.Dropdown(
                                    id=ids.INDICATOR,
                                    options=indicator_options(model.catalogue),
                                    clearable=False,
                                    searchable=True,
                                    placeholder="Search indicators…",
                                    optionHeight=32,
                                    maxHeight=420,
                                ),
                                html.Button(
                                    "Definition", id=ids.DEFINITION_BUTTON, className="btn-link", n_clicks=0
                                ),
                            ],
                        ),
                        "wide",
                    ),
                    labelled("Period", dcc.Dropdown(id=ids.PERIOD, clearable=False)),
                    labelled("Geography", dcc.Dropdown(id=ids.GEOGRAPHY, clearable=False)),
                    labelled("Sex", dcc.Dropdown(id=ids.SEX, clearable=False)),
                ],
            ),
            html.Div(id=ids.DEFINITION_PANEL, className="definition", hidden=True),
            html.Div(
                className="ctl-row",
                children=[
                    labelled(
                        "Areas (the first is the focus): type a CCG or sub-ICB name or code, a council, or a "
                        "former CCG",
                        dcc.Dropdown(
                            id=ids.AREAS,
                            multi=True,
                            placeholder="e.g. Kernow, 11N, Cornwall, Barnsley, NHS Walsall CCG…",
                            optionHeight=44,
                            maxHeight=420,
                        ),
                        "wide",
                    ),
                    labelled(
                        "Region", dcc.Dropdown(id=ids.REGION, options=region_options(model), clearable=False)
                    ),
                    labelled(
                        "Benchmark",
                        radio(
                            ids.BENCHMARK,
                            list(BENCHMARK_OPTIONS),
                            "england",
                        ),
                    ),
                    labelled("Confidence", radio(ids.CI, [("95", "95%"), ("99.8", "99.8%")], "95")),
                ],
            ),
        ],
    )

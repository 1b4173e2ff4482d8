"""The shared controls' options that depend on the selection.

The Benchmark radio's "England" only where the England value covers England: where an
indicator's national value is summed from only some CCGs (GP appointments: 49 of 106), the
charts, legends and exports call it "49 of 106 CCGs with data"
(``data.queries.view_frames.benchmark_label``); the radio option says the same on the pages that
show one indicator, so the control never promises a national comparison the data cannot make.
Pages of many indicators (spine, overview, alerts) keep "England": there each row names its own
comparator.
"""

from __future__ import annotations

from data.model import schema as s
from data.model.core import Model
from data.model.store import load_model
from data.queries.areas import area_word
from data.queries.rows import GEOGRAPHY_PREFERENCE, indicator_geographies
from data.queries.view_frames import ENGLAND_LABEL, benchmark_label
from views.cache import memoized

BENCHMARK_OPTIONS = (("england", "England"), ("region", "Region"), ("peers", "Similar CCGs"))
INDICATOR_PAGES = ("map", "compare", "table", "trends", "funnel")


@memoized
def _label(indicator: str, period: str | None, sex: str, geography: str | None = None) -> str:
    model = load_model()
    if indicator not in model.catalogue.index:
        return ENGLAND_LABEL
    return benchmark_label(model, indicator, period, sex, geography)


def benchmark_inputs(state: dict | None) -> tuple:
    """What the Benchmark radio's options follow from: (indicator, period, sex) where a page of one
    indicator names its national comparator (else None for each), and the geography."""
    geography = (state or {}).get("geography") or s.HOME_GEOGRAPHY
    if state and state.get("page") in INDICATOR_PAGES and state.get("indicator"):
        period = None if state["page"] == "trends" else state.get("period") or None
        return state["indicator"], period, state.get("sex") or "Persons", geography
    return None, None, None, geography


def benchmark_options(state: dict | None) -> list[dict]:
    """The radio's options for a selection: the England option named for what it really is, the
    peers option for the kind of area compared ("Similar ICBs" on ICBs)."""
    indicator, period, sex, geography = benchmark_inputs(state)
    label = _label(indicator, period, sex, geography) if indicator else ENGLAND_LABEL
    words = {"england": label, "peers": f"Similar {area_word(geography, 2)}"}
    return [{"label": words.get(value, text), "value": value} for value, text in BENCHMARK_OPTIONS]


# --- the Geography selector ----------------------------------------------------------------------

# Each geography in the words people use, with how many areas it has. The CCG 2021 areas are
# today's sub-ICB locations (98 of 106 unchanged), so that option says so; the sub-ICB locations
# are listed under their NHS England names with the CCG each was ("... (formerly NHS Kernow CCG)").
GEOGRAPHY_LABELS = {
    "ccg21": "CCGs, April 2021 (106; now sub-ICB locations)",
    "sicbl23": "Sub-ICB locations, 2023 (106; with former CCG names)",
    "icb23": "ICBs, 2023 (42)",
    "sicbl22": "Sub-ICB locations, July 2022 (106)",
    "icb22": "ICBs, July 2022 (42)",
    "ccg20": "CCGs, April 2020 (135)",
    "ccg19": "CCGs, April 2019 (191)",
    "ccg18": "CCGs, April 2018 (195)",
    "ccg17": "CCGs, April 2017 (207)",
    "ccg16": "CCGs, 2015/16 (209)",
    "ccg13": "CCGs, April 2013 (211)",
    "stp21": "STPs, April 2021 (42)",
}
# Offered for every indicator: where an indicator has no values there, the option is disabled and
# says why (the build's geography_methods frame).
ALWAYS_OFFERED = (s.HOME_GEOGRAPHY, s.SUBICB_GEOGRAPHY, s.ICB_GEOGRAPHY)
# How a geography's values were made, in the selector's few words (status of geography_methods).
STATUS_WORDS = {
    "summed": "summed from smaller areas",
    "apportioned": "moved from CCG 2021 by population",
    "population-weighted": "population-weighted means: approximate",
    "trust mean": "mean of the trusts based there",
}


def geography_method(model: Model, indicator: str, geography: str) -> dict | None:
    """The build's record of how ``indicator``'s values on ``geography`` were made (status, n_areas,
    n_of, how), or None where it keeps none (the older vintages: values as published)."""
    return model.methods.get((indicator, geography))


def geography_label(geography: str) -> str:
    return GEOGRAPHY_LABELS.get(geography, s.GEOGRAPHIES.get(geography, geography))


def geography_options(model: Model, indicator: str) -> list[dict]:
    """The Geography dropdown's options for an indicator: every geography it has, and the current
    NHS geography always, each labelled in words people use; with a partial coverage the count of
    areas with data in the label; a geography without values disabled with the reason in its
    label; how the values were made (or why there are none) as each option's title."""
    have = set(indicator_geographies(model, indicator))
    options = []
    for geography in GEOGRAPHY_PREFERENCE:
        if geography not in have and geography not in ALWAYS_OFFERED:
            continue
        label = geography_label(geography)
        method = geography_method(model, indicator, geography)
        option: dict = {"label": label, "value": geography}
        if method is not None:
            option["title"] = str(method["how"])
        if geography not in have:
            why = str(method["how"]).split(": ", 1)[-1] if method else "no values for this geography"
            option.update(label=f"{label}: {why}", disabled=True)
        elif method is not None and method["status"] == "partial":
            stem = label.split(" (")[0]
            option["label"] = f"{stem} ({int(method['n_areas'])} of {int(method['n_of'])} with data)"
        options.append(option)
    return options


def geography_notes(model: Model, state: dict) -> list[str]:
    """What the page says about the selection's geography: how the values were made where they are
    not simply published (summed, moved, population-weighted, partial), and why the region
    comparison is missing where the regions have no values."""
    indicator, geography = state.get("indicator"), state.get("geography")
    if not indicator or geography not in ALWAYS_OFFERED:
        return []
    notes = []
    method = geography_method(model, indicator, geography)
    if method is not None and method["status"] not in ("published", "same area"):
        notes.append(str(method["how"]) + ".")
    if state.get("benchmark") == "region":
        region = geography_method(model, indicator, s.region_geography(geography))
        if region is not None and region["status"] == "none":
            why = str(region["how"]).split("not shown: ", 1)[-1]
            notes.append(f"No region value to compare with: {why}.")
    return notes


# --- the Region selector -------------------------------------------------------------------------


def region_options(model: Model, geography: str | None = None) -> list[dict]:
    """The Region dropdown's options: the regions the areas of ``geography`` belong to (April 2021
    for the CCG vintages; the July 2022 / January 2024 regions for the current sets, whose codes
    differ for four regions), or, without a geography, every region of every set (so that a
    link's region is an option before the geography's own list arrives)."""
    areas = model.areas
    if geography is None:
        regions = areas[areas[s.GEOGRAPHY].isin(s.REGION_GEOGRAPHIES)]
        pairs = dict(zip(regions[s.AREA_CODE], regions[s.AREA_NAME], strict=True))
    else:
        mine = areas[(areas[s.GEOGRAPHY] == geography) & areas["region_code"].notna()]
        names = areas[areas[s.GEOGRAPHY].isin(s.REGION_GEOGRAPHIES)].drop_duplicates(s.AREA_CODE)
        names = names.set_index(s.AREA_CODE)[s.AREA_NAME]
        pairs = {
            str(code): str(name) if isinstance(name, str) and name else str(names.get(code, code))
            for code, name in zip(mine["region_code"], mine["region_name"], strict=True)
        }
    ordered = sorted(pairs.items(), key=lambda kv: (kv[1], kv[0]))
    return [{"label": "All regions", "value": ""}] + [{"label": n, "value": c} for c, n in ordered]

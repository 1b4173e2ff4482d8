"""Words about a view for its exports: title, subtitle, source, method and file name.

Everything is derived from the selection (``selection`` dict) and the model's
catalogue, so a chart, its data file and the board pack describe a view the same way.
"""

from __future__ import annotations

import re

from data.methods.formatting import format_value
from data.model import schema as s
from data.model.core import Model
from data.model.peers import DEFAULT_PEER_SET, N_PEERS_FOR, PEER_SETS
from data.queries.areas import area_names, area_word
from data.queries.comparator import comparator_from_state, compare_slice, headline
from data.queries.funnel import funnel_benchmark, funnel_view, method_line
from data.queries.rows import Selection
from data.queries.view_frames import benchmark_label, overview_geography
from views.provenance import Provenance, first_sentence

INDICATOR_PAGES = ("map", "compare", "table", "trends", "funnel")
MAP_PAGES = ("map",)
APP_NAME = "CCG Outcomes Explorer"
INDICATOR_TITLES = {"map": "map", "compare": "areas compared", "table": "table", "funnel": "funnel plot"}


def _names(model: Model, codes: list[str], geography: str | None = None) -> list[str]:
    """The codes' names in ``geography`` (data.queries.areas: codes repeat across geographies)."""
    return list(area_names(model, codes, geography).values())


PEER_SET_WORDS = {
    "similar": "the nearest 10 by demographics",
    "rightcare": "RightCare's similar 10 of 2016, carried to CCG 2021",
}


def peer_set_text(state: dict) -> str:
    """The peer set a peers benchmark uses, in words that fit inside brackets."""
    key = state.get("peers") or DEFAULT_PEER_SET
    if key == "similar" and state.get("geography") == s.ICB_GEOGRAPHY:
        return f"the nearest {N_PEERS_FOR[s.ICB_GEOGRAPHY]} by demographics"
    return PEER_SET_WORDS.get(key) or PEER_SETS.get(key, str(key))


def benchmark_text(model: Model, state: dict, page: str) -> str:
    """What the view compares with, as the view itself does (``data.queries.comparator``): on an
    indicator page its headline with its value ("compared with NHS Kernow CCG's 10 similar CCGs
    (62.6%, pooled)", "compared with 49 of 106 CCGs with data (4.03%)"); the funnel its own
    average; the spine and overview the focus area's similar CCGs, each area's region, or England."""
    comp = comparator_from_state(model, state)
    if page == "funnel":
        sel = _selection(state)
        view = funnel_view(model, sel, ci=state["ci"], od=state.get("od") or "none")
        if view.funnel is None:
            return "no funnel"
        unit = model.catalogue.at[state["indicator"], "unit"]
        return f"compared with {funnel_benchmark(view)} ({format_value(view.funnel.limits.baseline, unit)})"
    if page in ("map", "compare", "table"):
        compared = compare_slice(model, _selection(state), comp)
        return "compared with " + headline(compared, comp).text(
            model.catalogue.at[state["indicator"], "unit"]
        )
    if comp.kind == "peers":
        return f"compared with {comp.heading} ({peer_set_text(state)})"
    if comp.kind == "region":
        return f"compared with {comp.heading}"
    return f"compared with {national_label(model, state, page)}"


def _selection(state: dict) -> Selection:
    return Selection(state["indicator"], state["period"], state["geography"], state["sex"])


def national_label(model: Model, state: dict, page: str) -> str:
    """England, or e.g. '49 of 106 CCGs with data' where the indicator's England is a partial sum."""
    if page not in INDICATOR_PAGES:
        return "England"
    return benchmark_label(
        model,
        state["indicator"],
        None if page == "trends" else state["period"],
        geography=state.get("geography"),
    )


def title_for(model: Model, state: dict, page: str) -> str:
    meta = model.catalogue.loc[state["indicator"]]
    if page in INDICATOR_TITLES:
        return f"{meta['name']}: {INDICATOR_TITLES[page]}"
    if page == "trends":
        who = ", ".join(_names(model, state["areas"], state.get("geography"))) or "England"
        return f"{meta['name']}: trend for {who}"
    if page == "spine":
        return f"Spine chart: {', '.join(_names(model, state['areas'], state.get('geography')))}"
    if page == "explorer":
        return f"{_variable_name(model, state['y'])} against {_variable_name(model, state['x'])}"
    if page == "overview":
        geography = overview_geography(state.get("geography"))
        return f"Overview: every indicator for every {area_word(geography)} ({_vintage(geography)})"
    raise ValueError(f"unknown page {page!r}")


def _vintage(geography: str) -> str:
    """'April 2021' of 'CCG (April 2021)'."""
    return s.GEOGRAPHIES.get(geography, geography).split("(")[-1].rstrip(")")


def _variable_name(model: Model, var: str) -> str:
    """An explorer axis by its name: an indicator's short name or a demographic's name."""
    if var.startswith("demo:") and var[5:] in model.demographic_catalogue.index:
        return str(model.demographic_catalogue.at[var[5:], "name"])
    if var in model.catalogue.index:
        return str(model.catalogue.at[var, "short_name"])
    return var


def subtitle_for(model: Model, state: dict, page: str) -> str:
    """Indicator, period, geography, sex, benchmark and CI level, as the page uses them."""
    ci = f"{state['ci']}% confidence intervals"
    geography = s.GEOGRAPHIES.get(state["geography"], state["geography"])
    region = ""
    if state.get("region") and page in ("compare", "table", "overview"):
        region = "; " + _names(model, [state["region"]])[0]
    if page in INDICATOR_PAGES:
        meta = model.catalogue.loc[state["indicator"]]
        unit = f" ({meta['unit']})" if meta["unit"] not in ("count", "value", "") else ""
        if unit and f"({meta['unit']}" in str(meta["short_name"]):
            unit = ""  # the short name already says it: "(%)", "(%, yearly)"
        period = "all periods" if page == "trends" else state["period"]
        parts = [f"{meta['short_name']}{unit}", period, f"{geography}{region}", state["sex"]]
        return " · ".join(parts + [benchmark_text(model, state, page), ci])
    if page == "spine":
        return " · ".join(
            ["All indicators, latest period of each", geography, benchmark_text(model, state, page), ci]
        )
    if page == "overview":
        return " · ".join(
            [
                f"All indicators, latest period of each{region}",
                "CCG (April 2021)",
                benchmark_text(model, state, page),
                ci,
            ]
        )
    if page == "explorer":
        return " · ".join(
            [
                f"{_variable_name(model, state['y'])} ({state['period']}) against {_variable_name(model, state['x'])}",
                "CCG (April 2021)",
                "95% CI",
            ]
        )
    raise ValueError(f"unknown page {page!r}")


def _indicators_of(model: Model, state: dict, page: str) -> list[str]:
    if page in INDICATOR_PAGES:
        return [state["indicator"]]
    if page == "explorer":
        return [v for v in (state["x"], state["y"]) if not v.startswith("demo:")]
    return list(model.catalogue.index)


def source_for(model: Model, state: dict, page: str) -> str:
    cat = model.catalogue.loc[_indicators_of(model, state, page)]
    publishers = list(dict.fromkeys(cat["publisher"].astype(str)))
    text = "; ".join(publishers[:4])
    if len(publishers) > 4:
        text += f"; and {len(publishers) - 4} more (see the data file's metadata)"
    if page == "explorer" and any(v.startswith("demo:") for v in (state["x"], state["y"])):
        text += "; area demographics (ONS, MHCLG)"
    return text + f". Compiled by the {APP_NAME}."


def method_for(model: Model, state: dict, page: str) -> str:
    ci = state["ci"]
    if page == "funnel":  # the funnel compares with its own average, under the chosen od=
        sel = Selection(state["indicator"], state["period"], state["geography"], state["sex"])
        od = state.get("od") or "none"
        return method_line(model, sel, funnel_view(model, sel, ci=ci, od=od), ci=ci, od=od)
    comp = comparator_from_state(model, state)
    versus = {
        "england": national_label(model, state, page),
        "peers": f"the value of {comp.heading} ({peer_set_text(state)}; their counts pooled, or the mean "
        "of their values)",
    }.get(comp.kind, "the area's NHS region")
    scope = (
        " Only the focus area and its similar areas are compared; the others are not (not in the peer group)."
        if comp.scope
        else ""
    )
    if page == "explorer":
        return (
            "Ordinary least squares across areas; associations between areas are not associations "
            "between people (ecological fallacy)."
        )
    ci_methods = ", ".join(
        dict.fromkeys(model.catalogue.loc[_indicators_of(model, state, page), "ci_method"])
    )
    return (
        f"Each value is compared with {versus}: significantly better or worse where the {ci}% "
        f"confidence interval excludes the benchmark, otherwise similar (Fingertips method; "
        f"intervals: {ci_methods}). Indicators with no polarity are marked higher or lower.{scope}"
    )


def caveat_for(model: Model, state: dict, page: str, limit: int = 240) -> str:
    """The first sentence of a single indicator's caveats, printed on every export of it, so that a
    publisher's warning (NHS England: FFT results are not for ranking providers) travels with the chart."""
    shown = _indicators_of(model, state, page)
    if len(shown) != 1 or shown[0] not in model.catalogue.index:
        return ""
    text = str(model.catalogue.at[shown[0], "caveats"] or "").strip()
    if not text or text.lower() in {"none", "nan", "none recorded"}:
        return ""
    first = first_sentence(text)  # "'c. 2014/15-2015/16'" is not the end of a sentence
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


def provenance(model: Model, state: dict, page: str, link: str) -> Provenance:
    """Title, subtitle and footer facts for one view."""
    return Provenance(
        caveat=caveat_for(model, state, page),
        title=title_for(model, state, page),
        subtitle=subtitle_for(model, state, page),
        source=source_for(model, state, page),
        method=method_for(model, state, page),
        link=link,
        boundaries=page in MAP_PAGES,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")


def file_name(state: dict, page: str, fmt: str) -> str:
    """``ccg-outcomes_map_qof_hyp_2022-23_ccg21.png``: page, what it shows, extension."""
    if page in INDICATOR_PAGES:
        parts = [
            state["indicator"],
            "all-periods" if page == "trends" else state["period"],
            state["geography"],
        ]
        if page == "trends" and state["areas"]:
            parts.append("-".join(state["areas"][:3]))
    elif page == "spine":
        parts = ["-".join(state["areas"][:3]) or "no-area", state["benchmark"]]
    elif page == "explorer":
        parts = [state["y"], "vs", state["x"]]
    else:
        parts = [state.get("region") or "england", state["benchmark"]]
    body = "_".join(_slug(str(p)) for p in parts)
    return f"ccg-outcomes_{page}_{body}.{fmt}"

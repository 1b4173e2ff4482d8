"""The indicator catalogue (/indicators, /indicators/<id>), the data-age line every view carries and
the Definition panel: what they say, as text and ``views.content``.

The catalogue frame (coverage, periods, end of the latest period) is made at model build; here it
is only filtered, and ages are taken against today. ``layouts.catalogue`` lays the entries out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from data.model import schema as s
from data.model.catalogue import FRAME_NAME, gpps_overall_good, search
from data.model.core import Model
from data.model.freshness import STALE_YEARS, data_age_notice, describe_age, is_stale, period_end
from data.model.store import load_model
from data.queries.rows import indicator_periods
from data.queries.view_frames import shown_periods
from selection import DEMOGRAPHIC_PREFIX, catalogue_href, catalogue_id
from views.content import Link, el, terms
from views.controls import geography_notes

FFT_INDICATORS = ("gp_fft_positive",)
GPPS_FRAME = "gpps_national"
SINGLE_INDICATOR_PAGES = ("map", "compare", "table")


def geography_names(geographies: str) -> str:
    return ", ".join(s.GEOGRAPHIES.get(g, g) for g in str(geographies).split(",") if g)


def _end(row: dict) -> date | None:
    end = row.get("latest_end")
    return None if end is None or pd.isna(end) else pd.Timestamp(end).date()


def age_text(row: dict, today: date) -> str:
    """ "2014/15 (ended Mar 2015, 11 years ago)"."""
    if not row.get("latest_period"):
        return "no data loaded"
    return f"{row['latest_period']} ({describe_age(_end(row), today)})"


def is_old(row: dict, today: date) -> bool:
    return bool(row.get("latest_period")) and is_stale(
        row["latest_period"], today, start=row.get("latest_end")
    )


def coverage_text(row: dict) -> str:
    if not row.get("coverage_of"):
        return "no areas"
    geo = s.GEOGRAPHIES.get(row["home_geography"], row["home_geography"])
    return f"{row['coverage_n']} of {row['coverage_of']} {geo} areas ({row['coverage_period']})"


def periods_text(row: dict) -> str:
    n = int(row.get("n_periods") or 0)
    if n == 0:
        return "none"
    if n == 1:
        return str(row["latest_period"])
    return f"{n} periods, {row['first_period']} to {row['latest_period']}"


COMPARE_TEXT = {
    s.COMPARE_CATEGORIES: "better, similar or worse than the benchmark, from the confidence limits",
    s.COMPARE_ON_REQUEST: "shown as values; better or worse only when asked for, with the caveat beside it",
    s.COMPARE_ENGLAND_ONLY: "against England only, and only where the comparison is sound (see the definition)",
    s.COMPARE_VALUES: "shown as values only: no better or worse",
}


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def entry_fields(row: dict, today: date) -> list[tuple[str, str]]:
    """Everything the catalogue says about one indicator, as (label, text) pairs; a survey item's
    wording with where it is stated, how it may be compared, and whether it leaves the summaries."""
    extra: list[tuple[str, str]] = []
    if _text(row, "wording"):
        extra.append(
            ("Question", f'"{row["wording"]}" (wording as stated in: {row.get("wording_source", "")})')
        )
    if _text(row, "compare"):
        extra.append(("Comparison", COMPARE_TEXT.get(str(row["compare"]), str(row["compare"]))))
    if str(row.get("in_summaries")) == "False":
        extra.append(
            (
                "Shown on",
                "its survey's page and here; kept off the default spine, overview and board pack "
                "(no public source states the question's wording)",
            )
        )
    return [
        *_fields(row, today),
        *extra,
    ]


def _fields(row: dict, today: date) -> list[tuple[str, str]]:
    return [
        ("Indicator", str(row.get("name") or row.get("short_name"))),
        ("Domain", str(row.get("domain_label", ""))),
        ("Definition", str(row.get("definition") or "not recorded")),
        ("Unit", str(row.get("unit") or "")),
        ("Polarity", str(row.get("polarity") or "")),
        ("Method", f"{row.get('statistic', '')}; confidence intervals: {row.get('ci_method', '')}"),
        ("Source", f"{row.get('publisher', '')} ({row.get('source', '')})"),
        ("Licence", str(row.get("licence") or "not recorded")),
        ("Caveats", str(row.get("caveats") or "none recorded")),
        ("Periods", periods_text(row)),
        ("Geographies", geography_names(row.get("geographies", ""))),
        ("Coverage", coverage_text(row)),
        ("Latest data", age_text(row, today)),
    ]


def catalogue_rows(model: Model) -> pd.DataFrame:
    return model.frames[FRAME_NAME]


def gpps_sentence(model: Model) -> str | None:
    """The GP Patient Survey's national overall-experience figure, in words (None without the table)."""
    found = gpps_overall_good(model.frames.get(GPPS_FRAME))
    if found is None:
        return None
    pct, n = found
    count = f"; {n:,} respondents" if n else ""
    return (
        f"Nationally, {pct:.0f}% rate their overall experience of their GP practice as good "
        f"(GP Patient Survey 2026, England, Q32{count})."
    )


def england_value(model: Model, indicator_id: str) -> tuple[str, str] | None:
    """The England value of the indicator's latest period with one, formatted, and that period."""
    for period in reversed(indicator_periods(model, indicator_id)):
        rows = model.slice(indicator_id, "england", period, "Persons")
        if len(rows) and pd.notna(rows[s.VALUE].iloc[0]):
            unit = str(model.catalogue.at[indicator_id, "unit"])
            value = float(rows[s.VALUE].iloc[0])
            return (f"{value:.1f}%" if unit == "%" else f"{value:,.4g} {unit}"), period
    return None


def patient_experience_lines(model: Model, indicator_id: str) -> list[str]:
    """Domain 4's national reference beside an indicator: the FFT England value and the GPPS figure."""
    if indicator_id not in model.catalogue.index or str(model.catalogue.at[indicator_id, "domain"]) != "4":
        return []
    parts = []
    if indicator_id in FFT_INDICATORS and (england := england_value(model, indicator_id)):
        parts.append(f"England: {england[0]} of FFT responses positive ({england[1]}).")
    if sentence := gpps_sentence(model):
        parts.append(sentence)
    return [" ".join(parts)] if parts else []


def _suggestions(frame: pd.DataFrame, wanted: str) -> list[dict]:
    words = " ".join(w for w in wanted.replace("_", " ").replace("-", " ").split() if len(w) > 2)
    hits = pd.concat([search(frame, w) for w in words.split()]) if words else frame.iloc[0:0]
    return hits.drop_duplicates(s.INDICATOR_ID).head(8).to_dict("records")


@dataclass(frozen=True)
class CataloguePage:
    """What /indicators shows: the list (its count line: ``catalogue_matches``), one indicator, or an
    unknown id."""

    rows: list[dict] = field(default_factory=list)  # the list (empty: nothing matches, or a detail page)
    extras: dict[str, list[str]] = field(default_factory=dict)
    domain_notes: dict[str, list[str]] = field(default_factory=dict)
    detail: dict | None = None  # /indicators/<id>: its row
    detail_lines: list[str] = field(default_factory=list)
    unknown: str | None = None  # /indicators/<unknown id>
    suggestions: list[dict] = field(default_factory=list)


def catalogue_page(pathname: str | None) -> CataloguePage:
    """The catalogue for a path: every row (a search only hides some, in the browser), one
    indicator, or an unknown id."""
    model = load_model()
    frame = catalogue_rows(model)
    wanted = catalogue_id(pathname)
    if wanted is not None:
        hit = frame[frame[s.INDICATOR_ID] == wanted]
        if hit.empty:
            return CataloguePage(unknown=wanted, suggestions=_suggestions(frame, wanted))
        return CataloguePage(
            detail=hit.iloc[0].to_dict(), detail_lines=patient_experience_lines(model, wanted)
        )
    rows = frame.to_dict("records")
    extras = {r[s.INDICATOR_ID]: patient_experience_lines(model, r[s.INDICATOR_ID]) for r in rows}
    sentence = gpps_sentence(model)
    return CataloguePage(rows, extras, {"4": [sentence]} if sentence else {})


def count_line(frame: pd.DataFrame, rows: list[dict], text: str | None, today: date) -> str:
    """How many of the catalogue's rows are listed (and match the search), outcomes and old data."""
    n_old = sum(
        1 for r in rows if r["latest_period"] and is_stale(r["latest_period"], today, r["latest_end"])
    )
    n_outcome = sum(1 for r in rows if r["outcome"])
    return (
        f"{len(rows)} of {len(frame)} indicators"
        + (f" match '{text.strip()}'" if (text or "").strip() else "")
        + f": {n_outcome} outcome, {len(rows) - n_outcome} context; "
        f"{n_old} with latest data more than {STALE_YEARS} years old."
    )


def catalogue_matches(text: str | None, today: date) -> tuple[list[str] | None, str]:
    """The ids of the rows the search text matches (None: no text, every row) and the count line."""
    frame = catalogue_rows(load_model())
    hits = search(frame, text)
    ids = hits[s.INDICATOR_ID].astype(str).tolist() if (text or "").strip() else None
    return ids, count_line(frame, hits.to_dict("records"), text, today)


# --- the data-age notice -------------------------------------------------------------------


def _name(model: Model, indicator_id: str) -> str:
    return str(model.catalogue.at[indicator_id, "short_name"])


def _single(model: Model, indicator_id: str, period: str, today: date, prefix: str = "") -> list[str]:
    notice = data_age_notice(period, today)
    return [f"{prefix}{_name(model, indicator_id)}: {notice}"] if notice else []


def _explorer_axis(model: Model, var: str, period: str, today: date, axis: str) -> list[str]:
    if not var or var.startswith(DEMOGRAPHIC_PREFIX) or var not in model.catalogue.index:
        return []
    periods = indicator_periods(model, var, s.HOME_GEOGRAPHY)
    if not periods:
        return []
    chosen = (
        period if period in periods else periods[-1]
    )  # as data.queries.view_frames.variable_column chooses
    return _single(model, var, chosen, today, prefix=f"{axis} axis, ")


def _many(pairs: list[tuple[str, str]], today: date, what: str) -> list:
    """The notice for a view of many indicators (spine, overview): how many are old, and which."""
    old = [(name, period) for name, period in dict.fromkeys(pairs) if data_age_notice(period, today)]
    if not old:
        return []
    n = len(dict.fromkeys(pairs))
    summary = (
        f"{len(old)} of {n} indicators on this {what} have data more than {STALE_YEARS} years old "
        "(not today's figures): show which."
    )
    # one line per period, oldest first (a line per indicator was about 50 components, mounted in
    # the frame of every change on these pages)
    by_period: dict[str, list[str]] = {}
    for name, period in old:
        by_period.setdefault(period, []).append(name)
    oldest_first = sorted(by_period, key=lambda p: (period_end(p) or date.max, p))
    items = [el("Li", f"Data from {p}: {'; '.join(by_period[p])}.") for p in oldest_first]
    return [el("Details", [el("Summary", summary), el("Ul", items)])]


def data_age_items(state: dict, today: date | None = None) -> list:
    """Everything the data-age line says for a selection (empty when every figure is recent)."""
    model = load_model()
    today = today or date.today()
    page = state.get("page")
    indicator = state.get("indicator")
    if indicator not in model.catalogue.index:
        return []
    items: list = []
    if page in SINGLE_INDICATOR_PAGES:
        items += _single(model, indicator, state.get("period", ""), today)
    elif page == "trends":
        periods = indicator_periods(model, indicator, state.get("geography"))
        if periods:
            latest = data_age_notice(periods[-1], today)
            if latest:
                items.append(f"{_name(model, indicator)}: the latest point is old. {latest}")
    elif page == "explorer":
        items += _explorer_axis(model, state.get("y", ""), state.get("period", ""), today, "Y")
        items += _explorer_axis(model, state.get("x", ""), "", today, "X")
    elif page == "spine" and state.get("areas"):
        # a lookup in the frame the build made: the view's own rows are not recomputed here
        pairs = shown_periods(model, "spine", focus=state["areas"][0], geography=state.get("geography"))
        items += _many(pairs, today, "spine chart")
    elif page == "overview":
        overview = shown_periods(
            model, "overview", region=state.get("region") or "", geography=state.get("geography")
        )
        items += _many(overview, today, "overview")
    return items


def data_age_outputs(state: dict | None, today: date | None = None) -> tuple[list, bool]:
    """The data-age line's items (each a Div) and whether it is hidden."""
    if not state or state.get("page") == "indicators":
        return [], True
    model = load_model()
    today = today or date.today()
    children = [el("Div", i, className="data-age-item") for i in data_age_items(state, today)]
    if state.get("page") in (*SINGLE_INDICATOR_PAGES, "trends"):
        children += [
            el("Div", line, className="data-age-item info")
            for line in [
                *geography_notes(model, state),
                *patient_experience_lines(model, state.get("indicator", "")),
            ]
        ]
    return children, not children


# --- the Definition panel ------------------------------------------------------------------


def definition_extras(indicator_id: str, today: date | None = None) -> list:
    """What the Definition panel adds (as Dt/Dd pairs): coverage and age, Domain 4's national
    reference, and the link to the indicator's catalogue page."""
    model = load_model()
    today = today or date.today()
    frame = catalogue_rows(model)
    hit = frame[frame[s.INDICATOR_ID] == indicator_id]
    pairs: list[tuple[str, object]] = []
    if len(hit):
        row = hit.iloc[0].to_dict()
        pairs += [("Coverage", coverage_text(row)), ("Latest data", age_text(row, today))]
    pairs += [("National reference", line) for line in patient_experience_lines(model, indicator_id)]
    pairs.append(
        ("Catalogue", Link("Full catalogue entry for this indicator", href=catalogue_href(indicator_id)))
    )
    return terms(pairs)


def definition(indicator_id: str) -> list:
    """The Definition panel: what the indicator is, its method and source, and the extras (Dt/Dd pairs)."""
    meta = load_model().catalogue.loc[indicator_id]
    fields = [
        ("Indicator", meta["name"]),
        ("Definition", meta["definition"]),
        ("Unit", meta["unit"]),
        ("Polarity", meta["polarity"]),
        ("Method", f"{meta['statistic']}; confidence intervals: {meta['ci_method']}"),
        ("Source", f"{meta['publisher']} ({meta['source']}); licence {meta['licence']}"),
        ("Caveats", meta["caveats"] or "none recorded"),
        ("Available for", ", ".join(s.GEOGRAPHIES.get(g, g) for g in str(meta["geographies"]).split(","))),
    ]
    return terms([(k, str(v)) for k, v in fields]) + definition_extras(indicator_id)

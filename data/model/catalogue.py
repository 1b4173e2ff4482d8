"""The indicator catalogue people browse: one row per indicator, made once at model build.

``catalogue_frame`` adds to each catalogue entry what a reader needs to judge it:
its home geography, how many of that geography's areas have a value in its latest
period (coverage), its periods, and when its latest period ended (the age of its
data is that end date against today, so a cached model never shows a stale age).
``search`` filters the frame for the catalogue page (names, definitions, everyday keywords and
each domain's everyday words); ``gpps_overall_good`` finds the GP Patient Survey's national
"overall experience of your GP practice" figure. Survey items that are not indicator rows (the
GP Patient Survey by ICB and practice deprivation) are listed too (``survey_rows``), with the
page that shows them (``view_page``, ``view_item``).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from data.model import schema as s
from data.model.freshness import period_end

log = logging.getLogger(__name__)

# Home geography: the first of these an indicator has (CCG 2021 is the app's home).
HOME_PREFERENCE = (
    "ccg21",
    "sicbl23",
    "icb23",
    "sicbl22",
    "ccg20",
    "ccg19",
    "ccg18",
    "ccg17",
    "ccg16",
    "ccg15",
    "ccg13",
    "icb22",
    "stp21",
    "nhser21",
    "nhser22",
    "nhser24",
    "england",
)
DOMAIN_ORDER = {key: i for i, key in enumerate(s.DOMAINS)}  # domains 1-5, then context
FRAME_NAME = "indicator_catalogue"
COLUMNS = [
    s.INDICATOR_ID,
    "name",
    "short_name",
    "domain",
    "domain_label",
    "outcome",
    "unit",
    "polarity",
    "statistic",
    "ci_method",
    "source",
    "publisher",
    "licence",
    "definition",
    "caveats",
    "geographies",
    "home_geography",
    "n_periods",
    "first_period",
    "latest_period",
    "latest_end",
    "coverage_period",
    "coverage_n",
    "coverage_of",
    "keywords",
    "compare",
    "in_summaries",
    "wording",
    "wording_source",
    "view_page",  # "" for an indicator (every view offers it); else the one page that shows it
    "view_item",  # what that page shows it under (the inequalities page's indicator)
]
# Everyday words for each domain (what people type, not the Outcomes Framework's titles).
DOMAIN_WORDS = {
    "1": "premature death dying early mortality deaths avoidable",
    "2": "long-term conditions chronic disease quality of life living with",
    "3": "recovery ill health injury hospital admissions emergency",
    "4": "patient experience experience of care satisfaction feedback survey surveys",
    "5": "safety safe care harm",
    "context": "context population prevalence demographics",
}

# GP Patient Survey 2026: Q32 "Overall, how would you describe your experience of your GP
# practice?" (Very/Fairly good, summarised as "Good" in the national file).
GPPS_OVERALL_QUESTION = "Q32"
GPPS_OVERALL_RESPONSE = "Good"


def _home_geography(geographies: set[str]) -> str:
    for geo in HOME_PREFERENCE:
        if geo in geographies:
            return geo
    return sorted(geographies)[0] if geographies else ""


def catalogue_frame(
    catalogue: pd.DataFrame,
    availability: pd.DataFrame,
    areas: pd.DataFrame,
    extra: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator: its catalogue entry, coverage and the end of its latest period.

    Coverage is the number of areas with a value out of all areas of the home geography,
    in the home geography's latest period (persons, or the first sex there is). ``extra``:
    rows already in ``COLUMNS`` (``survey_rows``) listed with the indicators.
    """
    n_areas = areas.groupby(s.GEOGRAPHY)[s.AREA_CODE].nunique()
    by_indicator = dict(tuple(availability.groupby(s.INDICATOR_ID, sort=False)))
    empty = availability.iloc[0:0]
    rows = []
    for indicator_id, entry in catalogue.iterrows():
        avail = by_indicator.get(indicator_id, empty)
        home = _home_geography(set(avail[s.GEOGRAPHY]))
        at_home = avail[avail[s.GEOGRAPHY] == home]
        if len(at_home) and "Persons" not in set(at_home[s.SEX]):
            at_home = at_home[at_home[s.SEX] == sorted(set(at_home[s.SEX]))[0]]
        elif len(at_home):
            at_home = at_home[at_home[s.SEX] == "Persons"]
        with_values = at_home[at_home["n_values"] > 0].sort_values("period_start")
        ordered = avail.sort_values("period_start").drop_duplicates(s.PERIOD)
        latest = ordered.iloc[-1] if len(ordered) else None
        end = period_end(latest[s.PERIOD], latest["period_start"]) if latest is not None else None
        coverage = with_values.iloc[-1] if len(with_values) else None
        domain = str(entry.get("domain", "") or "context")
        rows.append(
            {
                s.INDICATOR_ID: indicator_id,
                **{c: entry.get(c, "") for c in s.CATALOGUE_COLUMNS if c != s.INDICATOR_ID},
                "domain": domain,
                "domain_label": s.DOMAINS.get(domain, f"Domain {domain}"),
                "outcome": domain != "context",
                "geographies": ",".join(g for g in HOME_PREFERENCE if g in set(avail[s.GEOGRAPHY])),
                "home_geography": home,
                "n_periods": len(ordered),
                "first_period": ordered.iloc[0][s.PERIOD] if len(ordered) else "",
                "latest_period": latest[s.PERIOD] if latest is not None else "",
                "latest_end": pd.Timestamp(end) if end is not None else pd.NaT,
                "coverage_period": coverage[s.PERIOD] if coverage is not None else "",
                "coverage_n": int(coverage["n_values"]) if coverage is not None else 0,
                "coverage_of": int(n_areas.get(home, 0)),
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if extra is not None and not extra.empty:
        frame = pd.concat([frame, extra.reindex(columns=COLUMNS)], ignore_index=True)
    frame["in_summaries"] = frame["in_summaries"].map(lambda v: True if pd.isna(v) else bool(v))
    frame["compare"] = frame["compare"].fillna("").replace("", s.COMPARE_CATEGORIES)
    unread = frame[frame["latest_end"].isna() & (frame["latest_period"] != "")]
    for r in unread.itertuples():
        log.warning("%s: period label %r has no end date (age unknown)", r.indicator_id, r.latest_period)
    frame["latest_end"] = pd.to_datetime(frame["latest_end"])
    for col in (
        "definition",
        "caveats",
        "licence",
        "publisher",
        "source",
        "unit",
        "polarity",
        "keywords",
        "wording",
        "wording_source",
        "view_page",
        "view_item",
    ):
        frame[col] = frame[col].fillna("").astype(str)
    return sort_catalogue(frame).reset_index(drop=True)


def sort_catalogue(frame: pd.DataFrame) -> pd.DataFrame:
    """Domains 1-5 first, then context; within a domain, numbers sort as numbers."""
    key = frame["domain"].map(DOMAIN_ORDER).fillna(len(DOMAIN_ORDER))
    name = (
        frame["short_name"].astype(str).map(lambda t: re.sub(r"\d+", lambda m: m.group().zfill(6), t.lower()))
    )
    return frame.assign(_d=key, _n=name).sort_values(["_d", "_n"]).drop(columns=["_d", "_n"])


SEARCHED = (
    "short_name",
    "name",
    "definition",
    "domain_label",
    "publisher",
    "source",
    s.INDICATOR_ID,
    "unit",
    "keywords",
)


def search(frame: pd.DataFrame, text: str | None) -> pd.DataFrame:
    """Rows whose name, definition, keywords, domain (and its everyday words), source or id contain
    every word typed (any case)."""
    words = [w for w in re.split(r"\s+", (text or "").strip().lower()) if w]
    if not words or frame.empty:
        return frame
    columns = [c for c in SEARCHED if c in frame.columns]
    haystack = frame[columns].astype(str).agg(" ".join, axis=1)
    if "domain" in frame.columns:
        haystack = haystack + " " + frame["domain"].astype(str).map(DOMAIN_WORDS).fillna("")
    haystack = haystack.str.lower()
    keep = pd.Series(True, index=frame.index)
    for word in words:
        keep &= haystack.str.contains(word, regex=False)
    return frame[keep]


def gpps_overall_good(gpps: pd.DataFrame | None) -> tuple[float, int] | None:
    """GPPS national % (and number) rating their overall experience of their practice good."""
    if gpps is None or gpps.empty or not {"question", "response", "national_pct"} <= set(gpps.columns):
        return None
    question = gpps["question"].astype(str).str.strip().str.upper()
    response = gpps["response"].astype(str).str.strip().str.lower()
    hit = gpps[(question == GPPS_OVERALL_QUESTION) & (response == GPPS_OVERALL_RESPONSE.lower())]
    if hit.empty or pd.isna(hit["national_pct"].iloc[0]):
        return None
    n = hit["national_n"].iloc[0] if "national_n" in hit else None
    return float(hit["national_pct"].iloc[0]), int(n) if n is not None and not pd.isna(n) else 0


def survey_rows(gpps_items: pd.DataFrame | None, areas: pd.DataFrame) -> pd.DataFrame:
    """Catalogue rows (``COLUMNS``) for the GP Patient Survey items of the ICB-by-deprivation panel:
    not indicator rows (no overall ICB value), shown on the inequalities page."""
    if gpps_items is None or gpps_items.empty:
        return pd.DataFrame(columns=COLUMNS)
    n_icbs = int(areas.loc[areas[s.GEOGRAPHY] == "icb22", s.AREA_CODE].nunique())
    rows = []
    for r in gpps_items.itertuples():
        first = "" if pd.isna(r.first_year) else str(int(r.first_year))
        latest = "" if pd.isna(r.latest_year) else str(int(r.latest_year))
        worded = (
            f' The question: "{r.wording}"'
            if r.wording
            else " No source ties the question wording to this variable."
        )
        national = (
            f" England reference: GP Patient Survey 2026 national {r.national_question} "
            f"({r.national_response}), the {r.national_match}. {r.national_note}"
        )
        rows.append(
            {
                s.INDICATOR_ID: f"gpps_{r.indicator}",
                "name": r.name,
                "short_name": r.name,
                "domain": "4",
                "domain_label": s.DOMAINS["4"],
                "outcome": True,
                "unit": "%",
                "polarity": s.POLARITY_HIGH_GOOD,
                "statistic": "proportion (as published by HEEC)",
                "ci_method": "none",
                "source": r.source,
                "publisher": r.publisher,
                "licence": r.licence,
                "definition": (
                    f"Share of GP Patient Survey respondents giving {r.responses} (GPPS practice data-file "
                    f"variable {r.variable}; HEEC column {r.indicator}), by ICB and practice deprivation "
                    f"quintile, as the Health Equity Evidence Centre publishes it.{worded}{national}"
                ),
                "caveats": (
                    "HEEC aggregates practices within each ICB and deprivation group (its method is not "
                    "fully documented); no overall ICB value, no denominators and no limits. 2024 is a new "
                    "GPPS series (redesigned questionnaire)."
                ),
                "geographies": "icb22",
                "home_geography": "icb22",
                "n_periods": (int(latest) - int(first) + 1) if first and latest else 0,
                "first_period": first,
                "latest_period": latest,
                "latest_end": pd.Timestamp(period_end(latest)) if latest else pd.NaT,
                "coverage_period": latest,
                "coverage_n": int(r.n_icbs),
                "coverage_of": n_icbs,
                "keywords": "GP patient survey GPPS general practice patient experience satisfaction ICB deprivation",
                "compare": s.COMPARE_VALUES,
                "in_summaries": False,
                "wording": r.wording,
                "wording_source": r.wording_source if r.wording else r.meaning_source,
                "view_page": "inequalities",
                "view_item": r.indicator,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _normalise_text(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip()


def source_file(locator: str, roots: tuple[Path, ...]) -> Path | None:
    """The file a ``wording_source`` names first ("data/sources/wording/x.txt | original"; "SOURCES.md
    (data root), section 8a | ..."), looked up under each root (the repository, the data root)."""
    first = str(locator).split("|", 1)[0].strip()
    candidate = first.split(" ", 1)[0] if first else ""
    for root in roots:
        if candidate and (root / candidate).is_file():
            return root / candidate
    return None


def unconfirmed_wording(quotes: list[tuple[str, str, str]], roots: tuple[Path, ...]) -> list[str]:
    """Each (item, text, source) whose text is not verbatim in the file its source names, in words.

    The rule behind every survey label in the app: a question's wording (or a variable's stated
    meaning) is shown only where a public source states it, and the catalogue names that source.
    """
    failures = []
    for item, text, locator in quotes:
        if not text:
            continue
        path = source_file(locator, roots)
        if path is None:
            failures.append(f"{item}: no readable source file for {text!r} (source: {locator!r})")
        elif _normalise_text(text) not in _normalise_text(path.read_text(encoding="utf-8")):
            failures.append(f"{item}: {text!r} is not in {path.name}")
    return failures

"""The indicator catalogue page (/indicators, /indicators/<id>) and the pieces the definition panel shares.

Pure builders: catalogue rows (``data.model.catalogue`` frame rows, as dicts) in, Dash
components out. Ages are worked out against ``today``, passed in by the callback.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import pandas as pd
from dash import dcc, html

from data.model import schema as s
from data.model.freshness import STALE_YEARS, data_age_notice, describe_age, is_stale
from layouts import ids

INTRO = (
    "Every indicator in the explorer, grouped by NHS Outcomes Framework domain (outcomes first, then "
    "context). Type to filter by name, definition, domain or source. Coverage counts the areas with a "
    f"value in the latest period, out of all areas of the indicator's main geography. Data more than "
    f"{STALE_YEARS} years old is marked."
)


def catalogue_page() -> html.Div:
    """The page frame; the callback fills the list (or one indicator) from the URL and the search box."""
    return html.Div(
        className="catalogue",
        children=[
            html.Div(
                id=ids.CATALOGUE_SEARCH_BOX,
                className="catalogue-search",
                children=[
                    html.P(INTRO, className="hint"),
                    html.Label("Search indicators", htmlFor=ids.CATALOGUE_SEARCH, className="ctl-label"),
                    dcc.Input(
                        id=ids.CATALOGUE_SEARCH,
                        type="search",
                        value="",
                        debounce=False,
                        placeholder="e.g. dementia, mortality, survey, QOF, Domain 4…",
                        autoComplete="off",
                        className="catalogue-input",
                    ),
                    html.P(id=ids.CATALOGUE_COUNT, className="summary", role="status"),
                ],
            ),
            html.Div(id=ids.CATALOGUE_DETAIL),
            html.Div(id=ids.CATALOGUE_LIST),
        ],
    )


def indicator_href(indicator_id: str) -> str:
    return f"/indicators/{quote(str(indicator_id), safe='')}"


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
    """Everything the catalogue says about one indicator, as (label, text) pairs."""
    extra: list[tuple[str, str]] = []
    if _text(row, "wording"):
        extra.append(
            ("Question", f'"{row["wording"]}" (wording as stated in: {row.get("wording_source", "")})')
        )
    if _text(row, "compare"):
        extra.append(("Comparison", COMPARE_TEXT.get(str(row["compare"]), str(row["compare"]))))
    if row.get("in_summaries") is False or str(row.get("in_summaries")) == "False":
        extra.append(
            (
                "Shown on",
                "its survey's page and here; kept off the default spine, overview and board pack "
                "(no public source states the question's wording)",
            )
        )
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
        *extra,
    ]


def definition_list(fields: list[tuple[str, str]]) -> html.Dl:
    return html.Dl([item for k, v in fields for item in (html.Dt(k), html.Dd(v))])


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")


def _escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def fields_markdown(fields: list[tuple[str, str]]) -> dcc.Markdown:
    """The fields as one Markdown block: one component per entry keeps a long list light in the browser."""
    lines = [f"**{k}:** {_escape_markdown(str(v))}" for k, v in fields]
    return dcc.Markdown("  \n".join(lines), className="entry-fields")


def age_badge(row: dict, today: date) -> html.Span:
    old = is_old(row, today)
    text = f"data from {row['latest_period']}" if row.get("latest_period") else "no data"
    return html.Span(
        text,
        className="age-badge old" if old else "age-badge",
        title=age_text(row, today) + (f": more than {STALE_YEARS} years old" if old else ""),
    )


def _links(row: dict) -> html.P:
    ind = quote(str(row[s.INDICATOR_ID]), safe="")
    if _text(row, "view_href"):  # not an indicator row (e.g. the GP Patient Survey by ICB): its own page
        return html.P(
            className="catalogue-links",
            children=[
                dcc.Link("Show it", href=str(row["view_href"])),
                dcc.Link("Permanent link", href=indicator_href(row[s.INDICATOR_ID])),
            ],
        )
    return html.P(
        className="catalogue-links",
        children=[
            dcc.Link("Map", href=f"/map?indicator={ind}"),
            dcc.Link("Compare areas", href=f"/compare?indicator={ind}"),
            dcc.Link("Table", href=f"/table?indicator={ind}"),
            dcc.Link("Trends", href=f"/trends?indicator={ind}"),
            dcc.Link("Permanent link", href=indicator_href(row[s.INDICATOR_ID])),
        ],
    )


def _extra(lines: list[str]) -> list:
    return [html.P(line, className="catalogue-extra") for line in lines]


def indicator_entry(row: dict, today: date, extra: list[str] | None = None) -> html.Details:
    """One indicator in the list: a summary line (full name, then unit, polarity, coverage and age,
    each set apart in text as well as by spacing) that opens onto its full entry."""
    summary = html.Summary(
        [
            html.Span(str(row.get("name") or row["short_name"]), className="entry-name"),
            html.Span(" · ", className="entry-sep"),
            html.Span(
                f"{row.get('unit', '')} · {row.get('polarity', '')} · {coverage_text(row)}",
                className="entry-meta",
            ),
            html.Span(" · ", className="entry-sep"),
            age_badge(row, today),
        ]
    )
    return html.Details(
        className="catalogue-entry",
        children=[summary, *_extra(extra or []), fields_markdown(entry_fields(row, today)), _links(row)],
    )


def catalogue_list(
    rows: list[dict],
    today: date,
    extras: dict[str, list[str]] | None = None,
    domain_notes: dict | None = None,
) -> list:
    """Rows (already in catalogue order) grouped under their domain headings."""
    extras, domain_notes = extras or {}, domain_notes or {}
    out: list = []
    current = None
    for row in rows:
        domain = row.get("domain", "context")
        if domain != current:
            current = domain
            n = sum(1 for r in rows if r.get("domain", "context") == domain)
            kind = "outcome domain" if domain != "context" else "not an outcome"
            out.append(
                html.H3(
                    [
                        str(row.get("domain_label") or domain),
                        html.Span(f" {n} · {kind}", className="entry-meta"),
                    ],
                    className="catalogue-domain",
                )
            )
            out += _extra(domain_notes.get(domain, []))
        out.append(indicator_entry(row, today, extras.get(row[s.INDICATOR_ID])))
    return out


def indicator_detail(row: dict, today: date, extra: list[str] | None = None) -> html.Article:
    """One indicator's own page (/indicators/<id>)."""
    notice = data_age_notice(row.get("latest_period"), today, start=row.get("latest_end"))
    notice = [html.P(notice, className="data-age-item")] if notice and is_old(row, today) else []
    return html.Article(
        className="catalogue-detail",
        children=[
            html.P(dcc.Link("← All indicators", href="/indicators"), className="catalogue-back"),
            html.H3(str(row["short_name"])),
            *notice,
            *_extra(extra or []),
            definition_list(entry_fields(row, today)),
            _links(row),
        ],
    )


def unknown_indicator(indicator_id: str, suggestions: list[dict] | None = None) -> html.Div:
    """The notice for /indicators/<unknown id> (with near matches when there are any)."""
    items = [
        html.Li(dcc.Link(f"{r['short_name']} ({r[s.INDICATOR_ID]})", href=indicator_href(r[s.INDICATOR_ID])))
        for r in (suggestions or [])[:8]
    ]
    return html.Div(
        className="catalogue-detail",
        children=[
            html.P(
                f"There is no indicator '{indicator_id}' in the catalogue.",
                className="notice-item",
                role="alert",
            ),
            *([html.P("Did you mean:"), html.Ul(items)] if items else []),
            html.P(dcc.Link("Browse all indicators", href="/indicators")),
        ],
    )

"""The indicator catalogue page (/indicators, /indicators/<id>) and the pieces the definition panel shares.

Pure builders: catalogue rows (``data.model.catalogue`` frame rows, as dicts) in, Dash
components out. Ages are worked out against ``today``, passed in by the callback.
"""

from __future__ import annotations

import re
from datetime import date

from dash import dcc, html

from data.model import schema as s
from data.model.freshness import STALE_YEARS, data_age_notice
from layouts import ids
from selection import catalogue_href, indicator_href, page_href
from views.catalogue import CataloguePage, age_text, coverage_text, entry_fields, is_old

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


# The selection parameter a page shows a catalogue row's item under (rows that are not indicators).
VIEW_PARAMETER = {"inequalities": "ineq"}


def _links(row: dict) -> html.P:
    ind = row[s.INDICATOR_ID]
    if row.get("view_page"):  # not an indicator row (the GP Patient Survey by ICB): the page that shows it
        item = {VIEW_PARAMETER.get(str(row["view_page"]), "indicator"): str(row.get("view_item", ""))}
        return html.P(
            className="catalogue-links",
            children=[
                dcc.Link("Show it", href=page_href(str(row["view_page"]), {}, **item)),
                dcc.Link("Permanent link", href=catalogue_href(ind)),
            ],
        )
    pages = (("Map", "map"), ("Compare areas", "compare"), ("Table", "table"), ("Trends", "trends"))
    return html.P(
        className="catalogue-links",
        children=[
            *[dcc.Link(label, href=indicator_href(page, ind)) for label, page in pages],
            dcc.Link("Permanent link", href=catalogue_href(ind)),
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
        html.Li(dcc.Link(f"{r['short_name']} ({r[s.INDICATOR_ID]})", href=catalogue_href(r[s.INDICATOR_ID])))
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


def catalogue_outputs(page: CataloguePage, today: date) -> tuple:
    """(count line, list, detail, search box hidden) for what the catalogue view found."""
    if page.detail is not None:
        return "", [], indicator_detail(page.detail, today, page.detail_lines), True
    if page.unknown is not None:
        return "", [], unknown_indicator(page.unknown, page.suggestions), True
    if not page.rows:
        return (
            page.count,
            [html.P("No indicator matches: try fewer or shorter words.", className="hint")],
            [],
            False,
        )
    return page.count, catalogue_list(page.rows, today, page.extras, page.domain_notes), [], False

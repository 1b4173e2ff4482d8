"""The indicator catalogue page (/indicators, /indicators/<id>) and the pieces the definition panel shares.

Pure builders: catalogue rows (``data.model.catalogue`` frame rows, as dicts) in, Dash
components out. Ages are worked out against ``today``, passed in by the callback.
"""

from __future__ import annotations

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
    """The page frame; the callbacks fill the list (or one indicator) from the URL and the search box."""
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
            # drawn by the browser (assets/catalogue.js) from the entries; the search hides entries
            html.Div(id=ids.CATALOGUE_LIST),
            dcc.Store(id=ids.CATALOGUE_ENTRIES),
            dcc.Store(id=ids.CATALOGUE_ENTRIES_SHOWN),
            dcc.Store(id=ids.CATALOGUE_MATCHES),
        ],
    )


def definition_list(fields: list[tuple[str, str]]) -> html.Dl:
    return html.Dl([item for k, v in fields for item in (html.Dt(k), html.Dd(v))])


NO_MATCH = "No indicator matches: try fewer or shorter words."
# The selection parameter a page shows a catalogue row's item under (rows that are not indicators).
VIEW_PARAMETER = {"inequalities": "ineq"}


def link_pairs(row: dict) -> list[tuple[str, str]]:
    """(label, href) of the row's links: the views that show it, then its own page."""
    ind = row[s.INDICATOR_ID]
    if row.get("view_page"):  # not an indicator row (the GP Patient Survey by ICB): the page that shows it
        item = {VIEW_PARAMETER.get(str(row["view_page"]), "indicator"): str(row.get("view_item", ""))}
        return [
            ("Show it", page_href(str(row["view_page"]), {}, **item)),
            ("Permanent link", catalogue_href(ind)),
        ]
    pages = (("Map", "map"), ("Compare areas", "compare"), ("Table", "table"), ("Trends", "trends"))
    return [
        *[(label, indicator_href(page, ind)) for label, page in pages],
        ("Permanent link", catalogue_href(ind)),
    ]


def _links(row: dict) -> html.P:
    return html.P(
        className="catalogue-links", children=[dcc.Link(label, href=href) for label, href in link_pairs(row)]
    )


def _extra(lines: list[str]) -> list:
    return [html.P(line, className="catalogue-extra") for line in lines]


def entry_data(row: dict, today: date, extra: list[str] | None = None) -> dict:
    """One indicator of the list, as the browser draws it (assets/catalogue.js): a summary line (full
    name, then unit, polarity, coverage and age, each set apart in text as well as by spacing) that
    opens onto its full entry."""
    old = is_old(row, today)
    return {
        "id": str(row[s.INDICATOR_ID]),
        "name": str(row.get("name") or row["short_name"]),
        "meta": f"{row.get('unit', '')} · {row.get('polarity', '')} · {coverage_text(row)}",
        "age": f"data from {row['latest_period']}" if row.get("latest_period") else "no data",
        "old": old,
        "age_title": age_text(row, today) + (f": more than {STALE_YEARS} years old" if old else ""),
        "extras": list(extra or []),
        "fields": [[k, str(v)] for k, v in entry_fields(row, today)],
        "links": [list(pair) for pair in link_pairs(row)],
    }


def catalogue_entries(
    rows: list[dict],
    today: date,
    extras: dict[str, list[str]] | None = None,
    domain_notes: dict | None = None,
) -> dict:
    """Every row (already in catalogue order), grouped under its domain, as the browser draws the
    list (assets/catalogue.js). The list is plain HTML drawn once, not Dash components: about 2,000
    of them, once mounted, made dash-renderer slower on every other page (each store update visits
    every mounted component), and a search redrew them all; the search now only hides entries."""
    extras, domain_notes = extras or {}, domain_notes or {}
    domains: list[dict] = []
    for row in rows:
        domain = str(row.get("domain", "context"))
        if not domains or domains[-1]["key"] != domain:
            domains.append(
                {
                    "key": domain,
                    "label": str(row.get("domain_label") or domain),
                    "kind": "outcome domain" if domain != "context" else "not an outcome",
                    "notes": list(domain_notes.get(domain, [])),
                    "entries": [],
                }
            )
        domains[-1]["entries"].append(entry_data(row, today, extras.get(row[s.INDICATOR_ID])))
    return {"domains": domains, "none": NO_MATCH}


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
    """(detail, list hidden, search box hidden) for a detail page or an unknown id; the list's
    entries and matches come from ``catalogue_entries`` and ``views.catalogue.catalogue_matches``."""
    if page.detail is not None:
        return indicator_detail(page.detail, today, page.detail_lines), True, True
    if page.unknown is not None:
        return unknown_indicator(page.unknown, page.suggestions), True, True
    return [], False, False

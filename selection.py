"""The selection every page shares, and its round trip through the query string.

Pure functions (no Dash): parse a query string against the model, falling back to
defaults with a short notice for anything missing, unknown or malformed; and write
the selection back as a query string. A selection that arrives as data (the store a
callback receives, the controls' values, a board-pack request) is re-parsed by
``parse_selection`` with exactly the same rules, so every path has one validation.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, unquote, urlencode

from data.model import schema as s
from data.model.core import Model
from data.queries.areas import geographies_of
from data.queries.places import resolve_code, suggestion_text
from data.queries.rows import indicator_geographies, indicator_periods, indicator_sexes

PAGES = (
    "experience",
    "map",
    "compare",
    "table",
    "spine",
    "explorer",
    "trends",
    "overview",
    "indicators",
    "funnel",
    "alerts",
    "practices",
    "inequalities",
    "glossary",
)
PAGE_TITLES = {
    "experience": "Patient experience",
    "map": "Map",
    "compare": "Compare areas",
    "table": "Table",
    "spine": "Spine chart",
    "explorer": "Explorer",
    "trends": "Trends",
    "overview": "Overview",
    "indicators": "Indicators",
    "funnel": "Funnel",
    "alerts": "Early warning",
    "practices": "Practices",
    "inequalities": "Inequalities",
    "glossary": "Glossary",
}
DEFAULT_INDICATORS = ("dementia_ddr_65plus", "qof_hyp", "ft_91547")
CHOICES = {
    "benchmark": ("england", "region", "peers"),
    "peers": ("similar", "rightcare"),
    "scope": ("peers", "all"),
    "od": ("none", "multiplicative", "additive"),
    "ci": ("95", "99.8"),
    "colour": ("category", "quintile", "value"),
    "palette": ("fingertips", "colourblind"),
    "layout": ("boundaries", "cartogram"),
    "sort": ("value", "name"),
    # on: show the benchmark categories of indicators compared only on request (GP FFT: NHS
    # England advises against comparing), with the caveat beside them; off: coloured by value
    "categories": ("off", "on"),
}
DEFAULTS = {
    "benchmark": "england",
    "peers": "similar",
    "scope": "peers",
    "od": "none",
    "ci": "95",
    "colour": "category",
    "palette": "fingertips",
    "layout": "boundaries",
    "sort": "value",
    "categories": "off",
}
# The choices in words, for a notice a person reads (never the parameter's own name or values).
KEY_WORDS = {
    "benchmark": "benchmark",
    "peers": "peer set",
    "scope": "choice of areas",
    "od": "funnel adjustment",
    "ci": "confidence level",
    "colour": "map colouring",
    "palette": "palette",
    "layout": "map layout",
    "sort": "order",
}
CHOICE_WORDS = {
    "england": "England",
    "region": "NHS region",
    "similar": "similar CCGs (nearest 10)",
    "rightcare": "RightCare's similar 10",
    "all": "every area",
    "none": "no adjustment",
    "95": "95%",
    "99.8": "99.8%",
    "category": "benchmark category",
    "fingertips": "Fingertips",
    "colourblind": "colour-blind",
}
CHOICE_IN = {("benchmark", "peers"): "similar CCGs", ("scope", "peers"): "the focus area and its peers"}


def choice_words(key: str, value: str) -> str:
    return CHOICE_IN.get((key, value)) or CHOICE_WORDS.get(value, value)


MAX_AREAS = 6
MAX_AREA_TOKENS = 50  # area codes read from one request; the rest ignored with a notice
MAX_VALUE_CHARS = 200  # longer parameter values are cut before they are looked up
MAX_KEYS = 64  # keys read from a selection sent as data
MAX_FIELDS = 200  # query-string fields read
DEMOGRAPHIC_PREFIX = "demo:"
QUERY_ORDER = (
    "indicator",
    "period",
    "geography",
    "sex",
    "areas",
    "region",
    "benchmark",
    "peers",
    "scope",
    "od",
    "practice",
    "ineq",
    "icb",
    "ci",
    "colour",
    "palette",
    "layout",
    "sort",
    "categories",
    "x",
    "y",
)


HOME_PAGE = "experience"  # what "/" opens on: patient experience (the focus area's, or England's)


def page_of(pathname: str | None) -> str:
    """The page for a path; "/" and anything unknown are the home page (patient experience)."""
    name = (pathname if isinstance(pathname, str) else "/").strip("/").split("/")[0]
    return name if name in PAGES else HOME_PAGE


def catalogue_id(pathname: str | None) -> str | None:
    """The indicator id of a catalogue path ("/indicators/<id>"), or None for the whole catalogue."""
    parts = (pathname or "/").strip("/").split("/")
    if parts[0] != "indicators" or len(parts) < 2 or not parts[1].strip():
        return None
    return unquote(parts[1].strip())


def default_indicator(model: Model) -> str:
    for candidate in DEFAULT_INDICATORS:
        if candidate in model.catalogue.index:
            return candidate
    with_ccg21 = model.catalogue[model.catalogue["geographies"].str.contains("ccg21")]
    return str((with_ccg21 if len(with_ccg21) else model.catalogue).index[0])


def _first(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    if not values:
        return None
    value = values[0].strip()
    return value or None


def _known(
    params: dict[str, list[str]], key: str, known: frozenset[str], notices: list[str], notice: str
) -> str | None:
    """The parameter's value if it is one of ``known``; otherwise None, and ``notice`` (formatted with
    the value) added to the notices."""
    value = _first(params, key)
    if value is not None and value not in known:
        notices.append(notice.format(value))
        return None
    return value


def with_catalogue_indicator(model: Model, pathname: str | None, query: str | None) -> str | None:
    """On /indicators/<id>, the indicator of the path becomes the selection's (unless the query names one)."""
    wanted = catalogue_id(pathname if isinstance(pathname, str) else None)
    if wanted is None or wanted not in model.catalogue.index or not isinstance(query, str | None):
        return query
    rest = (query or "").lstrip("?")
    if "indicator=" in rest:  # the query's own indicator wins (parse_query judges it)
        return query
    extra = urlencode([("indicator", wanted)])
    return "?" + (f"{extra}&{rest}" if rest else extra)


_AREA_TABLES: dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]] = {}


def _area_tables(model: Model) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Every-geography and per-geography code tables, made once per model (it is read-only)."""
    tables = _AREA_TABLES.get(model.fingerprint)
    if tables is None:
        per_geography: dict[str, dict[str, str]] = {}
        for geography, here in model.areas.groupby(s.GEOGRAPHY, sort=False):
            local = {
                str(o).lower(): str(c) for c, o in zip(here[s.AREA_CODE], here["ods_code"].fillna("")) if o
            }
            local.update({str(c).lower(): str(c) for c in here[s.AREA_CODE]})
            per_geography[str(geography)] = local
        tables = (_known_area_codes(model), per_geography)
        _AREA_TABLES.clear()  # one model per process; a rebuilt one replaces it
        _AREA_TABLES[model.fingerprint] = tables
    return tables


_KNOWN_CODES: dict[str, dict[str, frozenset[str]]] = {}


def _known_codes(model: Model) -> dict[str, frozenset[str]]:
    """Regions, GP practices, inequality indicators and ICBs the model knows, made once per model:
    every callback's selection is re-parsed against them."""
    known = _KNOWN_CODES.get(model.fingerprint)
    if known is None:
        frames = model.frames
        known = {
            "region": frozenset(
                model.areas.loc[model.areas[s.GEOGRAPHY].isin(s.REGION_GEOGRAPHIES), s.AREA_CODE]
            ),
            "practice": frozenset(frames["practices"]["practice_code"] if "practices" in frames else ()),
            "ineq": frozenset(
                frames["inequality_catalogue"]["indicator"] if "inequality_catalogue" in frames else ()
            ),
            "icb": frozenset(frames["hierarchy"]["icb22_code"].dropna()) | {"all"},
        }
        _KNOWN_CODES.clear()  # one model per process; a rebuilt one replaces it
        _KNOWN_CODES[model.fingerprint] = known
    return known


def known_area_codes(model: Model) -> dict[str, str]:
    """Lower-cased GSS and ODS codes -> area code, over every geography."""
    return _area_tables(model)[0]


def _known_area_codes(model: Model) -> dict[str, str]:
    areas = model.areas
    table = {str(c).lower(): str(c) for c in areas[s.AREA_CODE]}
    for code, ods in zip(areas[s.AREA_CODE], areas["ods_code"].fillna("")):
        if ods and str(ods).lower() not in table:
            table[str(ods).lower()] = str(code)
    return table


def variable_exists(model: Model, var: str) -> bool:
    if var.startswith(DEMOGRAPHIC_PREFIX):
        return var[len(DEMOGRAPHIC_PREFIX) :] in model.demographic_catalogue.index
    return var in model.catalogue.index


def parse_query(
    model: Model, query: str | None, area_lookup: dict[str, str] | None = None
) -> tuple[dict, list[str]]:
    """The selection a query string asks for, and notices for what had to change."""
    if not isinstance(query, str):
        query = ""
    try:
        params = parse_qs(query.lstrip("?"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # more fields than any link of ours has
        state, notices = parse_params(model, {}, area_lookup)
        return state, [f"More than {MAX_FIELDS} parameters in the address: showing the defaults."] + notices
    return parse_params(model, params, area_lookup)


def parse_selection(
    model: Model, data: object, area_lookup: dict[str, str] | None = None
) -> tuple[dict, list[str]]:
    """A selection sent as data, re-parsed with the URL's rules (and notices for what changed).

    ``data`` is whatever a callback or request received: anything that is not a plain value
    (or, for ``areas``, a list of codes) is dropped, so the result is always a complete,
    known selection. A valid ``page`` is kept.
    """
    params: dict[str, list[str]] = {}
    page = None
    if isinstance(data, dict):
        for key, value in list(data.items())[:MAX_KEYS]:
            if not isinstance(key, str):
                continue
            if key == "areas" and isinstance(value, list):
                value = ",".join(str(v) for v in value[: MAX_AREA_TOKENS + 1] if _plain(v))
            if not _plain(value):
                continue
            if key == "page":
                page = str(value)
            params[key] = [str(value)]
    state, notices = parse_params(model, params, area_lookup)
    if page is not None:
        state["page"] = page_of(page)
    return state, notices


def _plain(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def parse_params(
    model: Model, params: dict[str, list[str]], area_lookup: dict[str, str] | None = None
) -> tuple[dict, list[str]]:
    """The selection for parsed query parameters (``parse_qs`` form)."""
    notices: list[str] = []
    params = {k: [v if k == "areas" else v[:MAX_VALUE_CHARS] for v in vs] for k, vs in params.items()}
    state: dict = {}

    indicator = _first(params, "indicator")
    if indicator is None:
        indicator = default_indicator(model)
    elif indicator not in model.catalogue.index:
        fallback = default_indicator(model)
        notices.append(
            f"Unknown indicator '{indicator}': showing {model.catalogue.at[fallback, 'short_name']}."
        )
        indicator = fallback
    state["indicator"] = indicator

    geos = indicator_geographies(model, indicator)
    geography = _first(params, "geography")
    if geography is None:  # none asked: the focus area's own (an ICB code shows ICBs), else the default
        geography = _focus_geography(model, params, geos)
    if geography is None or geography not in geos:
        if geography is not None and geos:
            shown = s.GEOGRAPHIES.get(geography, geography)
            why = _why_none(model, indicator, geography)
            notices.append(
                f"This indicator has no data for '{shown}'{f' ({why})' if why else ''}: "
                f"showing {s.GEOGRAPHIES[geos[0]]}."
            )
        geography = geos[0] if geos else s.HOME_GEOGRAPHY
    state["geography"] = geography

    sexes = indicator_sexes(model, indicator)
    sex = _first(params, "sex")
    if sex is None or sex not in sexes:
        if sex is not None and sexes:
            notices.append(f"No data for sex '{sex}': showing {sexes[0]}.")
        sex = sexes[0] if sexes else "Persons"
    state["sex"] = sex

    periods = indicator_periods(model, indicator, geography)
    period = _first(params, "period")
    if period is None or period not in periods:
        if period is not None and periods:
            notices.append(f"No data for period '{period}': showing the latest, {periods[-1]}.")
        period = periods[-1] if periods else ""
    state["period"] = period

    everywhere, per_geography = _area_tables(model)
    lookup = area_lookup if area_lookup is not None else everywhere
    # Codes are read in the selected geography first (its GSS and ODS codes), then anywhere:
    # an ODS code such as 11N names different areas in different vintages.
    local = per_geography.get(geography, {})
    areas: list[str] = []
    raw_areas = (params.get("areas") or [""])[0]  # not cut: a long list is read token by token
    tokens = [t.strip()[:MAX_VALUE_CHARS] for t in raw_areas.split(",", MAX_AREA_TOKENS + 1) if t.strip()]
    if len(tokens) > MAX_AREA_TOKENS:
        notices.append(f"Too many area codes: read the first {MAX_AREA_TOKENS}.")
        tokens = tokens[:MAX_AREA_TOKENS]
    unknown, elsewhere = [], []
    places = model.frames.get("places")
    for token in tokens:
        code = local.get(token.lower())
        if code is None and geography == s.HOME_GEOGRAPHY and places is not None:
            code, moved = resolve_code(places, token)  # an old CCG: its CCG 2021 successor
            if code is not None:
                notices.append(moved)
        if code is None:
            code = lookup.get(token.lower())
            if code is not None:
                elsewhere.append(token)
        if code is None:
            unknown.append(token)
        elif code not in areas:
            areas.append(code)
    if elsewhere:
        notices.append(
            f"Not a {s.GEOGRAPHIES.get(geography, geography)} area: {', '.join(elsewhere[:5])} "
            "(kept in the selection; shown where its geography is)."
        )
    if unknown:
        notices.append(
            f"Unknown area code{'s' if len(unknown) > 1 else ''}: {', '.join(unknown[:5])} (ignored)."
        )
        for token in unknown[:5] if places is not None else []:
            near = suggestion_text(places, token)
            if near:
                notices.append(f"'{token}': {near}.")
    if len(areas) > MAX_AREAS:
        notices.append(f"At most {MAX_AREAS} areas at once: kept the first {MAX_AREAS}.")
        areas = areas[:MAX_AREAS]
    state["areas"] = areas

    known = _known_codes(model)
    region = _known(params, "region", known["region"], notices, "Unknown region '{}': showing all regions.")
    state["region"] = _region_of_set(model, region, geography) if region else ""

    practice = _first(params, "practice")
    if practice is not None and practice.upper() not in known["practice"]:
        notices.append(f"Unknown GP practice code '{practice[:20]}' (ignored).")
        practice = None
    state["practice"] = practice.upper() if practice else ""

    ineq = _known(
        params, "ineq", known["ineq"], notices, "Unknown inequality indicator '{:.60}': showing the first."
    )
    state["ineq"] = ineq or ""
    icb = _known(params, "icb", known["icb"], notices, "Unknown ICB '{:.20}': showing the focus area's ICB.")
    state["icb"] = icb or ""

    for key, choices in CHOICES.items():
        value = _first(params, key)
        if value is not None and value not in choices:
            words = [choice_words(key, c) for c in choices]
            notices.append(
                f"'{value}' is not a valid {KEY_WORDS.get(key, key)} ({', '.join(words[:-1])} or {words[-1]}): "
                f"showing {choice_words(key, DEFAULTS[key])}."
            )
            value = None
        state[key] = value or DEFAULTS[key]

    for axis, default in (("x", default_x(model)), ("y", indicator)):
        value = _first(params, axis)
        if value is not None and not variable_exists(model, value):
            notices.append(f"Unknown {axis} variable '{value}': using the default.")
            value = None
        state[axis] = value or default
    return state, notices


def _focus_geography(model: Model, params: dict[str, list[str]], geos: list[str]) -> str | None:
    """The geography the first area code of ``areas`` means (``data.queries.areas.geography_of``:
    E54000036 is an ICB 2023, E38000089 a CCG 2021) when the indicator has it and the default
    geography does not hold that code; None to keep the default."""
    raw = (params.get("areas") or [""])[0]
    token = raw.split(",", 1)[0].strip()[:MAX_VALUE_CHARS].lower()
    code = _area_tables(model)[0].get(token) if token else None
    if code is None or not geos:
        return None
    have = [g for g in geographies_of(model, code) if g in geos]
    if not have or geos[0] in have:
        return None
    return have[0]


_REGION_SETS: dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]] = {}


def _region_of_set(model: Model, region: str, geography: str) -> str:
    """``region`` as a region of ``geography``'s own set: the same region under that set's code
    where the codes differ (North East and Yorkshire is E40000009 in 2021, E40000012 since July
    2022), else ``region`` unchanged."""
    tables = _REGION_SETS.get(model.fingerprint)
    if tables is None:
        areas = model.areas
        regions = areas[areas[s.GEOGRAPHY].isin(s.REGION_GEOGRAPHIES)]
        name_of = dict(zip(regions[s.AREA_CODE].astype(str), regions[s.AREA_NAME].astype(str), strict=True))
        by_geography: dict[str, dict[str, str]] = {}
        for geo, code in zip(areas[s.GEOGRAPHY], areas["region_code"], strict=True):
            if isinstance(code, str) and code:
                by_geography.setdefault(str(geo), {}).setdefault(name_of.get(code, code), code)
        tables = (name_of, by_geography)
        _REGION_SETS.clear()  # one model per process; a rebuilt one replaces it
        _REGION_SETS[model.fingerprint] = tables
    name_of, by_geography = tables
    here = by_geography.get(geography, {})
    if not here or region in here.values():
        return region
    return here.get(name_of.get(region, ""), region)


def _why_none(model: Model, indicator: str, geography: str) -> str:
    """Why an indicator has no values on a geography, as the build says (geography_methods), or ''."""
    method = model.methods.get((indicator, geography))
    return str(method["how"]).split(": ", 1)[-1] if method else ""


def default_x(model: Model) -> str:
    demo = model.demographic_catalogue
    for candidate in ("imd19_mean_rank", "imd_mean_rank", "pct_65plus"):
        if candidate in demo.index:
            return DEMOGRAPHIC_PREFIX + candidate
    return DEMOGRAPHIC_PREFIX + str(demo.index[0]) if len(demo) else default_indicator(model)


def to_query(state: dict) -> str:
    """The query string for a selection: defaults left out, so links stay short."""
    pairs = []
    for key in QUERY_ORDER:
        value = state.get(key)
        if key == "areas":
            value = ",".join(value or [])
        if value in (None, "", []):
            continue
        if key in DEFAULTS and value == DEFAULTS[key]:
            continue
        pairs.append((key, value))
    return "?" + urlencode(pairs, safe=",:/") if pairs else ""


def catalogue_href(indicator_id: str) -> str:
    """The indicator's own catalogue page (the inverse of ``catalogue_id``)."""
    return f"/indicators/{quote(str(indicator_id), safe='')}"


def indicator_href(page: str, indicator_id: str) -> str:
    """A page showing one indicator, with nothing else chosen (the catalogue's links)."""
    return f"/{page}?indicator={quote(str(indicator_id), safe='')}"


def page_href(page: str, state: dict, **changes) -> str:
    """The link to ``page`` for the selection with ``changes`` made (the rest kept)."""
    return f"/{page}{to_query(dict(state, **changes))}"


# What a link back to a page carries: the keys the page reads (a spine link does not carry the
# explorer's axes or an indicator). Pages not listed carry every key of the selection.
_AREA_VIEW = ("areas", "benchmark", "peers", "ci", "palette")
PAGE_KEYS: dict[str, tuple[str, ...]] = {
    "spine": _AREA_VIEW,
    "overview": ("region", *_AREA_VIEW),
    "alerts": ("areas", "benchmark", "peers", "ci"),
    "experience": ("areas", "benchmark", "peers", "ci", "categories"),
    **{
        page: tuple(k for k in QUERY_ORDER if k not in ("x", "y", "practice", "ineq", "icb"))
        for page in ("map", "compare", "table", "trends", "funnel")
    },
}


def page_state(state: dict, page: str) -> dict:
    """The selection as ``page`` reads it: only its own keys, and the peer set and scope only with
    similar CCGs as the benchmark (what a link to the page needs to carry)."""
    keys = PAGE_KEYS.get(page)
    out = dict(state) if keys is None else {k: state.get(k) for k in keys}
    if out.get("benchmark") != "peers":
        out.pop("peers", None)
        out.pop("scope", None)
    return out


def view_link(root: str, page: str, state: dict) -> str:
    """The link back to a view for an export's footer or a pack's cover: ``root`` (the public URL,
    or "") + page + the query of what the page reads (``page_state``)."""
    return f"{root.rstrip('/')}/{page}{quote(to_query(page_state(state, page)), safe='?=&,:/+%')}"


def export_href(page: str, fmt: str, query: str, size: str | None = None, part: int = 1) -> str:
    """The stable export link for a view: the page's own query string, plus a part after the first
    and a size if not the default."""
    query = query or ""
    if part > 1:
        query = f"{query}&part={part}" if query else f"?part={part}"
    if size and size != "slide":
        query = f"{query}&size={size}" if query else f"?size={size}"
    return f"/export/{page}.{fmt}{query}"


PACK_KEYS = ("areas", "benchmark", "ci", "peers")  # what a board pack reads of a selection


def only_keys(query: str, keys: tuple[str, ...]) -> str:
    """The pairs of a query string (``to_query``'s) whose key is one of ``keys``, as written (the
    browser filters the address bar's query the same way: assets/nav.js, ``data-follow-keys``)."""
    pairs = [p for p in query.lstrip("?").split("&") if p and p.partition("=")[0] in keys]
    return "?" + "&".join(pairs) if pairs else ""


def pack_href(state: dict, fmt: str, query: str | None = None) -> str:
    """The board pack of a selection: its areas, benchmark, CI level and peer set (defaults left
    out, as in the address bar), from the selection's query string or the ``query`` given."""
    return f"/export/pack.{fmt}" + only_keys(to_query(state) if query is None else query, PACK_KEYS)


def carried_params(search: str | None, keys: tuple[str, ...]) -> dict[str, str]:
    """The first value of each of ``keys`` the current query string gives (those with a value)."""
    current = parse_qs((search or "").lstrip("?"))
    return {k: current[k][0] for k in keys if current.get(k)}


class QueryError(ValueError):
    """A query string an export cannot read (its message says why)."""


MAX_QUERY = 2000


def query_params(raw: bytes, allowed_keys: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """The query string (decoded) and its single-valued parameters; ``QueryError`` if malformed,
    too long, or with a parameter unknown or given twice."""
    if len(raw) > MAX_QUERY:
        raise QueryError(f"Query string too long (over {MAX_QUERY} characters).")
    try:
        text = raw.decode("utf-8")
        params = parse_qs(text, keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise QueryError(f"Malformed query string: {exc}.") from None
    unknown = sorted(set(params) - set(allowed_keys))
    if unknown:
        raise QueryError(f"Unknown query parameter(s): {', '.join(unknown)}.")
    repeated = sorted(k for k, v in params.items() if len(v) > 1)
    if repeated:
        raise QueryError(f"Query parameter given more than once: {', '.join(repeated)}.")
    return text, {k: v[0] for k, v in params.items()}

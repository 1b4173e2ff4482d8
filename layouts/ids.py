"""Every component id in the app, in one place (no id is typed as a raw string elsewhere)."""

from __future__ import annotations

# Routing and state
URL = "url"
STATE = "state-store"  # the resolved selection (small dict), shared by every page
NOTICE = "notice"
MAP_LAYER = "map-layer-store"  # which boundary layer the map figure currently holds
SHELL_SHOWN = "shell-shown-store"  # a digest of each part of the frame the browser shows (callbacks/shell.py)

# Header / navigation
NAV = "nav"


def nav_link(page: str) -> str:
    return f"nav-{page}"


# Shared controls
INDICATOR = "ctl-indicator"
DEFINITION_BUTTON = "ctl-definition-button"
DEFINITION_PANEL = "ctl-definition-panel"
PERIOD = "ctl-period"
GEOGRAPHY = "ctl-geography"
SEX = "ctl-sex"
AREAS = "ctl-areas"
REGION = "ctl-region"
BENCHMARK = "ctl-benchmark"
CI = "ctl-ci"
COLOUR = "ctl-colour"
PALETTE = "ctl-palette"
LAYOUT = "ctl-layout"  # map layout: boundaries or cartogram
SORT = "ctl-sort"
X_VAR = "ctl-x"
Y_VAR = "ctl-y"
SIZE_BY_POP = "ctl-size-by-pop"
SCATTER_COLOUR = "ctl-scatter-colour"
SHOW_CI = "ctl-show-ci"

# Page containers
PAGE = "page"
CONTROLS = "controls"  # the skip link's target


def page_container(page: str) -> str:
    return f"page-{page}"


def page_body(page: str) -> str:
    """A page's content, below its title: empty until the page is first shown, for the pages
    drawn then (``layouts.pages.LAZY_PAGES``)."""
    return f"body-{page}"


MOUNTED = "mounted-store"  # the pages drawn so far (callbacks/sync.py)


def page_state(page: str) -> str:
    """The selection as the page's own callbacks see it: a copy of ``STATE`` written (by the sync
    callback, callbacks/sync.py) only while the page is shown, so hidden pages cost no requests."""
    return f"state-{page}"


# Views
MAP_GRAPH = "map-graph"
MAP_SUMMARY = "map-summary"
MAP_SELECTED = "map-selected"  # the selected areas' values, in words, beside the map
MAP_ZOOM = "map-zoom"  # bring into view: the selected area, England or London
COMPARE_GRAPH = "compare-graph"
TABLE_GRID = "table-grid"  # empty until its first rows arrive (its script loads then)
TABLE_HOLDER = "table-holder"
GLOSSARY_BODY = "glossary-body"  # the glossary's table
TABLE_PICK = "table-pick-store"  # the row last picked in the table
TABLE_DOWNLOAD = (
    "table-download"  # links to the table's CSV / XLSX export (the same file as /export/table.csv)
)
TABLE_SUMMARY = "table-summary"
SPINE_GRAPH = "spine-graph"
SPINE_TABLE = "spine-table"
SPINE_SUMMARY = "spine-summary"  # how many outcome and context indicators the focus area has
SPINE_CONTEXT = "spine-context"  # the collapsed section holding the context indicators
SPINE_CONTEXT_LABEL = "spine-context-label"  # its summary line ("Context indicators (N)")
SPINE_CONTEXT_GRAPH = "spine-context-graph"
SPINE_CONTEXT_TABLE = "spine-context-table"
EXPLORER_GRAPH = "explorer-graph"
EXPLORER_OUTLIERS = "explorer-outliers"
EXPLORER_NOTE = "explorer-note"
TRENDS_GRAPH = "trends-graph"
OVERVIEW_GRAPH = "overview-graph"
OVERVIEW_SUMMARY = "overview-summary"
OVERVIEW_CONTEXT = "overview-context"
OVERVIEW_CONTEXT_LABEL = "overview-context-label"
OVERVIEW_CONTEXT_GRAPH = "overview-context-graph"


def chart_summary(graph_id: str) -> str:
    """The one-sentence text alternative under a chart (its aria-describedby)."""
    return f"{graph_id}-summary"


MAP_AREA_LIST = "map-area-list"  # "List of areas on this map": keyboard selection of the map's areas
MAP_AREA_TABLE = "map-area-table"  # the list's container: assets/a11y.js draws the table in it
MAP_AREA_ROWS = (
    "map-area-rows"  # what the list is drawn from (views.map.area_list; callbacks.pages.update_map)
)


EXPORT_LINKS = "export-links"
PACK_BUTTON = "pack-button"
PACK_PROGRESS = "pack-progress"
PACK_DOWNLOAD = "pack-download"
PACK_STATUS = "pack-status"

# Indicator catalogue (/indicators, /indicators/<id>) and the data-age notice
CATALOGUE_SEARCH = "catalogue-search"
CATALOGUE_SEARCH_BOX = "catalogue-search-box"
CATALOGUE_COUNT = "catalogue-count"
CATALOGUE_DETAIL = "catalogue-detail"
CATALOGUE_LIST = "catalogue-list"
CATALOGUE_ENTRIES = "catalogue-entries"  # the list's entries, as data (drawn by assets/catalogue.js)
CATALOGUE_ENTRIES_SHOWN = "catalogue-entries-shown"  # the digest of the entries the browser holds
CATALOGUE_MATCHES = "catalogue-matches"  # the ids the search matches (None: all)
DATA_AGE = "data-age"  # "data from <period>" notice for the view shown

# Peers ("similar CCGs")
PEERS_PANEL = "peers-panel"

# Funnel page
FUNNEL_GRAPH = "funnel-graph"
FUNNEL_NOTE = "funnel-note"
FUNNEL_OPTIONS = "funnel-options"

# Early warning page
ALERTS_FOCUS = "alerts-focus"
ALERTS_NATIONAL = "alerts-national"

# Practice drill-down page
PRACTICES_NOTE = "practices-note"
PRACTICES_GRAPH = "practices-graph"
PRACTICES_TABLE = "practices-table"
PRACTICES_PCN = "practices-pcn"

# Inequalities page
INEQ_NOTE = "ineq-note"
INEQ_ICB_GRAPH = "ineq-icb-graph"
INEQ_RANK_GRAPH = "ineq-rank-graph"
INEQ_ACSC = "ineq-acsc"
INEQ_ACSC_GRAPH = "ineq-acsc-graph"
INEQ_ACSC_MAP = "ineq-acsc-map"

# Patient experience page (/experience, the home page)
EXP_SUMMARY = "exp-summary"  # the headline ("sources agree"), each source's sentence and the rule
EXP_LEAN_GRAPH = "exp-lean-graph"  # each source's items below and above the comparator
EXP_FFT_NOTE = "exp-fft-note"
EXP_FFT_GRAPH = "exp-fft-graph"
EXP_FFT_TABLE = "exp-fft-table"  # the practices that pull the value down most
EXP_IP22_NOTE = "exp-ip22-note"
EXP_IP22_GRAPH = "exp-ip22-graph"
EXP_IP22_TABLE = "exp-ip22-table"  # the main trusts: CQC's bands and the change since 2021
EXP_CMH21_NOTE = "exp-cmh21-note"
EXP_CMH21_GRAPH = "exp-cmh21-graph"
EXP_GPPS_NOTE = "exp-gpps-note"
EXP_GPPS_GRAPH = "exp-gpps-graph"
EXP_GPPS_TABLE = "exp-gpps-table"
EXP_MISSING = "exp-missing"  # what is missing, and why

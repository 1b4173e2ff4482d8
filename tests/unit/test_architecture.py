"""The layout of the code, checked: layers import only downward, and nothing imports in a circle.

Reads every module's imports with ``ast`` (lazy imports inside functions included), so the
check needs no import of the app. The layers, top to bottom (README, "Architecture"):

    app, tools      app.py, bench/, python -m data (the command line)
    callbacks, api  Dash inputs and outputs wired to the page layer; the data API's routes
    layouts         Dash component factories
    reports         board packs and rendered exports
    views           the page layer: (model, selection) -> what a page shows
    selection       the selection every page shares and its query string
    figures         pure figure builders
    data.queries    what views ask of the model
    data.model      the model, its build, and the source readers
    data.methods    pure statistics; geo: boundaries and lineage
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "app",
    "api",
    "bench",
    "callbacks",
    "layouts",
    "reports",
    "views",
    "selection",
    "figures",
    "data",
    "geo",
)
# Highest first; a module belongs to the first layer one of whose prefixes it starts with.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("app and tools", ("app", "bench", "data.__main__")),
    ("callbacks and api", ("callbacks", "api")),
    ("layouts", ("layouts",)),
    ("reports", ("reports",)),
    ("views", ("views",)),
    ("selection", ("selection",)),
    ("figures", ("figures",)),
    ("data.queries", ("data.queries",)),
    ("data.model", ("data.model", "data.readers", "data")),
    ("data.methods and geo", ("data.methods", "geo")),
)


def app_modules() -> dict[str, Path]:
    """Every module of the app (tests and the virtualenv left out), by dotted name."""
    found: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] not in {f"{p}.py" for p in PACKAGES} | set(PACKAGES):
            continue
        name = ".".join(rel.with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The app modules ``name`` imports, anywhere in its body (lazy imports included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def layer_of(name: str) -> int:
    for rank, (_, prefixes) in enumerate(LAYERS):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{name} is in no layer: add it to LAYERS")


def import_graph() -> dict[str, set[str]]:
    modules = app_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_walk_sees_the_app():
    graph = import_graph()
    assert {"app", "selection", "data.model.build", "data.methods.stats", "data.queries.rows"} <= set(graph)
    assert "data.model.core" in graph["data.model.build"]  # a plain import is seen
    assert "data.model.build" in graph["data.model.store"]  # and a lazy one inside a function


def test_no_import_circles():
    assert cycles(import_graph()) == []


def test_no_import_climbs_a_layer():
    climbs = [
        f"{a} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
        for a, targets in import_graph().items()
        for b in sorted(targets)
        if layer_of(b) < layer_of(a)
    ]
    assert climbs == []


def test_methods_know_nothing_of_the_model():
    """The statistics room reads numbers and the shared vocabulary, never the model or a query."""
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("data.methods"):
            assert all(t.startswith("data.methods") for t in targets), (name, targets)


def test_reports_never_import_callbacks():
    graph = import_graph()
    offenders = {n: sorted(t for t in ts if t.startswith("callbacks")) for n, ts in graph.items()}
    assert {n: ts for n, ts in offenders.items() if n.startswith("reports") and ts} == {}


def test_callbacks_never_import_figures():
    """Figures are the page layer's business: a callback sends what a view (``views/``) gives."""
    graph = import_graph()
    offenders = {n: sorted(t for t in ts if t.startswith("figures")) for n, ts in graph.items()}
    assert {n: ts for n, ts in offenders.items() if n.startswith("callbacks") and ts} == {}


def test_views_never_import_dash():
    """The page layer is plain data: no Dash (``layouts.content`` renders what views say)."""
    offenders = {}
    for name, path in app_modules().items():
        if name.startswith("views"):
            found = external_imports(path) & {"dash", "dash_ag_grid", "flask"}
            if found - ({"flask"} if name == "views.cache" else set()):
                offenders[name] = sorted(found)
    assert offenders == {}


def external_imports(path: Path) -> set[str]:
    """The top-level packages a module imports (lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


QUERY_CALLS = {"parse_qs", "parse_qsl", "urlencode"}
# "?areas=", "&size=", or a path's "?" that a query follows ("/export/pack.pdf?{query}")
QUERY_TEXT = re.compile(r"[?&][A-Za-z_]+=|\S\?$")
QUERY_START = re.compile(r"[?&][A-Za-z_]+=")


def query_handling(source: str) -> list[tuple[int, str]]:
    """Where a module parses or writes a query string itself: ``parse_qs``/``parse_qsl``/``urlencode``,
    ``request.args``/``request.values``, or text that starts a query (``f"/map?indicator={i}"``,
    ``f"{query}&part={n}"``, ``"?size="``)."""
    found = []
    tree = ast.parse(source)
    in_fstrings = {
        id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called in QUERY_CALLS:
                found.append((node.lineno, called))
        elif isinstance(node, ast.Attribute) and node.attr in {"args", "values"}:
            if isinstance(node.value, ast.Name) and node.value.id == "request":
                found.append((node.lineno, f"request.{node.attr}"))
        elif isinstance(node, ast.JoinedStr):
            parts = [p.value for p in node.values if isinstance(p, ast.Constant) and isinstance(p.value, str)]
            found += [(node.lineno, f"f-string {p!r}") for p in parts if QUERY_TEXT.search(p)]
        elif (
            isinstance(node, ast.Constant)
            and id(node) not in in_fstrings
            and QUERY_START.match(str(node.value))
        ):
            found.append((node.lineno, f"string {node.value!r}"))
    return sorted(found)


def test_only_selection_reads_or_writes_the_query_string():
    """The selection's query string is read and written in selection.py alone (to_query, parse_query,
    query_params, page_href, export_href, pack_href, view_link, ...), so every link and export agrees
    with the URL's rules. The bench's fixed request URLs are measurement, not the app; the data API
    (api/) reads its own declared parameters (api/spec.py), not the app's selection."""
    offenders = {
        name: query_handling(path.read_text())
        for name, path in app_modules().items()
        if name != "selection" and layer_of(name) > 0 and not name.startswith("api")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_query_scan_sees_each_kind():
    source = """
from urllib.parse import parse_qs, urlencode
def a(search, state, i, query):
    parse_qs(search)
    urllib.parse.parse_qsl(search)
    urlencode(state)
    request.args.get("x")
    f"/map?indicator={i}"
    f"{query}&part={i}"
    f"/export/pack.pdf?{query}"
    return "?size=a4"
def fine(page, query):
    return f"/{page}{query}", "a & b", f"Is it {page}?"
"""
    kinds = [what.split(" ")[0] for _, what in query_handling(source)]
    assert kinds == [
        "parse_qs",
        "parse_qsl",
        "urlencode",
        "request.args",
        "f-string",
        "f-string",
        "f-string",
        "string",
    ]


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]

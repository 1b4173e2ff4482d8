"""Every input path is total (issue 20, item 3): any string the JSON decoder can produce is a
400 with one log line, an unknown component-suite script is a 404 without a traceback, the dev
routes are off, and the callback endpoint answers only the app's own pages (403 otherwise)."""

from __future__ import annotations

import json
import logging

import pytest

from callbacks.guard import MAX_STRING, body_problem, same_origin
from selection import PAGES
from tests.unit.security.conftest import view_body

DISPATCH = "/_dash-update-component"
JSON = {"Content-Type": "application/json"}
UNSENDABLE = {
    "lone low surrogate": "\udc80",
    "lone high surrogate": "E3800\ud800",
    "NUL": "E38000089\x00",
    "escape": "\x1b[31m",
    "C1 control": "\x85",
    "overlong": "E" * (MAX_STRING + 1),
}


def post(client, body, headers=JSON, **kwargs):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(DISPATCH, data=data, headers=headers, **kwargs)


def guard_records(caplog):
    return [r for r in caplog.records if r.name == "callbacks.guard"]


def store_body(state: dict, page: str) -> dict:
    """A body that carries ``page``'s own copy of the selection (the scope callback's input)."""
    store = f"state-{page}"
    return {
        **view_body({**state, "page": "compare"}),
        "inputs": [{"id": store, "property": "data", "value": state}],
    }


@pytest.mark.parametrize("name", UNSENDABLE)
@pytest.mark.parametrize("field", ["areas", "indicator", "page"])
def test_unsendable_strings_in_the_selection_are_400(client, state_for, caplog, name, field):
    caplog.set_level(logging.WARNING)
    state = state_for(page="compare")
    state[field] = [UNSENDABLE[name]] if field == "areas" else UNSENDABLE[name]
    response = post(client, view_body(state))
    assert response.status_code == 400, response.data[:200]
    records = guard_records(caplog)
    assert len(records) == 1 and records[0].exc_info is None
    message = records[0].getMessage()
    assert "\n" not in message and message.isascii()  # printable by any log handler


def test_a_lone_surrogate_in_any_page_store_is_400(client, dash_app, state_for, caplog):
    """The fuzz run's 500s: ``"areas": ["\\udc80"]`` in any page's own store (and the shared one),
    posted to every callback that reads it."""
    caplog.set_level(logging.ERROR)
    stores = {"state-store"} | {f"state-{page}" for page in PAGES}
    posted = 0
    for output, entry in dash_app.callback_map.items():
        every = [*entry.get("inputs", []), *entry.get("state", [])]
        readers = [i for i in every if i["id"] in stores and i["property"] == "data"]
        if not readers:
            continue
        page = readers[0]["id"].removeprefix("state-")
        state = {**state_for(page=page if page in PAGES else "map"), "areas": ["\udc80"]}

        def sent(items, readers=readers, state=state):
            return [
                {"id": i["id"], "property": i["property"], **({"value": state} if i in readers else {})}
                for i in items
            ]

        body = {
            "output": output,
            "outputs": [
                {"id": o.split(".")[0], "property": o.split(".")[1]} for o in output.strip(".").split("...")
            ],
            "inputs": sent(entry["inputs"]),
            "state": sent(entry.get("state", [])),
            "changedPropIds": [f"{entry['inputs'][0]['id']}.{entry['inputs'][0]['property']}"],
        }
        response = post(client, body)
        assert response.status_code == 400, (output, response.status_code)
        posted += 1
    assert posted >= 15  # every page view, the sync callback, the summaries, exports, the context sections
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_unsendable_keys_and_deep_values_are_found():
    assert body_problem({"a\udc80": 1}) is not None
    assert body_problem({"inputs": [{"value": {"x": ["ok", "\x00"]}}]}) is not None
    assert body_problem({"inputs": [{"value": "tab\tand newline\n are fine"}]}) is None
    assert body_problem({"x": "\u202e right-to-left is text, not a control"}) is None


def test_the_raw_surrogate_escape_is_400(client, state_for):
    """As the fuzzer sent it: the JSON escape itself, not a Python string."""
    body = json.dumps(view_body(state_for(page="compare"))).replace('"areas": []', '"areas": ["\\udc80"]')
    assert '"\\udc80"' in body
    assert post(client, body).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/nope/x.js",
        "/_dash-component-suites/dash/nope.js",
        "/_dash-component-suites/dash/../../etc/passwd",
        "/_dash-component-suites/plotly/package_data/plotly.min.js.map.x",
    ],
)
def test_unknown_component_suite_scripts_are_404(client, caplog, path):
    caplog.set_level(logging.INFO)
    response = client.get(path)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "registered" not in text and "dash_renderer" not in text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_known_component_suite_script_is_served(client):
    layout = client.get("/map").get_data(as_text=True)
    src = next(
        part.split('"')[0] for part in layout.split('src="')[1:] if "_dash-component-suites/dash/" in part
    )
    assert client.get(src).status_code == 200


def test_dev_routes_are_off(client):
    response = client.get("/_reload-hash")
    assert response.status_code == 404 and b"packages" not in response.data


# --- who may post callbacks --------------------------------------------------------------


def test_a_text_plain_post_from_another_site_is_403(client, state_for, caplog):
    """The fuzz run's cross-site board pack: a form-like POST needs no preflight."""
    caplog.set_level(logging.WARNING)
    body = json.dumps(view_body(state_for(page="compare")))
    response = post(client, body, headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
    assert response.status_code == 403
    assert len(guard_records(caplog)) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/plain"},
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "multipart/form-data; boundary=x"},
        {},
        {**JSON, "Origin": "https://evil.example"},
        {**JSON, "Origin": "http://localhost.evil.example"},
        {**JSON, "Origin": "null"},
        {**JSON, "Origin": "http://localhost:9999"},
        {**JSON, "Sec-Fetch-Site": "cross-site"},
        {**JSON, "Sec-Fetch-Site": "same-site"},
    ],
)
def test_callback_posts_from_elsewhere_are_403(client, state_for, headers):
    response = post(client, view_body(state_for(page="compare")), headers=headers)
    assert response.status_code == 403, headers


@pytest.mark.parametrize(
    "headers",
    [
        JSON,
        {"Content-Type": "application/json; charset=utf-8"},
        {**JSON, "Origin": "http://localhost"},
        {**JSON, "Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
        {**JSON, "Sec-Fetch-Site": "none"},
    ],
)
def test_callback_posts_from_the_app_itself_answer(client, state_for, headers):
    response = post(client, view_body(state_for(page="compare")), headers=headers)
    assert response.status_code == 200, headers


def test_same_origin_rules():
    assert same_origin("https://outcomes.nhs.uk", "outcomes.nhs.uk", "https")
    assert same_origin("https://outcomes.nhs.uk:8443", "outcomes.nhs.uk:8443", "https")
    assert not same_origin("https://outcomes.nhs.uk:8443", "outcomes.nhs.uk", "https")
    assert not same_origin("http://outcomes.nhs.uk", "outcomes.nhs.uk", "https")
    assert not same_origin("http://outcomes.nhs.uk:x", "outcomes.nhs.uk", "http")
    assert same_origin("http://127.0.0.1:8050", "127.0.0.1:8050", "http")
    assert not same_origin("http://127.0.0.1:8051", "127.0.0.1:8050", "http")
    assert not same_origin("https://outcomes.nhs.uk.evil.example", "outcomes.nhs.uk", "https")
    assert not same_origin("null", "outcomes.nhs.uk", "https")
    assert same_origin("https://public.example", "10.0.0.5:8050", "http", "https://public.example")
    assert same_origin("http://[::1]:8050", "[::1]:8050", "http")


def test_the_404_page_has_no_inline_style(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "style=" not in page.get_data(as_text=True)
    assert client.get("/assets/not-found.css").status_code == 200

"""Callback requests: malformed bodies are a 400 with one log line, the selection is re-parsed."""

from __future__ import annotations

import json
import logging

import pytest

from callbacks.guard import depth_within
from callbacks.security import MAX_CONTENT_LENGTH
from tests.unit.security.conftest import view_body

DISPATCH = "/_dash-update-component"
KERNOW = "E38000089"


def post(client, body) -> object:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(DISPATCH, data=data, content_type="application/json")


def test_a_real_view_request_answers(client, state_for):
    response = post(client, view_body(state_for(page="compare")))
    assert response.status_code == 200
    assert "compare-graph" in response.get_data(as_text=True)


MALFORMED = {
    "list": "[]",
    "null": "null",
    "number": "3",
    "not json": "{nope",
    "empty object": "{}",
    "deep nesting": "[" * 5000 + "]" * 5000,
    "deep object": "{" + '"a":{' * 60 + "}" * 60 + "}",
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_bodies_are_400_with_one_log_line(client, caplog, name):
    caplog.set_level(logging.WARNING)
    response = post(client, MALFORMED[name])
    assert response.status_code == 400
    records = [r for r in caplog.records if r.name == "callbacks.guard"]
    assert len(records) == 1 and "\n" not in records[0].getMessage()
    assert records[0].exc_info is None
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda b: b.pop("inputs"),
        lambda b: b.update(inputs={}),
        lambda b: b.update(inputs=[]),
        lambda b: b.update(inputs=[1]),
        lambda b: b.update(inputs=[{"id": "areas-dropdown", "property": "value", "value": []}]),
        lambda b: b.update(output="no-such-graph.figure"),
        lambda b: b.update(output=["compare-graph.figure"]),
        lambda b: b.update(outputs=None),
        lambda b: b.update(changedPropIds="state-store.data"),
        lambda b: b.update(state=[{"id": "x", "property": "y"}]),
    ],
)
def test_mutated_bodies_are_400(client, state_for, mutate):
    body = view_body(state_for(page="compare"))
    mutate(body)
    assert post(client, body).status_code == 400


def test_a_huge_selection_is_cut_to_six_areas(client, dash_app, model, state_for, caplog):
    caplog.set_level(logging.WARNING)
    codes = sorted(model.areas.loc[model.areas["geography"] == "ccg21", "area_code"])
    state = {**state_for(page="spine"), "areas": [f"E38{i:06d}" for i in range(5000)] + codes}
    output = next(k for k in dash_app.callback_map if "spine-graph.figure" in k)
    body = view_body(state, output)
    body["inputs"].append({"id": "spine-context", "property": "open", "value": False})
    response = post(client, body)
    assert response.status_code == 200
    assert len(response.data) < 300_000
    assert any("re-parsed" in r.getMessage() for r in caplog.records)


def test_wrong_types_in_the_store_do_not_fail(client, state_for):
    for state in (
        {"page": "compare", "indicator": 5, "areas": "x", "ci": None},
        {"page": "compare", "x": [1]},
    ):
        assert post(client, view_body(state)).status_code in (200, 204)


def test_sync_callback_with_nonsense_controls(client, dash_app):
    """The URL/controls callback survives whatever the controls claim to hold."""
    output = next(k for k in dash_app.callback_map if "url.search" in k)
    entry = dash_app.callback_map[output]
    inputs = [{**i, "value": {"x": [1, 2]}} for i in entry["inputs"]]
    inputs[0]["value"] = "/spine"
    inputs[1]["value"] = "?areas=" + ",".join(["E38000089"] * 20000)
    body = {
        "output": output,
        "outputs": [],
        "inputs": inputs,
        "changedPropIds": [f"{entry['inputs'][2]['id']}.value"],
        "state": [{**s, "value": 7} for s in entry["state"]],
    }
    assert post(client, body).status_code in (200, 204, 400)


def test_body_over_the_limit_is_413(client):
    response = post(client, b"{" + b" " * (MAX_CONTENT_LENGTH + 10) + b"}")
    assert response.status_code == 413


def test_depth_within():
    assert depth_within({"a": [1, {"b": 2}]}, 3)
    assert not depth_within({"a": [1, {"b": [3]}]}, 3)

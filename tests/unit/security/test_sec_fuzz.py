"""A bounded, seeded fuzz of every way in: page URLs, the URL/controls callback's query and
mutated callback bodies for every callback the app declares.

Each response must be below 500, carry no traceback or internal path, and stay bounded in
size and time. Seeded (reproducible), at least 1,000 cases, about a minute on the Flask test
client.
"""

from __future__ import annotations

import json
import random
import time
from urllib.parse import quote

import pytest

from layouts import ids
from selection import PAGES, QUERY_ORDER, parse_query

SEED = 13
N_QUERIES = 300
N_SYNC = 250
N_BODIES = 550
MAX_BYTES = 3_000_000
MAX_SECONDS = 10.0
LEAKS = ("Traceback", "site-packages", "/work/", 'File "', "wt-secure", '.py", line')
CODES = ["E38000089", "E38000240", "11N", "E54000036", "E40000006", "e38000089", "E92000001"]
STRINGS = [
    "",
    " ",
    "qof_hyp",
    "dementia_ddr_65plus",
    "ccg21",
    "icb22",
    "Persons",
    "2022/23",
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "\u202e\u0000\ud7ff",
    "demo:imd19_mean_rank",
    "99.8",
    "cartogram",
    "x" * 3000,
    ",".join(CODES * 40),
]


def junk(rng: random.Random, depth: int = 0):
    kind = rng.randrange(12 if depth < 3 else 8)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 2**63, 1e308, float("1e-300")])
    if kind in (3, 4, 5):
        return rng.choice(STRINGS + CODES)
    if kind == 6:
        return []
    if kind == 7:
        return {}
    if kind == 8:
        return [junk(rng, depth + 1) for _ in range(rng.randrange(1, 5))]
    if kind == 9:
        return {rng.choice(STRINGS[:8] + list(QUERY_ORDER)): junk(rng, depth + 1) for _ in range(3)}
    if kind == 10:
        nested: object = "deep"
        for _ in range(rng.choice([10, 50, 200])):
            nested = [nested]
        return nested
    return rng.choice(CODES) * rng.randrange(1, 50)


def random_query(rng: random.Random) -> str:
    keys = list(QUERY_ORDER) + ["page", "size", "foo", "", "areas[]", "__proto__"]
    pairs = []
    for _ in range(rng.randrange(0, 8)):
        key = rng.choice(keys)
        if key == "areas":
            value = ",".join(rng.choice(CODES + STRINGS[:4]) for _ in range(rng.randrange(0, 12)))
        else:
            value = rng.choice(STRINGS + CODES)
        pairs.append(f"{quote(key)}={quote(value, safe=rng.choice(['', ',', ',/%']))}")
    text = "&".join(pairs)
    if rng.random() < 0.1:
        text += rng.choice(["&&&", "=", "%", "%zz", "&a", "#frag", ";x=1"])
    return text


def check(response, started: float) -> None:
    body = response.get_data()
    elapsed = time.monotonic() - started
    assert response.status_code < 500, body[:300]
    text = body.decode("utf-8", "replace")
    leaked = [leak for leak in LEAKS if leak in text]
    assert not leaked, (leaked, text[:300])
    assert len(body) < MAX_BYTES
    assert elapsed < MAX_SECONDS


def is_selection(cid: object) -> bool:
    """The shared selection store or a page's copy of it (written by callbacks/sync.py)."""
    return cid == ids.STATE or cid in {ids.page_state(p) for p in PAGES}


@pytest.fixture(scope="module")
def bodies(dash_app, client, model):
    """One valid body per declared callback (fed the selection a default URL gives)."""
    state, _ = parse_query(model, "?areas=E38000089,E38000240")
    valid = []
    for output, entry in dash_app.callback_map.items():
        if entry.get("background") or "pack-download" in output:
            continue  # a board pack renders for seconds under the export gate and rate (its own tests)

        def fill(items, output=output):
            filled = []
            for item in items:
                value = {**state, "page": "map"} if is_selection(item["id"]) else None
                filled.append({**item, "value": value})
            return filled

        outputs = [
            {"id": part.split(".")[0], "property": part.split(".")[-1]}
            for part in output.strip(".").split("...")
        ]
        valid.append(
            {
                "output": output,
                "outputs": outputs if output.startswith("..") else outputs[0],
                "inputs": fill(entry["inputs"]),
                "changedPropIds": [f"{entry['inputs'][0]['id']}.{entry['inputs'][0]['property']}"],
                "state": fill(entry["state"]),
            }
        )
    return valid


def mutate(rng: random.Random, body: dict, pages: list[str]) -> object:
    body = json.loads(json.dumps(body))
    roll = rng.randrange(10)
    if roll == 0:
        return junk(rng)
    if roll == 1:
        body.pop(rng.choice(list(body)))
    elif roll == 2:
        body[rng.choice(list(body))] = junk(rng)
    elif roll in (3, 4, 5, 6):  # a value the browser could never send, in a real input
        items = body["inputs"] + body["state"]
        target = rng.choice(items)
        if is_selection(target["id"]) and rng.random() < 0.7:
            target["value"] = {**target["value"], rng.choice(list(QUERY_ORDER) + ["page"]): junk(rng)}
            target["value"]["page"] = rng.choice(pages)
        else:
            target["value"] = junk(rng)
    elif roll == 7:
        body["output"] = rng.choice(["", "x.y", body["output"] + ".", "..a.b...c.d.."])
    elif roll == 8:
        body["inputs"] = body["inputs"][::-1] + ([junk(rng)] if rng.random() < 0.5 else [])
    else:
        body["changedPropIds"] = junk(rng)
    return body


def post(client, body):
    started = time.monotonic()
    response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    check(response, started)
    return response


def test_fuzz_page_urls(client):
    rng = random.Random(SEED)
    paths = [f"/{p}" for p in PAGES] + ["/", "/foo", "/export/map.csv", "/geo/x/y.json", "/%2e%2e/etc"]
    for _ in range(N_QUERIES):
        path = rng.choice(paths)
        started = time.monotonic()
        check(client.get(f"{path}?{random_query(rng)}"), started)


def test_fuzz_sync_queries(client, bodies):
    """The URL/controls callback parses whatever query and path it is given."""
    rng = random.Random(SEED + 1)
    sync = next(b for b in bodies if "url.search" in b["output"])
    statuses = []
    for _ in range(N_SYNC):
        body = json.loads(json.dumps(sync))
        body["inputs"][0]["value"] = rng.choice([f"/{p}" for p in PAGES] + ["/", "/x/y", None, 5])
        body["inputs"][1]["value"] = "?" + random_query(rng)
        body["changedPropIds"] = ["url.search"]
        statuses.append(post(client, body).status_code)
    assert statuses.count(200) > N_SYNC * 0.9  # a strange query is a notice, not an error


def test_fuzz_callback_bodies(client, bodies):
    rng = random.Random(SEED + 2)
    statuses = []
    for _ in range(N_BODIES):
        statuses.append(post(client, mutate(rng, rng.choice(bodies), list(PAGES))).status_code)
    assert statuses.count(400) > 50 and statuses.count(200) + statuses.count(204) > 50


def test_enough_cases():
    assert N_QUERIES + N_SYNC + N_BODIES >= 1000

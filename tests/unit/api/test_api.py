"""The data API against its own OpenAPI document, the exports and the model (real data)."""

from __future__ import annotations

import gzip
import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from openapi_spec_validator import validate

from api import ENDPOINTS
from data.model import schema as s
from data.queries.rows import AREA_GEOGRAPHIES

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def client():
    import app as app_module

    client = app_module.server.test_client()
    client.get("/_dash-layout")
    return client


def get_json(client, url: str, **headers):
    response = client.get(url, headers=headers)
    return response, json.loads(response.get_data(as_text=True)) if response.data else None


def test_openapi_validates_and_every_declared_path_answers_its_example(client):
    response, doc = get_json(client, "/api/v1/openapi.json")
    assert response.status_code == 200
    validate(doc)  # OpenAPI 3.1, by openapi-spec-validator
    assert set(doc["paths"]) == {ep.path for ep in ENDPOINTS}
    for path, item in doc["paths"].items():
        url = path
        query = []
        for param in item["get"]["parameters"]:
            if "example" not in param:
                continue
            if param["in"] == "path":
                url = url.replace("{" + param["name"] + "}", param["example"])
            else:
                query.append(f"{param['name']}={param['example']}")
        url += "?" + "&".join(query) if query else ""
        response, body = get_json(client, url)
        assert response.status_code == 200, (url, body)
        assert set(body) >= {"data", "meta"}, url
        declared = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        rows = body["data"] if declared["properties"]["data"].get("type") == "array" else [body["data"]]
        assert rows, url
        columns = set(
            declared["properties"]["data"].get("items", declared["properties"]["data"]).get("properties", {})
        )
        if columns:
            assert set(rows[0]) <= columns | {"series_breaks"}, (url, set(rows[0]) - columns)
        if (
            "format" in {p["name"] for p in item["get"]["parameters"]}
            and "text/csv" in item["get"]["responses"]["200"]["content"]
        ):
            csv = client.get(url + ("&" if "?" in url else "?") + "format=csv")
            assert csv.status_code == 200 and csv.mimetype == "text/csv"
            assert len(pd.read_csv(io.StringIO(csv.get_data(as_text=True)))) == len(rows), url


def test_data_equals_the_table_export_row_by_row(client):
    query = "indicator=gp_fft_positive&geography=ccg21"
    export = client.get(f"/export/table.csv?{query}")
    assert export.status_code == 200
    text = "\n".join(line for line in export.get_data(as_text=True).splitlines() if not line.startswith("#"))
    table = pd.read_csv(io.StringIO(text), dtype={"Area Code": str})
    table = table[table["Area Type"] == s.GEOGRAPHIES["ccg21"]].set_index("Area Code")
    response, body = get_json(client, "/api/v1/indicators/gp_fft_positive/data?geography=ccg21")
    api = pd.DataFrame(body["data"]).set_index("area_code")
    assert len(api) == len(table) == 106
    assert set(api.index) == set(table.index)
    api = api.loc[table.index]
    pd.testing.assert_series_equal(api["value"], table["Value"], check_names=False)
    pd.testing.assert_series_equal(api["lower"], table["Lower CI 95.0 limit"], check_names=False)
    pd.testing.assert_series_equal(api["upper"], table["Upper CI 95.0 limit"], check_names=False)
    pd.testing.assert_series_equal(api["count"], table["Count"].astype(float), check_names=False)
    pd.testing.assert_series_equal(api["denominator"], table["Denominator"].astype(float), check_names=False)
    compared = [c for c in table.columns if c.startswith("Compared to")][0]
    assert (api["category"] == table[compared].fillna("Not compared")).all()
    assert (api["area_name"] == table["Area Name"]).all()
    assert set(api["period"]) == set(table["Time period"])  # FFT has one period: bulk = the latest


def test_bulk_returns_every_row_of_an_indicator(client, model):
    indicator = "op_trimethoprim_monthly"
    response, body = get_json(client, f"/api/v1/indicators/{indicator}/data")
    rows = model.indicators[
        (model.indicators[s.INDICATOR_ID] == indicator) & model.indicators[s.GEOGRAPHY].isin(AREA_GEOGRAPHIES)
    ]
    assert response.status_code == 200 and body["meta"]["total"] == len(rows) == len(body["data"])
    assert body["links"]["next"] is None
    assert len({r["period"] for r in body["data"]}) == rows[s.PERIOD].nunique()


def test_pages_follow_on_without_gaps(client):
    base = "/api/v1/indicators/gp_fft_positive/data?geography=ccg21"
    _, whole = get_json(client, base)
    seen, url = [], base + "&limit=40"
    while url:
        response, body = get_json(client, url)
        assert response.status_code == 200
        seen += body["data"]
        url = body["links"]["next"]
        if url:
            assert response.headers["Link"] == f'<{url}>; rel="next"'
    assert seen == whole["data"]


def test_cache_headers_gzip_and_cors(client):
    url = "/api/v1/indicators?domain=4"
    first = client.get(url)
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == first.data
    preflight = client.open(url, method="OPTIONS")
    assert (
        preflight.status_code == 204 and preflight.headers["Access-Control-Allow-Methods"] == "GET, OPTIONS"
    )
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/v1/indicators/gp_fft_positive/data?colour=value", 400, "colour"),
        ("/api/v1/indicators/gp_fft_positive/data?period=1999", 400, "period"),
        ("/api/v1/indicators/gp_fft_positive/data?geography=ccg13", 400, "geography"),
        ("/api/v1/indicators/gp_fft_positive/data?benchmark=mars", 400, "benchmark"),
        ("/api/v1/indicators/gp_fft_positive/data?areas=ZZZ", 400, "areas"),
        ("/api/v1/indicators/gp_fft_positive/data?ci=95&ci=99.8", 400, "ci"),
        ("/api/v1/indicators/gp_fft_positive/data?limit=0", 400, "limit"),
        ("/api/v1/indicators/gp_fft_positive/data?format=xml", 400, "format"),
        ("/api/v1/indicators/gp_fft_positive/data?areas=%ED%B2%80", 400, "areas"),
        ("/api/v1/indicators/no_such_thing", 404, "id"),
        ("/api/v1/alerts", 400, "areas"),
        ("/api/v1/nowhere", 404, None),
    ],
)
def test_bad_requests_name_what_is_wrong(client, url, status, parameter):
    response, body = get_json(client, url)
    assert response.status_code == status, body
    assert body["error"]["parameter"] == parameter and body["error"]["message"]


def test_the_page_documents_every_endpoint_and_its_examples_answer(client):
    page = client.get("/api").get_data(as_text=True)
    for endpoint in ENDPOINTS:
        assert endpoint.path.replace("{", "").replace("}", "") in page.replace("{", "").replace("}", "")
        assert client.get(endpoint.example_url()).status_code == 200
    for language in ("curl", "Python (pandas)", "R"):
        assert f"<h3>{language}</h3>" in page


@pytest.mark.slow
def test_readme_python_example_runs_against_a_live_server(tmp_path):
    """README's "Data API" Python example, run as a script against the app on a loopback port."""
    from tests.serving import app_server

    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Data API.*?```python\n(.*?)```", readme, re.S)
    assert block, "README has a Data API section with a Python example"
    code = textwrap.dedent(block.group(1))
    assert "https://outcomes.example.nhs.uk" in code
    with app_server(log_path=tmp_path / "app.log") as url:
        script = tmp_path / "example.py"
        script.write_text(code.replace("https://outcomes.example.nhs.uk", url))
        run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "NHS" in run.stdout and "category" in run.stdout


def test_every_indicator_answers_on_every_geography_it_lists(client, monkeypatch):
    from api import http
    from callbacks.limits import ClientLimit, MemoryStore

    # ~250 calls from one address: more than a client's burst, which is not what this test is about
    monkeypatch.setattr(
        http, "API_RATE", ClientLimit("API", per_minute=6000, burst=1000, store=MemoryStore())
    )
    _, catalogue = get_json(client, "/api/v1/indicators")
    assert len(catalogue["data"]) == catalogue["meta"]["total"] > 80
    for entry in catalogue["data"]:
        for geography in str(entry["geographies"]).split(","):
            if geography not in AREA_GEOGRAPHIES:
                continue  # comparators (regions, England) are columns of the area rows
            url = f"/api/v1/indicators/{entry['indicator_id']}/data?geography={geography}&limit=5"
            response, body = get_json(client, url)
            assert response.status_code == 200, (url, body)
            assert body["data"] and body["meta"]["total"] >= len(body["data"]), url


def test_a_client_past_its_allowance_gets_429_with_retry_after(client, monkeypatch):
    from api import http
    from callbacks.limits import ClientLimit, MemoryStore

    monkeypatch.setattr(http, "API_RATE", ClientLimit("API", per_minute=1, burst=2, store=MemoryStore()))
    answers = [client.get("/api/v1/indicators?domain=4") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[-1]
    assert int(refused.headers["Retry-After"]) >= 1 and refused.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(refused.data)["error"]["status"] == 429

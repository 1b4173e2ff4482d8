"""Exports under control (issue 13): the same request gives the same bytes in any worker; the
footer's pack button shares the direct route's render pool, limits and answers."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import sys
import textwrap
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from export_helpers import needs_chromium

from reports.render import fixed_zip_dates, stable_svg_ids

ROOT = Path(__file__).resolve().parents[3]
AREA = "E38000014"
SAME_BYTES = (
    f"/export/compare.svg?indicator=qof_hyp&areas={AREA}",
    f"/export/compare.png?indicator=qof_hyp&areas={AREA}",
    f"/export/spine.pdf?areas={AREA}",
    "/export/map.csv?indicator=qof_hyp",
    f"/export/spine.xlsx?areas={AREA}",
    f"/export/pack.pdf?areas={AREA}",
    f"/export/pack.pptx?areas={AREA}",
)
WORKER = textwrap.dedent(
    """
    import hashlib, json, logging, sys
    logging.disable(logging.CRITICAL)
    from flask import Flask
    from views.cache import init_cache
    from callbacks.exports import register_export_routes
    from data.model.settings import get_settings
    server = Flask("other-worker")
    init_cache(server, get_settings())
    register_export_routes(server)
    client = server.test_client()
    out = {}
    for url in json.loads(sys.argv[1]):
        response = client.get(url)
        out[url] = [response.status_code, hashlib.sha256(response.data).hexdigest()]
    print(json.dumps(out))
    """
)


@needs_chromium
@pytest.mark.slow
def test_two_workers_give_the_same_bytes(export_client):
    """Each export made here, twice (a second apart), and once in another process: one hash."""
    here = {}
    for url in SAME_BYTES:
        first = export_client.get(url)
        time.sleep(1.05)  # a timestamp at one-second resolution would change
        second = export_client.get(url)
        assert first.status_code == 200, (url, first.data[:200])
        assert first.data == second.data, f"{url}: two renders differ"
        here[url] = hashlib.sha256(first.data).hexdigest()
    result = subprocess.run(
        [sys.executable, "-c", WORKER, json.dumps(SAME_BYTES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    there = json.loads(result.stdout.strip().splitlines()[-1])
    for url in SAME_BYTES:
        assert there[url][0] == 200, url
        assert there[url][1] == here[url], f"{url}: another worker made different bytes"


def test_svg_ids_are_made_from_the_drawing():
    svg = b'<svg><defs id="defs-1300e1"><clipPath id="clip1300e1xy"/></defs><g clip-path="url(#clip1300e1xy)"/></svg>'
    other = svg.replace(b"1300e1", b"a9b8c7")
    assert stable_svg_ids(svg) == stable_svg_ids(other)  # plotly's random id gone
    assert b"1300e1" not in stable_svg_ids(svg)
    assert b'clip-path="url(#clip' in stable_svg_ids(svg)  # references still match their ids
    drawn = svg.replace(b"<g ", b'<g class="bars" ')
    assert stable_svg_ids(drawn) != stable_svg_ids(svg)  # two figures on one page: distinct ids


def _workbook(when: datetime) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "value"
    book.properties.created = book.properties.modified = when
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_office_files_get_the_data_version_date():
    stamp = datetime(2025, 1, 1)
    first = fixed_zip_dates(_workbook(datetime(2026, 11, 30, 4, 1, 2)), stamp)
    time.sleep(1.05)
    second = fixed_zip_dates(_workbook(datetime(2026, 11, 30, 5, 6, 7)), stamp)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert all(info.date_time == (2025, 1, 1, 0, 0, 0) for info in z.infolist())
        core = z.read("docProps/core.xml")
        assert b">2025-01-01T00:00:00Z</dcterms:created>" in core
        assert b">2025-01-01T00:00:00Z</dcterms:modified>" in core
        assert z.read("xl/worksheets/sheet1.xml")  # the content is intact


@needs_chromium
def test_pack_route_beyond_the_pool_is_503_at_once(export_client, monkeypatch):
    """The render pool full (its one place taken): a pack is refused at once with Retry-After."""
    import threading

    from callbacks import render_pool

    release = threading.Event()
    pool = render_pool.LocalPool(lambda job: release.wait(10) and None, running=1, queued=0)
    monkeypatch.setattr(render_pool, "get_pool", lambda owner: pool)
    holder = threading.Thread(target=pool.run, args=(render_pool.Job("pack.pdf", b""),))
    holder.start()
    try:
        while pool.admitted < 1:
            time.sleep(0.01)
        started = time.monotonic()
        response = export_client.get(f"/export/pack.pdf?areas={AREA}")
        assert time.monotonic() - started < 2.0
    finally:
        release.set()
        holder.join(10)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0


def _button(client, state):
    """The footer's pack callback, in a request to the app that serves ``client``."""
    from callbacks.exports import build_board_pack

    with client.application.test_request_context("/_dash-update-component", method="POST"):
        return build_board_pack(1, state)


@needs_chromium
@pytest.mark.slow
def test_pack_button_is_the_direct_route(export_client, model, monkeypatch):
    """The button's pack: the route's bytes, made by the same render pool (so the same
    renderer: no Chromium of its own), the same six-area limit."""
    import reports.render as render
    from selection import parse_query

    render.get_renderer()  # the worker's warm renderer exists; no other may be made

    def no_new_renderer(*_a, **_k):
        raise AssertionError("the pack button started a Chromium of its own")

    monkeypatch.setattr(render.Renderer, "__init__", no_new_renderer)
    state, _ = parse_query(model, f"?areas={AREA},E38000089")
    download, status = _button(export_client, state)
    assert status.startswith("Board pack ready"), status
    direct = export_client.get(f"/export/pack.pdf?areas={AREA},E38000089")
    assert direct.status_code == 200
    assert base64.b64decode(download["content"]) == direct.data

    codes = sorted(model.areas.loc[model.areas["geography"] == "ccg21", "area_code"])[:7]
    download, status = _button(export_client, dict(state, areas=codes))
    assert download is None and "At most 6" in status
    assert export_client.get("/export/pack.pdf?areas=" + ",".join(codes)).status_code == 400


def test_pack_button_busy_says_so(export_client, model, monkeypatch):
    from callbacks import render_pool
    from callbacks.limits import Busy
    from selection import parse_query

    def full(job):
        raise Busy("The server is busy with other exports; try again shortly.", retry_after=7)

    monkeypatch.setattr(render_pool, "get_pool", lambda owner: type("Full", (), {"run": staticmethod(full)}))
    state, _ = parse_query(model, f"?areas={AREA}")
    download, status = _button(export_client, state)
    assert download is None and "try again" in status and "about 7 s" in status


def test_map_export_honours_the_peer_set(export_client, model):
    """benchmark=peers&peers=rightcare: the map's data file compares the focus area and its
    RightCare peers with the focus area's RightCare peer value (one comparator, named on each row);
    every other area is not compared ('not in the peer group'); the two sets give different files."""
    import csv

    from data.methods.stats import compare
    from data.model import schema as s
    from data.queries.peers import peer_codes

    base = f"/export/map.csv?indicator=qof_hyp&areas={AREA}&benchmark=peers"
    texts = {}
    for peer_set in ("similar", "rightcare"):
        response = export_client.get(f"{base}&peers={peer_set}")
        assert response.status_code == 200
        texts[peer_set] = response.get_data(as_text=True)
    assert "RightCare's similar 10 of 2016" in texts["rightcare"]
    assert "the nearest 10 by demographics" in texts["similar"]
    table = list(
        csv.DictReader([line for line in texts["rightcare"].splitlines() if not line.startswith("#")])
    )
    group = {AREA, *peer_codes(model, AREA, "rightcare")}
    latest = model.slice("qof_hyp", "ccg21", "2022/23", "Persons").set_index(s.AREA_CODE)
    pooled = (
        latest.loc[sorted(group - {AREA}), s.COUNT].sum()
        / latest.loc[sorted(group - {AREA}), s.DENOMINATOR].sum()
        * 100
    )
    checked = 0
    for rec in table:
        code = rec["Area Code"]
        if code not in latest.index:
            continue
        if code in group:
            r = latest.loc[code]
            assert float(rec["Benchmark value"]) == pytest.approx(pooled)
            assert rec["Compared to benchmark"] == compare(
                r["value"], r["lower95"], r["upper95"], pooled, "no judgement"
            )
        else:
            assert (
                rec["Compared to benchmark"] == s.NOT_COMPARED
                and rec["Why not compared"] == "not in the peer group"
            )
        checked += 1
    assert checked >= 100
    assert texts["similar"] != texts["rightcare"]


@needs_chromium
def test_map_image_honours_the_peer_set(export_client):
    url = f"/export/map.svg?indicator=qof_hyp&areas={AREA}&benchmark=peers&peers="
    similar, rightcare = export_client.get(url + "similar"), export_client.get(url + "rightcare")
    assert similar.status_code == rightcare.status_code == 200
    assert similar.data != rightcare.data
    assert b"RightCare" in rightcare.data

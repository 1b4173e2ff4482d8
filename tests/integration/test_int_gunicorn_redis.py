"""Two gunicorn workers sharing one Redis cache give byte-identical answers."""

from __future__ import annotations

import re

import psutil

from bench.load import gunicorn
from tests.integration.conftest import post_many, view_body

REQUESTS = 40


def test_two_workers_with_redis_answer_identically(model, redis_server, tmp_path):
    access = tmp_path / "access.log"
    env = {"REDIS_URL": redis_server.url, "GUNICORN_ACCESS_LOG": str(access)}
    body = view_body(model, "compare-graph.figure", "?region=", "compare")
    with gunicorn(2, env=env, log_path=tmp_path / "gunicorn.log") as served:
        # the master's children less the render service's supervisor (the one with children)
        workers = {p.pid for p in psutil.Process(served.pid).children() if not p.children()}
        answers = post_many(served.base, body, REQUESTS, threads=4)
        # A second, different selection too, so more than one cache entry is shared.
        other = view_body(model, "overview-graph.figure", "?benchmark=region", "overview")
        other_answers = post_many(served.base, other, REQUESTS // 2, threads=4)

    assert len(workers) == 2
    assert {status for status, _ in answers + other_answers} == {200}
    assert len({data for _, data in answers}) == 1, "the workers' answers differ"
    assert len({data for _, data in other_answers}) == 1
    assert b'"compare-graph"' in answers[0][1] and b'"type":"bar"' in answers[0][1].replace(b" ", b"")
    served_by = {int(p) for p in re.findall(r"pid=<(\d+)>", access.read_text())}
    assert served_by == workers, f"not every worker answered: {served_by} of {workers}"
    assert redis_server.client.dbsize() > 0, "nothing was cached in Redis"

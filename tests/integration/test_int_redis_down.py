"""When Redis stops mid-run the app keeps answering, with the same content, and logs why."""

from __future__ import annotations

from bench.load import gunicorn
from tests.integration.conftest import post_many, view_body

FALLBACK_LOGS = ("cache unavailable",)


def test_app_answers_after_redis_stops(model, redis_server, tmp_path):
    log_path = tmp_path / "gunicorn.log"
    env = {"REDIS_URL": redis_server.url}
    seen = view_body(model, "compare-graph.figure", "", "compare")
    new = view_body(model, "compare-graph.figure", "?sort=name&ci=99.8", "compare")
    with gunicorn(2, env=env, log_path=log_path) as served:
        before = post_many(served.base, seen, 8)
        assert redis_server.client.dbsize() > 0
        redis_server.stop()
        after = post_many(served.base, seen, 8)
        fresh = post_many(served.base, new, 8)

    assert {s for s, _ in before + after + fresh} == {200}
    assert {d for _, d in after} == {before[0][1]}, "answers changed when the cache went away"
    assert len({d for _, d in fresh}) == 1 and fresh[0][1] != before[0][1]
    log = log_path.read_text()
    assert any(text in log for text in FALLBACK_LOGS), log[-2000:]

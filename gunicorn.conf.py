"""gunicorn settings for the CCG Outcomes Explorer: ``gunicorn -c gunicorn.conf.py app:server``.

Workers come from WEB_CONCURRENCY (default 2); the bind address from BIND (default
127.0.0.1:8050). The app is imported once in the master before forking (preload_app), so
the read-only model's arrays are shared copy-on-write between workers and each worker
starts answering at once. Nothing per user lives in a worker: the selection is in the URL
and the browser, and derived results go to the flask-caching backend (Redis when
REDIS_URL is set, so every worker and host shares it).

Threaded workers (gthread): a slow client holds one thread, not the worker. Rendered exports
(images, PDFs, board packs) are not made in the workers at all: the master forks one render
service for the host (callbacks/render_service.py; the hooks below), which keeps the host's
one Chromium and runs a few renders at once at a lower CPU priority, refusing the rest at
once (503 + Retry-After). A worker lets at most half its threads wait for exports, so pages
and callbacks always have threads. In production put nginx in front
(deploy/nginx/ccg-outcomes.conf): it buffers slow clients completely, and set
OUTCOMES_PROXY_COUNT=1 so the app sees the client's address (per-client export limits).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8050")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))  # half may wait for exports, never more
keepalive = 5
# Slow or idle clients cannot hold a thread for ever (nginx in front does better still).
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
timeout = 60
graceful_timeout = 10
max_requests = 2000  # recycle workers now and then: bounds any slow growth of a worker's memory
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s pid=%(p)s "%(r)s" %(s)s %(B)s %(M)sms'
# gunicorn's run-time control socket ($HOME/.gunicorn/gunicorn.ctl) is shared by every gunicorn
# of the user and not needed here: off.
control_socket_disable = True


# The render service (callbacks/render_service.py): forked from this master once the app is
# loaded, supervised by it, ended with it.
def on_starting(server):
    from callbacks.render_service import prepare

    prepare()  # its address and key, inherited by every process forked from here on


def when_ready(server):
    from callbacks.compression import warm
    from callbacks.render_service import start

    warm(server.app.wsgi())  # the first load's files compressed once, here, before the workers fork

    start(server, server.app.wsgi)


def post_fork(server, worker):
    os.environ["OUTCOMES_WORKER_THREADS"] = str(worker.cfg.threads)  # the share exports may hold


def child_exit(server, worker):
    from callbacks.render_service import ensure

    ensure()


def on_exit(server):
    from callbacks.render_service import stop

    stop()

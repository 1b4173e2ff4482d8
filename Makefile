# Quick start: `make run` (set up and start the app), `make test` (set up and run every test).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8050

.PHONY: run serve test setup setup-dev system-deps lint bench model clean-cache

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

system-deps:
	bash scripts/install-system-deps.sh

# gunicorn with threads on 127.0.0.1 (a slow client holds a thread, not the server); no banner.
# `$(PY) app.py --port N` is Werkzeug's development server, for debugging only.
run: system-deps setup
	BIND=127.0.0.1:$(PORT) WEB_CONCURRENCY=$${WEB_CONCURRENCY:-1} $(PY) -m gunicorn -c gunicorn.conf.py app:server

# Production-style: gunicorn with WEB_CONCURRENCY workers (default 2), Redis cache when REDIS_URL is set;
# put nginx in front (deploy/nginx/ccg-outcomes.conf, README "Deploying").
serve: system-deps setup
	$(PY) -m data build
	$(PY) -m gunicorn -c gunicorn.conf.py app:server

test: system-deps setup-dev
	$(PY) -m ruff check .
	$(PY) -m pytest -q

lint: setup-dev
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

model: setup
	$(PY) -m data build

bench: setup-dev
	$(PY) -m bench

clean-cache:
	rm -rf .cache

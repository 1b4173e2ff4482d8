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

run: system-deps setup
	$(PY) app.py --port $(PORT)

# Production-style: gunicorn with WEB_CONCURRENCY workers (default 2), Redis cache when REDIS_URL is set.
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

# servq — the two commands: `make run` (the product, on SQLite, with demo data) and `make test` (everything CI runs).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
# mypy checks all of servq/: models, services, rules, selectors, views, forms, commands.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run worker test lint types test-deps test-sqlite test-postgres bench bench-smoke clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

## setup: create .venv with the locked dependencies and migrate the SQLite database
setup: $(UV)
	$(UV) sync --frozen --quiet --python $(PYTHON)
	@mkdir -p var/static
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py prepare_fonts

## run: set up, load the demo once, start the task worker and the scheduler and serve http://$(HOST):$(PORT)/
run: export SERVQ_SITE_URL ?= http://$(HOST):$(PORT)
run: export SERVQ_DEMO_SITE_URL ?= http://$(HOST):$(PORT)/plans/
# The maps on the case pages draw 國土測繪中心's 臺灣通用電子地圖 (NLSC WMTS, open to all); production sets its own.
run: export SERVQ_MAP_TILES ?= https://wmts.nlsc.gov.tw/wmts/EMAP/default/GoogleMapsCompatible/{z}/{y}/{x}
run: export SERVQ_MAP_ATTRIBUTION ?= © 內政部國土測繪中心
run: setup
	$(PY) manage.py load_demo
	@echo "servq: http://$(HOST):$(PORT)/  (task worker and scheduler beside it, logs in var/; Ctrl-C stops all)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py run_worker --queue-name '*' >var/worker.log 2>&1 & \
	  $(PY) manage.py run_scheduler >var/scheduler.log 2>&1 & \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)

## worker: the background task worker and the scheduler that enqueues periodic tasks
worker: setup
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py run_scheduler & \
	  $(PY) manage.py run_worker --queue-name '*'

lint: setup
	$(VENV)/bin/ruff check servq tests bench gunicorn.conf.py
	$(VENV)/bin/ruff format --check servq tests bench gunicorn.conf.py
	$(VENV)/bin/lint-imports

types: setup
	$(VENV)/bin/mypy servq

## test-deps: the OpenID Connect provider the sign-in tests run against (tests/oidc, locked by npm)
test-deps:
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error; \
	else \
	  echo "npm is missing: the OpenID Connect sign-in tests will skip (under CI=true they fail)." >&2; \
	fi

test-sqlite: setup test-deps
	SERVQ_ENV=test DATABASE_URL=sqlite:///var/test.sqlite3 $(VENV)/bin/pytest -q $(PYTEST_ARGS)

test-postgres: setup test-deps
	@if $(PY) -m servq.core.dbcheck "$(PG_TEST_URL)"; then \
	  SERVQ_ENV=test DATABASE_URL="$(PG_TEST_URL)" $(VENV)/bin/pytest -q $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL at $(PG_TEST_URL) cannot be reached and CI=true: failing." >&2; exit 1; \
	else \
	  echo "PostgreSQL at $(PG_TEST_URL) cannot be reached: SKIPPING the PostgreSQL run (set PG_TEST_URL)." >&2; \
	fi

## test: set up, then ruff, import-linter, mypy, the whole suite on SQLite and on PostgreSQL, and every benchmark at a small size
test: lint types test-sqlite test-postgres bench-smoke

bench: setup
	$(UV) sync --frozen --quiet --group bench --python $(PYTHON)
	for b in bench/[!_]*.py; do $(PY) $$b || exit 1; done

## bench-smoke: every benchmark end to end at a small size (BENCH_SMOKE=1 and the sizes below), so none rots; figures mean nothing here
SMOKE_SIZES := BENCH_SMOKE=1 CASES=20000 SECONDS=3 RATE=20 WARMUP=1 CLIENTS=4 DATASETS=50 CSV_MB=1 DOCS=500 RESPONSES=300 SITES=2 PAGES=20 EXTERNAL=20
bench-smoke: setup
	$(UV) sync --frozen --quiet --group bench --python $(PYTHON)
	@for b in $(or $(BENCHES),bench/[!_]*.py); do \
	  echo "== $$b"; \
	  env $(SMOKE_SIZES) timeout 600 $(PY) $$b > var/bench-smoke.log 2>&1 || { tail -40 var/bench-smoke.log; echo "$$b failed" >&2; exit 1; }; \
	  tail -1 var/bench-smoke.log; \
	done

clean:
	rm -rf $(VENV) $(TOOLS) var/test.sqlite3

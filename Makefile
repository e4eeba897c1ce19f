# One command runner for people and CI alike. `make demo` and `make test` work on a fresh
# machine with Python >= 3.11 and Node/npm.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BASE_STAMP := $(VENV)/.installed-base
DEV_STAMP := $(VENV)/.installed-dev
ASSETS := linkwork/core/static/vendor/linkwork/linkwork.css
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: help demo test check fix bench lock assets clean

help:
	@echo "make demo   install, build, migrate, load demo data and serve on http://127.0.0.1:8000"
	@echo "make test   install the dev tools and run the whole test suite"
	@echo "make check  formatting, lint, types, the floors, templates, migrations, the scoping lint, bandit, pip-audit"
	@echo "make fix    apply formatting and safe lint fixes"
	@echo "make bench  run the benchmarks and write docs/performance.md"
	@echo "make lock   re-pin Python dependencies into requirements/*.txt"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BASE_STAMP): $(BIN)/python requirements/base.txt pyproject.toml
	$(PIP) install -r requirements/base.txt
	$(PIP) install --no-deps -e .
	@touch $@

$(DEV_STAMP): $(BASE_STAMP) requirements/dev.txt
	$(PIP) install -r requirements/dev.txt
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json scripts/build-assets.mjs linkwork/core/assets/linkwork.scss
	npm run --silent build

assets: $(ASSETS)

demo: $(BASE_STAMP) $(ASSETS)
	$(BIN)/linkwork demo

# One test process per core (pytest-xdist); `pytest -n0` runs in one process for debugging.
test: $(DEV_STAMP) $(ASSETS)
	$(BIN)/pytest -n auto

# The checks load the settings (django-stubs, makemigrations) but never serve anything.
check: export SECRET_KEY = check-only-not-a-secret
check: $(DEV_STAMP) $(ASSETS)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy linkwork
	$(BIN)/lint-imports
	$(BIN)/djlint linkwork --lint
	$(BIN)/linkwork makemigrations --check --dry-run
	$(BIN)/python scripts/check_scoping.py
# Bandit's own notes on reviewed lines (a `# nosec` seen from more than one node) are noise.
	$(BIN)/bandit --quiet --recursive linkwork --severity-level medium 2> >(grep -v "nosec encountered" >&2)
	$(BIN)/python scripts/audit_dependencies.py

fix: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: export SECRET_KEY ?= bench-only-not-a-secret
bench: $(DEV_STAMP) $(ASSETS)
	$(BIN)/linkwork bench

lock: $(BIN)/python
	$(PIP) install pip-tools
	$(BIN)/pip-compile -q --strip-extras --no-emit-find-links --no-emit-index-url -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --extra dev --no-emit-find-links --no-emit-index-url -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules linkwork/core/static/vendor var

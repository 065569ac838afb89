# Rebours — every target the project has. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)
HOST ?= 127.0.0.1
PORT ?= 8000
DEBIAN_TEST_PACKAGES := chromium poppler-utils gettext fonts-dejavu-core fonts-dejavu-extra postgresql redis-server
PYTEST_OPTS ?=

.DEFAULT_GOAL := help

help: ## List every target
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Rebours needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP) ## Create .venv and install Rebours with its test tools

system-deps: ## Install the Debian packages the tests need (Chromium, PostgreSQL, Redis, poppler, gettext)
	@missing=$$(for p in $(DEBIAN_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: venv ## Serve the Régionales 2028 demo at http://127.0.0.1:8000 (loads it when absent)
	$(BIN)/rebours demo --host $(HOST) --port $(PORT)

serve: venv ## Serve whatever the database holds
	$(BIN)/rebours serve --host $(HOST) --port $(PORT)

lint: venv ## Ruff (lint and format), mypy, migrations and translations up to date
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy rebours
	REBOURS_DATA_DIR=$$(mktemp -d) $(BIN)/python -m rebours manage makemigrations --check --dry-run
	$(BIN)/python scripts/check_translations.py

test: system-deps venv lint ## The whole suite, twice: SQLite + in-memory layer, then PostgreSQL + Redis
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: venv ## The suite on the default profile (SQLite, in-memory channel layer)
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python -m pytest -m "not browser" -n 2 $(PYTEST_OPTS)
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python -m pytest -m browser $(PYTEST_OPTS)

test-postgres: venv ## The suite on the scaled profile (PostgreSQL and Redis started on 127.0.0.1)
	scripts/with-services.sh $(BIN)/python -m pytest -m "not browser" -n 2 $(PYTEST_OPTS)
	scripts/with-services.sh $(BIN)/python -m pytest -m browser $(PYTEST_OPTS)

test-fast: venv ## Unit tests only, no browser
	$(BIN)/python -m pytest -m "not browser" -n 2 $(PYTEST_OPTS)

messages: venv ## Refresh each app's French catalogue (rebours/<app>/locale), then compile them
	@for app in rebours/*/; do \
	  if ls $$app/templates $$app/*.py >/dev/null 2>&1 && grep -rqlE "translate|gettext|_\(" $$app --include=*.py --include=*.html --include=*.txt; then \
	    mkdir -p $$app/locale; \
	    (cd $$app && REBOURS_DATA_DIR=$$(mktemp -d) DJANGO_SETTINGS_MODULE=rebours.settings PYTHONPATH=$(CURDIR) $(CURDIR)/$(BIN)/django-admin makemessages -l fr --no-obsolete --ignore 'migrations' >/dev/null) || exit 1; \
	  fi; \
	done
	@for po in rebours/*/locale/fr/LC_MESSAGES/django.po; do msgfmt --check-format -o $${po%.po}.mo $$po || exit 1; done

format: venv ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# bench/ also holds helpers (fanout_app.py, sampler.py, serve_sampled.py) that are no benchmarks.
BENCHMARKS := tally similarity sortition board_fanout booklet load
bench: venv ## Run every benchmark (each prints its ratio to a baseline measured in the same run)
	@for b in $(BENCHMARKS); do echo "== bench/$$b.py"; $(BIN)/python bench/$$b.py || exit 1; done

demo-posters: venv ## Redraw the demo's posters and their alt texts from its workshop.json
	$(BIN)/python -m rebours.exchange.demo.posters rebours/exchange/demo/regionales-2028/workshop.json rebours/exchange/demo/regionales-2028/media --write-alt

screenshot: venv ## Retake the README's screenshot (docs/screenshot.png) of the demo in Chromium
	$(BIN)/python scripts/screenshot.py docs/screenshot.png

clean: ## Remove the virtual environment, the local data and test output
	rm -rf $(VENV) var test-output

.PHONY: help venv system-deps demo serve lint test test-sqlite test-postgres test-fast messages format bench demo-posters screenshot clean

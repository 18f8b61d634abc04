# Cashmob: `make run` installs everything and serves the product; `make test` installs the
# development tools too and runs the whole test suite. Both are idempotent: a second run
# reinstalls nothing unless a requirements file changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The machine's Python 3.12 (pyenv reads .python-version). Override with `make PYTHON=...`.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3)
UV_VERSION := 0.13.9

VENV := .venv
BIN := $(VENV)/bin
# uv lives in a venv of its own inside .venv: `uv pip sync` removes every package that the
# requirements file does not list, which would otherwise include uv itself.
UV := $(VENV)/.uv/bin/uv
UV_PIP := $(UV) pip --quiet
export UV_PYTHON := $(BIN)/python
# uv never records or reads the machine's own mirrors: the requirement files are the lock.
export UV_NO_CONFIG := 1

PYTEST_ARGS ?= -n auto

.PHONY: help install install-dev test-tools run test demo lint format lock clean

help:
	@echo "make run      install (if needed) and serve Cashmob with its demo world on SQLite"
	@echo "make test     install with development tools (if needed) and run the whole test suite"
	@echo "make lint     ruff check and format check"
	@echo "make format   ruff format and autofix"
	@echo "make lock     recompile the hash-pinned requirement files from pyproject.toml"
	@echo "make clean    remove .venv (keeps var/, the local database)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
		|| { echo "Cashmob needs Python 3.12 or later; $(PYTHON) is older." >&2; exit 1; }
	$(PYTHON) -m venv --without-pip $(VENV)

$(UV): | $(BIN)/python
	$(PYTHON) -m venv $(VENV)/.uv
	$(VENV)/.uv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Development requirements are a superset of the base ones: when they are installed and
# current, `make run` keeps them instead of syncing back down.
$(VENV)/.synced-base: requirements/base.txt pyproject.toml | $(UV)
	@if [ -f $(VENV)/.synced-dev ] && [ $(VENV)/.synced-dev -nt requirements/dev.txt ] \
		&& [ $(VENV)/.synced-dev -nt requirements/base.txt ] \
		&& [ $(VENV)/.synced-dev -nt pyproject.toml ]; then \
		echo "Development requirements are installed and current."; \
	else \
		echo "Installing requirements/base.txt"; \
		$(UV_PIP) sync --require-hashes requirements/base.txt; \
		$(UV_PIP) install --no-deps -e .; \
		rm -f $(VENV)/.synced-dev; \
	fi
	@touch $@

$(VENV)/.synced-dev: requirements/dev.txt requirements/base.txt pyproject.toml | $(UV)
	@echo "Installing requirements/dev.txt"
	@$(UV_PIP) sync --require-hashes requirements/dev.txt
	@$(UV_PIP) install --no-deps -e .
	@touch $@ $(VENV)/.synced-base

install: $(VENV)/.synced-base

install-dev: $(VENV)/.synced-dev

run: install
	$(BIN)/cashmob run

demo: install
	$(BIN)/cashmob migrate --verbosity 0
	$(BIN)/cashmob demo

# The browser journeys drive Debian's Chromium (never a browser Playwright downloads) and
# check every page they load with the Nu Html Checker, a Java program (Debian's headless JRE);
# the benchmark suite's own test loads pages with Debian's wrk; the catalogs' test extracts the
# strings again with GNU gettext: a suite without them is not green. As root (CI, a fresh container) they are installed; otherwise nothing runs until they are.
CHROMIUM ?= $(or $(CASHMOB_E2E_CHROMIUM),/usr/bin/chromium)
test-tools:
	@missing=(); \
	[ -x "$(CHROMIUM)" ] || missing+=(chromium); \
	command -v wrk >/dev/null || missing+=(wrk); \
	command -v java >/dev/null || missing+=(default-jre-headless); \
	command -v xgettext >/dev/null || missing+=(gettext); \
	if [ $${#missing[@]} -gt 0 ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages: $${missing[*]}"; \
			apt-get update -qq; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$${missing[@]}" >/dev/null; \
		else \
			echo "The test suite needs these Debian packages: $${missing[*]}. Install them, then run make test again:" >&2; \
			echo "    sudo apt-get install -y $${missing[*]}" >&2; \
			exit 1; \
		fi; \
	fi
	@[ -x "$(CHROMIUM)" ] || { echo "No Chromium at $(CHROMIUM)." >&2; exit 1; }

# Tests keep their database, secret key and mail in a throwaway data folder, so that they
# never touch var/ and two checkouts' runs never collide. DATABASE_URL from the environment
# is honoured (CI runs the suite on PostgreSQL that way).
test: install-dev test-tools
	@if [ -z "$${CASHMOB_DATA_DIR:-}" ]; then \
		CASHMOB_DATA_DIR=$$(mktemp -d -t cashmob-test.XXXXXX); \
		export CASHMOB_DATA_DIR; \
		trap 'rm -rf "$$CASHMOB_DATA_DIR"' EXIT; \
	fi; \
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The requirement files are the lock: compiled from pyproject.toml with hashes, with no
# index address recorded (uv reads no mirror configuration here: UV_NO_CONFIG).
lock: | $(UV)
	$(UV) pip compile --quiet --generate-hashes --no-header --python-version 3.12 \
		--output-file requirements/base.txt pyproject.toml
	$(UV) pip compile --quiet --generate-hashes --no-header --python-version 3.12 \
		--extra dev --output-file requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV)

# make run  - install into .venv, migrate var/ (SQLite), load the demo if empty, serve :8000
# make test - install test tools (and system packages), lint, type check, tests on SQLite + PostgreSQL
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
COCREATE := $(BIN)/cocreate
PIP := $(BIN)/pip --disable-pip-version-check --quiet

.PHONY: run test lint typecheck pytest pytest-sqlite pytest-postgres system-deps messages clean

run: $(VENV)/.run-installed
	$(COCREATE) prepare
	$(COCREATE) serve

$(BIN)/python:
	@scripts/ensure-venv.sh "$(PYTHON)" "$(VENV)"

# Reinstall only when the lock files or the project metadata change.
$(VENV)/.run-installed: requirements.lock pyproject.toml | $(BIN)/python
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	@touch $@

$(VENV)/.test-installed: requirements-test.lock $(VENV)/.run-installed
	$(PIP) install -r requirements-test.lock
	@touch $@

system-deps:
	@scripts/system-deps.sh

test: $(VENV)/.test-installed system-deps lint typecheck pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy cocreate

pytest: pytest-sqlite pytest-postgres

pytest-sqlite: $(VENV)/.test-installed
	$(BIN)/pytest -q -n 2

# The opinion-group engine's tests (tests/consensus/engine) never touch the
# database: they run once, in the SQLite pass.
pytest-postgres: $(VENV)/.test-installed
	scripts/with-postgres.sh $(BIN)/pytest -q -n 2 --ignore=tests/consensus/engine

# Refresh the translation catalogue after changing UI strings (needs gettext).
messages: $(VENV)/.run-installed
	cd cocreate && ../$(COCREATE) makemessages --locale zh_Hans --no-obsolete --no-location
	cd cocreate && ../$(COCREATE) compilemessages --locale zh_Hans

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache

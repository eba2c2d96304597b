# The newcomer's two commands: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint setup migrate bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test,lint]'
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/psoas-coach migrate

run: migrate
	$(BIN)/psoas-coach serve --dev

# Style, types and the import contracts (layers, front ends independent) before any test runs.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

# Three test processes (pytest-xdist) on CI's two cores: much of the suite waits on real time
# (browsers playing timelines, servers starting), so a third process fills the idle CPU. Tests go
# out one at a time, the real-time ones first (tests/conftest.py), so the three share those and
# the quick ones fill in around them: none ends alone on a long chain.
PYTEST_ARGS ?= -n 3 --dist load --maxschedchunk 1

# Byte-code caches on for the tests even where the environment turns them off
# (PYTHONDONTWRITEBYTECODE): else every test process, and every server and command they start,
# compiles the project again, and pytest rewrites every test module's asserts in each worker.
test: lint migrate
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache .import_linter_cache

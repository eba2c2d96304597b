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
# (browsers playing timelines, servers starting), so a third process fills the idle CPU; work
# stealing keeps all busy to the end (the long real-time tests would otherwise finish alone).
PYTEST_ARGS ?= -n 3 --dist worksteal

test: lint migrate
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache .import_linter_cache

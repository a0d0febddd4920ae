# Two commands that work on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Migrates, imports data/campaigns/*.xlsx, then starts the bot (or, with no
# TELEGRAM_BOT_TOKEN, the offline sandbox against the built-in Bot API emulator).
run: install
	$(PY) -m bot migrate
	$(PY) -m bot import
	$(PY) -m bot run

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test: install lint
	$(PY) -m pytest -q

bench: install
	$(PY) benchmarks/match.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

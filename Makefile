# Two commands do all the set-up on a fresh machine with Python 3.11+, pip and make:
#   make booklet   builds the seed conference into output/
#   make test      runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: booklet test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

booklet: $(STAMP)
	$(BIN)/booklet build content -o output

test: $(STAMP)
	$(BIN)/ruff check booklet tests benchmarks tools
	$(BIN)/ruff format --check booklet tests benchmarks tools
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) output/*.pdf

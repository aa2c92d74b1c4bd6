# Two commands for readers: `make book` and `make test`. Both set up .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: book book-strict test test-platforms sweep data scorecard bench clean

# Python caches compiled modules by default; some machines switch that off, which makes every fresh
# notebook kernel recompile the book package (about half a second a chapter).
unexport PYTHONDONTWRITEBYTECODE

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . 
	@echo "Open the book: $(CURDIR)/_build/html/index.html"

# What CI runs: warnings are errors, and so is any notebook that fails to execute.
book-strict: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going

test: $(STAMP)
	$(BIN)/python -m pytest

# The whole test suite again under emulated machines (other BLAS kernels, numpy without AVX-512/AVX2).
test-platforms: $(STAMP)
	$(BIN)/python scripts/platforms.py

# Every chapter with a parameters cell, for SEED = 1..20 and the settings its exercises suggest.
sweep: $(STAMP)
	$(BIN)/python scripts/sweep.py

data: $(STAMP)
	$(BIN)/python -m book data

scorecard: $(STAMP)
	$(BIN)/python -m book scorecard

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

clean:
	rm -rf _build

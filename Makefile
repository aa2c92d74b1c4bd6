# Two commands for readers: `make book` and `make test`. Both set up .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: book book-strict test test-platforms sweep data scorecard bench pdf check-pages lab chromium clean

# Python caches compiled modules by default; some machines switch that off, which makes every fresh
# notebook kernel recompile the book package (about half a second a chapter).
unexport PYTHONDONTWRITEBYTECODE

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	@# uv (its version pinned in the lock) installs the locked packages in seconds where pip takes minutes
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$$(grep '^uv==' requirements.lock)"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . 
	@echo "Open the book: $(CURDIR)/_build/html/index.html"

# What CI runs: warnings are errors, and so is any notebook that fails to execute.
book-strict: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going

# One test process per core (pytest-xdist); each notebook's cells stay together in one process.
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadscope

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

# The whole book as one PDF, _build/pdf/book.pdf: the single-page build (warnings are errors), printed by
# headless Chromium and checked. The next HTML build (make book) links it from every page.
pdf: $(STAMP) chromium
	$(BIN)/jupyter-book build . --builder singlehtml --warningiserror --keep-going
	$(BIN)/python scripts/pdf.py

# Every page of the HTML book opened in headless Chromium with the network off; screenshots in
# _build/screenshots.
check-pages: book-strict chromium
	$(BIN)/python scripts/check_pages.py

# JupyterLab on the chapters, to run them live; installed into .venv on first use (requirements-lab.lock).
LAB_STAMP := $(VENV)/.lab-installed
$(LAB_STAMP): $(STAMP) requirements-lab.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-lab.lock
	@touch $(LAB_STAMP)

lab: $(LAB_STAMP)
	$(BIN)/jupyter lab chapters

# The page check and the PDF drive the system's Chromium, never a browser of Playwright's own: found on
# PATH or named by CHROMIUM, else installed from Debian's packages where this is root on Debian (as in CI).
chromium:
	@[ -n "$$CHROMIUM" ] || command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
	  || command -v google-chrome >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	  || { echo "Chromium is needed: apt-get install chromium (Debian), or set CHROMIUM to a Chrome or Chromium" >&2; \
	  exit 1; }

clean:
	rm -rf _build

# Two entry points for a fresh machine with Python 3.11:
#   make run   - install everything into .venv and launch the app
#   make test  - install everything (plus Debian's chromium) and run the whole suite
# python3.11 if it is on PATH, else python3 (the recipe checks that it is 3.11).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3.11)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install chromium clean

run: install
	$(PY) -m streamlit run app.py

test: install chromium
	$(PY) -m ruff check . && $(PY) -m pytest

install: $(STAMP)

# Reinstall only when requirements.txt changes.
$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || { \
	  echo "need Python 3.11: $(PYTHON) is not it (run: make PYTHON=/path/to/python3.11 ...)" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# Browser tests drive the system Chromium through Playwright; `playwright install` cannot
# download browsers here, so Debian's package is used.
chromium:
	@test -x /usr/bin/chromium || bash scripts/install_chromium.sh

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache

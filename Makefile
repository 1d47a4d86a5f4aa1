# Two entry points for a fresh machine with Python 3.11:
#   make run   - install everything into .venv and launch the app
#   make test  - install everything (plus Debian's chromium) and run the whole suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install chromium clean

run: install
	$(PY) -m streamlit run app.py

test: install chromium
	$(PY) -m pytest

install: $(STAMP)

# Reinstall only when requirements.txt changes.
$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or run: make PYTHON=python3 ...)"; exit 1; }
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

# Two entry points for a fresh machine with Python 3.11:
#   make run   - install everything into .venv and launch the app
#   make test  - install everything (plus Debian's chromium, fonts-noto-cjk, nodejs and npm) and run the
#                whole suite, the frontend's eslint and node tests first
# python3.11 if it is on PATH, else python3 (the recipe checks that it is 3.11).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3.11)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: run test install chromium fonts frontend node clean plotly-bundle

run: install
	$(PY) -m streamlit run app.py

test: install chromium fonts frontend
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

# The Chinese pages need a CJK font, or the browser draws empty boxes (tests/test_browser_i18n.py).
fonts:
	@fc-list :lang=zh family | grep -q . || bash scripts/install_cjk_fonts.sh

# The components' JavaScript (ui/frontend): the Python references write the fixtures the
# node tests check the JS against, then node --test, then eslint.
frontend: install node $(NODE_STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests/test_frontend_fixtures.py
	node --test tests/frontend/*.test.mjs
	npx --no-install eslint ui/frontend tests/frontend eslint.config.js

# Debian's nodejs + npm (eslint 9 needs node >= 18.18: Debian 12 has 18.19).
node:
	@command -v node >/dev/null && command -v npm >/dev/null || bash scripts/install_node.sh
	@node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 18) ? 0 : 1)' || { \
	  echo "need node >= 18.18 for eslint 9, have $$(node --version)" >&2; exit 1; }

# eslint, pinned by package-lock.json; reinstalled only when that changes.
$(NODE_STAMP): package.json package-lock.json | node
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

# The live charts' partial plotly.js, ui/static/plotly-levers.min.js, is committed: only a
# plotly upgrade needs this (tests/test_plotly_bundle.py says when).
plotly-bundle: node
	cd scripts/plotly_bundle && npm ci --no-audit --no-fund && node build.cjs

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache node_modules

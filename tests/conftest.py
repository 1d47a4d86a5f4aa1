"""Shared fixtures: a Streamlit server on a free port and a Playwright page in the
system Chromium. Browser tests use `app_url` and `page`; the helpers behind them (and
`shot(page, name)`) live in tests/browser_helpers.py."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from browser_helpers import (ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, RUN_GRACE, start_streamlit,
                             stop_process)

sys.path.insert(0, str(ROOT))
# AppTests and engine tests train in this process's threads: quick to start, and what they
# check is the pages and the engine. tests/test_run_backends.py covers the worker
# processes, and the browser tests' server trains in them (browser_helpers.start_streamlit).
os.environ["GAN_LEVERS_WORKERS"] = "0"


def _require_chromium():
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} not found: run `make test` (it installs Debian's chromium)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def app_server():
    """(process, url) of `streamlit run app.py` for the whole session. Runs unseen for
    RUN_GRACE seconds are freed (600 in the app), so that a closed tab's thread is seen to
    end within a test, while a dropped websocket reconnects well within it."""
    ARTIFACTS.mkdir(exist_ok=True)
    proc, url = start_streamlit(extra_env={"GAN_LEVERS_RUN_GRACE": str(RUN_GRACE)})
    yield proc, url
    stop_process(proc)


@pytest.fixture(scope="session")
def app_url(app_server):
    return app_server[1]


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(60_000)  # generous: CI shares 2 cores with the app server
    yield pg
    context.close()


@pytest.fixture(autouse=True, scope="session")
def _small_torch():
    """Unit tests train tiny nets: one thread each keeps 2 cores usable."""
    import torch
    torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _stop_trainers():
    """Every Trainer a test made is stopped after it, passed or failed: no thread is left
    training into the next test."""
    yield
    if "gan_core.trainer" in sys.modules:
        sys.modules["gan_core.trainer"].stop_all()
    registry = sys.modules.get("gan_core.registry")
    if registry is not None and registry._SERVER is not None:
        registry._SERVER.clear()  # the server's runs, so the next test starts below its cap

"""End to end in Chromium: the Levers page on the pretrained digits.

Open the page, move lever 3 with the keyboard, and check that the generated image
changed and that the URL carries the new value. A screenshot goes to test-artifacts/.
Uses the shared fixtures from tests/conftest.py when they exist (`browser_page`,
`app_url`); otherwise starts its own Streamlit server on the page.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from gan_core import zoo

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="system Chromium not found"),
    pytest.mark.skipif("digits__nsgan" not in zoo.entries(), reason="zoo not built"),
]
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def levers_url():
    """The Levers page's URL: through app.py's navigation when it exists, else the page alone."""
    port = _free_port()
    app = ROOT / "app.py"
    script = app if app.exists() else ROOT / "pages" / "levers.py"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GAN_LEVERS_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script),
                             "--server.headless", "true", "--server.port", str(port),
                             "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stderr.read().decode()[-2000:])
                time.sleep(0.5)
        yield base + ("/levers" if app.exists() else "/")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def page():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 1400, "height": 1800})
        yield pg
        browser.close()


def _main_image_src(page) -> str:
    return page.locator('[data-testid="stImage"] img').first.get_attribute("src")


def _lever_value(url: str, i: int) -> float | None:
    z = parse_qs(urlparse(url).query).get("z")
    return float(z[0].split(",")[i]) if z else None


def test_move_lever_3_changes_the_image_and_the_url(page, levers_url):
    page.goto(levers_url + "?model=digits__nsgan", wait_until="networkidle")
    page.get_by_text("Lever report").first.wait_for(timeout=60_000)
    page.locator('[data-testid="stImage"] img').first.wait_for(timeout=30_000)
    page.wait_for_function("() => new URLSearchParams(location.search).has('z')", timeout=30_000)
    before = _main_image_src(page)
    assert _lever_value(page.url, 3) == 0.0

    thumb = page.locator('[data-testid="stSlider"] input[type="range"][aria-label="z3"]')
    thumb.focus()
    t0 = time.perf_counter()
    for _ in range(10):  # step 0.05 each: 0.00 -> 0.50
        thumb.press("ArrowRight")
    page.wait_for_function(
        "() => { const z = new URLSearchParams(location.search).get('z');"
        " return z && Math.abs(parseFloat(z.split(',')[3]) - 0.5) < 1e-6; }", timeout=30_000)
    page.wait_for_function(
        "(old) => { const im = document.querySelector('[data-testid=\"stImage\"] img');"
        " return im && im.src !== old; }", arg=before, timeout=30_000)
    print(f"\nlever move -> new image and URL in {1e3 * (time.perf_counter() - t0):.0f} ms")
    after = _main_image_src(page)
    assert after != before
    assert _lever_value(page.url, 3) == pytest.approx(0.5)
    assert _lever_value(page.url, 2) == 0.0
    assert page.locator('[data-testid="stException"]').count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "levers_digits.png"), full_page=True)


def test_shared_link_restores_the_levers(page, levers_url):
    z = ",".join(["0.00"] * 3 + ["-1.50"] + ["0.00"] * 12)
    page.goto(f"{levers_url}?model=digits__nsgan&z={z}", wait_until="networkidle")
    page.locator('[data-testid="stImage"] img').first.wait_for(timeout=60_000)
    thumb = page.locator('[data-testid="stSlider"] input[type="range"][aria-label="z3"]')
    assert float(thumb.input_value()) == pytest.approx(-1.5)
    assert _lever_value(page.url, 3) == pytest.approx(-1.5)

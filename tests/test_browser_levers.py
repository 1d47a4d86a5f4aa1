"""End to end in Chromium: the Levers page on the pretrained digits.

Open the page, move lever 3 with the keyboard, and check that the generated image
changed and that the URL carries the new value. A screenshot goes to test-artifacts/.
Uses the shared fixtures from tests/conftest.py (`app_url`, `page`) and `shot` from tests/browser_helpers.py.
"""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest

from browser_helpers import shot
from gan_core import zoo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif("digits__nsgan" not in zoo.entries(), reason="zoo not built"),
]


@pytest.fixture
def levers_url(app_url):
    return app_url + "/levers"


def _main_image_src(page) -> str:
    """The G(z) picture's pixels (a canvas drawn by the browser from G's weights)."""
    page.locator('.st-key-levers_gz canvas').first.wait_for()
    return page.evaluate("() => document.querySelector('.st-key-levers_gz canvas').toDataURL()")


def _lever_value(url: str, i: int) -> float | None:
    z = parse_qs(urlparse(url).query).get("z")
    return float(z[0].split(",")[i]) if z else None


def test_move_lever_3_changes_the_image_and_the_url(page, levers_url):
    page.goto(levers_url + "?model=digits__nsgan", wait_until="networkidle")
    page.get_by_text("Lever report").first.wait_for(timeout=60_000)
    page.locator('.st-key-levers_gz canvas').first.wait_for(timeout=30_000)
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
        "(old) => { const im = document.querySelector('.st-key-levers_gz canvas');"
        " return im && im.toDataURL() !== old; }", arg=before, timeout=30_000)
    print(f"\nlever move -> new image and URL in {1e3 * (time.perf_counter() - t0):.0f} ms")
    after = _main_image_src(page)
    assert after != before
    assert _lever_value(page.url, 3) == pytest.approx(0.5)
    assert _lever_value(page.url, 2) == 0.0
    assert page.locator('[data-testid="stException"]').count() == 0
    page.wait_for_timeout(1500)  # let the lever report's heatmap draw
    shot(page, "levers_digits")


def test_shared_link_restores_the_levers(page, levers_url):
    z = ",".join(["0.00"] * 3 + ["-1.50"] + ["0.00"] * 12)
    page.goto(f"{levers_url}?model=digits__nsgan&z={z}", wait_until="networkidle")
    page.locator('.st-key-levers_gz canvas').first.wait_for(timeout=60_000)
    thumb = page.locator('[data-testid="stSlider"] input[type="range"][aria-label="z3"]')
    assert float(thumb.input_value()) == pytest.approx(-1.5)
    # app.py's menu, not Streamlit's automatic list of files in pages/ (ui.session.through_app)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Mapping inspector" in nav and "playground" not in nav
    assert _lever_value(page.url, 3) == pytest.approx(-1.5)

"""Browser smoke test: the app boots in Chromium, and every page in the navigation
renders without an exception box. One screenshot per page goes to test-artifacts/.

Uses the shared fixtures from tests/conftest.py (`app_url`, `page`) and `shot` from tests/browser_helpers.py.
"""
from __future__ import annotations

import re

import pytest

from browser_helpers import shot

pytestmark = pytest.mark.browser

NAV_LINKS = '[data-testid="stSidebarNav"] a'


def _settle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app has drawn and its script run is over."""
    page.locator('[data-testid="stApp"]').wait_for(timeout=timeout_ms)
    page.locator('[data-testid="stMain"], [data-testid="stAppViewContainer"]').first.wait_for(
        timeout=timeout_ms)
    # The status widget shows "Running..." while the page script runs.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout_ms)
    # Widgets whose code is still loading show as skeletons (the screenshots then show them)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')",
                           timeout=timeout_ms)
    page.wait_for_timeout(500)  # let late elements (charts, exceptions) attach


def _open(page, url: str) -> None:
    """Load `url` and wait for its page's title (or an exception box): every page has
    one. Not "networkidle": a paused Playground long-polls its feed for 15 s after it
    draws (ui/frontend/overview.js), so that wait took ~20 s a visit."""
    page.goto(url, wait_until="domcontentloaded")
    page.locator('[data-testid="stMain"] h1, [data-testid="stException"]').first.wait_for(timeout=120_000)


def _assert_no_exception(page, where: str) -> None:
    errors = page.locator('[data-testid="stException"]')
    if errors.count():
        pytest.fail(f"{where}: the page shows an exception:\n{errors.first.inner_text()[:2000]}")


def test_app_boots_and_every_page_renders(page, app_url):
    _open(page, app_url)
    _settle(page)
    assert re.search(r"gan levers", page.title() + page.content(), re.I), (
        "neither the tab title nor the page mentions GAN Levers")
    _assert_no_exception(page, "default page")
    shot(page, "smoke_default")

    # With one page Streamlit hides the navigation; then the default page is all there is.
    links = page.locator(NAV_LINKS)
    targets = [(links.nth(i).inner_text().strip(), links.nth(i).get_attribute("href"))
               for i in range(links.count())]
    for name, href in targets:
        _open(page, href if href.startswith("http") else app_url + href)
        _settle(page)
        _assert_no_exception(page, f"page {name!r} ({href})")
        slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "page"
        shot(page, f"smoke_{slug}")


def test_playground_settings_survive_a_visit_to_another_page(page, app_url):
    """Streamlit drops an undrawn widget's value: without persist_state, a visit to the
    Levers page reset the Playground's sidebar (the variant fell back to the first one) and
    the page then failed on a missing key."""
    _open(page, app_url)
    _settle(page)
    page.get_by_role("button", name="WGAN-GP fixes it").click()
    _settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    variant = sidebar.locator(".st-key-cfg_variant input")
    target = sidebar.locator(".st-key-cfg_target input")
    page.wait_for_function("() => { const e = document.querySelector('.st-key-cfg_variant input');"
                           " return e && e.value.startsWith('wgan_gp'); }", timeout=30_000)
    for name in ("Levers", "Playground"):
        page.locator('[data-testid="stSidebarNav"]').get_by_text(name, exact=True).click()
        _settle(page)
        _assert_no_exception(page, f"after opening {name}")
    page.locator(".st-key-pg_samples .js-plotly-plot").wait_for(timeout=60_000)
    assert variant.input_value().startswith("wgan_gp"), variant.input_value()
    assert target.input_value() == "ring8", target.input_value()
    shot(page, "smoke_playground_after_a_visit")

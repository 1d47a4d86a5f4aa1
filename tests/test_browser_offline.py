"""Browser test: the app works offline. A tour of every page (Playground, Levers, Mapping,
Discriminator, Timeline) through the sidebar records every request the page makes, web
sockets included, and fails on any host that is not this machine. It used to fetch the
favicon (a material icon) from fonts.gstatic.com on every page load.

Screenshots: test-artifacts/offline_<page>.png.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from browser_helpers import shot

pytestmark = pytest.mark.browser

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension"}
TOUR = [("Playground", "GAN Levers · Playground"), ("Levers", "Levers"),
        ("Mapping inspector", "Mapping inspector"),
        ("Discriminator inspector", "Discriminator inspector"),
        ("Training timeline", "Training timeline")]
ICON_SET_JS = """() => { const l = document.querySelector("link[rel~='icon']");
  return l && l.href && !l.href.endsWith('/favicon.png') ? l.href : null; }"""


def leaves_machine(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return False
    return (parts.hostname or "") not in LOOPBACK


def test_leaves_machine_tells_loopback_from_the_rest():
    assert not leaves_machine("http://127.0.0.1:8501/_stcore/health")
    assert not leaves_machine("ws://localhost:8501/_stcore/stream")
    assert not leaves_machine("data:image/svg+xml;base64,AAAA")
    assert leaves_machine("https://fonts.gstatic.com/s/i/x/24px.svg")
    assert leaves_machine("https://127.0.0.1.example.com/")


def _settle(page, heading: str) -> None:
    """The page's title (or an exception) is drawn and its script run is over."""
    title = page.get_by_role("heading", name=heading, exact=True)
    title.or_(page.locator('[data-testid="stException"]')).first.wait_for(timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    page.wait_for_function(ICON_SET_JS, timeout=60_000)


def _visit(page, link: str, heading: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_text(link, exact=True).click()
    _settle(page, heading)
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{link}: {errors.first.inner_text()[:1000]}"
    shot(page, "offline_" + re.sub(r"[^a-z]+", "_", link.lower()).strip("_"))


def test_a_tour_of_every_page_stays_on_this_machine(page, app_url):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.goto(app_url, wait_until="load")
    _settle(page, TOUR[0][1])
    for link, heading in TOUR[1:] + TOUR[:1]:
        _visit(page, link, heading)
    assert len(requests) > 10, f"the request recorder saw too little: {requests}"
    outside = sorted({u for u in requests if leaves_machine(u)})
    assert not outside, "requests left the machine:\n" + "\n".join(outside)
    # The favicon Streamlit shows is the app's own, inlined, not a fetched material icon.
    assert page.evaluate(ICON_SET_JS).startswith("data:image/svg"), page.evaluate(ICON_SET_JS)

"""Browser test of the manifold layer on the Playground's samples view (issue 19, part 3):
switched on in the sidebar's Display options, G's warped latent grid with its density
shading is drawn on the samples chart, and while training it moves with the live feed
(ui/live_feed.py), between Streamlit's reruns. Screenshots: test-artifacts/manifold_*.png.
"""
from __future__ import annotations

import pytest

from browser_helpers import ARTIFACTS, shot, wait_until
from test_browser_playground import TRACE_JS, _step

pytestmark = pytest.mark.browser

# The newest feed frame's manifold grid: its size and a fingerprint of its coordinates.
FEED_GRID_JS = """() => {
  const d = document.querySelector('.st-key-pg_samples div.gl-live');
  const f = d && d.__liveFrame, g = f && f.traces['manifold grid'];
  if (!g) return null;
  // Plotly's own SVG copy of the grid, hidden while the overlay paints the feed's
  const svg = Array.from(d.querySelectorAll('.scatterlayer .trace')).find(
    t => t.__data__ && t.__data__[0] && t.__data__[0].trace.name === 'manifold grid');
  return {step: f.step, bdata: g.x.bdata.slice(0, 400), len: g.x.bdata.length,
          overlay: !!d.querySelector('canvas.gl-overlay'), svgHidden: !!svg && svg.style.opacity === '0'};
}"""


IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
LEVERS_JS = """() => [0, 1].map(i => (document.querySelector(
  `.st-key-pg_lv_${i} input[type=range]`) || {value: null}).value)"""


def _open_display_and_switch_on(page) -> None:
    sidebar = page.locator('[data-testid="stSidebar"]')
    exp = sidebar.locator('[data-testid="stExpander"]', has_text="Display")
    exp.locator("summary").click()
    exp.get_by_text("G's manifold").click()
    page.get_by_text("Purple grid: G's manifold").first.wait_for(timeout=60_000)


def test_manifold_layer_is_drawn_and_follows_the_feed(browser, app_url):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        page.locator(".st-key-pg_samples .js-plotly-plot").wait_for(timeout=180_000)  # a busy machine
        page.get_by_role("button", name="Mode collapse on ring8").click()
        page.mouse.move(900, 5)
        _open_display_and_switch_on(page)
        grid = wait_until(page, lambda: (lambda t: t if t and t["n"] > 400 else None)(
            page.evaluate(TRACE_JS, ["pg_samples", "manifold grid"])), 60,
            "the manifold grid in the paused chart", shot_name="manifold_failure")
        assert grid["n"] == 2 * 21 * 22  # 21 lines each way, 21 points and a break each
        shot(page, "manifold_paused")
        # The preset's levers span -3..3, the first page's -1..1: they once came back at -3,
        # the new sliders' minimum, in the browser and then on the server.
        page.wait_for_function("() => location.search.includes('target=ring8')")
        page.wait_for_function(IDLE)
        assert page.evaluate(LEVERS_JS) == ["0", "0"]
        page.get_by_role("button", name="Train", exact=True).click()
        first = wait_until(page, lambda: page.evaluate(FEED_GRID_JS), 90,
                           "a feed frame carrying the manifold", shot_name="manifold_failure")
        wait_until(page, lambda: (lambda g: g and g["step"] > first["step"]
                                  and g["bdata"] != first["bdata"])(
            page.evaluate(FEED_GRID_JS)), 60, "the manifold to move with the feed",
            shot_name="manifold_failure")
        # A frame is stored as it arrives and painted when the page's thread is free (not
        # during a full redraw), so the overlay is awaited, not read at that moment.
        wait_until(page, lambda: page.evaluate(FEED_GRID_JS)["overlay"], 60,
                   "live frames to paint the layer on the overlay canvas",
                   shot_name="manifold_failure")
        # ...in place of Plotly's SVG copy (between two full redraws: wait for one such moment)
        wait_until(page, lambda: page.evaluate(FEED_GRID_JS)["svgHidden"], 30,
                   "the overlay to stand in for the SVG grid", poll=0.1, shot_name="manifold_failure")
        wait_until(page, lambda: _step(page) > 1500, 180, "training past step 1,500",
                   shot_name="manifold_failure")
        shot(page, "manifold_training")
        page.locator(".st-key-pg_samples").screenshot(path=str(ARTIFACTS / "manifold_training_chart.png"))
    finally:
        context.close()

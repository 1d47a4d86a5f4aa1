"""Browser end-to-end test of the inspector pages in the system Chromium.

1. Mapping inspector on the pretrained spiral: grid warp, tear map, both morphs, true vs
   learned and the alignment matrix render (Plotly plots holding data).
2. Discriminator inspector on a tutorial model trained in the page (2-unit D features):
   heatmap, then 'take G step' draws the before/after feature space.
3. Playground trains the spiral briefly; the Training timeline (same session, reached
   through the sidebar) scrubs its samples in the browser with the chart's own slider,
   then (the page's slider) to step 0, where the grid warp, tear map and D heatmap
   are rebuilt from step 0's weights, builds the GIF, and the downloaded GIF decodes
   with one frame per recorded snapshot.
Screenshots: test-artifacts/inspector_*.png.
"""
from __future__ import annotations

import re
import time

import numpy as np
import pytest

from browser_helpers import ARTIFACTS, shot, wait_until

pytestmark = pytest.mark.browser

PLOTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => {
  const d = p._fullData || p.data || [];
  return d.reduce((n, t) => n + (t.x ? t.x.length : 0), 0);
})"""


def _wait(page, cond, timeout: float, what: str, poll: float = 0.5, name: str = "failure"):
    return wait_until(page, cond, timeout, what, poll, f"inspector_{name}")


def _plots_with_data(page) -> int:
    return sum(1 for n in page.evaluate(PLOTS_JS) if n > 0)


def _idle(page) -> bool:
    return page.locator('[data-testid="stStatusWidget"]').count() == 0


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(90_000)
    return context, page


def test_mapping_inspector_pretrained(browser, app_url):
    context, page = _new_page(browser)
    try:
        page.goto(app_url + "/mapping", wait_until="domcontentloaded")
        page.get_by_text("Mapping inspector").first.wait_for()
        _wait(page, lambda: _plots_with_data(page) >= 7 and _idle(page), 120, "7 charts with data",
              name="mapping_failure")
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "Tear score" in text and "Width ratio" in text
        time.sleep(1.0)
        shot(page, "inspector_mapping")
    finally:
        context.close()


def test_discriminator_tutorial_before_after(browser, app_url):
    context, page = _new_page(browser)
    try:
        page.goto(app_url + "/discriminator", wait_until="domcontentloaded")
        page.get_by_text("Discriminator inspector").first.wait_for()
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Tutorial model").click()
        sidebar.get_by_role("button", name="Train it").click()
        main = page.locator('[data-testid="stMain"]')
        button = main.get_by_role("button", name="Take G step(s) and show before/after")
        button.wait_for(timeout=300_000)
        _wait(page, lambda: _plots_with_data(page) >= 2 and _idle(page), 60, "heatmap + features",
              name="disc_failure")
        button.click()
        _wait(page, lambda: "Real centroid moved" in main.inner_text() and _idle(page), 60,
              "the before/after metrics", name="disc_failure")
        text = main.inner_text()
        moved = re.search(r"Real centroid moved\s*\n\s*([\d.e+-]+)", text)
        assert moved and float(moved.group(1)) == 0.0, text[:2000]
        time.sleep(1.0)
        shot(page, "inspector_discriminator")
    finally:
        context.close()


def _train_lazarou_briefly_then_timeline(page, app_url):
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_text("GAN Levers").first.wait_for()
    page.get_by_role("button", name="Lazarou spiral").click()
    page.mouse.move(900, 5)  # off the button: its tooltip would cover Train
    page.get_by_role("button", name="Train", exact=True).click()
    time.sleep(8)
    page.get_by_role("button", name=re.compile("Pause")).click()
    time.sleep(1)
    # same session: navigate through the sidebar, not a new URL
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Training timeline").click()
    page.get_by_text("The run as it was at any recorded step").first.wait_for()


# The Timeline's samples chart: the step its own slider shows, and its first fakes.
SCRUB_JS = """() => { const p = document.querySelector('.st-key-tl_samples .js-plotly-plot');
  const v = p && p.querySelector('.slider-container text.slider-label'), d = p && p._fullData;
  const t = d && d[d.length - 1];
  return {label: v ? v.textContent : '', x: t ? Array.from(t.x.slice(0, 4)).join(',') : '',
          active: p ? p.layout.sliders[0].active : null}; }"""


def _moved_on(page, before: dict):
    """The chart's state when both its step label and its fakes differ from `before`."""
    now = page.evaluate(SCRUB_JS)
    return now if now["label"] != before["label"] and now["x"] != before["x"] else None


def _scrub_in_browser(page, main):
    """Clicking along the chart's own slider shows other frames' samples at once, while
    the page's step slider (a server rerun) stays where it was."""
    page.locator(".st-key-tl_samples").scroll_into_view_if_needed()
    page_step = main.get_by_role("slider").first.get_attribute("aria-valuenow")
    rail = page.locator(".st-key-tl_samples .slider-rail-rect").bounding_box()
    seen = {page.evaluate(SCRUB_JS)["label"]}
    for frac in (0.05, 0.5):
        before = page.evaluate(SCRUB_JS)
        page.mouse.click(rail["x"] + frac * rail["width"], rail["y"] + rail["height"] / 2)
        now = _wait(page, lambda b=before: _moved_on(page, b), 10,
                    f"the chart's own slider to show another frame ({frac:.0%})",
                    poll=0.05, name="timeline_failure")
        seen.add(now["label"])
    assert len(seen) == 3, seen
    assert main.get_by_role("slider").first.get_attribute("aria-valuenow") == page_step
    shot(page, "inspector_timeline_scrub")


def _scrub_to_step0(page, main):
    main.get_by_role("slider").first.focus()
    page.keyboard.press("Home")
    _wait(page, lambda: page.evaluate(SCRUB_JS)["label"] == "step 0" and _idle(page), 30,
          "the first frame", name="timeline_failure")
    # the weight views are rebuilt from the keyframe of step 0, not the live run
    _wait(page, lambda: all(t in main.inner_text() for t in (
        "latent grid through G at step 0", "tear map at step 0", "D over the plane at step 0")),
          30, "the weight views at step 0", name="timeline_failure")
    shot(page, "inspector_timeline_step0")


def _download_gif(page, main):
    import imageio.v3 as iio
    main.get_by_role("button", name=re.compile("Build GIF")).click()
    dl = main.get_by_role("button", name=re.compile("Download GIF"))
    dl.wait_for(timeout=120_000)
    with page.expect_download() as info:
        dl.click()
    path = ARTIFACTS / "inspector_training.gif"
    info.value.save_as(path)
    return iio.imread(path, index=None, extension=".gif")


def test_timeline_live_run_gif(browser, app_url):
    context, page = _new_page(browser)
    try:
        _train_lazarou_briefly_then_timeline(page, app_url)
        main = page.locator('[data-testid="stMain"]')
        label = _wait(page, lambda: re.search(r"Step \((\d+) frames\)", main.inner_text()), 60,
                      "the step slider", name="timeline_failure")
        n_frames = int(label.group(1))
        assert n_frames >= 3
        _wait(page, lambda: _plots_with_data(page) >= 3 and _idle(page), 60, "timeline charts",
              name="timeline_failure")
        _scrub_in_browser(page, main)
        _scrub_to_step0(page, main)
        frames = _download_gif(page, main)
        # One GIF frame per recorded frame. If the pause click raced a refresh and the
        # run kept recording, the count can only have grown between the two readings.
        after = int(re.search(r"Step \((\d+) frames\)", main.inner_text()).group(1))
        assert n_frames <= frames.shape[0] <= after, (frames.shape, n_frames, after)
        assert not np.array_equal(frames[0], frames[-1])
        time.sleep(0.5)
        shot(page, "inspector_timeline")
    finally:
        context.close()

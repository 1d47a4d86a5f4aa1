"""Scrubbing the Training timeline (issue #14: "Target <= 200 ms per step: keep the frames
in the browser, as the live chart does"), measured in headless Chromium against
`streamlit run`, both ways in the same run:

  in browser: a click on the samples chart's own slider -> its fakes redrawn (the frames
              are in the page; no rerun);
  page rerun: a key press on the page's step slider -> the server's new frame drawn (the
              way every step was scrubbed before; it also rebuilds the weight views).

Prints p50/p95 of each and their ratio. A short Lazarou spiral run is trained first.

    .venv/bin/python benchmarks/timeline_scrub.py [--train 20] [--moves 20]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

STATE_JS = """() => { const p = document.querySelector('.st-key-tl_samples .js-plotly-plot');
  const d = p && p._fullData, t = d && d[d.length - 1];
  return t ? Array.from(t.x.slice(0, 4)).join(',') : ''; }"""

# Starts a watcher and returns at once: window.__scrub becomes the ms from now until the
# chart's fakes differ from `before` (-1 past 10 s).
WATCH_JS = """(before) => { window.__scrub = null; const t0 = performance.now();
  const get = """ + STATE_JS + """;
  (async () => {
    while (performance.now() - t0 < 10000) {
      if (get() !== before) { window.__scrub = performance.now() - t0; return; }
      await new Promise(r => requestAnimationFrame(r)); }
    window.__scrub = -1; })(); }"""


def timed(page, act) -> float:
    """ms from just before `act()` until the chart shows other fakes (-1: none in 10 s)."""
    page.evaluate(WATCH_JS, page.evaluate(STATE_JS))
    act()
    page.wait_for_function("() => window.__scrub !== null", timeout=20_000)
    return page.evaluate("() => window.__scrub")


def open_timeline(page, url: str, seconds: float) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Lazarou spiral").click()
    page.mouse.move(900, 5)
    page.get_by_role("button", name="Train", exact=True).click()
    time.sleep(seconds)
    page.get_by_role("button", name=re.compile("Pause")).click()
    time.sleep(1)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Training timeline").click()
    page.locator(".st-key-tl_samples .slider-rail-rect").wait_for()
    page.locator(".st-key-tl_samples").scroll_into_view_if_needed()
    time.sleep(2)


def in_browser(page, moves: int) -> list[float]:
    rail = page.locator(".st-key-tl_samples .slider-rail-rect").bounding_box()
    out = []
    for k in range(moves):
        frac = 0.02 if k % 2 == 0 else 0.98 - 0.4 * (k % 4 == 1)  # always another frame
        x, y = rail["x"] + frac * rail["width"], rail["y"] + rail["height"] / 2
        ms = timed(page, lambda x=x, y=y: page.mouse.click(x, y))
        if ms >= 0:
            out.append(ms)
    return out


def page_rerun(page, moves: int) -> list[float]:
    slider = page.locator('[data-testid="stMain"]').get_by_role("slider").first
    out = []
    for k in range(moves):
        slider.focus()
        key = "ArrowLeft" if k % 2 == 0 else "ArrowRight"
        ms = timed(page, lambda key=key: page.keyboard.press(key))
        if ms >= 0:
            out.append(ms)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    return out


def show(label: str, xs: list[float], moves: int) -> float | None:
    if not xs:
        print(f"{label:12s} no redraw seen in {moves} moves")
        return None
    p50, p95 = np.percentile(xs, 50), np.percentile(xs, 95)
    print(f"{label:12s} p50 {p50:6.0f} ms, p95 {p95:6.0f} ms over {len(xs)} of {moves} moves"
          "   (target <= 200 per step)")
    return float(p50)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", type=float, default=20.0, help="seconds of training first")
    ap.add_argument("--moves", type=int, default=20)
    args = ap.parse_args()
    from browser_helpers import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop_process
    from playwright.sync_api import sync_playwright
    proc, url = start_streamlit()
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = b.new_page(viewport={"width": 1500, "height": 1100})
            page.set_default_timeout(90_000)
            open_timeline(page, url, args.train)
            fast = show("in browser:", in_browser(page, args.moves), args.moves)
            slow = show("page rerun:", page_rerun(page, args.moves), args.moves)
            if fast and slow:
                print(f"ratio:       the page rerun takes {slow / fast:.1f}x the in-browser scrub (p50)")
            b.close()
    finally:
        stop_process(proc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

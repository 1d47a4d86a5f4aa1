"""What plain Streamlit allows: the refresh rate of a bare page whose only content is a
fragment redrawing one 2,000-point Plotly chart every 0.25 s (so 4 Hz is the most it
can show), with `st.plotly_chart` and with the app's in-place live chart
(`ui/live_chart.py`). Measured in headless Chromium by counting title changes.

    .venv/bin/python benchmarks/ui_ceiling.py [--seconds 8]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

COUNT_JS = """async (ms) => {
  const title = () => { const r = document.querySelector('.gtitle'); return r ? r.textContent : null; };
  let last = title(), changes = 0; const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await new Promise(r => requestAnimationFrame(r));
    const now = title(); if (now !== null && now !== last) { changes++; last = now; }
  }
  return changes; }"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=8.0)
    args = ap.parse_args()
    from browser_helpers import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop_process
    from playwright.sync_api import sync_playwright
    proc, url = start_streamlit(str(ROOT / "benchmarks" / "ui_ceiling_app.py"))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for mode, label in (("plain", "st.plotly_chart"), ("live", "live chart (ui/live_chart.py)")):
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.goto(f"{url}/?mode={mode}")
                page.locator(".gtitle").first.wait_for(timeout=60_000)
                time.sleep(2)
                hz = page.evaluate(COUNT_JS, args.seconds * 1000) / args.seconds
                print(f"{label:32s} {hz:5.2f} Hz   (fragment asks for 4.00)")
                page.close()
            browser.close()
    finally:
        stop_process(proc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

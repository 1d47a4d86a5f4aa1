"""The demonstrations as a class sees them, in headless Chromium.

1. The first page: open it, press Train, take screenshots at 0, 30 and 60 s, and print the
   detector's numbers at each (it must still be a spiral).
2. "WGAN-GP fixes it": click the preset, press Train, and screenshot and print the numbers
   every 10 s up to the promise's time on the page (seconds / 0.7).

Screenshots go to test-artifacts/demo_*.png. Usage:
    python benchmarks/demo_browser.py [--first-seconds 60] [--skip-first] [--skip-preset]
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

NUMBERS = {
    "step": r"step ([\d,]+) ·",
    "modes": r"Modes captured\s+([\d]+ / [\d]+)",
    "hq": r"HQ \(within 3σ\)\s+([\d]+%)",
    "coverage": r"Coverage\s+([\d]+%)",
}


def numbers(page) -> dict:
    text = page.locator('[data-testid="stMain"]').inner_text()
    out = {}
    for key, pattern in NUMBERS.items():
        m = re.search(pattern, text)
        out[key] = m.group(1) if m else "-"
    verdict = re.search(r"(Healthy[^\n]*|Still learning[^\n]*|Stalled[^\n]*|Too early[^\n]*)", text)
    out["verdict"] = verdict.group(1)[:60] if verdict else "-"
    return out


def train_and_watch(page, seconds: float, every: float, name: str, artifacts: Path) -> None:
    page.get_by_role("button", name=re.compile("Train")).first.click()
    page.get_by_role("button", name=re.compile("Pause")).first.wait_for()
    t0 = time.time()
    marks = [k * every for k in range(int(seconds // every) + 1)]
    for mark in marks:
        while time.time() - t0 < mark:
            time.sleep(0.2)
        path = artifacts / f"demo_{name}_{int(mark):03d}s.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"{name} {mark:5.0f} s: {numbers(page)}  -> {path.name}", flush=True)
    page.get_by_role("button", name=re.compile("Pause")).first.click()


def first_page(browser, url: str, seconds: float, artifacts: Path) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.set_default_timeout(120_000)
    page.goto(url)
    page.locator(".st-key-pg_samples .js-plotly-plot").wait_for()
    time.sleep(2)  # the detector's first numbers for the opened model
    train_and_watch(page, seconds, 30.0, "first_page", artifacts)
    page.close()


def preset(browser, url: str, name: str, seconds: float, artifacts: Path) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.set_default_timeout(120_000)
    page.goto(url)
    page.locator(".st-key-pg_samples .js-plotly-plot").wait_for()
    page.get_by_role("button", name=name).click()
    page.get_by_text("What to watch").wait_for()
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    train_and_watch(page, seconds, 10.0, slug, artifacts)
    page.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--first-seconds", type=float, default=60.0)
    ap.add_argument("--preset", default="WGAN-GP fixes it")
    ap.add_argument("--skip-first", action="store_true")
    ap.add_argument("--skip-preset", action="store_true")
    args = ap.parse_args()
    from browser_helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop_process
    from playwright.sync_api import sync_playwright

    from gan_core.presets import PRESETS
    ARTIFACTS.mkdir(exist_ok=True)
    proc, url = start_streamlit()
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            if not args.skip_first:
                first_page(b, url, args.first_seconds, ARTIFACTS)
            if not args.skip_preset:
                promise = PRESETS[args.preset].promise
                preset(b, url, args.preset, promise.seconds / 0.7, ARTIFACTS)
            b.close()
    finally:
        stop_process(proc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

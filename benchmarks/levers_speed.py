"""How long one lever redraw takes on the pretrained digits (16 levers x 9-image strips).

Two figures:
- compute: the gan_core work per redraw (G on 1 + 16*9 latents, classifier, the strip
  sheet), in-process;
- page: a full AppTest rerun of pages/levers.py after moving one slider (Streamlit's
  script run, widgets and all; no browser). The browser end-to-end figure comes from
  tests/test_browser_levers.py, which prints its own timings.

    python benchmarks/levers_speed.py [--repeats 50]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from gan_core import lever_figures as F  # noqa: E402
from gan_core import levers as L  # noqa: E402
from gan_core import zoo  # noqa: E402
from gan_core.classifier import load_classifier, predict_probs  # noqa: E402


def pct(a, q):
    return float(np.percentile(np.asarray(a) * 1e3, q))


def compute_times(repeats: int) -> list[float]:
    run = zoo.load_entry("digits__nsgan")
    clf = load_classifier()
    spec = L.lever_spec(run)
    values = L.lever_values(spec.lo, spec.hi, 9)
    rng = np.random.default_rng(0)
    out = []
    for _ in range(repeats):
        z = rng.standard_normal(spec.dim).astype(np.float32)
        t0 = time.perf_counter()
        x = L.decode(run, z)[0]
        strips = L.sweep_outputs(run, z, values)
        predict_probs(clf, x[None])
        F.digit_image(x, 8, 32)
        F.strip_sheet(strips, 8, spec.names, [F.nearest_column(values, v) for v in z])
        out.append(time.perf_counter() - t0)
    return out


def page_times(repeats: int) -> list[float]:
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "pages" / "levers.py"), default_timeout=120)
    at.run()
    out = []
    for k in range(repeats):
        slider = next(s for s in at.slider if s.label == "z3")
        t0 = time.perf_counter()
        slider.set_value(round(-2 + 4 * (k % 9) / 8, 2)).run()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--browser", metavar="URL", nargs="?", const="auto",
                        help="also time redraws in Chromium: against a running server's levers "
                        "page (e.g. http://127.0.0.1:8501/levers), or, with no URL, against a "
                        "`streamlit run app.py` this script starts")
    args = parser.parse_args()
    torch.set_num_threads(1)
    zoo.warm_up()
    c = compute_times(args.repeats)
    print(f"compute per redraw: p50 {pct(c, 50):.1f} ms, p95 {pct(c, 95):.1f} ms (n={len(c)})")
    p = page_times(max(5, args.repeats // 5))
    print(f"AppTest page rerun: p50 {pct(p, 50):.1f} ms, p95 {pct(p, 95):.1f} ms (n={len(p)})")
    if args.browser:
        proc = None
        url = args.browser
        if url == "auto":
            sys.path.insert(0, str(ROOT / "tests"))
            from conftest import start_streamlit
            proc, base = start_streamlit()
            url = base + "/levers"
        try:
            b = browser_times(url, max(10, args.repeats // 2))
        finally:
            if proc is not None:
                from conftest import stop_process
                stop_process(proc)
        print(f"Chromium lever move -> new image: p50 {pct(b, 50):.0f} ms, p95 {pct(b, 95):.0f} ms (n={len(b)})")



def browser_times(url: str, repeats: int) -> list[float]:
    """Chromium: one ArrowRight on lever z3 -> the G(z) image src changes. Needs a running
    server at `url` (streamlit run pages/levers.py or app.py)."""
    from playwright.sync_api import sync_playwright
    out = []
    with sync_playwright() as p:
        sys.path.insert(0, str(ROOT / "tests"))
        from conftest import CHROMIUM, CHROMIUM_ARGS
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(url + "?model=digits__nsgan", wait_until="networkidle")
        page.locator('.st-key-levers_gz img').first.wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        thumb = page.locator('[data-testid="stSlider"] input[type="range"][aria-label="z3"]')
        thumb.focus()
        for k in range(repeats):
            before = page.locator('.st-key-levers_gz img').first.get_attribute("src")
            t0 = time.perf_counter()
            thumb.press("ArrowRight" if (k // 10) % 2 == 0 else "ArrowLeft")
            page.wait_for_function(
                "(old) => { const im = document.querySelector('.st-key-levers_gz img');"
                " return im && im.src !== old && im.complete; }", arg=before, timeout=30_000, polling=5)
            out.append(time.perf_counter() - t0)
            page.wait_for_timeout(300)  # let the rest of the rerun settle
        browser.close()
    return out


if __name__ == "__main__":
    main()

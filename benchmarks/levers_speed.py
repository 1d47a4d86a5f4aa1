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
            from browser_helpers import start_streamlit
            proc, base = start_streamlit()
            url = base + "/levers"
        try:
            times = browser_times(url, max(10, args.repeats // 2))
        finally:
            if proc is not None:
                from browser_helpers import stop_process
                stop_process(proc)
        b, strips = [t[0] for t in times], [t[1] for t in times]
        print(f"Chromium key press -> G(z) redrawn:        p50 {pct(b, 50):.0f} ms, p95 {pct(b, 95):.0f} ms (n={len(b)})")
        print(f"Chromium key press -> all 16 strips redrawn: p50 {pct(strips, 50):.0f} ms, "
              f"p95 {pct(strips, 95):.0f} ms   (target p95 <= 150)")


def browser_times(url: str, repeats: int) -> list[tuple[float, float]]:
    """Chromium: one ArrowRight on lever z3 -> G(z) and the strips redrawn. Timed inside the
    page, from the keydown event to the end of the G(z) draw (the browser runs G itself
    when it is a plain MLP; otherwise the draw comes with the server's rerun), so the
    test driver's own round trips are not counted. Needs a server at `url`."""
    from playwright.sync_api import sync_playwright
    sys.path.insert(0, str(ROOT / "tests"))
    from browser_helpers import CHROMIUM, CHROMIUM_ARGS
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(url + "?model=digits__nsgan", wait_until="networkidle")
        page.locator('.st-key-levers_gz canvas, .st-key-levers_gz img').first.wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        page.evaluate("""() => document.addEventListener('keydown',
            () => { window.__keyAt = performance.now(); }, true)""")
        thumb = page.locator('[data-testid="stSlider"] input[type="range"][aria-label="z3"]')
        thumb.focus()
        for k in range(repeats):
            thumb.press("ArrowRight" if (k // 10) % 2 == 0 else "ArrowLeft")
            ms = page.wait_for_function(
                """() => { const done = (key) => (window.__ganLeversDraws || []).find(
                      e => e.key === key && e.start >= window.__keyAt);
                    const a = done('levers_gz'), b = done('levers_sheet');
                    return a && b ? [a.start + a.ms - window.__keyAt,
                                     b.start + b.ms - window.__keyAt] : false; }""",
                timeout=30_000).json_value()
            out.append((ms[0] / 1000, ms[1] / 1000))
            page.wait_for_timeout(600)  # let the server's rerun land before the next move
        browser.close()
    return out


if __name__ == "__main__":
    main()

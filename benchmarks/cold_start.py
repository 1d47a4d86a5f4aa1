"""How long a newcomer waits for the first chart (issue #14, "the first five minutes").

Four figures, each timed in headless Chromium on loopback (each visit a new browser
context, so nothing is cached from an earlier one):
  (a) fresh:      `streamlit run` started -> the Playground's samples chart drawn with points
  (b) warm:       the same server, a new browser session right after (a) -> that chart
                  drawn with points (the server still finishing its start and the first
                  visit's work: the warm-up's later imports, the detector's first pass)
  (b') settled:   the same, once the server has been quiet for SETTLE s (its spare worker
                  booted too): a visitor to a server that has been up a while
  (c) link:       the same server, a new session on a shared Levers link
                  (/levers?model=digits__nsgan&z=...) -> its sliders shown at the link's values
  (d) fresh_link: a second new server, `streamlit run` started -> that link's sliders (the
                  link is its very first request, the path ui.session.through_app handles)
"Drawn with points" means Plotly has the chart's "generated" trace with its points (its
`_fullData`), not merely the page's frame. "up" is launch -> /_stcore/health answering.
Each repeat starts two new servers per tree.

With --baseline PATH (another checkout, e.g. a detached worktree of main), the repeats
alternate between the two trees (ABBA order), so a noisy shared machine weighs on both
alike; the figures are medians, with after/before ratios. Every wait is bounded
(--timeout per wait, --budget for the whole script); a run that times out is recorded as
missing, never waited on forever.

    python benchmarks/cold_start.py [--baseline /work/wt-cold-base] [--repeats 5]
        [--ports 8630,8631] [--timeout 120] [--budget 1800]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser_helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, free_port, stop_process  # noqa: E402

LINK = "/levers?model=digits__nsgan&z=" + ",".join(["0.00"] * 3 + ["-1.50"] + ["0.00"] * 12)
TARGETS = {"fresh": 8.0, "warm": 3.0, "settled": 3.0, "link": None,
           "fresh_link": None}  # s, from the issue ("warm server, new session")
SETTLE = 8  # s of quiet: longer than gan_core.workers.CALM, after which a spare worker boots

CHART_JS = """() => {
  const plot = document.querySelector('.st-key-pg_samples .js-plotly-plot');
  const data = plot && plot._fullData;
  const t = data && data.find(d => d.name === 'generated');
  return !!(t && t.x && t.x.length > 0);
}"""

SLIDER_JS = """() => {
  const el = document.querySelector('[data-testid="stSlider"] input[type=range][aria-label="z3"]');
  return !!(el && el.offsetParent !== null && Math.abs(parseFloat(el.value) + 1.5) < 1e-6);
}"""


def start_server(tree: Path, port: int):
    """`streamlit run app.py` in `tree`, as tests/browser_helpers starts it; returns the
    process and the perf_counter time just before it was launched."""
    env = {**os.environ, "PYTHONPATH": str(tree), "GAN_LEVERS_THREADS": "1"}
    log = open(ARTIFACTS / f"cold-start-{tree.name}-{port}.log", "wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    return proc, t0


def wait_up(url: str, proc, timeout: float) -> None:
    """Poll the health route finely (the time to answer is part of figure a)."""
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as resp:
                if resp.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not come up within {timeout:.0f} s")


def seen(browser, url: str, js: str, timeout: float, t0: float | None = None,
         name: str = "visit") -> float:
    """Seconds from t0 (default: now) until `js` holds on `url` in a new browser session.
    A wait that fails leaves a screenshot, test-artifacts/cold-start-failed-NAME.png."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        start = time.perf_counter() if t0 is None else t0
        page.goto(url, wait_until="commit", timeout=timeout * 1e3)
        try:
            page.wait_for_function(js, polling=50, timeout=timeout * 1e3)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / f"cold-start-failed-{name}.png"), full_page=True)
            raise
        took = time.perf_counter() - start
        errors = page.locator('[data-testid="stException"]')
        if errors.count():  # a fast page that failed is no figure
            raise RuntimeError("the page shows an exception: " + errors.first.inner_text()[:300])
        return took
    finally:
        context.close()


# Each server's visits in order: (figure, path, condition). The first is timed from the
# server's launch, the others from their own page load (a new browser session each).
SERVERS = ((("fresh", "/", CHART_JS), ("warm", "/", CHART_JS), ("link", LINK, SLIDER_JS),
            ("settled", "/", CHART_JS)),
           (("fresh_link", LINK, SLIDER_JS),))


def one_server(browser, tree: Path, port: int, timeout: float, visits) -> dict:
    """The figures of `visits` on one new server in `tree` (None where one timed out)."""
    out = {name: None for name, _, _ in visits}
    proc, t0 = start_server(tree, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_up(url, proc, timeout)
        out["up"] = time.perf_counter() - t0
        for k, (name, path, js) in enumerate(visits):
            if name == "settled":
                from load import wait_quiet  # not at the top: load.py imports this module
                wait_quiet(proc.pid, timeout, seconds=SETTLE)
            try:
                out[name] = seen(browser, url + path, js, timeout, t0 if k == 0 else None,
                                 f"{tree.name}-{name}")
            except Exception as err:  # a timeout is a missing figure, not a crash
                print(f"  {tree.name} {name}: {type(err).__name__}: {str(err)[:200]}", flush=True)
    except Exception as err:
        print(f"  {tree.name}: server failed: {err}", flush=True)
    finally:
        stop_process(proc)
    return out


def fmt(x) -> str:
    return "  —  " if x is None else f"{x:5.1f}"


def median(rows: list[dict], key: str):
    vals = [r[key] for r in rows if r.get(key) is not None]
    return (statistics.median(vals), len(vals)) if vals else (None, 0)


def report(results: dict[str, list[dict]], labels: dict[str, str]) -> None:
    names = list(results)
    print("\nmedians (s), n = runs that finished" + ("; ratio = after / before" if len(names) > 1 else ""))
    print("figure      " + "".join(f"{labels[n]:>16}" for n in names) + ("   ratio" if len(names) > 1 else "")
          + "  target")
    for key in ("up", *TARGETS):
        meds = [median(results[n], key) for n in names]
        cells = "".join(f"{fmt(m):>11} (n={k})" for m, k in meds)
        ratio = ""
        if len(meds) > 1 and meds[0][0] and meds[1][0] is not None:
            ratio = f"   {meds[1][0] / meds[0][0]:5.2f}"
        target = TARGETS.get(key)
        print(f"{key:10}  {cells}{ratio}  {'≤ %g s' % target if target else ''}")


def one_repeat(browser, trees: dict[str, Path], order: list[str], ports: list[int],
               timeout: float) -> dict[str, dict]:
    out = {}
    for k, name in enumerate(order):
        row = {}
        for visits in SERVERS:
            up = row.get("up")
            row.update(one_server(browser, trees[name], ports[k % len(ports)], timeout, visits))
            row["up"] = up if up is not None else row.get("up")  # the first server's
        out[name] = row
    return out


def run_all(args, trees: dict[str, Path], ports: list[int]) -> dict[str, list[dict]]:
    from playwright.sync_api import sync_playwright
    results = {name: [] for name in trees}
    deadline = time.perf_counter() + args.budget
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for rep in range(args.repeats):
            if time.perf_counter() > deadline:
                print(f"budget of {args.budget:.0f} s spent: stopping early", flush=True)
                break
            order = list(trees) if rep % 2 == 0 else list(trees)[::-1]  # ABBA: drift hits both
            for name, r in one_repeat(browser, trees, order, ports, args.timeout).items():
                results[name].append(r)
                print(f"repeat {rep + 1} {name:6}: " + "  ".join(
                    f"{key} {fmt(r.get(key))}" for key in ("up", *TARGETS)), flush=True)
        browser.close()
    return results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--baseline", type=Path, help="another checkout to compare with (before)")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--ports", default="", help="comma-separated ports (default: free ones)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per wait")
    p.add_argument("--budget", type=float, default=1800.0, help="seconds for the whole script")
    args = p.parse_args(argv)
    ARTIFACTS.mkdir(exist_ok=True)
    ports = [int(x) for x in args.ports.split(",") if x.strip()] or [free_port(), free_port()]
    trees = {"before": args.baseline.resolve(), "after": ROOT} if args.baseline else {"this": ROOT}
    labels = {name: f"{name} ({tree.name})"[:15] for name, tree in trees.items()}
    print(f"trees: {', '.join(f'{n}={t}' for n, t in trees.items())}; ports {ports}; "
          f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    results = run_all(args, trees, ports)
    report(results, labels)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The Playground under load (issue #13, part 4): N browser sessions train at once.

For each N in --sessions, a new `streamlit run app.py` (loopback, GAN_LEVERS_THREADS=1) and
one headless Chromium with N browser contexts (each a new session) on the Playground. Every
tab presses Train; then, over a window of --seconds, it prints:
  ack      click on Train -> the page shows the run training (the button turns to Pause or
           the status line says "running"), p50 / p95 over the tabs, timed in the page
  chart    each tab's live samples chart, frames per second: how often the chart's title
           ("Samples · step N", set on every draw, live frame or Plotly redraw) changes,
           counted in the page by a MutationObserver; min / median over the tabs
  steps/s  per run (the newest step the tab shows at the window's start and end, from the
           status line or the chart's title; min / median) and their sum, and that sum /
           one headless run's steps/s
  lost     runs lost or reset: a tab whose step counter went down, or whose page says
           its run was freed or the server is full; "idle" tabs stopped training
  memory   RSS of the streamlit process and of all its child processes (worker processes),
           the peak over the window
  cores    CPU used over the window by the server (with its children), by Chromium, and by
           everything else on the machine (this script and Playwright included): a busy
           "other" means someone else's work weighed on the figures
Each level waits for the server to go quiet (its start-up imports, then the tabs' first
pages) before Train is pressed, and measures from --settle s after every tab acknowledged.
The headless baseline trains the Playground's first model (the pretrained spiral, which
Train continues) with gan_core.trainer.Trainer for --baseline-seconds in a process of
its own, once before the levels and once after them (no server running); the final
table's ratios use the mean of the two. Targets (PASS/MISS) for N = 10 and N = 20: ack p95
<= 1 s, every tab's chart >= 2 Hz (1 Hz at 20), 0 runs lost or reset, aggregate steps/s
>= 1.6x one headless run's.

Bounded: --max-sessions caps N, --budget the whole script, every wait has a timeout; the
server and the browser are stopped on exit. --tree measures another checkout's app (the
default: the repo this script is in).

    .venv/bin/python benchmarks/load.py [--sessions 1,5,10,20] [--seconds 30]
        [--tree /work/other-checkout] [--max-sessions 40] [--budget 1800]
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from browser_helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, free_port, stop_process, wait_healthy  # noqa: E402
from cold_start import start_server  # noqa: E402

# Targets from the issue, by N: (ack p95 s, chart Hz, lost, aggregate / headless).
TARGETS = {10: (1.0, 2.0, 0, 1.6), 20: (1.0, 1.0, 0, 1.6)}

BASELINE_PY = """
import sys, time
from pathlib import Path
from gan_core import checkpoints, zoo
from gan_core.trainer import Trainer
ckpt = checkpoints.load(Path(zoo.PRETRAINED) / zoo.entries()[zoo.FIRST_PAGE]["file"])
trainer = Trainer(ckpt.config)
trainer.load_checkpoint(ckpt)
trainer.start()
time.sleep(2.0)
s0, t0 = trainer.status()["step"], time.perf_counter()
time.sleep(float(sys.argv[1]))
s1, t1 = trainer.status()["step"], time.perf_counter()
trainer.stop()
print((s1 - s0) / (t1 - t0))
"""

# The Playground is ready to press Train: its button, its status line and a drawn chart.
READY_JS = """() => {
  const b = document.querySelector('.st-key-pg_train button');
  const main = document.querySelector('[data-testid="stMain"]');
  return !!(b && /Train/.test(b.textContent) && main && /step [\\d,]+ · /.test(main.textContent)
            && document.querySelector('.st-key-pg_samples .gtitle')
            && !document.querySelector('[data-testid="stStatusWidget"]'));
}"""

# In-page recorders, all timed with the page's performance.now(): the click on Train and
# the first sight of the run training; every change of the chart's title (a frame); every
# change of the status line's step.
PROBE_JS = """() => {
  if (window.__load) return true;
  const L = window.__load = {click: null, ack: null, frames: [], steps: []};
  const STATUS = /step ([\\d,]+) · [^·]* · (\\w+)/;
  const status = () => {
    for (const el of document.querySelectorAll('[data-testid="stMarkdownContainer"]')) {
      const m = STATUS.exec(el.textContent);
      if (m) return [parseInt(m[1].replace(/,/g, ''), 10), m[2]];
    }
    return null;
  };
  const push = (arr, v) => { arr.push(v); if (arr.length > 20000) arr.shift(); };
  const training = () => {
    const b = document.querySelector('.st-key-pg_train button'), s = status();
    return (b && /Pause/.test(b.textContent)) || (s && s[1] === 'running');
  };
  const ackObs = new MutationObserver(() => {
    if (L.click !== null && L.ack === null && training()) { L.ack = performance.now(); ackObs.disconnect(); }
  });
  window.addEventListener('click', (ev) => {
    if (L.click === null && ev.target.closest && ev.target.closest('.st-key-pg_train')) {
      L.click = performance.now();
      ackObs.observe(document.body, {childList: true, subtree: true, characterData: true});
    }
  }, true);
  let root = null, title = null;
  const frameObs = new MutationObserver(() => {
    const el = root && root.querySelector('.gtitle'), t = el ? el.textContent : null;
    if (t && t !== title) {
      title = t;
      const m = /([\d,]+)\s*$/.exec(t);
      push(L.frames, [performance.now(), m ? parseInt(m[1].replace(/,/g, ''), 10) : -1]);
    }
  });
  let last = null;
  setInterval(() => {
    const r = document.querySelector('.st-key-pg_samples');
    if (r && r !== root) {
      frameObs.disconnect(); root = r;
      frameObs.observe(r, {childList: true, subtree: true, characterData: true});
    }
    const s = status();
    if (s && (!last || s[0] !== last[0] || s[1] !== last[1])) {
      last = s; push(L.steps, [performance.now(), s[0], s[1]]);
    }
  }, 100);
  return true;
}"""

NOW_JS = "() => performance.now()"
COLLECT_JS = """() => Object.assign({}, window.__load, {
  freed: /earlier run was freed|The server is full/.test(document.body.textContent),
  error: !!document.querySelector('[data-testid="stException"]')})"""


# --------------------------------------------------------------------------- processes
def headless_rate(tree: Path, seconds: float) -> float | None:
    """Steps/s of one Trainer on the first page's model, in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(tree), "GAN_LEVERS_THREADS": "1"}
    try:
        out = subprocess.run([sys.executable, "-c", BASELINE_PY, str(seconds)], cwd=tree, env=env,
                             capture_output=True, text=True, timeout=seconds + 120)
        return float(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError) as err:
        print(f"headless baseline failed: {err}", flush=True)
        return None


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    return kids


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    kids, found = _children(), []
    todo = list(kids.get(pid, []))
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(kids.get(p, []))
    return found


def memory(pid: int) -> tuple[float, float, int]:
    """(server RSS MB, RSS MB summed over all its descendants, how many descendants)."""
    found = descendants(pid)
    return _rss_mb(pid), sum(_rss_mb(p) for p in found), len(found)


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def cpu_ticks(pid: int) -> tuple[int, int, int]:
    """CPU ticks so far of the server with its descendants, of this script's Chromium
    processes, and of the whole machine (/proc/stat: all but idle and iowait)."""
    server = sum(_ticks(p) for p in [pid, *descendants(pid)])
    chrome = 0
    for p in descendants(os.getpid()):
        try:
            if Path(f"/proc/{p}/comm").read_text().startswith("chrom"):
                chrome += _ticks(p)
        except OSError:
            continue
    cpu = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return server, chrome, sum(cpu) - cpu[3] - cpu[4]


def wait_quiet(pid: int, timeout: float, cores: float = 0.25, seconds: int = 2) -> None:
    """Until the server (and its children) use under `cores` for `seconds` running: its
    start-up imports or the tabs' first pages are done, so they do not weigh on the window."""
    hz, end, calm = os.sysconf("SC_CLK_TCK"), time.perf_counter() + timeout, 0
    last = cpu_ticks(pid)[0]
    while time.perf_counter() < end and calm < seconds:
        time.sleep(1.0)
        now = cpu_ticks(pid)[0]
        calm = calm + 1 if (now - last) / hz < cores else 0
        last = now
    if calm < seconds:
        print(f"  the server was still busy after {timeout:.0f} s: measuring anyway", flush=True)


# --------------------------------------------------------------------------- one level
def open_tabs(browser, url: str, n: int, timeout: float, pages: list) -> None:
    """Opens n tabs into `pages` (filled as they open, so a failed wait can still show
    and close them) and waits until each is ready to press Train."""
    for _ in range(n):
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.set_default_timeout(timeout * 1e3)
        page.goto(url, wait_until="commit", timeout=timeout * 1e3)
        pages.append(page)
    for page in pages:
        page.wait_for_function(READY_JS, polling=250, timeout=timeout * 1e3)
        page.evaluate(PROBE_JS)


def press_train(pages: list, timeout: float) -> None:
    for k, page in enumerate(pages):
        try:
            page.locator(".st-key-pg_train button").click(timeout=timeout * 1e3, no_wait_after=True)
        except Exception as err:  # a missing click is a missing acknowledgement, not a crash
            print(f"  tab {k}: Train not clicked: {type(err).__name__}", flush=True)


def wait_acks(pages: list, timeout: float) -> None:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if all(p.evaluate("() => window.__load.ack !== null") for p in pages):
            return
        time.sleep(0.5)
    print(f"  not every tab acknowledged Train within {timeout:.0f} s", flush=True)


def measure_window(pages: list, seconds: float, pid: int) -> tuple[list, dict, list]:
    """Each tab's (start, end) page times around `seconds`; memory samples meanwhile and the
    cores used by the server and by Chromium; each tab's records."""
    starts = [p.evaluate(NOW_JS) for p in pages]
    mem, ticks0, t0 = [], cpu_ticks(pid), time.perf_counter()
    while time.perf_counter() < t0 + seconds:
        mem.append(memory(pid))
        time.sleep(min(1.0, max(0.0, t0 + seconds - time.perf_counter())))
    ticks1, took = cpu_ticks(pid), time.perf_counter() - t0
    ends = [p.evaluate(NOW_JS) for p in pages]
    cpu = [(b - a) / os.sysconf("SC_CLK_TCK") / took for a, b in zip(ticks0, ticks1)]
    return list(zip(starts, ends)), {"mem": mem, "cpu": cpu}, [p.evaluate(COLLECT_JS) for p in pages]


def step_at(rec: dict, t: float) -> int | None:
    """The newest step the page had shown by page time t: the status line's last one, or
    the highest in the chart's title when that is newer (the status line is a fragment
    that reruns once a second at best; the chart's live frames come more often)."""
    status = [s for ts, s, _ in rec["steps"] if ts <= t]
    titles = [s for ts, s in rec["frames"] if ts <= t]
    seen = status[-1:] + ([max(titles)] if titles else [])
    return max(seen) if seen else None


def tab_figures(rec: dict, window: tuple[float, float]) -> dict:
    t0, t1 = window
    secs = (t1 - t0) / 1e3
    s0, s1 = step_at(rec, t0), step_at(rec, t1)
    after = [s for ts, s, _ in rec["steps"] if rec["click"] is not None and ts >= rec["click"]]
    dropped = any(b < a for a, b in zip(after, after[1:]))
    state = rec["steps"][-1][2] if rec["steps"] else "?"
    return {"ack": (rec["ack"] - rec["click"]) / 1e3 if rec["ack"] and rec["click"] else None,
            "hz": sum(t0 <= t <= t1 for t, _ in rec["frames"]) / secs,
            "rate": (s1 - s0) / secs if s0 is not None and s1 is not None else 0.0,
            "lost": dropped or rec["freed"], "idle": state != "running", "error": rec["error"],
            "stuck0": (s1 or 0) == 0}


def screenshots(pages: list, n: int) -> None:
    """Each tab as it was when a level failed, to see what it was waiting for."""
    for k, page in enumerate(pages):
        path = ARTIFACTS / f"load-{n}-tab{k}.png"
        try:
            page.screenshot(path=path, full_page=True, timeout=10e3)
            print(f"  tab {k}: {path}", flush=True)
        except Exception as err:
            print(f"  tab {k}: no screenshot ({type(err).__name__})", flush=True)


def one_level(browser, tree: Path, n: int, args) -> dict:
    port = free_port()
    os.environ["GAN_LEVERS_MAX_RUNS"] = str(max(32, 2 * n + 8))
    proc, _ = start_server(tree, port)
    url = f"http://127.0.0.1:{port}"
    pages = []
    try:
        wait_healthy(url, proc, args.timeout)
        wait_quiet(proc.pid, args.timeout)
        open_tabs(browser, url, n, args.timeout, pages)
        wait_quiet(proc.pid, args.timeout)
        press_train(pages, args.timeout)
        wait_acks(pages, args.timeout)
        time.sleep(args.settle)
        windows, use, recs = measure_window(pages, args.seconds, proc.pid)
        return {"tabs": [tab_figures(r, w) for r, w in zip(recs, windows)], **use}
    except Exception:
        screenshots(pages, n)
        raise
    finally:
        for page in pages:
            page.context.close()
        stop_process(proc)


# --------------------------------------------------------------------------- report
def pct(vals: list, q: float):
    """Nearest-rank percentile; a tab that never acknowledged counts as infinitely slow."""
    if not vals:
        return None
    vals = sorted(float("inf") if v is None else v for v in vals)
    return vals[min(len(vals), max(1, math.ceil(q * len(vals)))) - 1]


def summary(n: int, res: dict, one: float | None) -> dict:
    tabs = res["tabs"]
    rates, hz = [t["rate"] for t in tabs], [t["hz"] for t in tabs]
    agg = sum(rates)
    peak = max(res["mem"], key=lambda m: m[0] + m[1]) if res["mem"] else (0.0, 0.0, 0)
    return {"n": n, "acked": sum(t["ack"] is not None for t in tabs),
            "p50": pct([t["ack"] for t in tabs], 0.5), "p95": pct([t["ack"] for t in tabs], 0.95),
            "hz_min": min(hz), "hz_med": statistics.median(hz),
            "rate_min": min(rates), "rate_med": statistics.median(rates), "agg": agg,
            "ratio": agg / one if one else None, "lost": sum(t["lost"] for t in tabs),
            "idle": sum(t["idle"] for t in tabs), "stuck0": sum(t["stuck0"] for t in tabs),
            "errors": sum(t["error"] for t in tabs), "server_mb": peak[0], "workers_mb": peak[1],
            "workers": peak[2], "cpu_server": res["cpu"][0], "cpu_chrome": res["cpu"][1],
            "cpu_other": res["cpu"][2] - res["cpu"][0] - res["cpu"][1]}


def f(x, spec: str = "6.2f") -> str:
    if x is None:
        return "  —  "
    return "   inf" if x == float("inf") else format(x, spec)


HEADER = ("   N  acked  ack p50  ack p95   chart Hz min/med   steps/s run min/med   aggregate"
          "  x one  lost idle  RSS server MB  children MB (n)  cores server/chromium/other")


def row(s: dict) -> str:
    return (f"{s['n']:4d}  {s['acked']:2d}/{s['n']:<2d}  {f(s['p50'])} s {f(s['p95'])} s"
            f"   {f(s['hz_min'], '5.2f')} / {f(s['hz_med'], '5.2f')}"
            f"      {f(s['rate_min'], '6.0f')} / {f(s['rate_med'], '6.0f')}"
            f"      {f(s['agg'], '7.0f')}  {f(s['ratio'], '5.2f')}  {s['lost']:4d} {s['idle']:4d}"
            f"  {s['server_mb']:13.0f}  {s['workers_mb']:8.0f} ({s['workers']})"
            f"     {s['cpu_server']:4.2f} / {s['cpu_chrome']:4.2f} / {s['cpu_other']:4.2f}")


def verdicts(s: dict) -> str:
    ack, hz, lost, ratio = TARGETS[s["n"]]
    checks = [(f"ack p95 <= {ack:g} s", s["p95"] is not None and s["p95"] <= ack),
              (f"every chart >= {hz:g} Hz", s["hz_min"] >= hz),
              (f"runs lost or reset = {lost}", s["lost"] == lost),
              (f"aggregate >= {ratio:g}x one headless", s["ratio"] is not None and s["ratio"] >= ratio)]
    return f"targets at N = {s['n']}: " + "; ".join(
        f"{name} {'PASS' if ok else 'MISS'}" for name, ok in checks)


def report(rows: list[dict], ones: list[float]) -> None:
    """The table again, its ratios against the mean of the headless runs before and after."""
    one = statistics.mean(ones) if ones else None
    print(f"\none headless run: {f(one, '.0f')} steps/s (mean of "
          + ", ".join(f"{x:.0f}" for x in ones) + ": before the levels, after them)")
    print(HEADER)
    for s in rows:
        s["ratio"] = s["agg"] / one if one else None
        print(row(s))
    for s in rows:
        if s["stuck0"] or s["errors"]:
            print(f"N = {s['n']}: {s['stuck0']} tab(s) at step 0, {s['errors']} showing an exception")
    for s in rows:
        if s["n"] in TARGETS:
            print(verdicts(s))


# --------------------------------------------------------------------------- main
def run_levels(args, tree: Path, levels: list[int], one: float | None) -> list[dict]:
    from playwright.sync_api import sync_playwright
    rows, deadline = [], time.perf_counter() + args.budget
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for n in levels:
                if time.perf_counter() + args.seconds > deadline:
                    print(f"budget of {args.budget:.0f} s spent: N = {n} and above not run", flush=True)
                    break
                t0 = time.perf_counter()
                try:
                    rows.append(summary(n, one_level(browser, tree, n, args), one))
                except Exception as err:  # a level that failed is reported, the next one runs
                    print(f"N = {n}: failed: {type(err).__name__}: {str(err)[:300]}", flush=True)
                    continue
                print(row(rows[-1]) + f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
        finally:
            browser.close()
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", default="1,5,10,20", help="comma-separated N")
    p.add_argument("--seconds", type=float, default=30.0, help="measuring window per N")
    p.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose app.py is run")
    p.add_argument("--max-sessions", type=int, default=40)
    p.add_argument("--budget", type=float, default=1800.0, help="seconds for the whole script")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per wait")
    p.add_argument("--settle", type=float, default=3.0, help="seconds between acks and window")
    p.add_argument("--baseline-seconds", type=float, default=10.0)
    args = p.parse_args(argv)
    levels = [int(x) for x in args.sessions.split(",") if x.strip()]
    if any(n < 1 or n > args.max_sessions for n in levels):
        p.error(f"every N must be 1 to --max-sessions ({args.max_sessions})")
    tree = args.tree.resolve()
    ARTIFACTS.mkdir(exist_ok=True)
    print(f"tree {tree}; sessions {levels}; window {args.seconds:g} s; "
          f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    one = headless_rate(tree, args.baseline_seconds)
    print(f"one headless run: {f(one, '.0f')} steps/s", flush=True)
    print(HEADER, flush=True)
    rows = run_levels(args, tree, levels, one)
    again = headless_rate(tree, args.baseline_seconds)  # the load of a shared machine drifts
    report(rows, [x for x in (one, again) if x])
    return 0


if __name__ == "__main__":
    sys.exit(main())

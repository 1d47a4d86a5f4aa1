"""The server imports its heavy modules once, at start, in a background thread.

Why: on this 2-core machine torch took 2-3 s to import, torch._dynamo (which the first
`torch.optim.Adam` pulls in) another 2-4 s, and POT with scikit-learn and scipy (the
detector's metrics) 3 s; all of it used to happen inside the first visitor's session,
after the server was already answering, so the first chart came 12-36 s after start.

`start()` runs when `streamlit run app.py` imports app.py (before the server listens).
Its thread imports FIRST (what every page needs to draw), then LATER (what only the
detector's metrics and the other pages need); the training worker processes boot beside
it from the start (a Ray cluster is joined after the imports). A session calls `first_paint()` before its
page: that waits for FIRST with a spinner, so a session never imports torch's package
tree at the same time as the thread (two threads importing one package tree with
internal cycles can trip Python's import deadlock detection). Where the warm-up was never started (AppTest, a page run on its
own), `first_paint()` returns at once and the page imports what it needs itself.

Tried and dropped: a hidden component here that started loading Plotly's chunk in the
browser before the first chart. It did start it ~0.5-1 s sooner, but with it the Levers
page, opened from a shared link, showed every slider at its minimum in 2 of 4 visits.
Tried again (2026-12-04, in the sidebar, before first_paint): the fresh-server figure went
from 8.0 to 6.1 s, but a shared Levers link again never showed its values in 1 of 4 runs
of benchmarks/cold_start.py (0 of 17 in a loop of the same visits): dropped until the
cause is known.
"""
from __future__ import annotations

import importlib
import threading
import time

import streamlit as st
from streamlit.logger import get_logger

from ui.i18n import t

FIRST = ("torch", "torch._dynamo", "plotly.graph_objects",
         "gan_core.run", "gan_core.trainer", "gan_core.detector", "gan_core.probes",
         "gan_core.plots", "gan_core.presets", "gan_core.zoo", "gan_core.checkpoints",
         "ui.session", "ui.controls", "ui.run_control", "ui.samples", "ui.sidebar",
         "ui.detector_panel", "ui.live_chart", "ui.live_feed", "ui.model_source")
# Needed by the detector's first pass (drawn after the first chart) and the other pages.
LATER = ("ot", "sklearn.cluster", "sklearn.neighbors",
         "gan_core.levers", "gan_core.lever_figures", "gan_core.classifier",
         "gan_core.inspect", "ui.lever_state", "ui.timeline_data")
_LOG = get_logger(__name__)
WAIT_LIMIT = 300.0  # s; past this a session imports for itself rather than wait on

_first_done = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None
TIMES: dict[str, float] = {}  # module -> seconds its import took in the thread
ERRORS: dict[str, str] = {}  # module -> the error; the page's own import then reports it


def _import_all(names) -> None:
    for name in names:
        t0 = time.perf_counter()
        try:
            importlib.import_module(name)
        except Exception as err:  # a page that needs it will raise it where it can be shown
            ERRORS[name] = f"{type(err).__name__}: {err}"
        TIMES[name] = time.perf_counter() - t0


def _run() -> None:
    t0 = time.perf_counter()
    from gan_core.workers import ray_address
    on_ray = bool(ray_address())
    if not on_ray:
        # Worker processes boot beside these imports (a Popen returns at once), rather than
        # after them: then they were still importing torch when the second visitor came,
        # and that visitor's first chart took 3.4 s instead of 2.4 (benchmarks/cold_start.py,
        # warm). They import at a low priority (gan_core.worker_boot), so the first
        # visitor's chart does not wait on them either (fresh 7.2 -> 6.3 s).
        _start_workers()
    try:
        _import_all(FIRST)
    finally:
        _first_done.set()  # never leave a session waiting on a thread that died
    t1 = time.perf_counter()
    _import_all(LATER)
    if on_ray:
        _start_workers()  # joining the cluster blocks: after the imports pages need
    slowest = sorted(TIMES.items(), key=lambda kv: -kv[1])[:4]
    _LOG.info("warm-up imports: first phase %.1f s, the rest %.1f s (slowest: %s)%s",
              t1 - t0, time.perf_counter() - t1, ", ".join(f"{k} {v:.1f} s" for k, v in slowest),
              f"; failed: {ERRORS}" if ERRORS else "")


def _start_workers() -> None:
    """The training worker processes (gan_core.workers) boot now, each importing torch, or
    the server joins its Ray cluster, rather than when the first visitor's run needs them."""
    try:
        from gan_core import workers
        workers.start()
    except Exception as err:  # the first run will try again, and show what fails
        ERRORS["gan_core.workers"] = f"{type(err).__name__}: {err}"


def start() -> None:
    """Start the warm-up thread (once per process)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="gan-levers-warmup", daemon=True)
            _thread.start()


def started() -> bool:
    return _thread is not None


def wait_first(timeout: float = WAIT_LIMIT) -> bool:
    """Wait until FIRST is imported (True at once when no warm-up was started)."""
    return True if _thread is None else _first_done.wait(timeout)


def first_paint() -> None:
    """Per session, before the page runs: wait for the warm-up's first phase with a
    spinner (at once when it is done or was never started)."""
    if _thread is not None and not _first_done.is_set():
        with st.spinner(t("warmup.loading")):
            wait_first()

"""One Trainer per browser session.

`st.cache_resource(scope="session", on_release=...)` holds a small mutable box per
session; the box holds the Trainer (built lazily, rebuilt in place by `reset`). When the
session disconnects Streamlit clears its session caches and `on_release` stops the
thread. A module-level registry lists live trainers across the server for the
Diagnostics panel (and the browser test that checks a closed tab frees its thread).
"""
from __future__ import annotations

import sys
import threading
import weakref

import streamlit as st

THREAD_NAME = "gan-levers-trainer"
_REGISTRY: "weakref.WeakSet" = weakref.WeakSet()
_REGISTRY_LOCK = threading.Lock()


class TrainerBox:
    """Mutable holder, so the cached object stays the same while its trainer changes."""

    def __init__(self):
        self.trainer = None
        self.released = False

    def set(self, trainer) -> None:
        if self.trainer is not None and self.trainer is not trainer:
            self.trainer.stop()
        self.trainer = trainer
        with _REGISTRY_LOCK:
            _REGISTRY.add(trainer)


def release_box(box: TrainerBox) -> None:
    """Session ended: stop the training thread (never raises)."""
    box.released = True
    from ui import live_feed
    live_feed.drop(getattr(box, "feed_token", None))
    if box.trainer is not None:
        try:
            box.trainer.stop(timeout=5.0)
        except Exception:
            pass


@st.cache_resource(scope="session", on_release=release_box, show_spinner=False)
def _session_box() -> TrainerBox:
    return TrainerBox()


def box() -> TrainerBox:
    return _session_box()


def get_trainer():
    """This session's Trainer, or None before the Playground has built one.
    (The Levers page finds the live run through this.)"""
    try:
        return box().trainer
    except Exception:
        return None


# One detector pass costs ~0.2-0.3 s on a busy 2-core CPU (metrics on 2,000 samples plus
# the mapping's Jacobians) against ~10 ms a step: every 1 s it cost 3/4 of the steps,
# every 3 s it costs ~10%, and collapse still shows within seconds.
DETECTOR_INTERVAL = 3.0


def make_trainer(cfg, points=None):
    """A new Trainer with the mode-collapse detector attached."""
    # The training thread and the live views share one GIL. Python hands it over every
    # 5 ms by default, so each of a view's many short Python steps could wait up to 5 ms
    # behind a training step; 1 ms keeps the views snappy for a small cost in steps/s.
    sys.setswitchinterval(0.001)
    from gan_core.detector import Detector
    from gan_core.trainer import Trainer
    return Trainer(cfg, points=points, detector=Detector.for_run, snapshot_interval=0.07,
                   detector_interval=DETECTOR_INTERVAL)


def live_trainers() -> list[dict]:
    """Every trainer alive in this server process: for the Diagnostics panel."""
    with _REGISTRY_LOCK:
        trainers = list(_REGISTRY)
    out = []
    for t in trainers:
        if t.alive:
            s = t.status()
            out.append({"id": hex(id(t)), "target": t.cfg.target, "variant": t.cfg.variant,
                        "state": s["state"], "step": s["step"]})
    return out


def training_threads() -> int:
    """Threads named like the Trainer's across the whole server process."""
    return sum(1 for th in threading.enumerate() if th.name == THREAD_NAME and th.is_alive())


def through_app() -> None:
    """Make sure this page runs inside app.py's navigation. Streamlit 1.67 only stops
    treating `pages/` as an automatic multipage folder once st.navigation has run in the
    process, so the very first request to a fresh server for /levers?... (a shared link)
    ran pages/levers.py on its own, under a menu of file names. Clearing that flag and
    rerunning sends the same URL through app.py. Call first thing on every page."""
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()

"""This session's run: the server's registry (`gan_core.registry`) owns it, the session
keeps only its id.

Why not a session-scoped `st.cache_resource`: Streamlit releases those on every websocket
disconnect, a network blip included, while `st.session_state` survives the reconnect, so
a run kept there went back to step 0 (issue #13). Now a reconnecting session finds its
run by the id in its state. The registry frees a run once none of its viewers (Streamlit
session ids) has been connected for the grace period, and caps the live runs.
"""
from __future__ import annotations

import asyncio
import contextlib
import sys
import threading

import streamlit as st

from gan_core import registry as registry_mod
from gan_core.i18n import Msg, reason
from gan_core.registry import RunLimitReached  # noqa: F401  (the pages catch it from here)

THREAD_NAME = "gan-levers-trainer"
RUN_KEY = "gl_run_id"


def _connected(viewers: list) -> bool:
    """Is one of these Streamlit sessions connected now? (Called by the reaper thread;
    Runtime.is_active_session is documented as safe from any thread.)"""
    from streamlit.runtime import Runtime
    if not Runtime.exists():
        return False
    runtime = Runtime.instance()
    return any(runtime.is_active_session(v) for v in viewers)


def registry() -> registry_mod.Registry:
    reg = registry_mod.server()
    if reg.in_view is None:
        reg.in_view = _connected
    return reg


@contextlib.asynccontextmanager
async def server_lifespan(_app):
    """st.App's lifespan: at shutdown, stop every run's thread between two steps. (uvicorn
    ends a SIGTERM by raising the signal again, so the process dies without atexit.)"""
    yield
    reg = registry_mod.server()
    await asyncio.to_thread(reg.close)
    from gan_core import workers
    await asyncio.to_thread(workers.shutdown)


def _viewer() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def run_id() -> str | None:
    return st.session_state.get(RUN_KEY)


def get_trainer():
    """This session's Trainer, or None before the Playground has built one (or after the
    registry freed it). Every page finds the live run through this."""
    try:
        return registry().get(run_id(), _viewer())
    except Exception:
        return None


def new_trainer(cfg, points=None):
    """Build this session's run in the registry and keep its id; frees the run it
    replaces. Raises RunLimitReached (nothing built), ValueError, RuntimeError."""
    reg = registry()
    old = run_id()
    st.session_state[RUN_KEY] = reg.add(lambda: make_trainer(cfg, points), _viewer())
    if old:
        reg.remove(old)
    return reg.get(run_id())


def run_was_freed() -> bool:
    """Did the registry free this session's run for being unseen too long?"""
    return registry().was_reaped(run_id())


def limit_message(err: RunLimitReached) -> Msg:
    """A Msg (it may wait in session state): ui.i18n.tr writes it in the reader's language."""
    return Msg("session.server_full", error=reason(err), minutes=f"{registry().grace / 60:g}")


# One detector pass costs ~0.2-0.3 s on a busy 2-core CPU (metrics on 2,000 samples plus
# the mapping's Jacobians) against ~10 ms a step: every 1 s it cost 3/4 of the steps,
# every 3 s it costs ~10%, and collapse still shows within seconds.
DETECTOR_INTERVAL = 3.0


def make_trainer(cfg, points=None):
    """A new run with the mode-collapse detector attached, trained where
    `gan_core.workers.make_trainer` says: worker processes by default."""
    # With threads (GAN_LEVERS_WORKERS=0) the training thread and the live views share
    # one GIL. Python hands it over every 5 ms by default, so each of a view's many short
    # Python steps could wait up to 5 ms behind a training step; 1 ms keeps them snappy.
    sys.setswitchinterval(0.001)
    from gan_core.detector import Detector
    from gan_core.workers import make_trainer as make
    return make(cfg, points, detector=Detector.for_run, snapshot_interval=0.07,
                detector_interval=DETECTOR_INTERVAL)


def live_trainers() -> list[dict]:
    """Every run in this server's registry: for the Diagnostics panel."""
    mine = run_id()
    out = []
    for key, t in registry().items():
        s = t.status()
        out.append({"run": key[:8], "yours": "yes" if key == mine else "", "target": t.cfg.target,
                    "variant": t.cfg.variant, "state": s["state"], "step": s["step"]})
    return out


def training_threads() -> int:
    """Runs training now: the server's own training threads (GAN_LEVERS_WORKERS=0) and
    the runs its worker processes (or Ray actors) say they train."""
    from gan_core import workers
    threads = sum(1 for th in threading.enumerate() if th.name == THREAD_NAME and th.is_alive())
    return threads + workers.training()


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

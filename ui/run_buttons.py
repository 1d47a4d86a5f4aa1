"""The Playground's button row (Train/Pause, single steps, Reset, Save) and its status line."""
from __future__ import annotations

import os
import time

import streamlit as st

from ui import run_files
from ui.i18n import t


def running(trainer) -> bool:
    return trainer is not None and trainer.status()["state"] == "running"


# Timed reruns slow down as more runs train on this server. Measured with 10 tabs training
# on 2 cores (benchmarks/load.py): each session's fragments reran 3 times a second, the
# server's Python spent its time on them, and a click waited 7 s for its rerun. Past one
# training run per core, each fragment waits that much longer, up to MAX_SLOWDOWN times.
MAX_SLOWDOWN = 5.0
_LOAD = {"at": -1e9, "factor": 1.0}


def load_factor() -> float:
    """1 up to MAX_SLOWDOWN: training runs on this server per core, read at most once a
    second."""
    now = time.monotonic()
    if now - _LOAD["at"] >= 1.0:
        from gan_core import registry
        cores = os.cpu_count() or 1
        _LOAD["factor"] = min(MAX_SLOWDOWN, max(1.0, registry.server().training() / cores))
        _LOAD["at"] = now
    return _LOAD["factor"]


def every(trainer, seconds: float):
    return seconds * load_factor() if running(trainer) else None


def _toggle(trainer, action: str) -> None:
    """The action the button showed, not a flip of the current state: with fragments
    rerunning several times a second, Streamlit can deliver one click twice, and a flip
    would undo it (Pause, then Train again)."""
    if action == "pause":
        trainer.pause()
    else:
        trainer.start()


def controls_ui(trainer) -> None:
    busy = running(trainer)
    cols = st.columns([1.3, 1, 1, 1.1, 1, 1.3, 3.3], vertical_alignment="center")
    cols[0].button(t("playground.pause") if busy else t("playground.train"), key="pg_train",
                   type="primary",
                   icon=":material/pause:" if busy else ":material/play_arrow:",
                   on_click=_toggle, args=(trainer, "pause" if busy else "start"),
                   width="stretch")
    cols[1].button(t("playground.step_d"), key="pg_step_d", on_click=trainer.single_step,
                   args=("d",), help=t("playground.step_d.help"), width="stretch")
    cols[2].button(t("playground.step_g"), key="pg_step_g", on_click=trainer.single_step,
                   args=("g",), help=t("playground.step_g.help"), width="stretch")
    cols[3].button(t("playground.step_both"), key="pg_step_both", on_click=trainer.single_step,
                   args=("both",), help=t("playground.step_both.help"), width="stretch")
    cols[4].button(t("playground.reset"), key="pg_reset", on_click=run_files.reset,
                   args=(trainer,), help=t("playground.reset.help"), width="stretch")
    with cols[5]:
        run_files.save_button(trainer)
    st.session_state["pg_drawn_state"] = trainer.status()["state"]
    st.session_state["pg_drawn_factor"] = load_factor()
    with cols[6]:
        st.fragment(run_every=every(trainer, 1.0))(status_panel)(trainer)
    run_files.confirm_ui(trainer)


def status_panel(trainer) -> None:
    s = trainer.status()
    if s["state"] != st.session_state.get("pg_drawn_state"):
        st.rerun()  # paused by the budget, or failed: redraw the buttons
    drawn = st.session_state.get("pg_drawn_factor", 1.0)
    if s["state"] == "running" and not 1 / 1.5 < load_factor() / drawn < 1.5:
        st.rerun()  # the server got busier or quieter: the fragments take their new pace
    rate = t("playground.rate", rate=s["steps_per_s"]) if s["steps_per_s"] else "—"
    queued = s.get("queued", 0)  # a worker process trains its first runs; the rest wait
    state = (t("playground.state.queued", position=queued) if queued
             else t(f"playground.state.{s['state']}"))
    st.markdown(t("playground.status", step=s["step"], rate=rate, state=state),
                help=t("playground.status.help"))
    if queued:
        st.caption(t("playground.queued"))
    if s["max_steps"]:
        st.progress(min(1.0, s["step"] / s["max_steps"]),
                    text=t("playground.budget", step=s["step"], max=s["max_steps"]))
    if s["state"] == "error":
        st.error(s["error"])

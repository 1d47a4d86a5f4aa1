"""The manifold layer on the Playground's samples view (gan_core.manifold): the toggle's
state, the layer's traces for a full frame, and its part of the live feed.

While a run trains, the training thread computes the layer with each snapshot (through
the feed's `Trainer.snapshot_extra` hook, at most every EVERY s: a grid's Jacobians cost
10-30 ms) and the browser repaints it from the feed, like the fakes. A full frame (paused,
or the feed not in use) takes the snapshot's layer when it has one, else computes it.
"""
from __future__ import annotations

import time

import streamlit as st

from gan_core.plots import manifold as PM
from ui.i18n import t
from ui.widgets import KEPT

KEY = "pg_show_manifold"  # the layer toggle (ui.sidebar)
TEAR_KEY = "map_tear_factor"  # the Mapping page's tear threshold, shared
EVERY = 0.25  # s between the layer's recomputes on the training thread


def shown() -> bool:
    return bool(st.session_state.get(KEY, False))


def feed_settings() -> dict | None:
    """What the feed's hook needs to compute the layer, or None when it is off."""
    if not shown():
        return None
    return {"tear_factor": float(st.session_state.get(TEAR_KEY, 10.0))}


def compute(run, probe, tear_factor: float) -> dict | None:
    """The layer's view, or None where this run has no grid to warp or it failed (a layer
    must never take the chart, or the feed's probe, down with it)."""
    from gan_core import manifold  # torch: not before the server's warm-up loaded it
    if manifold.support(run):
        return None
    try:
        return manifold.manifold_view(run, probe, tear_factor=tear_factor)
    except Exception:
        return None


def feed_view(run, settings: dict, memo: dict) -> dict | None:
    """The layer for the feed's hook (training thread: no Streamlit here): recomputed when
    the last one is EVERY s old, its settings changed, or the step went back (a reset)."""
    ident = (settings["manifold"]["tear_factor"], settings["z"], id(run))
    now, step = time.perf_counter(), run.step_count
    fresh = memo.get("ident") == ident and step >= memo.get("step", -1)
    if not fresh or now - memo["at"] >= EVERY:
        memo.update(ident=ident, step=step, at=now,
                    view=compute(run, settings["z"], ident[0]))
    return memo["view"]


def note(run) -> str:
    """Why the layer is not drawn for this run ('' when it is)."""
    from gan_core import manifold
    return manifold.support(run)


def chart_traces(trainer, snap, probe, running: bool) -> list[dict] | None:
    """The layer's traces for a full frame of the samples chart, or None when it is off or
    cannot be drawn for this run. Training, the snapshot's layer (the feed's hook made
    it); else it is computed here, under the run's lock: paused, for G as it is (the
    snapshot's may be up to EVERY s older than its fakes), and training without the
    feed, at most once a second."""
    settings = feed_settings()
    if settings is None or note(trainer.run):
        return None
    extra = snap.extra if isinstance(snap.extra, dict) else {}
    view = extra.get("manifold") if running else None
    if view is None:
        from ui.samples import aged  # torch: pages only, not the server's first import
        tear = settings["tear_factor"]
        ident = (id(trainer.run), tear, None if probe is None else tuple(float(v) for v in probe))
        view = aged("pg_manifold_cache", ident, trainer.run.step_count, 4 * EVERY if running else None,
                    lambda: trainer.with_models(lambda run: compute(run, probe, tear)))
    return PM.traces(view)


def toggle_ui() -> None:
    """The layer's switch, among the sidebar's layer toggles."""
    st.toggle(t("manifold.toggle"), value=False, key=KEY, help=t("manifold.toggle_help"), **KEPT)


def legend(run) -> None:
    """The caption under the samples view's heading while the layer is on."""
    if not shown():
        return
    why = note(run)
    st.caption(t("manifold.off_for_run", why=why) if why else t("manifold.legend"))

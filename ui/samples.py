"""The Playground's samples and latent views' data, per session: what never changes
while a run trains (real points, latent colours, lever spec), the lever probe set by
the sliders, the shared selection, and D's field and G's weights on a throttle.

The computing is gan_core.probes.samples_view; this module decides when to compute
(the throttles) and keeps the results in session state.
"""
from __future__ import annotations

import time

import numpy as np
import streamlit as st
import torch

from gan_core import levers as L
from gan_core import plots, probes
from ui import live_chart

MAX_LEVERS = 16
N_REAL = 2000
FIELD_EVERY = 1.0  # s between D-field recomputes while training: a new field needs a full
# Plotly redraw in the browser (~150 ms), while moving points alone take the fast path
PLAN_EVERY = 5.0  # s between G-weight exports for the browser's lever preview while training


# --------------------------------------------------------------------------- per-run data
def _build_static(run) -> dict:
    latent = run.eval_latent()
    real, _ = run.out_target.sample(N_REAL, torch.Generator().manual_seed(11))
    xy, names = probes.latent_xy(latent)
    try:
        spec = L.lever_spec(run)
    except Exception:  # a generator the levers cannot probe: the page goes without them
        spec = None
    return dict(run=id(run), cfg=run.cfg.to_json(), real=real.numpy().astype(np.float32),
                colours=plots.hex_colours(run.colours(latent)), latent_xy=xy,
                latent_names=names, spec=spec, bounds=run.out_target.bounds,
                lim=max(1.0, float(np.abs(xy).max()) * 1.08) if len(xy) else 3.2,
                learnable_prior=isinstance(run.nets.prior, torch.nn.Module),
                field_note=probes.field_support(run))


def _refresh_latents(run):
    latent = run.eval_latent()
    return plots.hex_colours(run.colours(latent)), probes.latent_xy(latent)[0]


def static(trainer) -> dict:
    """Per-run data that never changes while it trains, cached in session state and
    keyed by the run object and its config."""
    run = trainer.run
    cache = st.session_state.get("pg_static")
    if cache is None or cache["run"] != id(run) or cache["cfg"] != run.cfg.to_json():
        cache = trainer.with_models(_build_static)
        st.session_state["pg_static"] = cache
    if cache["learnable_prior"]:  # DeLiGAN: the mixture moves, so do the colours
        cache["colours"], cache["latent_xy"] = trainer.with_models(_refresh_latents)
    return cache


# --------------------------------------------------------------------------- the levers' probe
def shown_dims(spec) -> list[int]:
    """The levers on show (the page's `lever_dims` widget), without drawing it."""
    if spec.dim <= MAX_LEVERS:
        return list(range(spec.dim))
    chosen = st.session_state.get("pg_lever_pick", spec.names[:8])
    return [spec.names.index(n) for n in chosen if n in spec.names]


def probe_z(spec) -> np.ndarray:
    """The levers' probe z; levers start at the prior's centre, inside its range."""
    for i in range(spec.dim):
        key = f"pg_lv_{i}"
        value = st.session_state.get(key)
        clipped = float(np.clip(value if value is not None else 0.0, spec.lo, spec.hi))
        if value is None or clipped != value:
            # Only when it must change: a write marks the slider as set by the script, and
            # Streamlit then pushes that value to the browser, which can undo a newer move
            # the user made while this run was on its way.
            st.session_state[key] = clipped
    return np.array([st.session_state.get(f"pg_lv_{i}", 0.0) for i in range(spec.dim)], np.float32)


def probe_class(spec):
    return st.session_state.get("pg_lv_class") if spec is not None and spec.n_classes else None


# --------------------------------------------------------------------------- throttled compute
def aged(key: str, ident, step: int, max_age: float | None, make):
    """A per-session cache of `make()` for `ident`, rebuilt when the training step moved,
    but with `max_age` (while training) only once it is that many seconds old."""
    cached, now = st.session_state.get(key), time.perf_counter()
    if (cached is None or cached[0] != ident
            or cached[2] != step and (max_age is None or now - cached[1] >= max_age)):
        cached = (ident, now, step, make())
        st.session_state[key] = cached
    return cached[3]


def _lever_plan(run, view, z, dims, c, running: bool) -> dict | None:
    """G's weights for the browser's lever preview. They cross the wire whenever they
    change: while training, only every PLAN_EVERY s (the feed carries the exact probe)."""
    plan = aged("pg_plan_cache", (id(run), c), run.step_count, PLAN_EVERY if running else None,
                lambda: L.mlp_plan(run, c))
    if plan is None:
        return None
    t = run.out_target  # G's output in target units: x * scale + center
    return dict(plan=plan, z=z, dims=dims, values=view.values, prefix="pg_lv_",
                scale=t.scale_xy, center=np.broadcast_to(np.asarray(t.center, float), 2))


def samples_extras(run, bounds, show_field: bool, show_arrows: bool, probe,
                   running: bool) -> dict:
    """D's field, G's arrows and the levers' probe (z, dims, class) for the samples chart,
    as the chart's keyword arguments. Call with the run's lock held."""
    # D only changes with a step; while training, its field is redrawn about once a second
    field = aged("pg_field_cache", id(run), run.step_count, FIELD_EVERY if running else None,
                 lambda: probes.d_field(run, bounds)) if show_field else None
    z, dims, c = probe if probe is not None else (None, [], None)
    view = probes.samples_view(run, bounds, field, show_arrows, z, dims, c)
    out = {k: v for k, v in dict(field=view.field, arrows=view.arrows, probe=view.probe,
                                 sweeps=view.sweeps).items() if v is not None}
    if view.probe is not None:
        out["levers"] = _lever_plan(run, view, z, dims, c, running)
    return out


# --------------------------------------------------------------------------- the selection
def on_select(chart_key: str) -> None:
    trace = st.session_state.get(f"{chart_key}_trace", 0)
    idx = sorted({int(p["point_index"]) for p in live_chart.selection_points(chart_key)
                  if p.get("curve_number") == trace and "point_index" in p})
    st.session_state["pg_sel"] = idx
    st.session_state["pg_sel_ver"] = st.session_state.get("pg_sel_ver", 0) + 1


def selection_sync() -> list[int]:
    """The shared selection; a fragment that sees a new one redraws the whole page so the
    other view rings the same points."""
    ver = st.session_state.get("pg_sel_ver", 0)
    if st.session_state.get("pg_sel_drawn", 0) != ver:
        st.session_state["pg_sel_drawn"] = ver
        st.rerun()
    return st.session_state.get("pg_sel") or []


def selection_drawn() -> None:
    """A full run draws every view with the current selection: call it before the views,
    so that they do not rerun the page for a selection made earlier in the same run (a
    newly opened model clears it), which cost every first visit a second full run."""
    st.session_state["pg_sel_drawn"] = st.session_state.get("pg_sel_ver", 0)


def clear_selection() -> None:
    st.session_state["pg_sel"] = []
    st.session_state["pg_sel_ver"] = st.session_state.get("pg_sel_ver", 0) + 1


@st.cache_data(show_spinner=False, max_entries=16)
def true_map_points(name: str):
    """The target's own latent -> sample map (its points and latent colours), as the
    Mapping inspector computes it."""
    from gan_core.targets import get_target
    from gan_core.inspect import true_morph
    morph = true_morph(get_target(name), N_REAL)
    return morph.end, plots.hex_colours(morph.colours)

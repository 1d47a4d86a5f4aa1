"""Playground: pick a target and a variant, train live, watch the latent colours, pull
the levers, see the detector. Widgets and layout only: the maths is in gan_core
(probes, plots, trainer), the run's lifecycle in ui.run_control, the views' data in
ui.samples, the live chart's feed in ui.live_feed and the sidebar in ui.sidebar.

Live panels are `st.fragment(run_every=...)` functions that read the Trainer's latest
snapshot; the training thread never calls Streamlit.
"""
from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from gan_core import plots, probes
from ui import controls as C
from ui import detector_panel, live_chart, live_feed
from ui import lessons as lessons_ui
from ui import run_control as R
from ui import run_files
from ui import samples as V
from ui import session as S
from ui import texts as T
from ui.model_source import mark_playground
from ui.sidebar import sidebar_ui
from ui.widgets import explain


def _running(trainer) -> bool:
    return trainer is not None and trainer.status()["state"] == "running"


def _every(trainer, seconds: float):
    return seconds if _running(trainer) else None


# --------------------------------------------------------------------------- controls
def _toggle(trainer, action: str) -> None:
    """The action the button showed, not a flip of the current state: with fragments
    rerunning several times a second, Streamlit can deliver one click twice, and a flip
    would undo it (Pause, then Train again)."""
    if action == "pause":
        trainer.pause()
    else:
        trainer.start()


def controls_ui(trainer) -> None:
    running = _running(trainer)
    cols = st.columns([1.3, 1, 1, 1.1, 1, 1.3, 3.3], vertical_alignment="center")
    cols[0].button("Pause" if running else "Train", key="pg_train", type="primary",
                   icon=":material/pause:" if running else ":material/play_arrow:",
                   on_click=_toggle, args=(trainer, "pause" if running else "start"),
                   width="stretch")
    cols[1].button("Step D", key="pg_step_d", on_click=trainer.single_step, args=("d",),
                   help="One discriminator update (pauses training)", width="stretch")
    cols[2].button("Step G", key="pg_step_g", on_click=trainer.single_step, args=("g",),
                   help="One generator update (pauses training)", width="stretch")
    cols[3].button("Step both", key="pg_step_both", on_click=trainer.single_step,
                   args=("both",), help="kD critic steps then kG generator steps", width="stretch")
    cols[4].button("Reset", key="pg_reset", on_click=run_files.reset, args=(trainer,),
                   help="New random weights, same settings", width="stretch")
    with cols[5]:
        run_files.save_button(trainer)
    st.session_state["pg_drawn_state"] = trainer.status()["state"]
    with cols[6]:
        st.fragment(run_every=_every(trainer, 1.0))(status_panel)(trainer)
    run_files.confirm_ui(trainer)


def status_panel(trainer) -> None:
    s = trainer.status()
    if s["state"] != st.session_state.get("pg_drawn_state"):
        st.rerun()  # paused by the budget, or failed: redraw the buttons
    rate = f"{s['steps_per_s']:,.0f} steps/s" if s["steps_per_s"] else "—"
    st.markdown(f"**step {s['step']:,}** · {rate} · {s['state']}",
                help="Steps per second of the training thread (k_d D updates + k_g G updates each)")
    if s["max_steps"]:
        st.progress(min(1.0, s["step"] / s["max_steps"]),
                    text=f"{s['step']:,} / {s['max_steps']:,} steps (budget)")
    if s["state"] == "error":
        st.error(s["error"])


# --------------------------------------------------------------------------- levers
def lever_dims(spec) -> list[int]:
    if spec.dim <= V.MAX_LEVERS:
        return list(range(spec.dim))
    kept = [n for n in st.session_state.get("pg_lever_pick", spec.names[:8]) if n in spec.names]
    st.session_state["pg_lever_pick"] = kept[:V.MAX_LEVERS]  # a new run may have other names
    chosen = st.multiselect(f"Levers to show (at most {V.MAX_LEVERS} of {spec.dim})",
                            spec.names, max_selections=V.MAX_LEVERS, key="pg_lever_pick",
                            **C.KEPT)
    return [spec.names.index(n) for n in chosen]


def levers_ui(spec, dims) -> np.ndarray:
    """Sliders for the shown levers; hidden levers stay at their last value."""
    z = np.zeros(spec.dim, np.float32)
    for i in range(spec.dim):
        z[i] = st.session_state.get(f"pg_lv_{i}", 0.0)
    per_row = 4
    for start in range(0, len(dims), per_row):
        cols = st.columns(per_row)
        for col, i in zip(cols, dims[start:start + per_row]):
            with col:
                st.markdown(f"<span style='color:{plots.lever_colour(i)};font-weight:600'>"
                            f"■ {spec.names[i]}</span>", unsafe_allow_html=True)
                z[i] = st.slider(spec.names[i], spec.lo, spec.hi, step=0.05, key=f"pg_lv_{i}",
                                 label_visibility="collapsed", **C.KEPT)
    return z


def _feed(z, dims: list[int], c) -> dict | None:
    """This session's live feed pointed at the probe and the selection (ui.live_feed)."""
    ss = st.session_state
    return live_feed.chart_live(S.run_id(), z, dims if ss.get("pg_show_sweeps", True) else [], c,
                                ss.get("pg_sel") or [], ss.get("pg_refresh", 0.1))


def levers_panel(trainer) -> None:
    spec = V.static(trainer)["spec"]
    if spec is None or not trainer.run.variant.uses_latent:
        return
    st.markdown("**Levers** · " + T.VIEWS["levers"][0])
    if spec.n_classes:
        st.selectbox(spec.class_label.capitalize() or "Class", range(spec.n_classes),
                     key="pg_lv_class", **C.KEPT)
    dims = lever_dims(spec)
    z = levers_ui(spec, dims)
    if _running(trainer):  # the chart's feed draws the probe while training
        _feed(z, dims, V.probe_class(spec))
    with st.expander("More about the levers"):
        st.markdown(T.VIEWS["levers"][1])


# --------------------------------------------------------------------------- samples
def _extras(trainer, static, running: bool, probe) -> dict:
    ss = st.session_state
    show_field = ss.get("pg_show_field", True) and not static["field_note"]
    show_arrows = ss.get("pg_show_arrows", False) and not static["field_note"]
    try:
        return trainer.with_models(lambda run: V.samples_extras(
            run, static["bounds"], show_field, show_arrows, probe, running))
    except Exception as err:  # a view must never take the page down
        st.caption(f"(field/probe unavailable: {type(err).__name__}: {err})")
        return {}


def samples_panel(trainer, with_levers: bool = True) -> None:
    """The live chart. While training it runs several times a second, so it holds the chart
    alone (`levers_panel` runs apart); paused, the levers rerun it to redraw the probe."""
    snap = trainer.latest()
    if snap is None:
        st.info("Building the run…")
        return
    live_feed.fall_back_once()
    static, sel, running = V.static(trainer), V.selection_sync(), _running(trainer)
    spec = static["spec"]
    dims = V.shown_dims(spec) if spec is not None else []
    z, c = (V.probe_z(spec) if spec is not None else None), V.probe_class(spec)
    sweeps = dims if st.session_state.get("pg_show_sweeps", True) else []
    extra = _extras(trainer, static, running, (z, sweeps, c) if z is not None else None)
    fig = plots.samples_spec(static["real"], snap.fake, static["colours"], static["bounds"],
                             field=extra.get("field"), arrows=extra.get("arrows"),
                             probe=extra.get("probe"), sweeps=extra.get("sweeps"),
                             sweep_dims=dims, highlight=sel or None,
                             uirevision=f"samples-{static['cfg']}",
                             title=live_feed.title(snap.step), colorbar=False)
    st.session_state["pg_samples_trace"] = fig["layout"]["meta"]["fake_trace"]
    _draw_samples(fig, snap.step, extra.get("levers"), (z, dims, c) if running else None)
    if with_levers:
        levers_panel(trainer)


def _draw_samples(fig, step: int, levers, probe) -> None:
    """`probe` (z, dims, class) while training, None when paused: paused, every change (a
    lever) is drawn in full, so the probe's trace is exact; training, the moving traces
    take the fast path and, with the live feed, come from it between reruns."""
    fast, live = (), None
    if probe is not None:
        z, dims, c = probe
        fast = ("generated", "selected", "probe G(z)", *(plots.sweep_name(d) for d in dims))
        live = _feed(z, dims, c)
        if live is not None:
            live["step"] = step
    live_chart.live_plotly(fig, "pg_samples", select=True, fast=fast, live=live,
                           on_live_failed=live_feed.mark_failed,
                           on_select=lambda: V.on_select("pg_samples"), levers=levers)


def samples_notes(trainer) -> None:
    """Banners under the chart's heading; they change only with a full rerun."""
    snap = trainer.latest()
    if snap is None:
        return
    if snap.step == 0:
        st.info(T.PRESS_TRAIN)
    else:
        R.opened_banner(snap.step)
    run = trainer.run
    if run.out_target.name != run.cfg.target:  # G maps target A onto another target, B
        st.caption(f"Grey: target B (**{run.out_target.name}**). Coloured: G(a) for points a "
                   f"of target A (**{run.cfg.target}**), coloured by where a sits in A.")
    note = V.static(trainer)["field_note"]
    if note:
        st.caption(f"D's field is not drawn: {note}.")
    elif st.session_state.get("pg_show_field", True):
        st.caption(T.field_legend(trainer.run.variant.uses_labels, probes.score_label(trainer.run)))


# --------------------------------------------------------------------------- latent space
def latent_panel(trainer) -> None:
    static = V.static(trainer)
    sel = V.selection_sync()
    fig = plots.latent_figure(static["latent_xy"], static["colours"], static["latent_names"],
                              highlight=sel or None, lim=static["lim"],
                              uirevision=f"latent-{static['cfg']}", title=f"Latent space ({', '.join(static['latent_names'])})")
    st.session_state["pg_latent_trace"] = 0
    live_chart.live_plotly(fig, "pg_latent", select=True,
                           on_select=lambda: V.on_select("pg_latent"))
    if sel:
        c1, c2 = st.columns([3, 1])
        c1.caption(f"{len(sel)} latents selected; their images are ringed on the left.")
        c2.button("Clear", key="pg_clear_sel", on_click=V.clear_selection)


def true_map_ui(trainer) -> None:
    target = trainer.run.out_target
    if getattr(target, "true_map", None) is None:
        st.caption(f"**{target.name}** has no known latent map (it is data only), so there is "
                   "no ideal mapping to compare with.")
        return
    pts, colours = V.true_map_points(target.name)
    st.plotly_chart(plots.true_map_figure(pts, colours, target.bounds, title="True map",
                                          height=340), key="pg_truemap",
                    config={"displaylogo": False})
    explain(*T.VIEWS["truemap"])


# --------------------------------------------------------------------------- page
def samples_column(trainer, refresh: float) -> None:
    st.markdown("#### Samples: real and generated")
    explain(*T.VIEWS["samples"])
    samples_notes(trainer)
    C.watch_ui(trainer)
    running = _running(trainer)
    # With the live feed the fragment only brings D's field (and the rest) each second.
    every = max(refresh, V.FIELD_EVERY) if live_feed.live_mode() else refresh
    st.fragment(run_every=_every(trainer, every))(samples_panel)(trainer, not running)
    if running:  # a lever moved while training reruns only its own fragment
        st.fragment(levers_panel)(trainer)


def latent_column(trainer, refresh: float) -> None:
    true_map_ui(trainer)
    st.markdown("#### Latent space")
    explain(*T.VIEWS["latent"])
    # The latents only move for a learnable prior (DeLiGAN); otherwise this view changes
    # with the selection, which reruns the page anyway.
    moving = isinstance(trainer.run.nets.prior, torch.nn.Module)
    st.fragment(run_every=_every(trainer, max(refresh, 0.5)) if moving else None)(
        latent_panel)(trainer)


def main() -> None:
    st.title("GAN Levers · Playground")
    st.markdown(T.INTRO)
    R.first_visit()
    budget = sidebar_ui()
    trainer = R.sync_trainer()
    if trainer is None:
        return
    trainer.set_budget(budget)
    controls_ui(trainer)
    lessons_ui.lesson_panel(trainer, _every(trainer, 2.0))
    mark_playground(trainer)  # the inspector pages then open on this run
    R.remedy_note(trainer)
    refresh = float(st.session_state.get("pg_refresh", 0.1))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        samples_column(trainer, refresh)
    with right:
        latent_column(trainer, refresh)
    detector_panel.charts_ui(trainer, _every(trainer, 2.0))


from ui.session import through_app  # noqa: E402

through_app()  # a first visit through a shared link must still get app.py's menu
main()

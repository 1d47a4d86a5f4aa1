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
from ui import detector_panel, drawing, live_chart, live_feed, manifold_layer, overview
from ui import lessons as lessons_ui
from ui import playground_link as link
from ui import run_control as R
from ui import run_buttons
from ui import samples as V
from ui import session as S
from ui import texts as T
from ui.i18n import error_text, language, t, tr
from ui.model_source import mark_playground
from ui.sidebar import sidebar_ui
from ui.widgets import explain, lazy_expander


# --------------------------------------------------------------------------- levers
def lever_dims(spec) -> list[int]:
    if spec.dim <= V.MAX_LEVERS:
        return list(range(spec.dim))
    kept = [n for n in st.session_state.get("pg_lever_pick", spec.names[:8]) if n in spec.names]
    st.session_state["pg_lever_pick"] = kept[:V.MAX_LEVERS]  # a new run may have other names
    chosen = st.multiselect(t("playground.lever_pick", most=V.MAX_LEVERS, dim=spec.dim),
                            spec.names, max_selections=V.MAX_LEVERS, key="pg_lever_pick",
                            **C.KEPT)
    return [spec.names.index(n) for n in chosen]


def levers_ui(spec, dims) -> np.ndarray:
    """Sliders for the shown levers; hidden levers stay at their last value."""
    ss = st.session_state
    if ss.get("pg_lv_range") != (spec.lo, spec.hi):
        # Another range is another slider to Streamlit's browser side, which drew it at its
        # minimum and sent that back (a preset's ring8 levers all at -3), unless the run
        # that draws it writes its value.
        for i in range(spec.dim):
            ss[f"pg_lv_{i}"] = float(np.clip(ss.get(f"pg_lv_{i}", 0.0), spec.lo, spec.hi))
        ss["pg_lv_range"] = (spec.lo, spec.hi)
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
    st.markdown(t("playground.levers", short=T.VIEWS["levers"][0]))
    if spec.n_classes:
        st.selectbox(spec.class_label.capitalize() or t("playground.class"), range(spec.n_classes),
                     key="pg_lv_class", **C.KEPT)
    dims = lever_dims(spec)
    z = levers_ui(spec, dims)
    link.sync_url(trainer)
    if run_buttons.running(trainer):  # the chart's feed draws the probe while training
        _feed(z, dims, V.probe_class(spec))
    more = lazy_expander(t("playground.levers.more"), "pg_levers_more")
    if more.open:
        with more:
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
        st.caption(t("playground.extras_failed", error=error_text(err)))
        return {}


def samples_panel(trainer, with_levers: bool = True) -> None:
    """The live chart. While training it runs several times a second, so it holds the chart
    alone (`levers_panel` runs apart); paused, the levers rerun it to redraw the probe."""
    snap = trainer.latest()
    if snap is None:
        st.info(t("playground.building"))
        return
    live_feed.fall_back_once()
    static, sel, running = V.static(trainer), V.selection_sync(), run_buttons.running(trainer)
    spec = static["spec"]
    link.check_levers(spec)  # a shared link's levers, against this generator's
    dims = V.shown_dims(spec) if spec is not None else []
    z, c = (V.probe_z(spec) if spec is not None else None), V.probe_class(spec)
    sweeps = dims if st.session_state.get("pg_show_sweeps", True) else []
    extra = _extras(trainer, static, running, (z, sweeps, c) if z is not None else None)
    fig = plots.samples_spec(static["real"], snap.fake, static["colours"], static["bounds"],
                             field=extra.get("field"), arrows=extra.get("arrows"),
                             probe=extra.get("probe"), sweeps=extra.get("sweeps"),
                             sweep_dims=dims, highlight=sel or None,
                             uirevision=f"samples-{static['cfg']}",
                             title=live_feed.title(snap.step, language()), colorbar=False,
                             manifold=manifold_layer.chart_traces(trainer, snap, z, running))
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
        fast = ("generated", "selected", "probe G(z)", *(plots.sweep_name(d) for d in dims),
                *manifold_layer.PM.NAMES)
        live = _feed(z, dims, c)
        if live is not None:
            live["step"] = step
    live_chart.live_plotly(fig, "pg_samples", select=True, fast=fast, live=live,
                           on_live_failed=live_feed.mark_failed,
                           on_select=lambda: V.on_select("pg_samples"), levers=levers, first=True)


def samples_notes(trainer) -> None:
    """Banners under the chart's heading; they change only with a full rerun."""
    snap = trainer.latest()
    if snap is None:
        return
    if snap.step == 0:
        # Not once Train is pressed: this line is not redrawn while the run trains.
        if not run_buttons.running(trainer):
            st.info(T.press_train())
    else:
        R.opened_banner(snap.step)
    run = trainer.run
    if run.out_target.name != run.cfg.target:  # G maps target A onto another target, B
        st.caption(t("playground.two_targets", b=run.out_target.name, a=run.cfg.target))
    note = V.static(trainer)["field_note"]
    if note:
        st.caption(t("playground.no_field", note=tr(note)))
    elif st.session_state.get("pg_show_field", True):
        st.caption(T.field_legend(trainer.run.variant.uses_labels,
                                  tr(probes.score_label(trainer.run))))
    manifold_layer.legend(trainer.run)


# --------------------------------------------------------------------------- latent space
def latent_panel(trainer) -> None:
    static = V.static(trainer)
    sel = V.selection_sync()
    fig = plots.latent_figure(static["latent_xy"], static["colours"], static["latent_names"],
                              highlight=sel or None, lim=static["lim"],
                              uirevision=f"latent-{static['cfg']}",
                              title=t("playground.latent.title", names=", ".join(static["latent_names"])))
    st.session_state["pg_latent_trace"] = 0
    live_chart.live_plotly(fig, "pg_latent", select=True,
                           on_select=lambda: V.on_select("pg_latent"))
    if sel:
        c1, c2 = st.columns([3, 1])
        c1.caption(t("playground.selected", n=len(sel)))
        c2.button(t("playground.clear"), key="pg_clear_sel", on_click=V.clear_selection)


def true_map_ui(trainer) -> None:
    target = trainer.run.out_target
    if getattr(target, "true_map", None) is None:
        st.caption(t("playground.no_true_map", target=target.name))
        return
    pts, colours = V.true_map_points(target.name)
    # A live chart, though it never moves: so it waits for the samples chart (first_draw.js).
    live_chart.live_plotly(plots.true_map_figure(pts, colours, target.bounds, title=t("playground.true_map"),
                                                 height=340), "pg_truemap")
    explain(*T.VIEWS["truemap"])


# --------------------------------------------------------------------------- page
def samples_column(trainer, refresh: float) -> None:
    st.markdown(t("playground.samples.heading"))
    explain(*T.VIEWS["samples"])
    samples_notes(trainer)
    C.watch_ui(trainer)
    overview.panel_ui(trainer, run_buttons.every(trainer, refresh))  # the model overview graph, slow motion
    running = run_buttons.running(trainer)
    # With the live feed the fragment only brings D's field (and the rest) each second.
    every = max(refresh, V.FIELD_EVERY) if live_feed.live_mode() else refresh
    st.fragment(run_every=run_buttons.every(trainer, every))(samples_panel)(trainer, not running)
    if running:  # a lever moved while training reruns only its own fragment
        st.fragment(levers_panel)(trainer)


def latent_column(trainer, refresh: float) -> None:
    true_map_ui(trainer)
    st.markdown(t("playground.latent.heading"))
    explain(*T.VIEWS["latent"])
    # The latents only move for a learnable prior (DeLiGAN); otherwise this view changes
    # with the selection, which reruns the page anyway.
    moving = isinstance(trainer.run.nets.prior, torch.nn.Module)
    st.fragment(run_every=run_buttons.every(trainer, max(refresh, 0.5)) if moving else None)(
        latent_panel)(trainer)


def main() -> None:
    st.title(t("playground.title"))
    st.markdown(T.intro())
    link.restore_ui()  # a shared link's setup, before the first visit opens a model
    R.first_visit()
    budget = sidebar_ui()
    drawing.draw_panel()  # before the run is built: a drawing is its data
    trainer = R.sync_trainer()
    if trainer is None:
        return
    trainer.set_budget(budget)
    run_buttons.controls_ui(trainer)
    link.share_ui()
    link.sync_url(trainer)
    lessons_ui.lesson_panel(trainer, run_buttons.every(trainer, 2.0))
    mark_playground(trainer)  # the inspector pages then open on this run
    R.remedy_note(trainer)
    refresh = float(st.session_state.get("pg_refresh", 0.1))
    V.selection_drawn()
    left, right = st.columns([3, 2], gap="medium")
    with left:
        samples_column(trainer, refresh)
    with right:
        latent_column(trainer, refresh)
    detector_panel.charts_ui(trainer, run_buttons.every(trainer, 2.0))


from ui.session import through_app  # noqa: E402

through_app()  # a first visit through a shared link must still get app.py's menu
main()

"""Playground: pick a target and a variant, train live, watch the latent colours, pull
the levers, see the detector. Widgets and layout only: the maths is in gan_core
(probes, plots, trainer) and the widget plumbing in ui.

Live panels are `st.fragment(run_every=...)` functions that read the Trainer's latest
snapshot; the training thread never calls Streamlit.
"""
from __future__ import annotations

import time

import numpy as np
import streamlit as st
import torch

from gan_core import plots, probes
from gan_core import levers as L
from gan_core.levers import lever_spec
from ui import controls as C
from ui import live_chart, live_feed
from ui import session as S
from ui import texts as T

MAX_LEVERS = 16
N_REAL = 2000


# --------------------------------------------------------------------------- small helpers
def explain(view: str) -> None:
    short, more = T.VIEWS[view]
    st.caption(short)
    with st.expander("More about this view"):
        st.markdown(more)


def _running(trainer) -> bool:
    return trainer is not None and trainer.status()["state"] == "running"


def _every(trainer, seconds: float):
    return seconds if _running(trainer) else None



def _static(trainer) -> dict:
    """Per-run data that never changes while it trains: real points, latent colours,
    lever spec. Cached in session state, keyed by the run object."""
    run = trainer.run
    cache = st.session_state.get("pg_static")
    if cache is None or cache["run"] != id(run) or cache["cfg"] != run.cfg.to_json():
        def build(r):
            latent = r.eval_latent()
            real, _ = r.out_target.sample(N_REAL, torch.Generator().manual_seed(11))
            xy, names = probes.latent_xy(latent)
            try:
                spec = lever_spec(r)
            except Exception:
                spec = None
            return dict(run=id(r), cfg=r.cfg.to_json(), real=real.numpy().astype(np.float32),
                        colours=plots.hex_colours(r.colours(latent)), latent_xy=xy,
                        latent_names=names, spec=spec, bounds=r.out_target.bounds,
                        lim=max(1.0, float(np.abs(xy).max()) * 1.08) if len(xy) else 3.2,
                        learnable_prior=isinstance(r.nets.prior, torch.nn.Module),
                        field_note=probes.field_support(r))
        cache = trainer.with_models(build)
        st.session_state["pg_static"] = cache
    if cache["learnable_prior"]:  # DeLiGAN: the mixture moves, so do the colours
        def refresh(r):
            latent = r.eval_latent()
            return plots.hex_colours(r.colours(latent)), probes.latent_xy(latent)[0]
        cache["colours"], cache["latent_xy"] = trainer.with_models(refresh)
    return cache


# --------------------------------------------------------------------------- pretrained models


def _zoo_choices() -> dict[str, str]:
    """Pretrained 2-D entries this page can train on: key -> label. Working models first;
    a failure on purpose (its label says so) comes last."""
    from gan_core import zoo
    found = [(bool(v.get("failure")), k, zoo.label(v)) for k, v in zoo.entries().items()
             if v["target"] in C.TARGETS]
    return {k: text for _, k, text in sorted(found, key=lambda row: row[0])}


def open_pretrained(key: str) -> None:
    """Load a zoo entry into this session's trainer, paused, and into the widgets.
    Runs before the widgets draw (first visit, or as a button callback)."""
    from gan_core import checkpoints, zoo
    info = zoo.entries().get(key)
    if info is None:
        st.session_state["pg_open_error"] = f"No pretrained model called {key!r} on this server."
        return
    try:
        ckpt = checkpoints.load(zoo.PRETRAINED / info["file"])
        box = S.box()
        if box.trainer is None:
            box.set(S.make_trainer(ckpt.config))
        box.trainer.pause()
        box.trainer.load_checkpoint(ckpt)
    except (checkpoints.CheckpointError, ValueError, RuntimeError) as err:
        st.session_state["pg_open_error"] = f"Could not open {zoo.label(info)}: {err}"
        return
    C.push_config(ckpt.config)  # ▶ Train then continues with the checkpoint's own config
    # Past lr_decay_steps the rates stay at their floor (checkpoints.restore_run): Train
    # polishes the model, where the full starting rate shook the spiral apart within 20 s.
    cfg, train_on = ckpt.config, ""
    if cfg.lr_decay_steps and ckpt.step >= cfg.lr_decay_steps:
        train_on = f" at the learning rate it finished with ({cfg.lr_floor:g}× its starting rate)"
    st.session_state["pg_opened"] = (zoo.label(info), ckpt.step, train_on,
                                     info["note"] if info.get("failure") else "")
    _clear_selection()


def first_visit() -> None:
    """A classroom sees a trained spiral in the first second, not a blob at step 0."""
    if "pg_hidden" in st.session_state or S.box().trainer is not None:
        return
    from gan_core.zoo import FIRST_PAGE
    if FIRST_PAGE in _zoo_choices():
        with st.spinner("Opening a pretrained model…"):
            open_pretrained(FIRST_PAGE)


def pretrained_ui() -> None:
    choices = _zoo_choices()
    if not choices:
        return
    with st.expander("Open a pretrained model"):
        st.caption("Trained ahead of time (`python -m gan_core.zoo build`): opens paused, "
                   "ready to probe or to train further. Each clears its target's quality "
                   "floor, except one kept as a failure on purpose (its name says so).")
        key = st.selectbox("Pretrained model", list(choices), format_func=choices.get,
                           key="pg_zoo_pick", **C.KEPT, label_visibility="collapsed")
        st.button("Open", key="pg_zoo_open", on_click=open_pretrained, args=(key,),
                  width="stretch")


def opened_banner(step: int) -> None:
    opened = st.session_state.get("pg_opened")
    if not opened or opened[1] != step:
        return
    label, _, train_on, failure = (*opened, "", "")[:4]
    if failure:  # never presented as a working model
        st.warning(f"**Pretrained: {label}.** {failure} Press ⟲ Reset and ▶ Train to watch "
                   "it go wrong from scratch, or pick a preset on the left.")
        return
    st.info(f"**Pretrained: {label}.** Pull the levers below, press ▶ Train to keep "
            f"training it{train_on}, ⟲ Reset for fresh random weights, or pick a preset on "
            "the left.")


# --------------------------------------------------------------------------- trainer lifecycle
def _confirm_reset() -> None:
    st.session_state["pg_force_reset"] = True


def _keep_run(cfg) -> None:
    C.push_config(cfg)


def sync_trainer():
    """Build this session's trainer, or bring it in line with the widgets: live changes
    apply at once, structural ones reset (asking first once training has begun)."""
    box = S.box()
    desired = C.desired_config()
    problem = C.validate(desired)
    points = st.session_state.get("pg_points") if desired.target == C.CUSTOM else None
    if problem:
        st.error(f"These settings cannot train: {problem}")
    force = st.session_state.pop("pg_force_reset", False)
    if box.trainer is None:
        return None if problem else _first_trainer(box, desired, points)
    trainer = box.trainer
    if problem or desired == trainer.cfg and not force:
        return trainer
    live, structural = C.split_changes(trainer.cfg, desired, trainer.run.variant.live_fields)
    if live:
        try:
            trainer.set_live(**live)
        except ValueError as err:
            st.error(f"Cannot apply {', '.join(live)} live: {err}")
    if not structural and not force:
        return trainer
    if desired.target == C.CUSTOM and points is None:
        st.info("Upload a CSV of x, y points in the sidebar to train on your own data.")
        return trainer
    pristine = trainer.status()["step"] == 0
    if force or pristine:
        try:
            trainer.reset(desired, points)
        except (ValueError, RuntimeError) as err:
            st.error(f"Cannot build this run: {err}")
        if st.session_state.get("pg_train"):  # Train was clicked in this same run
            trainer.start()
        return trainer
    _ask_reset(trainer, structural)
    return trainer


def _first_trainer(box, desired, points):
    if desired.target == C.CUSTOM and points is None:
        st.info("Upload a CSV of x, y points in the sidebar to train on your own data.")
        return None
    try:
        with st.spinner("Building the generator and discriminator…"):
            box.set(S.make_trainer(desired, points))
    except (ValueError, RuntimeError) as err:
        st.error(f"Cannot build this run: {err}")
        return None
    return box.trainer


def _ask_reset(trainer, structural) -> None:
    with st.container(border=True):
        st.warning(f"You changed **{', '.join(sorted(structural))}**. That changes the networks "
                   "or the data, so it needs a fresh run: training restarts from step 0.")
        c1, c2 = st.columns(2)
        c1.button("Reset with the new settings", key="pg_confirm", type="primary",
                  on_click=_confirm_reset)
        c2.button("Keep the current run", key="pg_keep", on_click=_keep_run, args=(trainer.cfg,))


# --------------------------------------------------------------------------- controls
def _toggle(trainer, action: str) -> None:
    """The action the button showed, not a flip of the current state: with fragments
    rerunning several times a second, Streamlit can deliver one click twice, and a flip
    would undo it (Pause, then Train again)."""
    if action == "pause":
        trainer.pause()
    else:
        trainer.start()


def _reset(trainer) -> None:
    trainer.reset()
    st.session_state.pop("pg_sel", None)


def controls_ui(trainer) -> None:
    running = _running(trainer)
    cols = st.columns([1.3, 1, 1, 1.1, 1, 4.6], vertical_alignment="center")
    cols[0].button("⏸ Pause" if running else "▶ Train", key="pg_train", type="primary",
                   on_click=_toggle, args=(trainer, "pause" if running else "start"),
                   width="stretch")
    cols[1].button("Step D", key="pg_step_d", on_click=trainer.single_step, args=("d",),
                   help="One discriminator update (pauses training)", width="stretch")
    cols[2].button("Step G", key="pg_step_g", on_click=trainer.single_step, args=("g",),
                   help="One generator update (pauses training)", width="stretch")
    cols[3].button("Step both", key="pg_step_both", on_click=trainer.single_step,
                   args=("both",), help="kD critic steps then kG generator steps", width="stretch")
    cols[4].button("⟲ Reset", key="pg_reset", on_click=_reset, args=(trainer,),
                   help="New random weights, same settings", width="stretch")
    st.session_state["pg_drawn_state"] = trainer.status()["state"]
    with cols[5]:
        st.fragment(run_every=_every(trainer, 1.0))(status_panel)(trainer)


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


# --------------------------------------------------------------------------- selection
def _on_select(chart_key: str) -> None:
    trace = st.session_state.get(f"{chart_key}_trace", 0)
    idx = sorted({int(p["point_index"]) for p in live_chart.selection_points(chart_key)
                  if p.get("curve_number") == trace and "point_index" in p})
    st.session_state["pg_sel"] = idx
    st.session_state["pg_sel_ver"] = st.session_state.get("pg_sel_ver", 0) + 1


def _selection_sync() -> list[int]:
    """The shared selection; a fragment that sees a new one redraws the whole page so the
    other view rings the same points."""
    ver = st.session_state.get("pg_sel_ver", 0)
    if st.session_state.get("pg_sel_drawn", 0) != ver:
        st.session_state["pg_sel_drawn"] = ver
        st.rerun()
    return st.session_state.get("pg_sel") or []


def _clear_selection() -> None:
    st.session_state["pg_sel"] = []
    st.session_state["pg_sel_ver"] = st.session_state.get("pg_sel_ver", 0) + 1


# --------------------------------------------------------------------------- live views
def lever_dims(spec) -> list[int]:
    if spec.dim <= MAX_LEVERS:
        return list(range(spec.dim))
    kept = [n for n in st.session_state.get("pg_lever_pick", spec.names[:8]) if n in spec.names]
    st.session_state["pg_lever_pick"] = kept[:MAX_LEVERS]  # a new run may have other names
    chosen = st.multiselect(f"Levers to show (at most {MAX_LEVERS} of {spec.dim})", spec.names,
                            max_selections=MAX_LEVERS, key="pg_lever_pick", **C.KEPT)
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


FIELD_EVERY = 1.0  # s between D-field recomputes while training: a new field needs a full
# Plotly redraw in the browser (~150 ms), while moving points alone take the fast path
PLAN_EVERY = 5.0  # s between G-weight exports for the browser's lever preview while training


def _shown_dims(spec) -> list[int]:
    """The levers on show, as chosen by `lever_dims`' widget, without drawing it."""
    if spec.dim <= MAX_LEVERS:
        return list(range(spec.dim))
    chosen = st.session_state.get("pg_lever_pick", spec.names[:8])
    return [spec.names.index(n) for n in chosen if n in spec.names]


def _aged(key: str, ident, step: int, max_age: float | None, make):
    """A per-session cache of `make()` for `ident`, rebuilt when the training step moved,
    but with `max_age` (while training) only once it is that many seconds old."""
    cached, now = st.session_state.get(key), time.perf_counter()
    if (cached is None or cached[0] != ident
            or cached[2] != step and (max_age is None or now - cached[1] >= max_age)):
        cached = (ident, now, step, make())
        st.session_state[key] = cached
    return cached[3]


def _probe_z(spec) -> np.ndarray:
    """The levers' probe z; levers start at the prior's centre, inside its range."""
    for i in range(spec.dim):
        key = f"pg_lv_{i}"
        st.session_state[key] = float(np.clip(st.session_state.get(key, 0.0), spec.lo, spec.hi))
    return np.array([st.session_state.get(f"pg_lv_{i}", 0.0) for i in range(spec.dim)], np.float32)


def _lever_extras(run, z, dims: list[int], c, running: bool) -> dict:
    """Probe G(z), the sweeps along `dims` (None when none are shown), and G's weights for
    the browser's lever preview. Call with the run's lock held."""
    probe, sweeps, values = probes.probe_and_sweeps(run, z, dims, c=c)
    out = {"probe": probe, "sweeps": sweeps if dims else None}
    # The weights cross the wire whenever they change: while training, only
    # every PLAN_EVERY s (the server's frames carry the exact probe meanwhile).
    plan = _aged("pg_plan_cache", (id(run), c), run.step_count, PLAN_EVERY if running else None,
                 lambda: L.mlp_plan(run, c))
    if plan is not None:
        t = run.out_target  # G's output in target units: x * scale + center
        out["levers"] = dict(plan=plan, z=z, dims=dims, values=values, prefix="pg_lv_",
                             scale=t.scale_xy, center=np.broadcast_to(np.asarray(t.center, float), 2))
    return out


def _samples_extras(run, bounds, show_field: bool, show_arrows: bool, probe,
                    running: bool) -> dict:
    """D's field, G's arrows and the levers' probe (z, dims, class) for the samples chart.
    Call with the run's lock held."""
    out = {}
    if show_field:  # D only changes with a step; while training, about once a second
        out["field"] = _aged("pg_field_cache", id(run), run.step_count,
                             FIELD_EVERY if running else None, lambda: probes.d_field(run, bounds))
    if show_arrows:
        a = probes.g_arrows(run, run.eval_latent())
        if a is not None:
            out["arrows"] = (a[0], probes.scale_arrows(a[1], bounds))
    if probe is not None and run.variant.uses_latent:
        out.update(_lever_extras(run, *probe, running))
    return out


def _feed(z, dims: list[int], c) -> dict | None:
    """Point this session's live feed (ui.live_feed) at the current probe and selection;
    returns the chart's `live` argument, or None where the feed is not in use."""
    if not _live_mode():
        return None
    token = live_feed.register(S.box())
    live_feed.update(token, z=z, dims=dims if st.session_state.get("pg_show_sweeps", True) else [],
                     c=c, highlight=st.session_state.get("pg_sel") or [])
    return {"url": live_feed.url(token), "every": float(st.session_state.get("pg_refresh", 0.1))}


def _feed_failed() -> None:
    """The browser never reached the live feed (a proxy that forwards only Streamlit's own
    paths?): this session goes back to refreshing the chart through reruns."""
    st.session_state["pg_feed_failed"] = True


def _fall_back_once() -> None:
    if st.session_state.get("pg_feed_failed") and not st.session_state.get("pg_feed_fallback"):
        st.session_state["pg_feed_fallback"] = True
        st.rerun()  # the whole page, so that the chart's fragment takes the faster run_every


def _live_mode() -> bool:
    return live_feed.mounted() and not st.session_state.get("pg_feed_failed")


def samples_panel(trainer, with_levers: bool = True) -> None:
    """The live chart. While training it runs several times a second, so it holds the chart
    alone (`levers_panel` runs apart); paused, the levers rerun it to redraw the probe."""
    snap = trainer.latest()
    if snap is None:
        st.info("Building the run…")
        return
    _fall_back_once()
    static = _static(trainer)
    sel = _selection_sync()
    show_field = st.session_state.get("pg_show_field", True) and not static["field_note"]
    show_arrows = st.session_state.get("pg_show_arrows", False) and not static["field_note"]
    show_sweeps = st.session_state.get("pg_show_sweeps", True)
    spec = static["spec"]
    dims = _shown_dims(spec) if spec is not None else []
    z = _probe_z(spec) if spec is not None else None
    c = st.session_state.get("pg_lv_class") if spec is not None and spec.n_classes else None
    bounds = static["bounds"]
    running = _running(trainer)
    probe = (z, dims if show_sweeps else [], c) if z is not None else None
    try:
        extra = trainer.with_models(
            lambda run: _samples_extras(run, bounds, show_field, show_arrows, probe, running))
    except Exception as err:  # a view must never take the page down
        extra = {}
        st.caption(f"(field/probe unavailable: {type(err).__name__}: {err})")
    fig = plots.samples_spec(static["real"], snap.fake, static["colours"], bounds,
                               field=extra.get("field"), arrows=extra.get("arrows"),
                               probe=extra.get("probe"), sweeps=extra.get("sweeps"),
                               sweep_dims=dims, highlight=sel or None,
                               uirevision=f"samples-{static['cfg']}", title=live_feed.title(snap.step),
                               colorbar=False)
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
        fast = ("generated", "selected", "probe G(z)", *(f"z{d + 1} sweep" for d in dims))
        live = _feed(z, dims, c)
        if live is not None:
            live["step"] = step
    live_chart.live_plotly(fig, "pg_samples", select=True, fast=fast, live=live,
                           on_live_failed=_feed_failed, on_select=lambda: _on_select("pg_samples"),
                           levers=levers)


def samples_notes(trainer) -> None:
    """Banners under the chart's heading; they change only with a full rerun."""
    snap = trainer.latest()
    if snap is None:
        return
    if snap.step == 0:
        st.info(T.PRESS_TRAIN)
    else:
        opened_banner(snap.step)
    note = _static(trainer)["field_note"]
    if note:
        st.caption(f"D's field is not drawn: {note}.")
    elif st.session_state.get("pg_show_field", True):
        st.caption(field_legend(trainer.run))


def watch_ui(trainer) -> None:
    """The chosen preset's promise: what to watch, and by when on this page."""
    from gan_core.presets import PRESETS
    preset = PRESETS.get(st.session_state.get("pg_preset", ""))
    if preset is None or preset.promise is None:
        return
    p, cfg = preset.promise, preset.config(seed=trainer.cfg.seed)
    if (cfg.target, cfg.variant) != (trainer.cfg.target, trainer.cfg.variant):
        return  # another target or variant since: a different experiment
    # The page trains at >= 70% of the headless speed the promise was measured at.
    when = f"within about {p.seconds / 0.7:.0f} s of training here"
    if trainer.cfg != cfg:
        when += " (settings changed since the preset was picked: the promise may not hold)"
    st.markdown(f"**What to watch ({preset.name}):** {p.watch}  \n"
                f"The detector shows it as {' and '.join(c.describe() for c in p.checks)}, {when}.")


def field_legend(run) -> str:
    """The field's colour key, in words: the live chart has no colorbar."""
    if run.variant.uses_labels:  # as probes.d_field decides: D outputs P(real)
        return ("Background: D's verdict, purple where it says fake (D = 0), white at 0.5, "
                "green where it says real (D = 1).")
    return (f"Background: {probes.score_label(run)}, from purple (lowest on this view, looks "
            "fake) through white to green (highest, looks real); the scale is relative.")


def levers_panel(trainer) -> None:
    spec = _static(trainer)["spec"]
    if spec is None or not trainer.run.variant.uses_latent:
        return
    st.markdown("**Levers** · " + T.VIEWS["levers"][0])
    if spec.n_classes:
        st.selectbox(spec.class_label.capitalize() or "Class", range(spec.n_classes),
                     key="pg_lv_class", **C.KEPT)
    dims = lever_dims(spec)
    z = levers_ui(spec, dims)
    if _running(trainer):  # the chart's feed draws the probe while training
        _feed(z, dims, st.session_state.get("pg_lv_class") if spec.n_classes else None)
    with st.expander("More about the levers"):
        st.markdown(T.VIEWS["levers"][1])


def latent_panel(trainer) -> None:
    static = _static(trainer)
    sel = _selection_sync()
    fig = plots.latent_figure(static["latent_xy"], static["colours"], static["latent_names"],
                              highlight=sel or None, lim=static["lim"],
                              uirevision=f"latent-{static['cfg']}", title="Latent space (z1, z2)")
    st.session_state["pg_latent_trace"] = 0
    live_chart.live_plotly(fig, "pg_latent", select=True,
                           on_select=lambda: _on_select("pg_latent"))
    if sel:
        c1, c2 = st.columns([3, 1])
        c1.caption(f"{len(sel)} latents selected; their images are ringed on the left.")
        c2.button("Clear", key="pg_clear_sel", on_click=_clear_selection)


def true_map_ui(trainer) -> None:
    target = trainer.run.out_target
    if getattr(target, "true_map", None) is None:
        st.caption(f"**{target.name}** has no known latent map (it is data only), so there is "
                   "no ideal mapping to compare with.")
        return
    pts, colours = _true_map_data(target.name)
    st.plotly_chart(plots.true_map_figure(pts, colours, target.bounds, title="True map",
                                          height=340), key="pg_truemap",
                    config={"displaylogo": False})
    explain("truemap")


@st.cache_data(show_spinner=False, max_entries=16)
def _true_map_data(name: str):
    from gan_core.targets import get_target
    from gan_core.latent import make_prior
    target = get_target(name)
    gen = torch.Generator().manual_seed(5)
    z = target.true_latent(N_REAL, gen)
    with torch.no_grad():
        pts = target.true_map(z).float().numpy()
    prior = make_prior(target.true_prior, z.shape[1])
    return pts, plots.hex_colours(prior.colours(z))


def losses_panel(trainer) -> None:
    cols = trainer.history_columns()
    if len(cols.get("step", [])):
        live_chart.live_plotly(plots.losses_figure(cols), "pg_losses")
    else:
        st.caption("Nothing yet: the curves start with the first training step.")


def charts_ui(trainer) -> None:
    """Headings and explanations stay put; only the two small fragments refresh."""
    left, right = st.columns([1, 1], gap="medium")
    with left:
        st.markdown("#### Losses and gradient norms")
        explain("losses")
        st.fragment(run_every=_every(trainer, 2.0))(losses_panel)(trainer)
    with right:
        st.markdown("#### Mode-collapse detector")
        explain("detector")
        st.fragment(run_every=_every(trainer, 2.0))(detector_ui)(trainer)


def _apply_remedy(trainer, changes: dict) -> None:
    was_running = _running(trainer)
    points = st.session_state.get("pg_points") if trainer.cfg.target == C.CUSTOM else None
    try:
        new = trainer.cfg.replace(**changes)
        trainer.reset(new, points)
    except (ValueError, RuntimeError) as err:
        st.session_state["pg_remedy_error"] = str(err)
        return
    C.push_config(new)
    st.session_state["pg_need_full_rerun"] = True
    if was_running:
        trainer.start()


def detector_ui(trainer) -> None:
    if st.session_state.pop("pg_need_full_rerun", False):
        st.rerun()  # a remedy restarted the run with a new config: redraw the sidebar
    if trainer.detector is None:
        st.caption("No detector on this run.")
        return
    if st.session_state.get("pg_remedy_error"):
        st.error(st.session_state.pop("pg_remedy_error"))
    snap = trainer.latest()
    alerts = list(snap.alerts) if snap is not None else []
    rows = list(trainer.detector.history)  # one C-level copy under the GIL: no lock needed
    if rows:
        last = rows[-1]
        m = st.columns(3)
        m[0].metric("Modes captured", f"{last.get('captured', 0):.0f} / {last.get('n_modes', 0):.0f}")
        m[1].metric("HQ (within 3σ)", f"{last.get('hq', 0):.0%}")
        m[2].metric("Coverage", f"{last.get('coverage', 0):.0%}")
    # Green only for "healthy" (the target's quality floor met): no alerts is not the same.
    verdict = getattr(trainer.detector, "verdict", None)  # left by the pass behind `alerts`
    if verdict is not None and (verdict.state != "alert" or not alerts):  # else the alerts say it
        box = {"healthy": st.success, "stalled": st.warning, "alert": st.warning}.get(verdict.state, st.info)
        box(f"**{verdict.title}**  \n{verdict.text}")
    if verdict is not None:
        st.caption(verdict.scope)
    for k, alert in enumerate(alerts):
        box = {"error": st.error, "warning": st.warning}.get(alert.severity, st.info)
        box(f"**{alert.title}** (step {alert.step:,})")
        st.markdown(alert.explanation)
        for j, remedy in enumerate(alert.remedies):
            st.button(f"🩹 {remedy.label}", key=f"pg_remedy_{alert.kind}_{j}",
                      on_click=_apply_remedy, args=(trainer, dict(remedy.changes)),
                      help="Restart the run with: " + ", ".join(f"{a}={b}" for a, b in remedy.changes.items()))
    if len(rows) > 1:
        live_chart.live_plotly(plots.detector_history_figure(rows), "pg_dethist")


# --------------------------------------------------------------------------- diagnostics
def diagnostics_ui() -> None:
    with st.expander("Diagnostics"):
        n = S.training_threads()
        st.markdown(f"Live training threads on this server: **{n}**")
        st.caption(f"diag-threads={n}")
        live = S.live_trainers()
        if live:
            st.dataframe(live, hide_index=True)


# --------------------------------------------------------------------------- page
def display_ui() -> None:
    with st.expander("Display", expanded=False):
        st.toggle("D's field behind the samples", value=True, key="pg_show_field",
                  **C.KEPT)
        st.toggle("G's pull: gradient arrows on fakes", value=False, key="pg_show_arrows",
                  **C.KEPT)
        st.toggle("Lever sweep curves", value=True, key="pg_show_sweeps", **C.KEPT)
        st.select_slider("Live refresh (s)", [0.1, 0.2, 0.25, 0.5, 1.0], value=0.1,
                         key="pg_refresh", **C.KEPT)


def sidebar_ui() -> int:
    """Every setting; returns the step budget."""
    with st.sidebar:
        C.ensure_defaults()
        if st.session_state.get("pg_open_error"):
            st.error(st.session_state.pop("pg_open_error"))
        C.presets_ui()
        pretrained_ui()
        st.divider()
        C.target_ui()
        variant = C.variant_ui()
        C.options_ui(variant)
        budget = C.budget_ui()
        display_ui()
        diagnostics_ui()
    return budget


def main() -> None:
    st.title("GAN Levers · Playground")
    st.markdown(T.INTRO)
    first_visit()
    budget = sidebar_ui()
    trainer = sync_trainer()
    if trainer is None:
        return
    trainer.set_budget(budget)
    controls_ui(trainer)
    refresh = float(st.session_state.get("pg_refresh", 0.1))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st.markdown("#### Samples: real and generated")
        explain("samples")
        samples_notes(trainer)
        watch_ui(trainer)
        running = _running(trainer)
        # With the live feed the fragment only brings D's field (and the rest) each second.
        every = max(refresh, FIELD_EVERY) if _live_mode() else refresh
        st.fragment(run_every=_every(trainer, every))(samples_panel)(trainer, not running)
        if running:  # a lever moved while training reruns only its own fragment
            st.fragment(levers_panel)(trainer)
    with right:
        true_map_ui(trainer)
        st.markdown("#### Latent space")
        explain("latent")
        # The latents only move for a learnable prior (DeLiGAN); otherwise this view changes
        # with the selection, which reruns the page anyway.
        moving = isinstance(trainer.run.nets.prior, torch.nn.Module)
        st.fragment(run_every=_every(trainer, max(refresh, 0.5)) if moving else None)(
            latent_panel)(trainer)
    charts_ui(trainer)


from ui.session import through_app  # noqa: E402

through_app()  # a first visit through a shared link must still get app.py's menu
main()

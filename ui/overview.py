"""The Playground's model overview graph and slow-motion control (issue 19, parts 1 and 4).

The graph is one SVG drawn by the browser (ui/frontend/overview.js): noise z -> G -> fake
samples -> D <- real samples, D's prediction -> the two losses, their gradients back. Each
node shows its data live; the update being made lights its path. Between this module's
reruns the browser updates it from the live feed's frames (ui.live_feed, which adds the
phase, the losses and D's map through ui.overview_feed), so it costs the server nothing
per frame beyond one coarse D pass in the training thread.

Session state (plain values, for the Playground link): `pg_speed` (0 = full speed, else
steps per second) and `pg_show_overview` (bool).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import streamlit as st

from gan_core import overview as O
from gan_core.trainer import MAX_SLOW
from ui import live_chart, live_feed
from ui import samples as V
from ui import session as S
from ui.i18n import t
from ui.widgets import KEPT

SPEED = "pg_speed"
SHOW = "pg_show_overview"
SPEEDS = [0, 20, 10, 5, 2, 1]  # steps/s; 0 is full speed
HISTORY = 120  # loss values per sparkline (HISTORY in frontend/overview.js)
assert max(SPEEDS) <= MAX_SLOW
CHART, LATENT = "pg_samples", "pg_latent"  # the Playground's charts a node highlights
LABEL_KEYS = ["title", "grad_d", "grad_g", "noise_label", "noise_tip", "G_label", "G_tip",
              "fake_label", "fake_tip", "real_label", "real_tip", "D_label", "D_tip",
              "dloss_label", "dloss_tip", "gloss_label", "gloss_tip", "dloss_value",
              "gloss_value", "phase_d", "phase_g", "phase_both", "phase_none"]


@lru_cache(maxsize=1)
def _component():
    return st.components.v2.component(
        "gan_levers_overview", isolate_styles=False, css=live_chart.frontend_css("overview.css"),
        js=live_chart.frontend_js(*live_chart.BUNDLES["overview"]))


def speed_label(v: float) -> str:
    return t("overview.speed_full") if not v else t("overview.speed_n", n=int(v))


def speed_ui(trainer) -> float:
    """Full speed or N steps a second; applied to the trainer on every run of the page
    (a rebuilt run starts at full speed)."""
    if st.session_state.get(SPEED) not in SPEEDS:
        st.session_state[SPEED] = 0
    speed = st.select_slider(t("overview.speed"), SPEEDS, key=SPEED, format_func=speed_label,
                             help=t("overview.speed_help"), **KEPT)
    trainer.set_speed(float(speed))
    return speed


def labels() -> dict:
    return {k: t(f"overview.{k}") for k in LABEL_KEYS}


def _static(trainer) -> dict:
    """The views that do not change while a run trains: latent points, real points."""
    static = V.static(trainer)
    n = len(static["colours"])
    step = O.stride(n)
    xy = np.asarray(static["latent_xy"], np.float32)
    latent = None
    if len(xy) == n and xy.ndim == 2 and xy.shape[1] >= 2:
        latent = {**O.thin(xy[:, :2], step), "lim": float(static["lim"])}
    real = np.asarray(static["real"], np.float32)
    return {"static_id": f"{static['cfg']}:{id(trainer.run)}", "bounds": list(static["bounds"]),
            "latent": latent, "real": O.thin(real[:, :2], O.stride(len(real))), "stride": step,
            "colours": list(static["colours"][::step]), "has_field": not static["field_note"],
            "history": saved_losses(trainer)}


def saved_losses(trainer, keep: int = HISTORY) -> dict:
    """The run's recorded losses, the last `keep` finite values of each: a pretrained or
    reopened run shows its losses and their sparklines before it takes a step."""
    cols = trainer.history_columns()
    out = {}
    for key in ("d_loss", "g_loss"):
        values = np.asarray(cols.get(key, []), np.float64)
        out[key] = [round(float(v), 5) for v in values[np.isfinite(values)][-keep:]]
    return out


def _state(trainer, has_field: bool, step: int, saved: dict | None = None) -> dict:
    """The latest snapshot as the browser draws it (between reruns the feed's frames)."""
    snap = trainer.latest()
    extra = snap.extra if isinstance(snap.extra, dict) else {}
    dmap = extra.get("dmap")
    if dmap is None and has_field:
        bounds = trainer.run.out_target.bounds
        dmap = trainer.with_models(lambda run: O.decision_map(run, bounds))
    losses = {k: float(v) for k, v in snap.losses.items() if np.isfinite(v)}
    if not losses:  # no step taken in this process yet: the recorded ones
        saved = saved_losses(trainer, keep=1) if saved is None else saved
        losses = {k: v[-1] for k, v in saved.items() if v}
    return {"tag": live_feed._tag(snap), "step": int(snap.step), "phase": snap.phase,
            "losses": losses,
            "fake": O.thin(snap.fake, step), "dmap": dmap}


def _feed_url(running: bool) -> str | None:
    """The session's feed (shared with the samples chart), set to make D's map."""
    if not live_feed.mounted() or S.run_id() is None:
        return None
    token = st.session_state[live_feed.TOKEN] = live_feed.register(
        S.run_id(), st.session_state.get(live_feed.TOKEN))
    live_feed.show_overview(token, True)
    return live_feed.url(token)


def overview_graph(trainer, running: bool) -> None:
    if trainer.latest() is None:
        return
    data = _static(trainer)
    data.update(key="pg_overview", chart=CHART, latent_key=LATENT, labels=labels(),
                running=running, url=_feed_url(running),
                state=_state(trainer, data["has_field"], data["stride"], data["history"]))
    _component()(data=data, key="pg_overview")


def panel_ui(trainer, every: float | None) -> None:
    """The toggle, the speed control and the graph (its own fragment, rerun every `every`
    s while training when the live feed is not in use; with it, the browser updates it)."""
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    shown = c1.toggle(t("overview.show"), value=st.session_state.get(SHOW, True), key=SHOW,
                      help=t("overview.show_help"))
    with c2:
        speed_ui(trainer)
    if not shown:
        return
    running = trainer.status()["state"] == "running"
    # With the live feed the browser draws every frame (the feed carries all the graph
    # shows), so no timed rerun: one would only grey the graph while it runs. Without the
    # feed (a proxy that forwards only Streamlit's paths) reruns are all it gets.
    rate = None if not every or live_feed.live_mode() else max(0.5, every)
    st.fragment(run_every=rate)(overview_graph)(trainer, running)

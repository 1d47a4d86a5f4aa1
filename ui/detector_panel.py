"""The Playground's lower row: losses and gradient norms, and the mode-collapse
detector with its verdict, alerts and one-click remedies. Two small fragments that
refresh while training; their headings and explanations stay put."""
from __future__ import annotations

import streamlit as st

from gan_core import plots
from ui import live_chart
from ui import texts as T
from ui.run_control import apply_remedy
from ui.widgets import explain


def charts_ui(trainer, every: float | None) -> None:
    left, right = st.columns([1, 1], gap="medium")
    with left:
        st.markdown("#### Losses and gradient norms")
        explain(*T.VIEWS["losses"])
        st.fragment(run_every=every)(losses_panel)(trainer)
    with right:
        st.markdown("#### Mode-collapse detector")
        explain(*T.VIEWS["detector"])
        st.fragment(run_every=every)(detector_ui)(trainer)


def losses_panel(trainer) -> None:
    cols = trainer.history_columns()
    if len(cols.get("step", [])):
        live_chart.live_plotly(plots.losses_figure(cols), "pg_losses")
    else:
        st.caption("Nothing yet: the curves start with the first training step.")


def detector_ui(trainer) -> None:
    if st.session_state.pop("pg_need_full_rerun", False):
        st.rerun()  # a remedy restarted the run with a new config: redraw the sidebar
    if trainer.detector is None:
        st.caption("No detector on this run.")
        return
    trainer.detect_pending()  # a pretrained model's first pass, left until the chart was sent
    if st.session_state.get("pg_remedy_error"):
        st.error(st.session_state.pop("pg_remedy_error"))
    snap = trainer.latest()
    alerts = list(snap.alerts) if snap is not None else []
    rows = list(trainer.detector.history)  # one C-level copy under the GIL: no lock needed
    if rows:
        _metrics(rows[-1])
    _verdict(getattr(trainer.detector, "verdict", None), alerts)  # left by the pass behind `alerts`
    for alert in alerts:
        _alert(trainer, alert)
    if len(rows) > 1:
        live_chart.live_plotly(plots.detector_history_figure(rows), "pg_dethist")


def _metrics(last: dict) -> None:
    m = st.columns(3)
    m[0].metric("Modes captured", f"{last.get('captured', 0):.0f} / {last.get('n_modes', 0):.0f}")
    m[1].metric("HQ (within 3σ)", f"{last.get('hq', 0):.0%}")
    m[2].metric("Coverage", f"{last.get('coverage', 0):.0%}")


def _verdict(verdict, alerts) -> None:
    if verdict is None:
        return
    # Green only for "healthy" (the target's quality floor met): no alerts is not the same.
    if verdict.state != "alert" or not alerts:  # else the alerts say it
        box = {"healthy": st.success, "stalled": st.warning, "alert": st.warning}.get(
            verdict.state, st.info)
        box(f"**{verdict.title}**  \n{verdict.text}")
    st.caption(verdict.scope)


def _alert(trainer, alert) -> None:
    box = {"error": st.error, "warning": st.warning}.get(alert.severity, st.info)
    box(f"**{alert.title}** (step {alert.step:,})")
    st.markdown(alert.explanation)
    for j, remedy in enumerate(alert.remedies):
        st.button(f"🩹 {remedy.label}", key=f"pg_remedy_{alert.kind}_{j}",
                  on_click=apply_remedy, args=(trainer, dict(remedy.changes)),
                  help="Restart the run with: " + ", ".join(f"{a}={b}" for a, b in remedy.changes.items()))

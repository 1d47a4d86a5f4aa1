"""The Playground's lower row: losses and gradient norms, and the mode-collapse
detector with its verdict, alerts and one-click remedies. Two small fragments that
refresh while training; their headings and explanations stay put."""
from __future__ import annotations

import streamlit as st

from gan_core import glossary as GL
from gan_core import plots
from ui import live_chart, run_files
from ui import texts as T
from ui.i18n import language, t, tr
from ui.widgets import explain


POLLING = "pg_detector_polling"


def charts_ui(trainer, every: float | None) -> None:
    left, right = st.columns([1, 1], gap="medium")
    with left:
        st.markdown(t("detector_panel.losses.heading"))
        explain(*T.VIEWS["losses"])
        st.fragment(run_every=every)(losses_panel)(trainer)
    with right:
        st.markdown(t("detector_panel.heading"))
        explain(*T.VIEWS["detector"])
        trainer.detect_pending()  # a pretrained model's first pass, left until the chart was sent
        # On a worker the pass comes back later: look each second until it has, then stop.
        waiting = getattr(trainer, "first_pass_pending", False)
        st.session_state[POLLING] = waiting
        st.fragment(run_every=every or (1.0 if waiting else None))(detector_ui)(trainer)


def losses_panel(trainer) -> None:
    cols = trainer.history_columns()
    step = trainer.status()["step"]
    if len(cols.get("step", [])):
        live_chart.live_plotly(plots.losses_figure(cols, lang=language()), "pg_losses")
    elif step:  # a model opened from a file saved without its curves (the shipped ones)
        st.caption(t("detector_panel.no_curves", step=step))
    else:
        st.caption(t("detector_panel.nothing_yet"))


def detector_ui(trainer) -> None:
    if st.session_state.pop("pg_need_full_rerun", False):
        st.rerun()  # a remedy restarted the run with a new config: redraw the sidebar
    run_files.confirm_ui(trainer, below=True)  # a remedy pressed past ASK_ABOVE steps
    if trainer.detector is None:
        st.caption(t("detector_panel.none"))
        return
    if getattr(trainer, "first_pass_pending", False):
        st.caption(t("detector_panel.first_pass"))
        return
    if st.session_state.pop(POLLING, False):
        st.rerun()  # the pass is in: a full run draws it and stops the polling
    if st.session_state.get("pg_remedy_error"):
        st.error(tr(st.session_state.pop("pg_remedy_error")))
    snap = trainer.latest()
    alerts = list(snap.alerts) if snap is not None else []
    rows = list(trainer.detector.history)  # one C-level copy under the GIL: no lock needed
    if rows:
        _metrics(trainer.detector.floor.kind, rows[-1])
    _verdict(getattr(trainer.detector, "verdict", None), alerts)  # left by the pass behind `alerts`
    for alert in alerts:
        _alert(trainer, alert)
    if len(rows) > 1:
        keys = GL.HISTORY_METRICS.get(trainer.detector.floor.kind, ())
        if keys:
            live_chart.live_plotly(plots.detector_history_figure(rows, keys=keys, lang=language()),
                                   "pg_dethist")


def _metrics(kind: str, last: dict) -> None:
    """Only the figures that apply to this target: no mode count on a curve."""
    shown = GL.panel_metrics(kind, last)
    for col, (key, value) in zip(st.columns(3), shown):
        col.metric(tr(GL.label(key)), value, help=tr(GL.help_text(key)))


def _verdict(verdict, alerts) -> None:
    if verdict is None:
        return
    # Green only for "healthy" (the target's quality floor met): no alerts is not the same.
    if verdict.state != "alert" or not alerts:  # else the alerts say it
        box = {"healthy": st.success, "stalled": st.warning, "alert": st.warning}.get(
            verdict.state, st.info)
        box(t("detector_panel.verdict", title=tr(verdict.title), text=tr(verdict.text)))
    st.caption(tr(verdict.scope))


def _alert(trainer, alert) -> None:
    box = {"error": st.error, "warning": st.warning}.get(alert.severity, st.info)
    box(t("detector_panel.alert", title=tr(alert.title), step=alert.step))
    st.markdown(tr(alert.explanation))
    for j, remedy in enumerate(alert.remedies):
        changes = ", ".join(f"{a}={b}" for a, b in remedy.changes.items())
        st.button(tr(remedy.label), icon=":material/healing:", key=f"pg_remedy_{alert.kind}_{j}",
                  on_click=run_files.remedy, args=(dict(remedy.changes), remedy.label),
                  help=t("detector_panel.remedy.help", changes=changes))

"""The Playground's sidebar: presets, a pretrained model to open, every setting of the
run, display options and diagnostics. Widgets only; the config plumbing is ui.controls
and opening a model is ui.run_control."""
from __future__ import annotations

import streamlit as st

from gan_core.i18n import Msg

from ui import controls as C
from ui import manifold_layer
from ui import run_control as R
from ui import run_files
from ui import session as S
from ui.i18n import t, tr
from ui.widgets import KEPT, lazy_expander

# The sidebar's settings expanders (ui.widgets.lazy_expander): each draws its widgets only
# while it is open.
SETTINGS = ("pg_exp_pretrained", "pg_exp_networks", "pg_exp_optimiser", "pg_exp_remedies",
            "pg_exp_knobs", "pg_exp_display", "pg_exp_diagnostics")


def pretrained_ui() -> None:
    choices = R.zoo_choices()  # key -> label, a Msg
    if not choices:
        return
    # written now: a format_func is also called outside this session (by AppTest)
    labels = {k: tr(label) for k, label in choices.items()}
    box = lazy_expander(t("sidebar.pretrained"), "pg_exp_pretrained")
    if not box.open:
        return
    with box:
        st.caption(t("sidebar.pretrained.note"))
        key = st.selectbox(t("sidebar.pretrained.pick"), list(choices),
                           format_func=labels.get,
                           key="pg_zoo_pick", **KEPT, label_visibility="collapsed")
        st.button(t("sidebar.open"), key="pg_zoo_open", on_click=run_files.asked,
                  args=(Msg("sidebar.opening_pretrained", name=choices[key]), "open",
                        "pretrained", key), width="stretch")


def display_ui() -> None:
    box = lazy_expander(t("sidebar.display"), "pg_exp_display")
    if not box.open:
        return
    with box:
        st.toggle(t("sidebar.show_field"), value=True, key="pg_show_field", **KEPT)
        st.toggle(t("sidebar.show_arrows"), value=False, key="pg_show_arrows", **KEPT)
        manifold_layer.toggle_ui()
        st.toggle(t("sidebar.show_sweeps"), value=True, key="pg_show_sweeps", **KEPT)
        st.select_slider(t("sidebar.refresh"), [0.1, 0.2, 0.25, 0.5, 1.0], value=0.1,
                         key="pg_refresh", **KEPT)


def diagnostics_ui() -> None:
    box = lazy_expander(t("sidebar.diagnostics"), "pg_exp_diagnostics")
    if not box.open:
        return
    with box:
        n = S.training_threads()
        st.markdown(t("sidebar.threads", n=n))
        st.caption(f"diag-threads={n}")  # machine-read by the tests: not translated
        reg = S.registry()
        st.markdown(t("sidebar.runs", n=len(reg), cap=reg.cap, minutes=f"{reg.grace / 60:g}"))
        if S.run_id():
            st.caption(t("sidebar.this_run", tag=f"diag-run={S.run_id()}"))
        live = S.live_trainers()
        if live:  # a markdown table: st.dataframe would load ~1.3 MB of grid code on every first page
            st.markdown(_table(live))


def _table(rows: list[dict]) -> str:
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def sidebar_ui() -> int:
    """Every setting; returns the step budget."""
    with st.sidebar:
        run_files.open_pending()  # before the widgets draw, so they show the opened run
        C.ensure_defaults()
        if st.session_state.get("pg_open_error"):
            st.error(tr(st.session_state.pop("pg_open_error")))
        C.presets_ui()
        pretrained_ui()
        run_files.open_ui()
        st.divider()
        C.target_ui()
        variant = C.variant_ui()
        C.options_ui(variant)
        budget = C.budget_ui()
        display_ui()
        diagnostics_ui()
    return budget

"""The Playground's sidebar: presets, a pretrained model to open, every setting of the
run, display options and diagnostics. Widgets only; the config plumbing is ui.controls
and opening a model is ui.run_control."""
from __future__ import annotations

import streamlit as st

from ui import controls as C
from ui import manifold_layer
from ui import run_control as R
from ui import run_files
from ui import session as S
from ui.widgets import KEPT


def pretrained_ui() -> None:
    choices = R.zoo_choices()
    if not choices:
        return
    with st.expander("Open a pretrained model"):
        st.caption("Trained ahead of time (`python -m gan_core.zoo build`): opens paused, "
                   "ready to probe or to train further. Each clears its target's quality "
                   "floor, except one kept as a failure on purpose (its name says so).")
        key = st.selectbox("Pretrained model", list(choices), format_func=choices.get,
                           key="pg_zoo_pick", **KEPT, label_visibility="collapsed")
        st.button("Open", key="pg_zoo_open", on_click=run_files.asked,
                  args=(f"Opening the pretrained {choices[key]}", "open", "pretrained", key),
                  width="stretch")


def display_ui() -> None:
    with st.expander("Display", expanded=False):
        st.toggle("D's field behind the samples", value=True, key="pg_show_field", **KEPT)
        st.toggle("G's pull: gradient arrows on fakes", value=False, key="pg_show_arrows",
                  **KEPT)
        manifold_layer.toggle_ui()
        st.toggle("Lever sweep curves", value=True, key="pg_show_sweeps", **KEPT)
        st.select_slider("Live refresh (s)", [0.1, 0.2, 0.25, 0.5, 1.0], value=0.1,
                         key="pg_refresh", **KEPT)


def diagnostics_ui() -> None:
    with st.expander("Diagnostics"):
        n = S.training_threads()
        st.markdown(f"Live training threads on this server: **{n}**")
        st.caption(f"diag-threads={n}")
        reg = S.registry()
        st.markdown(f"Runs on this server: **{len(reg)}** of at most {reg.cap}. A run nobody "
                    f"has looked at for {reg.grace / 60:g} minutes is stopped and freed.")
        if S.run_id():
            st.caption(f"This session's run: diag-run={S.run_id()}")
        live = S.live_trainers()
        if live:
            st.dataframe(live, hide_index=True)


def sidebar_ui() -> int:
    """Every setting; returns the step budget."""
    with st.sidebar:
        run_files.open_pending()  # before the widgets draw, so they show the opened run
        C.ensure_defaults()
        if st.session_state.get("pg_open_error"):
            st.error(st.session_state.pop("pg_open_error"))
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

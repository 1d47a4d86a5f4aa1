"""Small widget helpers every page shares: the teaching caption + expander, and the one
way widget values outlive a visit to another page."""
from __future__ import annotations

import hashlib

import streamlit as st

from gan_core.distributions import mb_over
from ui.i18n import t

# Streamlit drops an undrawn widget's value on a page switch; this keeps it for the session.
KEPT = {"persist_state": "session"}


def lazy_expander(label: str, key: str, expanded: bool = False):
    """An expander whose contents the caller draws only while it is open (`.open`): a
    closed one costs the browser one element, not all of its own. Opening it reruns the
    page, which then draws them. Widgets inside keep their values while it is closed
    only through session state (`KEPT`, or ui.controls.show_config)."""
    return st.expander(label, expanded=expanded, key=key, on_change="rerun")


def explain(short: str, more: str, label: str = "") -> None:
    """The teaching pattern of every view: one sentence, then an expander."""
    st.caption(short)
    key = "more_" + hashlib.sha1(short.encode()).hexdigest()[:10]
    box = lazy_expander(label or t("common.more_about_view"), key)
    if box.open:
        with box:
            st.markdown(more)


def default(key: str, value, options=None) -> None:
    """Give the widget `key` its starting value, or replace a kept one that is no longer
    among `options` (a zoo entry gone, a choice the page no longer offers). Call before
    drawing the widget, which then takes `**KEPT`."""
    kept = st.session_state.get(key)
    if kept is None or options is not None and kept not in options:
        st.session_state[key] = value


def hide_upload_hint(key_prefix: str) -> None:
    """Hide Streamlit's "200MB per file" line under the uploaders whose key starts with
    `key_prefix`: they allow more than their real limit, so that an oversized file reaches
    the app and is refused with a message that stays on the page (Streamlit's own shows
    only on hover); their label states the real limit instead. A file past even that
    larger limit is refused by Streamlit in the browser: its message, which Streamlit
    keeps in a visually hidden span shown only as a tooltip, is shown under the file."""
    chip = (f'[class*="st-key-{key_prefix}"] [data-testid="stFileChip"]'
            ':has([data-testid="stFileChipIconError"])')
    st.html(f'<style>[class*="st-key-{key_prefix}"] '
            '[data-testid="stFileUploaderDropzoneInstructions"] {display: none} '
            f'{chip} {{flex-wrap: wrap; max-width: 100%; height: auto}} '
            f'{chip} > span {{position: static; clip: auto; clip-path: none; width: auto; '
            'height: auto; margin: 0.25rem 0 0; overflow: visible; white-space: normal; '
            'flex-basis: 100%; color: rgb(189, 64, 67); font-size: 0.875rem}</style>')


def size_problem(name: str, size: int, limit_mb: int) -> str:
    """A plain message when an upload is over `limit_mb` ('' when it fits). Streamlit's
    own limit message shows only on hover, so the uploaders allow more and check here."""
    if size <= limit_mb * 1_000_000:
        return ""
    return t("common.too_big", name=name, mb=mb_over(size, limit_mb * 1_000_000), limit=limit_mb)

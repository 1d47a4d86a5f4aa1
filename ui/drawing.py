"""Draw your own distribution (issue 19, part 2): a canvas on the Playground where a
click and drag sprays points, with a brush size and Clear. The browser side is
ui/frontend/draw_points.js.

A drawing becomes the `custom` target exactly as an uploaded CSV does: it is written as
CSV and goes through the upload's own parser and checks (`ui.controls.checked_points`).
It lives in the session as `gan_core.pointcode`'s code under CODE_KEY, a plain value the
Playground link keeps (as `?pts=`); a code put there from outside (a link) is applied on
the next draw of the page.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import streamlit as st

from gan_core import pointcode as P
from ui import controls as C
from gan_core.i18n import Msg, reason
from ui.i18n import t, tr
from ui.live_chart import BUNDLES, frontend_css, frontend_js

KEY = "pg_draw"  # the component
CODE_KEY = "pg_draw_code"  # the drawing (pointcode); the link keeps it
QUERY_PARAM = "pts"  # proposed name in the Playground link (the link helper owns the link)
APPLIED = "pg_draw_applied"  # the code last handed to the custom target
IN_USE = "pg_draw_in_use"  # (code, points' name) of the drawing the custom target took
SENT = "pg_draw_sent"  # the number of the browser's last stroke the server took
ERROR = "pg_draw_error"
SIZE = 320  # px
# Brush radius on the unit square, and the points one burst sprays (one every r / 2).
BRUSHES = {"small": {"r": 0.02, "burst": 2}, "medium": {"r": 0.045, "burst": 4},
           "large": {"r": 0.09, "burst": 8}}


@lru_cache(maxsize=1)
def _component():
    return st.components.v2.component(
        "gan_levers_draw_points", isolate_styles=False, css=frontend_css("draw_points.css"),
        js=frontend_js(*BUNDLES["draw_points"]))


def cells_from_browser(value) -> np.ndarray:
    """The browser's flat [x0, y0, x1, y1, ...] cells -> (N, 2) uint8; raises
    PointCodeError for anything else (the state comes from the browser: trust nothing)."""
    if not isinstance(value, list) or len(value) % 2 or len(value) > 2 * P.MAX_POINTS:
        raise P.PointCodeError(Msg("errors.draw.at_most", limit=P.MAX_POINTS))
    if not all(type(v) is int and 0 <= v < P.GRID for v in value):  # not a bool either
        raise P.PointCodeError(Msg("errors.draw.off_canvas"))
    return np.asarray(value, np.uint8).reshape(-1, 2)


def _state(name: str):
    state = st.session_state.get(KEY)
    return state.get(name) if isinstance(state, dict) else getattr(state, name, None)


def _on_cells() -> None:
    """A stroke ended (or Clear): keep the drawing's code and make it the custom target."""
    value = _state("cells") or {}
    try:
        cells = cells_from_browser(value.get("cells") if isinstance(value, dict) else None)
    except P.PointCodeError as err:
        st.session_state[ERROR] = reason(err)
        return
    st.session_state[SENT] = int(value.get("n", 0)) if isinstance(value.get("n"), int) else 0
    st.session_state[CODE_KEY] = P.encode(cells)
    apply_code()


def apply_code() -> None:
    """Hand the session's drawing to the custom target, through the CSV upload's checks;
    an empty drawing leaves the points in use as they are. Past a few hundred steps
    trained here it asks first (ui.run_files.asked); kept, the canvas goes back."""
    code = st.session_state.get(CODE_KEY, "")
    st.session_state[APPLIED] = code
    st.session_state.pop(ERROR, None)
    try:
        cells = P.decode(code)
    except P.PointCodeError as err:
        st.session_state[ERROR] = reason(err)
        return
    if not len(cells):
        return
    name = t("draw.points_name")
    points, error = C.checked_points(P.to_csv(P.cell_points(cells)), name)
    if error is not None:  # said here, next to the canvas
        st.session_state[ERROR] = error
        return
    st.session_state.pop("pg_csv_error", None)  # as a good CSV does: an older file's error goes
    from ui import run_files  # it imports ui.controls, as this module does: kept lazy
    run_files.asked(Msg("run_files.points_what", name=name), "points", "drawing", code, points, name)


def use_drawing(code: str, points: np.ndarray, name: str) -> None:
    C.use_points(points, name)
    st.session_state[IN_USE] = (code, name)


def keep_drawing() -> None:
    """The run was kept: the canvas shows again the drawing it trains on (none if its
    points came from a file)."""
    code, name = st.session_state.get(IN_USE) or ("", None)
    if st.session_state.get("pg_points_name") != name:
        code = ""
    st.session_state[CODE_KEY] = st.session_state[APPLIED] = code


def link_code() -> str | None:
    """The drawing's code when the custom target trains on it (for the Playground link's
    `pts=`), else None: after an upload the points in use are the file's, not the drawing."""
    code, name = st.session_state.get(IN_USE) or (None, None)
    if code and st.session_state.get("pg_points_name") == name and name is not None:
        return code
    return None


def draw_panel() -> None:
    """The canvas, on the Playground while the target is `custom`. Call before the run is
    built, so that a drawing from a link is the data it trains on."""
    if C.session_config().target != C.CUSTOM:
        return
    if st.session_state.get(CODE_KEY, "") != st.session_state.get(APPLIED, ""):
        apply_code()  # a drawing that came with a link
    code = st.session_state.get(CODE_KEY, "")
    try:
        cells = P.decode(code)
    except P.PointCodeError:
        cells = np.zeros((0, 2), np.uint8)  # apply_code has said why
    with st.expander(t("draw.title"), expanded=True):
        left, right = st.columns([1, 1])
        with left:
            _component()(data=_data(code, cells), key=KEY, on_cells_change=_on_cells)
        with right:
            _side(cells)


def _data(code: str, cells: np.ndarray) -> dict:
    labels = {k: t(f"draw.{k}") for k in ("brush", "small", "medium", "large", "clear",
                                           "count", "full")}
    return {"code": code, "cells": cells.ravel().tolist(), "n": st.session_state.get(SENT, 0),
            "size": SIZE, "grid": P.GRID, "max": P.MAX_POINTS, "brush": "medium",
            "brushes": BRUSHES, "labels": labels}


def _side(cells: np.ndarray) -> None:
    st.caption(t("draw.how"))
    if st.session_state.get(ERROR):
        st.error(t("draw.cannot", why=tr(st.session_state[ERROR])))
    using = C.points_in_use()
    if using:
        st.caption(t("draw.using", what=using))
    if len(cells):
        st.download_button(t("draw.download"), P.to_csv(P.cell_points(cells)),
                           file_name="drawn_points.csv", mime="text/csv",
                           key="pg_draw_download", on_click="ignore",
                           icon=":material/download:")

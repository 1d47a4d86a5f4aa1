"""The drawing's server side (ui.drawing): what the browser sends is checked, a drawing in
the session (as a link brings it) becomes the custom target through the CSV upload's
checks, and a bad one gets a message, not a traceback. The mouse part is
tests/test_browser_drawing.py."""
from __future__ import annotations

import numpy as np
import pytest
from test_playground_app import _stop_all, at  # noqa: F401  (the AppTest fixture)

from gan_core import pointcode as P
from ui import drawing


@pytest.mark.parametrize("value", [None, "1,2", [1, 2, 3], [1, 256], [1, -1], [1.5, 2],
                                   [0, 0] * (P.MAX_POINTS + 1), [True, 3][:1] * 2])
def test_cells_from_the_browser_are_checked(value):
    with pytest.raises(P.PointCodeError):
        drawing.cells_from_browser(value)


def test_cells_from_the_browser_as_pairs():
    got = drawing.cells_from_browser([0, 255, 10, 20])
    np.testing.assert_array_equal(got, [[0, 255], [10, 20]])
    assert got.dtype == np.uint8


def _ring_code(n: int = 60) -> str:
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return P.encode(P.quantise(np.stack([0.5 + 0.3 * np.cos(a), 0.5 + 0.3 * np.sin(a)], 1)))


def test_a_drawing_from_a_link_becomes_the_custom_target(at):  # noqa: F811
    code = _ring_code()
    at.selectbox(key="cfg_target").set_value("custom").run()
    at.session_state[drawing.CODE_KEY] = code
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    pts = at.session_state["pg_points"]
    np.testing.assert_allclose(pts, P.cell_points(P.decode(code)), atol=1e-6)
    assert any("Training on: drawn points, 60 points." in c.value for c in at.caption)
    from ui import session
    trainer = session.registry().get(at.session_state[session.RUN_KEY])
    np.testing.assert_allclose(trainer.run.points, pts, atol=1e-6)  # the run trains on it
    # the link keeps the drawing while it is in use, and drops it once an upload replaces it
    at.session_state["pg_csv_bytes"] = ("x,y\n" + "\n".join(f"{i},{i % 3}" for i in range(20))).encode()
    at.run()
    assert any("Training on: points.csv, 20 points." in c.value for c in at.caption)
    assert at.session_state[drawing.CODE_KEY] == code  # the drawing itself is kept
    _stop_all()


def test_a_damaged_or_tiny_drawing_gets_a_message(at):  # noqa: F811
    at.selectbox(key="cfg_target").set_value("custom").run()
    at.session_state[drawing.CODE_KEY] = "1***"
    at.run()
    assert not at.exception
    assert any("Cannot use this drawing" in e.value and "base64url" in e.value for e in at.error)
    at.session_state[drawing.CODE_KEY] = _ring_code(4)  # under the upload's 10 points
    at.run()
    assert not at.exception
    assert any("Cannot use this drawing" in e.value and "need at least 10" in e.value
               for e in at.error), [e.value for e in at.error]
    assert "pg_points" not in at.session_state  # nothing trains on a refused drawing


def test_link_code_only_while_the_drawing_is_in_use(monkeypatch):
    import streamlit as st
    state = {}
    monkeypatch.setattr(st, "session_state", state)
    assert drawing.link_code() is None
    state.update({drawing.IN_USE: ("1abc", "drawn points"), "pg_points_name": "drawn points"})
    assert drawing.link_code() == "1abc"
    state["pg_points_name"] = "points.csv"
    assert drawing.link_code() is None

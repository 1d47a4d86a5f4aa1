"""The Playground's status line says when a run waits in a worker's queue (issue #13)."""
from streamlit.testing.v1 import AppTest

from ui.i18n import LANG_KEY


def _status_script(queued: int, lang: str):
    def script():
        import streamlit as st

        from ui import run_buttons

        class Queued:
            def status(self):
                return {"state": "running", "step": 12, "steps_per_s": 0.0, "error": "",
                        "max_steps": 0, "queued": st.session_state["queued"]}

        st.session_state["pg_drawn_state"] = "running"
        run_buttons.status_panel(Queued())

    at = AppTest.from_function(script, default_timeout=30)
    at.session_state["queued"] = queued
    at.session_state[LANG_KEY] = lang
    return at.run()


def test_a_queued_run_shows_its_place_in_line():
    at = _status_script(3, "en")
    assert not at.exception
    assert "queued, #3 in line" in at.markdown[0].value
    assert any("yours starts as soon as" in c.value for c in at.caption)


def test_a_training_run_shows_no_queue():
    at = _status_script(0, "en")
    assert not at.exception
    assert "running" in at.markdown[0].value and "queued" not in at.markdown[0].value
    assert not at.caption


def test_the_queue_in_chinese():
    at = _status_script(2, "zh")
    assert not at.exception
    assert "排队中，第 2 位" in at.markdown[0].value

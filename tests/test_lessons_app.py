"""AppTest of the Lessons page: every lesson listed with its claims, in English and in
Chinese; "Start" loads the lesson's preset as the Playground's next run; a bad
`?lesson=` is refused with a message."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from gan_core import i18n
from gan_core import lesson_probes as LP
from gan_core import lessons as LS

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages/lessons.py")


def _page(**state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in state.items():
        at.session_state[k] = v
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.subheader]
    return "\n".join(parts + [c.value for c in at.caption])


def test_every_lesson_is_listed_with_its_claims():
    at = _page()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    for lesson in LS.LESSONS.values():
        assert i18n.text(lesson.key("title")) in text
        for claim in lesson.claims:
            assert i18n.text(lesson.key(claim.id)) in text
        assert at.button(key=f"gl_start_{lesson.id}")


def test_the_page_in_chinese():
    at = _page(gl_lang="zh")
    at.run()
    assert at.title[0].value == i18n.text("lessons.page.title", "zh")
    assert i18n.text("lessons.collapse.title", "zh") in _text(at)
    assert i18n.text("lessons.collapse.title", "en") not in _text(at)


def test_start_loads_the_lessons_preset_and_goes_to_the_playground(monkeypatch):
    import streamlit as st
    went = []
    monkeypatch.setattr(st, "switch_page", went.append)  # the page alone has no menu
    at = _page()
    at.run()
    at.button(key="gl_start_collapse").click().run()
    assert not at.exception, [e.value for e in at.exception]
    ss = at.session_state
    assert ss["gl_lesson"] == "collapse" and ss["gl_lesson_role"] == "main"
    assert ss["pg_config"] == LS.LESSONS["collapse"].config(seed=0)
    assert ss["pg_force_reset"] is True
    assert went == ["pages/playground.py"]


def test_a_lesson_from_the_link_is_selected_and_a_bad_one_refused():
    at = _page()
    at.query_params["lesson"] = "infogan"
    at.run()
    assert at.session_state["gl_lesson"] == "infogan"
    assert i18n.text("lessons.page.current", title=i18n.text("lessons.infogan.title")) in \
        [i.value for i in at.info]
    bad = _page()
    bad.query_params["lesson"] = "<script>"
    bad.run()
    assert "gl_lesson" not in bad.session_state
    assert any("<script>" in w.value for w in bad.warning)


def test_a_linked_lesson_on_another_run_asks_to_start_and_then_watches_its_claims():
    from ui import session
    session.registry().clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lesson"] = "collapse"
    at.run()  # a first visit: the Playground opens the pretrained spiral
    try:
        assert not at.exception, [e.value for e in at.exception]
        assert at.session_state["gl_lesson"] == "collapse"
        assert i18n.text("lessons.panel.other_run") in [w.value for w in at.warning]
        assert "watching for" not in _text(at)
        assert all(tr.row_probe is None for _, tr in session.registry().items())
        at.button(key="gl_lesson_restart").click().run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.session_state["pg_config"] == LS.LESSONS["collapse"].config(seed=0)
        assert _text(at).count("watching for") == 2  # the run is the lesson's: both claims, pending
        # its rows are probed by the training thread, one at least every PROBE_EVERY steps
        ours = [tr for _, tr in session.registry().items() if tr.cfg == at.session_state["pg_config"]]
        assert ours and all(tr.row_probe and tr.detect_every_steps == LP.PROBE_EVERY for tr in ours)
    finally:
        session.registry().clear()


def test_a_lesson_not_tuned_or_not_measured_says_so(monkeypatch):
    import dataclasses
    lessons = dict(LS.LESSONS)
    lessons["collapse"] = dataclasses.replace(lessons["collapse"], tuned=False)
    lessons["fix"] = dataclasses.replace(lessons["fix"], tuned=None)
    monkeypatch.setattr(LS, "LESSONS", lessons)
    at = _page()
    at.run()
    untuned = sum(lesson.tuned is False for lesson in lessons.values())  # any shipped so too
    assert [w.value for w in at.warning] == [i18n.text("lessons.page.untuned")] * untuned
    assert i18n.text("lessons.page.unmeasured") in [i.value for i in at.info]

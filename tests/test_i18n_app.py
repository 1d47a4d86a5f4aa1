"""The language switch on the Playground (AppTest, in-process): ?lang=zh opens it in
Chinese, a switch changes labels only (the widget keys, the settings and the run stay),
and the URL follows while other query parameters survive."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_helpers import open_settings

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def at():
    import streamlit as st

    from ui import session
    session.registry().clear()
    st.cache_resource.clear()
    app = AppTest.from_file(APP, default_timeout=120)
    open_settings(app)
    yield app
    session.registry().clear()


def _param(app, name: str):
    """A query parameter as one string (AppTest keeps the test's own as lists)."""
    value = app.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def _texts(app) -> str:
    return " ".join([*(m.value for m in app.markdown), *(c.value for c in app.caption),
                     *(b.label for b in app.button), *(t.value for t in app.title)])


def test_a_chinese_link_opens_in_chinese_and_keeps_other_params(at):
    at.query_params["lang"] = "zh"
    at.query_params["seed"] = "7"  # a Playground link's setting (unknown keys are refused)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["gl_lang"] == "zh"
    assert at.title[0].value == "GAN Levers · 实验场"
    assert at.button(key="pg_reset").label == "重置"
    assert at.selectbox(key="cfg_variant").label == "GAN 变体"
    assert len(CJK.findall(_texts(at))) > 200  # the page reads in Chinese, not one label
    assert _param(at, "lang") == "zh" and _param(at, "seed") == "7"


def test_switching_language_keeps_the_run_and_the_settings(at):
    at.run()
    assert at.title[0].value == "GAN Levers · Playground" and "lang" not in at.query_params
    at.number_input(key="cfg_seed").set_value(7).run()
    assert at.button(key="pg_confirm").label == "Reset with the new settings"  # a new seed asks
    run_id, config = at.session_state["gl_run_id"], at.session_state["pg_config"]
    assert config.seed == 7
    at.segmented_control(key="gl_lang_pick").set_value("zh").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "GAN Levers · 实验场"
    assert _param(at, "lang") == "zh"
    assert at.session_state["gl_run_id"] == run_id  # the same run
    assert at.session_state["pg_config"] == config  # the same settings
    assert at.number_input(key="cfg_seed").value == 7
    assert at.number_input(key="cfg_seed").label == "随机种子"
    assert at.button(key="pg_confirm").label == "用新设置重置"  # the open question stays too
    at.segmented_control(key="gl_lang_pick").set_value("en").run()
    assert at.title[0].value == "GAN Levers · Playground" and "lang" not in at.query_params
    assert at.session_state["gl_run_id"] == run_id and at.number_input(key="cfg_seed").value == 7


def test_an_unknown_language_falls_back_to_english(at):
    at.query_params["lang"] = "xx"
    at.run()
    assert not at.exception
    assert at.title[0].value == "GAN Levers · Playground"

"""AppTest of the Playground's link (ui/playground_link.py, ui/projector.py): a link's setup
is restored ready to train, its bad values are refused one by one while the rest applies,
and the URL follows the user's changes."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_helpers import open_settings

from gan_core.variants import config_for

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _stop_all():
    from ui import session
    session.registry().clear()


def _open(params: dict) -> AppTest:
    import streamlit as st
    st.cache_resource.clear()
    app = AppTest.from_file(APP, default_timeout=120)
    open_settings(app)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.fixture(autouse=True)
def _clean():
    _stop_all()
    yield
    _stop_all()


def _warnings(app) -> str:
    return "\n".join(w.value for w in app.warning)


def _opened_pretrained(app) -> bool:
    opened = app.session_state["pg_opened"] if "pg_opened" in app.session_state else None
    return bool(opened) and getattr(opened[4], "key", None) == "run_control.pretrained"


def test_a_hostile_link_is_refused_field_by_field_and_the_rest_applies():
    app = _open({"target": "ring8", "variant": "wgan_gp", "lr_g": "nan", "seed": "7",
                 "batch_size": "1e9", "spectral_norm": "1", "g_width": "9" * 40,
                 "evil<key>": "1", "lv": "0.5,abc,-1", "projector": "maybe", "lesson": "collapse",
                 "lang": "zh"})
    cfg = app.session_state["pg_config"]
    assert (cfg.target, cfg.variant, cfg.seed, cfg.spectral_norm) == ("ring8", "wgan_gp", 7, True)
    defaults = config_for("wgan_gp")
    assert (cfg.lr_g, cfg.batch_size, cfg.g_width) == (defaults.lr_g, defaults.batch_size, defaults.g_width)
    text = _warnings(app)
    for field in ("lr\\_g", "batch\\_size", "g\\_width", "evil\\<key\\>", "projector"):
        assert f"**{field}**" in text, (field, text)
    # the link asks for Chinese, so the messages are in Chinese: checked by their values
    assert "**lv**" in text and "“abc”" in text
    assert app.selectbox(key="cfg_target").value == "ring8"
    assert app.selectbox(key="cfg_variant").value == "wgan_gp"
    assert app.checkbox(key="cfg_spectral_norm").value is True
    assert (app.session_state["pg_lv_0"], app.session_state["pg_lv_2"]) == (0.5, -1.0)
    assert app.session_state["gl_lesson"] == "collapse"
    assert len(app.success) == 1  # what was restored
    # ready to train: a fresh run at step 0 with the link's config, not the pretrained model
    assert not _opened_pretrained(app)
    # The URL now holds the setup as applied: the refused values and keys are gone (a bad
    # projector value after one more run: it stays one run, for the link's check to name it).
    app.run()
    params = dict(app.query_params)
    assert params["seed"] == "7" and params["lang"] == "zh"
    assert not {"lr_g", "batch_size", "g_width", "evil<key>", "projector"} & params.keys(), params
    app.button(key="pg_link_dismiss").click().run()
    # what stays is the lesson panel's own note (this setup is not the lesson's), no refusal
    assert not app.success and all("**" not in w.value for w in app.warning)


def test_a_link_with_only_the_language_still_opens_the_pretrained_model():
    app = _open({"lang": "zh"})
    assert _opened_pretrained(app)
    assert not any("link" in w.value for w in app.warning) and not app.success
    # ...and the URL then holds that model's setup, the language kept
    assert app.query_params["target"] in ("spiral", ["spiral"])
    assert app.query_params["lang"] in ("zh", ["zh"])


def test_the_url_follows_the_settings_and_the_projector_toggle():
    app = _open({"target": "spiral", "variant": "nsgan"})
    assert "seed" not in app.query_params
    app.number_input(key="cfg_seed").set_value(42).run()
    assert app.query_params["seed"] in ("42", ["42"])
    app.number_input(key="cfg_seed").set_value(0).run()  # back to the default: out of the URL
    assert "seed" not in app.query_params
    app.toggle(key="gl_projector").set_value(True).run()
    assert app.query_params["projector"] in ("1", ["1"])
    app.toggle(key="gl_projector").set_value(False).run()
    assert "projector" not in app.query_params


def test_a_class_this_generator_lacks_is_refused_next_to_the_levers():
    app = _open({"target": "ring8", "variant": "cgan", "lvc": "12", "lv": "0.5"})
    assert "**lvc**: refused, 12" in _warnings(app)
    assert app.session_state["pg_lv_class"] in (0, None)
    app2 = _open({"target": "ring8", "variant": "cgan", "lvc": "5"})
    assert app2.session_state["pg_lv_class"] == 5
    assert app2.query_params["lvc"] in ("5", ["5"])


def test_levers_follow_into_the_url_and_out_of_range_values_are_said():
    app = _open({"target": "spiral", "variant": "nsgan", "prior": "uniform", "lv": "2.5,0.5"})
    assert "outside this generator's range [-1, 1]" in _warnings(app)
    assert app.session_state["pg_lv_0"] == 1.0  # moved to the edge, not dropped
    assert app.query_params["lv"] in ("1,0.5", ["1,0.5"])
    app.slider(key="pg_lv_1").set_value(-0.25).run()
    assert app.query_params["lv"] in ("1,-0.25", ["1,-0.25"])

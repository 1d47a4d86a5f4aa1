"""AppTest (in-process) tests of the Playground page. Timers do not fire in AppTest,
so each `run()` is one tick. Note: AppTest has no file_uploader support, so the bad-CSV
test injects the raw bytes through `st.session_state["pg_csv_bytes"]`, which the
sidebar feeds through exactly the same validation and error path as an upload."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_helpers import open_settings

from gan_core.variants import config_for

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def at():
    import streamlit as st
    _stop_all()
    st.cache_resource.clear()  # AppTest instances share the server-wide caches: start clean
    app = AppTest.from_file(APP, default_timeout=120)
    open_settings(app)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    yield app
    _stop_all()


def _step(app) -> int:
    for m in app.markdown:
        if m.value.startswith("**step "):
            return int(m.value.split()[1].strip("*").replace(",", ""))
    return -1


def _stop_all():
    from ui import session
    session.registry().clear()


def test_first_visit_opens_the_pretrained_spiral(at):
    from gan_core import zoo
    info = zoo.entries()[zoo.FIRST_PAGE]
    assert _step(at) == info["steps"] > 0
    assert any(i.value.startswith("**Pretrained: spiral") for i in at.info)
    assert at.selectbox(key="cfg_target").value == "spiral"
    assert at.selectbox(key="cfg_prior").value == info["config"]["prior"]
    at.button(key="pg_reset").click().run()  # fresh weights, same settings
    assert _step(at) == 0
    assert not any(i.value.startswith("**Pretrained") for i in at.info)


def test_open_a_pretrained_model_from_the_sidebar(at):
    at.selectbox(key="pg_zoo_pick").set_value("ring8__wgan_gp").run()
    at.button(key="pg_zoo_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="cfg_target").value == "ring8"
    assert at.selectbox(key="cfg_variant").value == "wgan_gp"
    assert _step(at) > 0
    assert any("ring8 · wgan_gp" in i.value for i in at.info)


def test_train_spiral_nsgan_steps_grow(at):
    at.selectbox(key="cfg_target").set_value("spiral").run()
    at.selectbox(key="cfg_variant").set_value("nsgan").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _step(at) >= 0
    at.button(key="pg_train").click().run()
    first = _step(at)
    time.sleep(1.0)
    at.run()
    second = _step(at)
    assert second > first >= 0, (first, second)
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="pg_train").click().run()  # pause
    _stop_all()


def test_one_lever_per_latent_dim(at):
    for dim in (2, 5):
        at.number_input(key="cfg_latent_dim").set_value(dim).run()
        assert not at.exception, [e.value for e in at.exception]
        confirm = [b for b in at.button if b.key == "pg_confirm"]
        if confirm:  # the first page opens a trained model: a new structure asks first
            confirm[0].click().run()
        levers = [s for s in at.slider if s.key and s.key.startswith("pg_lv_")]
        assert len(levers) == dim
    _stop_all()


def test_variant_change_applies_its_defaults(at):
    at.selectbox(key="cfg_variant").set_value("wgan_gp").run()
    assert at.number_input(key="cfg_k_d").value == 5
    assert at.number_input(key="cfg_gp_lambda").value == config_for("wgan_gp").gp_lambda
    at.selectbox(key="cfg_variant").set_value("nsgan").run()
    assert at.number_input(key="cfg_k_d").value == 1
    _stop_all()


def test_live_change_applies_without_reset(at):
    from ui import session
    at.button(key="pg_step_both").click().run()
    trainer = next(t for _, t in session.registry().items() if t.state != "stopped")
    end = time.time() + 20
    while trainer.status()["step"] < 1 and time.time() < end:
        time.sleep(0.1)
    at.run()
    assert trainer.status()["step"] >= 1
    at.select_slider(key="cfg_lr_g").set_value(1e-3).run()
    assert trainer.cfg.lr_g == 1e-3
    assert trainer.status()["step"] >= 1  # not reset
    # a structural change after training has begun asks first
    at.number_input(key="cfg_g_depth").set_value(4).run()
    assert at.button(key="pg_confirm") is not None
    # what differs, without saying the user changed fields a new variant changed for them
    asked = [w.value for w in at.warning if "need" in w.value and "fresh run" in w.value]
    assert asked and "**g_depth**" in asked[0] and "You changed" not in asked[0], asked
    assert trainer.cfg.g_depth != 4
    at.button(key="pg_confirm").click().run()
    assert trainer.cfg.g_depth == 4 and trainer.status()["step"] == 0
    _stop_all()


def test_bad_csv_shows_error(at):
    at.selectbox(key="cfg_target").set_value("custom").run()
    at.session_state["pg_csv_bytes"] = b"x,y\n1,2,3\n4,5\n"
    at.run()
    errors = [e.value for e in at.sidebar.error]
    assert any("Cannot use points.csv:" in e and "columns" in e for e in errors), errors
    assert not at.exception


def test_good_csv_builds_a_custom_run(at):
    at.selectbox(key="cfg_target").set_value("custom").run()
    rows = "\n".join(f"{i % 7},{(i * 3) % 5}" for i in range(50))
    at.session_state["pg_csv_bytes"] = ("x,y\n" + rows).encode()
    at.run()
    assert not at.sidebar.error
    assert not at.exception, [e.value for e in at.exception]
    assert any("Using: points.csv, 50 points" in c.value for c in at.sidebar.caption)
    _stop_all()


def test_preset_collapse_loads_ring8(at):
    at.button(key="preset_Mode collapse on ring8").click().run()
    assert at.selectbox(key="cfg_target").value == "ring8"
    assert at.selectbox(key="cfg_variant").value == "nsgan"
    at.button(key="preset_WGAN-GP fixes it").click().run()
    assert at.selectbox(key="cfg_variant").value == "wgan_gp"
    assert not at.exception
    _stop_all()


def test_diagnostics_counts_threads(at):
    assert any(m.value.startswith("diag-threads=") for m in at.caption)


# --------------------------------------------------------------------------- the session's Config
def _config(app):
    return app.session_state["pg_config"]


def _live_trainer():
    from ui import session
    return next(t for _, t in session.registry().items() if t.state != "stopped")


def test_a_widget_changes_the_session_config_and_only_it(at):
    before = _config(at)
    lr = 2e-3 if before.lr_g == 1e-3 else 1e-3
    at.select_slider(key="cfg_lr_g").set_value(lr).run()
    assert _config(at) == before.replace(lr_g=lr)
    assert isinstance(_config(at).lr_g, float)
    assert "pg_hidden" not in at.session_state  # no second store of the settings
    assert _live_trainer().cfg == _config(at)  # a live field: the run follows at once


def test_keeping_the_run_puts_its_config_back_in_the_widgets(at):
    kept = _live_trainer().cfg  # the first visit opens a trained model: a new width asks
    width = 64 if kept.g_width != 64 else 32
    at.select_slider(key="cfg_g_width").set_value(width).run()
    assert _config(at) == kept.replace(g_width=width)
    assert _live_trainer().cfg == kept
    at.button(key="pg_keep").click().run()
    assert _config(at) == kept
    assert at.select_slider(key="cfg_g_width").value == kept.g_width


def test_a_preset_replaces_the_session_config(at):
    from gan_core.presets import PRESETS
    name = "Mode collapse on ring8"
    at.select_slider(key="cfg_lr_d").set_value(1e-2).run()
    at.button(key=f"preset_{name}").click().run()
    assert _config(at) == PRESETS[name].config() == _live_trainer().cfg
    assert at.select_slider(key="cfg_lr_d").value == PRESETS[name].config().lr_d
    assert _step(at) == 0  # a fresh run, no question asked
    assert not [b for b in at.button if b.key == "pg_confirm"]


class _FakeTrainer:
    def __init__(self, cfg):
        self.cfg, self.started, self.run = cfg, False, object()

    def status(self):
        return {"state": "running", "step": 500}

    def reset(self, cfg, points=None):
        self.cfg, self.run = cfg, object()

    def start(self):
        self.started = True


def test_a_remedy_changes_the_session_config(monkeypatch):
    import streamlit as st

    from ui import run_control as R
    cfg = config_for("nsgan", target="ring8")
    state = {"pg_config": cfg}
    monkeypatch.setattr(st, "session_state", state)
    trainer = _FakeTrainer(cfg)
    R.apply_remedy(trainer, {"label_smoothing": 0.1})
    assert state["pg_config"] == cfg.replace(label_smoothing=0.1) == trainer.cfg
    assert trainer.started and state["pg_need_full_rerun"]


def test_a_config_set_elsewhere_shows_in_the_widgets(at):
    """What a remedy or an opened model does to the session's Config, the widgets show."""
    at.session_state["pg_config"] = _config(at).replace(label_smoothing=0.1, d_depth=2)
    at.run()
    assert at.slider(key="cfg_label_smoothing").value == 0.1
    assert at.number_input(key="cfg_d_depth").value == 2


def test_the_optimiser_widgets_keep_their_places_with_or_without_a_decay(at):
    """One caption either way. A second one that came and went moved the kD/kG pair by one
    place, and the browser could then show the old pair beside the new for a moment."""
    from gan_core.i18n import text
    shapes, notes = [], []
    for steps in (20_000, 0):
        at.session_state["pg_config"] = _config(at).replace(lr_decay_steps=steps)
        at.run()
        box = next(e for e in at.sidebar.expander if e.label == text("controls.optimiser.live", "en"))
        shapes.append([type(child).__name__ for child in box.children.values()])
        notes.append([c.value for c in box.caption])
    assert shapes[0] == shapes[1]
    assert len(notes[0]) == len(notes[1]) == 1
    assert "20,000" in notes[0][0] and "20,000" not in notes[1][0]


def test_press_train_is_not_said_once_the_run_trains(at, monkeypatch):
    """The banner is outside the live fragments: drawn by the rerun Train makes, while the
    newest snapshot is still step 0, it stayed up all through training."""
    from ui import session
    at.button(key="pg_reset").click().run()
    assert [i for i in at.info if i.value.startswith("**Press Train.**")]
    trainer = next(t for _, t in session.registry().items() if t.state != "stopped")
    status = trainer.status
    monkeypatch.setattr(trainer, "status", lambda: {**status(), "state": "running"})
    at.run()  # running, and the newest snapshot still at step 0, as just after Train
    assert trainer.latest().step == 0
    assert not [i for i in at.info if i.value.startswith("**Press Train.**")]
    _stop_all()


def test_the_config_survives_a_visit_to_another_page(at):
    at.selectbox(key="cfg_variant").set_value("wgan_gp").run()
    at.select_slider(key="cfg_lr_d").set_value(1e-3).run()
    before = _config(at)
    for path in ("pages/levers.py", "pages/playground.py"):
        at.switch_page(path).run()
        assert not at.exception, [e.value for e in at.exception]
    assert _config(at) == before
    assert at.selectbox(key="cfg_variant").value == "wgan_gp"
    assert at.select_slider(key="cfg_lr_d").value == 1e-3
    _stop_all()


# --------------------------------------------------------------------------- the run's owner
def test_the_run_outlives_the_session_caches(at):
    """A websocket reconnect releases every session-scoped cache and keeps the session
    state (issue #13): the run, found by the id in the state, must be the same one."""
    import streamlit as st

    from ui import session
    run_id = at.session_state[session.RUN_KEY]
    trainer = session.registry().get(run_id)
    at.button(key="pg_step_both").click().run()
    assert trainer.wait_steps(trainer.status()["step"] + 1, timeout=20) > 0
    step = trainer.status()["step"]
    st.cache_resource.clear()  # what Streamlit does to a session's caches on a disconnect
    at.run()
    assert at.session_state[session.RUN_KEY] == run_id
    assert session.registry().get(run_id) is trainer and _step(at) == step


def test_a_full_server_says_so_and_builds_nothing(monkeypatch):
    from ui import session
    reg = session.registry()
    reg.clear()
    monkeypatch.setattr(reg, "cap", 0)
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("The server is full" in w.value for w in app.warning), [w.value for w in app.warning]
    assert "maximum of 0 runs" in app.warning[0].value and len(reg) == 0
    app.run()  # and again on the next rerun: no hang, no traceback, still nothing built
    assert not app.exception and len(reg) == 0


def test_a_freed_run_is_replaced_and_the_page_says_why(at, monkeypatch):
    from ui import session
    reg = session.registry()
    run_id = at.session_state[session.RUN_KEY]
    monkeypatch.setattr(reg, "grace", -1.0)  # every run is past its grace period now
    monkeypatch.setattr(reg, "in_view", lambda viewers: False)  # and its tab is gone
    assert run_id in reg.reap()
    monkeypatch.setattr(reg, "grace", 600.0)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[session.RUN_KEY] != run_id and reg.get(at.session_state[session.RUN_KEY])
    assert any("earlier run was freed" in i.value for i in at.info), [i.value for i in at.info]


def test_a_first_visit_is_one_run(monkeypatch):
    """Nothing on a newly opened Playground asks for a second full run: the selection a
    newly opened model clears is drawn by the run that cleared it (it used to rerun the
    page, so the browser got and drew every element twice)."""
    import streamlit as st
    calls, real = [], st.rerun

    def counting_rerun(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    _stop_all()
    st.cache_resource.clear()
    monkeypatch.setattr(st, "rerun", counting_rerun)
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception, [e.value for e in app.exception]
    assert _step(app) > 0
    assert calls == []
    _stop_all()


def _drawn(app, kind: str, key: str) -> bool:
    return any(getattr(w, "key", None) == key for w in getattr(app, kind))


def _show(app, *expanders: str, shown: bool = True) -> None:
    for key in expanders:
        app.session_state[key] = shown
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def test_closed_settings_draw_nothing_and_keep_their_values():
    """A closed settings expander sends none of its widgets (a new visitor's browser draws
    about 40 fewer elements); what they show comes back when it opens: a value set in it,
    a preset chosen while it was shut, and the display switches, which live only in
    session state meanwhile."""
    _stop_all()
    app = AppTest.from_file(APP, default_timeout=120).run()
    assert not app.exception, [e.value for e in app.exception]
    for kind, key in (("number_input", "cfg_seed"), ("checkbox", "cfg_spectral_norm"),
                      ("toggle", "pg_show_field"), ("selectbox", "pg_zoo_pick")):
        assert not _drawn(app, kind, key), key
    assert _drawn(app, "select_slider", "cfg_lr_g")  # the optimiser's is open at first

    _show(app, "pg_exp_networks", "pg_exp_display")
    app.number_input(key="cfg_seed").set_value(7).run()
    app.toggle(key="pg_show_field").set_value(False).run()
    _show(app, "pg_exp_networks", "pg_exp_display", shown=False)
    assert not _drawn(app, "number_input", "cfg_seed")
    assert app.session_state["pg_config"].seed == 7
    assert app.session_state["pg_show_field"] is False

    app.button(key="preset_Mode collapse on ring8").click().run()  # g_width 128 -> 32
    chosen = app.session_state["pg_config"]
    assert chosen.g_width == 32
    _show(app, "pg_exp_networks", "pg_exp_display")
    assert app.number_input(key="cfg_seed").value == chosen.seed
    assert app.select_slider(key="cfg_g_width").value == 32
    assert app.toggle(key="pg_show_field").value is False
    _stop_all()

"""AppTest of the Playground's Save run / Open a run and of Reset's question. AppTest
has no file uploads: a test puts (name, bytes) in `pg_run_bytes`, which the sidebar sends
through the uploader's own path (ui.run_files.open_run)."""
from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app_helpers import open_settings

from gan_core import checkpoints
from test_playground_app import APP, _step, _stop_all


@pytest.fixture
def at():
    import streamlit as st
    _stop_all()
    st.cache_resource.clear()
    app = AppTest.from_file(APP, default_timeout=120)
    open_settings(app)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    yield app
    _stop_all()


def _trainer():
    from ui import session
    return next(t for _, t in session.registry().items() if t.state != "stopped")


def _train(app, trainer, steps: int) -> int:
    """Train `steps` more steps, pause, and redraw the page."""
    goal = trainer.status()["step"] + steps
    trainer.set_budget(goal)  # the Trainer pauses itself there
    trainer.start()
    trainer.wait_steps(goal, timeout=120)
    trainer.pause()
    app.run()
    return trainer.status()["step"]


def _eval_samples(trainer) -> np.ndarray:
    return trainer.with_models(lambda run: run.generate(run.eval_latent()))


def test_a_saved_run_opens_at_its_step_with_its_samples_and_trains_on(at):
    from ui import run_files
    trainer = _trainer()
    step = _train(at, trainer, 40)
    saved, data = _eval_samples(trainer), run_files.run_bytes(trainer)
    at.button(key="pg_reset").click().run()  # 40 steps: no question asked
    assert _step(at) == 0
    assert not np.array_equal(_eval_samples(trainer), saved)
    at.session_state["pg_run_bytes"] = ("mine.safetensors", data)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _step(at) == step and trainer.status()["state"] != "running"
    assert np.array_equal(_eval_samples(trainer), saved)
    assert any(i.value.startswith("**Opened: mine.safetensors") for i in at.info)
    assert _train(at, trainer, 5) == step + 5


def test_a_bad_file_is_refused_plainly_and_the_run_is_kept(at):
    before = _step(at)
    at.session_state["pg_run_bytes"] = ("notes.safetensors", b"definitely not a checkpoint")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.sidebar.error]
    assert any(e.startswith("Cannot open notes.safetensors:") for e in errors), errors
    assert not any("Traceback" in e for e in errors)
    assert _step(at) == before
    for path in ("pages/levers.py", "pages/playground.py"):  # the uploader comes back empty
        at.switch_page(path).run()
    assert not [e.value for e in at.sidebar.error if e.value.startswith("Cannot open")]


def test_an_oversized_file_is_refused_with_its_size():
    from ui.run_files import MAX_RUN_MB
    from ui.widgets import size_problem
    assert size_problem("big.safetensors", MAX_RUN_MB * 1_000_000, MAX_RUN_MB) == ""
    msg = size_problem("big.safetensors", 123_400_000, MAX_RUN_MB)
    assert msg == f"big.safetensors is 123.4 MB; the limit is {MAX_RUN_MB} MB."


def test_reset_asks_before_discarding_hundreds_of_steps(at):
    from ui.run_files import ASK_ABOVE
    trainer = _trainer()
    step = _train(at, trainer, ASK_ABOVE + 50)
    at.button(key="pg_reset").click().run()
    assert _step(at) == step  # nothing thrown away yet
    asked = [w.value for w in at.warning if "Reset throws away" in w.value]
    assert asked and f"{ASK_ABOVE + 50:,} steps" in asked[0], asked
    at.button(key="pg_discard_keep").click().run()
    assert _step(at) == step
    assert not [w for w in at.warning if "Reset throws away" in w.value]
    at.button(key="pg_reset").click().run()
    at.button(key="pg_discard_confirm").click().run()
    assert _step(at) == 0
    assert not [w for w in at.warning if "Reset throws away" in w.value]


def test_a_bad_file_is_refused_without_asking_to_discard_the_run(at):
    """Past ASK_ABOVE steps a good file asks first; a bad one is refused at once, rather
    than asking whether to throw the run away for a file that then cannot be opened."""
    from ui.run_files import ASK_ABOVE
    trainer = _trainer()
    step = _train(at, trainer, ASK_ABOVE + 20)
    at.session_state["pg_run_bytes"] = ("notes.safetensors", b"definitely not a checkpoint")
    at.run()
    assert not [w for w in at.warning if "throws away" in w.value]
    assert any(e.value.startswith("Cannot open notes.safetensors:") for e in at.sidebar.error)
    assert _step(at) == step


def test_a_preset_asks_before_discarding_hundreds_of_steps(at):
    from ui.run_files import ASK_ABOVE
    trainer = _trainer()
    step = _train(at, trainer, ASK_ABOVE + 20)
    at.button(key="preset_Mode collapse on ring8").click().run()
    asked = [w.value for w in at.warning if "throws away" in w.value]
    assert len(asked) == 1 and asked[0].startswith("The preset “Mode collapse on ring8”"), asked
    assert _step(at) == step and trainer.cfg.target != "ring8"
    at.button(key="pg_discard_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert trainer.cfg.target == "ring8" and _step(at) == 0


def test_a_remedy_asks_beside_its_button_before_discarding_hundreds_of_steps(at):
    """The question a remedy leaves (ui.run_files.remedy) is drawn in the detector panel,
    where its button was, not at the top of the page; confirmed, the remedy is applied."""
    from gan_core.i18n import Msg
    from ui.run_files import ASK_ABOVE, PENDING
    trainer = _trainer()
    step = _train(at, trainer, ASK_ABOVE + 20)
    label = Msg("detector.remedy.pacgan")
    at.session_state[PENDING] = (Msg("run_files.remedy_what", label=label), "remedy", "remedy",
                                 ({"label_smoothing": 0.1}, label))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    asked = [w.value for w in at.warning if "throws away" in w.value]
    assert len(asked) == 1 and asked[0].startswith("The remedy “"), asked
    assert f"{ASK_ABOVE + 20:,} steps" in asked[0]
    assert at.button(key="pg_discard_confirm").label == "Apply remedy"
    assert _step(at) == step
    at.button(key="pg_discard_confirm").click().run()
    assert _step(at) == 0 and trainer.cfg.label_smoothing == 0.1
    assert not [w for w in at.warning if "throws away" in w.value]


def test_a_remedy_on_a_young_run_is_applied_at_once(monkeypatch):
    import streamlit as st

    from ui import run_files
    from ui import session as S
    calls = []
    monkeypatch.setattr(st, "session_state", {})
    monkeypatch.setattr(run_files, "steps_at_stake", lambda trainer: run_files.ASK_ABOVE)
    monkeypatch.setattr(S, "get_trainer", lambda: "the trainer")
    import ui.run_control as R
    monkeypatch.setattr(R, "apply_remedy", lambda *args: calls.append(args))
    run_files.remedy({"g_width": 256}, "Wider generator")
    assert calls == [("the trainer", {"g_width": 256}, "Wider generator")]
    monkeypatch.setattr(run_files, "steps_at_stake", lambda trainer: run_files.ASK_ABOVE + 1)
    run_files.remedy({"g_width": 256}, "Wider generator")
    assert len(calls) == 1 and st.session_state[run_files.PENDING][2] == "remedy"


def test_the_saved_file_holds_what_training_on_needs(at):
    from ui import run_files
    trainer = _trainer()
    _train(at, trainer, 10)
    ckpt = checkpoints.from_bytes(run_files.run_bytes(trainer))
    assert ckpt.step == trainer.status()["step"] and ckpt.config == trainer.cfg
    assert ckpt.train_state["tensors"] and len(ckpt.history["rows"]) >= 10


def test_a_remedy_says_what_changed_and_that_the_run_restarted(at, monkeypatch):
    """A collapse alert's remedy button: afterwards the page names the change and the restart,
    and says it again on the next rerun (not just in a toast)."""
    from gan_core.detector import Alert, Remedy
    trainer = _trainer()
    step = _train(at, trainer, 20)
    remedy = Remedy("Switch to WGAN-GP", {"variant": "wgan_gp", "k_d": 5})
    trainer.latest().alerts.append(Alert("collapse", "warning", "Mode collapse", "…",
                                         [remedy], step))
    at.run()
    at.button(key="pg_remedy_collapse_0").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert trainer.cfg.variant == "wgan_gp" and trainer.status()["step"] < step
    for _ in range(2):  # the rerun the remedy asks for, then any later one
        notes = [i.value for i in at.info if i.value.startswith("**Remedy: Switch to WGAN-GP.**")]
        assert notes and "variant = wgan_gp" in notes[0] and "restarted from step 0" in notes[0]
        assert f"stopped at step {step:,}" in notes[0]
        at.run()
    assert at.selectbox(key="cfg_variant").value == "wgan_gp"
    from ui import run_control
    monkeypatch.setattr(run_control, "NOTE_STEPS", 30)  # 500 wgan_gp steps took 7 s
    _train(at, trainer, 40)  # old news by then: the note goes
    assert not [i for i in at.info if i.value.startswith("**Remedy:")]


def test_a_remedy_button_past_hundreds_of_steps_asks_first(at):
    """The button itself, not only the question: past ASK_ABOVE steps it leaves the run."""
    from gan_core.detector import Alert, Remedy
    from ui.run_files import ASK_ABOVE
    trainer = _trainer()
    step = _train(at, trainer, ASK_ABOVE + 20)
    remedy = Remedy("Switch to WGAN-GP", {"variant": "wgan_gp"})
    trainer.latest().alerts.append(Alert("collapse", "warning", "Mode collapse", "…",
                                         [remedy], step))
    at.run()
    at.button(key="pg_remedy_collapse_0").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert trainer.cfg.variant != "wgan_gp" and _step(at) == step
    assert [w for w in at.warning if w.value.startswith("The remedy “Switch to WGAN-GP”")]


def _custom(app, data: bytes) -> None:
    app.selectbox(key="cfg_target").set_value("custom").run()
    app.session_state["pg_csv_bytes"] = data
    app.run()


def _sidebar_texts(app) -> list[str]:
    return [e.value for e in app.sidebar.error] + [c.value for c in app.sidebar.caption]


def test_a_csv_over_the_limit_says_so_on_the_page(at):
    from ui.controls import MAX_UPLOAD_MB
    big = b"x,y\n" + b"1.000000,2.000000\n" * (MAX_UPLOAD_MB * 1_000_000 // 18 + 10)
    _custom(at, big)
    errors = [e.value for e in at.sidebar.error]
    assert any(f"the limit is {MAX_UPLOAD_MB} MB" in e for e in errors), errors


def test_a_stale_csv_error_goes_and_the_points_in_use_are_named(at):
    rows = "\n".join(f"{i % 7},{(i * 3) % 5}" for i in range(40))
    _custom(at, ("x,y\n" + rows).encode())
    assert any("Using: points.csv, 40 points." == t for t in _sidebar_texts(at))
    at.session_state["pg_csv_bytes"] = b"x,y\n1,2,3\n"
    at.run()  # a bad file: its error, and the good points still in use, both said
    texts = _sidebar_texts(at)
    assert any(t.startswith("Cannot use points.csv:") for t in texts), texts
    assert "Still using: points.csv, 40 points." in texts
    for path in ("pages/levers.py", "pages/playground.py"):  # the uploader comes back empty
        at.switch_page(path).run()
    texts = _sidebar_texts(at)
    assert not any(t.startswith("Cannot use") for t in texts), texts
    assert "Using: points.csv, 40 points." in texts


def _csv(n: int) -> bytes:
    return ("x,y\n" + "\n".join(f"{i % 7},{(i * 3) % 5}" for i in range(n))).encode()


def test_new_points_ask_before_discarding_hundreds_of_steps(at):
    from ui.run_files import ASK_ABOVE
    _custom(at, _csv(40))
    trainer = _trainer()
    step = _train(at, trainer, ASK_ABOVE + 20)
    at.session_state["pg_csv_bytes"] = _csv(60)
    at.run()
    asked = [w.value for w in at.warning if "throws away" in w.value]
    assert len(asked) == 1 and asked[0].startswith("Training on points.csv throws away"), asked
    assert _step(at) == step and "Using: points.csv, 40 points." in _sidebar_texts(at)
    at.button(key="pg_discard_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _step(at) == 0 and "Using: points.csv, 60 points." in _sidebar_texts(at)


def _ring_code(n: int) -> str:
    from gan_core import pointcode as P
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return P.encode(P.quantise(np.stack([0.5 + 0.3 * np.cos(a), 0.5 + 0.3 * np.sin(a)], 1)))


def test_a_new_drawing_asks_and_kept_puts_the_drawing_in_use_back(at):
    from ui import drawing
    from ui.run_files import ASK_ABOVE
    first, second = _ring_code(60), _ring_code(90)
    at.selectbox(key="cfg_target").set_value("custom").run()
    at.session_state[drawing.CODE_KEY] = first
    at.run()  # a young run: the drawing is used at once
    assert len(at.session_state["pg_points"]) == 60
    trainer = _trainer()
    step = _train(at, trainer, ASK_ABOVE + 20)
    at.session_state[drawing.CODE_KEY] = second  # as a stroke's callback leaves it
    at.run()
    asked = [w.value for w in at.warning if "throws away" in w.value]
    assert len(asked) == 1 and asked[0].startswith("Training on drawn points throws away"), asked
    assert _step(at) == step and len(at.session_state["pg_points"]) == 60
    at.button(key="pg_discard_keep").click().run()
    assert at.session_state[drawing.CODE_KEY] == first  # the canvas shows what trains again
    assert _step(at) == step and len(at.session_state["pg_points"]) == 60
    assert not [w for w in at.warning if "throws away" in w.value]
    at.session_state[drawing.CODE_KEY] = second
    at.run()
    at.button(key="pg_discard_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _step(at) == 0 and len(at.session_state["pg_points"]) == 90
    assert at.session_state[drawing.CODE_KEY] == second


def test_a_lesson_asks_before_discarding_hundreds_of_steps(at):
    from gan_core import lessons as LS
    from ui.run_files import ASK_ABOVE
    trainer = _trainer()
    step = _train(at, trainer, ASK_ABOVE + 20)
    want = LS.LESSONS["collapse"].config(seed=trainer.cfg.seed)  # the lesson keeps the run's seed
    at.session_state["gl_lesson"] = "collapse"  # chosen on the Lessons page, or by a link
    at.run()
    at.button(key="gl_lesson_restart").click().run()  # its Start, on another run
    asked = [w.value for w in at.warning if "throws away" in w.value]
    assert len(asked) == 1 and asked[0].startswith("The lesson “"), asked
    assert _step(at) == step and at.session_state["pg_config"] != want
    at.button(key="pg_discard_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["pg_config"] == want and _step(at) == 0


def _loss_captions(app) -> list[str]:
    return [c.value for c in app.caption if "loss curves" in c.value or "Nothing yet" in c.value]


def test_the_loss_panel_shows_an_opened_runs_history(at):
    """A file with curves draws them at once (the first page's pretrained model too); a
    file without them says so at its step instead of 'Nothing yet'."""
    from gan_core import checkpoints
    from ui import run_files
    trainer = _trainer()
    assert _loss_captions(at) == []  # the pretrained spiral's curves are drawn
    assert trainer.history_columns()["step"][-1] == trainer.status()["step"] == 20_000
    at.button(key="pg_reset").click().run()
    _train(at, trainer, 30)
    data = run_files.run_bytes(trainer)
    bare = checkpoints.to_bytes(trainer.with_models(lambda run: checkpoints.from_run(run, {})))
    at.button(key="pg_reset").click().run()
    assert any("Nothing yet" in t for t in _loss_captions(at))
    at.session_state["pg_run_bytes"] = ("bare.safetensors", bare)
    at.run()
    texts = _loss_captions(at)
    assert texts and "opened at step 30" in texts[0] and "Nothing yet" not in texts[0], texts
    at.session_state["pg_run_bytes"] = ("curves.safetensors", data)
    at.run()
    assert _loss_captions(at) == []  # drawn, not explained away
    assert len(trainer.history_columns()["step"]) == 30


def _inspecting(app) -> str:
    return next((c.value for c in app.sidebar.caption if c.value.startswith("Inspecting:")), "")


def test_the_timeline_opens_on_the_run_just_trained(at):
    """A model picked on the Discriminator page stays picked across inspector pages, until
    the Playground trains: then the Timeline opens on that live run."""
    at.switch_page("pages/discriminator.py").run()
    at.radio(key="insp_kind").set_value("Pretrained").run()
    at.switch_page("pages/timeline.py").run()
    assert at.radio(key="insp_kind").value == "Pretrained"
    at.switch_page("pages/playground.py").run()
    _train(at, _trainer(), 20)
    at.switch_page("pages/timeline.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="insp_kind").value == "Live run"
    assert _inspecting(at).startswith("Inspecting: live run")
    at.radio(key="insp_kind").set_value("Pretrained").run()  # a choice made here stays
    at.run()
    assert at.radio(key="insp_kind").value == "Pretrained"


def _confirm_if_asked(app) -> None:
    confirm = [b for b in app.button if b.key == "pg_confirm"]
    if confirm:
        confirm[0].click().run()


def test_cyclegan_offers_target_b_and_names_both_targets(at):
    from gan_core.distributions import TARGETS
    at.selectbox(key="cfg_variant").set_value("cyclegan2d").run()
    _confirm_if_asked(at)
    at.selectbox(key="cfg_target_b").set_value("two_gaussians").run()
    _confirm_if_asked(at)
    assert not at.exception, [e.value for e in at.exception]
    trainer = _trainer()
    assert trainer.cfg.target_b == "two_gaussians"
    assert trainer.run.out_target.name == "two_gaussians"
    assert at.selectbox(key="cfg_target").label.startswith("Target A")
    captions = [c.value for c in at.caption]
    assert f"B: {TARGETS['two_gaussians'].description}" in captions
    a = trainer.cfg.target
    assert any(c.startswith("Grey: target B (**two_gaussians**)") and f"target A (**{a}**)" in c
               for c in captions), captions
    at.selectbox(key="cfg_variant").set_value("nsgan").run()  # one target again
    _confirm_if_asked(at)
    assert not [s for s in at.selectbox if s.key == "cfg_target_b"]
    assert not any(c.value.startswith("Grey: target B") for c in at.caption)


def test_opening_a_file_or_a_pretrained_model_asks_before_discarding_steps(at):
    from ui import run_files
    trainer = _trainer()
    at.button(key="pg_reset").click().run()
    data = run_files.run_bytes(trainer)  # a step-0 run to open
    step = _train(at, trainer, run_files.ASK_ABOVE + 20)
    at.session_state["pg_run_bytes"] = ("other.safetensors", data)
    at.run()
    asked = [w.value for w in at.warning if "throws away this run" in w.value]
    assert asked and asked[0].startswith("Opening other.safetensors"), asked
    at.button(key="pg_discard_keep").click().run()
    assert _step(at) == step
    at.selectbox(key="pg_zoo_pick").set_value("ring8__wgan_gp").run()
    at.button(key="pg_zoo_open").click().run()
    assert _step(at) == step and trainer.cfg.target == "spiral"
    assert any(w.value.startswith("Opening the pretrained ring8") for w in at.warning)
    at.button(key="pg_discard_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="cfg_target").value == "ring8" and trainer.cfg.target == "ring8"


def test_a_run_the_command_line_wrote_opens_on_the_playground(at, tmp_path):
    from gan_core.__main__ import main
    out = tmp_path / "cli"  # no suffix: the CLI adds .safetensors
    assert main(["train", "--target", "ring8", "--variant", "wgan_gp", "--steps", "12",
                 "--g-width", "16", "--d-width", "16", "--batch-size", "32", "--out", str(out),
                 "--quiet"]) == 0
    path = tmp_path / "cli.safetensors"
    at.session_state["pg_run_bytes"] = (path.name, path.read_bytes())
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _step(at) == 12
    assert at.selectbox(key="cfg_target").value == "ring8"
    assert at.selectbox(key="cfg_variant").value == "wgan_gp"
    assert _train(at, _trainer(), 3) == 15


def test_a_size_just_over_the_limit_reads_as_over():
    from gan_core.distributions import InvalidData, parse_points_csv
    from ui.widgets import size_problem
    assert size_problem("a.csv", 5_001_800, 5) == "a.csv is 5.002 MB; the limit is 5 MB."
    with pytest.raises(InvalidData, match=r"file is 5\.002 MB; the limit is 5 MB"):
        parse_points_csv(b"x" * 5_001_800, max_bytes=5_000_000)

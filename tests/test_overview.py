"""The model overview graph's data (gan_core.overview) and what the live feed adds for it
and for slow motion (ui.overview_feed): D's map, the phase, the fakes before an update."""
from __future__ import annotations

import base64
import json
import time

import numpy as np
import pytest
import torch

from engine_helpers import tiny_config
from gan_core import overview as O
from gan_core import probes
from gan_core.registry import Registry
from gan_core.run import Run
from gan_core.trainer import Trainer
from ui import live_feed


def _bytes(dmap: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(dmap["v"]), np.uint8).reshape(dmap["n"], dmap["n"])


def _floats(col: dict) -> np.ndarray:
    assert col["dtype"] == "f4"
    return np.frombuffer(base64.b64decode(col["bdata"]), np.float32)


def test_quantise_keeps_probabilities_on_their_own_scale():
    q = O.quantise(np.array([[0.0, 0.5], [1.0, 0.25]], np.float32), probability=True)
    assert (q["lo"], q["hi"], q["n"]) == (0.0, 1.0, 2)
    np.testing.assert_array_equal(_bytes(q), [[0, 128], [255, 64]])


def test_quantise_scales_a_critic_by_its_range_and_survives_flat_or_nan_values():
    q = O.quantise(np.array([[-4.0, 0.0], [4.0, 2.0]]), probability=False)
    assert (q["lo"], q["hi"]) == (-4.0, 4.0)
    np.testing.assert_array_equal(_bytes(q), [[0, 128], [255, 191]])
    flat = O.quantise(np.full((2, 2), 3.0), probability=False)
    np.testing.assert_array_equal(_bytes(flat), np.full((2, 2), 128))
    nan = O.quantise(np.full((2, 2), np.nan), probability=False)
    np.testing.assert_array_equal(_bytes(nan), np.full((2, 2), 128))
    json.dumps(nan)


def test_decision_map_is_d_on_the_grid_the_samples_view_uses():
    run = Run(tiny_config(target="spiral"), device=torch.device("cpu"))
    bounds = run.out_target.bounds
    dmap = O.decision_map(run, bounds, n=8)
    field = probes.d_field(run, bounds, 8)
    np.testing.assert_array_equal(_bytes(dmap), np.rint(field.values * 255).astype(np.uint8))
    assert dmap["probability"] is True


def test_decision_map_is_none_where_d_has_no_score_per_point():
    run = Run(tiny_config(variant="tsgan", target="spiral"), device=torch.device("cpu"))
    assert probes.field_support(run) and O.decision_map(run, run.out_target.bounds) is None


def test_thin_keeps_every_stride_th_point():
    pts = np.arange(20, dtype=np.float32).reshape(10, 2)
    assert O.stride(10, most=4) == 3 and O.stride(3, most=4) == 1
    out = O.thin(pts, 3)
    assert out["n"] == 4
    np.testing.assert_array_equal(_floats(out["x"]), [0, 6, 12, 18])
    np.testing.assert_array_equal(_floats(out["y"]), [1, 7, 13, 19])


# --------------------------------------------------------------------------- the feed
@pytest.fixture
def feed_run():
    registry = Registry(grace=600, cap=4)
    run_id = registry.add(lambda: Trainer(tiny_config(target="spiral"), device=torch.device("cpu"),
                                          snapshot_interval=0.01))
    token = live_feed.register(run_id, None, registry)
    yield registry.get(run_id), token
    live_feed.drop(token)
    registry.close()


def _next(trainer, after, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        snap = trainer.latest()
        if snap is not after:
            return snap
        time.sleep(0.005)
    pytest.fail("no new snapshot")


def test_a_step_g_frame_carries_its_phase_the_fakes_before_and_the_losses(feed_run):
    trainer, token = feed_run
    live_feed.update(token, z=None, dims=[], c=None, highlight=[3])
    before = trainer.latest()
    trainer.single_step("g")
    snap = _next(trainer, before)
    out = live_feed.frame(live_feed._FEEDS[token])
    assert out["phase"] == "g" and out["speed"] == 0.0
    assert set(out["losses"]) == {"g_loss"} and out["losses"]["g_loss"] == snap.losses["g_loss"]
    np.testing.assert_array_equal(_floats(out["before"]["generated"]["x"]), before.fake[:, 0])
    np.testing.assert_array_equal(_floats(out["before"]["selected"]["y"]), before.fake[[3], 1])
    assert not np.array_equal(_floats(out["traces"]["generated"]["x"]), before.fake[:, 0])
    assert "dmap" not in out  # the overview is off for this feed
    json.dumps(out)


def test_with_the_overview_on_the_training_thread_makes_d_s_map(feed_run):
    trainer, token = feed_run
    live_feed.show_overview(token, True)
    live_feed.frame(live_feed._FEEDS[token])  # attaches the feed's hook to the trainer
    trainer.set_speed(20)
    trainer.start()
    snap = _next(trainer, trainer.latest())
    while snap.phase != "d":
        snap = _next(trainer, snap)
    trainer.pause()
    assert snap.extra["dmap"]["n"] == O.MAP_SIZE
    out = live_feed.frame(live_feed._FEEDS[token])
    assert out["dmap"]["n"] == O.MAP_SIZE and out["speed"] == 20.0
    assert out["phase"] in ("d", "g", "")


# --------------------------------------------------------------------------- the page
def test_the_playground_shows_the_overview_and_its_speed_control_slows_the_trainer():
    from pathlib import Path

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ui import session
    session.registry().clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"),
                           default_timeout=120)
    try:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        trainer = next(t for _, t in session.registry().items() if t.state != "stopped")
        assert at.toggle(key="pg_show_overview").value is True
        assert trainer.speed == 0
        at.select_slider(key="pg_speed").set_value(2).run()
        assert not at.exception, [e.value for e in at.exception]
        assert trainer.speed == 2.0
        at.select_slider(key="pg_speed").set_value(0).run()
        assert trainer.speed == 0.0
        at.toggle(key="pg_show_overview").set_value(False).run()
        assert not at.exception, [e.value for e in at.exception]
    finally:
        session.registry().clear()


def test_a_reopened_run_shows_its_recorded_losses_before_a_step():
    """The graph's loss nodes and sparklines of a pretrained or reopened run come from its
    recorded history, not from "—" and an empty line until it trains."""
    from ui import overview as OV
    first = Trainer(tiny_config(target="spiral"), device=torch.device("cpu"))
    second = Trainer(tiny_config(target="spiral"), device=torch.device("cpu"))
    try:
        for _ in range(40):
            first.single_step("both")
        first.wait_steps(40)
        second.load_checkpoint(first.checkpoint())
        assert not second.latest().losses  # no step taken in this trainer
        cols = second.history_columns()
        saved = OV.saved_losses(second, keep=5)
        for key in ("d_loss", "g_loss"):
            recorded = cols[key][np.isfinite(cols[key])]
            assert len(recorded) > 5
            np.testing.assert_allclose(saved[key], recorded[-5:], rtol=1e-4)
        state = OV._state(second, has_field=False, step=1)
        assert state["losses"] == {k: v[-1] for k, v in saved.items()}
        assert len(OV.saved_losses(second)["d_loss"]) <= OV.HISTORY
    finally:
        first.stop()
        second.stop()

"""Config, nets, trainer thread, checkpoints and CLI on tiny settings."""
import dataclasses
import json
import math
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from gan_core import checkpoints
from gan_core.checkpoints import CheckpointError
from gan_core.config import Config, ConfigError, check_basic
from gan_core.device import pick_device
from gan_core.nets import Discriminator, make_discriminator
from gan_core.history import DecimatedHistory, Timeline
from gan_core.run import Run
from gan_core.trainer import Trainer

from engine_helpers import tiny_config

CPU = torch.device("cpu")


# ---------------------------------------------------------------- config
def test_config_json_round_trip():
    cfg = tiny_config("wgan_gp", "spiral", seed=3, spectral_norm=True)
    again = Config.from_json(cfg.to_json())
    assert again == cfg
    assert json.loads(cfg.to_json())["variant"] == "wgan_gp"


def test_config_is_frozen_and_validated():
    cfg = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.lr_d = 1.0
    with pytest.raises(ConfigError, match="latent_dim"):
        check_basic(cfg.replace(latent_dim=0))
    with pytest.raises(ConfigError, match="unknown config field"):
        cfg.replace(nonsense=1)
    with pytest.raises(ConfigError, match="multiple of pack"):
        check_basic(cfg.replace(pack=3, batch_size=256))


def test_device_choice_is_cpu_here(monkeypatch):
    monkeypatch.delenv("GAN_LEVERS_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    if not torch.cuda.is_available() and torch.backends.mps.is_available():
        expected = "mps"
    assert pick_device().type == expected
    monkeypatch.setenv("GAN_LEVERS_DEVICE", "cpu")
    assert pick_device().type == "cpu"


# ---------------------------------------------------------------- nets
def test_discriminator_feature_layer_and_spectral_norm():
    cfg = Config(d_width=16, d_depth=2, d_feature_dim=2, spectral_norm=True)
    D = make_discriminator(cfg, 2)
    x = torch.randn(8, 2)
    assert D.features(x).shape == (8, 2) and D(x).shape == (8, 1)
    assert any("parametrizations" in n for n, _ in D.named_parameters())


def test_minibatch_std_sees_a_collapsed_batch():
    D = Discriminator(2, 8, 1, minibatch_std=True)
    spread = D.mbstd(torch.randn(16, 3))[:, -1]
    same = D.mbstd(torch.ones(16, 3))[:, -1]
    assert float(same[0]) < 1e-3 and float(spread[0]) > 0.1


# ---------------------------------------------------------------- run / step
def test_same_seed_same_run():
    def losses(seed):
        run = Run(tiny_config(seed=seed), device=CPU)
        return [run.step() for _ in range(5)], run.generate(run.eval_latent())
    a, fa = losses(1)
    b, fb = losses(1)
    c, _ = losses(2)
    assert a == b and np.array_equal(fa, fb)
    assert a != c


def test_limited_data_option_trains():
    run = Run(tiny_config(dataset_size=400), device=CPU)
    assert math.isfinite(run.step()["d_loss"])


def test_live_changes_apply_without_rebuild():
    run = Run(tiny_config(), device=CPU)
    nets = run.nets
    run.set_live(lr_d=0.01, k_d=2)
    assert run.opts.d.param_groups[0]["lr"] == 0.01 and run.cfg.k_d == 2 and run.nets is nets
    with pytest.raises(ConfigError, match="reset"):
        run.set_live(g_width=64)


def test_custom_target_needs_points():
    with pytest.raises(ConfigError, match="custom"):
        Run(tiny_config(target="custom"), device=CPU)
    pts = np.random.default_rng(0).normal(size=(200, 2))
    run = Run(tiny_config(target="custom"), points=pts, device=CPU)
    assert math.isfinite(run.step()["g_loss"])


# ---------------------------------------------------------------- histories
def test_decimated_history_is_bounded():
    hist = DecimatedHistory(capacity=100)
    for i in range(10_000):
        hist.add({"step": i + 1, "d_loss": float(i)})
    cols = hist.columns()
    assert len(cols["step"]) <= 101 and cols["step"][-1] == 10_000
    assert np.all(np.diff(cols["step"]) > 0)


def test_timeline_thins_to_capacity():
    from gan_core.history import Snapshot
    tl = Timeline(capacity=10, every=1)
    for s in range(1, 1000):
        tl.offer(Snapshot(s, 0.0, np.zeros((1, 2)), {}, {}, 0.0))
    assert len(tl.frames) <= 10
    steps = [f.step for f in tl.frames]
    assert steps == sorted(steps) and steps[-1] > 500


def _offer_steps(tl, n, size=100):
    """Offer frames at steps 1..n with a weights() of `size` float32s; count its calls."""
    from gan_core.history import Snapshot
    calls = []

    def weights():
        calls.append(1)
        return {"w": torch.full((size,), float(len(calls)))}
    for s in range(1, n + 1):
        tl.offer(Snapshot(s, 0.0, np.zeros((1, 2)), {}, {}, 0.0), weights)
    return calls


def test_keyframes_thin_to_count_and_stay_even():
    tl = Timeline(capacity=10, every=1, key_capacity=6, key_every=3)
    calls = _offer_steps(tl, 1000)
    steps = [k.step for k in tl.keyframes]
    assert 3 <= len(steps) <= 6 and steps[0] == 1 and steps[-1] > 500
    gaps = np.diff(steps)
    assert gaps.min() > 0 and gaps.max() <= 2 * gaps.min()  # evenly spaced after thinning
    assert len(calls) < 40  # weights are copied only when a keyframe is kept
    assert all(k.nbytes == 400 for k in tl.keyframes) and tl.keyframe_bytes <= 6 * 400


def test_keyframes_are_bounded_in_bytes():
    tl = Timeline(every=1, key_capacity=60, key_every=1, key_bytes=1000)
    _offer_steps(tl, 500, size=100)  # 400 B each: only 2 fit in 1,000 B
    assert tl.key_limit == 2 and len(tl.keyframes) <= 2 and tl.keyframe_bytes <= 1000
    tl = Timeline(every=1, key_every=1, key_bytes=700)  # not even 2 fit: none are kept
    calls = _offer_steps(tl, 50, size=100)
    assert tl.key_limit == 0 and tl.keyframes == [] and len(calls) == 1
    assert len(tl.frames) == 50  # frames are unaffected


def test_keyframe_at_is_the_nearest_at_or_before():
    tl = Timeline(every=1, key_capacity=8, key_every=7)
    _offer_steps(tl, 300)
    steps = [k.step for k in tl.keyframes]
    assert tl.keyframe_at(steps[0] - 1) is None
    for s in range(steps[0], 320):
        k = tl.keyframe_at(s)
        assert k.step <= s and not any(k.step < t <= s for t in steps)


def test_trainer_keeps_cpu_weight_keyframes():
    tr = Trainer(tiny_config(target="spiral", prior="mixture", mixture_components=4),
                 device=CPU, snapshot_interval=0.0, max_steps=120)
    with tr.lock:
        tr.timeline.every, tr.timeline.key_every = 1, 20
    tr.start()
    tr.wait_steps(120, timeout=60)
    time.sleep(0.1)
    kfs = tr.timeline.keyframes
    assert kfs[0].step == 0 and len(kfs) >= 3
    live = dict(tr.run.nets.state_dict())
    state = kfs[-1].state
    assert set(state) == set(live) and "prior.mu" in state  # G, D and the learnable prior
    for k, v in state.items():
        assert v.device.type == "cpu" and not v.requires_grad
        assert v.data_ptr() != live[k].data_ptr()  # a copy, not a view of the live weights
    assert not torch.equal(kfs[0].state["G.out.weight"], live["G.out.weight"])
    tr.stop()


def test_a_paused_run_publishes_where_it_stopped():
    tr = Trainer(tiny_config(), device=CPU, snapshot_interval=10.0)  # publishes are rare
    tr.start()
    tr.wait_steps(30, timeout=30)
    tr.pause()
    deadline = time.time() + 10
    while tr.latest().step != tr.status()["step"] and time.time() < deadline:
        time.sleep(0.01)
    assert tr.latest().step == tr.status()["step"] > 0
    tr.stop()


def test_loaded_checkpoint_starts_its_own_timeline():
    run = Run(tiny_config(target="spiral"), device=CPU)
    for _ in range(3):
        run.step()
    tr = Trainer(tiny_config(), device=CPU)
    tr.load_checkpoint(checkpoints.from_bytes(checkpoints.to_bytes(checkpoints.from_run(run))))
    assert [f.step for f in tr.timeline.frames] == [3]
    assert [k.step for k in tr.timeline.keyframes] == [3]
    tr.stop()


# ---------------------------------------------------------------- trainer thread
def test_trainer_runs_pauses_steps_and_stops():
    tr = Trainer(tiny_config(), device=CPU, snapshot_interval=0.01)
    assert tr.status()["state"] == "idle" and tr.latest().step == 0
    tr.start()
    assert tr.wait_steps(20, timeout=30) >= 20
    tr.pause()
    time.sleep(0.05)
    n = tr.status()["step"]
    time.sleep(0.1)
    assert tr.status()["step"] == n  # paused means paused
    g_before = [p.clone() for p in tr.run.nets.G.parameters()]
    tr.single_step("d")
    deadline = time.time() + 10
    while tr.status()["step"] == n and time.time() < deadline:
        time.sleep(0.01)
    assert tr.status()["step"] == n + 1
    assert all(torch.equal(a, b) for a, b in zip(g_before, tr.run.nets.G.parameters()))
    snap = tr.latest()
    assert snap.fake.shape == (64, 2) and "d" in snap.grads and "d_loss" in snap.losses
    tr.stop()
    assert not tr.alive


def test_trainer_reset_and_budget():
    tr = Trainer(tiny_config(), device=CPU, max_steps=15)
    tr.start()
    tr.wait_steps(15, timeout=30)
    time.sleep(0.1)
    st = tr.status()
    assert st["step"] == 15 and st["state"] == "paused"
    tr.reset(tr.cfg.replace(seed=5))
    assert tr.status()["step"] == 0 and tr.cfg.seed == 5
    tr.stop()


def test_models_are_readable_between_steps():
    tr = Trainer(tiny_config(), device=CPU)
    tr.start()
    for _ in range(5):
        out = tr.with_models(lambda run: run.generate(run.sample_latent(3, seed=0)))
        assert out.shape == (3, 2)
    tr.stop()


def test_divergence_stops_within_one_step_and_keeps_good_weights():
    tr = Trainer(tiny_config(optimizer="sgd", lr_d=1e30, lr_g=1e30), device=CPU)
    tr.start()
    deadline = time.time() + 20
    while tr.status()["state"] != "error" and time.time() < deadline:
        time.sleep(0.01)
    st = tr.status()
    assert st["state"] == "error"
    assert "NaN" in st["error"] or "diverged" in st["error"]
    assert tr.run.params_finite()
    state = tr.run.nets.state_dict()
    assert all(torch.isfinite(v).all() for v in state.values())
    tr.stop()


# ---------------------------------------------------------------- checkpoints
def test_checkpoint_round_trip(tmp_path):
    run = Run(tiny_config(target="spiral"), device=CPU)
    for _ in range(3):
        run.step()
    path = checkpoints.save(tmp_path / "a.safetensors", checkpoints.from_run(run, {"rows": []}))
    back = Run.from_checkpoint(checkpoints.load(path), device=CPU)
    assert back.cfg == run.cfg and back.step_count == 3
    lat = run.sample_latent(10, seed=0)
    assert np.allclose(back.generate(lat), run.generate(lat))
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("data,msg", [
    (b"", "empty or truncated"),
    (b"\x00" * 4, "empty or truncated"),
    (b"garbage that is not a checkpoint at all", "not a checkpoint"),
    (b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}......", "not valid"),
])
def test_bad_checkpoints_give_one_clear_error(data, msg):
    with pytest.raises(CheckpointError, match=msg):
        checkpoints.from_bytes(data)


def test_truncated_and_foreign_checkpoints(tmp_path):
    run = Run(tiny_config(), device=CPU)
    data = checkpoints.to_bytes(checkpoints.from_run(run))
    with pytest.raises(CheckpointError):
        checkpoints.from_bytes(data[: len(data) // 2])
    from safetensors.torch import save as st_save
    with pytest.raises(CheckpointError, match="not a GAN Levers"):
        checkpoints.from_bytes(st_save({"w": torch.zeros(2)}, metadata={"a": "b"}))
    # weights that do not fit the config
    ck = checkpoints.from_bytes(data)
    ck.config = ck.config.replace(g_width=32)
    with pytest.raises(CheckpointError, match="do not fit"):
        Run.from_checkpoint(ck, device=CPU)
    with pytest.raises(CheckpointError, match="cannot open"):
        checkpoints.load(tmp_path / "missing.safetensors")


def test_checkpoint_loading_never_unpickles(tmp_path):
    import pickle
    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps({"x": 1}))
    with pytest.raises(CheckpointError):
        checkpoints.load(evil)


def test_trainer_loads_checkpoint():
    run = Run(tiny_config(target="spiral"), device=CPU)
    run.step()
    ck = checkpoints.from_bytes(checkpoints.to_bytes(checkpoints.from_run(run)))
    tr = Trainer(tiny_config(), device=CPU)
    tr.load_checkpoint(ck)
    assert tr.cfg.target == "spiral" and tr.status()["step"] == 1
    tr.stop()


# ---------------------------------------------------------------- CLI
def _cli_train(out, steps: int = 30):
    return subprocess.run([sys.executable, "-m", "gan_core", "train", "--target", "spiral",
                           "--variant", "nsgan", "--steps", str(steps), "--g-width", "16",
                           "--d-width", "16", "--batch-size", "32", "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=120)


def test_cli_trains_and_writes_a_checkpoint_the_app_opens(tmp_path):
    from ui.model_source import open_checkpoint
    out = tmp_path / "spiral.safetensors"
    res = _cli_train(out)
    assert res.returncode == 0, res.stderr
    ck = checkpoints.load(out)
    assert ck.step == 30 and ck.config.target == "spiral" and ck.config.g_width == 16
    assert ck.train_state  # so a run opened on the Playground trains on where it stopped
    run = Run.from_checkpoint(ck, device=CPU)
    assert run.generate(run.eval_latent()).shape == (ck.config.eval_size, 2)
    opened, history = open_checkpoint(out.read_bytes(), out.name)  # the app's upload path
    assert opened.step_count == 30 and len(history["step"]) == 30


def test_cli_writes_only_safetensors(tmp_path):
    """One extension everywhere: .pt is refused before any training (nothing written), and
    a name without a suffix gets .safetensors."""
    res = _cli_train(tmp_path / "spiral.pt", steps=100_000)
    assert res.returncode == 2 and "spiral.safetensors" in res.stderr
    assert "Traceback" not in res.stderr and list(tmp_path.iterdir()) == []
    res = _cli_train(tmp_path / "spiral", steps=5)
    assert res.returncode == 0, res.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["spiral.safetensors"]


def test_cli_help_and_bad_input():
    res = subprocess.run([sys.executable, "-m", "gan_core", "train", "--help"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "--lr-d" in res.stdout and "--target" in res.stdout
    res = subprocess.run([sys.executable, "-m", "gan_core", "train", "--target", "nope",
                          "--out", "/tmp/x.safetensors"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "unknown target" in res.stderr and "Traceback" not in res.stderr


def test_divergence_raises_the_detectors_diverged_alert():
    from gan_core.detector import Detector
    tr = Trainer(tiny_config(optimizer="sgd", lr_d=1e30, lr_g=1e30), device=CPU,
                 detector=Detector.for_run)
    tr.start()
    deadline = time.time() + 20
    while tr.status()["state"] != "error" and time.time() < deadline:
        time.sleep(0.01)
    assert tr.status()["state"] == "error"
    assert any(a.kind == "diverged" for a in tr.latest().alerts)
    tr.stop()


def test_trainer_runs_the_detector_with_snapshots():
    from gan_core.detector import Detector
    tr = Trainer(tiny_config(target="ring8"), device=CPU, detector=Detector.for_run,
                 detector_interval=0.0, snapshot_interval=0.0)
    tr.start()
    tr.wait_steps(30, timeout=60)
    tr.pause()
    time.sleep(0.1)
    snap = tr.latest()
    assert tr.detector.history and "hq" in snap.metrics and "tear_score" in snap.metrics
    tr.stop()

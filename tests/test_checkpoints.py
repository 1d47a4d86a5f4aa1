"""Checkpoints: atomic writes, and a restored run resumes its learning-rate schedule."""
import os

import pytest
import torch

from gan_core import checkpoints
from gan_core.config import Config
from gan_core.run import Run

TINY = dict(target="ring8", g_width=16, d_width=16, g_depth=2, d_depth=2, batch_size=32,
            eval_size=64)


def _lrs(run):
    return run.opts.d.param_groups[0]["lr"], run.opts.g.param_groups[0]["lr"]


def _saved_at(tmp_path, cfg, steps):
    run = Run(cfg)
    for _ in range(steps):
        run.step()
    path = checkpoints.save(tmp_path / "r.safetensors", checkpoints.from_run(run))
    return run, Run.from_checkpoint(checkpoints.load(path))


@pytest.mark.parametrize("steps, factor", [(4, 0.68), (10, 0.2), (25, 0.2)])
def test_restored_run_resumes_its_lr_schedule(tmp_path, steps, factor):
    """Opened past lr_decay_steps, a run trains on at its floor, not at the full rate."""
    cfg = Config(lr_d=1e-3, lr_g=5e-4, lr_decay_steps=10, lr_floor=0.2, **TINY)
    run, back = _saved_at(tmp_path, cfg, steps)
    assert back.step_count == steps
    assert _lrs(back) == pytest.approx((1e-3 * factor, 5e-4 * factor))
    run.step()  # the original sets step n's rate just before its step n
    back.step()
    assert _lrs(back) == pytest.approx(_lrs(run))


def test_restored_run_without_decay_keeps_its_rates(tmp_path):
    _, back = _saved_at(tmp_path, Config(lr_d=1e-3, lr_g=5e-4, **TINY), 3)
    assert _lrs(back) == pytest.approx((1e-3, 5e-4))


def test_restored_run_continues_like_the_original(tmp_path):
    """The weights (G's average included) come back exactly, so the first generated
    batch after a restore matches the original's."""
    run, back = _saved_at(tmp_path, Config(g_ema=0.9, **TINY), 5)
    for k, v in run.state().items():
        assert torch.equal(v, back.state()[k]), k
    z = run.sample_latent(32, 1)
    assert torch.equal(torch.as_tensor(run.generate(z)), torch.as_tensor(back.generate(z)))


def test_write_atomic_replaces_whole_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "m.json"
    checkpoints.write_atomic(path, b"old")
    checkpoints.write_atomic(path, b"new contents")
    assert path.read_bytes() == b"new contents"
    assert os.listdir(tmp_path) == ["m.json"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    checkpoints.write_atomic(path, b"old")

    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        checkpoints.write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["m.json"]


def test_live_change_after_loading_reaches_the_detector(tmp_path):
    """A loaded run and its detector read one config: a remedy such as "Halve D's
    learning rate" must work from the rate just set, not the checkpoint's."""
    from gan_core.detector import Detector
    from gan_core.trainer import Trainer
    run = Run(Config(lr_d=4e-4, **TINY))
    ckpt = checkpoints.load(checkpoints.save(tmp_path / "r.safetensors", checkpoints.from_run(run)))
    trainer = Trainer(Config(**TINY), detector=Detector.for_run)
    trainer.load_checkpoint(ckpt)
    trainer.set_live(lr_d=1e-3)
    assert trainer.run.cfg.lr_d == trainer.cfg.lr_d == 1e-3
    assert trainer.detector.config.lr_d == 1e-3
    assert _lrs(trainer.run)[0] == pytest.approx(1e-3)
    trainer.stop()


def _trained(cfg, steps):
    run = Run(cfg)
    for _ in range(steps):
        run.step()
    return run


def _same_weights(a, b) -> bool:
    return all(torch.equal(v, b.state()[k]) for k, v in a.state().items())


@pytest.mark.parametrize("extra", [{}, {"variant": "wgan_gp", "instance_noise": 0.1},
                                   {"g_ema": 0.9, "optimizer": "rmsprop"}])
def test_a_saved_run_trains_on_exactly_as_if_never_saved(extra):
    """Optimisers, RNGs and the data chunk come back too: 40 further steps (past a chunk
    boundary) land on the very weights the unsaved run reaches."""
    a = _trained(Config(**{**TINY, **extra}), 7)
    b = Run.from_checkpoint(checkpoints.from_bytes(checkpoints.to_bytes(checkpoints.from_run(a))))
    assert b.step_count == 7
    for _ in range(40):
        a.step()
        b.step()
    assert _same_weights(a, b)


def test_without_its_training_state_a_run_drifts_apart():
    """The control for the test above: weights alone (a pretrained model) do not continue
    identically, so that test would catch a lost optimiser state."""
    a = _trained(Config(**TINY), 7)
    ckpt = checkpoints.from_run(a, train_state=False)
    b = Run.from_checkpoint(checkpoints.from_bytes(checkpoints.to_bytes(ckpt)))
    for _ in range(10):
        a.step()
        b.step()
    assert not _same_weights(a, b)


def test_a_mismatched_optimiser_state_is_a_clear_error():
    a = _trained(Config(**TINY), 3)
    ckpt = checkpoints.from_run(a)
    ckpt.train_state["tensors"]["rng.data"] = torch.zeros(3)  # not an RNG state
    with pytest.raises(checkpoints.CheckpointError, match="optimiser state does not fit"):
        Run.from_checkpoint(checkpoints.from_bytes(checkpoints.to_bytes(ckpt)))

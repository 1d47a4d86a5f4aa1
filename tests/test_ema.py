"""The moving average of G's weights and the learning-rate decay."""
import copy

import torch

from gan_core import checkpoints
from gan_core.config import Config
from gan_core.run import Run
from gan_core.step import lr_factor
from gan_core.variants.base import Latent

TINY = dict(g_width=16, d_width=16, g_depth=2, d_depth=2, batch_size=32, eval_size=64)


def test_average_follows_the_ema_formula_with_its_warm_up():
    run = Run(Config(target="ring8", g_ema=0.9, **TINY))
    run.step()  # step 1: decay min(0.9, 2 / 11)
    for _ in range(199):
        run.step()
    before = copy.deepcopy(run.nets.shown_G.state_dict())
    run.step()  # step 201: decay min(0.9, 202 / 211) = 0.9
    g = run.nets.G.state_dict()
    for k, v in run.nets.shown_G.state_dict().items():
        expected = 0.9 * before[k] + 0.1 * g[k]
        assert torch.allclose(v, expected, atol=1e-6), k


def test_early_average_follows_g_closely():
    run = Run(Config(target="ring8", g_ema=0.999, **TINY))
    assert abs(run.average.decay_at(1) - 2 / 11) < 1e-12
    assert run.average.decay_at(10**6) == 0.999


def test_shown_samples_come_from_the_average_and_training_from_g():
    run = Run(Config(target="ring8", g_ema=0.99, lr_g=1e-2, **TINY))
    for _ in range(20):
        run.step()
    z = run.sample_latent(64, 3)
    with torch.no_grad():
        from_avg = run.out_target.denormalise(run.nets.shown_G(z.z)).numpy()
        from_g = run.out_target.denormalise(run.nets.G(z.z)).numpy()
    assert not torch.allclose(torch.as_tensor(from_avg), torch.as_tensor(from_g))
    assert torch.allclose(torch.as_tensor(run.generate(z)), torch.as_tensor(from_avg), atol=1e-5)
    run.nets.train()
    assert run.variant.generate(run.nets, Latent(z.z)).requires_grad  # the step's G


def test_without_ema_the_shown_g_is_g():
    run = Run(Config(target="ring8", **TINY))
    assert run.nets.shown_G is run.nets.G and run.average is None


def test_d_only_steps_leave_the_average_alone():
    run = Run(Config(target="ring8", g_ema=0.5, **TINY))
    before = copy.deepcopy(run.nets.shown_G.state_dict())
    run.step("d")
    for k, v in run.nets.shown_G.state_dict().items():
        assert torch.equal(v, before[k])


def test_checkpoint_keeps_the_average(tmp_path):
    run = Run(Config(target="ring8", g_ema=0.9, **TINY))
    for _ in range(5):
        run.step()
    path = checkpoints.save(tmp_path / "r.safetensors", checkpoints.from_run(run))
    back = Run.from_checkpoint(checkpoints.load(path))
    z = run.sample_latent(32, 1)
    assert torch.allclose(torch.as_tensor(run.generate(z)), torch.as_tensor(back.generate(z)))


def test_lr_decays_linearly_then_stays_at_its_floor():
    cfg = Config(lr_decay_steps=100, lr_floor=0.2)
    assert lr_factor(cfg, 0) == 1.0
    assert abs(lr_factor(cfg, 50) - 0.6) < 1e-12
    assert abs(lr_factor(cfg, 100) - 0.2) < 1e-12
    assert abs(lr_factor(cfg, 10_000) - 0.2) < 1e-12
    assert lr_factor(Config(), 10_000) == 1.0


def test_the_optimisers_see_the_decayed_rate_and_live_changes():
    run = Run(Config(target="ring8", lr_d=1e-3, lr_g=5e-4, lr_decay_steps=10, lr_floor=0.5, **TINY))
    for _ in range(11):  # the 11th step runs at step 10's rate: the floor
        run.step()
    assert abs(run.opts.d.param_groups[0]["lr"] - 5e-4) < 1e-12
    assert abs(run.opts.g.param_groups[0]["lr"] - 2.5e-4) < 1e-12
    run.set_live(lr_d=2e-3)
    assert abs(run.opts.d.param_groups[0]["lr"] - 1e-3) < 1e-12


def test_a_restored_run_goes_on_at_its_decayed_rate(tmp_path):
    run = Run(Config(target="ring8", lr_d=1e-3, lr_decay_steps=10, lr_floor=0.5, **TINY))
    for _ in range(20):
        run.step()
    path = checkpoints.save(tmp_path / "r.safetensors", checkpoints.from_run(run))
    back = Run.from_checkpoint(checkpoints.load(path))
    back.step()
    assert abs(back.opts.d.param_groups[0]["lr"] - 5e-4) < 1e-12

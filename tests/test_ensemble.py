"""Batched ensembles (gan_core/ensemble.py): each member trains exactly as a single Run
with its seed would. Compared in float64, where the stacked and the single matmuls agree
to ~1e-11: in float32 Adam's first steps turn gradients that cancel to ~1e-9 (RSGAN's
biases) into lr-sized differences, which would hide a real bug under a loose tolerance."""
import contextlib

import numpy as np
import pytest
import torch

from gan_core.ensemble import Ensemble, EnsembleError
from gan_core.run import Run
from tests.engine_helpers import tiny_config

CPU = torch.device("cpu")


@contextlib.contextmanager
def float64():
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(before)


def single(cfg, steps: int) -> Run:
    run = Run(cfg, device=CPU)
    for _ in range(steps):
        run.step()
    return run


def max_gap(a: Run, b: Run) -> float:
    sa, sb = a.nets.state_dict(), b.nets.state_dict()
    assert sa.keys() == sb.keys()
    return max(float((sa[k] - sb[k]).abs().max()) for k in sa)


def train(ens: Ensemble, steps: int) -> None:
    for i in range(steps):
        ens.step(measure=i % 50 == 0)


@pytest.mark.parametrize("variant,extra", [
    ("nsgan", dict(lr_decay_steps=150)),  # minibatch std, EMA of G, the rate decays mid-test
    ("wgan_gp", dict()),  # 5 critic steps, the gradient penalty's per-member eps
])
def test_members_match_single_runs(variant, extra):
    with float64():
        cfgs = [tiny_config(variant, target="ring8", seed=s, **extra) for s in (0, 1, 7)]
        ens = Ensemble(cfgs)
        train(ens, 300)
        for i, cfg in enumerate(cfgs):
            assert max_gap(ens.member_run(i), single(cfg, 300)) < 1e-8


def test_an_ensemble_mixing_losses_is_one_group_and_matches_single_runs():
    with float64():
        same = dict(beta2=0.9, seed=3)  # hinge's beta2 for all: one optimiser setting
        names = ("nsgan", "lsgan", "rsgan", "hinge", "rasgan", "minimax", "nsgan")
        cfgs = [tiny_config(v, target="ring8", **same) for v in names]
        cfgs[-1] = cfgs[-1].replace(seed=4)
        ens = Ensemble(cfgs)
        assert len(ens.groups) == 1 and len(ens.groups[0].parts) == 6
        train(ens, 150)
        for i, cfg in enumerate(cfgs):
            assert max_gap(ens.member_run(i), single(cfg, 150)) < 1e-8, cfg.variant


def test_a_member_handed_back_trains_on_as_if_never_batched():
    """Weights, EMA, Adam's moments, the rate schedule and the RNG streams all carry over."""
    with float64():
        cfg = tiny_config("nsgan", target="ring8", seed=5, lr_decay_steps=150)
        ens = Ensemble([cfg, cfg.replace(seed=6)])
        train(ens, 100)
        run = ens.member_run(0)
        for _ in range(100):
            run.step()
        assert max_gap(run, single(cfg, 200)) < 1e-8


def test_measured_losses_and_grads_are_each_members_own():
    cfgs = [tiny_config("nsgan", target="ring8", seed=s) for s in (0, 1)]
    out = Ensemble(cfgs).step(measure=True)
    for i, cfg in enumerate(cfgs):
        alone = Run(cfg, device=CPU).step()
        for name, value in alone.items():
            assert out[name][i] == pytest.approx(value, rel=1e-4), name


def test_other_architectures_run_as_separate_groups_in_member_order():
    cfgs = [tiny_config("nsgan", target="ring8", seed=0), tiny_config("wgan_gp", target="ring8"),
            tiny_config("nsgan", target="ring8", seed=1)]
    ens = Ensemble(cfgs)
    assert len(ens.groups) == 2
    ens.step()
    samples = ens.samples()
    assert samples.shape == (3, cfgs[0].eval_size, 2) and np.isfinite(samples).all()
    alone = single(cfgs[1], 1).generate(single(cfgs[1], 0).eval_latent())
    np.testing.assert_allclose(samples[1], alone, atol=1e-5)


@pytest.mark.parametrize("variant,extra,words", [
    ("wgan", {}, "losses are not written"),  # weight clipping after each D step
    ("unrolled", {}, "changes g_loss"),  # an NS-GAN whose G loss looks ahead
    ("nsgan", dict(spectral_norm=True), "spectral norm"),
    ("infogan", {}, "changes build"),
    ("cgan", {}, "conditional"),
])
def test_unsupported_members_are_refused_by_name(variant, extra, words):
    cfgs = [tiny_config("nsgan", target="ring8"), tiny_config(variant, target="ring8", **extra)]
    with pytest.raises(EnsembleError, match=f"member 2 \\({variant}.*{words}"):
        Ensemble(cfgs)

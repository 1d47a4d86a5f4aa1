"""Hand-checked losses and behaviours of the variant zoo (issue 3).

D(x) = x0 via FixedCritic: real scores [0, 2], fake scores [-1, 1].
"""
import math

import pytest
import torch
import torch.nn.functional as F

from gan_core.config import Config, ConfigError
from gan_core.targets import get_target
from gan_core.run import Run
from gan_core.variants import VARIANTS, config_for
from gan_core.variants.base import Batch, Latent

from engine_helpers import batch, critic_nets, tiny_config

CPU = torch.device("cpu")
REAL, FAKE = batch(0.0, 2.0), batch(-1.0, 1.0)
SP = lambda s: math.log1p(math.exp(s))


def loss(name, which, nets=None, cfg=None):
    v = VARIANTS[name]
    fn = v.d_loss if which == "d" else v.g_loss
    return fn(nets or critic_nets(), REAL, FAKE, cfg or Config()).item()


def test_lsgan_by_hand():
    # D: mean((s_r - 1)^2) + mean(s_f^2) = (1 + 1)/2 + (1 + 1)/2
    assert loss("lsgan", "d") == pytest.approx(2.0)
    # G: mean((s_f - 1)^2) = (4 + 0)/2
    assert loss("lsgan", "g") == pytest.approx(2.0)


def test_hinge_by_hand():
    # D: mean(relu(1 - s_r)) + mean(relu(1 + s_f)) = (1 + 0)/2 + (0 + 2)/2
    assert loss("hinge", "d") == pytest.approx(1.5)
    assert loss("hinge", "g") == pytest.approx(0.0)


def test_wgan_loss_and_clipping():
    assert loss("wgan", "d") == pytest.approx(0.0 - 1.0)
    run = Run(tiny_config("wgan"), device=CPU)
    run.step()
    for p in run.nets.D.parameters():
        assert p.abs().max() <= run.cfg.clip_value + 1e-7
    assert config_for("wgan").optimizer == "rmsprop" and config_for("wgan").k_d == 5


def test_rsgan_by_hand():
    # D: BCE(s_r - s_f, 1) over pairs (0 - -1, 2 - 1) = (1, 1)
    assert loss("rsgan", "d") == pytest.approx(SP(-1.0))
    assert loss("rsgan", "g") == pytest.approx(SP(1.0))  # BCE(s_f - s_r = -1, 1)
    ref = F.binary_cross_entropy_with_logits(torch.tensor([1.0, 1.0]), torch.ones(2))
    assert loss("rsgan", "d") == pytest.approx(ref.item())


def test_rasgan_by_hand():
    # means: real 1, fake 0. D: [BCE(s_r - 0, 1) + BCE(s_f - 1, 0)] / 2
    d = ((SP(-0.0) + SP(-2.0)) / 2 + (SP(-2.0) + SP(0.0)) / 2) / 2
    assert loss("rasgan", "d") == pytest.approx(d, abs=1e-6)
    g = ((SP(2.0) + SP(0.0)) / 2 + (SP(0.0) + SP(2.0)) / 2) / 2
    assert loss("rasgan", "g") == pytest.approx(g, abs=1e-6)


def turing_nets(name):
    """A T-GAN whose encoder is E(x) = x0 and head the identity: T(a, b) = a0 - b0."""
    run = Run(tiny_config(name, d_feature_dim=0), device=CPU)
    nets = run.nets
    critic = critic_nets().D  # FixedCritic: x -> x0, (N, 1)
    critic.features = critic.forward  # E
    critic.head = torch.nn.Identity()  # H
    nets.D = critic
    return nets


def test_tsgan_by_hand():
    nets = turing_nets("tsgan")
    # t_rf = s_r - s_f = (1, 1); t_fr = (-1, -1)
    assert loss("tsgan", "d", nets) == pytest.approx(SP(-1) + SP(-1), abs=1e-6)
    assert loss("tsgan", "g", nets) == pytest.approx(SP(1) + SP(1), abs=1e-6)
    ref = F.binary_cross_entropy(torch.sigmoid(torch.tensor(1.0)), torch.tensor(1.0)) + \
        F.binary_cross_entropy(torch.sigmoid(torch.tensor(-1.0)), torch.tensor(0.0))
    assert loss("tsgan", "d", nets) == pytest.approx(ref.item(), abs=1e-6)


def test_twgan_by_hand():
    nets = turing_nets("twgan")
    assert loss("twgan", "d", nets) == pytest.approx(-(1 - -1))
    assert loss("twgan", "g", nets) == pytest.approx(-(-1 - 1))


def test_turing_critic_is_spectrally_normalised():
    run = Run(tiny_config("tsgan"), device=CPU)
    names = [n for n, _ in run.nets.named_parameters()]
    assert any(n.startswith("D.head.") and "parametrizations" in n for n in names)  # H
    assert any(n.startswith("D.E.") and "parametrizations" in n for n in names)  # E
    assert run.nets.pairwise


def test_unrolled_g_step_leaves_d_untouched_and_differs_from_nsgan():
    run = Run(tiny_config("unrolled", unroll_steps=3), device=CPU)
    run.step("d")
    d_before = [p.clone() for p in run.nets.D.parameters()]
    g_before = [p.clone() for p in run.nets.G.parameters()]
    run.step("g")
    assert all(torch.equal(a, b) for a, b in zip(d_before, run.nets.D.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(g_before, run.nets.G.parameters()))
    real, fake = run.draw_real(16, run.gen), run.variant.fake_batch(run.nets, run.variant.sample_latent(run.nets, 16, run.gen))
    unrolled = VARIANTS["unrolled"].g_loss(run.nets, real, fake, run.cfg).item()
    plain = VARIANTS["nsgan"].g_loss(run.nets, real, fake, run.cfg).item()
    assert unrolled != pytest.approx(plain, abs=1e-7)


def test_cgan_is_steerable_by_the_condition():
    run = Run(tiny_config("cgan", target="eight_gaussians"), device=CPU)
    z = torch.zeros(4, run.cfg.latent_dim)
    a = run.generate(Latent(z, torch.zeros(4, dtype=torch.long)))
    b = run.generate(Latent(z, torch.full((4,), 3, dtype=torch.long)))
    assert not (a == b).all()
    with pytest.raises(ConfigError, match="modes"):
        Run(tiny_config("cgan", target="spiral"), device=CPU)


def test_infogan_q_head_learns_with_d_and_codes_are_levers():
    run = Run(tiny_config("infogan", target="eight_gaussians"), device=CPU)
    q_before = [p.clone() for p in run.nets.extra["Q"].parameters()]
    run.step()
    assert any(not torch.equal(a, b) for a, b in zip(q_before, run.nets.extra["Q"].parameters()))
    lat = run.eval_latent()
    assert lat.z.shape[1] == run.cfg.latent_dim + run.cfg.n_codes_cont and lat.c is not None
    assert run.variant.code_dims(run.cfg) == [run.cfg.latent_dim, run.cfg.latent_dim + 1]
    packed = Run(tiny_config("infogan", pack=2), device=CPU)  # Q reads every sample of a pack
    assert all(math.isfinite(v) for v in packed.step().values())


def test_deligan_mixture_is_trained_by_g():
    run = Run(tiny_config("deligan", mixture_components=5), device=CPU)
    prior = run.nets.prior
    mu, sigma = prior.mu.detach().clone(), prior.sigma.detach().clone()
    assert torch.allclose(sigma, torch.full_like(sigma, 0.2))
    run.step("g")
    assert not torch.equal(mu, prior.mu) and not torch.equal(sigma, prior.sigma)
    with pytest.raises(ConfigError, match="mixture"):
        Run(tiny_config("deligan", prior="normal"), device=CPU)


def test_pacgan_packs_d_input():
    run = Run(tiny_config("pacgan"), device=CPU)
    assert run.cfg.pack == 2 and run.nets.D.in_dim == 4
    with pytest.raises(ConfigError, match="multiple of pack"):
        Run(tiny_config("nsgan", pack=3, batch_size=32), device=CPU)


def test_cyclegan_cycle_loss_by_hand_and_no_latent():
    run = Run(tiny_config("cyclegan2d", target="eight_gaussians", target_b="ring8"), device=CPU)
    nets = run.nets
    v = VARIANTS["cyclegan2d"]
    g_total = lambda real, fake: (v.g_loss(nets, real, fake, run.cfg) +  # what the G step sums
                                  v.g_extra(nets, real, fake, run.cfg)).item()
    nets.G, nets.extra["G_BA"] = torch.nn.Identity(), torch.nn.Identity()
    nets.D, nets.extra["D_A"] = critic_nets().D, critic_nets().D
    a = torch.tensor([[0.5, 0.0], [1.0, 0.0]])
    b = torch.tensor([[0.0, 0.0], [2.0, 0.0]])
    real, fake = Batch(b), Batch(a.clone(), None, a)
    # identity maps: cycle loss 0; least-squares adversarial: (D_B(a) - 1)^2 + (D_A(b) - 1)^2
    expected = (0.25 + 0.0) / 2 + (1.0 + 1.0) / 2
    assert g_total(real, fake) == pytest.approx(expected, abs=1e-6)

    class Shift(torch.nn.Module):
        def forward(self, x):
            return x + torch.tensor([1.0, 0.0])

    nets.G = Shift()  # G_AB(a) = a + (1, 0), G_BA = identity: each cycle term is 1 per point
    shifted = Batch(nets.G(a), None, a)
    adv = (1.5 ** 2 + 2.0 ** 2 - 2 * (1.5 + 2.0) + 2) / 2 + (1.0 + 1.0) / 2
    assert g_total(real, shifted) == pytest.approx(adv + run.cfg.cycle_lambda * 2.0, abs=1e-5)
    assert not VARIANTS["cyclegan2d"].uses_latent
    with pytest.raises(ConfigError, match="no latent prior"):
        Run(tiny_config("cyclegan2d", prior="mixture"), device=CPU)


REMEDIES = [dict(spectral_norm=True), dict(label_smoothing=0.1), dict(minibatch_std=True),
            dict(feature_matching=True), dict(instance_noise=0.1)]


@pytest.mark.parametrize("remedy", REMEDIES, ids=lambda r: next(iter(r)))
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_remedy_combines_with_every_loss(variant, remedy):
    cfg = tiny_config(variant, target="ring8")
    try:
        cfg = cfg.replace(**remedy)
        run = Run(cfg, device=CPU)
    except ConfigError as err:  # a refusal must say why, at config time
        assert str(err)
        return
    for _ in range(2):
        out = run.step()
    assert all(math.isfinite(v) for v in out.values())

"""The variant zoo's losses against hand-computed values or torch.nn.functional, plus
each variant's structural promise (clipping, unrolling, conditioning, codes, cycles,
learnable prior) and the remedies combined with every loss.

Hand-computed cases use D(x) = x0 with real scores [0, 2] and fake scores [-1, 1].
"""
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gan_core.config import Config, ConfigError
from gan_core.run import Run
from gan_core.variants import VARIANTS, config_for
from gan_core.variants.base import Batch, Latent, Nets
from gan_core.variants.turing import TuringNets

from engine_helpers import FixedCritic, batch, critic_nets, tiny_config

CPU = torch.device("cpu")
REAL, FAKE = batch(0.0, 2.0), batch(-1.0, 1.0)
S_REAL, S_FAKE = torch.tensor([0.0, 2.0]), torch.tensor([-1.0, 1.0])
SP = lambda s: math.log1p(math.exp(s))  # softplus
BCE = F.binary_cross_entropy_with_logits


def losses(name, nets=None, cfg=None, real=REAL, fake=FAKE):
    v, nets, cfg = VARIANTS[name], nets or critic_nets(), cfg or Config()
    return v.d_loss(nets, real, fake, cfg).item(), v.g_loss(nets, real, fake, cfg).item()


def run(name, target="eight_gaussians", **kw) -> Run:
    return Run(tiny_config(name, target, **kw), device=CPU)


# --------------------------------------------------------------------------- plain losses
def test_lsgan_by_hand():
    d, g = losses("lsgan")
    assert d == pytest.approx((1 + 1) / 2 + (1 + 1) / 2)  # E(D(x)-1)^2 + E D(G)^2
    assert g == pytest.approx((4 + 0) / 2)  # E(D(G)-1)^2
    ref = F.mse_loss(S_REAL, torch.ones(2)) + F.mse_loss(S_FAKE, torch.zeros(2))
    assert d == pytest.approx(ref.item())
    d_smooth, _ = losses("lsgan", cfg=Config(label_smoothing=0.1))
    assert d_smooth == pytest.approx((0.81 + 1.21) / 2 + 1.0)


def test_wgan_by_hand():
    d, g = losses("wgan", nets=critic_nets(3.0))
    assert d == pytest.approx(3 * 0.0 - 3 * 1.0)  # E C(fake) - E C(real)
    assert g == pytest.approx(0.0)
    _, g = losses("wgan", fake=batch(1.0, 2.0))
    assert g == pytest.approx(-1.5)


def test_hinge_by_hand():
    d, g = losses("hinge")
    assert d == pytest.approx((1 + 0) / 2 + (0 + 2) / 2)
    assert g == pytest.approx(0.0)
    ref = F.relu(1 - S_REAL).mean() + F.relu(1 + S_FAKE).mean()
    assert d == pytest.approx(ref.item())


def test_rsgan_matches_the_reference_code():
    d, g = losses("rsgan")
    assert d == pytest.approx(BCE(S_REAL - S_FAKE, torch.ones(2)).item())
    assert g == pytest.approx(BCE(S_FAKE - S_REAL, torch.ones(2)).item())
    assert d == pytest.approx(SP(-1)) and g == pytest.approx(SP(1))


def test_rasgan_matches_the_reference_code():
    d, g = losses("rasgan")
    ones, zeros = torch.ones(2), torch.zeros(2)
    ref_d = (BCE(S_REAL - S_FAKE.mean(), ones) + BCE(S_FAKE - S_REAL.mean(), zeros)) / 2
    ref_g = (BCE(S_FAKE - S_REAL.mean(), ones) + BCE(S_REAL - S_FAKE.mean(), zeros)) / 2
    assert d == pytest.approx(ref_d.item()) and g == pytest.approx(ref_g.item())
    assert d == pytest.approx((SP(0) + SP(-2)) / 2)  # means: fake 0, real 1
    assert g == pytest.approx((SP(2) + SP(0)) / 2)


@pytest.mark.parametrize("name", ["deligan", "cgan", "pacgan", "unrolled"])
def test_nsgan_family_shares_the_nsgan_d_loss(name):
    nets = critic_nets()
    base = VARIANTS["nsgan"].d_loss(nets, REAL, FAKE, Config()).item()
    assert VARIANTS[name].d_loss(nets, REAL, FAKE, Config()).item() == pytest.approx(base)


# --------------------------------------------------------------------------- Turing GANs
class FixedTuring(nn.Module):
    """E(x) = x, H(h) = h0: T(a, b) = a0 - b0."""
    batch_coupled = False

    def __init__(self):
        super().__init__()
        self.head = nn.Linear(2, 1, bias=False)
        with torch.no_grad():
            self.head.weight.copy_(torch.tensor([[1.0, 0.0]]))

    def features(self, x):
        return x


def turing_nets():
    return TuringNets(nn.Identity(), FixedTuring(), None)


def test_tsgan_by_hand():
    d, g = losses("tsgan", nets=turing_nets())  # t(r, f) = [1, 1], t(f, r) = [-1, -1]
    assert d == pytest.approx(2 * SP(-1))  # -log s(1) - log(1 - s(-1))
    assert g == pytest.approx(2 * SP(1))  # -log(1 - s(1)) - log s(-1)
    t_rf, t_fr = S_REAL - S_FAKE, S_FAKE - S_REAL
    ref = (-torch.log(torch.sigmoid(t_rf)) - torch.log(1 - torch.sigmoid(t_fr))).mean()
    assert d == pytest.approx(ref.item(), abs=1e-6)


def test_tsgan_is_stable_where_the_naive_form_is_not():
    huge = batch(0.0, 0.0), batch(-200.0, -200.0)  # t(r, f) = 200: sigmoid rounds to 1
    d, g = losses("tsgan", nets=turing_nets(), real=huge[0], fake=huge[1])
    assert d == pytest.approx(0.0, abs=1e-6) and g == pytest.approx(400.0)
    assert math.isfinite(d) and math.isfinite(g)


def test_twgan_by_hand():
    d, g = losses("twgan", nets=turing_nets())
    assert d == pytest.approx(-2.0) and g == pytest.approx(2.0)


def test_turing_critic_scores_pairs_through_the_encoder_difference():
    r = run("tsgan")
    x_r, x_f = torch.randn(8, 2), torch.randn(8, 2)
    D = r.nets.D
    D.eval()  # spectral norm: no power iteration between the two evaluations
    t_rf, t_fr = r.nets.score_pair(Batch(x_r), Batch(x_f))
    assert torch.allclose(t_rf, D.head(D.features(x_r) - D.features(x_f)).squeeze(1))
    assert torch.allclose(t_fr, D.pair(x_f, x_r).squeeze(1))
    same = D.pair(x_r, x_r).squeeze(1)  # T(x, x) = H(0) for every x
    assert torch.allclose(same, same[:1].expand(8))
    names = [k for k, _ in r.nets.named_parameters()]  # spectral norm on H and on E
    assert any(n.startswith("D.head.") and "parametrizations" in n for n in names)
    assert any(n.startswith("D.E.") and "parametrizations" in n for n in names)
    assert r.nets.pairwise


# --------------------------------------------------------------------------- WGAN clipping
def test_wgan_clips_every_critic_weight_after_each_d_step():
    r = run("wgan", lr_d=0.5)  # a huge step would leave the box without clipping
    with torch.no_grad():
        for p in r.nets.D.parameters():
            p.mul_(10)
    r.step("d")
    for p in r.nets.D.parameters():
        assert p.abs().max().item() <= r.cfg.clip_value + 1e-9
    assert max(p.abs().max().item() for p in r.nets.D.parameters()) == pytest.approx(0.01)
    cfg = config_for("wgan")
    # the paper's RMSProp, n_critic and c; lr 2e-4, not its 5e-5 (see wgan.py's docstring)
    assert (cfg.optimizer, cfg.lr_d, cfg.k_d, cfg.clip_value) == ("rmsprop", 2e-4, 5, 0.01)


# --------------------------------------------------------------------------- unrolled
def test_unrolled_g_step_leaves_d_untouched():
    r = run("unrolled", spectral_norm=True, unroll_steps=3)
    before = {k: v.clone() for k, v in r.nets.D.state_dict().items()}  # incl. SN vectors
    g_before = [p.clone() for p in r.nets.G.parameters()]
    r.step("g")
    assert all(torch.equal(before[k], v) for k, v in r.nets.D.state_dict().items())
    assert any(not torch.equal(a, b) for a, b in zip(g_before, r.nets.G.parameters()))


def test_unrolled_looks_ahead_and_differentiates_through_the_unroll():
    from torch.func import functional_call

    from gan_core.step import set_lr
    from gan_core.variants.unrolled import unrolled_params
    r = run("unrolled")
    v, nets = r.variant, r.nets
    real = r.draw_real(32, torch.Generator().manual_seed(1))
    z = torch.randn(32, 2, generator=torch.Generator().manual_seed(2))
    fake = Batch(nets.G(z))
    ns = VARIANTS["nsgan"]
    # with a zero step the look-ahead D is D itself: G's loss is minus D's (the saddle)
    set_lr(r.opts.d, 0.0)
    still = v.g_loss(nets, real, fake, r.cfg).item()
    assert still == pytest.approx(-ns.d_loss(nets, real, fake, r.cfg).item(), abs=1e-6)
    # the unrolled steps descend D's loss ...
    set_lr(r.opts.d, 0.05)
    cfg = r.cfg.replace(unroll_steps=5)
    state = unrolled_params(nets, real, Batch(fake.x.detach()), cfg)
    d_loss_at = lambda s: (BCE(functional_call(nets.D, s, (real.x,)).squeeze(1), torch.ones(32)) +
                           BCE(functional_call(nets.D, s, (fake.x.detach(),)).squeeze(1), torch.zeros(32)))
    assert d_loss_at(state).item() < ns.d_loss(nets, real, Batch(fake.x.detach()), cfg).item()
    # ... and G's gradient flows through them (it differs from the gradient against the final D alone)
    x = fake.x.detach().requires_grad_(True)
    (g_full,) = torch.autograd.grad(v.g_loss(nets, real, Batch(x), cfg), x)
    frozen = {k: t.detach() for k, t in unrolled_params(nets, real, Batch(x.detach()), cfg).items()}
    (g_final,) = torch.autograd.grad(-d_loss_at_x(nets, frozen, real, x), x)
    assert not torch.allclose(g_full, g_final, atol=1e-7)


def d_loss_at_x(nets, state, real, x):
    from torch.func import functional_call
    s_real = functional_call(nets.D, state, (real.x,)).squeeze(1)
    s_fake = functional_call(nets.D, state, (x,)).squeeze(1)
    return F.softplus(-s_real).mean() + F.softplus(s_fake).mean()


def test_unrolled_follows_d_adam_state_so_a_tiny_look_ahead_is_the_plain_gradient():
    """After real training D's Adam moments are set; a look-ahead of lr 1e-7 must leave
    G's gradient that of the plain saddle objective (the RMS-normalised step did not)."""
    from gan_core.step import set_lr
    r = run("unrolled")
    for _ in range(30):
        r.step()
    nets, v = r.nets, r.variant
    real = r.draw_real(64, torch.Generator().manual_seed(1))
    x = nets.G(torch.randn(64, 2, generator=torch.Generator().manual_seed(2))).detach()
    x.requires_grad_(True)
    set_lr(r.opts.d, 1e-7)
    (g_unrolled,) = torch.autograd.grad(v.g_loss(nets, real, Batch(x), r.cfg), x)
    plain = {k: p.detach() for k, p in nets.D.named_parameters()}
    (g_plain,) = torch.autograd.grad(-d_loss_at_x(nets, plain, real, x), x)
    assert F.cosine_similarity(g_unrolled.flatten(), g_plain.flatten(), dim=0) > 0.999
    set_lr(r.opts.d, 1e-2)  # and a real look-ahead does change it
    (g_far,) = torch.autograd.grad(v.g_loss(nets, real, Batch(x), r.cfg), x)
    assert F.cosine_similarity(g_far.flatten(), g_plain.flatten(), dim=0) < 0.999


# --------------------------------------------------------------------------- cGAN
def test_cgan_output_is_steered_by_the_condition():
    r = run("cgan")
    assert r.nets.D.in_dim == 2 + 8 and r.nets.G.in_dim == 2 + 8
    z = torch.randn(16, 2, generator=torch.Generator().manual_seed(0))
    x0 = r.generate(Latent(z, torch.zeros(16, dtype=torch.long)))
    x3 = r.generate(Latent(z, torch.full((16,), 3)))
    assert abs(x0 - x3).max() > 1e-4
    real = r.draw_real(64, torch.Generator().manual_seed(0))
    assert real.c is not None and real.c.max() < 8  # real points carry their mode index


def test_pacgan_packs_d_input():
    r = run("pacgan")
    assert r.cfg.pack == 2 and r.nets.D.in_dim == 2 * 2  # two points per D input


# --------------------------------------------------------------------------- InfoGAN
def test_infogan_latent_layout_and_codes():
    r = run("infogan", latent_dim=3, n_codes_cont=2)
    lat = r.sample_latent(100, seed=0)
    assert lat.z.shape == (100, 5) and lat.c.shape == (100,) and int(lat.c.max()) < 8
    assert r.variant.code_dims(r.cfg) == [3, 4]
    assert lat.z[:, 3:].abs().max() <= 1  # codes ~ U(-1, 1)
    layout = r.variant.latent_layout(r.cfg, r.target)
    assert layout.lever_names() == ["z0", "z1", "z2", "code 0", "code 1"]
    assert (layout.categories, layout.category_role) == (8, "code")
    assert run("infogan", "spiral").nets.n_classes == 8  # no modes: default 8 categories


def test_infogan_q_is_trained_in_both_steps():
    r = run("infogan")
    Q = r.nets.extra["Q"]
    q0 = [p.clone() for p in Q.parameters()]
    r.step("d")
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in Q.parameters())
    q1 = [p.clone() for p in Q.parameters()]
    assert any(not torch.equal(a, b) for a, b in zip(q0, q1))
    r.step("g")
    assert any(not torch.equal(a, b) for a, b in zip(q1, Q.parameters()))


def test_infogan_info_loss_by_hand():
    from gan_core.variants.infogan import info_loss

    class Fixed(nn.Module):  # Q outputs [logits (2) | continuous code (1)] = features
        def forward(self, h):
            return h

    nets = Nets(nn.Identity(), FixedCritic(), None, n_classes=2, g_cond=True,
                extra={"Q": Fixed()})
    nets.D.features = lambda x: x  # (N, 3)
    x = torch.tensor([[2.0, 0.0, 0.5], [0.0, 1.0, -1.0]])
    fake = Batch(x, torch.tensor([0, 0]), torch.tensor([[0.0, 1.0], [0.0, 0.0]]))  # last col = code
    cfg = Config(n_codes_cont=1, info_lambda_cat=1.0, info_lambda_cont=0.1)
    ce = F.cross_entropy(x[:, :2], fake.c).item()
    mse = ((0.5 - 1.0) ** 2 + (-1.0 - 0.0) ** 2) / 2
    assert info_loss(nets, fake, cfg).item() == pytest.approx(ce + 0.1 * mse)


def test_infogan_q_unpacks_packed_inputs():
    r = run("infogan", pack=2, n_codes_cont=1)
    assert r.nets.extra["Q"].out_features == 2 * (8 + 1)
    out = r.step()
    assert math.isfinite(out["d_loss"]) and math.isfinite(out["g_loss"])


# --------------------------------------------------------------------------- CycleGAN
class Scale(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.s = nn.Parameter(torch.tensor(float(s)))

    def forward(self, x):
        return self.s * x


def test_cyclegan_cycle_loss_by_hand():
    v = VARIANTS["cyclegan2d"]
    a = torch.tensor([[1.0, -2.0], [0.5, 0.5]])
    b = torch.tensor([[0.0, 3.0], [-1.0, 1.0]])
    D_A = FixedCritic()
    nets = Nets(Scale(2.0), FixedCritic(), None, extra={"G_BA": Scale(1.0), "D_A": D_A})
    cfg = Config(cycle_lambda=10.0)
    fake = Batch(nets.G(a), None, a)
    # F(G(a)) - a = a and G(F(b)) - b = b: the cycle term is E|a|_1 + E|b|_1
    cycle = (3.0 + 1.0) / 2 + (3.0 + 2.0) / 2
    adv_f = ((0.0 - 1) ** 2 + (-1.0 - 1) ** 2) / 2  # D_A(F(b)) = b0
    assert v.g_extra(nets, Batch(b), fake, cfg).item() == pytest.approx(adv_f + 10 * cycle)
    assert v.g_loss(nets, Batch(b), fake, cfg).item() == pytest.approx(((2 - 1) ** 2 + (1 - 1) ** 2) / 2)
    nets.extra["G_BA"] = Scale(0.5)  # F = G^-1: no cycle loss left
    adv_f = ((0 - 1) ** 2 + (-0.5 - 1) ** 2) / 2
    assert v.g_extra(nets, Batch(b), fake, cfg).item() == pytest.approx(adv_f)
    # D: LS on D_B (b real, G(a) fake) and on D_A (a real, F(b) fake)
    d = v.d_loss(nets, Batch(b), fake, cfg).item()
    assert d == pytest.approx(((0 - 1) ** 2 + (-1 - 1) ** 2) / 2 + (4 + 1) / 2 +
                              ((1 - 1) ** 2 + (0.5 - 1) ** 2) / 2 + (0 + 0.25) / 2)


def test_cyclegan_maps_data_not_noise():
    r = run("cyclegan2d", target="spiral", target_b="ring8")
    lat = r.sample_latent(500, seed=0)
    assert getattr(r.nets.prior, "is_data", False) and lat.c is None
    assert r.variant.latent_layout(r.cfg, r.target).from_data
    spiral_pts = r.target.denormalise(lat.z).numpy()  # the inputs are spiral points
    assert abs(spiral_pts).max() <= 1.2
    assert r.out_target.name == "ring8" and r.draw_real(8, r.gen).x.shape == (8, 2)
    before = {k: v.clone() for k, v in r.nets.state_dict().items()}
    r.step()
    after = r.nets.state_dict()
    for prefix in ("G.", "D.", "extra.G_BA.", "extra.D_A."):
        assert any(not torch.equal(before[k], after[k]) for k in after if k.startswith(prefix)), prefix
    assert r.colours(lat).shape == (500, 3)


# --------------------------------------------------------------------------- DeLiGAN
def test_deligan_mixture_is_trained_by_the_g_optimiser():
    r = run("deligan")
    prior = r.nets.prior
    assert prior.mu.shape == (50, 2) and torch.allclose(prior.sigma, torch.full((50, 2), 0.2))
    in_g = {id(p) for group in r.opts.g.param_groups for p in group["params"]}
    in_d = {id(p) for group in r.opts.d.param_groups for p in group["params"]}
    assert {id(prior.mu), id(prior.sigma)} <= in_g and not ({id(prior.mu), id(prior.sigma)} & in_d)
    mu, sigma = prior.mu.clone(), prior.sigma.clone()
    r.step("d")
    assert torch.equal(mu, prior.mu) and torch.equal(sigma, prior.sigma)
    r.step("g")
    assert prior.mu.grad is not None and prior.sigma.grad is not None
    assert not torch.equal(mu, prior.mu) and not torch.equal(sigma, prior.sigma)


def test_mixture_prior_plugs_into_other_losses():
    for name in ("lsgan", "hinge", "rsgan"):
        r = run(name, prior="mixture", mixture_components=5)
        sigma = r.nets.prior.sigma.clone()
        r.step()
        assert not torch.equal(sigma, r.nets.prior.sigma), name


# --------------------------------------------------------------------------- refusals
@pytest.mark.parametrize("name,target,kw,match", [
    ("cgan", "spiral", {}, "needs a target with modes"),
    ("cyclegan2d", "spiral", {"prior": "mixture"}, "no latent prior"),
    ("cyclegan2d", "spiral", {"prior": "uniform"}, "no latent prior"),
    ("cyclegan2d", "spiral", {"target_b": "nope"}, "target B"),
    ("cyclegan2d", "spiral", {"target_b": "custom"}, "target B"),
    ("cyclegan2d", "spiral", {"latent_dim": 3}, "latent_dim must stay 2"),
    ("pacgan", "ring8", {"pack": 1}, "2, 3 or 4"),
    ("pacgan", "ring8", {"pack": 3, "batch_size": 32}, "multiple of pack"),
    ("deligan", "ring8", {"prior": "normal"}, "mixture"),
    ("wgan", "ring8", {"label_smoothing": 0.1}, "label smoothing"),
    ("hinge", "ring8", {"label_smoothing": 0.1}, "label smoothing"),
    ("twgan", "ring8", {"label_smoothing": 0.1}, "label smoothing"),
    ("wgan", "ring8", {"clip_value": 0.0}, "clip_value"),
    ("unrolled", "ring8", {"feature_matching": True}, "feature matching"),
    ("unrolled", "ring8", {"unroll_steps": 0}, "unroll steps"),
    ("tsgan", "ring8", {"spectral_norm": False}, "spectral"),
    ("infogan", "ring8", {"n_codes_cont": 99}, "continuous codes"),
])
def test_impossible_combinations_are_refused_at_config_time(name, target, kw, match):
    with pytest.raises(ConfigError, match=match):
        run(name, target, **kw)


# --------------------------------------------------------------------------- remedies x losses
REMEDIES = {
    "spectral_norm": dict(spectral_norm=True),
    "label_smoothing": dict(label_smoothing=0.1),  # real target 0.9
    "minibatch_std": dict(minibatch_std=True),
    "feature_matching": dict(feature_matching=True),
    "instance_noise": dict(instance_noise=0.1),
    "pack": dict(pack=2),
}


def documented_refusal(name: str, remedy: str) -> bool:
    return ((remedy == "label_smoothing" and not VARIANTS[name].uses_labels)
            or (remedy == "feature_matching" and name == "unrolled"))


@pytest.mark.parametrize("remedy", list(REMEDIES))
@pytest.mark.parametrize("name", list(VARIANTS))
def test_every_remedy_combines_with_every_loss(name, remedy):
    """Exactly the documented refusals, at config time; every other pair trains."""
    kw = REMEDIES[remedy]
    if documented_refusal(name, remedy):
        with pytest.raises(ConfigError, match=remedy.replace("_", " ")):
            run(name, **kw)
        return
    r = run(name, **kw)
    for _ in range(2):
        out = r.step()
    assert set(out) >= {"d_loss", "g_loss"}
    assert all(math.isfinite(x) for x in out.values()), out
    assert r.params_finite()


@pytest.mark.parametrize("name", list(VARIANTS))
def test_all_remedies_at_once(name):
    kw = dict(spectral_norm=True, minibatch_std=True, instance_noise=0.05, pack=2,
              feature_matching=name != "unrolled",
              label_smoothing=0.1 if VARIANTS[name].uses_labels else 0.0)
    out = run(name, "eight_gaussians", **kw).step()
    assert all(math.isfinite(x) for x in out.values()), out


def test_feature_matching_replaces_the_adversarial_g_loss():
    plain = run("lsgan").step("g")["g_loss"]
    fm = run("lsgan", feature_matching=True).step("g")["g_loss"]
    assert plain != pytest.approx(fm)

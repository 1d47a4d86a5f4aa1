"""One test class covers every registered variant: registering a variant tests it."""
import math

import pytest
import torch
import torch.nn.functional as F

from gan_core.config import Config, ConfigError
from gan_core.distributions import TARGETS
from gan_core.run import Run
from gan_core.variants import VARIANTS, config_for, get_variant
from gan_core.variants.base import Variant

from engine_helpers import batch, critic_nets, tiny_config



def allowed_pairs():
    """Every (variant, target) the variant accepts; refusals are tested separately."""
    pairs = []
    for vname, variant in VARIANTS.items():
        for tname in TARGETS:
            if tname == "custom":
                continue
            cfg = tiny_config(vname, tname)
            try:
                variant.check(cfg, TARGETS[tname])
            except ConfigError:
                continue
            pairs.append((vname, tname))
    return pairs


@pytest.mark.parametrize("variant,target", allowed_pairs())
class TestEveryVariant:
    def test_trains_a_few_steps(self, variant, target):
        run = Run(tiny_config(variant, target), device=torch.device("cpu"))
        before = {k: v.clone() for k, v in run.nets.state_dict().items()}
        for _ in range(3):
            out = run.step()
        assert out and all(math.isfinite(v) for v in out.values()), out
        after = run.nets.state_dict()
        changed_g = any(not torch.equal(before[k], after[k]) for k in after if k.startswith("G."))
        changed_d = any(not torch.equal(before[k], after[k]) for k in after if k.startswith("D."))
        assert changed_g and changed_d
        fake = run.generate(run.eval_latent())
        assert fake.shape == (run.cfg.eval_size, 2) and fake.dtype.name == "float32"

    def test_single_d_and_g_steps_touch_only_their_network(self, variant, target):
        run = Run(tiny_config(variant, target), device=torch.device("cpu"))
        g_before = [p.clone() for p in run.nets.G.parameters()]
        out = run.step("d")
        assert "d_loss" in out and "g_loss" not in out
        assert all(torch.equal(a, b) for a, b in zip(g_before, run.nets.G.parameters()))
        d_before = [p.clone() for p in run.nets.D.parameters()]
        out = run.step("g")
        assert "g_loss" in out and "d_loss" not in out
        assert all(torch.equal(a, b) for a, b in zip(d_before, run.nets.D.parameters()))


def test_every_variant_documents_itself():
    for name, v in VARIANTS.items():
        assert v.name == name
        assert v.paper and v.summary
        doc = type(v).__doc__ or __import__(type(v).__module__, fromlist=["x"]).__doc__
        assert doc and len(doc) > 40, name
        Config().replace(**v.defaults)  # defaults name real fields


def test_unknown_variant_is_a_clear_error():
    with pytest.raises(ConfigError, match="unknown variant"):
        get_variant("nope")


def test_wgan_gp_defaults_follow_the_paper():
    cfg = config_for("wgan_gp")
    # the paper's n_critic and Adam; lambda is the authors' toy value (gan_toy.py), not 10
    assert (cfg.k_d, cfg.gp_lambda, cfg.lr_d, cfg.beta1, cfg.beta2) == (5, 0.1, 1e-4, 0.5, 0.9)


def test_standard_losses_share_the_nsgan_recipe():
    # The TTUR rates (4e-4 / 1e-4) kept 6-7 of ring8's 8 modes; equal rates 1e-3 decaying
    # to 1e-4, minibatch std in D and an EMA of G kept all 8 (benchmarks/fidelity.py --variants)
    for name in ("nsgan", "minimax", "lsgan", "hinge", "rsgan", "rasgan", "deligan"):
        cfg = config_for(name)
        assert (cfg.lr_d, cfg.lr_g, cfg.minibatch_std, cfg.g_ema, cfg.lr_decay_steps, cfg.lr_floor) \
            == (1e-3, 1e-3, True, 0.999, 12000, 0.1), name
    cfg = config_for("pacgan")  # the same, with the pack in place of minibatch std
    assert (cfg.pack, cfg.minibatch_std, cfg.lr_d, cfg.g_ema) == (2, False, 1e-3, 0.999)


def test_every_variant_shows_an_average_of_g():
    """The EMA of G's weights costs no steps and keeps samples on the modes (issue 20)."""
    for name in VARIANTS:
        assert config_for(name).g_ema == 0.999, name


def test_steps_needed_covers_the_decay_and_stays_reasonable():
    """A variant is judged (benchmarks/fidelity.py --variants) after max(6,000,
    steps_needed) steps: its step size must have finished decaying by then."""
    assert Variant.steps_needed == 0
    for name, v in VARIANTS.items():
        cfg = config_for(name)
        assert 0 <= v.steps_needed <= 20000, name
        assert cfg.lr_decay_steps <= max(6000, v.steps_needed), name


def test_gradient_penalty_shares_eps_within_a_pack():
    from gan_core.variants.wgan_gp import interpolate
    real, fake = torch.ones(12, 2), torch.zeros(12, 2)
    x_hat = interpolate(real, fake, 3, torch.Generator().manual_seed(0))  # eps itself, per row
    packs = x_hat[:, 0].reshape(4, 3)  # (N / pack, pack): one critic input per row
    assert torch.equal(packs, packs[:, :1].expand(4, 3))
    assert len(set(packs[:, 0].tolist())) == 4  # but a fresh eps for every pack


# ---- hand-computed losses: D(x) = x0, real scores [0, 2], fake scores [-1, 1]
REAL, FAKE = batch(0.0, 2.0), batch(-1.0, 1.0)
SP = lambda s: math.log1p(math.exp(s))  # softplus


def test_nsgan_losses_by_hand():
    v, nets, cfg = VARIANTS["nsgan"], critic_nets(), Config()
    d = v.d_loss(nets, REAL, FAKE, cfg)
    assert d.item() == pytest.approx((SP(0) + SP(-2)) / 2 + (SP(-1) + SP(1)) / 2, abs=1e-6)
    assert d.item() == pytest.approx(1.223300, abs=1e-5)
    assert v.g_loss(nets, REAL, FAKE, cfg).item() == pytest.approx(0.813262, abs=1e-5)


def test_nsgan_matches_torch_bce_reference():
    v, nets, cfg = VARIANTS["nsgan"], critic_nets(), Config()
    s_real, s_fake = torch.tensor([0.0, 2.0]), torch.tensor([-1.0, 1.0])
    ref = F.binary_cross_entropy(torch.sigmoid(s_real), torch.ones(2)) + \
        F.binary_cross_entropy(torch.sigmoid(s_fake), torch.zeros(2))
    assert v.d_loss(nets, REAL, FAKE, cfg).item() == pytest.approx(ref.item(), abs=1e-6)


def test_label_smoothing_moves_only_the_real_target():
    v, nets = VARIANTS["nsgan"], critic_nets()
    cfg = Config(label_smoothing=0.1)
    s_real, s_fake = torch.tensor([0.0, 2.0]), torch.tensor([-1.0, 1.0])
    ref = F.binary_cross_entropy(torch.sigmoid(s_real), torch.full((2,), 0.9)) + \
        F.binary_cross_entropy(torch.sigmoid(s_fake), torch.zeros(2))
    assert v.d_loss(nets, REAL, FAKE, cfg).item() == pytest.approx(ref.item(), abs=1e-6)


def test_minimax_generator_loss_by_hand():
    v, nets, cfg = VARIANTS["minimax"], critic_nets(), Config()
    # E log(1 - sigmoid(s)) over s = -1, 1
    expected = (math.log(1 - 1 / (1 + math.e)) + math.log(1 - 1 / (1 + math.exp(-1)))) / 2
    assert v.g_loss(nets, REAL, FAKE, cfg).item() == pytest.approx(expected, abs=1e-6)
    assert expected == pytest.approx(-0.813262, abs=1e-5)


def test_wgan_gp_by_hand():
    v, cfg = VARIANTS["wgan_gp"], Config(gp_lambda=10.0)
    # slope 1: gradient norm is exactly 1, so no penalty; E C(fake) - E C(real) = 0 - 1
    assert v.d_loss(critic_nets(1.0), REAL, FAKE, cfg).item() == pytest.approx(-1.0, abs=1e-6)
    # slope 2: scores double and every gradient norm is 2 -> penalty (2-1)^2 = 1
    assert v.d_loss(critic_nets(2.0), REAL, FAKE, cfg).item() == pytest.approx(-2.0 + 10.0, abs=1e-5)
    assert v.g_loss(critic_nets(2.0), REAL, FAKE, cfg).item() == pytest.approx(0.0, abs=1e-6)

"""CycleGAN on 2-D point sets (Zhu, Park, Isola & Efros 2017, "Unpaired Image-to-Image
Translation using Cycle-Consistent Adversarial Networks").

Two generators G: A -> B and F = G_BA: B -> A, two discriminators D_B and D_A, least-squares
adversarial losses as in the paper, and the cycle loss:
    D_B: min  E (D_B(b) - 1)^2 + E D_B(G(a))^2          D_A: same with a and F(b)
    G, F: min  E (D_B(G(a)) - 1)^2 + E (D_A(F(b)) - 1)^2
               + lambda * (E |F(G(a)) - a|_1 + E |G(F(b)) - b|_1),   lambda = 10

This variant maps data, not noise: there is no latent prior. A is `cfg.target`, B is
`cfg.target_b`; both are normalised. In the shared contract:
- `Latent.z` holds points of A (normalised units), drawn by `nets.prior`, a `DataInput`
  that is explicitly not a prior (`is_data = True`); `latent_layout().from_data` says so;
- `make_data` yields B, the real data, and `output_target` is B, so samples are G(a)
  in B's units and the (a, G(a)) pairs are the arrows of the learned map;
- `nets.G`/`nets.D` are G and D_B; F and D_A live in `nets.extra` as "G_BA" and "D_A";
- `g_loss` is G's adversarial term (feature matching may stand in for it); F's term and
  the cycle loss are `g_extra`, which the G step always adds. |.|_1 is per point (|dx| + |dy|).
Defaults: the paper's Adam (2e-4, beta1 0.5) and lambda; the map shown is an EMA of G's
weights (0.999): eight_gaussians -> ring8 reached all 8 modes of B with it, 4 without.
"""
from __future__ import annotations

import numpy as np
import torch

from ..config import ConfigError
from ..i18n import Msg
from ..distributions import FixedDataset, TARGETS
from ..latent import latent_colours
from ..nets import make_discriminator, make_generator
from ..targets import get_target
from .base import Batch, Latent, LatentLayout, Nets, Variant, data_dim, real_label


class DataInput:
    """Points of target A, normalised, standing where a prior would: not a latent."""
    is_data = True
    name = "data"

    def __init__(self, target):
        self.target, self.dim = target, data_dim(target)

    def sample(self, n, gen=None):  # (N, 2)
        x, _ = self.target.sample(n, gen)
        return self.target.normalise(x).float()

    def unit_coords(self, z) -> np.ndarray:  # (N, 2) in [0, 1]: angle and radius in A
        z = np.asarray(z.detach().cpu() if isinstance(z, torch.Tensor) else z, np.float64)
        angle = (np.arctan2(z[:, 1], z[:, 0]) / (2 * np.pi)) % 1.0
        radius = np.linalg.norm(z, axis=1)
        return np.stack([angle, np.clip(radius / 1.5, 0, 1)], 1)

    def colours(self, z) -> np.ndarray:  # (N, 3): hue by angle in A, value by radius
        uv = self.unit_coords(z)
        return latent_colours(uv[:, 0], uv[:, 1])

    def lever_range(self):
        return (-1.5, 1.5)  # normalised units of A


def lsq(scores, target: float):
    return (scores - target).pow(2).mean()


def score_with(nets, D, x):  # (N, 2) -> (N / pack,)
    return D(nets.d_input(Batch(x))).squeeze(1)


class CycleGAN2D(Variant):
    name = "cyclegan2d"
    paper = "Zhu et al. 2017"
    summary = "Maps target A to target B and back (no noise): two G, two D and a cycle-consistency loss."
    defaults = {"optimizer": "adam", "lr_d": 2e-4, "lr_g": 2e-4, "beta1": 0.5, "beta2": 0.999,
                "cycle_lambda": 10.0, "target_b": "ring8", "g_ema": 0.999}
    uses_latent = False
    live_fields = Variant.live_fields + ("cycle_lambda",)
    pinned = {"prior": ("normal", "errors.pinned.cyclegan2d_prior")}

    def check(self, cfg, target):
        super().check(cfg, target)
        if cfg.target_b not in TARGETS or cfg.target_b == "custom":
            raise ConfigError(Msg("errors.cyclegan2d_target_b", name=repr(cfg.target_b),
                                  known=", ".join(TARGETS)))
        if data_dim(target) != 2 or cfg.latent_dim != 2:
            raise ConfigError(Msg("errors.cyclegan2d_2d"))
        if cfg.target_b == cfg.target:
            raise ConfigError(Msg("errors.cyclegan2d_same"))
        if cfg.cycle_lambda < 0:
            raise ConfigError(Msg("errors.nonneg", name="cycle_lambda"))

    def latent_layout(self, cfg, target):
        return LatentLayout(2, from_data=True)

    def build(self, cfg, target):
        G, F = make_generator(cfg, 2, 2), make_generator(cfg, 2, 2)
        D_B, D_A = make_discriminator(cfg, 2 * cfg.pack), make_discriminator(cfg, 2 * cfg.pack)
        return Nets(G, D_B, DataInput(target), pack=cfg.pack, extra={"G_BA": F, "D_A": D_A})

    def make_data(self, cfg, target, gen):
        target_b = self.output_target(cfg, target)
        source = FixedDataset(target_b, cfg.dataset_size, gen) if cfg.dataset_size else target_b

        def draw(n, g):
            x, _ = source.sample(n, g)
            return Batch(target_b.normalise(x))

        return draw

    def output_target(self, cfg, target):
        return get_target(cfg.target_b)

    def sample_latent(self, nets, n, gen):
        return Latent(nets.prior.sample(n, gen).to(next(nets.G.parameters()).device))

    def d_params(self, nets):
        return list(nets.D.parameters()) + list(nets.extra["D_A"].parameters())

    def g_params(self, nets):
        return list(nets.G.parameters()) + list(nets.extra["G_BA"].parameters())

    # real = b (target B), fake = G(a) with fake.z = a
    def d_loss(self, nets, real, fake, cfg):
        with torch.no_grad():
            fake_a = nets.extra["G_BA"](real.x)  # (N, 2)
        s_b, s_gb = nets.score_pair(real, fake)
        s_a = score_with(nets, nets.extra["D_A"], fake.z)
        s_fa = score_with(nets, nets.extra["D_A"], fake_a)
        return (lsq(s_b, real_label(cfg)) + lsq(s_gb, 0.0) +
                lsq(s_a, real_label(cfg)) + lsq(s_fa, 0.0))

    def g_loss(self, nets, real, fake, cfg):
        """G's adversarial term against D_B (feature matching may stand in for it)."""
        return lsq(nets.score(fake), 1.0)

    def g_extra(self, nets, real, fake, cfg):
        """F's adversarial term against D_A and the cycle loss."""
        F, a, b = nets.extra["G_BA"], fake.z, real.x
        fake_a = F(b)  # (N, 2)
        adv_f = lsq(score_with(nets, nets.extra["D_A"], fake_a), 1.0)
        fake_b = nets.G(a)  # G(a) again, without the instance noise D saw
        cycle = (F(fake_b) - a).abs().sum(1).mean() + (nets.G(fake_a) - b).abs().sum(1).mean()
        return adv_f + cfg.cycle_lambda * cycle


VARIANT = CycleGAN2D()

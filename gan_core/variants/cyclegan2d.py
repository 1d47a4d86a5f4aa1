"""CycleGAN on 2-D data (Zhu et al. 2017, "Unpaired Image-to-Image Translation using
Cycle-Consistent Adversarial Networks").

No noise here: G_AB maps samples of target A (the config's `target`) onto target B
(`target_b`), F = G_BA maps back, and D_B, D_A judge each domain:
D: min  BCE(D_B(b), 1) + BCE(D_B(G_AB(a)), 0) + BCE(D_A(a), 1) + BCE(D_A(F(b)), 0)
G: min  BCE(D_B(G_AB(a)), 1) + BCE(D_A(F(b)), 1)
        + lambda * (||F(G_AB(a)) - a||_1 + ||G_AB(F(b)) - b||_1),   lambda = 10
So the "latent" of this variant is data: Latent.z holds points of A (normalised), and
the views show where each point of A is sent in B, coloured by its place in A.
"""
import numpy as np
import torch
import torch.nn.functional as F

from ..config import ConfigError
from ..distributions import get_target
from ..latent import latent_colours
from ..nets import make_discriminator, make_generator
from .base import Batch, Latent, Nets, Variant, bce_logits, data_dim, real_label


class DataSource:
    """Stands where a prior would: draws points of A; colours them by position in A."""

    def __init__(self, target):
        self.target, self.dim = target, 2

    def sample(self, n, gen=None):
        x, _ = self.target.sample(n, gen)
        return self.target.normalise(x)

    def unit_coords(self, z):
        z = z.detach().cpu().numpy() if isinstance(z, torch.Tensor) else np.asarray(z)
        return np.clip((z[:, :2] + 1.2) / 2.4, 0, 1)

    def colours(self, z):
        uv = self.unit_coords(z)
        return latent_colours(uv[:, 0], uv[:, 1])

    def lever_range(self):
        return (-1.2, 1.2)


class CycleGAN2D(Variant):
    name = "cyclegan2d"
    paper = "Zhu et al. 2017"
    summary = "Maps target A onto target B and back (no noise): the arrows show the learned A->B map."
    uses_latent = False
    defaults = {"target_b": "ring8", "cycle_lambda": 10.0, "optimizer": "adam",
                "lr_d": 2e-4, "lr_g": 2e-4, "beta1": 0.5, "beta2": 0.999}

    def check(self, cfg, target):
        super().check(cfg, target)
        if cfg.pack > 1 or cfg.prior == "mixture":
            raise ConfigError("cyclegan2d maps data to data: it has no latent prior and no packing")
        try:
            b = get_target(cfg.target_b)
        except ValueError as err:
            raise ConfigError(f"cyclegan2d target B: {err}") from None
        if data_dim(b) != 2 or data_dim(target) != 2:
            raise ConfigError("cyclegan2d maps between 2-D targets")
        if cfg.target_b == cfg.target:
            raise ConfigError("cyclegan2d needs two different targets (A and target_b)")

    def build(self, cfg, target):
        G_AB, G_BA = make_generator(cfg, 2, 2), make_generator(cfg, 2, 2)
        D_B, D_A = make_discriminator(cfg, 2), make_discriminator(cfg, 2)
        nets = Nets(G_AB, D_B, DataSource(target), extra={"G_BA": G_BA, "D_A": D_A})
        return nets

    def make_data(self, cfg, target, gen):
        return super().make_data(cfg, get_target(cfg.target_b), gen)

    def output_target(self, cfg, target):
        return get_target(cfg.target_b)

    def sample_latent(self, nets, n, gen):
        return Latent(nets.prior.sample(n, gen).to(next(nets.G.parameters()).device))

    def d_params(self, nets):
        return list(nets.D.parameters()) + list(nets.extra["D_A"].parameters())

    def g_params(self, nets):
        return list(nets.G.parameters()) + list(nets.extra["G_BA"].parameters())

    def d_loss(self, nets, real, fake, cfg):
        s_b, s_ab = nets.score_pair(real, fake)
        a = fake.z
        with torch.no_grad():
            ba = nets.extra["G_BA"](real.x)
        d_a = nets.extra["D_A"]
        return (bce_logits(s_b, real_label(cfg)) + bce_logits(s_ab, 0.0)
                + bce_logits(d_a(a).squeeze(1), real_label(cfg)) + bce_logits(d_a(ba).squeeze(1), 0.0))

    def g_loss(self, nets, real, fake, cfg):
        a, b, ab = fake.z, real.x, fake.x
        ba = nets.extra["G_BA"](b)
        adv = F.softplus(-nets.score(fake)).mean() + \
            F.softplus(-nets.extra["D_A"](ba).squeeze(1)).mean()
        cycle = (nets.extra["G_BA"](ab) - a).abs().sum(1).mean() + (nets.G(ba) - b).abs().sum(1).mean()
        return adv + cfg.cycle_lambda * cycle


VARIANT = CycleGAN2D()

"""PacGAN (Lin et al. 2018, "PacGAN: The power of two samples in generative adversarial networks").

D judges m samples at once, concatenated along features: D([x_1, ..., x_m]). A
collapsed G produces packs of near-identical samples, which D learns to spot.
Loss here is NS-GAN over packs:
D: min  BCE(D(pack(x)), 1) + BCE(D(pack(G(z))), 0)     G: min  BCE(D(pack(G(z))), 1)
Packing is a plug-in: the `pack` option works with every loss (Nets.d_input packs).
"""
import torch.nn.functional as F

from ..config import ConfigError
from .base import Variant, bce_logits, real_label


class PacGAN(Variant):
    name = "pacgan"
    paper = "Lin et al. 2018"
    summary = "D sees packs of m samples (default 2), so a collapsed G is easy to catch."
    g_uses_real = False
    defaults = {"pack": 2, "optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4,
                "beta1": 0.5, "beta2": 0.999}

    def check(self, cfg, target):
        super().check(cfg, target)
        if not 2 <= cfg.pack <= 4:
            raise ConfigError("pacgan packs 2, 3 or 4 samples per D input (pack option)")

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return bce_logits(s_real, real_label(cfg)) + bce_logits(s_fake, 0.0)

    def g_loss(self, nets, real, fake, cfg):
        return F.softplus(-nets.score(fake)).mean()


VARIANT = PacGAN()

"""Conditional GAN (Mirza & Osindero 2014, "Conditional Generative Adversarial Nets").

G and D both see a condition c, concatenated to their inputs:
D: min  BCE(D(x, c), 1) + BCE(D(G(z, c), c), 0)
G: min  BCE(D(G(z, c), c), 1)        (non-saturating form)
Here c is the mode index of a target with modes (the digit class for digits), so
G(z, c) is steerable: fix c and the levers move the sample within one mode.
"""
import torch.nn.functional as F

from .base import Variant, bce_logits, real_label


class CGAN(Variant):
    name = "cgan"
    paper = "Mirza & Osindero 2014"
    summary = "G and D both get the mode index: pick the mode, the levers move within it."
    conditional = True
    g_uses_real = False
    defaults = {"optimizer": "adam", "lr_d": 2e-4, "lr_g": 2e-4, "beta1": 0.5, "beta2": 0.999}

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return bce_logits(s_real, real_label(cfg)) + bce_logits(s_fake, 0.0)

    def g_loss(self, nets, real, fake, cfg):
        return F.softplus(-nets.score(fake)).mean()


VARIANT = CGAN()

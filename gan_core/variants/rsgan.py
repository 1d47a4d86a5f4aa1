"""Relativistic standard GAN (Jolicoeur-Martineau 2018, "The relativistic discriminator:
a key element missing from standard GAN"; code: AlexiaJM/RelativisticGAN).

D: min  BCEWithLogits(C(x_r) - C(x_f), 1)      (pairs: real i with fake i)
G: min  BCEWithLogits(C(x_f) - C(x_r), 1)
D estimates the probability that a real sample is more realistic than a fake one,
so G's step also pushes real scores down: both halves of the batch carry gradient.
Defaults: the code's Adam (beta1 0.5, beta2 0.999) with lr_d 4e-4 > lr_g 1e-4 (TTUR): the
paper's equal rates were tuned for images; with them G kept 2 of eight_gaussians' 8 modes.
"""
from .base import Variant, bce_logits, real_label


class RSGAN(Variant):
    name = "rsgan"
    paper = "Jolicoeur-Martineau 2018"
    summary = "D judges whether a real sample is more realistic than a paired fake, not each alone."
    defaults = {"optimizer": "adam", "lr_d": 4e-4, "lr_g": 1e-4, "beta1": 0.5, "beta2": 0.999}

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return bce_logits(s_real - s_fake, real_label(cfg))

    def g_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return bce_logits(s_fake - s_real, 1.0)


VARIANT = RSGAN()

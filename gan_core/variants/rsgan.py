"""Relativistic standard GAN (Jolicoeur-Martineau 2018, "The relativistic discriminator:
a key element missing from standard GAN"; code: AlexiaJM/RelativisticGAN).

D: min  BCEWithLogits(C(x_r) - C(x_f), 1)      (pairs: real i with fake i)
G: min  BCEWithLogits(C(x_f) - C(x_r), 1)
D estimates the probability that a real sample is more realistic than a fake one,
so G's step also pushes real scores down: both halves of the batch carry gradient.
Defaults: the code's Adam (beta1 0.5, beta2 0.999) with NS-GAN's recipe (see nsgan.py): equal
rates 1e-3 decaying to 1e-4 over 12,000 steps, minibatch std in D, an EMA of G (0.999). Equal
rates alone kept 2 of eight_gaussians' 8 modes; the TTUR rates used before (4e-4 / 1e-4)
kept 7 of ring8's 8.
"""
from .base import Variant, bce_logits, real_label


class RSGAN(Variant):
    name = "rsgan"
    paper = "Jolicoeur-Martineau 2018"
    summary = "D judges whether a real sample is more realistic than a paired fake, not each alone."
    stackable = True
    defaults = {"optimizer": "adam", "lr_d": 1e-3, "lr_g": 1e-3, "beta1": 0.5, "beta2": 0.999,
                "minibatch_std": True, "g_ema": 0.999, "lr_decay_steps": 12000}
    steps_needed = 12000  # the NS-GAN recipe (nsgan.py): judged once the rate has decayed

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return bce_logits(s_real - s_fake, real_label(cfg))

    def g_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return bce_logits(s_fake - s_real, 1.0)


VARIANT = RSGAN()

"""Relativistic average standard GAN (Jolicoeur-Martineau 2018; AlexiaJM/RelativisticGAN).

Each sample is compared with the batch mean of the other kind instead of one paired
sample (the code's averaging over the two terms is kept):
D: min  [BCE(C(x_r) - E C(x_f), 1) + BCE(C(x_f) - E C(x_r), 0)] / 2
G: min  [BCE(C(x_f) - E C(x_r), 1) + BCE(C(x_r) - E C(x_f), 0)] / 2
Defaults: the code's Adam (beta1 0.5, beta2 0.999) with NS-GAN's recipe (see nsgan.py): equal
rates 1e-3 decaying to 1e-4 over 12,000 steps, minibatch std in D, an EMA of G (0.999). Equal
rates alone kept 2 of eight_gaussians' 8 modes; the TTUR rates used before (4e-4 / 1e-4)
gave ring8 8/8 on seed 0, but unevenly (reverse KL 0.12) and at HQ 85%.
"""
from .base import Variant, bce_logits, real_label


class RaSGAN(Variant):
    name = "rasgan"
    paper = "Jolicoeur-Martineau 2018"
    summary = "Relativistic, against the batch average: each sample is judged relative to the mean of the other kind."
    stackable = True
    defaults = {"optimizer": "adam", "lr_d": 1e-3, "lr_g": 1e-3, "beta1": 0.5, "beta2": 0.999,
                "minibatch_std": True, "g_ema": 0.999, "lr_decay_steps": 12000}
    steps_needed = 12000  # the NS-GAN recipe (nsgan.py): judged once the rate has decayed

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)  # averages per member: (..., N)
        return (bce_logits(s_real - s_fake.mean(-1, keepdim=True), real_label(cfg)) +
                bce_logits(s_fake - s_real.mean(-1, keepdim=True), 0.0)) / 2

    def g_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return (bce_logits(s_fake - s_real.mean(-1, keepdim=True), 1.0) +
                bce_logits(s_real - s_fake.mean(-1, keepdim=True), 0.0)) / 2


VARIANT = RaSGAN()

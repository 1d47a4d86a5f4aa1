"""Hinge loss GAN (Lim & Ye 2017, "Geometric GAN"; as used by Miyato et al. 2018, SN-GAN).

D: min  E max(0, 1 - D(x)) + E max(0, 1 + D(G(z)))
G: min  -E D(G(z))
D stops pushing a sample once it is past the margin, so only the samples near the
boundary shape it (a soft-margin SVM between real and fake).
Defaults: SAGAN's rates for the hinge loss, lr_d 4e-4 > lr_g 1e-4 (TTUR, Zhang et al. 2019),
here with Adam (0.5, 0.9). With equal rates G's unbounded loss overshot D and landed on 1 mode of 8.
"""
import torch.nn.functional as F

from .base import UNLABELLED_LIVE_FIELDS, Variant


class Hinge(Variant):
    name = "hinge"
    paper = "Lim & Ye 2017"
    summary = "Margin loss for D (SVM-like, ignores samples past the margin); G raises D's raw score."
    g_uses_real = False
    defaults = {"optimizer": "adam", "lr_d": 4e-4, "lr_g": 1e-4, "beta1": 0.5, "beta2": 0.9}
    uses_labels = False
    critic_unbounded = True
    live_fields = UNLABELLED_LIVE_FIELDS

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return F.relu(1 - s_real).mean() + F.relu(1 + s_fake).mean()

    def g_loss(self, nets, real, fake, cfg):
        return -nets.score(fake).mean()


VARIANT = Hinge()

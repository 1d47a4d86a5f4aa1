"""Hinge loss GAN (Lim & Ye 2017, "Geometric GAN"; as used by Miyato et al. 2018, SN-GAN).

D: min  E max(0, 1 - D(x)) + E max(0, 1 + D(G(z)))
G: min  -E D(G(z))
D stops pushing a sample once it is past the margin, so only the samples near the
boundary shape it (a soft-margin SVM between real and fake).
Defaults: Adam (0.5, 0.9) with NS-GAN's recipe (see nsgan.py): equal rates 1e-3 decaying to
1e-4 over 12,000 steps, minibatch std in D, an EMA of G (0.999). SAGAN's TTUR rates (4e-4 /
1e-4) kept 7 of ring8's 8 modes; equal rates without minibatch std once overshot D and
landed on 1 mode of eight_gaussians' 8.
"""
import torch.nn.functional as F

from .base import UNLABELLED_LIVE_FIELDS, Variant


class Hinge(Variant):
    name = "hinge"
    paper = "Lim & Ye 2017"
    summary = "Margin loss for D (SVM-like, ignores samples past the margin); G raises D's raw score."
    stackable = True
    g_uses_real = False
    defaults = {"optimizer": "adam", "lr_d": 1e-3, "lr_g": 1e-3, "beta1": 0.5, "beta2": 0.9,
                "minibatch_std": True, "g_ema": 0.999, "lr_decay_steps": 12000}
    steps_needed = 12000  # the NS-GAN recipe (nsgan.py): judged once the rate has decayed
    uses_labels = False
    critic_unbounded = True
    live_fields = UNLABELLED_LIVE_FIELDS

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return F.relu(1 - s_real).mean() + F.relu(1 + s_fake).mean()

    def g_loss(self, nets, real, fake, cfg):
        return -nets.score(fake).mean()


VARIANT = Hinge()

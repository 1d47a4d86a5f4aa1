"""Non-saturating GAN (Goodfellow et al. 2014, "Generative Adversarial Nets", sec. 3).

D: max  E log D(x) + E log(1 - D(G(z)))      -> BCE(D(x), 1) + BCE(D(G(z)), 0)
G: max  E log D(G(z))                        -> -E log sigmoid(D(G(z))) = E softplus(-D(G(z)))
The G loss keeps strong gradients early, when D rejects every fake.
Defaults (the paper gives no Adam values): equal rates 1e-3, falling linearly to 1e-4 over
12,000 steps; a minibatch-std feature in D (Karras et al. 2018); and what is shown is an
EMA of G's weights (0.999, Yazici et al. 2019). The TTUR rates used before (4e-4 / 1e-4)
kept 6-7 of ring8's 8 modes (seed 1: still 7 at 12,000 steps, with or without minibatch
std); minibatch std with the higher, decaying rates lets D see a batch that lacks variety,
and the EMA lands the samples on the modes, where the raw G keeps oscillating around them.
"""
import torch.nn.functional as F

from .base import Variant, bce_logits, real_label


class NSGAN(Variant):
    name = "nsgan"
    paper = "Goodfellow et al. 2014"
    summary = "G maximises log D(G(z)) instead of minimising log(1 - D(G(z))): strong early gradients."
    stackable = True
    g_uses_real = False
    defaults = {"optimizer": "adam", "lr_d": 1e-3, "lr_g": 1e-3, "beta1": 0.5, "beta2": 0.999,
                "minibatch_std": True, "g_ema": 0.999, "lr_decay_steps": 12000}
    steps_needed = 12000  # judged once the rate has decayed (seed 1 had 7 of ring8's 8 modes at 5,500)

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return bce_logits(s_real, real_label(cfg)) + bce_logits(s_fake, 0.0)

    def g_loss(self, nets, real, fake, cfg):
        return F.softplus(-nets.score(fake)).mean()


VARIANT = NSGAN()

"""Non-saturating GAN (Goodfellow et al. 2014, "Generative Adversarial Nets", sec. 3).

D: max  E log D(x) + E log(1 - D(G(z)))      -> BCE(D(x), 1) + BCE(D(G(z)), 0)
G: max  E log D(G(z))                        -> -E log sigmoid(D(G(z))) = E softplus(-D(G(z)))
The G loss keeps strong gradients early, when D rejects every fake.
Defaults: the paper gives no Adam values; lr_d 4e-4 > lr_g 1e-4 (TTUR, Heusel et al. 2017)
because with equal rates G hopped between modes and kept 1-4 of eight_gaussians' 8.
"""
import torch.nn.functional as F

from .base import Variant, bce_logits, real_label


class NSGAN(Variant):
    name = "nsgan"
    paper = "Goodfellow et al. 2014"
    summary = "G maximises log D(G(z)) instead of minimising log(1 - D(G(z))): strong early gradients."
    g_uses_real = False
    defaults = {"optimizer": "adam", "lr_d": 4e-4, "lr_g": 1e-4, "beta1": 0.5, "beta2": 0.999}

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return bce_logits(s_real, real_label(cfg)) + bce_logits(s_fake, 0.0)

    def g_loss(self, nets, real, fake, cfg):
        return F.softplus(-nets.score(fake)).mean()


VARIANT = NSGAN()

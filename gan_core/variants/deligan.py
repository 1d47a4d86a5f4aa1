"""DeLiGAN (Gurumurthy et al. 2017, "DeLiGAN: GANs for Diverse and Limited Data").

The latent is a learnable mixture of N gaussians, z = mu_i + sigma_i * eps with
i ~ U{1..N} and eps ~ N(0, I); mu and sigma are trained by G's optimiser through the
reparameterisation. sigma is kept from collapsing to 0 by lambda * mean((sigma - 1)^2)
added to G's loss. Defaults from the toy code: N = 50, mu ~ U(-1, 1), sigma = 0.2,
lambda = 0.1. DeLiGAN is a plug-in on the prior: `prior=mixture` combines it with any
loss; this entry uses the NS-GAN loss:
D: min  BCE(D(x), 1) + BCE(D(G(z)), 0)        G: min  BCE(D(G(z)), 1)
"""
import torch.nn.functional as F

from ..config import ConfigError
from .base import Variant, bce_logits, real_label


class DeLiGAN(Variant):
    name = "deligan"
    paper = "Gurumurthy et al. 2017"
    summary = "Learnable mixture-of-gaussians latent (50 components): more diverse samples from little data."
    g_uses_real = False
    defaults = {"prior": "mixture", "mixture_components": 50, "mixture_sigma_reg": 0.1,
                "optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4, "beta1": 0.5, "beta2": 0.999}

    def check(self, cfg, target):
        super().check(cfg, target)
        if cfg.prior != "mixture":
            raise ConfigError("deligan's latent is a learnable mixture: set prior to 'mixture' "
                              "(or use prior=mixture with any other variant)")

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return bce_logits(s_real, real_label(cfg)) + bce_logits(s_fake, 0.0)

    def g_loss(self, nets, real, fake, cfg):
        return F.softplus(-nets.score(fake)).mean()


VARIANT = DeLiGAN()

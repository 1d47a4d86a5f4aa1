"""WGAN with weight clipping (Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN", alg. 1).

Critic: min  E C(G(z)) - E C(x),  then clip every critic weight to [-c, c]
G:      min  -E C(G(z))
The critic's output is linear. Clipping is a crude way to keep C Lipschitz, so the
critic estimates the Wasserstein-1 distance up to a scale. Defaults from the paper:
c = 0.01, RMSProp lr 5e-5 (momentum made it unstable), n_critic = 5.
"""
import torch

from ..config import ConfigError
from .base import UNLABELLED_LIVE_FIELDS, Variant


class WGAN(Variant):
    name = "wgan"
    paper = "Arjovsky et al. 2017"
    summary = "Wasserstein critic kept Lipschitz by clipping its weights to ±0.01 after each step."
    g_uses_real = False
    defaults = {"optimizer": "rmsprop", "lr_d": 5e-5, "lr_g": 5e-5, "k_d": 5, "k_g": 1,
                "clip_value": 0.01}
    uses_labels = False
    critic_unbounded = True
    live_fields = UNLABELLED_LIVE_FIELDS + ("clip_value",)

    def check(self, cfg, target):
        super().check(cfg, target)
        if not cfg.clip_value > 0:
            raise ConfigError("wgan needs clip_value > 0: it is what keeps the critic Lipschitz")

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return s_fake.mean() - s_real.mean()

    def g_loss(self, nets, real, fake, cfg):
        return -nets.score(fake).mean()

    @torch.no_grad()
    def after_d_step(self, nets, cfg):
        for p in self.d_params(nets):
            p.clamp_(-cfg.clip_value, cfg.clip_value)


VARIANT = WGAN()

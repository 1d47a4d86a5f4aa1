"""WGAN with weight clipping (Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN", alg. 1).

Critic: min  E C(G(z)) - E C(x),  then clip every critic weight to [-c, c]
G:      min  -E C(G(z))
The critic's output is linear. Clipping is a crude way to keep C Lipschitz, so the
critic estimates the Wasserstein-1 distance up to a scale. Defaults from the paper:
c = 0.01, RMSProp (momentum made it unstable), n_critic = 5; but lr 2e-4, not its 5e-5,
decaying to 2e-5 over 12,000 steps, and an EMA of G (0.999) for what is shown. At 5e-5
G had reached 5 of ring8's 8 modes at HQ 30% after 6,000 steps; at 5e-4 it never
settled (HQ 2%); 2e-4 with the decay gave 8/8 at HQ 66-80%.
"""
import torch

from ..config import ConfigError
from ..i18n import Msg
from .base import UNLABELLED_LIVE_FIELDS, Variant


class WGAN(Variant):
    name = "wgan"
    paper = "Arjovsky et al. 2017"
    summary = "Wasserstein critic kept Lipschitz by clipping its weights to ±0.01 after each step."
    g_uses_real = False
    defaults = {"optimizer": "rmsprop", "lr_d": 2e-4, "lr_g": 2e-4, "k_d": 5, "k_g": 1,
                "clip_value": 0.01, "g_ema": 0.999, "lr_decay_steps": 12000}
    steps_needed = 12000  # judged once the rate has decayed
    uses_labels = False
    critic_unbounded = True
    live_fields = UNLABELLED_LIVE_FIELDS + ("clip_value",)

    def check(self, cfg, target):
        super().check(cfg, target)
        if not cfg.clip_value > 0:
            raise ConfigError(Msg("errors.wgan_clip"))

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

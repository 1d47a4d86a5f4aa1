"""Unrolled GAN (Metz et al. 2017, "Unrolled Generative Adversarial Networks").

G's update looks k steps ahead: it is taken against D_k, the critic after k further
gradient steps on the current batch, and the gradient flows back through those steps:
theta_{i+1} = theta_i - lr_d * grad_theta L_D(theta_i)       (i = 0..k-1, k = 5)
G: min  BCE(D_{theta_k}(G(z)), 1)          D: the plain NS-GAN update
A G that collapses onto one mode is punished by D's foreseen reaction. The unroll
uses plain gradient steps (the paper used Adam inside the unroll too) on copies of
D's weights through torch.func.functional_call: D's own weights never change in a
G step and no module is copied.
"""
import torch
import torch.nn.functional as F
from torch.func import functional_call

from ..config import ConfigError
from .base import Batch, Variant, bce_logits, real_label


def unrolled_params(nets, real: Batch, fake: Batch, cfg, steps: int) -> dict:
    params = {k: v.detach().requires_grad_(True) for k, v in nets.D.named_parameters()}
    fake_d = Batch(fake.x.detach(), fake.c)
    x = torch.cat([nets.d_input(real), nets.d_input(fake_d)])
    n = x.shape[0] // 2
    for _ in range(steps):
        s = functional_call(nets.D, params, (x,)).squeeze(1)
        loss = bce_logits(s[:n], real_label(cfg)) + bce_logits(s[n:], 0.0)
        grads = torch.autograd.grad(loss, list(params.values()), create_graph=True)
        params = {k: p - cfg.lr_d * g for (k, p), g in zip(params.items(), grads)}
    return params


class Unrolled(Variant):
    name = "unrolled"
    paper = "Metz et al. 2017"
    summary = "G optimises against D after k=5 look-ahead steps, so collapsing onto one mode does not pay."
    defaults = {"unroll_steps": 5, "optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4,
                "beta1": 0.5, "beta2": 0.999}

    def check(self, cfg, target):
        super().check(cfg, target)
        if not 1 <= cfg.unroll_steps <= 20:
            raise ConfigError("unroll_steps must be between 1 and 20")
        if cfg.d_batchnorm or cfg.spectral_norm or cfg.minibatch_std:
            raise ConfigError("unrolled keeps D plain: turn off D batchnorm, spectral norm "
                              "and minibatch std")

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return bce_logits(s_real, real_label(cfg)) + bce_logits(s_fake, 0.0)

    def g_loss(self, nets, real, fake, cfg):
        params = unrolled_params(nets, real, fake, cfg, cfg.unroll_steps)
        s_fake = functional_call(nets.D, params, (nets.d_input(fake),)).squeeze(1)
        return F.softplus(-s_fake).mean()


VARIANT = Unrolled()

"""WGAN-GP (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs").

Critic: min  E C(G(z)) - E C(x) + lambda * E (||grad_x^ C(x^)||_2 - 1)^2,
        x^ = eps x + (1 - eps) G(z), eps ~ U(0, 1) per sample.
G:      min  -E C(G(z))
Defaults from the paper: lambda = 10, n_critic = 5, Adam(lr 1e-4, betas 0.5, 0.9).
"""
import torch

from .base import UNLABELLED_LIVE_FIELDS, Batch, Variant


def gradient_penalty(nets, real, fake):
    eps = torch.rand(real.x.shape[0], 1, generator=nets.rng).to(real.x.device)
    x_hat = (eps * real.x + (1 - eps) * fake.x).requires_grad_(True)
    scores = nets.score(Batch(x_hat, real.c))
    (grad,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)
    grad = grad.reshape(scores.shape[0], -1)  # packed samples share one critic score
    return (grad.norm(dim=1) - 1).pow(2).mean()


class WGANGP(Variant):
    name = "wgan_gp"
    paper = "Gulrajani et al. 2017"
    summary = "Wasserstein critic with a gradient penalty keeping it 1-Lipschitz: smooth, stable gradients."
    g_uses_real = False
    defaults = {"optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4, "beta1": 0.5, "beta2": 0.9,
                "k_d": 5, "k_g": 1, "gp_lambda": 10.0}
    uses_labels = False
    live_fields = UNLABELLED_LIVE_FIELDS + ("gp_lambda",)

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return s_fake.mean() - s_real.mean() + cfg.gp_lambda * gradient_penalty(nets, real, fake)

    def g_loss(self, nets, real, fake, cfg):
        return -nets.score(fake).mean()


VARIANT = WGANGP()

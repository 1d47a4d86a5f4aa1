"""WGAN-GP (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs").

Critic: min  E C(G(z)) - E C(x) + lambda * E (||grad_x^ C(x^)||_2 - 1)^2,
        x^ = eps x + (1 - eps) G(z), eps ~ U(0, 1) per critic input (per pack).
G:      min  -E C(G(z))
Defaults from the paper: n_critic = 5, Adam(lr 1e-4, betas 0.5, 0.9). lambda = 0.1, the
authors' toy value (gan_toy.py): the paper's 10 is for images; on our toys it oscillated.
What is shown is an EMA of G's weights (0.999): the raw G oscillates around the modes
(grid25 HQ 18% at 6,000 steps without it).
"""
import torch

from .base import UNLABELLED_LIVE_FIELDS, Batch, Variant


def interpolate(real, fake, pack, rng):  # (..., N, dim), (..., N, dim) -> (..., N, dim)
    """x^ on the segment from fake to real, with one eps per critic input: a pack of m
    samples is one point of D's input space, so all m share one eps. rng is a
    torch.Generator, or a callable n -> (..., n, 1) uniforms (a batched ensemble's, which
    draws each member's eps from that member's own generator)."""
    n = real.shape[-2] // pack
    eps = rng(n) if callable(rng) else torch.rand(n, 1, generator=rng)
    eps = eps.to(real.device).repeat_interleave(pack, dim=-2)  # (..., N, 1)
    return eps * real + (1 - eps) * fake


def gradient_penalty(nets, real, fake):
    x_hat = interpolate(real.x, fake.x, nets.pack, nets.rng).requires_grad_(True)
    scores = nets.score(Batch(x_hat, real.c))
    (grad,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)
    grad = grad.reshape(*scores.shape, -1)  # packed samples share one critic score
    return (grad.norm(dim=-1) - 1).pow(2).mean()


class WGANGP(Variant):
    name = "wgan_gp"
    paper = "Gulrajani et al. 2017"
    summary = "Wasserstein critic with a gradient penalty keeping it 1-Lipschitz: smooth, stable gradients."
    stackable = True
    g_uses_real = False
    defaults = {"optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4, "beta1": 0.5, "beta2": 0.9,
                "k_d": 5, "k_g": 1, "gp_lambda": 0.1, "g_ema": 0.999}
    uses_labels = False
    critic_unbounded = True
    live_fields = UNLABELLED_LIVE_FIELDS + ("gp_lambda",)

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return s_fake.mean() - s_real.mean() + cfg.gp_lambda * gradient_penalty(nets, real, fake)

    def g_loss(self, nets, real, fake, cfg):
        return -nets.score(fake).mean()


VARIANT = WGANGP()

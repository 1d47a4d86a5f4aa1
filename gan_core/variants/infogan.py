"""InfoGAN (Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by
Information Maximizing Generative Adversarial Nets").

G gets noise z plus codes: one categorical code c (K categories) and `n_codes_cont`
continuous codes u ~ U(-1, 1). A head Q on D's body predicts the codes from a sample,
and both players also minimise the variational bound on -I(codes; G(z, c, u)):
L_I = lambda_cat * CE(Q_cat(G(z,c,u)), c) + lambda_cont * ||Q_cont(G(z,c,u)) - u||^2
D: min  BCE(D(x), 1) + BCE(D(G), 0) + L_I      (Q is trained with D)
G: min  BCE(D(G), 1) + L_I
Defaults: lambda_cat = 1, lambda_cont = 0.1 (MSE, a fixed-variance Gaussian likelihood).
The codes become levers that mean something: on eight_gaussians c tends to pick the mode.
Layout of the latent: Latent.z = [noise (latent_dim), continuous codes], Latent.c = c.
"""
import torch
import torch.nn.functional as F
from torch import nn

from ..config import ConfigError
from ..nets import make_discriminator, make_generator
from .base import Latent, Nets, Variant, bce_logits, data_dim, real_label

DEFAULT_CATEGORIES = 8


def n_categories(target) -> int:
    return target.n_classes if target.n_classes > 1 else DEFAULT_CATEGORIES


def info_loss(nets, fake, cfg):
    q = nets.extra["Q"](nets.d_features(fake))  # (N, K + n_cont)
    k = nets.n_classes
    loss = cfg.info_lambda_cat * F.cross_entropy(q[:, :k], fake.c)
    if cfg.n_codes_cont:
        codes = fake.z[:, -cfg.n_codes_cont:]
        loss = loss + cfg.info_lambda_cont * F.mse_loss(q[:, k:], codes)
    return loss


class InfoGAN(Variant):
    name = "infogan"
    paper = "Chen et al. 2016"
    summary = "Extra categorical and continuous codes that a Q head must recover: levers with meaning."
    defaults = {"n_codes_cont": 2, "info_lambda_cat": 1.0, "info_lambda_cont": 0.1,
                "optimizer": "adam", "lr_d": 2e-4, "lr_g": 2e-4, "beta1": 0.5, "beta2": 0.999}
    g_uses_real = False

    def check(self, cfg, target):
        super().check(cfg, target)
        if cfg.pack > 1:
            raise ConfigError("infogan's Q head reads one sample at a time: use pack 1")

    def build(self, cfg, target):
        k, dim = n_categories(target), data_dim(target)
        G = make_generator(cfg, cfg.latent_dim + cfg.n_codes_cont + k, dim)
        D = make_discriminator(cfg, dim * cfg.pack)
        Q = nn.Linear(D.feature_dim, k + cfg.n_codes_cont)
        return Nets(G, D, self.make_prior(cfg), n_classes=k, g_cond=True, d_cond=False,
                    pack=cfg.pack, extra={"Q": Q})

    def code_dims(self, cfg) -> list[int]:
        """Indices in Latent.z of the continuous codes (the rest is noise)."""
        return list(range(cfg.latent_dim, cfg.latent_dim + cfg.n_codes_cont))

    def sample_latent(self, nets, n, gen):
        z = nets.prior.sample(n, gen)
        codes = torch.rand(n, nets.G.in_dim - z.shape[1] - nets.n_classes, generator=gen) * 2 - 1
        c = torch.randint(0, nets.n_classes, (n,), generator=gen)
        return Latent(torch.cat([z, codes.to(z.device)], dim=1), c.to(z.device))

    def d_params(self, nets):
        return list(nets.D.parameters()) + list(nets.extra["Q"].parameters())

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        gan = bce_logits(s_real, real_label(cfg)) + bce_logits(s_fake, 0.0)
        return gan + info_loss(nets, fake, cfg)

    def g_loss(self, nets, real, fake, cfg):
        return F.softplus(-nets.score(fake)).mean() + info_loss(nets, fake, cfg)


VARIANT = InfoGAN()

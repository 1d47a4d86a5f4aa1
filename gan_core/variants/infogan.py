"""InfoGAN (Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by
Information Maximizing Generative Adversarial Nets").

G gets codes besides the noise: one categorical code c ~ U{0..K-1} and C continuous
codes u ~ U(-1, 1). An auxiliary head Q on D's body predicts the codes from G(z, c, u),
and both G and Q minimise the variational bound on -I(codes; G(z, c, u)):
    L_I = lambda_cat * CE(Q_cat(x), c) + lambda_cont * MSE(Q_cont(x), u)
(MSE is the Gaussian log-likelihood with fixed unit variance, up to scale and a constant.)
D: min  BCE(D(x), 1) + BCE(D(G), 0) + L_I        (Q and D's body learn to read the codes)
G: min  E softplus(-D(G)) + L_I                  (G learns to write them; Q trains here too)
lambda_cat = 1, lambda_cont = 0.1. K is the target's mode count when it has modes (the
hope: one category per mode of eight_gaussians), else 8.
Defaults: Adam 2e-4 both (beta1 0.5) and an EMA of G (0.999) for what is shown; with one
code value per mode NS-GAN's minibatch std and decay are not needed (ring8 8/8, HQ 99%).

Levers: Latent.z = [noise (latent_dim) | continuous codes (n_codes_cont)] and
Latent.c = the categorical code. `code_dims(cfg)` lists the code columns of z.
"""
import torch
import torch.nn.functional as F
from torch import nn

from ..config import ConfigError
from ..i18n import Msg
from ..nets import make_discriminator, make_generator
from .base import Latent, LatentLayout, Nets, data_dim
from .nsgan import NSGAN

DEFAULT_CATEGORIES = 8
MAX_CODES = 16


def n_categories(target) -> int:
    return target.n_classes if target.has_modes else DEFAULT_CATEGORIES


def info_loss(nets, fake, cfg) -> torch.Tensor:
    """lambda_cat * CE(Q_cat, c) + lambda_cont * MSE(Q_cont, u) on a fake batch."""
    k = nets.n_classes
    q = nets.extra["Q"](nets.d_features(fake))  # (N / pack, pack * (K + C))
    q = q.reshape(fake.x.shape[0], -1)  # (N, K + C): unpack in d_input's order
    loss = cfg.info_lambda_cat * F.cross_entropy(q[:, :k], fake.c)
    if cfg.n_codes_cont:
        codes = fake.z[:, -cfg.n_codes_cont:]  # (N, C)
        loss = loss + cfg.info_lambda_cont * F.mse_loss(q[:, k:], codes)
    return loss


class InfoGAN(NSGAN):
    name = "infogan"
    paper = "Chen et al. 2016"
    summary = "Extra categorical and continuous codes that an auxiliary head Q must recover: levers that mean something."
    defaults = {"optimizer": "adam", "lr_d": 2e-4, "lr_g": 2e-4, "beta1": 0.5, "beta2": 0.999,
                "g_ema": 0.999, "n_codes_cont": 2,
                "info_lambda_cat": 1.0, "info_lambda_cont": 0.1}
    steps_needed = 0  # not NS-GAN's 12,000: there is no decay to wait for
    live_fields = NSGAN.live_fields + ("info_lambda_cat", "info_lambda_cont")

    def check(self, cfg, target):
        super().check(cfg, target)
        if not 0 <= cfg.n_codes_cont <= MAX_CODES:
            raise ConfigError(Msg("errors.infogan_codes", limit=MAX_CODES, n=cfg.n_codes_cont))
        if cfg.info_lambda_cat < 0 or cfg.info_lambda_cont < 0:
            raise ConfigError(Msg("errors.infogan_lambdas"))

    def code_dims(self, cfg) -> list[int]:
        """Columns of Latent.z that are continuous codes (they follow the noise)."""
        return list(range(cfg.latent_dim, cfg.latent_dim + cfg.n_codes_cont))

    def latent_layout(self, cfg, target):
        return LatentLayout(cfg.latent_dim, cfg.n_codes_cont, n_categories(target), "code")

    def build(self, cfg, target):
        k, dim = n_categories(target), data_dim(target)
        G = make_generator(cfg, cfg.latent_dim + cfg.n_codes_cont + k, dim)
        D = make_discriminator(cfg, dim * cfg.pack)
        # One linear layer on D's shared body, as in the paper (which shares all of D).
        Q = nn.Linear(D.feature_dim, cfg.pack * (k + cfg.n_codes_cont))
        # g_cond: G reads the categorical code as a one-hot; D never sees it.
        nets = Nets(G, D, self.make_prior(cfg), n_classes=k, g_cond=True, d_cond=False,
                    pack=cfg.pack, extra={"Q": Q})
        nets.n_codes_cont = cfg.n_codes_cont
        return nets

    def sample_latent(self, nets, n, gen):
        z = nets.prior.sample(n, gen)  # (N, latent_dim)
        codes = (2 * torch.rand(n, nets.n_codes_cont, generator=gen) - 1).to(z.device)  # (N, C)
        c = torch.randint(0, nets.n_classes, (n,), generator=gen).to(z.device)
        return Latent(torch.cat([z, codes], dim=1), c)

    def d_params(self, nets):
        return list(nets.D.parameters()) + list(nets.extra["Q"].parameters())

    def g_params(self, nets):
        return super().g_params(nets) + list(nets.extra["Q"].parameters())

    def d_loss(self, nets, real, fake, cfg):
        return super().d_loss(nets, real, fake, cfg) + info_loss(nets, fake, cfg)

    def g_extra(self, nets, real, fake, cfg):
        return info_loss(nets, fake, cfg)


VARIANT = InfoGAN()

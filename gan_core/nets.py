"""MLP generator and discriminator.

The discriminator is split into `features` (its body) and `head`, because
feature matching, InfoGAN's Q head, the Turing GAN's encoder and the tutorial's
2-D feature-space plot all need the body's output.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm as _sn

from .config import Config


def make_activation(name: str, slope: float = 0.2) -> nn.Module:
    # In place: the Linear before it does not need its own output for backward, and the
    # saved allocation is a measurable share of a small-MLP step on CPU.
    table = {"relu": lambda: nn.ReLU(inplace=True), "tanh": nn.Tanh,
             "leaky_relu": lambda: nn.LeakyReLU(slope, inplace=True)}
    return table[name]()


def mlp(in_dim, width, depth, act, slope, batchnorm=False, sn=False) -> nn.Sequential:
    """depth hidden layers of `width`, each Linear -> [BatchNorm] -> activation."""
    layers, dim = [], in_dim
    for _ in range(depth):
        linear = nn.Linear(dim, width)
        layers.append(_sn(linear) if sn else linear)
        if batchnorm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(make_activation(act, slope))
        dim = width
    return nn.Sequential(*layers)


class Generator(nn.Module):
    def __init__(self, in_dim, out_dim, width, depth, act="relu", slope=0.2,
                 batchnorm=False, output="linear"):
        super().__init__()
        self.in_dim, self.out_dim = in_dim, out_dim
        self.body = mlp(in_dim, width, depth, act, slope, batchnorm)
        self.out = nn.Linear(width, out_dim)
        self.squash = output == "tanh"

    def forward(self, z):  # (N, in_dim) -> (N, out_dim)
        x = self.out(self.body(z))
        return torch.tanh(x) if self.squash else x


class MinibatchStd(nn.Module):
    """Appends the batch's mean feature std as one extra feature (ProGAN's form of
    minibatch discrimination): a collapsed batch has a tell-tale small value."""

    def forward(self, h):  # (N, F) -> (N, F + 1)
        # + 1e-8 as in ProGAN: sqrt'(0) is infinite, and a dead ReLU unit has zero spread,
        # which turned WGAN-GP's double backward into NaN.
        std = (h.var(dim=0, unbiased=False) + 1e-8).sqrt().mean()
        return torch.cat([h, std.expand(h.shape[0], 1)], dim=1)


class Discriminator(nn.Module):
    def __init__(self, in_dim, width, depth, act="relu", slope=0.2, batchnorm=False,
                 sn=False, feature_dim=0, minibatch_std=False, out_dim=1):
        super().__init__()
        self.in_dim = in_dim
        body = mlp(in_dim, width, depth, act, slope, batchnorm, sn)
        feat = width
        if feature_dim:
            # The tutorial's bottleneck (dense 16, 16, then 2, then 1) so features can be plotted.
            linear = nn.Linear(width, feature_dim)
            body.append(_sn(linear) if sn else linear)
            body.append(make_activation(act, slope))
            feat = feature_dim
        self.body = body
        self.feature_dim = feat
        self.mbstd = MinibatchStd() if minibatch_std else None
        head = nn.Linear(feat + (1 if minibatch_std else 0), out_dim)
        self.head = _sn(head) if sn else head
        # Batch statistics mix real and fake if both go through one forward.
        self.batch_coupled = batchnorm or minibatch_std

    def features(self, x):  # (N, in_dim) -> (N, feature_dim)
        return self.body(x)

    def forward(self, x):  # (N, in_dim) -> (N, out_dim)
        h = self.features(x)
        if self.mbstd is not None:
            h = self.mbstd(h)
        return self.head(h)


def make_generator(cfg: Config, in_dim: int, out_dim: int = 2) -> Generator:
    return Generator(in_dim, out_dim, cfg.g_width, cfg.g_depth, cfg.activation,
                     cfg.leaky_slope, cfg.g_batchnorm, cfg.g_output)


def make_discriminator(cfg: Config, in_dim: int, out_dim: int = 1) -> Discriminator:
    return Discriminator(in_dim, cfg.d_width, cfg.d_depth, cfg.activation, cfg.leaky_slope,
                         cfg.d_batchnorm, cfg.spectral_norm, cfg.d_feature_dim,
                         cfg.minibatch_std, out_dim)


def param_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())

"""Shared structure of the Turing GANs (Su 2018, "Training Generative Adversarial
Networks Via Turing Test"; bojone/T-GANs).

The critic judges pairs: T(x_r, x_f) = h(E(x_r) - E(x_f)), with an encoder E (D's MLP
body, ending in `d_feature_dim` units, 16 by default) and a linear head h, all
spectrally normalised. Pairs are formed index by index within a batch.
"""
import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from ..nets import Discriminator
from .base import Nets, Variant, data_dim

ENCODER_DIM = 16


class TuringBase(Variant):
    def encoder_dim(self, cfg) -> int:
        return cfg.d_feature_dim or ENCODER_DIM

    def build(self, cfg, target):
        nets = super().build(cfg, target)
        dim = data_dim(target)
        nets.D = Discriminator(dim * cfg.pack, cfg.d_width, cfg.d_depth, cfg.activation,
                               cfg.leaky_slope, cfg.d_batchnorm, True, 0, cfg.minibatch_std,
                               out_dim=self.encoder_dim(cfg))
        nets.extra["head"] = spectral_norm(nn.Linear(self.encoder_dim(cfg), 1))
        nets.pairwise = True  # nets.D(x) is E(x), not a score: T needs a pair
        return nets

    def d_params(self, nets):
        return list(nets.D.parameters()) + list(nets.extra["head"].parameters())

    def pair_scores(self, nets, real, fake):
        """(T(x_r, x_f), T(x_f, x_r)), each (N,). One encoder pass over both batches."""
        e_real, e_fake = self.encode_pair(nets, real, fake)
        head = nets.extra["head"]
        return head(e_real - e_fake).squeeze(1), head(e_fake - e_real).squeeze(1)

    def encode_pair(self, nets, real, fake):
        if nets.D.batch_coupled:
            return nets.D(nets.d_input(real)), nets.D(nets.d_input(fake))
        both = nets.D(torch.cat([nets.d_input(real), nets.d_input(fake)]))
        n = both.shape[0] // 2
        return both[:n], both[n:]

"""The Turing critic shared by T-SGAN and T-WGAN (Su 2018, bojone/T-GANs).

T(x_a, x_b) = H(E(x_a) - E(x_b)): an encoder E maps each sample to features and a small
head H scores the feature difference, so D compares a real and a fake sample as a pair.
E is D's MLP body ending in `d_feature_dim` units (16 when 0); H is a one-hidden-layer
MLP, so T is more than a difference of two scores (a linear H would make T-SGAN an
RSGAN with critic w.E). Both are spectrally normalised, as in the paper (T-WGAN needs
T Lipschitz).
Defaults: Adam 1e-4 both (beta1 0.5), an EMA of G's weights (0.999) for what is shown, and
3 critic steps per G step. With one, the spectrally normalised critic is too smooth to
tell grid25's sharp modes (sigma 0.05, 2 apart) from the space between them: at 6,000
steps T-SGAN had 9 of 25 modes at HQ 0.5% and T-WGAN 9 at 1.4% (seed 0), and more steps
did not help (T-SGAN 18 / 4.7% at 12,000). With 3 they had 23 / 21% and 22 / 20%. Faster
rates did not do it: 1e-3 both (decaying) collapsed T-SGAN onto one mode; a faster critic
alone (lr_d 1e-3 or 4e-4, one step) gave 20 / 6% and 19 / 4%. benchmarks/fidelity.py's
docstring has the whole log.
Not a variant: tsgan.py and twgan.py build on it.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm

from ..nets import make_activation, make_discriminator, make_generator
from .base import Batch, Nets, Variant, data_dim

ENCODER_DIM = 16


class TuringCritic(nn.Module):
    """`features` is E; `head` is H; `pair(a, b)` is T(a, b). `forward(x)` = H(E(x)) is
    T(x, x0) against a reference point with E(x0) = 0: a potential whose differences,
    not values, carry meaning (exact when H is linear)."""

    def __init__(self, encoder: nn.Module, enc_dim: int, head_width: int, act: str, slope: float):
        super().__init__()
        self.E = encoder
        self.head = nn.Sequential(spectral_norm(nn.Linear(enc_dim, head_width)),
                                  make_activation(act, slope),
                                  spectral_norm(nn.Linear(head_width, 1)))
        self.feature_dim = enc_dim
        self.batch_coupled = encoder.batch_coupled

    def features(self, x):  # (N, in) -> (N, enc_dim)
        return self.E(x)

    def pair(self, a, b):  # (N, in), (N, in) -> (N, 1)
        return self.head(self.E(a) - self.E(b))

    def forward(self, x):  # (N, in) -> (N, 1)
        return self.head(self.E(x))


class TuringNets(Nets):
    """Nets whose `score_pair(real, fake)` returns (T(x_r, x_f), T(x_f, x_r)), pairing
    real i with fake i: for the Turing GAN the critic's scores exist only for pairs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pairwise = True  # read by the views: D has no per-point score field

    def score_pair(self, real: Batch, fake: Batch) -> tuple[Tensor, Tensor]:  # (N,), (N,)
        if self.D.batch_coupled:
            e_real, e_fake = self.d_features(real), self.d_features(fake)
        else:
            both = self.D.features(torch.cat([self.d_input(real), self.d_input(fake)]))
            e_real, e_fake = both[:both.shape[0] // 2], both[both.shape[0] // 2:]
        return self.D.head(e_real - e_fake).squeeze(1), self.D.head(e_fake - e_real).squeeze(1)


class TuringVariant(Variant):
    """Builds the Turing critic; subclasses give the two losses."""
    defaults = {"optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4, "beta1": 0.5, "beta2": 0.999,
                "spectral_norm": True, "g_ema": 0.999, "k_d": 3}
    pinned = {"spectral_norm": (True, "errors.pinned.turing_sn")}

    def build(self, cfg, target):
        in_dim = data_dim(target) * cfg.pack
        enc_dim = cfg.d_feature_dim or ENCODER_DIM
        encoder = make_discriminator(cfg.replace(spectral_norm=True), in_dim, out_dim=enc_dim)
        D = TuringCritic(encoder, enc_dim, max(8, cfg.d_width // 4), cfg.activation,
                         cfg.leaky_slope)
        G = make_generator(cfg, cfg.latent_dim, data_dim(target))
        return TuringNets(G, D, self.make_prior(cfg), pack=cfg.pack)

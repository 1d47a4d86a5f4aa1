"""PacGAN (Lin, Khetan, Fanti & Oh 2018, "PacGAN: The power of two samples in
generative adversarial networks").

D judges m samples at once, concatenated along features:
    D([x_1, ..., x_m]) with all x_i real, or all x_i fake;  m = 2, 3 or 4.
A collapsed G produces packs of near-identical points, which D spots easily, so
packing penalises mode collapse. Here with the non-saturating loss:
D: min  BCE(D(pack(x)), 1) + BCE(D(pack(G(z))), 0),   G: min  E softplus(-D(pack(G(z))))

Packing is a plug-in: `Config.pack` is applied by `Nets.d_input` for every variant and
every loss (WGAN-GP's penalty, cGAN's conditions and InfoGAN's Q head included). This
entry is the paper's default pairing, NS-GAN with m = 2, on NS-GAN's rates, decay and EMA
(nsgan.py) but without its minibatch std: the pack is this variant's answer to collapse.
"""
from ..config import ConfigError
from ..i18n import Msg
from .nsgan import NSGAN


class PacGAN(NSGAN):
    name = "pacgan"
    paper = "Lin et al. 2018"
    summary = "D sees m samples packed together (default 2), which exposes a collapsed G."
    defaults = {**NSGAN.defaults, "pack": 2, "minibatch_std": False}

    def check(self, cfg, target):
        super().check(cfg, target)
        if cfg.pack not in (2, 3, 4):
            raise ConfigError(Msg("errors.pacgan_pack", n=cfg.pack))


VARIANT = PacGAN()

"""T-WGAN, the Wasserstein Turing GAN (Su 2018; bojone/T-GANs). See turing.py for T.

T's output is linear; spectral normalisation keeps it Lipschitz:
d_loss = -mean(T(x_r, x_f) - T(x_f, x_r))
g_loss = -mean(T(x_f, x_r) - T(x_r, x_f))
"""
from .turing import TuringBase


class TWGAN(TuringBase):
    name = "twgan"
    paper = "Su 2018 (T-GAN)"
    summary = "Turing GAN, Wasserstein form: a linear pair critic kept Lipschitz by spectral norm."
    defaults = {"optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4, "beta1": 0.5, "beta2": 0.9}

    def d_loss(self, nets, real, fake, cfg):
        t_rf, t_fr = self.pair_scores(nets, real, fake)
        return -(t_rf - t_fr).mean()

    def g_loss(self, nets, real, fake, cfg):
        t_rf, t_fr = self.pair_scores(nets, real, fake)
        return -(t_fr - t_rf).mean()


VARIANT = TWGAN()

"""T-SGAN, the standard Turing GAN (Su 2018; bojone/T-GANs). See turing.py for T.

T uses a sigmoid, written in log-sigmoid form for stability (-log sigmoid(t) = softplus(-t)):
d_loss = mean(-log T(x_r, x_f) - log(1 - T(x_f, x_r)))
       = mean(softplus(-t_rf) + softplus(t_fr))
g_loss = mean(-log(1 - T(x_r, x_f)) - log T(x_f, x_r))
       = mean(softplus(t_rf) + softplus(-t_fr))
"""
import torch.nn.functional as F

from .turing import TuringBase


class TSGAN(TuringBase):
    name = "tsgan"
    paper = "Su 2018 (T-GAN)"
    summary = "Turing GAN, standard form: the critic compares a real and a fake sample side by side."
    defaults = {"optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-4, "beta1": 0.5, "beta2": 0.999}

    def d_loss(self, nets, real, fake, cfg):
        t_rf, t_fr = self.pair_scores(nets, real, fake)
        return (F.softplus(-t_rf) + F.softplus(t_fr)).mean()

    def g_loss(self, nets, real, fake, cfg):
        t_rf, t_fr = self.pair_scores(nets, real, fake)
        return (F.softplus(t_rf) + F.softplus(-t_fr)).mean()


VARIANT = TSGAN()

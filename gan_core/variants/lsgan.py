"""Least-squares GAN (Mao et al. 2017, "Least Squares Generative Adversarial Networks").

D: min  E (D(x) - b)^2 + E D(G(z))^2      b = 1 (0.9 with one-sided label smoothing)
G: min  E (D(G(z)) - 1)^2
The paper's 1/2 factors are dropped (a constant scale). A quadratic penalty keeps
pulling fakes that D already classifies correctly but that lie far from the data.
Defaults: the paper's Adam (beta1 0.5) with NS-GAN's recipe (see nsgan.py): equal rates 1e-3
decaying to 1e-4 over 12,000 steps, minibatch std in D, an EMA of G (0.999). The TTUR rates
used before (4e-4 / 1e-4, no minibatch std) kept 7 of ring8's 8 modes.
"""
from .base import Variant, real_label


class LSGAN(Variant):
    name = "lsgan"
    paper = "Mao et al. 2017"
    summary = "Squared error to the labels instead of log loss: fakes far from the data keep a gradient."
    stackable = True
    g_uses_real = False
    defaults = {"optimizer": "adam", "lr_d": 1e-3, "lr_g": 1e-3, "beta1": 0.5, "beta2": 0.999,
                "minibatch_std": True, "g_ema": 0.999, "lr_decay_steps": 12000}
    steps_needed = 12000  # the NS-GAN recipe (nsgan.py): judged once the rate has decayed

    def d_loss(self, nets, real, fake, cfg):
        s_real, s_fake = nets.score_pair(real, fake)
        return (s_real - real_label(cfg)).pow(2).mean() + s_fake.pow(2).mean()

    def g_loss(self, nets, real, fake, cfg):
        return (nets.score(fake) - 1).pow(2).mean()


VARIANT = LSGAN()

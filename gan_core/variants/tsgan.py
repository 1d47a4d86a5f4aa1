"""T-SGAN, the Turing GAN with the standard (sigmoid) loss (Su 2018, "Training Generative
Adversarial Networks Via Turing Test"; code: bojone/T-GANs).

T(x_r, x_f) = sigmoid(t(x_r, x_f)),  t(a, b) = H(E(a) - E(b))   (see turing.py)
D: min  E[-log T(x_r, x_f) - log(1 - T(x_f, x_r))]  = E[softplus(-t(x_r,x_f)) + softplus(t(x_f,x_r))]
G: min  E[-log(1 - T(x_r, x_f)) - log T(x_f, x_r)]  = E[softplus(t(x_r,x_f)) + softplus(-t(x_f,x_r))]
Computed in log-sigmoid (softplus) form for numerical stability. D sees real and fake
together, so G's gradient also flows through the real half of each pair.
"""
from .base import bce_logits, real_label
from .turing import TuringVariant


class TSGAN(TuringVariant):
    name = "tsgan"
    paper = "Su 2018"
    summary = "Turing test: D scores a (real, fake) pair through an encoder difference, with a sigmoid loss."

    def d_loss(self, nets, real, fake, cfg):
        t_rf, t_fr = nets.score_pair(real, fake)
        return bce_logits(t_rf, real_label(cfg)) + bce_logits(t_fr, 0.0)

    def g_loss(self, nets, real, fake, cfg):
        t_rf, t_fr = nets.score_pair(real, fake)
        return bce_logits(t_rf, 0.0) + bce_logits(t_fr, 1.0)


VARIANT = TSGAN()

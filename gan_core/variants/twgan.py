"""T-WGAN, the Turing GAN with the Wasserstein loss (Su 2018, "Training Generative
Adversarial Networks Via Turing Test"; code: bojone/T-GANs).

t(a, b) = H(E(a) - E(b)), linear output, spectrally normalised (Lipschitz) E and H.
D: min  -E[t(x_r, x_f) - t(x_f, x_r)]
G: min  -E[t(x_f, x_r) - t(x_r, x_f)]
"""
from .base import UNLABELLED_LIVE_FIELDS
from .turing import TuringVariant


class TWGAN(TuringVariant):
    name = "twgan"
    paper = "Su 2018"
    summary = "Turing test with a Wasserstein loss: a Lipschitz critic scores (real, fake) pairs."
    defaults = {**TuringVariant.defaults, "beta2": 0.9}
    uses_labels = False
    critic_unbounded = True
    live_fields = UNLABELLED_LIVE_FIELDS

    def d_loss(self, nets, real, fake, cfg):
        t_rf, t_fr = nets.score_pair(real, fake)
        return -(t_rf - t_fr).mean()

    def g_loss(self, nets, real, fake, cfg):
        t_rf, t_fr = nets.score_pair(real, fake)
        return -(t_fr - t_rf).mean()


VARIANT = TWGAN()

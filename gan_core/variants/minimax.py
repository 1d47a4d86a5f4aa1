"""Minimax (saturating) GAN (Goodfellow et al. 2014, "Generative Adversarial Nets", eq. 1).

D: max  E log D(x) + E log(1 - D(G(z)))   -> BCE(D(x), 1) + BCE(D(G(z)), 0)
G: min  E log(1 - D(G(z)))                -> -E softplus(D(G(z)))   (log(1 - sigmoid(s)) = -softplus(s))
Saturates when D confidently rejects fakes: G's gradient vanishes.
Defaults: NS-GAN's (nsgan.py), so the two differ only in G's loss.
"""
import torch.nn.functional as F

from .nsgan import NSGAN


class Minimax(NSGAN):
    """Same D loss as NS-GAN; only G's objective differs."""
    name = "minimax"
    paper = "Goodfellow et al. 2014"
    summary = "The original zero-sum loss; G's gradient vanishes when D wins."
    stackable = True

    def g_loss(self, nets, real, fake, cfg):
        return -F.softplus(nets.score(fake)).mean()


VARIANT = Minimax()

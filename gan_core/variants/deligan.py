"""DeLiGAN (Gurumurthy, Sarvadevabhatla & Babu 2017, "DeLiGAN: Generative Adversarial
Networks for Diverse and Limited Data").

The latent is a learnable mixture of N gaussians:
    z = mu_i + sigma_i * eps,   i ~ U{1..N},  eps ~ N(0, I)
mu and sigma are trained by G's optimiser (reparameterisation), and the G loss gets
    + lambda * mean((sigma - 1)^2)
so the components do not shrink to points. Defaults follow the toy code: N = 50,
mu ~ U(-1, 1), sigma = 0.2, lambda = 0.1 (gan_core/latent.MixturePrior); the optimiser,
minibatch std and EMA of G are NS-GAN's (nsgan.py): with the TTUR rates used before, 6 of
ring8's 8 modes. The EMA averages G, not the mixture, which trains slowly anyway.

DeLiGAN is a plug-in on the prior, not a loss: `prior="mixture"` works with every
latent variant (the trainer adds the sigma penalty for any MixturePrior). This entry is
the paper's pairing, the non-saturating loss. `nets.prior.mu` / `.sigma` ((N, dz) each)
are what the UI draws as the components in latent space.
"""
from .nsgan import NSGAN


class DeLiGAN(NSGAN):
    name = "deligan"
    paper = "Gurumurthy et al. 2017"
    summary = "Learnable mixture-of-gaussians latent (mu, sigma trained with G); NS-GAN loss."
    defaults = {**NSGAN.defaults, "prior": "mixture", "mixture_components": 50,
                "mixture_sigma_reg": 0.1}
    pinned = {"prior": ("mixture", "errors.pinned.deligan_prior")}


VARIANT = DeLiGAN()

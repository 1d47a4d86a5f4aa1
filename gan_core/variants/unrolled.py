"""Unrolled GAN (Metz, Poole, Pfau & Sohl-Dickstein 2017, "Unrolled Generative
Adversarial Networks").

G's update looks ahead through k steps of D's optimisation:
    theta_D^0 = theta_D,   theta_D^{i+1} = theta_D^i + Adam step on D's loss at theta_D^i
    G: max  L_D(G, theta_D^k)        (the saddle objective, as the authors' code does)
with the gradient taken through the unrolled steps (create_graph), so G sees how D
would react to its move; this is what discourages hopping from mode to mode.

The look-ahead steps are Adam steps that start from D's own optimiser state (its moments
and step count), as in the authors' code (poolio/unrolled_gan, which unrolls Keras' Adam
updates with graph_replace). An earlier version stepped by the gradient divided by its
RMS: its size was right, but its sensitivity to G was scaled by 1/RMS, so with a look-ahead
of 1e-4 G's gradient already pointed 47 degrees away from NS-GAN's (cos 0.68), and ring8
lost modes on 2 seeds of 2. Adam divides by the running second moment, which moves slowly,
so a tiny look-ahead gives back the plain GAN's gradient. With the authors' rates
(D 1e-4, G 1e-3) ring8 had all 8 modes on 5 seeds of 5 at 4,000 steps, HQ 95-97%
(benchmarks/fidelity.py --variants --only unrolled --targets ring8 --steps 4000).

The unrolled D lives in a dict of tensors run with torch.func.functional_call: no module
is copied and D's real weights (and buffers: spectral-norm vectors, batch-norm
statistics) are left untouched. D's own update is the ordinary GAN step.
"""
import weakref

import torch
from torch.func import functional_call

from ..config import ConfigError
from ..i18n import Msg
from .base import bce_logits, real_label
from .nsgan import NSGAN


def _adam_state(opt, p: torch.Tensor):
    """D's Adam moments and step count for parameter p (zeros before its first step)."""
    state = opt.state.get(p, {}) if opt is not None else {}
    m, v = state.get("exp_avg"), state.get("exp_avg_sq")
    m = torch.zeros_like(p) if m is None else m.detach().clone()
    v = torch.zeros_like(p) if v is None else v.detach().clone()
    return m, v, float(state.get("step", 0))


def _d_loss(D, state, x_real, x_fake, cfg):
    s_real = functional_call(D, state, (x_real,)).squeeze(1)
    s_fake = functional_call(D, state, (x_fake,)).squeeze(1)
    return bce_logits(s_real, real_label(cfg)) + bce_logits(s_fake, 0.0)


def _look_ahead(opt, cfg) -> tuple[float, float, float, float]:
    group = opt.param_groups[0] if opt is not None else {}
    lr = group.get("lr", cfg.lr_d)
    beta1, beta2 = group.get("betas", (cfg.beta1, cfg.beta2))
    return lr, beta1, beta2, group.get("eps", 1e-8)


def unrolled_params(nets, real, fake, cfg) -> dict:
    """D's parameters and buffers after cfg.unroll_steps differentiable Adam steps."""
    D = nets.D
    ref = nets.__dict__.get("_unrolled_d_opt")
    opt = ref() if ref is not None else None
    lr, beta1, beta2, eps = _look_ahead(opt, cfg)
    named = dict(D.named_parameters())
    params = {k: p.detach().requires_grad_(True) for k, p in named.items()}
    moments = {k: _adam_state(opt, p) for k, p in named.items()}
    buffers = {k: b.clone() for k, b in D.named_buffers()}  # SN/BN update these in place
    x_real, x_fake = nets.d_input(real), nets.d_input(fake)
    for _ in range(cfg.unroll_steps):
        loss = _d_loss(D, {**params, **buffers}, x_real, x_fake, cfg)
        grads = torch.autograd.grad(loss, list(params.values()), create_graph=True)
        for (k, p), g in zip(list(params.items()), grads):
            m, v, t = moments[k]
            m, v, t = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g, t + 1
            moments[k] = (m, v, t)
            # clamp, not + eps inside the root: sqrt's gradient at an exact 0 is inf * 0
            denom = (v / (1 - beta2 ** t)).clamp_min(1e-30).sqrt() + eps
            params[k] = p - lr * (m / (1 - beta1 ** t)) / denom
    return {**params, **buffers}


class Unrolled(NSGAN):
    name = "unrolled"
    paper = "Metz et al. 2017"
    summary = "G's update differentiates through k=5 look-ahead Adam steps of D, which damps mode hopping."
    # The authors' 2-D recipe: Adam, D 1e-4, G 1e-3, beta1 0.5, k = 5.
    defaults = {"optimizer": "adam", "lr_d": 1e-4, "lr_g": 1e-3, "beta1": 0.5, "beta2": 0.999,
                "g_ema": 0.999, "unroll_steps": 5}
    steps_needed = 0  # not NS-GAN's 12,000: there is no decay to wait for
    g_uses_real = True  # the look-ahead D steps train on real data
    pinned = {"feature_matching": (False, "errors.pinned.unrolled_fm"),
              "optimizer": ("adam", "errors.pinned.unrolled_adam")}

    def check(self, cfg, target):
        super().check(cfg, target)
        if not 1 <= cfg.unroll_steps <= 20:
            raise ConfigError(Msg("errors.unrolled_steps", n=cfg.unroll_steps))

    def bind_optimizers(self, nets, opts) -> None:
        # a weak reference: nets are deep-copied by the inspectors, an optimiser need not be
        nets.__dict__["_unrolled_d_opt"] = weakref.ref(opts.d)

    def g_loss(self, nets, real, fake, cfg):
        state = unrolled_params(nets, real, fake, cfg)
        return -_d_loss(nets.D, state, nets.d_input(real), nets.d_input(fake), cfg)


VARIANT = Unrolled()

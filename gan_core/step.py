"""The pure train step: k_d critic updates then k_g generator updates, plus the optimisers
and the learning-rate schedule it runs under.

Nothing here touches Streamlit, sleeps or draws: a step is a function of (networks,
optimisers, a real-data sampler, variant, config, RNG) that returns a dict of metrics.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .config import Config
from .variants.base import Batch, Nets, Variant, feature_matching_loss


@dataclass
class Optimizers:
    d: torch.optim.Optimizer
    g: torch.optim.Optimizer


def make_optimizer(cfg: Config, params, lr: float, device) -> torch.optim.Optimizer:
    if cfg.optimizer == "adam":
        # Fused Adam is one kernel per step instead of a Python loop over tensors.
        fused = device.type in ("cpu", "cuda")
        return torch.optim.Adam(params, lr=lr, betas=(cfg.beta1, cfg.beta2), fused=fused)
    if cfg.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    return torch.optim.SGD(params, lr=lr)


def set_lr(opt: torch.optim.Optimizer, lr: float) -> None:
    for group in opt.param_groups:
        group["lr"] = lr


def lr_factor(cfg: Config, step: int) -> float:
    """Linear decay from 1 to lr_floor over lr_decay_steps, then flat."""
    if cfg.lr_decay_steps <= 0:
        return 1.0
    return 1.0 - (1.0 - cfg.lr_floor) * min(1.0, step / cfg.lr_decay_steps)


# --------------------------------------------------------------------------- the step
def _params(nets: Nets, which: str, variant: Variant) -> list:
    """variant.d_params / g_params, listed once per Nets: walking the module tree
    every step cost more than the optimiser step on the default config."""
    cache = nets.__dict__.setdefault("_param_lists", {})
    if which not in cache:
        if which == "d_only":  # D's params that G's optimiser does not also own (InfoGAN's Q)
            shared = {id(p) for p in _params(nets, "g", variant)}
            cache[which] = [p for p in _params(nets, "d", variant) if id(p) not in shared]
        else:
            cache[which] = variant.d_params(nets) if which == "d" else variant.g_params(nets)
    return cache[which]


def grad_norm(params) -> float:
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    # One flat copy then one norm: half the cost of get_total_norm's per-device grouping
    # for a handful of small tensors, which is what these MLPs have.
    return float(torch.cat([g.reshape(-1) for g in grads]).norm())


def add_instance_noise(batch: Batch, std: float, rng: torch.Generator) -> Batch:
    """Instance noise (Sonderby et al. 2016) blurs both distributions so their supports overlap."""
    if std <= 0:
        return batch
    noise = torch.randn(batch.x.shape, generator=rng).to(batch.x.device)
    return Batch(batch.x + std * noise, batch.c, batch.z)


def d_step(nets: Nets, opt, draw_real, variant: Variant, cfg: Config, gen,
           keep_fake: bool = False) -> tuple[dict, Batch | None]:
    """One critic update. With keep_fake, G's forward keeps its graph and the fake batch
    is returned for the G step that follows, as in the PyTorch DCGAN example: D's update
    does not touch G, so the graph is still valid and G's forward is not repeated."""
    real = draw_real(cfg.batch_size, gen)
    latent = variant.sample_latent(nets, cfg.batch_size, gen)
    with torch.set_grad_enabled(keep_fake):  # otherwise G's graph is not needed
        kept = variant.fake_batch(nets, latent)
    fake = Batch(kept.x.detach(), kept.c, kept.z if kept.z is None else kept.z.detach())
    real = add_instance_noise(real, cfg.instance_noise, nets.rng)
    fake = add_instance_noise(fake, cfg.instance_noise, nets.rng)
    loss = variant.d_loss(nets, real, fake, cfg)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    norm = grad_norm(_params(nets, "d", variant))
    opt.step()
    variant.after_d_step(nets, cfg)
    return {"d_loss": float(loss.detach()), "d_grad": norm}, (kept if keep_fake else None)


def g_step(nets: Nets, opt, draw_real, variant: Variant, cfg: Config, gen,
           fake: Batch | None = None) -> dict:
    needs_real = variant.g_uses_real or cfg.feature_matching
    real = draw_real(cfg.batch_size, gen) if needs_real else None
    d_params = _params(nets, "d_only", variant)
    for p in d_params:  # D's weight gradients are never used in a G step
        p.requires_grad_(False)
    try:
        if fake is None:
            fake = variant.fake_batch(nets, variant.sample_latent(nets, cfg.batch_size, gen))
        if real is not None:
            real = add_instance_noise(real, cfg.instance_noise, nets.rng)
        fake = add_instance_noise(fake, cfg.instance_noise, nets.rng)
        if cfg.feature_matching:
            loss = feature_matching_loss(nets, real, fake)
        else:
            loss = variant.g_loss(nets, real, fake, cfg)
        loss = loss + variant.g_extra(nets, real, fake, cfg)
        if isinstance(nets.prior, nn.Module) and hasattr(nets.prior, "sigma_penalty"):
            loss = loss + cfg.mixture_sigma_reg * nets.prior.sigma_penalty()  # DeLiGAN
        opt.zero_grad(set_to_none=True)
        loss.backward()
    finally:
        for p in d_params:
            p.requires_grad_(True)
    norm = grad_norm(_params(nets, "g", variant))
    opt.step()
    return {"g_loss": float(loss.detach()), "g_grad": norm}


def train_step(nets: Nets, opts: Optimizers, draw_real, variant: Variant, cfg: Config,
               gen: torch.Generator, mode: str = "both") -> dict:
    """k_d critic updates then k_g generator updates. mode: 'both', 'd' or 'g'."""
    out, carried = {}, None
    if mode in ("both", "d"):
        for i in range(cfg.k_d):
            keep = mode == "both" and cfg.k_g > 0 and i == cfg.k_d - 1 and variant.reuse_fake
            stats, carried = d_step(nets, opts.d, draw_real, variant, cfg, gen, keep)
            out.update(stats)
    if mode in ("both", "g"):
        for j in range(cfg.k_g):
            fake = carried if j == 0 else None
            out.update(g_step(nets, opts.g, draw_real, variant, cfg, gen, fake))
    return out


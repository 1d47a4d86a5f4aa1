"""What the Playground asks of a live run between steps: D's field over the plane, the
direction G's loss pushes each fake, the latent view, lever probes and sweeps, and
`samples_view`: all the samples chart draws besides the samples, in one call.

Pure functions of a `Run` (call them through `Trainer.with_models`, which holds the
lock). No Streamlit, no plotting: arrays in, arrays out.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .i18n import Msg
from .latent import latent_name
from .variants.base import Batch, Latent


# --------------------------------------------------------------------------- what can be shown
def field_support(run) -> str:
    """'' when D's field over the plane is meaningful, else a sentence saying why not (a
    Msg: English, or any language through ui.i18n.tr)."""
    nets = run.nets
    if getattr(run.out_target, "dim", 2) != 2:
        return Msg("probes.no_field.not_2d")
    if nets.d_cond:
        return Msg("probes.no_field.conditional")
    if getattr(nets, "pairwise", False):
        return Msg("probes.no_field.pairwise")
    if not run.variant.uses_latent:
        return Msg("probes.no_field.cyclegan")
    return ""


def score_label(run) -> str:
    return Msg("probes.score.probability" if run.variant.uses_labels else "probes.score.critic")


# --------------------------------------------------------------------------- D's field
@dataclass
class Field:
    xs: np.ndarray  # (nx,)
    ys: np.ndarray  # (ny,)
    values: np.ndarray  # (ny, nx) float32
    label: str
    probability: bool  # values are P(real) in [0, 1]


def _eval_mode(nets):
    was = nets.training
    nets.eval()
    return was


@torch.no_grad()
def d_field(run, bounds, n: int = 48) -> Field | None:
    """D over an n x n grid covering `bounds` (target units). None when unsupported."""
    if field_support(run):
        return None
    x0, x1, y0, y1 = bounds
    xs = np.linspace(x0, x1, n, dtype=np.float32)
    ys = np.linspace(y0, y1, n, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)  # (n, n) each
    pts = torch.as_tensor(np.stack([gx.ravel(), gy.ravel()], 1), device=run.device)  # (n*n, 2)
    was = _eval_mode(run.nets)
    try:
        s = _point_scores(run, run.target.normalise(pts))  # (n*n,)
    finally:
        run.nets.train(was)
    prob = bool(run.variant.uses_labels)
    v = torch.sigmoid(s) if prob else s
    label = score_label(run)
    if run.nets.pack > 1:
        label = Msg("probes.score.packed", score=label, n=run.nets.pack - 1)
    return Field(xs, ys, v.float().cpu().numpy().reshape(n, n), label, prob)


def _point_scores(run, x, draws: int = 4, seed: int = 5):
    """D's score per point. PacGAN's D scores packs of m samples, so each point is packed
    with m - 1 real samples and the score averaged over a few draws: how real the point
    looks beside real company, the question D answers for a pack with one odd member."""
    m = run.nets.pack
    if m == 1:
        return run.nets.score(Batch(x))
    gen = torch.Generator().manual_seed(seed)
    total = 0.0
    for _ in range(draws):
        real = run.draw_real(len(x) * (m - 1), gen).x.reshape(len(x), m - 1, -1)
        packs = torch.cat([x[:, None, :], real.to(x)], 1).reshape(len(x) * m, -1)
        total = total + run.nets.score(Batch(packs))
    return total / draws


# --------------------------------------------------------------------------- G's pull
def g_arrows(run, latent: Latent, n: int = 150, seed: int = 3) -> tuple[np.ndarray, np.ndarray] | None:
    """(start (n, 2), push (n, 2)) in target units: the first n eval fakes and
    -d(G loss)/dx at each, i.e. where the generator's next step moves them.
    The caller scales arrows for display. None when D's field is unsupported."""
    if field_support(run):
        return None
    nets, variant, cfg = run.nets, run.variant, run.cfg
    n -= n % run.nets.pack  # PacGAN's loss takes whole packs
    sub = Latent(latent.z[:n], None if latent.c is None else latent.c[:n])
    was = _eval_mode(nets)
    try:
        with torch.enable_grad():
            with torch.no_grad():
                x = variant.generate(nets, sub)  # (n, 2) normalised
            x = x.detach().clone().requires_grad_(True)
            real = run.draw_real(len(x), torch.Generator().manual_seed(seed))
            loss = variant.g_loss(nets, real, Batch(x, sub.c, sub.z), cfg)
            (grad,) = torch.autograd.grad(loss, x)
    finally:
        nets.train(was)
    start = run.out_target.denormalise(x.detach()).float().cpu().numpy()
    sx, sy = run.out_target.scale_xy
    push = -grad.float().cpu().numpy() * np.array([sx, sy], np.float32)  # to target units
    return start, push


def scale_arrows(push: np.ndarray, bounds, frac: float = 0.08) -> np.ndarray:
    """Rescale pushes so the 90th-percentile arrow is `frac` of the view's width."""
    span = max(bounds[1] - bounds[0], bounds[3] - bounds[2])
    norms = np.linalg.norm(push, axis=1)
    ref = float(np.percentile(norms, 90)) if len(norms) else 0.0
    if not np.isfinite(ref) or ref <= 0:
        return np.zeros_like(push)
    return (push / ref * frac * span).astype(np.float32)


# --------------------------------------------------------------------------- latent view
def latent_xy(latent: Latent, rng_seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """(N, 2) coordinates to draw the eval latents at, and axis names: z0 vs z1, or
    z0 against a small jitter when the latent is 1-D."""
    z = latent.z.detach().cpu().numpy().astype(np.float32)
    if z.shape[1] >= 2:
        return z[:, :2].copy(), [latent_name(0), latent_name(1)]
    jitter = np.random.default_rng(rng_seed).uniform(-1, 1, len(z)).astype(np.float32)
    return np.stack([z[:, 0], jitter], 1), [latent_name(0), "(jitter, no meaning)"]


# --------------------------------------------------------------------------- levers
@torch.no_grad()
def probe_and_sweeps(run, z0: np.ndarray, dims: list[int], n_values: int = 41, c=None):
    """G at the probe z0 (2,), and for each lever in dims the curve G traces as that
    lever runs over the prior's range with the others fixed: (len(dims), n_values, 2)."""
    lo, hi = run.nets.prior.lever_range()
    values = np.linspace(lo, hi, n_values, dtype=np.float32)
    z0 = np.asarray(z0, np.float32)
    rows = [z0[None]]
    for d in dims:
        z = np.repeat(z0[None], n_values, 0)
        z[:, d] = values
        rows.append(z)
    zt = torch.as_tensor(np.concatenate(rows), device=run.device)
    ct = None
    if run.nets.g_cond:
        ct = torch.full((len(zt),), int(c or 0), dtype=torch.long, device=run.device)
    out = run.generate(Latent(zt, ct))  # (1 + len(dims) * n_values, 2)
    return out[0], out[1:].reshape(len(dims), n_values, out.shape[1]), values


# --------------------------------------------------------------------------- the samples view
def field_and_arrows(run, latent: Latent, bounds, field=True, arrows: bool = False,
                     n_arrows: int = 150):
    """(D's field, (start, scaled push) arrows) over `bounds`, each None where it is not
    wanted or not meaningful. `field` may be a Field the caller already has (a throttled
    cache): it is passed through rather than recomputed."""
    if isinstance(field, Field):
        out_field = field
    else:
        out_field = d_field(run, bounds) if field else None
    out_arrows = None
    if arrows:
        a = g_arrows(run, latent, n=n_arrows)
        if a is not None:
            out_arrows = (a[0], scale_arrows(a[1], bounds))
    return out_field, out_arrows


@dataclass
class SamplesView:
    """What the Playground's samples chart draws besides the samples themselves."""
    field: Field | None = None  # D over the plane
    arrows: tuple | None = None  # (start (n, 2), push (n, 2)) scaled for display
    probe: np.ndarray | None = None  # (2,) G at the levers' z
    sweeps: np.ndarray | None = None  # (len(dims), S, 2), None when no sweep is shown
    values: np.ndarray | None = None  # (S,) the lever values along each sweep


def samples_view(run, bounds, field=True, arrows: bool = False, z=None, dims=(),
                 c=None) -> SamplesView:
    """D's field and G's arrows (see `field_and_arrows`) and, when `z` is given and G
    takes a latent, the probe G(z) and the sweeps along `dims`. Call with the lock held."""
    out = SamplesView()
    out.field, out.arrows = field_and_arrows(run, run.eval_latent() if arrows else None,
                                             bounds, field, arrows)
    if z is not None and run.variant.uses_latent:
        dims = list(dims)
        out.probe, sweeps, out.values = probe_and_sweeps(run, z, dims, c=c)
        out.sweeps = sweeps if dims else None
    return out

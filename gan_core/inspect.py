"""What the inspector pages compute from a `Run`: the latent-grid warp and its tears,
morph endpoints, the true map, D's feature space before/after a G step, the T-GAN pair
view and the DeLiGAN mixture.

Pure functions of a Run, arrays out; no Streamlit, no plotting. Call them through
`Trainer.with_models` (or a source's `call`) so no step runs meanwhile - or on a
`frozen_run` (a throwaway copy at a weight keyframe), which needs no lock at all.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import metrics as M
from .checkpoints import from_run
from .i18n import Msg
from .latent import latent_name, make_prior
from .run import Run
from .variants.base import Batch, Latent


# --------------------------------------------------------------------------- what applies
def mapping_support(run) -> str:
    """'' when G is a plain latent -> plane map the grid views can probe, else why not (a
    Msg: English, or any language through ui.i18n.tr)."""
    if getattr(run.out_target, "dim", 2) != 2:
        return Msg("mapping.why.not_2d")
    if not run.variant.uses_latent:
        return Msg("mapping.why.cyclegan")
    if run.nets.g_cond:
        return Msg("mapping.why.conditional")
    return ""


def grid_extent(run) -> float:
    """Half-width of the latent square to grid: the prior's likely range."""
    lo, hi = run.nets.prior.lever_range()
    return float(min(abs(lo), abs(hi)) * (0.8 if hi > 1.5 else 1.0))  # normal: +-2.4


def probe_vector(run, probe=None) -> np.ndarray:
    """(latent_dim,) probe values for the dims the grid does not span (zeros by default)."""
    d = run.cfg.latent_dim
    z = np.zeros(d, np.float32)
    if probe is not None:
        p = np.asarray(probe, np.float32).reshape(-1)[:d]
        z[:len(p)] = p
    return z


def _grid_colours(run, z2: np.ndarray) -> np.ndarray:
    """Colours of the grid points by their two grid coordinates, as if they were z0, z1."""
    return run.nets.prior.colours(torch.as_tensor(z2, dtype=torch.float32))


@dataclass
class GridWarp:
    n: int
    dims: tuple[int, int]
    extent: float
    axis: np.ndarray  # (n,) grid values along each latent dim
    z2: np.ndarray  # (n, n, 2) the grid in the two chosen latent dims (row: dims[0])
    x: np.ndarray  # (n, n, 2) G(grid) in target units
    lines: np.ndarray  # (2, n, m, 2) finely sampled grid lines in sample space
    colours: np.ndarray  # (n, n, 3) latent hue/value colours of the grid points
    tear_map: np.ndarray  # (n, n) per-point stretch (max of sigma1 and neighbour secants)
    sigma1: np.ndarray  # (n, n)
    sigma2: np.ndarray  # (n, n)
    threshold: float  # tear_factor x median stretch
    torn: np.ndarray  # (n-1, n-1) bool: a cell with a torn corner... both corners of an edge
    tear_score: float  # share of grid points above the threshold
    fold_share: float  # share of the grid mapped with the minority orientation (metrics.fold_share)


def torn_cells(tear_map: np.ndarray, threshold: float) -> np.ndarray:
    """(n-1, n-1) cells whose four corners include one above threshold."""
    hot = tear_map > threshold
    return hot[:-1, :-1] | hot[1:, :-1] | hot[:-1, 1:] | hot[1:, 1:]


def grid_warp(run, n: int = 20, dims=(0, 1), probe=None, extent: float | None = None,
              tear_factor: float = 10.0, fine: int = 4) -> GridWarp:
    """Push an n x n latent grid over `dims` (others at `probe`) through G and measure
    its Jacobian. Raise ValueError when G is not a plain latent map."""
    why = mapping_support(run)
    if why:
        raise ValueError(why)
    g = run.latent_map()
    d = run.cfg.latent_dim
    dims = (int(dims[0]), int(dims[1]) if d > 1 else int(dims[0]))
    extent = float(extent or grid_extent(run))
    p = torch.as_tensor(probe_vector(run, probe))
    m = M.mapping_metrics(g, d, dims, n, extent, p, tear_factor)
    axis = np.linspace(-extent, extent, n, dtype=np.float32)
    a, b = np.meshgrid(axis, axis, indexing="ij")
    z2 = np.stack([a, b], -1)  # (n, n, 2)
    # grid lines sampled `fine` x denser along their length, so curvature shows
    t = np.linspace(-extent, extent, (n - 1) * fine + 1, dtype=np.float32)  # (m,)
    rows = np.stack(np.broadcast_arrays(axis[:, None], t[None, :]), -1)  # (n, m, 2): dims[0] fixed
    cols = rows[..., ::-1]  # dims[1] fixed
    zl = np.repeat(p.numpy()[None], 2 * n * len(t), 0)
    pair = np.concatenate([rows, cols]).reshape(-1, 2)
    zl[:, dims[0]] = pair[:, 0]
    if d > 1:
        zl[:, dims[1]] = pair[:, 1]
    with torch.no_grad():
        lines = g(torch.as_tensor(zl, device=run.device)).float().cpu().numpy()
    lines = lines.reshape(2, n, len(t), 2)
    tear = m["tear_map"].astype(np.float64)
    med = float(np.median(tear))
    thr = tear_factor * med if med > 0 else float("inf")
    return GridWarp(n, dims, extent, axis, z2, m["x"].reshape(n, n, 2).astype(np.float32),
                    lines.astype(np.float32), _grid_colours(run, z2.reshape(-1, 2)).reshape(n, n, 3),
                    tear, m["sigma1"], m["sigma2"], thr, torn_cells(tear, thr), m["tear_score"],
                    m["fold_share"])


# --------------------------------------------------------------------------- morph
@dataclass
class Morph:
    start: np.ndarray  # (N, 2) latent positions drawn in the target's frame
    end: np.ndarray  # (N, 2) samples
    colours: np.ndarray  # (N, 3)


def latent_in_frame(target, z2: np.ndarray) -> np.ndarray:
    """Latent coords (N, 2) placed in the target's frame: treated as normalised units,
    so a unit latent square lands on the target's own scale."""
    return np.asarray(target.denormalise(np.asarray(z2, np.float32)), np.float32)


def learned_morph(run, n: int = 1000, dims=(0, 1), probe=None) -> Morph:
    """Eval latents (the first n) on the chosen dims, from where they sit to G(z)."""
    latent = run.eval_latent()
    z = latent.z[:n]
    c = None if latent.c is None else latent.c[:n]
    d = z.shape[1]
    if probe is not None and d > 2:  # hold the other dims at the levers' probe values
        keep = torch.as_tensor(probe_vector(run, probe), device=z.device).repeat(len(z), 1)
        for k in dims:
            keep[:, k] = z[:, k]
        z = keep
    x = run.generate(Latent(z, c))
    zn = z.detach().cpu().numpy()
    z2 = zn[:, list(dims)] if d > 1 else np.stack([zn[:, 0], np.zeros(len(zn))], 1)
    cols = run.colours(Latent(torch.as_tensor(z2) if d > 1 else z.cpu(), c))
    return Morph(latent_in_frame(run.out_target, z2), x, cols)


def true_morph(target, n: int = 1000, seed: int = 5) -> Morph | None:
    """The target's own map (when it has one), from its latent to its samples."""
    if target.true_map is None:
        return None
    z = target.true_latent(n, torch.Generator().manual_seed(seed))
    with torch.no_grad():
        x = target.true_map(z).float().numpy()
    prior = make_prior(target.true_prior, z.shape[1])
    return Morph(latent_in_frame(target, z[:, :2].numpy()), x, prior.colours(z))


# --------------------------------------------------------------------------- true vs learned
@dataclass
class Comparison:
    true: Morph | None
    learned: Morph
    alignment: np.ndarray | None  # (latent_dim, F) lever x factor, 1 = lever alone sets factor
    lever_names: list
    factor_names: list
    width_ratio: float | None  # fake / real spread across the arm (spiral only)


def compare(run, n: int = 2000, align_n: int = 3000) -> Comparison:
    from .detector import arm_curve
    target = run.out_target
    learned = learned_morph(run, n)
    align = None
    if not mapping_support(run) and target.factor_names:
        z = run.sample_latent(align_n, seed=2024).z
        align = M.target_lever_alignment(run.latent_map(), z, target, n_ref=10000)
    ratio = None
    curve = arm_curve(target)
    if curve is not None:
        real, _ = target.sample(4000, torch.Generator().manual_seed(77))
        fake = run.generate(run.eval_latent())
        ratio = float(M.width_ratio(fake, real.numpy(), curve))
    names = [latent_name(i) for i in range(run.cfg.latent_dim)]
    return Comparison(true_morph(target, n), learned, align, names, list(target.factor_names),
                      ratio)


# --------------------------------------------------------------------------- D's features
def feature_support(run) -> str:
    """'' when D (or T-GAN's encoder E) has a 2-unit feature layer we can plot."""
    if getattr(run.out_target, "dim", 2) != 2 or not run.variant.uses_latent:
        return Msg("discriminator.why.not_2d")
    if run.nets.pack > 1:
        return Msg("discriminator.why.packs")
    fd = getattr(run.nets.D, "feature_dim", 0)
    if fd != 2:
        return Msg("discriminator.why.feature_dim", fd=fd)
    return ""


@dataclass
class FeatureView:
    real: np.ndarray  # (N, 2) features of real samples
    fake: np.ndarray  # (N, 2) features of fake samples
    step: int
    pairs: np.ndarray | None = None  # (N, 2) E(x_r) - E(x_f), T-GAN only


def fixed_batches(run, n: int = 400, seed: int = 31) -> tuple[Batch, Latent]:
    """A fixed real batch and fixed latents, so before/after compare like with like."""
    real = run.draw_real(n, torch.Generator().manual_seed(seed))
    latent = run.sample_latent(n, seed + 1)
    return real, latent


def _eval(nets):
    was = nets.training
    nets.eval()
    return was


@torch.no_grad()
def features(run, real: Batch, latent: Latent) -> FeatureView:
    nets = run.nets
    was = _eval(nets)
    try:
        fake = run.variant.fake_batch(nets, latent)
        fr = nets.d_features(real).float().cpu().numpy()
        ff = nets.d_features(fake).float().cpu().numpy()
    finally:
        nets.train(was)
    pairs = (fr - ff) if getattr(nets, "pairwise", False) or hasattr(nets.D, "pair") else None
    return FeatureView(fr, ff, run.step_count, pairs)


def clone_run(run):
    """An independent copy (weights, config, step; fresh optimisers), so a G step on a
    shared pretrained model or a checkpoint never changes the original."""
    copy = Run.from_checkpoint(from_run(run))
    copy.gen.manual_seed(run.cfg.seed + run.step_count)
    return copy


def g_step_on(run, steps: int = 1) -> None:
    """Take `steps` generator updates on this run (D untouched)."""
    for _ in range(max(1, int(steps))):
        run.step("g")


def head_direction(run) -> np.ndarray | None:
    """Unit vector in feature space along which D's (linear) head scores 'more real';
    None when the head is not a single linear layer (T-GAN)."""
    head = getattr(run.nets.D, "head", None)
    w = getattr(head, "weight", None)
    if w is None or w.shape[0] != 1:
        return None
    w = w.detach().float().cpu().numpy()[0, :2]
    n = float(np.linalg.norm(w))
    return w / n if n > 0 else None


def centroid_shift(before: FeatureView, after: FeatureView, direction=None) -> dict:
    """How far the centroids moved, and the real-fake gap before and after: as a
    distance, and along D's scoring direction (what a G step directly closes when D
    currently scores real above fake)."""
    rb, fb = before.real.mean(0), before.fake.mean(0)
    ra, fa = after.real.mean(0), after.fake.mean(0)
    out = {"real_moved": float(np.linalg.norm(ra - rb)),
           "fake_moved": float(np.linalg.norm(fa - fb)),
           "gap_before": float(np.linalg.norm(fb - rb)),
           "gap_after": float(np.linalg.norm(fa - ra))}
    if direction is not None:
        out["along_before"] = float(direction @ (rb - fb))
        out["along_after"] = float(direction @ (ra - fa))
    return out


# --------------------------------------------------------------------------- DeLiGAN
def has_mixture(run) -> bool:
    prior = run.nets.prior
    return isinstance(prior, nn.Module) and hasattr(prior, "mu") and hasattr(prior, "sigma")


@torch.no_grad()
def mixture_components(run, dims=(0, 1)) -> tuple[np.ndarray, np.ndarray]:
    """(mu (K, 2), sigma (K, 2)) of the DeLiGAN mixture on two latent dims."""
    prior = run.nets.prior
    mu = prior.mu.detach().float().cpu().numpy()
    sig = prior.sigma.detach().abs().float().cpu().numpy()
    dims = list(dims) if mu.shape[1] > 1 else [0, 0]
    return mu[:, dims], sig[:, dims]


# --------------------------------------------------------------------------- D heatmap helpers
def real_points(run, n: int = 1500, seed: int = 11) -> np.ndarray:
    x, _ = run.out_target.sample(n, torch.Generator().manual_seed(seed))
    return x.numpy().astype(np.float32)


# --------------------------------------------------------------------------- before / after
@dataclass
class BeforeAfter:
    before: FeatureView
    after: FeatureView
    k: int
    shift: dict


def wait_for_step(trainer, target: int, timeout: float = 20.0) -> bool:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        s = trainer.status()
        if s["step"] >= target:
            return True
        if s["state"] in ("error", "stopped"):
            return False
        time.sleep(0.02)
    return False


def _queue(trainer, mode: str, k: int) -> None:
    s0 = trainer.status()["step"]
    for _ in range(k):
        trainer.single_step(mode)
    if not wait_for_step(trainer, s0 + k):
        raise RuntimeError(trainer.status()["error"] or f"the {mode.upper()} step did not finish in time")


def live_g_steps(trainer, k: int = 1, n: int = 400, d_first: int = 0) -> BeforeAfter:
    """On a live Trainer: pause, optionally let D catch up (d_first D-only steps, as the
    tutorial alternates), capture features, queue k G-only steps through the trainer
    (so its history and step count stay right), wait, capture again. The networks are
    only read under the trainer's lock (`with_models`)."""
    trainer.pause()
    if d_first:
        _queue(trainer, "d", d_first)
    batches = trainer.with_models(lambda r: fixed_batches(r, n))
    before = trainer.with_models(lambda r: features(r, *batches))
    _queue(trainer, "g", k)
    after = trainer.with_models(lambda r: features(r, *batches))
    direction = trainer.with_models(head_direction)
    return BeforeAfter(before, after, k, centroid_shift(before, after, direction))


def run_g_steps(run, k: int = 1, n: int = 400, d_first: int = 0) -> BeforeAfter:
    """The same on a Run the caller owns (e.g. a `clone_run` copy)."""
    for _ in range(d_first):
        run.step("d")
    batches = fixed_batches(run, n)
    before = features(run, *batches)
    g_step_on(run, k)
    after = features(run, *batches)
    return BeforeAfter(before, after, k, centroid_shift(before, after, head_direction(run)))


# --------------------------------------------------------------------------- a past step
def frozen_run(run, state: dict | None = None, step: int | None = None):
    """A throwaway view of `run` with its networks as they were at a past step: a deep copy
    of run.nets with `state` (a keyframe's state_dict) loaded, sharing the run's target,
    variant and config. Without `state`, a copy of the current weights. The live run's
    weights are never touched; hold the run's lock only while calling this (a copy, no
    forward), then compute on the result freely. It cannot train (no optimisers)."""
    import copy
    view = copy.copy(run)  # shallow: target, variant, cfg, draw_real are read-only here
    view.nets = copy.deepcopy(run.nets)
    if state is not None:
        view.nets.load_state_dict(state)
    view.nets.train(run.nets.training)
    view.opts = view._draw_train = None
    view.gen = torch.Generator().manual_seed(run.cfg.seed)
    view.step_count = int(run.step_count if step is None else step)
    view._eval_latent = None
    return view


@dataclass
class StepViews:
    """The weight-dependent views at one step, from `step_views`."""
    step: int
    fake: np.ndarray  # (N, 2) G(eval latent) at that step, target units
    colours: np.ndarray  # (N, 3)
    z2: np.ndarray  # (N, 2) the eval latents on the grid's two dims (DeLiGAN's view)
    field: object  # probes.Field or None
    field_why: str
    arrows: tuple | None  # (start (M, 2), push (M, 2)) scaled for display
    warp: GridWarp | None
    warp_why: str
    features: FeatureView | None
    features_why: str
    mixture: tuple | None  # (mu (K, 2), sigma (K, 2)) for DeLiGAN


def step_views(run, n: int = 20, dims=(0, 1), probe=None, tear_factor: float = 10.0,
               arrows: bool = True) -> StepViews:
    """Everything the Mapping and Discriminator inspectors draw from weights, computed on
    `run` (a `frozen_run` at a keyframe): the same functions those pages call."""
    from . import probes
    latent = run.eval_latent()
    fake = run.generate(latent)
    bounds = run.out_target.bounds
    field_why = probes.field_support(run)
    field, arr = probes.field_and_arrows(run, latent, bounds, not field_why,
                                         arrows and not field_why, n_arrows=200)
    warp_why = mapping_support(run)
    warp = grid_warp(run, n, dims, probe, tear_factor=tear_factor) if not warp_why else None
    feat_why = feature_support(run)
    feats = features(run, *fixed_batches(run)) if not feat_why else None
    mix = mixture_components(run, dims) if has_mixture(run) else None
    z = latent.z.detach().float().cpu().numpy()
    z2 = z[:, list(dims)] if z.shape[1] > 1 else np.stack([z[:, 0], np.zeros(len(z))], 1)
    return StepViews(run.step_count, fake, run.colours(latent), z2.astype(np.float32), field,
                     field_why, arr, warp, warp_why, feats, feat_why, mix)


def mixture_trail(keyframes, dims=(0, 1)) -> list[np.ndarray]:
    """DeLiGAN's mu (K, 2) at each keyframe, read straight from the saved state."""
    out = []
    for k in keyframes:
        mu = k.state.get("prior.mu")
        if mu is not None:
            mu = mu.float().numpy()
            out.append(mu[:, list(dims)] if mu.shape[1] > 1 else mu[:, [0, 0]])
    return out

"""Lever logic: one slider per latent dimension, sweeps, the animation, the lever report.

Pure functions of a trained `Run` (or its networks) and numpy arrays; the Levers page
only draws what these return. A "lever" is one coordinate of the continuous latent z.
The conditional GAN adds a class selector and InfoGAN a categorical code; InfoGAN's
continuous codes are levers too, labelled as codes.

The lever report answers the source article's question, "does one lever control one
feature, or several?", as a lever x factor matrix:
- 2-D targets: the detector's lever alignment (MI of each lever with each true factor);
- images: for each lever, how much each factor moves when that lever alone sweeps its
  range (std along the sweep, averaged over base latents, divided by the factor's
  spread over random samples). Factors are the classifier's class probabilities plus
  ink mass, slant and stroke width.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from .latent import code_name, latent_name
from .variants.base import Latent


# --------------------------------------------------------------------------- what the levers are
@dataclass
class LeverSpec:
    dim: int  # number of continuous levers
    lo: float
    hi: float
    names: list[str]  # per lever: "z0".. or "code 0"..
    kinds: list[str]  # per lever: "noise" | "code"
    n_classes: int = 0  # >0: a class (cgan) or categorical-code (InfoGAN) selector
    class_label: str = ""  # "class" | "categorical code"
    image_side: int = 0  # >0 for image targets

    @property
    def noise_dims(self) -> list[int]:
        return [i for i, k in enumerate(self.kinds) if k == "noise"]

    @property
    def code_dims(self) -> list[int]:
        return [i for i, k in enumerate(self.kinds) if k == "code"]


def continuous_code_dims(run) -> list[int]:
    """Indices of z that are InfoGAN continuous codes (the variant says, when it can)."""
    variant, cfg = run.variant, run.cfg
    fn = getattr(variant, "code_dims", None)
    return [int(i) for i in fn(cfg)] if callable(fn) else []


def lever_spec(run) -> LeverSpec:
    nets, cfg = run.nets, run.cfg
    codes = set(continuous_code_dims(run))
    dim = max([cfg.latent_dim] + [i + 1 for i in codes])  # InfoGAN's codes follow the noise
    lo, hi = nets.prior.lever_range() if hasattr(nets.prior, "lever_range") else (-3.0, 3.0)
    kinds = ["code" if i in codes else "noise" for i in range(dim)]
    noise_i = code_i = 0
    names = []
    for k in kinds:
        if k == "code":
            names.append(code_name(code_i))
            code_i += 1
        else:
            names.append(latent_name(noise_i))
            noise_i += 1
    n_classes = nets.n_classes if nets.g_cond else int(getattr(nets, "n_cat_codes", 0) or 0)
    label = "class" if getattr(run.variant, "conditional", False) else ("categorical code" if n_classes else "")
    side = int(getattr(run.out_target, "side", 0) or 0)
    return LeverSpec(dim, float(lo), float(hi), names, kinds, n_classes, label, side)


# --------------------------------------------------------------------------- decoding
def _class_tensor(c, n: int, device) -> torch.Tensor | None:
    if c is None:
        return None
    c = np.broadcast_to(np.asarray(c, dtype=np.int64), (n,))
    return torch.as_tensor(c.copy(), device=device)


@torch.no_grad()
def decode(run, z, c=None) -> np.ndarray:
    """G(z[, c]) in the target's own units. z: (N, dz) or (dz,); c: int or (N,) or None.
    Caller holds the trainer lock when `run` is live."""
    z = np.atleast_2d(np.asarray(z, dtype=np.float32))
    zt = torch.as_tensor(z, device=run.device)
    spec_classes = run.nets.n_classes if run.nets.g_cond else 0
    if c is None and spec_classes:
        c = 0
    return run.generate(Latent(zt, _class_tensor(c, len(z), run.device)))


def decode_fn(run, c=None):
    """A torch function z (N, dz) -> x (N, dim) in target units, for the metrics."""
    def fn(z):
        return torch.as_tensor(decode(run, z.detach().cpu().numpy(), c))
    return fn


# --------------------------------------------------------------------------- sweeps
def lever_values(lo: float, hi: float, n: int) -> np.ndarray:
    return np.linspace(lo, hi, n, dtype=np.float32)


def sweep_latents(z0, dim: int, values) -> np.ndarray:
    """(len(values), dz): z0 with coordinate `dim` replaced by each value."""
    z = np.repeat(np.asarray(z0, np.float32)[None], len(values), axis=0)
    z[:, dim] = values
    return z


def all_sweeps(z0, values, dims=None) -> np.ndarray:
    """(len(dims) * len(values), dz): every lever's sweep, stacked lever by lever."""
    dims = range(len(z0)) if dims is None else dims
    return np.concatenate([sweep_latents(z0, d, values) for d in dims])


def sweep_outputs(run, z0, values, c=None, dims=None) -> np.ndarray:
    """(n_levers, n_values, out_dim): G along each lever's sweep, others fixed. One G call."""
    dims = list(range(len(z0)) if dims is None else dims)
    x = decode(run, all_sweeps(z0, values, dims), c)
    return x.reshape(len(dims), len(values), -1)


def apply_locks(z_new, z_old, locked) -> np.ndarray:
    """Randomise respects locks: locked dims keep their old value."""
    z = np.asarray(z_new, np.float32).copy()
    locked = np.asarray(locked, bool)
    z[locked] = np.asarray(z_old, np.float32)[locked]
    return z


def randomise(z_old, locked, lo: float, hi: float, seed: int, prior: str = "normal") -> np.ndarray:
    rng = np.random.default_rng(seed)
    if prior == "uniform":
        z = rng.uniform(lo, hi, len(z_old))
    else:
        z = np.clip(rng.standard_normal(len(z_old)), lo, hi)
    return apply_locks(z, z_old, locked)


# --------------------------------------------------------------------------- animation
def eased_phase(t) -> np.ndarray:
    """sin easing: t in [0, 1] -> [0, 1]: slow at both ends, fast through the middle."""
    return (1 - np.cos(np.pi * np.asarray(t, np.float64))) / 2


def animation_values(v0: float, lo: float, hi: float, n_frames: int = 48) -> np.ndarray:
    """The source's eased sin sweep, there and back: from the current value v0 out to
    `hi`, back through v0 to `lo`, and home to v0. v(t) = mid + half * sin(2 pi t + phi),
    phi chosen so that v(0) = v0; the sine eases into each end of the range."""
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    phi = math.asin(float(np.clip((v0 - mid) / half, -1, 1))) if half > 0 else 0.0
    t = np.arange(n_frames) / n_frames
    return (mid + half * np.sin(2 * np.pi * t + phi)).astype(np.float32)


def animation_latents(z0, dim: int, lo: float, hi: float, n_frames: int = 48) -> np.ndarray:
    """(n_frames, dz) latents for animating one lever."""
    return sweep_latents(z0, dim, animation_values(float(np.asarray(z0)[dim]), lo, hi, n_frames))


# --------------------------------------------------------------------------- lever report
@dataclass
class LeverReport:
    matrix: np.ndarray  # (n_levers, n_factors), >= 0; ~1 = this lever moves this factor a lot
    lever_names: list[str]
    factor_names: list[str]
    method: str
    extra: dict = field(default_factory=dict)

    def groups(self) -> list[str]:
        """Factor -> feature it belongs to: the ten p(k) columns are one feature, 'class'."""
        return self.extra.get("groups") or list(self.factor_names)

    def controls(self, i: int, threshold: float = 0.25, rel: float = 0.5) -> list[str]:
        """Features lever i clearly moves: above `threshold` and within `rel` of its top
        (a group such as 'class' counts once, at its strongest column)."""
        strength: dict[str, float] = {}
        for g, v in zip(self.groups(), self.matrix[i]):
            strength[g] = max(strength.get(g, 0.0), float(v))
        top = max(strength.values(), default=0.0)
        return [g for g, v in sorted(strength.items(), key=lambda kv: -kv[1])
                if v >= threshold and v >= rel * top]

    def class_detail(self, i: int, k: int = 2) -> str:
        """'3 / 5': the classes lever i trades between most (image reports only)."""
        cols = [j for j, g in enumerate(self.groups()) if g == "class"]
        if not cols:
            return ""
        row = self.matrix[i, cols]
        return " / ".join(self.factor_names[cols[j]][2:-1] for j in np.argsort(-row)[:k])

    def summary(self) -> list[dict]:
        out = []
        for i, name in enumerate(self.lever_names):
            row = self.matrix[i]
            ctrl = self.controls(i)
            total = row.sum()
            purity = float(row.max() / total) if total > 0 else 0.0
            verdict = ("does little" if not ctrl else "one feature" if len(ctrl) == 1
                       else f"{len(ctrl)} features at once")
            shown = [f"class ({self.class_detail(i)})" if c == "class" else c for c in ctrl]
            out.append({"lever": name, "controls": ctrl, "changes": shown, "purity": purity,
                        "verdict": verdict, "strength": float(row.max()) if row.size else 0.0})
        return out

    def entanglement(self) -> float:
        """Mean number of factors each active lever moves (1 = disentangled)."""
        counts = [len(self.controls(i)) for i in range(len(self.lever_names))]
        active = [c for c in counts if c]
        return float(np.mean(active)) if active else 0.0


def image_feature_names(n_classes: int = 10) -> list[str]:
    from .images import IMAGE_FACTORS
    return [f"p({k})" for k in range(n_classes)] + list(IMAGE_FACTORS)


def image_features(x, classifier, side: int) -> np.ndarray:
    """(N, side*side) images -> (N, 10 + 3): class probabilities, ink, slant, stroke width."""
    from .classifier import predict_probs
    from .images import image_factors
    return np.concatenate([predict_probs(classifier, x), image_factors(x, side)], axis=1)


def sweep_sensitivity(features_along: np.ndarray, features_ref: np.ndarray) -> np.ndarray:
    """features_along: (n_levers, B, n_steps, F) features along each lever's sweep from B
    base latents; features_ref: (M, F) features of a reference set (real data, or random
    samples). -> (n_levers, F): mean over bases of the std along the sweep / the
    reference std."""
    along = features_along.std(axis=2).mean(axis=1)  # (n_levers, F)
    spread = features_ref.std(axis=0)  # (F,)
    return along / np.maximum(spread, 1e-6)


def image_lever_report(run, classifier, c=None, n_base: int = 24, n_steps: int = 9,
                       seed: int = 0) -> LeverReport:
    """Lever x (class probabilities + ink, slant, stroke width) for an image generator.
    Each entry: std of the factor along the lever's sweep (others fixed), averaged over
    base latents from the run's prior, in units of the factor's std over the REAL images,
    so generators can be compared side by side. `c` fixes the class/code."""
    spec = lever_spec(run)
    base, c_all = _prior_draw(run, n_base, seed, c)
    values = lever_values(spec.lo, spec.hi, n_steps)
    z = np.concatenate([all_sweeps(b, values) for b in base])  # (B * L * S, dz)
    cz = None if c_all is None else np.repeat(c_all, spec.dim * n_steps)
    feats = image_features(decode(run, z, cz), classifier, spec.image_side)
    feats = feats.reshape(n_base, spec.dim, n_steps, -1).transpose(1, 0, 2, 3)
    real_f = real_image_features(run.out_target, classifier)
    names = image_feature_names()
    groups = ["class" if n.startswith("p(") else n for n in names]
    return LeverReport(sweep_sensitivity(feats, real_f), spec.names, names, "sweep",
                       {"n_base": n_base, "n_steps": n_steps, "class": c, "groups": groups})


_REAL_FEATURES: dict = {}


def real_image_features(target, classifier, n: int = 2000) -> np.ndarray:
    """(n, 13) features of real images of `target` (cached per target and classifier)."""
    key = (target.name, id(classifier))
    if key not in _REAL_FEATURES:
        x, _ = target.sample(n, torch.Generator().manual_seed(99))
        _REAL_FEATURES[key] = image_features(x.numpy(), classifier, target.side)
    return _REAL_FEATURES[key]


def _prior_draw(run, n: int, seed: int, c=None) -> tuple[np.ndarray, np.ndarray | None]:
    """(n, dz) latents from the run's prior and their classes/codes (or None)."""
    latent = run.sample_latent(n, seed + 11)
    z = latent.z.detach().cpu().numpy()
    cls = None if latent.c is None else latent.c.detach().cpu().numpy()
    if cls is not None and c is not None:
        cls = np.full_like(cls, int(c))
    return z, cls


def planar_lever_report(run, c=None, n: int = 4000, seed: int = 0) -> LeverReport:
    """2-D targets: MI(lever, true factor) from the metrics' lever alignment, on latents
    from the run's prior. Targets without factors get the sweep sensitivity of x and y."""
    from . import metrics
    spec = lever_spec(run)
    target = run.out_target
    z, cls = _prior_draw(run, n, seed, c)
    names = list(getattr(target, "factor_names", ()) or ())
    if names:
        real, factors = target.sample(20000, torch.Generator().manual_seed(4321))
        f = metrics.nearest_factors(decode(run, z, cls), real.numpy(), factors.numpy())
        return LeverReport(np.asarray(metrics.lever_alignment(z, f)), spec.names, names,
                           "alignment", {"class": c})
    base, values = z[:24], lever_values(spec.lo, spec.hi, 9)
    cb = None if cls is None else np.repeat(cls[:24], spec.dim * 9)
    x = decode(run, np.concatenate([all_sweeps(b, values) for b in base]), cb)
    feats = x.reshape(len(base), spec.dim, 9, -1).transpose(1, 0, 2, 3)
    rand = decode(run, z[:512], None if cls is None else cls[:512])
    return LeverReport(sweep_sensitivity(feats, rand), spec.names, ["x", "y"], "sweep", {"class": c})


def lever_report(run, classifier=None, c=None, **kw) -> LeverReport:
    if getattr(run.out_target, "side", 0):
        if classifier is None:
            from .classifier import classifier_for
            classifier = classifier_for(run.out_target.name)
        return image_lever_report(run, classifier, c, **kw)
    return planar_lever_report(run, c, **kw)


# --------------------------------------------------------------------------- G in the browser
def mlp_plan(run, c=None) -> dict | None:
    """G as plain arrays, for a browser to run the lever sweeps itself (GAN Lab does the
    same with TensorFlow.js): a lever move then redraws without a server round trip.

    {"layers": [(W (out, in) float32, b (out,) float32, act), ...], "suffix": the constant
    tail of G's input (the one-hot class or code), "slope": leaky slope}. act is "relu",
    "leaky_relu", "tanh" or "" (none). Eval-mode BatchNorm is folded into its Linear.
    None when G is anything else (then the page draws from the server only).
    `plan_forward` is the reference the browser code must match."""
    from torch import nn

    from .nets import Generator
    from .variants.base import Variant
    G = run.nets.shown_G
    if not isinstance(G, Generator) or type(run.variant).generate is not Variant.generate:
        return None
    layers, pending = [], None
    for m in list(G.body) + [G.out]:
        if isinstance(m, nn.Linear) and not hasattr(m, "parametrizations"):
            if pending is not None:
                layers.append(pending)
            pending = [m.weight.detach().double().cpu().numpy(),
                       m.bias.detach().double().cpu().numpy(), ""]
        elif isinstance(m, nn.BatchNorm1d) and pending is not None and pending[2] == "":
            s = (m.weight / torch.sqrt(m.running_var + m.eps)).detach().double().cpu().numpy()
            mean = m.running_mean.detach().double().cpu().numpy()
            pending[0] = pending[0] * s[:, None]
            pending[1] = (pending[1] - mean) * s + m.bias.detach().double().cpu().numpy()
        elif isinstance(m, (nn.ReLU, nn.LeakyReLU, nn.Tanh)) and pending is not None:
            pending[2] = {nn.ReLU: "relu", nn.LeakyReLU: "leaky_relu", nn.Tanh: "tanh"}[type(m)]
        else:
            return None
    pending[2] = "tanh" if G.squash else ""
    layers.append(pending)
    suffix = np.zeros(0, np.float32)
    if run.nets.g_cond:
        suffix = np.zeros(run.nets.n_classes, np.float32)
        suffix[int(c or 0)] = 1.0
    return {"layers": [(w.astype(np.float32), b.astype(np.float32), a) for w, b, a in layers],
            "suffix": suffix, "slope": float(run.cfg.leaky_slope)}


def plan_forward(plan: dict, z) -> np.ndarray:
    """(N, dz) -> (N, out): what the browser computes from `mlp_plan`."""
    h = np.concatenate([np.atleast_2d(np.asarray(z, np.float32)),
                        np.repeat(plan["suffix"][None], len(np.atleast_2d(z)), 0)], axis=1)
    for w, b, act in plan["layers"]:
        h = h @ w.T + b
        if act == "relu":
            h = np.maximum(h, 0)
        elif act == "leaky_relu":
            h = np.where(h > 0, h, plan["slope"] * h)
        elif act == "tanh":
            h = np.tanh(h)
    return h.astype(np.float32)

"""Metrics: mode statistics, distances, precision/recall, image scores, mapping metrics.

Every metric is a pure function of numpy arrays (points in target units), so tests
can feed hand-made sets. Thin wrappers take a `Target` and cache the real-sample
reference structures (k-means regions, kNN radii, kernel terms, noise floors) per
target, so a live detector pass only pays for the fake side.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import torch
from torch.func import jacrev, vmap

from .device import limit_native_pools


@functools.cache
def _native() -> SimpleNamespace:
    """POT and scikit-learn, imported on first use: with scipy they take ~3 s to import,
    and the first page draws its chart before the detector needs them. Their thread pools
    are bounded once loaded (gan_core.device)."""
    import ot
    from sklearn.cluster import KMeans
    from sklearn.neighbors import NearestNeighbors
    limit_native_pools()
    return SimpleNamespace(ot=ot, KMeans=KMeans, NearestNeighbors=NearestNeighbors)

HQ_SIGMAS = 3.0  # VEEGAN/PacGAN: high quality when within 3 sigma of a mode
FAR_SIGMAS = 4.5  # beyond this a sample is stray junk (a true gaussian puts 4e-5 there)
MIN_SHARE = 0.10  # captured when it gets >= 10% of its equal share of all samples
PERFECT_HQ_2D = 1.0 - math.exp(-HQ_SIGMAS ** 2 / 2)  # 0.9889: chi2(2) mass inside 3 sigma


# --------------------------------------------------------------------------- histograms
def reverse_kl(p: np.ndarray, q: np.ndarray | None = None) -> float:
    """KL(p || q) with 0 log 0 = 0; q defaults to uniform. nan when p is empty."""
    p = np.asarray(p, dtype=np.float64)
    if p.sum() <= 0:
        return float("nan")
    p = p / p.sum()
    q = np.full_like(p, 1.0 / len(p)) if q is None else np.asarray(q, np.float64) / np.sum(q)
    nz = p > 0
    return float(np.sum(p[nz] * np.log(p[nz] / np.maximum(q[nz], 1e-300))))


def js_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon divergence in bits, in [0, 1]; 0 when either side is empty."""
    p, q = np.asarray(p, np.float64), np.asarray(q, np.float64)
    if p.sum() <= 0 or q.sum() <= 0:
        return 0.0
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2
    return float((reverse_kl(p, m) + reverse_kl(q, m)) / 2 / math.log(2))


# --------------------------------------------------------------------------- mode statistics
def scaled_distance(points, centres, sigmas) -> np.ndarray:
    """(N, K) per-axis-scaled (diagonal Mahalanobis) distance of each point to each mode."""
    points = np.asarray(points, np.float64)  # (N, 2)
    centres = np.asarray(centres, np.float64)  # (K, 2)
    sigmas = np.broadcast_to(np.asarray(sigmas, np.float64).reshape(len(centres), -1), centres.shape)
    diff = (points[:, None, :] - centres[None]) / sigmas[None]  # (N, K, 2)
    return np.sqrt(np.einsum("nkd,nkd->nk", diff, diff))


def mode_stats(points, centres, sigmas, weights=None, min_share: float = MIN_SHARE) -> dict:
    """VEEGAN/PacGAN mode statistics.

    A sample is HQ when its scaled distance to the nearest mode is < 3 (sigma units).
    A mode is captured when it gets >= min_share of the samples it would get under
    the true weights (default equal): at 10% a wide blob over grid25 captures nothing,
    while counting any single HQ sample (the PacGAN count, `captured_any`) says 19-20.
    """
    points = np.asarray(points, np.float64)
    k = len(centres)
    q = np.full(k, 1.0 / k) if weights is None else np.asarray(weights, np.float64) / np.sum(weights)
    if len(points) == 0:
        return _empty_mode_stats(k)
    dist = scaled_distance(points, centres, sigmas)  # (N, K)
    nearest = dist.argmin(1)  # (N,)
    dmin = dist[np.arange(len(points)), nearest]
    hq = dmin < HQ_SIGMAS
    counts = np.bincount(nearest[hq], minlength=k)  # (K,)
    n_hq = int(hq.sum())
    return {
        "hq": n_hq / len(points),
        "far": float(np.mean(dmin > FAR_SIGMAS)),
        "counts": counts,
        "hist": counts / max(n_hq, 1),
        "captured": int(np.sum(counts >= min_share * len(points) * q)),
        "captured_any": int(np.sum(counts > 0)),
        "n_modes": k,
        "reverse_kl": reverse_kl(counts, q),
    }


def _empty_mode_stats(k: int) -> dict:
    return {"hq": 0.0, "far": 0.0, "counts": np.zeros(k, int), "hist": np.zeros(k),
            "captured": 0, "captured_any": 0, "n_modes": k, "reverse_kl": float("nan")}


def spread(points) -> float:
    """RMS distance to the centroid: sqrt(trace(cov)). Collapse shrinks it."""
    points = np.asarray(points, np.float64)
    return float(np.sqrt(np.var(points, axis=0).sum())) if len(points) > 1 else 0.0


# --------------------------------------------------------------------------- k-means regions
@dataclass(frozen=True)
class Regions:
    """Mode-like cells for targets without known modes: centres, an isotropic 'sigma'
    (a third of the 99th-percentile member radius, so HQ means 'inside the cell'),
    and the real share of each cell (k-means cells are not equally heavy)."""
    centres: np.ndarray  # (K, 2)
    sigmas: np.ndarray  # (K, 2)
    weights: np.ndarray  # (K,)


# Fixed per target so numbers are comparable across runs; ~2 cells per arm turn.
REGION_K = {"spiral": 24, "swiss_roll": 24, "ring": 24, "quadratic": 16, "line": 16,
            "one_gaussian": 16, "custom": 20}


def fit_regions(real, k: int = 20, seed: int = 0) -> Regions:
    """k-means cells on real points (N, 2); fit them in normalised units (equal axes)."""
    real = np.asarray(real, np.float64)  # (N, 2)
    km = _native().KMeans(n_clusters=k, n_init=3, random_state=seed).fit(real)
    labels = km.labels_
    dist = np.linalg.norm(real - km.cluster_centers_[labels], axis=1)
    radius = np.array([np.percentile(dist[labels == j], 99) if np.any(labels == j) else 0.0
                       for j in range(k)])
    radius = np.maximum(radius, 1e-6 * (1 + np.abs(real).max()))
    sig = np.repeat((radius / HQ_SIGMAS)[:, None], 2, axis=1)
    return Regions(km.cluster_centers_, sig, np.bincount(labels, minlength=k) / len(real))


def region_stats(points, regions: Regions, min_share: float = MIN_SHARE) -> dict:
    return mode_stats(points, regions.centres, regions.sigmas, regions.weights, min_share)


# --------------------------------------------------------------------------- precision / recall
def lifted(a, side: str) -> np.ndarray:
    """Lift points so one matmul gives squared distances: [x, |x|^2, 1] . [-2y, 1, |y|^2]."""
    a = np.asarray(a, np.float64)
    sq, one = (a * a).sum(1, keepdims=True), np.ones((len(a), 1))
    parts = [a, sq, one] if side == "left" else [-2 * a, one, sq]
    return np.concatenate(parts, 1).astype(np.float32)  # (N, D + 2)


def sq_dists(a, b, b_lifted=None) -> np.ndarray:
    """(M, N) float32 squared distances as a single sgemm (no extra passes over M x N)."""
    bl = lifted(b, "right") if b_lifted is None else b_lifted
    d2 = lifted(a, "left") @ bl.T
    return np.maximum(d2, 0, out=d2)


def knn_radii(points, k: int = 5) -> np.ndarray:
    """(N,) distance from each point to its k-th nearest other point."""
    nn = _native().NearestNeighbors(n_neighbors=k + 1).fit(points)
    return nn.kneighbors(points)[0][:, -1].astype(np.float32)


def prdc(real, fake, k: int = 5, real_radii=None) -> dict:
    """Precision, recall, density, coverage (Naeem et al. 2020) with k-NN balls."""
    r_real = knn_radii(real, k) if real_radii is None else real_radii  # (N,)
    return _prdc_from(sq_dists(fake, real), r_real, knn_radii(fake, k), k)


def _prdc_from(d2, r_real, r_fake, k) -> dict:
    acc = _PRDCAccumulator(r_real, r_fake)
    acc.add(d2, 0)
    return acc.result(k)


class _PRDCAccumulator:
    """PRDC counts over row blocks of the (M, N) fake-real distance matrix, so a live
    pass never holds the whole 16 MB matrix (blocks stay in cache: ~5x faster)."""

    def __init__(self, r_real, r_fake):
        self.rr2 = np.asarray(r_real, np.float32) ** 2  # (N,)
        self.rf2 = np.asarray(r_fake, np.float32) ** 2  # (M,)
        self.precise = self.inside = 0
        self.recalled = np.zeros(len(self.rr2), bool)  # (N,)
        self.nearest = np.full(len(self.rr2), np.inf, np.float32)  # (N,)
        self.stray = 0

    def add(self, d2, start: int) -> None:  # d2: (B, N) rows start..start+B of the fakes
        inside = d2 <= self.rr2[None, :]  # fake j inside real ball i
        self.precise += int(inside.any(1).sum())
        self.inside += int(np.count_nonzero(inside))
        self.recalled |= (d2 <= self.rf2[start:start + len(d2), None]).any(0)
        np.minimum(self.nearest, d2.min(0), out=self.nearest)
        # Stray: > 3 k-NN radii from its nearest real point; ~0 for a perfect sampler
        # anywhere on any target, so 1% junk stands out where MMD cannot see it.
        i = d2.argmin(1)  # (B,)
        self.stray += int(np.sum(d2[np.arange(len(d2)), i] > 9 * self.rr2[i]))

    def result(self, k: int) -> dict:
        m = len(self.rf2)
        return {"precision": self.precise / m, "recall": float(self.recalled.mean()),
                "density": self.inside / (k * m),
                "coverage": float((self.nearest <= self.rr2).mean()), "stray": self.stray / m}


# --------------------------------------------------------------------------- distances
def sliced_wasserstein(x, y, n_projections: int = 128, seed: int = 0) -> float:
    """Sliced W2 via POT. Blind to blur on its own: pair it with mode stats."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    return float(_native().ot.sliced_wasserstein_distance(x, y, n_projections=n_projections, p=2, seed=seed))


def projections(n: int = 64) -> np.ndarray:
    """(2, P) evenly spaced unit directions over a half turn: in 2-D these beat random
    ones for the same count."""
    ang = np.pi * (np.arange(n) + 0.5) / n
    return np.stack([np.cos(ang), np.sin(ang)])


def sliced_w_sorted(x, y_sorted, proj) -> float:
    """Sliced W2 of x against y given y's sorted projections (Ny, P): the live path.
    Sorted fake projections are matched with y's quantiles at the same levels, which
    is exact W2 per slice for equal sizes; tests check it against POT."""
    xs = np.sort(np.asarray(x, np.float64) @ proj, axis=0)  # (Nx, P)
    if len(xs) != len(y_sorted):
        levels = (np.arange(len(xs)) + 0.5) / len(xs)
        grid = (np.arange(len(y_sorted)) + 0.5) / len(y_sorted)
        y_sorted = np.stack([np.interp(levels, grid, y_sorted[:, j]) for j in range(proj.shape[1])], 1)
    return float(np.sqrt(np.mean((xs - y_sorted) ** 2)))


def default_bandwidths(real) -> tuple[float, ...]:
    """Median-heuristic bandwidth times (0.1, 0.3, 1): small ones see mode shape, the
    large one sees mode weights."""
    real = np.asarray(real)[:1000]
    med = float(np.sqrt(np.median(sq_dists(real, real))))
    return tuple(med * f for f in (0.1, 0.3, 1.0))


def _kernel_means(d2, bandwidths) -> np.ndarray:
    buf = np.empty(d2.shape, np.float32)
    out = []
    for h in bandwidths:
        np.multiply(d2, np.float32(-0.5 / h ** 2), out=buf)
        # float32 pairwise sums are exact enough here, and skip a float64 copy per pass
        out.append(float(np.exp(buf, out=buf).sum(dtype=np.float32)) / buf.size)
    return np.array(out)


def _mean_dist(d2) -> float:
    return float(np.sqrt(d2).sum(dtype=np.float32)) / d2.size


def mmd_rbf(x, y, bandwidths) -> float:
    """Biased MMD^2 summed over RBF bandwidths (>= 0; its floor is O(1/N), not 0)."""
    k = _kernel_means(sq_dists(x, x), bandwidths) + _kernel_means(sq_dists(y, y), bandwidths)
    return float(np.sum(k - 2 * _kernel_means(sq_dists(x, y), bandwidths)))


def energy_distance(x, y) -> float:
    """2 E|X-Y| - E|X-X'| - E|Y-Y'| (Szekely); zero only for equal distributions."""
    return 2 * _mean_dist(sq_dists(x, y)) - _mean_dist(sq_dists(x, x)) - _mean_dist(sq_dists(y, y))


# --------------------------------------------------------------------------- per-target reference
KERNEL_N = 500  # MMD/energy use this many points a side (16x cheaper than 2,000; floors match,
# as the floor uses the same n): the detector's rules do not read them, they are for display
BLOCK = 128  # fake rows per distance block


@dataclass
class Reference:
    """Everything about the real side that a detector pass would otherwise recompute.
    Cells (modes/regions) live in target units; PRDC, spread and the distances work in
    normalised units ((x - center) / scale), so a quadratic's tall y axis cannot drown x
    and numbers compare across targets."""
    name: str
    center: np.ndarray  # (2,)
    scale: np.ndarray  # (2,)
    real: np.ndarray  # (N_ref, 2) normalised units
    cells: Regions  # true modes (equal weights) or k-means regions
    has_modes: bool
    real_stats: dict  # mode/region stats of a second real sample: the perfect-sampler values
    radii: np.ndarray  # (N_ref,) k-NN radii for PRDC
    proj: np.ndarray  # (2, P) sliced-W directions
    real_sorted: np.ndarray  # (N_ref, P) sorted real projections
    bandwidths: tuple
    kyy: np.ndarray  # (B,) mean real-real kernel per bandwidth, first KERNEL_N points
    eyy: float  # mean real-real distance, first KERNEL_N points
    sampler: object = None  # callable(n, seed) -> (n, 2) real points
    floors: dict = field(default_factory=dict)  # N -> real-vs-real metric values

    def __post_init__(self):
        self.real_lifted = lifted(self.real, "right")  # (N_ref, 4)


_REFERENCES: dict = {}


def _target_key(target):
    # Registry targets are cached by name; a custom target also by identity (its points).
    return target.name if target.name != "custom" else (target.name, id(target))


def _sample_np(target, n: int, seed: int) -> np.ndarray:
    pts, _ = target.sample(n, torch.Generator().manual_seed(seed))
    return pts.detach().cpu().numpy().astype(np.float64)


def target_cells(target, n_fit: int = 20000) -> tuple[Regions, bool]:
    """True modes when the target has them, else k-means regions fitted on real data."""
    # One mode (one_gaussian) says nothing about coverage: use regions there too.
    centres = getattr(target, "mode_centers", None)
    if centres is not None and len(centres) >= 2:
        c = np.asarray(centres, np.float64)
        s = np.asarray(target.mode_sigmas, np.float64)
        return Regions(c, np.broadcast_to(s.reshape(len(c), -1), c.shape).copy(),
                       np.full(len(c), 1.0 / len(c))), True
    center, scale = _norm_consts(target)
    cells = fit_regions((_sample_np(target, n_fit, seed=12345) - center) / scale,
                        REGION_K.get(target.name, 20))
    return Regions(cells.centres * scale + center, cells.sigmas * scale, cells.weights), False


def _norm_consts(target) -> tuple[np.ndarray, np.ndarray]:
    return (np.asarray(target.center, np.float64).reshape(2),
            np.broadcast_to(np.asarray(target.scale, np.float64), (2,)).copy())


def build_reference(name, real, cells: Regions, has_modes: bool, sampler, center=(0.0, 0.0),
                    scale=(1.0, 1.0), k: int = 5) -> Reference:
    """Reference from plain arrays (target units); `sampler(n, seed)` draws fresh real
    points for the noise floors."""
    center = np.asarray(center, np.float64).reshape(2)
    scale = np.broadcast_to(np.asarray(scale, np.float64), (2,)).copy()
    real_n = (np.asarray(real, np.float64) - center) / scale
    proj = projections()
    bw = default_bandwidths(real_n)
    d2 = sq_dists(real_n[:KERNEL_N], real_n[:KERNEL_N])
    return Reference(name, center, scale, real_n, cells, has_modes,
                     region_stats(sampler(len(real_n), 777), cells), knn_radii(real_n, k), proj,
                     np.sort(real_n @ proj, axis=0), bw, _kernel_means(d2, bw), _mean_dist(d2),
                     sampler)


def reference(target, n_ref: int = 2000) -> Reference:
    """The cached Reference of a Target (built once per target and n_ref)."""
    key = (_target_key(target), n_ref)
    if key not in _REFERENCES:
        cells, has_modes = target_cells(target)
        sampler = lambda n, seed: _sample_np(target, n, seed)
        center, scale = _norm_consts(target)
        _REFERENCES[key] = build_reference(target.name, sampler(n_ref, 0), cells, has_modes,
                                           sampler, center, scale)
    return _REFERENCES[key]


def sample_metrics(ref: Reference, fake, k: int = 5) -> dict:
    """All sample-quality metrics of `fake` (N, 2) against the cached reference.
    One fake-real distance matrix serves PRDC and (its corner) MMD and energy."""
    out = region_stats(fake, ref.cells)
    fake = (np.asarray(fake, np.float64) - ref.center) / ref.scale
    out["spread_ratio"] = spread(fake) / max(spread(ref.real), 1e-12)
    acc = _PRDCAccumulator(ref.radii, knn_radii(fake, k))
    nf, nr = min(KERNEL_N, len(fake)), min(KERNEL_N, len(ref.real))
    kxy, exy = np.zeros(len(ref.bandwidths)), 0.0
    for start in range(0, len(fake), BLOCK):
        dfr = sq_dists(fake[start:start + BLOCK], None, ref.real_lifted)  # (B, N_ref)
        acc.add(dfr, start)
        if start < nf:  # MMD/energy use the first nf x nr corner
            corner = dfr[: nf - start, :nr]
            kxy += _kernel_means(corner, ref.bandwidths) * corner.size
            exy += _mean_dist(corner) * corner.size
    out.update(acc.result(k))
    out["sliced_w"] = sliced_w_sorted(fake, ref.real_sorted, ref.proj)
    dff = sq_dists(fake[:nf], fake[:nf])
    out["mmd"] = float(np.sum(_kernel_means(dff, ref.bandwidths) + ref.kyy - 2 * kxy / (nf * nr)))
    out["energy"] = 2 * exy / (nf * nr) - _mean_dist(dff) - ref.eyy
    return out


FLOOR_KEYS = ("sliced_w", "mmd", "energy", "precision", "recall", "density", "coverage", "stray",
              "hq", "far", "captured", "reverse_kl", "spread_ratio")


def noise_floor(ref: Reference, n: int, repeats: int = 3) -> dict:
    """Mean metrics of fresh real samples of size n: what 'perfect' looks like (not 0).
    Cached per (reference, n)."""
    if n not in ref.floors:
        rows = [sample_metrics(ref, ref.sampler(n, 1000 + i)) for i in range(repeats)]
        ref.floors[n] = {k: float(np.mean([r[k] for r in rows])) for k in FLOOR_KEYS}
    return ref.floors[n]


def target_sample_metrics(target, fake, n_ref: int = 2000) -> dict:
    """Wrapper: metrics of fake (N, 2) target units, with `floor_*` real-vs-real values."""
    ref = reference(target, n_ref)
    out = sample_metrics(ref, fake)
    out.update({f"floor_{k}": v for k, v in noise_floor(ref, len(fake)).items()})
    return out


# --------------------------------------------------------------------------- image targets
def _clean_probs(probs) -> np.ndarray:
    p = np.clip(np.asarray(probs, np.float64), 1e-12, None)
    return p / p.sum(1, keepdims=True)  # (N, C)


def inception_score(probs) -> float:
    """exp(E_x KL(p(y|x) || p(y))) from classifier probabilities (N, C)."""
    p = _clean_probs(probs)
    py = p.mean(0)
    return float(np.exp(np.mean(np.sum(p * (np.log(p) - np.log(py)), axis=1))))


def modified_inception_score(probs) -> float:
    """DeLiGAN's m-IS: exp(E_{j,k same predicted class, j != k} KL(p(y|x_j) || p(y|x_k))).
    Rewards diversity inside each class, which IS cannot see."""
    p = _clean_probs(probs)
    logp = np.log(p)
    labels = p.argmax(1)
    total, pairs = 0.0, 0
    for c in np.unique(labels):
        pc, lc = p[labels == c], logp[labels == c]
        n = len(pc)
        if n < 2:
            continue
        kl = (pc * lc).sum(1)[:, None] - pc @ lc.T  # (n, n) KL(p_j || p_k)
        total += kl.sum()  # the diagonal is 0
        pairs += n * (n - 1)
    return float(np.exp(total / pairs)) if pairs else 1.0


def class_histogram(probs_or_labels, n_classes: int | None = None) -> np.ndarray:
    """(C,) share of samples per predicted class, from probs (N, C) or labels (N,)."""
    a = np.asarray(probs_or_labels)
    if a.ndim == 2:
        n_classes = n_classes or a.shape[1]
        a = a.argmax(1)
    counts = np.bincount(a.astype(int), minlength=n_classes or 0)
    return counts / max(counts.sum(), 1)


# --------------------------------------------------------------------------- mapping metrics
def latent_grid(latent_dim: int, dims=(0, 1), n: int = 32, extent: float = 2.5, probe=None):
    """(n*n, d) latent points on a grid over two dims, the others held at `probe`."""
    axis = torch.linspace(-extent, extent, n)
    a, b = torch.meshgrid(axis, axis, indexing="ij")  # (n, n): dims[0] down rows
    z = torch.zeros(latent_dim) if probe is None else torch.as_tensor(probe, dtype=torch.float32).clone()
    z = z.repeat(n * n, 1)  # (n*n, d)
    z[:, dims[0]] = a.reshape(-1)
    if latent_dim > 1:
        z[:, dims[1]] = b.reshape(-1)
    return z


def jacobians(generator, z: torch.Tensor) -> torch.Tensor:
    """(N, 2, d) dG/dz by vmap(jacrev); central differences if G cannot be vmapped
    (e.g. batch norm in train mode)."""
    def one(zi):  # (d,) -> (2,)
        return generator(zi[None])[0]
    try:
        return vmap(jacrev(one))(z)
    except Exception:
        return _fd_jacobians(generator, z)


@torch.no_grad()
def _fd_jacobians(generator, z, h: float = 1e-3):
    cols = []
    for i in range(z.shape[1]):
        dz = torch.zeros_like(z)
        dz[:, i] = h
        cols.append((generator(z + dz) - generator(z - dz)) / (2 * h))  # (N, 2)
    return torch.stack(cols, dim=2)


def mapping_metrics(generator, latent_dim: int, dims=(0, 1), n: int = 32, extent: float = 2.5,
                    probe=None, tear_factor: float = 10.0) -> dict:
    """Jacobian metrics on a latent grid over `dims`.

    tear_map (n, n): per cell, the larger of sigma1 at the cell and the secant stretch
    |G(a) - G(b)| / |a - b| to its grid neighbours; the secant catches a tear narrower
    than a cell, which a pointwise Jacobian steps over. tear_score: share of cells
    above tear_factor x the median. log_cond: log cond(J^T J) over its nonzero part,
    = 2 log(sigma1/sigma2) (Odena et al. 2018). log_area: log(sigma1 sigma2),
    = log|det J| for a 2-D latent. fold_share: see `fold_share`.
    """
    z = latent_grid(latent_dim, dims, n, extent, probe)  # (n*n, d)
    with torch.enable_grad():
        jac = jacobians(generator, z).detach().double()  # (n*n, 2, d)
    with torch.no_grad():
        x = generator(z).detach().double().reshape(n, n, 2)
    sv = torch.linalg.svdvals(jac)  # (n*n, min(2, d))
    s1 = sv[:, 0].reshape(n, n)
    s2 = (sv[:, 1] if sv.shape[1] > 1 else torch.zeros_like(sv[:, 0])).reshape(n, n)
    tear = _secant_stretch(x, 2 * extent / (n - 1)).maximum(s1)
    tiny = 1e-12
    log_cond = 2 * (torch.log(s1 + tiny) - torch.log(s2 + tiny))
    med = float(tear.median())
    return {
        "z": z.numpy(), "x": x.reshape(-1, 2).numpy(),
        "sigma1": s1.numpy(), "sigma2": s2.numpy(), "tear_map": tear.numpy(),
        "tear_score": float((tear > tear_factor * med).double().mean()) if med > 0 else 0.0,
        "log_cond_mean": float(log_cond.mean()), "log_cond_std": float(log_cond.std()),
        "log_area": (torch.log(s1 + tiny) + torch.log(s2 + tiny)).numpy(),
        "fold_share": fold_share(jac, dims) if latent_dim > 1 else 0.0,
    }


def fold_share(jac: torch.Tensor, dims=(0, 1)) -> float:
    """Share of the latent grid that G maps with the minority orientation: the sign of
    det dG/d(z_dims) flips across a fold, where G lays the plane back over itself (the
    knots of Lazarou's "GANs and inefficient mappings"). 0 for an unfolded map, up to 0.5.
    Points where G is locally flat (|det| under a thousandth of the median) do not vote."""
    det = torch.linalg.det(jac[:, :, list(dims)])  # (N,)
    mag = det.abs()
    vote = mag > 1e-3 * float(mag.median())
    if not bool(vote.any()):
        return 0.0
    neg = float((det[vote] < 0).double().mean())
    return min(neg, 1.0 - neg)


def _secant_stretch(x, h: float) -> torch.Tensor:
    """(n, n) largest |G(a)-G(b)|/h over each grid point's 4 neighbours."""
    down = (x[1:] - x[:-1]).norm(dim=-1) / h  # (n-1, n)
    right = (x[:, 1:] - x[:, :-1]).norm(dim=-1) / h  # (n, n-1)
    out = torch.zeros(x.shape[:2], dtype=x.dtype)
    out[1:] = out[1:].maximum(down)
    out[:-1] = out[:-1].maximum(down)
    out[:, 1:] = out[:, 1:].maximum(right)
    out[:, :-1] = out[:, :-1].maximum(right)
    return out


@torch.no_grad()
def perceptual_path_length(generator, z0: torch.Tensor, z1: torch.Tensor, eps: float = 1e-4,
                           gen: torch.Generator | None = None) -> float:
    """PPL (Karras et al. 2019) with the output itself as the 'perceptual' space:
    E[|G(lerp(z0,z1,t)) - G(lerp(z0,z1,t+eps))|^2 / eps^2], 1st-99th percentile kept."""
    t = torch.rand(z0.shape[0], 1, generator=gen).to(z0)  # (N, 1)
    za = torch.lerp(z0, z1, t)
    zb = torch.lerp(z0, z1, t + eps)
    d = ((generator(za).double() - generator(zb).double()) ** 2).sum(1) / eps ** 2  # (N,)
    d = d.numpy()
    lo, hi = np.percentile(d, [1, 99])
    return float(d[(d >= lo) & (d <= hi)].mean())


def _discretise(v: np.ndarray, bins: int) -> np.ndarray:
    """Integer codes: categories as they are when few, else equal-mass bins."""
    uniq = np.unique(v)
    if len(uniq) <= bins:
        return np.searchsorted(uniq, v)
    edges = np.quantile(v, np.linspace(0, 1, bins + 1)[1:-1])
    return np.searchsorted(edges, v, side="right")


def _entropy(codes: np.ndarray) -> float:
    p = np.bincount(codes) / len(codes)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def _mutual_info(a: np.ndarray, b: np.ndarray) -> float:
    nb = b.max() + 1
    joint = np.bincount(a * nb + b, minlength=(a.max() + 1) * nb).reshape(-1, nb) / len(a)
    pa, pb = joint.sum(1, keepdims=True), joint.sum(0, keepdims=True)
    nz = joint > 0
    return float((joint[nz] * np.log(joint[nz] / (pa @ pb)[nz])).sum())


def lever_alignment(z, factors, bins: int = 20) -> np.ndarray:
    """(d, F) MI(z_i; f_j) / H(f_j), MIG-style: 1 = lever i alone sets factor j."""
    z, factors = np.asarray(z, np.float64), np.asarray(factors, np.float64)
    zc = [_discretise(z[:, i], bins) for i in range(z.shape[1])]
    fc = [_discretise(factors[:, j], bins) for j in range(factors.shape[1])]
    out = np.zeros((len(zc), len(fc)))
    for j, f in enumerate(fc):
        h = _entropy(f)
        for i, a in enumerate(zc):
            out[i, j] = _mutual_info(a, f) / h if h > 0 else 0.0
    return out


def nearest_factors(points, real, real_factors) -> np.ndarray:
    """(N, F) factors of generated points, read off their nearest real sample."""
    nn = _native().NearestNeighbors(n_neighbors=1).fit(np.asarray(real))
    idx = nn.kneighbors(np.asarray(points), return_distance=False)[:, 0]
    return np.asarray(real_factors)[idx]


def target_lever_alignment(generator, z: torch.Tensor, target, n_ref: int = 20000,
                           bins: int = 20) -> np.ndarray:
    """Wrapper: lever x factor matrix for G on latent batch z (N, d)."""
    real, factors = target.sample(n_ref, torch.Generator().manual_seed(4321))
    with torch.no_grad():
        x = generator(z).detach().cpu().numpy()
    f = nearest_factors(x, real.numpy(), factors.numpy())
    return lever_alignment(z.detach().cpu().numpy(), f, bins)


def across_arm_residuals(points, curve) -> np.ndarray:
    """(N,) signed distance from each point to a dense polyline (M, 2), along the normal
    at the nearest curve point."""
    curve = np.asarray(curve, np.float64)
    tangent = np.gradient(curve, axis=0)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True) + 1e-12
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], 1)  # (M, 2)
    idx = _native().NearestNeighbors(n_neighbors=1).fit(curve).kneighbors(np.asarray(points), return_distance=False)[:, 0]
    return np.einsum("nd,nd->n", np.asarray(points, np.float64) - curve[idx], normal[idx])


def robust_std(v: np.ndarray) -> float:
    """IQR / 1.349: a std that a few stray points cannot inflate."""
    q1, q3 = np.percentile(v, [25, 75])
    return float((q3 - q1) / 1.349)


def width_ratio(fake, real, curve) -> float:
    """Across-arm spread of fake / of real around the true arm centre-line: the
    'thinness' of Lazarou's spiral. ~1 healthy, < 0.5 thin."""
    true = robust_std(across_arm_residuals(real, curve))
    return robust_std(across_arm_residuals(fake, curve)) / max(true, 1e-12)

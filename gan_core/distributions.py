"""Target distributions: a sampler, its ground-truth factors, and where known the
true latent -> sample map and the modes.

Every sampler is a pure function of (n, torch.Generator) on the CPU in float32, so a
seed fixes the data. Points are in the target's own units; `normalise` maps them to
roughly [-1, 1] for training.
"""
from __future__ import annotations

import array
import io
import math
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from .i18n import Msg

MIN_POINTS, MAX_POINTS = 10, 1_000_000


class InvalidData(ValueError):
    """User data that cannot become a target; the message is meant for the user."""


@dataclass(frozen=True)
class Target:
    name: str
    description: str
    sampler: Callable  # (n, gen) -> (points (N, 2), factors (N, F))
    factor_names: tuple[str, ...]
    bounds: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    center: tuple[float, float]
    scale: float | tuple[float, float]  # a float, or per-axis when the axes differ wildly
    true_map: Callable | None = None  # (N, D_true) -> (N, 2)
    true_prior: str | None = None  # "uniform" or "cat_normal"
    mode_centers: np.ndarray | None = None  # (K, 2)
    mode_sigmas: np.ndarray | None = None  # (K, 2)
    n_classes: int = 0
    labeller: Callable | None = None  # factors (N, F) -> mode index (N,) long

    def sample(self, n: int, gen: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
        return self.sampler(n, gen)

    def sample_with_labels(self, n: int, gen: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
        x, f = self.sample(n, gen)
        return x, self.labels_from_factors(f)

    def labels_from_factors(self, factors: Tensor) -> Tensor:  # (N, F) -> (N,) long
        if self.labeller is None:
            raise ValueError(f"target '{self.name}' has no modes, so its points have no labels")
        return self.labeller(factors)

    @property
    def has_modes(self) -> bool:
        return self.mode_centers is not None

    @property
    def scale_xy(self) -> tuple[float, float]:
        s = self.scale
        return (float(s), float(s)) if np.isscalar(s) else (float(s[0]), float(s[1]))

    def normalise(self, x):
        c, s = _consts(x, self.center, self.scale_xy)
        return (x - c) / s

    def denormalise(self, x):
        c, s = _consts(x, self.center, self.scale_xy)
        return x * s + c

    def true_latent(self, n: int, gen: torch.Generator | None = None) -> Tensor:
        if self.true_map is None:
            raise ValueError(f"target '{self.name}' is data only; it has no true latent map")
        return TRUE_PRIORS[self.true_prior](n, gen)


def _consts(x, center, scale):
    """center and scale as (2,) in x's own type, dtype and device, so dtype is preserved."""
    if isinstance(x, Tensor):
        mk = lambda v: torch.tensor(v, dtype=x.dtype, device=x.device)
        return mk(center), mk(scale)
    x = np.asarray(x)
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
    return np.asarray(center, dtype=dtype), np.asarray(scale, dtype=dtype)


# --------------------------------------------------------------------------- random helpers
def _uniform(n, d, gen, lo=-1.0, hi=1.0) -> Tensor:  # (N, d)
    return lo + (hi - lo) * torch.rand(n, d, generator=gen)


def _normal(n, d, gen) -> Tensor:  # (N, d)
    return torch.randn(n, d, generator=gen)


def _uniform_prior(n, gen) -> Tensor:  # (N, 2) in U(-1, 1)
    return _uniform(n, 2, gen)


def _cat_normal_prior(n, gen) -> Tensor:  # (N, 10): 2 normal, then one-hot of 8
    eps = _normal(n, 2, gen)
    k = torch.randint(0, 8, (n,), generator=gen)
    return torch.cat([eps, F.one_hot(k, 8).float()], dim=1)


TRUE_PRIORS = {"uniform": _uniform_prior, "cat_normal": _cat_normal_prior}


def _blobs(centers: np.ndarray, sigmas: np.ndarray, n, gen) -> tuple[Tensor, Tensor]:
    """Equal-weight gaussian mixture. Returns points (N, 2) and component index (N,)."""
    k = torch.randint(0, len(centers), (n,), generator=gen)
    eps = _normal(n, 2, gen)
    c = torch.as_tensor(centers, dtype=torch.float32)
    s = torch.as_tensor(sigmas, dtype=torch.float32)
    return c[k] + s[k] * eps, k


def _first_factor_label(f: Tensor) -> Tensor:
    return f[:, 0].round().long()


# --------------------------------------------------------------------------- Lazarou's three
def spiral_map(z: Tensor) -> Tensor:  # (N, 2) in U(-1,1)^2 -> (N, 2)
    r = 0.05 + 0.90 * (z[:, 0] + 1) / 2 + 0.05 * z[:, 1]
    theta = 3 * math.pi * z[:, 0]
    return torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=1)


def _spiral(n, gen):
    z = _uniform_prior(n, gen)
    return spiral_map(z), z  # factors: along_arm = z0, across_arm = z1


_ANGLES8 = 2 * np.pi * np.arange(8) / 8  # not linspace(0, 2pi, 8): that repeats angle 0
_EIGHT = np.stack([2 * np.cos(_ANGLES8), 2 * np.sin(_ANGLES8)], 1).astype(np.float32)  # (8, 2)


def eight_gaussians_map(z: Tensor) -> Tensor:  # (N, 10): 2 normal + one-hot 8 -> (N, 2)
    centers = torch.as_tensor(_EIGHT, dtype=z.dtype, device=z.device)
    return 0.2 * z[:, :2] + z[:, 2:10] @ centers  # a soft one-hot blends centres


def _eight_gaussians(n, gen):
    z = _cat_normal_prior(n, gen)
    k = z[:, 2:].argmax(1).float()
    return eight_gaussians_map(z), torch.cat([k[:, None], z[:, :2]], dim=1)


_NDTRI_EPS = 1e-6  # keeps ndtri finite: |x| <= 4.75


def one_gaussian_map(z: Tensor) -> Tensor:  # (N, 2) in U(-1,1)^2 -> (N, 2) ~ N(0, I)
    return torch.special.ndtri(((z + 1) / 2).clamp(_NDTRI_EPS, 1 - _NDTRI_EPS))


def _one_gaussian(n, gen):
    z = _uniform_prior(n, gen)
    return one_gaussian_map(z), z


# --------------------------------------------------------------------------- data-only targets
def _quadratic(n, gen):
    x = _uniform(n, 1, gen, -50.0, 50.0)  # (N, 1)
    return torch.cat([x, 10 + x**2], dim=1), x


_RING8 = _EIGHT


def _ring8(n, gen):
    x, k = _blobs(_RING8, np.full((8, 2), 0.02), n, gen)
    return x, k[:, None].float()


_GRID = np.array([(2.0 * c - 4, 2.0 * r - 4) for r in range(5) for c in range(5)], np.float32)  # label r*5+c


def _grid25(n, gen):
    x, k = _blobs(_GRID, np.full((25, 2), 0.05), n, gen)
    return x, torch.stack([k // 5, k % 5], dim=1).float()  # row, col


def _grid_label(f: Tensor) -> Tensor:
    return (f[:, 0].round() * 5 + f[:, 1].round()).long()


def _swiss_roll(n, gen):
    # sklearn.make_swiss_roll(noise=0.25) columns [0, 2] / 7.5 (WGAN-GP toy), drawn with gen
    t = 1.5 * math.pi * (1 + 2 * torch.rand(n, 1, generator=gen))  # (N, 1)
    x = torch.cat([t * torch.cos(t), t * torch.sin(t)], dim=1) + 0.25 * _normal(n, 2, gen)
    return x / 7.5, t


# GAN Lab's four live in the unit square.
def _line(n, gen):
    u = torch.rand(n, 1, generator=gen)
    x = torch.cat([0.8 - 0.75 * u, 0.6 + 0.3 * u], dim=1) + 0.01 * _normal(n, 2, gen)
    return x, u


_TWO = np.array([[0.3, 0.7], [0.7, 0.4]], np.float32)
_TWO_SIG = np.array([[0.1, 0.1], [0.05, 0.2]], np.float32)


def _two_gaussians(n, gen):
    x, k = _blobs(_TWO, _TWO_SIG, n, gen)
    return x, k[:, None].float()


def _ring(n, gen):
    a = 2 * math.pi * torch.rand(n, 1, generator=gen)  # (N, 1)
    x = torch.cat([0.5 + 0.3 * torch.cos(a), 0.45 + 0.25 * torch.sin(a)], dim=1)
    return x + 0.025 * _normal(n, 2, gen), a


_DISJOINT = np.array([[0.35, 0.75], [0.75, 0.6], [0.45, 0.35]], np.float32)


def _disjoint(n, gen):
    x, k = _blobs(_DISJOINT, np.full((3, 2), 0.025), n, gen)
    return x, k[:, None].float()


def _modes(centers, sigma, labeller=_first_factor_label) -> dict:
    centers = np.asarray(centers, np.float32)
    sigmas = np.broadcast_to(np.asarray(sigma, np.float32), centers.shape).copy()
    return dict(mode_centers=centers, mode_sigmas=sigmas, n_classes=len(centers), labeller=labeller)


TARGETS: dict[str, Target] = {t.name: t for t in [
    Target("spiral", "A spiral drawn by a known map of a 2-D uniform latent (Lazarou).",
           _spiral, ("along_arm", "across_arm"), (-1.1, 1.1, -1.1, 1.1), (0.0, 0.0), 1.05,
           true_map=spiral_map, true_prior="uniform"),
    Target("eight_gaussians", "Eight gaussians on a circle of radius 2, picked by a categorical latent (Lazarou).",
           _eight_gaussians, ("mode", "noise_x", "noise_y"), (-3.0, 3.0, -3.0, 3.0), (0.0, 0.0), 2.8,
           true_map=eight_gaussians_map, true_prior="cat_normal", **_modes(_EIGHT, 0.2)),
    Target("one_gaussian", "A standard normal made from a 2-D uniform latent by the inverse normal CDF (Lazarou).",
           _one_gaussian, ("z0", "z1"), (-4.0, 4.0, -4.0, 4.0), (0.0, 0.0), 3.3,
           true_map=one_gaussian_map, true_prior="uniform",
           **_modes([[0.0, 0.0]], 1.0, lambda f: torch.zeros(len(f), dtype=torch.long))),
    Target("quadratic", "Points on the curve y = 10 + x^2 for x in [-50, 50] (TensorFlow GAN tutorial).",
           _quadratic, ("x",), (-55.0, 55.0, -115.0, 2635.0), (0.0, 1260.0), (55.0, 1375.0)),
    Target("ring8", "Eight sharp gaussians (sigma 0.02) on a circle of radius 2.",
           _ring8, ("mode",), (-2.5, 2.5, -2.5, 2.5), (0.0, 0.0), 2.2, **_modes(_RING8, 0.02)),
    Target("grid25", "A 5 x 5 grid of sharp gaussians (PacGAN).",
           _grid25, ("row", "col"), (-5.0, 5.0, -5.0, 5.0), (0.0, 0.0), 4.4,
           **_modes(_GRID, 0.05, _grid_label)),
    Target("swiss_roll", "The 2-D swiss roll from the WGAN-GP toy experiments.",
           _swiss_roll, ("t",), (-1.6, 2.0, -1.8, 2.2), (0.2, 0.2), 2.0),
    Target("line", "A short noisy line segment (GAN Lab).",
           _line, ("u",), (0.0, 1.0, 0.0, 1.0), (0.5, 0.5), 0.5),
    Target("two_gaussians", "Two gaussians, one round and one tall and thin (GAN Lab).",
           _two_gaussians, ("component",), (0.0, 1.0, -0.25, 1.15), (0.5, 0.45), 0.65,
           **_modes(_TWO, _TWO_SIG)),
    Target("ring", "A noisy ellipse (GAN Lab).",
           _ring, ("angle",), (0.0, 1.0, 0.0, 1.0), (0.5, 0.45), 0.5),
    Target("disjoint", "Three small separate blobs (GAN Lab).",
           _disjoint, ("blob",), (0.0, 1.0, 0.0, 1.0), (0.5, 0.5), 0.5, **_modes(_DISJOINT, 0.025)),
]}


# --------------------------------------------------------------------------- user data
def _check_points(points) -> np.ndarray:
    try:
        a = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidData(Msg("errors.points_not_numbers")) from None
    if a.ndim != 2 or a.shape[1] != 2:
        if a.ndim == 2:
            raise InvalidData(Msg("errors.points_columns", cols=a.shape[1], shape=str(a.shape)))
        raise InvalidData(Msg("errors.points_no_columns", shape=str(a.shape)))
    if not MIN_POINTS <= len(a) <= MAX_POINTS:
        raise InvalidData(Msg("errors.points_count", lo=MIN_POINTS, hi=MAX_POINTS, n=len(a)))
    bad = int((~np.isfinite(a)).sum())
    if bad:
        raise InvalidData(Msg("errors.points_not_finite", n=bad))
    return a


def _fit_scale(lo: np.ndarray, hi: np.ndarray):
    """Half the robust range, padded; per-axis only when the axes differ by 10x or more
    (a shared scale keeps shapes round, but would flatten a curve like the quadratic)."""
    half = (hi - lo) / 2 * 1.1  # (2,)
    if half.max() <= 0:
        raise InvalidData(Msg("errors.points_all_same"))
    if half.min() > 0 and half.max() / half.min() >= 10:
        return (float(half[0]), float(half[1]))
    return float(half.max())


def custom_target(points, name: str = "custom") -> Target:
    a = _check_points(points)
    lo, hi = np.quantile(a, 0.001, axis=0), np.quantile(a, 0.999, axis=0)  # robust to stray outliers
    scale = _fit_scale(lo, hi)
    pad = np.maximum((hi - lo) * 0.1, 1e-6)
    data = torch.as_tensor(a, dtype=torch.float32)
    empty = torch.zeros(0, 0)

    def sampler(n, gen):
        idx = torch.randint(0, len(data), (n,), generator=gen)
        return data[idx], empty.new_zeros(n, 0)

    return Target(name, f"Your {len(a):,} uploaded points.", sampler, (),
                  (float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])),
                  (float((lo[0] + hi[0]) / 2), float((lo[1] + hi[1]) / 2)), scale)


_SEP = re.compile(r"[,;\s]+")
_LITERAL = re.compile(r"nan|inf", re.IGNORECASE)
F32_MAX = float(np.finfo(np.float32).max)
_NOT_UTF8 = "errors.file_not_utf8"


def _parse_row(line: str) -> list[float] | None:
    """Floats in a row, or None if any field is not a number."""
    try:
        return [float(f.strip("\"'")) for f in _SEP.split(line.strip()) if f]
    except ValueError:
        return None


def mb_over(size: int, limit: int) -> str:
    """A size just over the limit in enough digits to show it is over ("5.002", not "5.0")."""
    for digits in (1, 2, 3):
        text = f"{size / 1e6:.{digits}f}"
        if float(text) > limit / 1e6:
            return text
    return f"{size / 1e6:.6f}"


def _csv_bytes(data: bytes | str, max_bytes: int) -> bytes:
    """The upload as UTF-8 bytes with no byte-order mark (UTF-16 with a BOM is converted)."""
    if isinstance(data, str):
        data = data.encode()
    if len(data) > max_bytes:
        raise InvalidData(Msg("errors.file_too_big", mb=mb_over(len(data), max_bytes),
                              limit=f"{max_bytes / 1e6:.0f}"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidData(Msg(_NOT_UTF8)) from None
        if not text.isascii():  # a CSV of numbers is ASCII: this was binary after all
            raise InvalidData(Msg(_NOT_UTF8))
        return text.encode()
    if b"\x00" in data:
        raise InvalidData(Msg("errors.file_binary"))
    try:
        if not data.isascii():  # ASCII is UTF-8, and checking it allocates nothing
            data.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidData(Msg(_NOT_UTF8)) from None
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _data_lines(data: bytes):
    """(line number, text) of each non-blank, non-comment line, read lazily: a list of a
    million str objects costs ~80 MB."""
    for i, line in enumerate(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")):
        if line.strip() and not line.lstrip().startswith("#"):
            yield i + 1, line


def parse_points_csv(data: bytes, max_bytes: int = 20_000_000) -> np.ndarray:
    """CSV, semicolon or whitespace-separated (x, y) rows, optional header -> (N, 2)
    float32. Every failure is an InvalidData whose message says what to fix."""
    raw = _csv_bytes(data, max_bytes)
    first = next(_data_lines(raw), None)
    if first is None:
        raise InvalidData(Msg("errors.file_empty"))
    header = _parse_row(first[1]) is None
    skip = first[0] if header else 0
    a = _fast_parse(raw, skip)
    if a is None:  # something unusual: the row-by-row parser names the line at fault
        a = _slow_parse(raw, skip)
    if len(a) > MAX_POINTS:
        raise InvalidData(Msg("errors.file_too_many_rows", limit=MAX_POINTS))
    if len(a) < MIN_POINTS:
        raise InvalidData(Msg("errors.file_too_few_rows", n=len(a), need=MIN_POINTS))
    _check_range(a, raw, skip)
    return a.astype(np.float32)


def _fast_parse(raw: bytes, skip: int) -> np.ndarray | None:
    """pandas' C reader: ~0.2 s and ~30 MB for a million rows, where a Python loop took
    10 s and 200 MB. None when the file is not plainly two numbers per row."""
    import pandas as pd
    line = next((s for n, s in _data_lines(raw) if n > skip), "")
    sep = "," if "," in line else ";" if ";" in line else r"\s+"
    try:
        frame = pd.read_csv(io.BytesIO(raw), header=None, sep=sep, comment="#", skiprows=skip,
                            skipinitialspace=True, dtype=np.float64, quotechar='"',
                            nrows=MAX_POINTS + 1, engine="c")
    except Exception:  # pandas' ParserError, ValueError, EmptyDataError...
        return None
    a = frame.to_numpy(np.float64)
    if a.ndim != 2 or a.shape[1] != 2 or np.isnan(a).any():
        return None  # a missing field reads as NaN: let the slow parser say which line
    return a


def _slow_parse(raw: bytes, skip: int) -> np.ndarray:
    values = array.array("d")  # 16 bytes a row, not a list of lists
    for lineno, s in _data_lines(raw):
        if lineno <= skip:
            continue
        row = _parse_row(s)
        if row is None:
            raise InvalidData(Msg("errors.line_not_numbers", line=lineno, text=repr(s.strip()[:60])))
        if len(row) != 2:
            raise InvalidData(Msg("errors.line_columns", line=lineno, n=len(row)))
        values.extend(row)
        if len(values) > 2 * MAX_POINTS:
            break
    return np.frombuffer(values, dtype=np.float64).reshape(-1, 2)


def _check_range(a: np.ndarray, raw: bytes, skip: int) -> None:
    """NaN and inf are refused as such; a number float32 cannot hold (1e308, or 1e400,
    which reads as inf) as out of range, rather than as a NaN the file never had."""
    bad = ~(np.abs(a) <= F32_MAX).all(1)  # NaN fails the comparison too
    if not bad.any():
        return
    row = int(bad.argmax())
    lineno, line = next(x for i, x in enumerate(y for y in _data_lines(raw) if y[0] > skip)
                        if i == row)
    if _LITERAL.search(line):
        raise InvalidData(Msg("errors.line_not_finite", line=lineno))
    raise InvalidData(Msg("errors.line_out_of_range", line=lineno, text=repr(line.strip()[:60]),
                          limit=f"{F32_MAX:.1e}"))


# --------------------------------------------------------------------------- limited data
class FixedDataset:
    """A target frozen to n points (DeLiGAN's toy trains on 400): minibatches are drawn
    with replacement from that one set, so the GAN can only ever see those points."""

    def __init__(self, target: Target, n: int, gen: torch.Generator | None = None):
        self.target = target
        self.points, self.factors = target.sample(n, gen)  # (n, 2), (n, F)
        self.labels = target.labels_from_factors(self.factors) if target.has_modes else None

    def __len__(self) -> int:
        return len(self.points)

    def _index(self, n, gen) -> Tensor:
        return torch.randint(0, len(self.points), (n,), generator=gen)

    def sample(self, n: int, gen: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
        idx = self._index(n, gen)
        return self.points[idx], self.factors[idx]

    def sample_with_labels(self, n: int, gen: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
        if self.labels is None:
            raise ValueError(f"target '{self.target.name}' has no modes, so its points have no labels")
        idx = self._index(n, gen)
        return self.points[idx], self.labels[idx]

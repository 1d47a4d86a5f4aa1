"""Latent priors (what G eats) and how a latent point becomes a colour.

Priors sample on the CPU from a torch.Generator, so a seed fixes the latent batch
whatever device G is on; `MixturePrior` moves its draws to its parameters' device.
Colouring follows Lazarou: the first two latent coords, mapped to [0, 1], become
hue and value, so a tear in G's mapping shows as a jump in colour.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .glossary import code_name, latent_name  # noqa: F401  (the names' old home)

MAX_DIM = 128


# --------------------------------------------------------------------------- colours
def hsv_to_rgb(h, s, v) -> np.ndarray:
    """Vectorised HSV -> RGB, all inputs in [0, 1]. Returns (N, 3) float32."""
    h, s, v = (np.asarray(a, np.float64) for a in np.broadcast_arrays(h, s, v))
    h6 = (h % 1.0) * 6
    i = np.floor(h6).astype(int) % 6
    f = h6 - np.floor(h6)
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    # the six sectors of the hue wheel, as (r, g, b) choices
    r = np.choose(i, [v, q, p, p, t, v])
    g = np.choose(i, [t, v, v, q, p, p])
    b = np.choose(i, [p, p, t, v, v, q])
    return np.stack([r, g, b], axis=-1).astype(np.float32)


def latent_colours(u, v) -> np.ndarray:
    """Lazarou's colouring: hue = 0.9 u (stops short of wrapping back to red), value = 0.2 + 0.8 v."""
    u = np.clip(np.asarray(u, np.float64), 0, 1)
    v = np.clip(np.asarray(v, np.float64), 0, 1)
    return hsv_to_rgb(0.9 * u, 1.0, 0.2 + 0.8 * v)


_PALETTE = np.array([  # 8 categories, far apart in hue and lightness (tab10-like)
    [0.122, 0.467, 0.706], [1.000, 0.498, 0.055], [0.173, 0.627, 0.173], [0.839, 0.153, 0.157],
    [0.580, 0.404, 0.741], [0.549, 0.337, 0.294], [0.890, 0.467, 0.761], [0.737, 0.741, 0.133],
], np.float32)


def category_colours(c) -> np.ndarray:
    """(N,) int -> (N, 3) RGB. A fixed palette for 0..7; beyond it golden-ratio hues, so
    a category's colour never depends on how many others there are (grid25 has 25)."""
    c = np.asarray(c.cpu() if isinstance(c, Tensor) else c).astype(int).reshape(-1)
    out = hsv_to_rgb((c * 0.618034) % 1.0, 0.85, np.where(c % 2, 0.7, 0.95))
    small = (c >= 0) & (c < len(_PALETTE))
    out[small] = _PALETTE[c[small]]
    return out


def rgb_strings(rgb) -> list[str]:
    """(N, 3) floats in [0, 1] -> ["rgb(r,g,b)", ...] for Plotly."""
    q = np.clip(np.rint(np.asarray(rgb, np.float64) * 255), 0, 255).astype(int)
    return [f"rgb({r},{g},{b})" for r, g, b in q]


def _numpy(z) -> np.ndarray:
    if isinstance(z, Tensor):
        return z.detach().cpu().float().numpy()
    return np.asarray(z, np.float32)


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    return torch.special.ndtr(torch.as_tensor(z, dtype=torch.float64)).numpy()


def _uv(a: np.ndarray) -> np.ndarray:
    """(N, D) coords already in [0, 1] -> (N, 2); a 1-d latent gets v = 1 (full brightness)."""
    v = a[:, 1] if a.shape[1] > 1 else np.ones(len(a))
    return np.stack([a[:, 0], v], axis=1).astype(np.float32)


# --------------------------------------------------------------------------- priors
class Prior:
    name = ""
    dim = 0  # width of the tensor fed to G

    def sample(self, n: int, gen: torch.Generator | None = None) -> Tensor:  # (N, dim)
        raise NotImplementedError

    def unit_coords(self, z) -> np.ndarray:  # (N, 2) in [0, 1]
        raise NotImplementedError

    def colours(self, z) -> np.ndarray:  # (N, 3)
        uv = self.unit_coords(z)
        return latent_colours(uv[:, 0], uv[:, 1])

    def lever_range(self) -> tuple[float, float]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dim={self.dim})"


class NormalPrior(Prior):
    name = "normal"

    def __init__(self, dim: int):
        self.dim = dim

    def sample(self, n, gen=None):
        return torch.randn(n, self.dim, generator=gen)

    def unit_coords(self, z):
        return _uv(_normal_cdf(_numpy(z)[:, :2]))

    def lever_range(self):
        return (-3.0, 3.0)


class UniformPrior(Prior):
    name = "uniform"

    def __init__(self, dim: int):
        self.dim = dim

    def sample(self, n, gen=None):
        return 2 * torch.rand(n, self.dim, generator=gen) - 1

    def unit_coords(self, z):
        return _uv(np.clip((_numpy(z)[:, :2] + 1) / 2, 0, 1))

    def lever_range(self):
        return (-1.0, 1.0)


class CatNormalPrior(Prior):
    """Normal dims then a one-hot category: Lazarou's true latent for eight_gaussians
    (2 normal + 8 categories, dim 10). Coloured by category, which is the factor that matters."""
    name = "cat_normal"

    def __init__(self, n_normal: int = 2, n_cat: int = 8):
        self.n_normal, self.n_cat = n_normal, n_cat
        self.dim = n_normal + n_cat

    def sample(self, n, gen=None):
        eps = torch.randn(n, self.n_normal, generator=gen)  # drawn first, as in distributions
        k = torch.randint(0, self.n_cat, (n,), generator=gen)
        return torch.cat([eps, F.one_hot(k, self.n_cat).float()], dim=1)

    def category(self, z) -> np.ndarray:  # (N,)
        return _numpy(z)[:, self.n_normal:].argmax(1)

    def unit_coords(self, z):
        return _uv(_normal_cdf(_numpy(z)[:, :min(2, self.n_normal)]))

    def colours(self, z):
        return category_colours(self.category(z))

    def lever_range(self):
        return (-3.0, 3.0)  # the normal dims; the one-hot part is a choice, not a slider


def make_prior(kind: str, dim: int) -> Prior:
    """kind: normal | uniform | cat_normal. For cat_normal, dim counts the 8 one-hot slots too."""
    if not isinstance(dim, (int, np.integer)) or not 1 <= dim <= MAX_DIM:
        raise ValueError(f"latent dim must be an integer between 1 and {MAX_DIM}; got {dim!r}")
    if kind == "normal":
        return NormalPrior(int(dim))
    if kind == "uniform":
        return UniformPrior(int(dim))
    if kind == "cat_normal":
        if dim < 9:
            raise ValueError(f"cat_normal needs dim >= 9 (normal dims + 8 one-hot); got {dim}")
        return CatNormalPrior(int(dim) - 8, 8)
    raise ValueError(f"unknown prior '{kind}'; choose one of: normal, uniform, cat_normal")


class MixturePrior(nn.Module):
    """DeLiGAN (Gurumurthy et al. 2017): z = mu_i + sigma_i * eps with i uniform over
    K components; mu and sigma are learnt with G. sigma is the parameter itself, as in
    the DeLiGAN toy code, and `sigma_penalty` keeps it from shrinking to zero."""
    name = "mixture"

    def __init__(self, dim: int, n_components: int = 50, gen: torch.Generator | None = None):
        super().__init__()
        if not 1 <= dim <= MAX_DIM:
            raise ValueError(f"latent dim must be between 1 and {MAX_DIM}; got {dim}")
        if n_components < 1:
            raise ValueError("a mixture needs at least one component")
        self.dim, self.n_components = dim, n_components
        self.mu = nn.Parameter(2 * torch.rand(n_components, dim, generator=gen) - 1)  # (K, D)
        self.sigma = nn.Parameter(torch.full((n_components, dim), 0.2))  # (K, D)

    def sample_with_index(self, n: int, gen: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
        # draw on the CPU so the seed means the same thing on every device
        idx = torch.randint(0, self.n_components, (n,), generator=gen)
        eps = torch.randn(n, self.dim, generator=gen).to(self.mu.device)
        idx = idx.to(self.mu.device)
        return self.mu[idx] + self.sigma[idx] * eps, idx  # (N, D), (N,)

    def sample(self, n: int, gen: torch.Generator | None = None) -> Tensor:
        return self.sample_with_index(n, gen)[0]

    def forward(self, n: int, gen: torch.Generator | None = None) -> Tensor:
        return self.sample(n, gen)

    def sigma_penalty(self) -> Tensor:
        return ((self.sigma - 1) ** 2).mean()

    def unit_coords(self, z) -> np.ndarray:
        return _uv(_normal_cdf(_numpy(z)[:, :2]))

    def colours(self, z) -> np.ndarray:
        uv = self.unit_coords(z)
        return latent_colours(uv[:, 0], uv[:, 1])

    def lever_range(self) -> tuple[float, float]:
        return (-3.0, 3.0)

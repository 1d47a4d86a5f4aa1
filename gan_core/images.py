"""Image targets: scikit-learn's bundled 8x8 digits, and 28x28 MNIST when its files exist.

An image target is a `Target` whose points are flattened images (N, side*side) with
pixels already in [-1, 1] (so normalise is the identity, and G ends in tanh). Its
factors are the digit class plus simple image factors: ink mass, slant (a second
moment) and stroke width. The class is also the mode label, so the conditional GAN
can condition on the digit.

Image targets live in `IMAGE_TARGETS` (name -> builder), not in the 2-D `TARGETS`;
`targets.get_target` looks in both.
"""
from __future__ import annotations

import functools
import gzip
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from .config import ConfigError
from .i18n import Msg
from .distributions import Target

FACTOR_NAMES = ("class", "ink", "slant", "stroke_width")
IMAGE_FACTORS = FACTOR_NAMES[1:]


@dataclass(frozen=True)
class ImageTarget(Target):
    """A Target of flattened square images in [-1, 1]."""
    dim: int = 64
    side: int = 8

    def normalise(self, x):  # pixels are stored in [-1, 1] already
        return x

    def denormalise(self, x):
        return x

    @property
    def is_image(self) -> bool:
        return True


def is_image_target(target) -> bool:
    return bool(getattr(target, "is_image", False))


# --------------------------------------------------------------------------- image factors
def to_unit(x) -> np.ndarray:
    """[-1, 1] pixels -> [0, 1] ink intensity."""
    return np.clip((np.asarray(x, np.float64) + 1) / 2, 0, 1)


def image_factors(x, side: int | None = None) -> np.ndarray:
    """(N, side*side) images in [-1, 1] -> (N, 3): ink, slant, stroke width.

    - ink: mean intensity, in [0, 1].
    - slant: -cov(row, col) / var(row) of the intensity-weighted pixels, i.e. how many
      columns the stroke moves right per row up (> 0 leans right, like /).
    - stroke width: ink per row-crossing: total ink / (half the summed |horizontal
      change| along rows, borders included), in pixels. A continuous run-length."""
    a = to_unit(x)
    n, d = a.shape
    side = side or int(round(np.sqrt(d)))
    img = a.reshape(n, side, side)  # (N, H, W)
    mass = img.sum((1, 2))  # (N,)
    ink = mass / (side * side)
    rows, cols = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    w = img / np.maximum(mass, 1e-9)[:, None, None]
    r_mean = (w * rows).sum((1, 2))
    c_mean = (w * cols).sum((1, 2))
    dr = rows[None] - r_mean[:, None, None]
    dc = cols[None] - c_mean[:, None, None]
    var_r = (w * dr * dr).sum((1, 2))
    cov = (w * dr * dc).sum((1, 2))
    slant = -cov / np.maximum(var_r, 1e-9)
    padded = np.pad(img, ((0, 0), (0, 0), (1, 1)))
    crossings = np.abs(np.diff(padded, axis=2)).sum((1, 2)) / 2
    width = mass / np.maximum(crossings, 1e-9)
    return np.stack([ink, slant, width], axis=1)


# --------------------------------------------------------------------------- digits
@functools.lru_cache(maxsize=1)
def digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """sklearn's 1,797 digits: (N, 64) float32 in [-1, 1] and (N,) int64 labels."""
    data = _digits_csv()
    if data is None:  # unusual install layout: take the public API (slower import)
        from sklearn.datasets import load_digits
        d = load_digits()
        data = np.concatenate([d.data, d.target[:, None]], 1)
    x = (data[:, :-1].astype(np.float32) / 16.0) * 2 - 1
    return x, data[:, -1].astype(np.int64)


def _digits_csv() -> np.ndarray | None:
    """Read sklearn's bundled digits.csv.gz directly: importing sklearn.datasets costs
    ~1.5 s, which would break the 1 s budget for opening a pretrained digits model."""
    import importlib.util
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz"
    if not path.exists():
        return None
    with gzip.open(path, "rt") as fh:
        data = np.loadtxt(fh, delimiter=",")
    return data if data.ndim == 2 and data.shape[1] == 65 else None


def _label_from_factors(f: Tensor) -> Tensor:
    return f[:, 0].round().long()


def _make_image_target(name: str, description: str, x: np.ndarray, y: np.ndarray, side: int) -> ImageTarget:
    data = torch.as_tensor(x, dtype=torch.float32)  # (N, side*side)
    factors = torch.as_tensor(np.concatenate([y[:, None], image_factors(x, side)], 1),
                              dtype=torch.float32)  # (N, 4)

    def sampler(n, gen):
        idx = torch.randint(0, len(data), (n,), generator=gen)
        return data[idx], factors[idx]

    classes = np.arange(10)
    centers = np.stack([x[y == c].mean(0) for c in classes]).astype(np.float32)  # (10, dim)
    sigmas = np.stack([x[y == c].std(0) + 1e-3 for c in classes]).astype(np.float32)
    return ImageTarget(name, description, sampler, FACTOR_NAMES, (-1.0, 1.0, -1.0, 1.0),
                       (0.0, 0.0), 1.0, mode_centers=centers, mode_sigmas=sigmas, n_classes=10,
                       labeller=_label_from_factors, dim=side * side, side=side)


def _digits() -> ImageTarget:
    x, y = digits_arrays()
    return _make_image_target(
        "digits", "scikit-learn's 1,797 handwritten digits, 8x8 pixels, ten classes (bundled, no download).",
        x, y, 8)


# --------------------------------------------------------------------------- MNIST (optional)
MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"


def mnist_roots() -> list[Path]:
    """Where to look for torchvision-format MNIST files (first hit wins)."""
    roots = []
    if os.environ.get("GAN_LEVERS_MNIST_DIR"):
        roots.append(Path(os.environ["GAN_LEVERS_MNIST_DIR"]))
    here = Path(__file__).resolve().parent.parent
    for base in (Path.cwd() / "data", here / "data", Path.home() / ".cache" / "gan_levers"):
        roots += [base / "MNIST" / "raw", base / "MNIST", base]
    return roots


def _find(root: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx")):
        if (root / name).is_file():
            return root / name
    return None


def find_mnist() -> tuple[Path, Path] | None:
    for root in mnist_roots():
        found = [_find(root, s) for s in MNIST_FILES]
        if all(found):
            return found[0], found[1]
    return None


def mnist_status() -> tuple[bool, str]:
    """(available, message for the user)."""
    found = find_mnist()
    if found:
        return True, Msg("errors.mnist_found", folder=str(found[0].parent))
    return False, Msg("errors.mnist_missing", images=MNIST_FILES[0], labels=MNIST_FILES[1])


def read_idx(path) -> np.ndarray:
    """Read an IDX file (the MNIST format; gzip allowed). Raises ConfigError if malformed."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            data = fh.read()
    except (OSError, EOFError) as err:
        raise ConfigError(Msg("errors.idx_unreadable", name=path.name, error=str(err))) from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ConfigError(Msg("errors.idx_not_idx", name=path.name))
    dtype_code, ndim = data[2], data[3]
    dtypes = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    if dtype_code not in dtypes or ndim == 0:
        raise ConfigError(Msg("errors.idx_type", name=path.name, code=f"0x{dtype_code:02x}"))
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ConfigError(Msg("errors.idx_truncated", name=path.name))
    shape = struct.unpack(">" + "I" * ndim, data[4:header])
    dt = np.dtype(dtypes[dtype_code])
    count = int(np.prod(shape))
    if len(data) - header < count * dt.itemsize:
        raise ConfigError(Msg("errors.idx_short", name=path.name, count=count, shape=str(shape)))
    return np.frombuffer(data, dtype=dt, count=count, offset=header).reshape(shape)


def load_mnist(limit: int = 60000) -> tuple[np.ndarray, np.ndarray]:
    """(N, 784) float32 in [-1, 1] and (N,) labels, from the local files."""
    found = find_mnist()
    if not found:
        raise ConfigError(Msg("errors.mnist_missing", images=MNIST_FILES[0], labels=MNIST_FILES[1]))
    images, labels = read_idx(found[0]), read_idx(found[1])
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ConfigError(Msg("errors.mnist_mismatch"))
    n = min(limit, len(images))
    x = images[:n].reshape(n, -1).astype(np.float32) / 255.0 * 2 - 1
    return x, labels[:n].astype(np.int64)


def _mnist() -> ImageTarget:
    x, y = load_mnist()
    side = int(round(np.sqrt(x.shape[1])))
    return _make_image_target("mnist", f"MNIST handwritten digits, {side}x{side} pixels, "
                              f"{len(x):,} training images (local files).", x, y, side)


def download_mnist(root: Path | None = None) -> Path:
    """Fetch the two training files (explicit user action only; never called by the app
    on its own or by the tests)."""
    import urllib.request
    root = root or Path.home() / ".cache" / "gan_levers" / "MNIST" / "raw"
    root.mkdir(parents=True, exist_ok=True)
    for stem in MNIST_FILES:
        dest = root / (stem + ".gz")
        if not dest.exists():
            urllib.request.urlretrieve(MNIST_URL + stem + ".gz", dest)
    return root


# --------------------------------------------------------------------------- registry
IMAGE_TARGETS = {"digits": _digits, "mnist": _mnist}


@functools.lru_cache(maxsize=None)
def image_target(name: str) -> ImageTarget:
    """The image target `name`; ConfigError with a clear message if unavailable."""
    if name not in IMAGE_TARGETS:
        raise ConfigError(Msg("errors.unknown_image_target", name=repr(name), known=", ".join(IMAGE_TARGETS)))
    return IMAGE_TARGETS[name]()


def available_image_targets() -> list[str]:
    return ["digits"] + (["mnist"] if find_mnist() else [])


def tile(images, side: int, cols: int | None = None, pad: int = 1) -> np.ndarray:
    """(N, side*side) in [-1, 1] -> one (rows*(side+pad)-pad, cols*(side+pad)-pad) array
    in [0, 1], images laid out row-major with a thin white gap (background is 0)."""
    a = to_unit(images).reshape(-1, side, side)
    n = len(a)
    cols = cols or n
    rows = -(-n // cols)
    out = np.ones((rows * (side + pad) - pad, cols * (side + pad) - pad)) * 0.35
    for i in range(n):
        r, c = divmod(i, cols)
        out[r * (side + pad):r * (side + pad) + side, c * (side + pad):c * (side + pad) + side] = a[i]
    return out


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["download-mnist"]:
        print(f"MNIST written to {download_mnist()}")
    else:
        print(mnist_status()[1])

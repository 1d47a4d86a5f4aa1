"""A small digits classifier and the image metrics it drives.

The classifier stands in for Inception: class probabilities p(y|x) for generated
digits give the class histogram (modes captured, reverse KL), the Inception-style
score exp(E KL(p(y|x) || p(y))), DeLiGAN's modified score and, for the conditional
GAN, TSTR (train on synthetic, test on real).

Training is reproducible: fixed split, fixed seed, full-batch Adam, one thread.
`python -m gan_core.classifier` rewrites pretrained/digits_classifier.safetensors.
"""
from __future__ import annotations

import functools
import json
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from safetensors.torch import save as st_save
from torch import nn

from . import checkpoints
from .images import digits_arrays, load_mnist
from .metrics import MIN_SHARE, inception_score, modified_inception_score
from .metrics import class_histogram as _shares
from .metrics import reverse_kl as _reverse_kl

PRETRAINED = Path(__file__).resolve().parent.parent / "pretrained"
CLASSIFIER_PATH = PRETRAINED / "digits_classifier.safetensors"
N_CLASSES = 10


class DigitClassifier(nn.Module):
    """MLP on flattened images in [-1, 1]: (N, dim) -> (N, 10) logits."""

    def __init__(self, dim: int = 64, hidden: int = 128):
        super().__init__()
        self.dim, self.hidden = dim, hidden
        self.net = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
                                 nn.ReLU(), nn.Linear(hidden, N_CLASSES))

    def forward(self, x):
        return self.net(x)


def split(n: int, test_share: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A fixed train/test split of n items: (train_idx, test_idx)."""
    perm = np.random.default_rng(seed).permutation(n)
    n_test = int(round(n * test_share))
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


def train_classifier(x: np.ndarray, y: np.ndarray, seed: int = 0, steps: int = 600,
                     hidden: int = 128, noise: float = 0.15, lr: float = 3e-3) -> DigitClassifier:
    """Full-batch Adam with gaussian input noise (so slightly-off generated digits are
    still read sensibly). Deterministic for a given seed on CPU."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = DigitClassifier(x.shape[1], hidden)
    xt = torch.as_tensor(x, dtype=torch.float32)  # (N, dim)
    yt = torch.as_tensor(y, dtype=torch.long)  # (N,)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(steps):
        xn = xt + noise * torch.randn(xt.shape, generator=gen) if noise > 0 else xt
        loss = loss_fn(model(xn), yt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return model.eval()


@torch.no_grad()
def predict_probs(model: nn.Module, x) -> np.ndarray:
    """(N, dim) images in [-1, 1] -> (N, 10) class probabilities."""
    xt = torch.as_tensor(np.asarray(x, dtype=np.float32))
    return torch.softmax(model(xt), dim=1).numpy()


def accuracy(model: nn.Module, x, y) -> float:
    return float((predict_probs(model, x).argmax(1) == np.asarray(y)).mean())


# ------------------------------------------------------------------ the shipped model
def build_pretrained(path: Path = CLASSIFIER_PATH) -> dict:
    """Train on the digits train split and write the safetensors file. Returns its info."""
    x, y = digits_arrays()
    tr, te = split(len(x))
    t0 = time.perf_counter()
    model = train_classifier(x[tr], y[tr])
    info = {"train_acc": accuracy(model, x[tr], y[tr]), "test_acc": accuracy(model, x[te], y[te]),
            "train_seconds": round(time.perf_counter() - t0, 2), "hidden": model.hidden,
            "dim": model.dim, "split_seed": 0, "test_share": 0.2}
    # atomic: this runs in the app when the file is missing, and two sessions may race
    data = st_save({k: v.contiguous() for k, v in model.state_dict().items()},
                   metadata={"format": "gan-levers-classifier", "info": json.dumps(info)})
    checkpoints.write_atomic(path, data)
    load_classifier.cache_clear()
    return info


@functools.lru_cache(maxsize=4)
def load_classifier(path: str | Path = CLASSIFIER_PATH) -> DigitClassifier:
    """The shipped digits classifier (read-only; cached). Trains it if the file is missing."""
    path = Path(path)
    if not path.exists():
        build_pretrained(path)
    state = load_file(str(path))
    hidden, dim = state["net.0.weight"].shape
    model = DigitClassifier(dim, hidden)
    model.load_state_dict(state)
    return model.eval()


@functools.lru_cache(maxsize=1)
def mnist_classifier() -> DigitClassifier:
    """A classifier for MNIST samples, trained once per process on the local files."""
    x, y = load_mnist(limit=10000)
    return train_classifier(x, y, seed=0, steps=300, hidden=128)


def classifier_for(target_name: str) -> DigitClassifier:
    """The classifier that reads a given image target's samples."""
    if target_name == "mnist":
        return mnist_classifier()
    return load_classifier()


# ------------------------------------------------------------------ metrics on probs
# The score functions live in gan_core.metrics (one definition for the whole app).


def class_histogram(probs: np.ndarray, min_share: float = MIN_SHARE, confidence: float = 0.5) -> dict:
    """Histogram of confident argmax classes, modes captured (a class needs at least
    `min_share` of the share it would get if all were equal: the detector's rule; also
    the any-sample count) and reverse KL(p_hat || uniform)."""
    probs = np.asarray(probs, dtype=np.float64)
    k = probs.shape[1]
    confident = probs.max(1) >= confidence
    counts = np.bincount(probs.argmax(1)[confident], minlength=k).astype(np.float64)
    p_hat = _shares(probs[confident], k) if confident.any() else np.zeros(k)
    return {"histogram": p_hat, "counts": counts,
            "modes_captured": int((p_hat >= min_share / k).sum()) if confident.any() else 0,
            "modes_any": int((counts > 0).sum()), "confident_share": float(confident.mean()),
            "reverse_kl": _reverse_kl(counts) if confident.any() else float("inf")}


def image_metrics(probs: np.ndarray) -> dict:
    """All classifier metrics for one batch of generated images, as plain floats/lists."""
    hist = class_histogram(probs)
    return {"inception_score": float(inception_score(probs)),
            "modified_inception_score": float(modified_inception_score(probs)),
            "modes_captured": hist["modes_captured"], "modes_any": hist["modes_any"],
            "reverse_kl": hist["reverse_kl"], "confident_share": hist["confident_share"],
            "class_histogram": [float(v) for v in hist["histogram"]]}


# ------------------------------------------------------------------ TSTR
def tstr(fake_x: np.ndarray, fake_y: np.ndarray, real_x: np.ndarray, real_y: np.ndarray,
         seed: int = 0, steps: int = 400) -> dict:
    """Train on synthetic, test on real; beside it train on real, test on real.

    The real data is split with the classifier's fixed split: the train-on-real model
    sees the train part; both are tested on the test part."""
    tr, te = split(len(real_x))
    syn = train_classifier(np.asarray(fake_x, np.float32), np.asarray(fake_y), seed, steps)
    ref = train_classifier(real_x[tr], real_y[tr], seed, steps)
    return {"tstr_acc": accuracy(syn, real_x[te], real_y[te]),
            "trtr_acc": accuracy(ref, real_x[te], real_y[te]),
            "n_synthetic": int(len(fake_x))}


if __name__ == "__main__":
    torch.set_num_threads(1)
    print(json.dumps(build_pretrained(), indent=2))

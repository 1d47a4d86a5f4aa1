"""Image targets (digits, MNIST from IDX files), image factors, the digits classifier
and the image metrics, on known cases."""
import gzip
import struct

import numpy as np
import pytest
import torch

from gan_core import images
from gan_core.classifier import (class_histogram, image_metrics, inception_score, load_classifier,
                                 modified_inception_score, predict_probs, split, tstr)
from gan_core.config import ConfigError
from gan_core.distributions import TARGETS
from gan_core.targets import get_target
from gan_core.images import ImageTarget, digits_arrays, image_factors, read_idx
from gan_core.run import Run
from gan_core.variants import config_for



# --------------------------------------------------------------------------- digits target
def test_digits_target_is_an_image_target():
    t = get_target("digits")
    assert isinstance(t, ImageTarget) and t.dim == 64 and t.side == 8
    assert "digits" not in TARGETS  # the 2-D registry stays 2-D
    x, f = t.sample(50, torch.Generator().manual_seed(0))
    assert x.shape == (50, 64) and f.shape == (50, 4)
    assert x.min() >= -1 and x.max() <= 1
    assert t.factor_names == ("class", "ink", "slant", "stroke_width")
    assert t.has_modes and t.n_classes == 10
    xs, c = t.sample_with_labels(200, torch.Generator().manual_seed(1))
    assert c.dtype == torch.long and set(c.tolist()) <= set(range(10)) and len(set(c.tolist())) == 10
    torch.testing.assert_close(t.normalise(xs), xs)  # already in [-1, 1]


def test_digits_arrays_match_sklearn():
    from sklearn.datasets import load_digits
    x, y = digits_arrays()
    d = load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float32
    np.testing.assert_allclose(x, d.data / 8.0 - 1, atol=1e-6)
    assert (y == d.target).all()


def _img(cells, side=8, value=1.0):
    a = -np.ones((side, side))
    for r, c in cells:
        a[r, c] = value
    return a.reshape(1, -1)


def test_image_factors_known_cases():
    blank = -np.ones((1, 64))
    ink, slant, width = image_factors(blank)[0]
    assert ink == 0
    vertical = _img([(r, 3) for r in range(8)])
    ink, slant, width = image_factors(vertical)[0]
    assert ink == pytest.approx(8 / 64) and abs(slant) < 1e-9 and width == pytest.approx(1.0)
    thick = _img([(r, c) for r in range(8) for c in (3, 4)])
    assert image_factors(thick)[0, 2] == pytest.approx(2.0)
    forward = _img([(7 - i, i) for i in range(8)])  # "/" : top leans right
    backward = _img([(i, i) for i in range(8)])  # "\"
    assert image_factors(forward)[0, 1] == pytest.approx(1.0)
    assert image_factors(backward)[0, 1] == pytest.approx(-1.0)


# --------------------------------------------------------------------------- MNIST from IDX
def write_idx(path, array, dtype_code=0x08):
    header = bytes([0, 0, dtype_code, array.ndim]) + struct.pack(">" + "I" * array.ndim, *array.shape)
    data = header + array.astype(np.uint8).tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as fh:
        fh.write(data)


@pytest.fixture
def mnist_dir(tmp_path, monkeypatch):
    """A tiny torchvision-format MNIST: 30 images of 28x28, labels 0..9 (gzip + raw)."""
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    imgs = np.zeros((30, 28, 28), np.uint8)
    labels = np.arange(30) % 10
    for i, k in enumerate(labels):
        imgs[i, 4:24, 10 + k % 5:13 + k % 5] = 200 + rng.integers(0, 55)
    write_idx(raw / "train-images-idx3-ubyte.gz", imgs)
    write_idx(raw / "train-labels-idx1-ubyte", labels)
    monkeypatch.setattr(images, "mnist_roots", lambda: [raw])
    images.image_target.cache_clear()
    yield raw, imgs, labels
    images.image_target.cache_clear()


def test_read_idx_round_trip(mnist_dir):
    raw, imgs, labels = mnist_dir
    np.testing.assert_array_equal(read_idx(raw / "train-images-idx3-ubyte.gz"), imgs)
    np.testing.assert_array_equal(read_idx(raw / "train-labels-idx1-ubyte"), labels)


def test_read_idx_rejects_bad_files(tmp_path):
    bad = tmp_path / "junk"
    bad.write_bytes(b"hello world, not idx")
    with pytest.raises(ConfigError, match="not an IDX"):
        read_idx(bad)
    trunc = tmp_path / "trunc"
    write_idx(trunc, np.zeros((5, 28, 28)))
    trunc.write_bytes(trunc.read_bytes()[:100])
    with pytest.raises(ConfigError, match="truncated"):
        read_idx(trunc)


def test_mnist_target_from_local_files(mnist_dir):
    raw, imgs, labels = mnist_dir
    ok, msg = images.mnist_status()
    assert ok and str(raw) in msg
    t = get_target("mnist")
    assert t.dim == 784 and t.side == 28 and t.n_classes == 10
    x, f = t.sample(12, torch.Generator().manual_seed(0))
    assert x.shape == (12, 784) and f.shape == (12, 4)
    assert float(x.min()) == -1.0 and float(x.max()) <= 1.0
    run = Run(config_for("nsgan", target="mnist", g_output="tanh", latent_dim=4, g_depth=1,
                         g_width=8, d_depth=1, d_width=8, batch_size=8, eval_size=16),
              device=torch.device("cpu"))
    run.step()
    assert run.generate(run.sample_latent(3, 0)).shape == (3, 784)


def test_mnist_missing_degrades_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "mnist_roots", lambda: [tmp_path / "nowhere"])
    images.image_target.cache_clear()
    ok, msg = images.mnist_status()
    assert not ok and "digits" in msg and "MNIST is not available" in msg
    assert images.available_image_targets() == ["digits"]
    with pytest.raises(ConfigError, match="MNIST is not available"):
        get_target("mnist")
    with pytest.raises(ConfigError, match="MNIST is not available"):
        Run(config_for("nsgan", target="mnist"))
    images.image_target.cache_clear()


# --------------------------------------------------------------------------- digits GAN pipeline
def test_digits_pipeline_a_few_steps():
    cfg = config_for("nsgan", target="digits", latent_dim=16, g_output="tanh", g_depth=1,
                     g_width=32, d_depth=1, d_width=32, batch_size=32, eval_size=64)
    run = Run(cfg, device=torch.device("cpu"))
    before = [p.detach().clone() for p in run.nets.G.parameters()]
    for _ in range(3):
        out = run.step()
    assert np.isfinite(out["d_loss"]) and np.isfinite(out["g_loss"])
    assert any(not torch.equal(a, b) for a, b in zip(before, run.nets.G.parameters()))
    x = run.generate(run.eval_latent())
    assert x.shape == (64, 64) and x.min() >= -1 and x.max() <= 1


# --------------------------------------------------------------------------- classifier + metrics
@pytest.fixture(scope="module")
def clf():
    return load_classifier()


def test_shipped_classifier_is_accurate(clf):
    x, y = digits_arrays()
    _, te = split(len(x))
    acc = (predict_probs(clf, x[te]).argmax(1) == y[te]).mean()
    assert acc > 0.95


def test_perfect_copy_scores_like_real_data(clf):
    x, y = digits_arrays()
    real_is = inception_score(predict_probs(clf, x))
    assert real_is > 8.0  # ten confident, evenly used classes
    rng = np.random.default_rng(0)
    copy = x[rng.integers(0, len(x), 1000)]
    m = image_metrics(predict_probs(clf, copy))
    assert m["inception_score"] == pytest.approx(real_is, rel=0.05)
    assert m["modes_captured"] == 10 and m["reverse_kl"] < 0.02


def test_single_class_generator(clf):
    x, y = digits_arrays()
    threes = x[y == 3]
    m = image_metrics(predict_probs(clf, threes))
    assert m["modes_captured"] == 1
    assert m["inception_score"] < 1.3
    assert m["reverse_kl"] == pytest.approx(np.log(10), abs=0.1)


def test_scores_on_hand_made_probabilities():
    one_hot = np.eye(10)[np.arange(100) % 10]
    assert inception_score(one_hot) == pytest.approx(10, rel=1e-6)
    assert inception_score(np.full((50, 10), 0.1)) == pytest.approx(1.0)
    # identical probabilities inside a class: no within-class diversity
    assert modified_inception_score(one_hot) == pytest.approx(1.0, abs=1e-6)
    p = np.array([[0.9, 0.1], [0.6, 0.4]])
    kl = lambda a, b: np.sum(a * np.log(a / b))
    expect = np.exp((kl(p[0], p[1]) + kl(p[1], p[0])) / 2)
    assert modified_inception_score(p) == pytest.approx(expect, rel=1e-6)
    h = class_histogram(one_hot[:10])
    assert h["modes_captured"] == 10 and h["reverse_kl"] == pytest.approx(0.0, abs=1e-12)


def test_tstr_on_real_digits_matches_train_on_real():
    x, y = digits_arrays()
    tr, _ = split(len(x))
    out = tstr(x[tr], y[tr], x, y, steps=150)
    assert out["trtr_acc"] > 0.9
    assert out["tstr_acc"] == pytest.approx(out["trtr_acc"], abs=1e-9)  # same data, same seed
    shuffled = tstr(x[tr], np.random.default_rng(0).permutation(y[tr]), x, y, steps=150)
    assert shuffled["tstr_acc"] < 0.3  # labels that do not fit the images teach nothing

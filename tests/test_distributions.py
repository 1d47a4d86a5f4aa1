"""Targets: reproducible samplers, true maps that agree with them, modes, user data."""
import math

import numpy as np
import pytest
import torch

from gan_core.distributions import TARGETS, FixedDataset, InvalidData, custom_target, parse_points_csv
from gan_core.targets import get_target



def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("name", list(TARGETS))
def test_sampler_contract_and_reproducibility(name):
    t = TARGETS[name]
    x, f = t.sample(64, gen(3))
    assert x.shape == (64, 2) and x.dtype == torch.float32
    assert f.shape == (64, len(t.factor_names)) and f.dtype == torch.float32
    assert torch.isfinite(x).all()
    x2, f2 = t.sample(64, gen(3))
    assert torch.equal(x, x2) and torch.equal(f, f2)
    assert not torch.equal(x, t.sample(64, gen(4))[0])
    assert len(t.description) > 10 and t.bounds[0] < t.bounds[1] and t.bounds[2] < t.bounds[3]


@pytest.mark.parametrize("name", list(TARGETS))
def test_normalised_data_is_roughly_unit(name):
    t = TARGETS[name]
    xn = t.normalise(t.sample(2000, gen())[0])
    assert xn.abs().quantile(0.99) < 1.2


@pytest.mark.parametrize("name", [n for n, t in TARGETS.items() if t.has_modes])
def test_labels_match_nearest_mode_for_separated_modes(name):
    t = TARGETS[name]
    x, c = t.sample_with_labels(500, gen())
    assert c.dtype == torch.long and c.shape == (500,) and t.n_classes == len(t.mode_centers)
    assert t.mode_sigmas.shape == t.mode_centers.shape
    if name in ("ring8", "grid25", "disjoint", "eight_gaussians"):
        d = torch.cdist(x, torch.as_tensor(t.mode_centers))
        assert (d.argmin(1) == c).float().mean() > 0.99


def test_no_modes_means_no_labels():
    with pytest.raises(ValueError, match="no modes"):
        get_target("spiral").sample_with_labels(5, gen())


def test_ring8_has_8_distinct_modes_from_angle_0():
    m = get_target("ring8").mode_centers
    angles = np.degrees(np.arctan2(m[:, 1], m[:, 0])) % 360
    np.testing.assert_allclose(np.sort(angles), np.arange(0, 360, 45), atol=1e-4)
    np.testing.assert_allclose(np.linalg.norm(m, axis=1), 2, rtol=1e-6)
    x, c = get_target("ring8").sample_with_labels(400, gen())
    assert len(torch.unique(c)) == 8


def test_grid25_has_25_modes():
    t = get_target("grid25")
    assert len(np.unique(t.mode_centers, axis=0)) == 25
    assert set(np.unique(t.mode_centers)) == {-4, -2, 0, 2, 4}
    assert len(torch.unique(t.sample_with_labels(2000, gen())[1])) == 25


@pytest.mark.parametrize("name", ["spiral", "eight_gaussians", "one_gaussian"])
def test_sampler_is_true_map_of_true_latent(name):
    t = TARGETS[name]
    z = t.true_latent(100, gen(5))
    assert z.shape == (100, 10 if t.true_prior == "cat_normal" else 2)
    torch.testing.assert_close(t.true_map(z), t.sample(100, gen(5))[0])


def test_spiral_formula_by_hand():
    z = torch.tensor([[0.0, 0.0], [1.0, 1.0], [-1.0, -1.0]])
    r = torch.tensor([0.5, 1.0, 0.0])  # 0.05 + 0.9*(z0+1)/2 + 0.05*z1
    expect = torch.stack([r * torch.cos(3 * math.pi * z[:, 0]), r * torch.sin(3 * math.pi * z[:, 0])], 1)
    torch.testing.assert_close(get_target("spiral").true_map(z), expect)
    x, f = get_target("spiral").sample(50, gen())
    torch.testing.assert_close(get_target("spiral").true_map(f), x)  # factors are the latent


def test_eight_gaussians_true_map_hits_centres():
    t = get_target("eight_gaussians")
    z = torch.cat([torch.zeros(8, 2), torch.eye(8)], 1)
    np.testing.assert_allclose(t.true_map(z).numpy(), t.mode_centers, atol=1e-6)


def test_one_gaussian_is_standard_normal():
    x, _ = get_target("one_gaussian").sample(20000, gen())
    assert x.mean(0).abs().max() < 0.05 and (x.std(0) - 1).abs().max() < 0.05
    assert torch.isfinite(get_target("one_gaussian").true_map(torch.tensor([[-1.0, 1.0]]))).all()


def test_quadratic_lies_on_curve():
    x, f = get_target("quadratic").sample(100, gen())
    torch.testing.assert_close(x[:, 1], 10 + x[:, 0] ** 2)
    assert x[:, 0].abs().max() <= 50


def test_no_true_map_raises():
    with pytest.raises(ValueError, match="no true latent"):
        get_target("grid25").true_latent(3)


def test_unknown_target_lists_choices():
    with pytest.raises(ValueError, match="unknown target 'nope'; choose one of: spiral"):
        get_target("nope")


def test_normalise_round_trip_tensor_and_numpy():
    t = get_target("quadratic")  # per-axis scale
    x, _ = t.sample(10, gen())
    torch.testing.assert_close(t.denormalise(t.normalise(x)), x, rtol=1e-5, atol=1e-3)  # float32, centre 1260
    assert t.normalise(x).dtype == torch.float32
    a = x.double().numpy()
    out = t.normalise(a)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    np.testing.assert_allclose(t.denormalise(out), a)
    s = get_target("eight_gaussians")
    np.testing.assert_allclose(s.normalise(np.array([[2.8, 0.0]], np.float32)), [[1.0, 0.0]])


def test_custom_target_from_points():
    pts = np.random.default_rng(0).normal(size=(50, 2)) * [3, 1] + [10, -5]
    t = custom_target(pts)
    x, f = t.sample(20, gen())
    assert x.shape == (20, 2) and f.shape == (20, 0) and not t.has_modes
    assert all(any(np.allclose(p, q, atol=1e-5) for q in pts) for p in x.numpy())
    xmin, xmax, ymin, ymax = t.bounds
    assert xmin < pts[:, 0].min() + 1 and xmax > pts[:, 0].max() - 1
    assert t.normalise(torch.as_tensor(pts, dtype=torch.float32)).abs().max() < 1.5


@pytest.mark.parametrize("pts, msg", [
    (np.array([[0.0, np.nan]] + [[1.0, 2.0]] * 20), "non-finite"),
    (np.ones((20, 1)), "exactly 2 columns"),
    (np.ones((5, 2)), "between 10"),
    (np.ones((20, 2)), "all points are the same"),
])
def test_custom_target_validation(pts, msg):
    with pytest.raises(InvalidData, match=msg):
        custom_target(pts)


def test_parse_csv_with_header_and_whitespace():
    rows = "\n".join(f"{i}, {i * 0.5}" for i in range(12))
    a = parse_points_csv(("x,y\n" + rows + "\n\n").encode())
    assert a.shape == (12, 2) and a[3, 1] == 1.5
    b = parse_points_csv("\n".join(f"{i}\t{-i}" for i in range(10)).encode())
    assert b.shape == (10, 2) and b[9, 1] == -9


@pytest.mark.parametrize("data, msg", [
    (b"\xff\xfe\xfa" * 10, "not UTF-8"),
    (b"\x00\x01" * 10, "binary"),
    (b"x,y\n" + b"1,2\n" * 5, "at least 10"),
    (b"1,2,3\n" * 12, "3 columns"),
    (b"1,2\n" * 12 + b"1,abc\n", "line 13"),
    (b"1,2\n" * 12 + b"nan,1\n", "finite"),
    (b"", "empty"),
])
def test_parse_csv_errors(data, msg):
    with pytest.raises(InvalidData, match=msg):
        parse_points_csv(data)


def test_parse_csv_too_big():
    with pytest.raises(InvalidData, match="limit is"):
        parse_points_csv(b"1,2\n" * 100, max_bytes=100)


def test_fixed_dataset_only_draws_its_points():
    t = get_target("eight_gaussians")
    ds = FixedDataset(t, 40, gen(1))
    fixed = {tuple(p) for p in ds.points.tolist()}
    x, f = ds.sample(200, gen(2))
    assert x.shape == (200, 2) and f.shape == (200, 3)
    assert {tuple(p) for p in x.tolist()} <= fixed
    x, c = ds.sample_with_labels(100, gen(2))
    assert c.dtype == torch.long and {tuple(p) for p in x.tolist()} <= fixed
    torch.testing.assert_close(FixedDataset(t, 40, gen(1)).points, ds.points)
    with pytest.raises(ValueError):
        FixedDataset(get_target("spiral"), 20, gen()).sample_with_labels(3, gen())

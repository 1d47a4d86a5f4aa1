"""Every metric on hand-made point sets whose answer is known."""
import math

import numpy as np
import pytest
import torch

from gan_core import metrics as M


ANG = 2 * np.pi * np.arange(8) / 8
C8 = 2 * np.stack([np.cos(ANG), np.sin(ANG)], 1)  # (8, 2)
S8 = np.full((8, 2), 0.2)
GRID = np.array([(2.0 * c - 4, 2.0 * r - 4) for r in range(5) for c in range(5)])  # (25, 2)


def blobs(centres, sigmas, n, seed):
    rng = np.random.default_rng(seed)
    k = rng.integers(0, len(centres), n)
    return centres[k] + np.asarray(sigmas)[k] * rng.standard_normal((n, 2))


def e8(n, seed):
    return blobs(C8, S8, n, seed)


@pytest.fixture(scope="module")
def ref():
    cells = M.Regions(C8, S8, np.full(8, 1 / 8))
    return M.build_reference("e8", e8(1000, 0), cells, True, e8, (0, 0), 2.8)


# --------------------------------------------------------------------------- mode statistics
def test_perfect_sampler_mode_stats():
    s = M.mode_stats(e8(4000, 1), C8, S8)
    assert s["captured"] == 8 and s["captured_any"] == 8
    assert abs(s["hq"] - M.PERFECT_HQ_2D) < 0.01  # ~98.9%, not 100%
    assert s["reverse_kl"] < 0.01
    assert s["far"] < 0.002
    assert np.isclose(s["hist"].sum(), 1.0)


def test_single_mode():
    s = M.mode_stats(blobs(C8[:1], S8[:1], 2000, 2), C8, S8)
    assert s["captured"] == 1 and s["captured_any"] == 1
    assert np.isclose(s["reverse_kl"], math.log(8), atol=1e-9)  # all mass on one of 8
    assert s["hist"][0] == 1.0


def test_anisotropic_modes_use_per_axis_sigma():
    centres, sig = np.array([[0.0, 0.0]]), np.array([[0.05, 0.2]])
    pts = np.array([[0.0, 0.5], [0.5, 0.0]])  # 2.5 sigma along y; 10 sigma along x
    assert M.mode_stats(pts, centres, sig)["counts"].tolist() == [1]


def test_wide_gaussian_over_grid25_captures_nothing_at_10_percent():
    wide = np.random.default_rng(3).normal(0, 3.0, (2000, 2))
    s = M.mode_stats(wide, GRID, np.full((25, 2), 0.05))
    assert s["hq"] < 0.05
    assert s["captured"] == 0
    assert s["captured_any"] >= 10  # the PacGAN count is fooled
    perfect = M.mode_stats(blobs(GRID, np.full((25, 2), 0.05), 2000, 4), GRID, np.full((25, 2), 0.05))
    assert perfect["captured"] == 25


def test_one_percent_junk_shows_as_far_samples():
    pts = e8(2000, 5)
    pts[:20] = np.random.default_rng(6).uniform(-3, 3, (20, 2))
    pts[:20] += np.sign(pts[:20]) * 0  # uniform over the display box
    s = M.mode_stats(pts, C8, S8)
    assert s["far"] > 0.003 and s["captured"] == 8


def test_reverse_kl_and_js():
    assert M.reverse_kl([1, 1, 1, 1]) == 0.0
    assert np.isclose(M.reverse_kl([1, 0, 0, 0]), math.log(4))
    assert math.isnan(M.reverse_kl([0, 0]))
    assert M.js_divergence([1, 0], [0, 1]) == pytest.approx(1.0)
    assert M.js_divergence([1, 2], [1, 2]) == pytest.approx(0.0)


def test_regions_cover_a_perfect_sampler_not_a_collapsed_one():
    real = np.random.default_rng(7).uniform(-1, 1, (3000, 2))
    regions = M.fit_regions(real, k=16)
    assert np.isclose(regions.weights.sum(), 1.0)
    good = M.region_stats(np.random.default_rng(8).uniform(-1, 1, (2000, 2)), regions)
    bad = M.region_stats(np.random.default_rng(9).uniform(-1, -0.7, (2000, 2)), regions)
    assert good["captured"] == 16 and good["reverse_kl"] < 0.02
    assert bad["captured"] <= 2


# --------------------------------------------------------------------------- PRDC and distances
def test_prdc_perfect_and_shifted():
    real, fake = e8(1000, 10), e8(1000, 11)
    p = M.prdc(real, fake)
    assert p["precision"] > 0.9 and p["recall"] > 0.9 and p["coverage"] > 0.9
    assert 0.8 < p["density"] < 1.2
    far = M.prdc(real, fake + 10.0)
    assert far == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0, "stray": 1.0}


def test_prdc_single_mode_keeps_precision_loses_recall():
    p = M.prdc(e8(1000, 12), blobs(C8[:1], S8[:1], 1000, 13))
    assert p["precision"] > 0.9 and p["recall"] < 0.3 and p["coverage"] < 0.3


def test_distances_zero_on_identical_and_grow_with_shift():
    x = e8(500, 14)
    bw = M.default_bandwidths(x)
    assert M.sliced_wasserstein(x, x) < 1e-9
    assert abs(M.mmd_rbf(x, x, bw)) < 1e-5
    assert abs(M.energy_distance(x, x)) < 1e-4
    small, big = x + 0.1, x + 1.0
    assert M.sliced_wasserstein(x, small) < M.sliced_wasserstein(x, big)
    assert M.mmd_rbf(x, small, bw) < M.mmd_rbf(x, big, bw)
    assert M.energy_distance(x, small) < M.energy_distance(x, big)


def test_sliced_w_of_a_shift_is_the_shift_times_mean_cosine():
    # Each slice moves by |shift . theta|; E over directions of cos^2 = 1/2.
    x = e8(800, 15)
    assert M.sliced_wasserstein(x, x + [1.0, 0.0], n_projections=400) == pytest.approx(math.sqrt(0.5), rel=0.05)


def test_fast_sliced_w_matches_pot(ref):
    for fake in (e8(1000, 16) / 2.8, blobs(C8[:1], S8[:1], 1000, 17) / 2.8, e8(700, 18) / 2.8):
        fast = M.sliced_w_sorted(fake, ref.real_sorted, ref.proj)
        assert fast == pytest.approx(M.sliced_wasserstein(fake, ref.real, 500), rel=0.1, abs=0.01)


def test_sample_metrics_and_noise_floor(ref):
    floor = M.noise_floor(ref, 1000, repeats=1)
    assert floor["sliced_w"] > 0 and floor["mmd"] > 0  # the floor is not zero
    good = M.sample_metrics(ref, e8(1000, 19))
    bad = M.sample_metrics(ref, blobs(C8[:1], S8[:1], 1000, 20))
    assert good["captured"] == 8 and bad["captured"] == 1
    assert bad["spread_ratio"] < 0.25 < 0.9 < good["spread_ratio"]
    for key in ("sliced_w", "mmd", "energy"):
        assert good[key] < 3 * floor[key] + 1e-3 < bad[key]
    # The shared-matrix fast path agrees with the standalone functions.
    fake_n = e8(1000, 19) / 2.8
    n = M.KERNEL_N
    assert good["energy"] == pytest.approx(M.energy_distance(fake_n[:n], ref.real[:n]), abs=2e-3)
    assert good["mmd"] == pytest.approx(M.mmd_rbf(fake_n[:n], ref.real[:n], ref.bandwidths), abs=2e-3)


def test_target_wrapper_with_the_real_registry():
    D = pytest.importorskip("gan_core.targets")
    fake, _ = D.get_target("ring8").sample(500, torch.Generator().manual_seed(1))
    out = M.target_sample_metrics(D.get_target("ring8"), fake.numpy())
    assert out["captured"] == 8 and "floor_sliced_w" in out
    assert M.reference(D.get_target("ring8")) is M.reference(D.get_target("ring8"))  # cached


# --------------------------------------------------------------------------- image scores
def test_inception_scores_on_probability_arrays():
    onehot = np.eye(10)[np.arange(1000) % 10]
    assert M.inception_score(onehot) == pytest.approx(10, rel=1e-3)  # confident and diverse
    assert M.inception_score(np.eye(10)[np.zeros(1000, int)]) == pytest.approx(1, rel=1e-3)
    assert M.inception_score(np.full((100, 10), 0.1)) == pytest.approx(1, rel=1e-6)
    # m-IS: identical samples within a class score 1; varied ones within a class score more.
    assert M.modified_inception_score(onehot) == pytest.approx(1, rel=1e-3)
    rng = np.random.default_rng(0)
    varied = 0.5 * onehot + 0.5 * rng.dirichlet(np.ones(10) * 0.3, 1000)
    assert M.modified_inception_score(varied) > 1.2
    assert M.class_histogram(onehot).tolist() == [0.1] * 10
    assert M.class_histogram(np.array([0, 0, 2]), 3).tolist() == pytest.approx([2 / 3, 0, 1 / 3])


# --------------------------------------------------------------------------- mapping metrics
def identity(z):
    return z[:, :2]


def torn(z):  # a jump of 6 across z0 = 0
    return torch.stack([z[:, 0] + 3 * torch.sign(z[:, 0]), z[:, 1]], 1)


def steep(z):  # smooth, but a 600x steep step narrower than a grid cell
    return torch.stack([z[:, 0] + 3 * torch.tanh(200 * z[:, 0]), z[:, 1]], 1)


def test_identity_map_has_no_tears_and_unit_jacobian():
    m = M.mapping_metrics(identity, 2, n=16)
    assert m["tear_score"] == 0.0
    assert np.allclose(m["sigma1"], 1) and np.allclose(m["sigma2"], 1)
    assert abs(m["log_cond_mean"]) < 1e-6 and np.allclose(m["log_area"], 0, atol=1e-6)


def test_discontinuous_and_steep_maps_tear():
    for g in (torn, steep):
        m = M.mapping_metrics(g, 2, n=16)
        assert m["tear_score"] >= 2 / 16 - 1e-9  # the two grid columns beside z0 = 0
        assert m["tear_map"].shape == (16, 16)


def test_jacobian_of_a_linear_map_and_extra_latent_dims():
    A = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.5, 0.0]])
    m = M.mapping_metrics(lambda z: z @ A.T, 3, n=8)
    assert np.allclose(m["sigma1"], 2) and np.allclose(m["sigma2"], 0.5)
    assert m["log_cond_mean"] == pytest.approx(2 * math.log(4))
    assert np.allclose(m["log_area"], 0, atol=1e-6)  # area scale 2 * 0.5
    z = torch.randn(5, 3)
    fd = M._fd_jacobians(lambda z: z @ A.T, z)
    assert torch.allclose(fd, M.jacobians(lambda z: z @ A.T, z), atol=1e-3)


def test_perceptual_path_length_of_linear_maps():
    z0, z1 = torch.randn(2000, 2, generator=torch.Generator().manual_seed(0)).double(), None
    z1 = torch.randn(2000, 2, generator=torch.Generator().manual_seed(1)).double()
    ident = M.perceptual_path_length(lambda z: z, z0, z1)
    double = M.perceptual_path_length(lambda z: 2 * z, z0, z1)
    assert double == pytest.approx(4 * ident, rel=1e-3)  # squared distance / eps^2
    assert ident == pytest.approx(float(((z1 - z0) ** 2).sum(1).mean()), rel=0.1)


def test_lever_alignment_matrix():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4000, 3))
    factors = np.stack([z[:, 1] ** 3, (z[:, 0] > 0).astype(float)], 1)  # f0 <- z1, f1 <- sign z0
    A = M.lever_alignment(z, factors)
    assert A.shape == (3, 2)
    assert A[1, 0] > 0.9 and A[0, 1] > 0.9
    assert A[2].max() < 0.05 and A[0, 0] < 0.05


def test_nearest_factors_reads_the_nearest_real_sample():
    real, f = np.array([[0.0, 0.0], [5.0, 5.0]]), np.array([[1.0], [2.0]])
    assert M.nearest_factors(np.array([[4.0, 4.0], [0.1, 0]]), real, f)[:, 0].tolist() == [2.0, 1.0]


def test_width_ratio_of_a_band_around_a_curve():
    t = np.linspace(0, 10, 4000)
    curve = np.stack([t, np.sin(t)], 1)
    rng = np.random.default_rng(0)
    u = rng.uniform(0.5, 9.5, 3000)

    def band(width):  # points offset along the curve's normal
        c = np.stack([u, np.sin(u)], 1)
        n = np.stack([-np.cos(u), np.ones_like(u)], 1)
        n /= np.linalg.norm(n, axis=1, keepdims=True)
        return c + width * rng.standard_normal((len(u), 1)) * n

    real = band(0.1)
    assert M.width_ratio(band(0.1), real, curve) == pytest.approx(1.0, abs=0.1)
    assert M.width_ratio(band(0.02), real, curve) == pytest.approx(0.2, abs=0.05)


def test_spiral_width_ratio_with_the_true_curve():
    D = pytest.importorskip("gan_core.distributions")
    from gan_core.detector import arm_curve
    spiral = D.TARGETS["spiral"]
    curve = arm_curve(spiral)
    real = spiral.sample(2000, torch.Generator().manual_seed(0))[0].numpy()
    z = torch.rand(2000, 2, generator=torch.Generator().manual_seed(1)) * 2 - 1
    thin = D.spiral_map(torch.stack([z[:, 0], 0.1 * z[:, 1]], 1)).numpy()
    assert M.width_ratio(spiral.sample(2000, torch.Generator().manual_seed(2))[0].numpy(), real, curve) == pytest.approx(1, abs=0.1)
    assert M.width_ratio(thin, real, curve) < 0.2


def test_fold_share_counts_the_plane_laid_back_over_itself():
    def flat(z):
        return z * torch.tensor([2.0, 0.5])

    def folded(z):  # the plane folded along z1 = 0.5: a quarter of [-1, 1]^2 comes back
        return torch.stack([(z[:, 0] - 0.5).abs(), z[:, 1]], 1)

    def spun(z):  # a rotation is not a fold
        r = z.norm(dim=1, keepdim=True)
        return torch.cat([z[:, :1] * torch.cos(r) - z[:, 1:] * torch.sin(r),
                          z[:, :1] * torch.sin(r) + z[:, 1:] * torch.cos(r)], 1)

    share = {name: M.mapping_metrics(g, 2, n=40, extent=1.0)["fold_share"]
             for name, g in [("flat", flat), ("folded", folded), ("spun", spun)]}
    assert share["flat"] == 0.0 and share["spun"] == 0.0
    assert share["folded"] == pytest.approx(0.25, abs=0.03)
    assert M.mapping_metrics(lambda z: flat(z[:, 1:]), 3, dims=(1, 2), n=8)["fold_share"] == 0.0

"""Priors and latent colouring."""
import numpy as np
import pytest
import torch

from gan_core.latent import (CatNormalPrior, MixturePrior, category_colours, latent_colours,
                             make_prior, rgb_strings)



def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("kind, dim", [("normal", 1), ("normal", 5), ("uniform", 2), ("cat_normal", 10)])
def test_prior_shapes_and_reproducibility(kind, dim):
    p = make_prior(kind, dim)
    z = p.sample(30, gen(1))
    assert z.shape == (30, dim) and z.dtype == torch.float32 and p.dim == dim
    assert torch.equal(z, p.sample(30, gen(1)))
    uv = p.unit_coords(z)
    assert uv.shape == (30, 2) and (uv >= 0).all() and (uv <= 1).all()
    rgb = p.colours(z)
    assert rgb.shape == (30, 3) and rgb.dtype == np.float32 and (rgb >= 0).all() and (rgb <= 1).all()
    lo, hi = p.lever_range()
    assert lo < 0 < hi


def test_unit_coords_mapping():
    np.testing.assert_allclose(make_prior("normal", 2).unit_coords(torch.zeros(1, 2)), [[0.5, 0.5]])
    np.testing.assert_allclose(make_prior("uniform", 2).unit_coords(np.array([[-1.0, 1.0]])), [[0, 1]])
    assert make_prior("normal", 1).unit_coords(torch.zeros(3, 1))[:, 1].tolist() == [1, 1, 1]
    assert make_prior("uniform", 3).lever_range() == (-1.0, 1.0)
    assert make_prior("normal", 3).lever_range() == (-3.0, 3.0)


@pytest.mark.parametrize("kind, dim", [("normal", 0), ("normal", 129), ("laplace", 2), ("cat_normal", 4)])
def test_make_prior_rejects(kind, dim):
    with pytest.raises(ValueError):
        make_prior(kind, dim)


def test_cat_normal_colours_by_category():
    p = CatNormalPrior()
    z = p.sample(200, gen())
    assert torch.equal(z[:, 2:].sum(1), torch.ones(200))
    k = z[:, 2:].argmax(1).numpy()
    np.testing.assert_array_equal(p.colours(z), category_colours(k))
    assert len(np.unique(category_colours(np.arange(8)), axis=0)) == 8
    assert len(np.unique(category_colours(np.arange(25)), axis=0)) == 25


def test_latent_colours_by_hand():
    np.testing.assert_allclose(latent_colours([0.0], [1.0]), [[1, 0, 0]], atol=1e-6)  # pure red
    np.testing.assert_allclose(latent_colours([0.0], [0.0]), [[0.2, 0, 0]], atol=1e-6)  # value 0.2
    # u = 1 -> hue 0.9 (324 deg, magenta side): r = v, g = 0, b = v * (1 - 0.4)
    np.testing.assert_allclose(latent_colours([1.0], [1.0]), [[1, 0, 0.6]], atol=1e-6)
    # hue 1/3 (green): u = (1/3) / 0.9
    np.testing.assert_allclose(latent_colours([1 / 2.7], [1.0]), [[0, 1, 0]], atol=1e-6)


def test_rgb_strings():
    assert rgb_strings(np.array([[1, 0, 0], [0, 0.5, 1]])) == ["rgb(255,0,0)", "rgb(0,128,255)"]


def test_mixture_prior_gradients_and_penalty():
    torch.manual_seed(0)
    p = MixturePrior(3, 5)
    assert p.mu.shape == (5, 3) and (p.mu.abs() <= 1).all() and torch.allclose(p.sigma, torch.tensor(0.2))
    z, idx = p.sample_with_index(64, gen(2))
    assert z.shape == (64, 3) and idx.shape == (64,)
    assert torch.equal(z, p.sample(64, gen(2)))
    (z.sum() + p.sigma_penalty()).backward()
    assert p.mu.grad.abs().sum() > 0 and p.sigma.grad.abs().sum() > 0
    torch.testing.assert_close(p.sigma_penalty(), torch.tensor(0.64))
    assert p.colours(z.detach()).shape == (64, 3) and p.lever_range() == (-3.0, 3.0)

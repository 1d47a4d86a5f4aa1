"""gan_core.probes.samples_view: the samples chart's data in one call, the same numbers as
the probes it is built from."""
import numpy as np
import pytest
import torch

from engine_helpers import tiny_config
from gan_core import probes
from gan_core.run import Run

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def run():
    r = Run(tiny_config(target="spiral", latent_dim=3), device=CPU)
    for _ in range(3):
        r.step()
    return r


def test_field_arrows_probe_and_sweeps(run):
    bounds = run.out_target.bounds
    z = np.array([0.1, -0.2, 0.3], np.float32)
    v = probes.samples_view(run, bounds, field=True, arrows=True, z=z, dims=[0, 2])
    ref = probes.d_field(run, bounds)
    np.testing.assert_allclose(v.field.values, ref.values, rtol=1e-5, atol=1e-6)
    start, push = v.arrows
    assert start.shape == push.shape == (min(150, run.cfg.eval_size), 2)
    probe, sweeps, values = probes.probe_and_sweeps(run, z, [0, 2])
    np.testing.assert_allclose(v.probe, probe, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v.sweeps, sweeps, rtol=1e-5, atol=1e-6)
    assert v.sweeps.shape == (2, len(values), 2)
    np.testing.assert_array_equal(v.values, values)


def test_only_what_is_asked(run):
    v = probes.samples_view(run, run.out_target.bounds, field=False)
    assert v == probes.SamplesView()
    z = np.zeros(3, np.float32)
    no_dims = probes.samples_view(run, run.out_target.bounds, field=False, z=z, dims=[])
    assert no_dims.probe.shape == (2,) and no_dims.sweeps is None


def test_a_field_in_hand_is_not_recomputed(run):
    cached = probes.d_field(run, run.out_target.bounds, n=8)  # not the default 48
    v = probes.samples_view(run, run.out_target.bounds, field=cached)
    assert v.field is cached

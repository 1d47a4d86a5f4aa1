"""Unit tests of the pure figure builders (gan_core.plots) and the Playground probes
(gan_core.probes). Every figure is re-validated in full by plotly here, since the
builders skip validation for speed."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch

from gan_core import plots, probes
from gan_core.run import Run
from gan_core.variants import config_for

RNG = np.random.default_rng(0)
BOUNDS = (-1.1, 1.1, -1.1, 1.1)


def _valid(fig: go.Figure) -> dict:
    d = fig.to_dict()
    go.Figure(d)  # raises on any invalid property
    return d


def _tiny_run(variant="nsgan", **kw):
    cfg = config_for(variant, target="spiral", g_depth=1, g_width=8, d_depth=1, d_width=8,
                     batch_size=32, eval_size=64, **kw)
    return Run(cfg, device=torch.device("cpu"))


def test_hex_colours():
    assert plots.hex_colours(np.array([[1, 0, 0], [0, 0.5, 1]])) == ["#ff0000", "#0080ff"]


def test_samples_figure_layers_and_float32():
    real = RNG.normal(size=(50, 2)).astype(np.float32)
    fake = RNG.normal(size=(40, 2)).astype(np.float32)
    field = probes.Field(np.linspace(-1, 1, 5, dtype=np.float32), np.linspace(-1, 1, 4, dtype=np.float32),
                         np.zeros((4, 5), np.float32), "D", True)
    sweeps = RNG.normal(size=(2, 9, 2)).astype(np.float32)
    fig = plots.samples_figure(real, fake, ["#ff0000"] * 40, BOUNDS, field=field,
                               arrows=(fake[:5], fake[:5] * 0.1), probe=np.array([0.1, 0.2]),
                               sweeps=sweeps, sweep_dims=[0, 1], highlight=[1, 2, 3])
    d = _valid(fig)
    types = [t["type"] for t in d["data"]]
    assert types[0] == "heatmap" and types.count("scattergl") == 3  # real, fake, selection ring
    assert fig.layout.meta["fake_trace"] == 2
    fake_trace = d["data"][2]
    assert fake_trace["name"] == "generated"
    assert fig.data[2].x.dtype == np.float32 and len(fig.data[2].x) == 40
    probe = [t for t in d["data"] if t.get("name") == "probe G(z)"][0]
    assert probe["x"] == [0.1] and abs(probe["y"][0] - 0.2) < 1e-9
    sweep_colours = [t["line"]["color"] for t in d["data"] if t.get("name", "").endswith("sweep")]
    assert sweep_colours == [plots.lever_colour(0), plots.lever_colour(1)]
    assert d["layout"]["uirevision"] == "samples"


def test_moving_traces_are_the_samples_figure_traces():
    """The live feed sends `moving_traces` alone; the browser matches them to the drawn
    figure by name, so names and arrays must be those `samples_spec` draws."""
    fake = RNG.normal(size=(30, 2)).astype(np.float32)
    sweeps = RNG.normal(size=(2, 5, 2)).astype(np.float32)
    kw = dict(probe=np.array([0.3, -0.4]), sweeps=sweeps, sweep_dims=[2, 0], highlight=[4, 9])
    moving = plots.moving_traces(fake, **kw)
    spec = plots.samples_spec(fake, fake, ["#000000"] * 30, BOUNDS, **kw)
    drawn = {t["name"]: t for t in spec["data"]}
    assert list(moving) == ["generated", "selected", "z2 sweep", "z0 sweep", "probe G(z)"]
    for name, cols in moving.items():
        np.testing.assert_array_equal(np.asarray(drawn[name]["x"]), np.asarray(cols["x"]))
        np.testing.assert_array_equal(np.asarray(drawn[name]["y"]), np.asarray(cols["y"]))
    np.testing.assert_array_equal(moving["selected"]["x"], fake[[4, 9], 0])
    assert drawn["z2 sweep"]["line"]["color"] == plots.lever_colour(2)
    assert list(plots.moving_traces(fake)) == ["generated"]


def test_samples_figure_without_field_keeps_fake_trace_index():
    fake = RNG.normal(size=(10, 2)).astype(np.float32)
    fig = plots.samples_figure(fake, fake, ["#000000"] * 10, BOUNDS)
    _valid(fig)
    assert fig.layout.meta["fake_trace"] == 1 and fig.data[1].name == "generated"


def test_latent_true_map_losses_detector_figures():
    xy = RNG.normal(size=(30, 2)).astype(np.float32)
    _valid(plots.latent_figure(xy, ["#123456"] * 30, ["z1", "z2"], highlight=[0, 5]))
    _valid(plots.true_map_figure(xy, ["#123456"] * 30, BOUNDS))
    cols = {"step": np.arange(2000.0), "d_loss": np.ones(2000), "g_loss": np.ones(2000),
            "d_grad": np.ones(2000), "g_grad": np.ones(2000)}
    fig = plots.losses_figure(cols, max_points=500)
    _valid(fig)
    assert len(fig.data) == 4 and len(fig.data[0].x) <= 500
    rows = [{"step": s, "coverage_modes": 0.5, "hq": 0.8, "coverage": 0.7} for s in (100, 200)]
    assert len(_valid(plots.detector_history_figure(rows))["data"]) == 3


def test_d_field_and_arrows_on_a_tiny_run():
    run = _tiny_run()
    field = probes.d_field(run, run.target.bounds, n=8)
    assert field.values.shape == (8, 8) and field.probability
    assert ((field.values >= 0) & (field.values <= 1)).all()
    start, push = probes.g_arrows(run, run.eval_latent(), n=10)
    assert start.shape == push.shape == (10, 2) and np.isfinite(push).all()
    scaled = probes.scale_arrows(push, run.target.bounds)
    assert np.percentile(np.linalg.norm(scaled, axis=1), 90) <= 0.08 * 2.2 + 1e-5
    # no parameter gradients were left behind
    assert all(p.grad is None for p in run.nets.parameters())


def test_packed_d_field_packs_each_point_with_real_samples():
    run = _tiny_run("pacgan")
    assert run.nets.pack == 2 and probes.field_support(run) == ""
    field = probes.d_field(run, run.target.bounds, n=12)
    assert field.values.shape == (12, 12) and "packed with 1 real" in field.label
    assert ((field.values >= 0) & (field.values <= 1)).all() and field.values.std() > 0
    start, push = probes.g_arrows(run, run.eval_latent(), n=11)  # PacGAN's loss takes pairs
    assert start.shape == push.shape == (10, 2) and np.isfinite(push).all()


def test_probe_and_sweeps_shapes_and_lever_effect():
    run = _tiny_run(latent_dim=3)
    probe, sweeps, values = probes.probe_and_sweeps(run, np.zeros(3), [0, 2], n_values=7)
    assert probe.shape == (2,) and sweeps.shape == (2, 7, 2) and len(values) == 7
    moved, _, _ = probes.probe_and_sweeps(run, np.array([1.5, 0, 0]), [], n_values=7)
    assert not np.allclose(probe, moved)


def test_latent_xy_for_1d():
    from gan_core.variants.base import Latent
    xy, names = probes.latent_xy(Latent(torch.zeros(5, 1)))
    assert xy.shape == (5, 2) and names[0] == "z0"

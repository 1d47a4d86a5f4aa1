"""The manifold layer (gan_core.manifold, gan_core.plots.manifold): cell areas and prior
mass by hand, the density bands, the layer of a real run against the Mapping page's
grid warp, and its traces; and the live feed carrying it (ui.live_feed)."""
from __future__ import annotations

import time

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from app_helpers import open_settings
from engine_helpers import tiny_config
from gan_core import inspect as I
from gan_core import manifold as M
from gan_core.plots import manifold as PM
from gan_core.plots import samples_spec
from gan_core.registry import Registry
from gan_core.run import Run
from gan_core.trainer import Trainer
from ui import live_feed


def _grid(n: int, step: float = 1.0) -> np.ndarray:
    a = np.arange(n, dtype=np.float64) * step
    return np.stack(np.meshgrid(a, a, indexing="ij"), -1)  # (n, n, 2)


def test_quad_areas_by_hand():
    np.testing.assert_allclose(M.quad_areas(_grid(4, 0.5)), np.full((3, 3), 0.25))
    g = _grid(3)
    g[1, 1] = (2.0, 2.0)  # a corner pulled out: the four cells around it change
    areas = M.quad_areas(g)
    # cell (0, 0): corners (0,0), (1,0), (2,2), (0,1): shoelace area 2
    assert areas[0, 0] == pytest.approx(2.0)
    assert areas[1, 1] == pytest.approx(0.0)  # (2,2),(2,1),(2,2),(1,2): folded flat


def test_cell_mass_and_relative_density():
    mass = M.cell_mass([0.0, 0.25, 0.75, 1.0])
    np.testing.assert_allclose(mass, np.outer([.25, .5, .25], [.25, .5, .25]))
    assert mass.sum() == pytest.approx(1.0)
    even = M.cell_mass(np.linspace(0, 1, 5))
    # 16 equal cells tiling a view of area 16: the mass spread evenly over the view
    np.testing.assert_allclose(M.relative_density(even, np.ones((4, 4)), 16.0), 1.0)
    squeezed = np.ones((4, 4))
    squeezed[0, 0] = 0.1
    rho = M.relative_density(even, squeezed, 16.0)
    assert rho[0, 0] == pytest.approx(10.0) and rho[1, 1] == pytest.approx(1.0)
    assert np.isinf(M.relative_density(even, np.zeros((4, 4)), 16.0)).all()  # collapsed: dense


def test_bands_follow_the_bounds():
    lo, mid, hi = M.BANDS
    got = M.bands(np.array([0.0, lo * 0.99, lo, mid, hi * 1.01, np.inf]))
    assert got.tolist() == [0, 0, 1, 2, 3, 3]
    assert len(PM.SHADE_ALPHA) == len(M.BANDS)  # one fill colour per band


class Linear(torch.nn.Module):
    """G(z) = 0.1 z: every cell the same area, so a normal prior's mass sets the bands."""

    def forward(self, z):
        return 0.1 * z[:, :2]


def test_layer_of_a_run_matches_the_mapping_page():
    run = Run(tiny_config(target="spiral", latent_dim=3))
    for _ in range(5):
        run.step("both")
    probe = np.array([0.0, 0.0, 0.7], np.float32)
    view = M.manifold_view(run, probe, cells=10, tear_factor=3.0)
    warp = I.grid_warp(run, 11, (0, 1), probe, tear_factor=3.0, fine=1)
    np.testing.assert_allclose(view["corners"], warp.x, atol=1e-6)
    np.testing.assert_array_equal(view["torn"], warp.torn)
    assert view["band"].shape == (10, 10) and view["tear_score"] == warp.tear_score
    assert set(np.unique(view["band"])) <= set(range(len(M.BANDS) + 1))


def test_a_linear_g_is_densest_in_the_middle(monkeypatch):
    run = Run(tiny_config(target="spiral", latent_dim=2))
    monkeypatch.setattr(run, "latent_map", lambda: Linear())
    band = M.manifold_view(run, cells=10)["band"]
    assert band[5, 5] > band[0, 0] and band[4, 5] == band[5, 4]  # the normal's peak, symmetric


def test_no_layer_where_there_is_no_grid():
    assert M.support(Run(tiny_config(target="spiral", latent_dim=1)))
    cycle = Run(tiny_config("cyclegan2d", target="eight_gaussians"))
    assert M.support(cycle)
    with pytest.raises(ValueError):
        M.manifold_view(cycle)


def test_traces_have_fixed_names_and_valid_plotly():
    n = 4
    corners = _grid(n + 1).astype(np.float32)
    band = np.zeros((n, n), int)
    band[0, 0], band[1, 1], band[2, 2] = 1, 3, 3
    torn = np.zeros((n, n), bool)
    torn[3, 3] = True
    view = {"corners": corners, "band": band, "torn": torn, "tear_score": 0.1}
    moving = PM.moving(view)
    assert tuple(moving) == PM.NAMES
    assert len(moving[PM.band_name(1)]["x"]) == 6 and len(moving[PM.band_name(3)]["x"]) == 12
    assert len(moving[PM.band_name(2)]["x"]) == 0
    assert len(moving[PM.GRID]["x"]) == 2 * (n + 1) * (n + 2)  # n + 1 points and a gap a line
    quad = np.stack([moving[PM.TEARS]["x"][:5], moving[PM.TEARS]["y"][:5]], 1)
    np.testing.assert_array_equal(quad, [[3, 3], [4, 3], [4, 4], [3, 4], [3, 3]])
    go.Figure(PM.traces(view))  # plotly validates every property
    assert all(len(v["x"]) == 0 for v in PM.moving(None).values())


def test_samples_spec_puts_the_layer_under_the_points_and_finds_the_fakes():
    real = np.zeros((5, 2), np.float32)
    fake = np.ones((3, 2), np.float32)
    spec = samples_spec(real, fake, ["#000000"] * 3, (-1, 1, -1, 1),
                        manifold=PM.traces(None))
    names = [t.get("name") for t in spec["data"]]
    assert names[:len(PM.NAMES)] == list(PM.NAMES)
    assert names[spec["layout"]["meta"]["fake_trace"]] == "generated"


def test_the_feed_carries_the_layer_when_asked():
    registry = Registry(grace=600, cap=4)
    try:
        run_id = registry.add(lambda: Trainer(tiny_config(target="spiral"), device=torch.device("cpu"),
                                              snapshot_interval=0.01))
        token = live_feed.register(run_id, None, registry)
        trainer = registry.get(run_id)
        live_feed.update(token, z=None, dims=[], c=None, highlight=[])
        trainer.single_step("both")
        _wait(lambda: trainer.latest() and trainer.latest().step >= 1)
        assert not set(PM.NAMES) & set(live_feed.frame(live_feed._FEEDS[token])["traces"])
        live_feed.update(token, z=None, dims=[], c=None, highlight=[],
                         manifold={"tear_factor": 10.0})
        trainer.single_step("both")
        _wait(lambda: isinstance(trainer.latest().extra, dict) and trainer.latest().step >= 2)
        traces = live_feed.frame(live_feed._FEEDS[token])["traces"]
        assert set(PM.NAMES) <= set(traces) and traces[PM.GRID]["x"]["bdata"]
        view = trainer.latest().extra["manifold"]
        expected = trainer.with_models(lambda run: M.manifold_view(run))
        np.testing.assert_allclose(view["corners"], expected["corners"], atol=1e-5)
    finally:
        live_feed.drop(token)
        registry.close()


def _wait(cond, timeout: float = 20.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.01)
    pytest.fail("timed out")


def test_the_toggle_draws_the_layer_on_the_playground():
    """AppTest (no live feed): the page computes the layer for the chart itself."""
    from test_playground_app import _stop_all
    from streamlit.testing.v1 import AppTest
    from test_playground_app import APP
    _stop_all()
    app = AppTest.from_file(APP, default_timeout=120)
    open_settings(app)
    app.run()
    assert not any("Purple grid" in c.value for c in app.caption)
    app.toggle(key="pg_show_manifold").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Purple grid: G's manifold" in c.value for c in app.caption)
    view = app.session_state["pg_manifold_cache"][3]  # ui.samples.aged's (ident, time, step, value)
    assert view["corners"].shape == (M.CELLS + 1, M.CELLS + 1, 2)
    _stop_all()

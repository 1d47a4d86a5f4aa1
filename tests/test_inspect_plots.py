"""Inspector computations (gan_core.inspect), their figure builders (gan_core.plots.
mapping / discriminator / timeline) and the in-memory exports (gan_core.export).
Every figure is re-validated in full with go.Figure(fig.to_dict())."""
from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from gan_core import export as X
from gan_core import inspect as I
from gan_core.plots import discriminator as PD
from gan_core.plots import mapping as PM
from gan_core.plots import timeline as PT
from ui.model_source import train_tutorial, tutorial_config


def valid(fig) -> go.Figure:
    go.Figure(fig.to_dict())  # full plotly validation (raises on a bad property)
    return fig


def names(fig) -> list[str]:
    return [t.name for t in fig.data]


@pytest.fixture(scope="module")
def spiral():
    return train_tutorial("spiral", "nsgan", 60)


# --------------------------------------------------------------------------- grid warp and tears
def _with_map(run, fn):
    """The same run with G replaced by a hand-made latent map (N, d) -> (N, 2)."""
    run.latent_map = lambda: fn
    return run


def test_grid_warp_marks_a_hand_made_tear(spiral):
    # z0 < 0 goes left, z0 > 0 jumps 4 units right: a discontinuity at z0 = 0
    tear = lambda z: torch.stack([z[:, 0] + 2 * torch.tanh(200 * z[:, 0]), z[:, 1]], 1)
    w = I.grid_warp(_with_map(spiral, tear), n=20, tear_factor=5)
    rows = np.nonzero(w.torn.any(1))[0]
    assert w.torn.any() and w.tear_score > 0
    assert set(rows) <= {8, 9, 10}, rows  # the cells around z0 = 0 (rows follow dims[0])
    assert w.torn[9].all()  # the cell row straddling 0 is torn all along z1
    assert w.x.shape == (20, 20, 2) and w.colours.shape == (20, 20, 3)
    fig = valid(PM.grid_warp_figure(w.lines, w.x, w.colours, w.torn, (-4, 4, -4, 4),
                                    tear_score=w.tear_score))
    torn = fig.data[names(fig).index("torn cells")]
    assert np.isfinite(np.asarray(torn.x, float)).sum() == 5 * int(w.torn.sum())
    assert "tear score" in fig.layout.title.text
    grid = fig.data[names(fig).index("grid points")]
    assert len(grid.x) == 400 and len(grid.marker.color) == 400
    tm = valid(PM.tear_map_figure(w.axis, w.tear_map, w.threshold, w.torn, ["z0", "z1"]))
    assert tm.data[0].type == "heatmap" and np.asarray(tm.data[0].z).shape == (20, 20)
    assert np.isfinite(np.asarray(tm.data[1].x, float)).sum() == 5 * int(w.torn.sum())


def test_grid_warp_smooth_map_has_no_tears(spiral):
    w = I.grid_warp(_with_map(spiral, lambda z: 0.5 * z[:, :2] + 0.1), n=12)
    assert not w.torn.any() and w.tear_score == 0.0
    assert w.lines.shape[:2] == (2, 12)
    fig = valid(PM.grid_warp_figure(w.lines, w.x, w.colours, w.torn, (-2, 2, -2, 2)))
    assert fig.data[names(fig).index("torn cells")].visible == "legendonly"


def test_grid_warp_on_higher_dim_latent_uses_chosen_dims_and_probe():
    run = train_tutorial("spiral", "nsgan", 0)
    run = type(run)(tutorial_config("spiral", "nsgan").replace(latent_dim=4))
    seen = {}

    def g(z):
        seen["z"] = z
        return z[:, :2]
    run.latent_map = lambda: g
    w = I.grid_warp(run, n=6, dims=(2, 3), probe=[0.5, -0.5, 9, 9])
    z = seen["z"].numpy()
    assert np.allclose(z[:, 0], 0.5) and np.allclose(z[:, 1], -0.5)  # held at the probe
    assert z[:, 2].std() > 0 and z[:, 3].std() > 0  # the grid spans dims 2 and 3
    assert w.dims == (2, 3)


def test_mapping_support_refuses_conditional():
    run = type(train_tutorial("eight_gaussians", "nsgan", 0))(
        tutorial_config("eight_gaussians", "nsgan").replace(variant="cgan"))
    assert "class" in I.mapping_support(run)
    with pytest.raises(ValueError):
        I.grid_warp(run)


# --------------------------------------------------------------------------- morph and compare
def test_morph_figure_frames_and_controls():
    start = np.zeros((50, 2), np.float32)
    end = np.ones((50, 2), np.float32)
    fig = valid(PM.morph_figure(start, end, np.random.rand(50, 3), (-1, 2, -1, 2), n_frames=11))
    assert len(fig.frames) == 11
    assert np.allclose(fig.frames[0].data[0].x, 0) and np.allclose(fig.frames[-1].data[0].x, 1)
    assert fig.layout.updatemenus[0].buttons[0].label.endswith("Play")
    assert len(fig.layout.sliders[0].steps) == 11


def test_compare_spiral(spiral):
    spiral.__dict__.pop("latent_map", None)  # undo the hand-made maps of earlier tests
    c = I.compare(spiral, n=300, align_n=600)
    assert c.true is not None and c.true.end.shape == (300, 2)
    assert c.learned.end.shape == (300, 2) and c.learned.colours.shape == (300, 3)
    assert c.alignment.shape == (2, 2) and c.factor_names == ["along_arm", "across_arm"]
    assert c.width_ratio is not None and c.width_ratio > 0
    fig = valid(PM.alignment_figure(c.alignment, c.lever_names, c.factor_names))
    assert np.asarray(fig.data[0].z).shape == (2, 2)
    valid(PM.points_figure(c.true.end, c.true.colours, (-1.1, 1.1, -1.1, 1.1)))


def test_true_morph_none_for_data_targets():
    from gan_core.targets import get_target
    assert I.true_morph(get_target("ring8")) is None
    m = I.true_morph(get_target("eight_gaussians"), 100)
    assert m.start.shape == m.end.shape == (100, 2)


# --------------------------------------------------------------------------- D's feature space
def test_g_step_moves_fake_features_not_real():
    run = train_tutorial("quadratic", "nsgan", 200)
    assert I.feature_support(run) == ""
    copy = I.clone_run(run)
    ba = I.run_g_steps(copy, 1, d_first=20)  # D catches up, then one G step (the tutorial)
    assert ba.shift["real_moved"] == 0.0  # D is fixed in a G step
    assert ba.shift["fake_moved"] > 0
    assert ba.shift["gap_after"] < ba.shift["gap_before"]  # fake centroid moves towards real
    assert 0 < ba.shift["along_after"] < ba.shift["along_before"]
    assert copy.step_count == run.step_count + 21
    assert I.features(run, *I.fixed_batches(run)).step == run.step_count  # original untouched
    fig = valid(PD.feature_space_figure(ba.before.real, ba.before.fake, ba.after.real, ba.after.fake))
    assert sum(n.startswith("centroid") for n in names(fig)) == 4
    assert sum(t.mode == "markers" and len(t.x) == 400 for t in fig.data) == 4
    assert "fake centroid moves" in names(fig)


def test_feature_support_needs_two_units(spiral):
    run = type(spiral)(tutorial_config("spiral", "nsgan").replace(d_feature_dim=0))
    assert "d_feature_dim" in I.feature_support(run)


def test_live_g_step_goes_through_the_trainer():
    from gan_core.trainer import Trainer
    trainer = Trainer(tutorial_config("quadratic", "nsgan"))
    try:
        trainer.start()
        trainer.wait_steps(20)
        ba = I.live_g_steps(trainer, k=3, d_first=2)
        assert trainer.status()["state"] == "paused"
        assert ba.after.step == ba.before.step + 3
        assert ba.shift["real_moved"] == 0.0 and ba.shift["fake_moved"] > 0
    finally:
        trainer.stop()


def test_tgan_pair_view():
    run = train_tutorial("spiral", "tsgan", 20)
    assert I.feature_support(run) == ""
    ba = I.run_g_steps(I.clone_run(run), 2, n=100)
    assert ba.before.pairs.shape == (100, 2)
    assert np.allclose(ba.before.pairs, ba.before.real - ba.before.fake)
    fig = valid(PD.pair_view_figure(ba.before.pairs, ba.after.pairs))
    assert names(fig)[:4] == ["pairs (before)", "mean pairs (before)", "pairs (after)",
                              "mean pairs (after)"]


def test_deligan_mixture_figure():
    run = train_tutorial("spiral", "deligan", 10)
    assert I.has_mixture(run)
    mu, sig = I.mixture_components(run)
    assert mu.shape == sig.shape == (10, 2) and (sig > 0).all()
    fig = valid(PD.mixture_figure(mu, sig, latents=np.zeros((5, 2)), trails=[mu, mu + 0.1]))
    assert names(fig) == ["z samples", "μ over training", "σ ellipses (1σ)", "μ"]
    ell = fig.data[2]
    assert np.isnan(np.asarray(ell.x, float)).sum() == 10  # one closed ellipse per component


# --------------------------------------------------------------------------- timeline figures
def test_timeline_figures():
    cols = {"step": np.arange(10.0), "d_loss": np.ones(10), "g_loss": np.ones(10),
            "d_grad": np.ones(10), "g_grad": np.ones(10)}
    fig = valid(PT.losses_at_figure(cols, 5))
    assert len(fig.layout.shapes) == 2 and fig.layout.shapes[0].x0 == 5
    rows = [{"hq": 0.5, "coverage_modes": 0.25}, {}, {"hq": 0.7}]
    fig = valid(PT.metrics_at_figure([0, 50, 100], rows, 50))
    assert {"HQ (within 3σ)", "share of modes captured"} <= set(names(fig))
    fakes = np.random.rand(4, 30, 2)
    fig = valid(PT.training_animation_figure([0, 1, 2, 3], fakes, ["#ff0000"] * 30, (0, 1, 0, 1),
                                             real=np.random.rand(20, 2)))
    assert [f.name for f in fig.frames] == ["0", "1", "2", "3"]
    assert np.allclose(fig.frames[2].data[0].x, fakes[2, :, 0])
    # the Timeline page opens it at its chosen frame, in the reader's language
    fig = valid(PT.training_animation_figure([0, 1, 2, 3], fakes, ["#ff0000"] * 30, (0, 1, 0, 1),
                                             active=2, lang="zh"))
    assert fig.layout.sliders[0].active == 2 and np.allclose(fig.data[0].x, fakes[2, :, 0])
    assert fig.layout.updatemenus[0].buttons[0].label == "播放"


def test_the_timeline_sends_a_bounded_spread_of_frames_with_the_chosen_one():
    from ui.timeline_data import scrub_rows
    rows = scrub_rows(300, 157, limit=120)
    assert len(rows) <= 121 and {0, 157, 299} <= set(rows.tolist())
    assert list(rows) == sorted(set(rows.tolist()))
    assert np.diff(rows).max() <= 3  # evenly spread: no long gap to scrub over
    assert scrub_rows(5, 2).tolist() == [0, 1, 2, 3, 4]  # few frames: all of them


# --------------------------------------------------------------------------- a past step
def _same_views(old, then, field_then, frame_fake):
    np.testing.assert_allclose(old.field.values, field_then.values, atol=1e-6)
    np.testing.assert_allclose(old.field.values, then.field.values, atol=1e-6)
    np.testing.assert_allclose(old.fake, then.fake, atol=1e-5)
    np.testing.assert_allclose(old.fake, frame_fake, atol=1e-5)
    np.testing.assert_allclose(old.warp.x, then.warp.x, atol=1e-5)
    np.testing.assert_allclose(old.features.fake, then.features.fake, atol=1e-5)


def test_views_at_an_old_keyframe_are_what_the_nets_produced_then():
    """Record D's field, the samples, the grid and D's features at step a; train on; the
    views rebuilt from the keyframe of step a equal those and differ from the live ones,
    and rebuilding never touches the live weights."""
    from gan_core import probes
    from gan_core.trainer import Trainer
    a = 40
    tr = Trainer(tutorial_config("spiral", "nsgan"), device=torch.device("cpu"),
                 snapshot_interval=0.0, max_steps=a)
    with tr.lock:
        tr.timeline.every, tr.timeline.key_every = 1, a
    try:
        tr.start()
        assert I.wait_for_step(tr, a)
        then = tr.with_models(lambda r: I.step_views(r, n=8))
        field_then = tr.with_models(lambda r: probes.d_field(r, r.out_target.bounds))
        tr.set_budget(200)
        tr.start()
        assert I.wait_for_step(tr, 200)
        tr.pause()
        kf = tr.timeline.keyframe_at(a + 10)
        assert kf is not None and kf.step == a
        live_before = {k: v.clone() for k, v in tr.run.nets.state_dict().items()}
        view = tr.with_models(lambda r: I.frozen_run(r, kf.state, kf.step))
        with torch.no_grad():
            old = I.step_views(view, n=8)
        now = tr.with_models(lambda r: I.step_views(r, n=8))
        assert old.step == a and now.step == 200
        frame = next(f for f in tr.timeline.frames if f.step == a)
        _same_views(old, then, field_then, frame.fake)
        assert np.abs(old.field.values - now.field.values).max() > 1e-3
        assert np.abs(old.fake - now.fake).max() > 1e-3
        with torch.no_grad():  # the copy is independent of the live networks
            for p in view.nets.parameters():
                p.add_(1.0)
        for k, v in tr.run.nets.state_dict().items():
            assert torch.equal(v, live_before[k]), k
        assert tr.run.step_count == 200 and view.opts is None
    finally:
        tr.stop()


def test_quadratic_tutorial_preset_trains_and_shows_the_feature_observation():
    """The Playground preset with D's 2-unit layer: it fits the curve, and after D catches
    up, one G step leaves the real features in place and moves the fake centroid
    towards the real one (the tutorial's observation)."""
    from gan_core.run import Run
    from ui.controls import preset_config
    cfg = preset_config("Quadratic tutorial (2-D D features)")
    assert cfg.target == "quadratic" and cfg.d_feature_dim == 2
    run = Run(cfg, device=torch.device("cpu"))
    assert I.feature_support(run) == ""
    for _ in range(1200):
        run.step()
    x = run.generate(run.sample_latent(2000, 99))
    err = np.abs(x[:, 1] - (10 + x[:, 0] ** 2)) / 2625  # distance off the curve / its height
    assert np.median(err) < 0.05
    assert np.histogram(x[:, 0], bins=5, range=(-50, 50))[0].min() > 100  # spread over x
    # 4 seeds x 5 stages (300-1,500 steps): after 50 D steps the gap shrank in 20 of 20,
    # along D's direction 20 of 20 (after 20 D steps: 18 of 20 and 20 of 20).
    ba = I.run_g_steps(I.clone_run(run), 1, d_first=50)
    assert ba.shift["real_moved"] == 0.0 and ba.shift["fake_moved"] > 0
    assert ba.shift["gap_after"] < ba.shift["gap_before"]
    assert ba.shift["along_after"] < ba.shift["along_before"]


def test_deligan_mixture_trail_from_keyframes():
    from gan_core.history import Keyframe
    mus = [torch.randn(5, 3) for _ in range(4)]
    kfs = [Keyframe(i * 10, {"prior.mu": m, "prior.sigma": m.abs()}, 0) for i, m in enumerate(mus)]
    trail = I.mixture_trail(kfs, dims=(0, 2))
    assert len(trail) == 4 and trail[2].shape == (5, 2)
    np.testing.assert_allclose(trail[2], mus[2].numpy()[:, [0, 2]])
    assert I.mixture_trail([Keyframe(0, {"G.w": torch.zeros(1)}, 0)]) == []


# --------------------------------------------------------------------------- exports
def _frames(t=12, n=200):
    rng = np.random.default_rng(0)
    return np.arange(t) * 50, rng.normal(size=(t, n, 2)).astype(np.float32), rng.uniform(size=(n, 3))


def test_gif_decodes_with_frame_count():
    import imageio.v3 as iio
    steps, fakes, cols = _frames()
    seen = []
    data = X.gif_bytes(steps, fakes, cols, (-3, 3, -3, 3), real=fakes[0], size=160,
                       progress=lambda f, t="": seen.append(f))
    frames = iio.imread(data, index=None, extension=".gif")
    assert frames.shape[:3] == (12, 160, 160)
    assert seen[-1] == 1.0 and all(b >= a for a, b in zip(seen, seen[1:]))
    # the fakes differ between frames, the background does not
    assert not np.array_equal(frames[0], frames[5])


def test_png_and_csv():
    from PIL import Image
    steps, fakes, cols = _frames(2, 50)
    png = X.png_bytes(fakes[0], cols, (-3, 3, -3, 3), caption="step 0", size=200)
    assert Image.open(io.BytesIO(png)).size == (200, 200)
    csv = X.samples_csv(fakes[0], cols, step=7).decode().splitlines()
    assert csv[0] == "index,x,y,r,g,b,step" and len(csv) == 51
    row = csv[1].split(",")
    assert float(row[1]) == pytest.approx(fakes[0, 0, 0], rel=1e-4) and row[-1] == "7"
    allcsv = X.timeline_csv(steps, fakes).decode().splitlines()
    assert allcsv[0] == "step,index,x,y" and len(allcsv) == 101 and allcsv[-1].startswith("50,49,")


def test_html_is_standalone():
    steps, fakes, cols = _frames(3, 20)
    fig = PT.training_animation_figure(steps, fakes, ["#123456"] * 20, (-3, 3, -3, 3))
    html = X.html_bytes(fig).decode()
    assert html.lstrip().lower().startswith(("<html>", "<!doctype html>")) and "plotly" in html.lower() and len(html) > 1_000_000
    assert '<script src="https://cdn.plot.ly' not in html  # plotly.js is inlined: works offline


def test_mp4_when_ffmpeg_is_available():
    if not X.ffmpeg_available():
        with pytest.raises(X.ExportError):
            X.mp4_bytes(*_frames(2, 10), (-3, 3, -3, 3))
        return
    import imageio.v3 as iio
    steps, fakes, cols = _frames(6, 100)
    data = X.mp4_bytes(steps, fakes, cols, (-3, 3, -3, 3), size=160)
    assert data[4:8] == b"ftyp"
    assert len(iio.imread(data, index=None, extension=".mp4", plugin="FFMPEG")) == 6


def test_export_refuses_empty():
    with pytest.raises(X.ExportError):
        X.gif_bytes([], np.zeros((0, 5, 2)), np.zeros((5, 3)), (0, 1, 0, 1))


def test_feature_space_names_before_and_after_only_when_both_are_shown():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((20, 2)), rng.standard_normal((20, 2))
    one = PD.feature_space_figure(a, b)
    assert not any("before" in (t.name or "") for t in one.data)
    two = PD.feature_space_figure(a, b, a + 1, b + 1)
    assert any(t.name == "fake (after)" for t in two.data)


# --------------------------------------------------------------------------- figure words in Chinese
CJK_RE = __import__("re").compile(r"[\u4e00-\u9fff]")


def _words(fig) -> list[str]:
    """Every text a figure shows as words: trace names, title, axis and colourbar titles,
    annotation and animation button labels."""
    d = fig.to_dict()
    lay = d["layout"]
    out = [t.get("name") or "" for t in d["data"]]
    out += [(lay.get("title") or {}).get("text") or ""]
    out += [(lay.get(k) or {}).get("title", {}).get("text") or "" for k in lay if k.startswith(("xaxis", "yaxis"))]
    out += [(t.get("colorbar") or {}).get("title", {}).get("text") or "" for t in d["data"]]
    out += [a.get("text", "") for a in lay.get("annotations", [])]
    out += [b["label"] for m in lay.get("updatemenus", []) for b in m["buttons"]]
    return [w for w in out if w]


def _no_english_words(words: list[str]) -> bool:
    """No run of 3+ Latin letters apart from the field's symbols (HQ, log, DeLiGAN, z0...)."""
    import re
    left = [re.sub(r"\b(HQ|DeLiGAN|ΔE|z\d|x_r|x_f)\b|log(?=₁₀)", "", w) for w in words]
    return not any(re.search(r"[A-Za-z]{3,}", w) for w in left)


def test_inspector_figures_speak_chinese(spiral):
    from gan_core.plots import compare as PC
    w = I.grid_warp(spiral, n=10, tear_factor=1.5)
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(30, 2)).astype(np.float32)
    figs = [PM.grid_warp_figure(w.lines, w.x, w.colours, w.torn, (-4, 4, -4, 4), real=pts,
                                tear_score=w.tear_score, title="网格", lang="zh"),
            PM.tear_map_figure(w.axis, w.tear_map, w.threshold, w.torn, ["z0", "z1"], title="撕裂图",
                               lang="zh"),
            PM.morph_figure(pts, pts + 1, np.full((30, 3), 0.5), (-4, 4, -4, 4), lang="zh"),
            PM.alignment_figure(np.eye(2), ["z0", "z1"], ["角度", "半径"], lang="zh"),
            PD.feature_space_figure(pts, pts + 1, pts, pts + 0.5, lang="zh"),
            PD.pair_view_figure(pts, pts * 0.5, lang="zh"),
            PD.mixture_figure(pts[:3], np.ones((3, 2)) * 0.2, latents=pts, trails=[pts[:3], pts[:3] + 0.1],
                              lang="zh"),
            PC.rates_figure([{"variant": "nsgan", "rate": 0.5, "rate_lo": 0.1, "rate_hi": 0.9,
                              "modes_mean": 6.0, "modes_sd": 1.0, "hq_pct_mean": 80.0,
                              "hq_pct_sd": 5.0}], lang="zh")]
    for fig in figs:
        words = _words(valid(fig))
        assert words and any(CJK_RE.search(w) for w in words), words
        assert _no_english_words(words), words
    english = _words(PM.tear_map_figure(w.axis, w.tear_map, w.threshold, w.torn, ["z0", "z1"],
                                        title="tear map"))
    assert "log₁₀ stretch" in english and any("threshold σ₁" in x for x in english), english
    play = [b["label"] for b in figs[2].to_dict()["layout"]["updatemenus"][0]["buttons"]]
    assert play == ["播放", "暂停"]

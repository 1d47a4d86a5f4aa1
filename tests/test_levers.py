"""Lever logic on known generators, and the Levers page through AppTest."""
import json

import numpy as np
import pytest
import torch
from torch import nn

from gan_core import levers as L
from gan_core.classifier import load_classifier
from gan_core.distributions import spiral_map
from gan_core.run import Run
from gan_core.variants import VARIANTS, config_for

CPU = torch.device("cpu")
TINY = dict(g_depth=1, g_width=16, d_depth=1, d_width=16, batch_size=32, eval_size=64)


def digits_run(variant="nsgan", **kw):
    cfg = config_for(variant, target="digits", latent_dim=16, g_output="tanh", **{**TINY, **kw})
    return Run(cfg, device=CPU)


# --------------------------------------------------------------------------- sweeps and locks
def test_sweeps_change_only_their_lever():
    z0 = np.arange(4, dtype=np.float32)
    v = L.lever_values(-3, 3, 5)
    s = L.sweep_latents(z0, 2, v)
    assert s.shape == (5, 4)
    np.testing.assert_array_equal(s[:, 2], v)
    np.testing.assert_array_equal(np.delete(s, 2, axis=1), np.tile(np.delete(z0, 2), (5, 1)))
    a = L.all_sweeps(z0, v)
    assert a.shape == (20, 4)
    np.testing.assert_array_equal(a[5:10], L.sweep_latents(z0, 1, v))


def test_randomise_respects_locks():
    z_old = np.array([0.5, -1.0, 2.0, 0.0], np.float32)
    locked = [True, False, True, False]
    z = L.randomise(z_old, locked, -3, 3, seed=1)
    assert z[0] == 0.5 and z[2] == 2.0
    assert z[1] != -1.0 and np.all(np.abs(z) <= 3)
    assert np.array_equal(z, L.randomise(z_old, locked, -3, 3, seed=1))  # seeded


def test_animation_is_an_eased_there_and_back():
    v = L.animation_values(0.0, -3, 3, 48)
    assert v[0] == pytest.approx(0.0, abs=1e-6)
    assert v.max() == pytest.approx(3.0, abs=1e-2) and v.min() == pytest.approx(-3.0, abs=1e-2)
    assert np.argmax(v) < np.argmin(v)  # out to hi first, then to lo, then home
    step = np.abs(np.diff(np.append(v, v[0])))
    assert step[np.argmax(v)] < step[0] / 5  # eased: slow at the turning points
    assert abs(np.append(v, v[0])[-1] - v[0]) < 1e-6  # loops back to the start
    start = L.animation_values(1.5, -3, 3, 40)
    assert start[0] == pytest.approx(1.5, abs=1e-5) and np.all(np.abs(start) <= 3 + 1e-6)
    frames = L.animation_latents(np.array([1.0, 1.5, 0.0], np.float32), 1, -3, 3, 40)
    np.testing.assert_allclose(frames[:, 1], start)
    assert np.all(frames[:, 0] == 1.0)
    assert L.eased_phase([0, 0.5, 1]).tolist() == pytest.approx([0, 0.5, 1])


# --------------------------------------------------------------------------- specs and decoding
def test_spec_and_strips_for_digits():
    run = digits_run()
    spec = L.lever_spec(run)
    assert spec.dim == 16 and spec.image_side == 8 and spec.n_classes == 0
    assert spec.names[3] == "z3" and spec.kinds == ["noise"] * 16
    strips = L.sweep_outputs(run, np.zeros(16, np.float32), L.lever_values(spec.lo, spec.hi, 7))
    assert strips.shape == (16, 7, 64)
    np.testing.assert_allclose(strips[0, 3], strips[5, 3], atol=1e-6)  # middle of every sweep is z=0


@pytest.mark.skipif("cgan" not in VARIANTS, reason="cgan not registered yet")
def test_conditional_spec_has_a_class_selector():
    run = digits_run("cgan")
    spec = L.lever_spec(run)
    assert spec.n_classes == 10 and spec.class_label == "class"
    a = L.decode(run, np.zeros((1, 16)), 1)
    b = L.decode(run, np.zeros((1, 16)), 7)
    assert not np.allclose(a, b)


@pytest.mark.skipif("infogan" not in VARIANTS, reason="infogan not registered yet")
def test_infogan_codes_are_labelled_separately():
    run = digits_run("infogan", n_codes_cont=2)
    spec = L.lever_spec(run)
    assert len(spec.code_dims) == 2 and all(spec.names[i].startswith("code") for i in spec.code_dims)
    assert len(spec.noise_dims) == spec.dim - 2


# --------------------------------------------------------------------------- lever report
class InkOnLever0(nn.Module):
    """A generator whose lever 0 sets the intensity of one vertical stroke; the rest do nothing."""

    def forward(self, z):  # (N, 16) -> (N, 64)
        img = -torch.ones(z.shape[0], 8, 8)
        img[:, 1:7, 3] = torch.tanh(z[:, :1])  # -1..1: from no ink to a full stroke
        return img.reshape(z.shape[0], 64)


def test_image_report_finds_the_one_lever_that_matters():
    run = digits_run(g_ema=0.0)  # no average: the report must see the G put in below
    run.nets.G = InkOnLever0()
    rep = L.lever_report(run, load_classifier(), n_base=6, n_steps=5)
    assert rep.matrix.shape == (16, 13)
    assert rep.factor_names[10:] == ["ink", "slant", "stroke_width"]
    ink = rep.factor_names.index("ink")
    assert rep.matrix[0, ink] > 0.5
    assert np.abs(rep.matrix[1:]).max() < 1e-6  # levers 1..15 change nothing
    summary = rep.summary()
    assert "ink" in summary[0]["controls"] and summary[5]["verdict"] == "does little"


class TrueSpiral(nn.Module):
    def __init__(self, target):
        super().__init__()
        self.target = target

    def forward(self, z):  # uniform latent -> normalised spiral
        return self.target.normalise(spiral_map(z))


def test_planar_report_recovers_the_true_spiral_factors():
    cfg = config_for("nsgan", target="spiral", prior="uniform", latent_dim=2, g_ema=0.0, **TINY)
    run = Run(cfg, device=CPU)
    run.nets.G = TrueSpiral(run.target)
    rep = L.lever_report(run, n=3000)
    assert rep.factor_names == ["along_arm", "across_arm"] and rep.method == "alignment"
    m = rep.matrix
    assert m[0, 0] > 0.5 and m[1, 1] > 0.2  # lever 0 = along the arm, lever 1 = across
    assert m[0, 0] > 3 * m[1, 0] and m[1, 1] > 3 * m[0, 1]


def test_report_entanglement_counts():
    rep = L.LeverReport(np.array([[0.9, 0.0, 0.0], [0.8, 0.7, 0.6], [0.01, 0.0, 0.0]]),
                        ["a", "b", "c"], ["f", "g", "h"], "sweep")
    assert rep.controls(0) == ["f"] and rep.controls(1) == ["f", "g", "h"] and rep.controls(2) == []
    assert rep.entanglement() == pytest.approx(2.0)
    assert rep.summary()[1]["verdict"] == "3 features at once"


# --------------------------------------------------------------------------- the page (AppTest)
from pathlib import Path  # noqa: E402

from streamlit.testing.v1 import AppTest  # noqa: E402

from gan_core import checkpoints, zoo  # noqa: E402

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "levers.py")
has_digits = pytest.mark.skipif("digits__nsgan" not in zoo.entries(), reason="zoo not built")


def page(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def slider(at, label):
    return next(s for s in at.slider if s.label == label)


def _live(at, field: str) -> list[str]:
    """Payloads of the page's in-place live elements (ui.live_chart) that carry `field`."""
    out = []
    for el in at.get("bidi_component"):
        data = json.loads(el.proto.json or "{}")
        if field in data:
            out.append(data[field])
    return out


def _payloads(at) -> list[dict]:
    return [json.loads(e.proto.json or "{}") for e in at.get("bidi_component")]


def image_urls(at) -> list[str]:
    """What the two images show, G(z) first: a PNG, grey levels, or (when the browser runs
    G itself) the z it draws from."""
    out = [json.dumps({k: d.get(k) for k in ("png", "ink", "z", "part")})
           for d in _payloads(at) if {"png", "ink", "part"} & set(d)]
    return sorted(out, key=lambda t: '"part": "strips"' in t or '"ink"' in t)


def assert_clean(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@has_digits
def test_page_opens_on_pretrained_digits_and_levers_move_the_image():
    at = page()
    assert_clean(at)
    assert len(at.slider) == 16
    assert at.button_group(key="levers_locks").options  # one lock chip per lever
    assert at.query_params["model"] == "digits__nsgan"
    before = image_urls(at)
    assert len(before) == 2  # G(z) and the sheet of 16 lever strips
    # The pretrained digits G is a plain MLP, so the browser draws both from G's weights,
    # sent once (the second element reuses them).
    main, strips = (next(d for d in _payloads(at) if d.get("part") == p) for p in ("main", "strips"))
    assert main["plan_id"] == strips["plan_id"] and (main["plan"] is None) != (strips["plan"] is None)
    assert strips["side"] == 8 and len(strips["values"]) == 9 and len(strips["names"]) == 16
    slider(at, "z3").set_value(1.5).run()
    assert_clean(at)
    z = at.query_params["z"].split(",")
    assert len(z) == 16 and z[3] == "1.50" and z[2] == "0.00"
    after = image_urls(at)
    assert after[0] != before[0]  # the generated digit changed
    assert after[1] != before[1]  # the strips now sweep from the new z
    assert any("Lever report" in s.value for s in at.subheader)


@has_digits
def test_url_state_restores_the_levers():
    z = ",".join(["0.00"] * 5 + ["-2.00"] + ["0.00"] * 10)
    at = page(model="digits__nsgan", z=z)
    assert_clean(at)
    assert slider(at, "z5").value == -2.0 and slider(at, "z0").value == 0.0
    bad = page(model="digits__nsgan", z="1,2,oops")  # a broken link falls back to 0s
    assert_clean(bad)
    assert slider(bad, "z5").value == 0.0


@has_digits
def test_randomise_respects_locks_and_reset_zeroes():
    at = page()
    slider(at, "z0").set_value(1.25)
    at.button_group(key="levers_locks").set_value(["z0"])
    at.run()
    next(b for b in at.button if "Randomise" in b.label).click().run()
    assert_clean(at)
    assert slider(at, "z0").value == 1.25
    assert any(slider(at, f"z{i}").value != 0.0 for i in range(1, 16))
    next(b for b in at.button if "Reset" in b.label).click().run()
    assert slider(at, "z0").value == 1.25  # still locked
    assert all(slider(at, f"z{i}").value == 0.0 for i in range(1, 16))


@has_digits
def test_animate_plays_without_error():
    at = page()
    at.selectbox(key="levers_anim").set_value(3)
    at.button(key="levers_anim_go").click().run()
    assert_clean(at)
    # the movie ends where the slider is (z3 = 0), not one frame short of home
    captions = [img.caption for el in at.get("image") for img in el.proto.imgs if "z3 =" in img.caption]
    assert captions == ["z3 = +0.00"], captions


@pytest.mark.skipif("spiral__nsgan" not in zoo.entries(), reason="zoo not built")
def test_page_on_a_2d_target_shows_probe_and_sweeps():
    at = page(model="spiral__nsgan")
    assert_clean(at)
    assert len(at.slider) == 2
    charts = at.get("plotly_chart")
    assert len(charts) + len(_live(at, "layout")) >= 3  # plane + sweeps, sweep curves, report
    slider(at, "z1").set_value(-1.0).run()
    assert_clean(at)
    assert at.query_params["z"] == "0.00,-1.00"


@pytest.mark.skipif("digits__cgan" not in zoo.entries(), reason="cgan digits not in the zoo")
def test_conditional_page_has_a_class_selector():
    at = page(model="digits__cgan", c="7")
    assert_clean(at)
    sel = at.selectbox(key="lv_class")
    assert sel.value == 7 and sel.label == "Class"
    sel.set_value(2).run()
    assert at.query_params["c"] == "2"


def _upload(at, name, data):
    at.radio(key="levers_source").set_value("Upload").run()
    at.file_uploader(key="levers_upload").upload(name, data).run()
    return at


def test_upload_rejects_bad_files_without_crashing():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at = _upload(at, "junk.safetensors", b"\x00\x01 definitely not a checkpoint")
    assert not at.exception
    assert at.error and "Cannot open this file" in at.error[0].value


def test_upload_of_a_digits_checkpoint_gives_image_levers(tmp_path):
    run = digits_run()
    data = checkpoints.to_bytes(checkpoints.from_run(run))
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at = _upload(at, "tiny_digits.safetensors", data)
    assert_clean(at)
    assert len(at.slider) == 16
    assert at.query_params["model"].startswith("upload:")
    at.button(key="levers_report_go").click().run()  # uploaded: the report is on demand
    assert_clean(at)
    assert at.dataframe


def test_live_run_from_the_session_trainer(monkeypatch):
    from gan_core.trainer import Trainer
    from ui import session
    trainer = Trainer(config_for("nsgan", target="spiral", **TINY), device=CPU)
    trainer.single_step()
    # The page finds the live run as every page does (ui.model_source -> ui.session); the
    # session's box is the Playground's to fill, so the test hands the trainer over here.
    monkeypatch.setattr(session, "get_trainer", lambda: trainer)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    at.radio(key="levers_source").set_value("Live run").run()
    assert_clean(at)
    assert len(at.slider) == 2 and at.query_params["model"] == "live"
    at.button(key="levers_report_go").click().run()  # a changing run: report on demand
    assert_clean(at)
    trainer.stop()


def test_live_run_missing_is_explained(monkeypatch):
    # AppTests share one process, so a Playground AppTest that ran earlier can leave its
    # session trainer cached: this session has none, whatever ran before.
    from ui import session
    monkeypatch.setattr(session, "get_trainer", lambda: None)
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.radio(key="levers_source").set_value("Live run").run()
    assert not at.exception
    assert any("Playground" in i.value for i in at.info)


def test_strip_ink_is_the_sheet_without_labels():
    from gan_core import lever_figures as F
    strips = np.stack([np.full((3, 64), -1.0), np.full((3, 64), 1.0)])  # 2 levers x 3 images
    ink = F.strip_ink(strips, 8)
    assert ink.shape == (2, 3, 8, 8) and ink.dtype == np.uint8
    assert (ink[0] == 255).all() and (ink[1] == 0).all()  # background white, full ink black
    sheet = F.strip_sheet(strips, 8, ["a", "b"], label_w=0, scale=1, gap=0)
    assert (sheet[..., 0] == ink.transpose(0, 2, 1, 3).reshape(16, 24)).all()


@pytest.mark.parametrize("variant,extra", [("nsgan", {}), ("cgan", {}), ("infogan", {}),
                                           ("nsgan", {"g_batchnorm": True, "activation": "leaky_relu",
                                                      "g_output": "tanh"})])
def test_mlp_plan_matches_the_generator(variant, extra):
    """The browser runs G from mlp_plan; plan_forward is the reference it follows."""
    target = "eight_gaussians"
    run = Run(config_for(variant, target=target, g_width=32, d_width=32, seed=3, **extra))
    for _ in range(3):
        run.step()  # moves BatchNorm's running statistics away from their start
    spec = L.lever_spec(run)
    z = np.random.default_rng(0).uniform(spec.lo, spec.hi, (7, spec.dim)).astype(np.float32)
    c = 1 if spec.n_classes else None
    plan = L.mlp_plan(run, c)
    assert plan is not None
    want = L.decode(run, z, c)
    got = run.out_target.denormalise(torch.as_tensor(L.plan_forward(plan, z))).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_mlp_plan_refuses_what_it_cannot_express():
    run = Run(config_for("nsgan", target="spiral", g_width=16, d_width=16, g_ema=0.0))
    run.nets.G.body.append(nn.Dropout(0.1))
    assert L.mlp_plan(run) is None


def test_live_chart_sends_only_what_changed():
    from ui.live_chart import only_changes
    sent = set()
    first = only_changes(sent, ["real", "fake0", "layout"])
    assert [it.get("t") for it in first] == ["real", "fake0", "layout"]
    second = only_changes(sent, ["real", "fake1", "layout"])
    assert [it.get("t") for it in second] == [None, "fake1", None]
    assert second[0]["h"] == first[0]["h"] and second[1]["h"] != first[1]["h"]
    # only the last frame counts: a text last sent two frames ago is sent again
    only_changes(sent, ["fake2"])
    assert only_changes(sent, ["real"])[0]["t"] == "real"
    sent.clear()  # the browser lacked one (`need_full`): everything goes again
    assert all("t" in it for it in only_changes(sent, ["real", "fake1"]))


def test_lever_colours_are_one_list():
    from gan_core import lever_figures, plots
    assert lever_figures.LEVER_COLOURS is plots.LEVER_COLOURS


@has_digits
def test_the_levers_keep_their_values_through_a_visit_to_another_page():
    """Streamlit drops an undrawn widget's value on a page switch: the Levers page came
    back with every slider at its minimum (and drew G(z) at 0, not at what they showed)."""
    from ui import session
    session.registry().clear()
    at = AppTest.from_file(str(Path(PAGE).parent.parent / "app.py"), default_timeout=180)
    at.query_params["model"] = "digits__nsgan"
    at.switch_page("pages/levers.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.slider(key="lv_3").set_value(-1.5).run()
    at.switch_page("pages/playground.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/levers.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key="lv_3").value == -1.5
    assert at.slider(key="lv_0").value == 0.0
    session.registry().clear()

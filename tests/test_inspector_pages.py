"""AppTest smoke tests of the inspector pages (mapping, discriminator, timeline) on a
small checkpoint made here, on a pretrained model and on a live run.

AppTest cannot drive st.file_uploader, so the 'uploaded' checkpoint goes through the
same `open_checkpoint` (bytes -> validated Run) as an upload and is placed where the
uploader's cache keeps it."""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gan_core import checkpoints, i18n
from ui.model_source import open_checkpoint, train_tutorial, upload_label

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["pages/mapping.py", "pages/discriminator.py", "pages/timeline.py"]


@pytest.fixture(scope="module")
def ckpt_bytes():
    run = train_tutorial("spiral", "nsgan", 100)  # D has the tutorial's 2-unit layer
    return checkpoints.to_bytes(checkpoints.from_run(run, {"rows": [
        {"step": 50, "d_loss": 0.7, "g_loss": 0.7}, {"step": 100, "d_loss": 0.6, "g_loss": 0.8}]}))


def _page(path: str, kind: str, data: bytes | None = None) -> AppTest:
    import streamlit as st
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / path), default_timeout=180)
    at.session_state["insp_kind"] = kind
    if data is not None:
        run, hist = open_checkpoint(data, "small.safetensors")
        at.session_state["insp_uploads"] = {"small": (run, threading.Lock(), hist,
                                                      upload_label("small.safetensors", run))}
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("path,min_charts", [("pages/mapping.py", 7),
                                             ("pages/discriminator.py", 2),
                                             ("pages/timeline.py", 2)])
def test_pages_on_a_small_checkpoint(ckpt_bytes, path, min_charts):
    at = _page(path, "Upload", ckpt_bytes)
    at.run()
    _ok(at)
    assert _charts(at) >= min_charts
    assert any("small.safetensors" in c.value for c in at.caption)  # the source is named
    assert len(at.expander) >= 2  # every view explains itself


# The zoo's discriminators have no 2-unit feature layer: D's page shows its heatmap and
# says so for the feature view (an st.info, not an error).
MIN_CHARTS = {"pages/mapping.py": 7, "pages/discriminator.py": 1, "pages/timeline.py": 2}


def test_pages_on_a_pretrained_model():
    for path in PAGES:
        at = _page(path, "Pretrained")
        at.run()
        _ok(at)
        assert _charts(at) >= MIN_CHARTS[path], path
        if path == "pages/timeline.py":
            metrics = {m.label: m.value for m in at.metric}
            # its frames carry no losses: the history's, as on its loss chart
            assert metrics["D loss"] != "–" and float(metrics["G loss"]) > 0, metrics
            # the grid warp's total is in the label, so the value is never cut
            assert metrics["Torn cells (of 361)"].isdigit(), metrics


def test_bad_checkpoint_is_a_clear_error():
    for data in (b"", b"not a checkpoint at all", b"\x10\x00\x00\x00\x00\x00\x00\x00{}"):
        with pytest.raises(checkpoints.CheckpointError) as err:
            open_checkpoint(data, "bad.safetensors")
        assert "bad.safetensors" in str(err.value)


def test_mapping_grid_size_and_dims(ckpt_bytes):
    at = _page("pages/mapping.py", "Upload", ckpt_bytes)
    at.run()
    at.slider(key="map_grid_n").set_value(8).run()
    _ok(at)
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "")
              for c in at.get("plotly_chart")]
    assert any(t.startswith("8×8 latent grid") for t in titles), titles


def test_discriminator_before_after_on_a_copy(ckpt_bytes):
    at = _page("pages/discriminator.py", "Upload", ckpt_bytes)
    at.run()
    at.button(key="disc_gstep").click().run()
    _ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Real centroid moved"] == "0"
    assert float(metrics["Fake centroid moved"]) > 0
    # the uploaded model itself was not stepped: a copy was
    run = at.session_state["insp_uploads"]["small"][0]
    assert run.step_count == 100


CJK = re.compile(r"[\u4e00-\u9fff]")


def _page_text(at: AppTest) -> str:
    return " ".join([*(m.value for m in at.markdown), *(c.value for c in at.caption),
                     *(h.value for h in at.subheader), *(b.label for b in at.button),
                     *(x.label for x in at.expander), *(t.value for t in at.title)])


@pytest.mark.parametrize("path,area", [("pages/mapping.py", "mapping"),
                                       ("pages/discriminator.py", "discriminator")])
def test_inspector_pages_in_chinese(ckpt_bytes, path, area):
    at = _page(path, "Upload", ckpt_bytes)
    at.session_state["gl_lang"] = "zh"
    at.run()
    _ok(at)
    assert at.title[0].value == i18n.text(f"{area}.title", "zh")
    text = _page_text(at)
    assert len(CJK.findall(text)) > 150, text  # the page reads in Chinese, not one label
    assert i18n.text(f"{area}.intro", "en") not in text


def test_discriminator_before_after_in_chinese(ckpt_bytes, monkeypatch):
    # AppTest calls a radio's format_func outside the script run, where session state (and so
    # the session's language) is out of reach: the source radio would be looked up in English.
    monkeypatch.setattr("ui.i18n.language", lambda: "zh")
    at = _page("pages/discriminator.py", "Upload", ckpt_bytes)
    at.session_state["gl_lang"] = "zh"
    at.run()
    at.button(key="disc_gstep").click().run()  # the same widget key in either language
    _ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[i18n.text("glossary.real_moved.label", "zh")] == "0"
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "")
              for c in at.get("plotly_chart")]
    assert any(t.startswith("之前（第 150 步）与 G 更新 1 步之后") for t in titles), titles  # 50 D steps first
    heat = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert heat["type"] == "heatmap" and CJK.search(heat["colorbar"]["title"]["text"]), heat["colorbar"]


def test_timeline_exports_on_a_checkpoint(ckpt_bytes):
    at = _page("pages/timeline.py", "Upload", ckpt_bytes)
    at.run()
    at.button(key="tl_build_gif").click().run()
    _ok(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(lbl.startswith("Download GIF") for lbl in labels), labels
    assert any("PNG" in lbl for lbl in labels) and any("CSV" in lbl for lbl in labels)


def test_pages_on_a_live_run():
    """The playground builds the session's trainer; the inspectors read it through
    with_models; the discriminator's G step goes through the trainer."""
    import streamlit as st

    from ui import session
    session.registry().clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    _ok(at)
    trainer = next(t for _, t in session.registry().items() if t.state != "stopped")
    try:
        trainer.start()
        trainer.wait_steps(60)
        trainer.pause()
        for path in PAGES:
            at.switch_page(path)
            at.session_state["insp_kind"] = "Live run"
            at.run()
            _ok(at)
            assert any("live run" in c.value for c in at.caption), path
            assert _charts(at) >= MIN_CHARTS[path], path
    finally:
        trainer.stop()


def _figures(at: AppTest) -> dict:
    """Plotly charts on the page by their title text."""
    out = {}
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        out[spec["layout"].get("title", {}).get("text", "")] = spec
    return out


def _values(v):
    """A plotly JSON array: a list, or numpy's {dtype, bdata} encoding."""
    import base64

    import numpy as np
    if isinstance(v, dict) and "bdata" in v:
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
        shape = v.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return arr.reshape(shape) if shape else arr
    return np.asarray(v, dtype=float)


def _titled(figs: dict, start: str) -> dict:
    hits = [f for t, f in figs.items() if t.startswith(start)]
    assert hits, (start, list(figs))
    return hits[0]


def _app_with_a_fresh_run(steps: int):
    """The app's AppTest and its session trainer, trained from scratch for `steps`, with
    keyframes sparser than frames so that some frames fall between them."""
    import streamlit as st

    from gan_core import inspect as I
    from ui import session
    session.registry().clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    _ok(at)
    trainer = next(t for _, t in session.registry().items() if t.state != "stopped")
    trainer.reset()  # the Playground opens on the pretrained spiral: train from scratch
    with trainer.lock:
        trainer.timeline.key_every = 150
    trainer.set_budget(steps)
    trainer.start()
    assert I.wait_for_step(trainer, steps, timeout=240)
    return at, trainer


def test_timeline_scrubs_a_live_run_to_an_early_step():
    """Scrubbing to step 0 redraws the weight views from the keyframe of step 0 (titled so,
    unlike the last step's, equal to D's field rebuilt from it); a frame between keyframes
    says which keyframe it uses."""
    import numpy as np
    from gan_core import inspect as I, probes
    at, trainer = _app_with_a_fresh_run(400)
    try:
        at.switch_page("pages/timeline.py")
        at.session_state["insp_kind"] = "Live run"
        at.run()
        _ok(at)
        last = trainer.status()["step"]
        assert trainer.status()["state"] == "paused" and last == 400
        figs = _titled(_figures(at), f"D over the plane at step {last:,}")
        heat_last = _values(figs["data"][0]["z"])
        steps = [int(s) for s in at.select_slider(key="tl_step").options]
        assert steps[0] == 0 and steps[-1] == last
        at.select_slider(key="tl_step").set_value(0).run()
        _ok(at)
        figs = _figures(at)
        scrub = _titled(figs, "samples over training")  # its frames are in the browser
        slider = scrub["layout"]["sliders"][0]
        assert slider["steps"][slider["active"]]["label"] == "0"  # it opens at the chosen step
        first = next(f for f in scrub["frames"] if f["name"] == "0")
        np.testing.assert_array_equal(_values(scrub["data"][-1]["x"]), _values(first["data"][0]["x"]))
        _titled(figs, "20×20 latent grid through G at step 0")
        _titled(figs, "tear map at step 0")
        heat0 = _values(_titled(figs, "D over the plane at step 0")["data"][0]["z"])
        assert np.abs(heat0 - heat_last).max() > 1e-3
        kf = trainer.timeline.keyframe_at(0)
        view = trainer.with_models(lambda r: I.frozen_run(r, kf.state, kf.step))
        field = probes.d_field(view, view.out_target.bounds)
        np.testing.assert_allclose(heat0, field.values, atol=1e-5)
        keys = {k.step for k in trainer.timeline.keyframes}
        between = next(s for s in steps if s not in keys and s != last)
        at.select_slider(key="tl_step").set_value(between).run()
        _ok(at)
        used = trainer.timeline.keyframe_at(between).step
        assert any(f"step {used:,}" in w.value and "nearest earlier keyframe" in w.value
                   for w in at.warning), [w.value for w in at.warning]
        _titled(_figures(at), f"D over the plane at step {used:,}")
    finally:
        trainer.stop()


def test_the_detectors_tear_score_is_named_apart_from_the_grid_warps():
    """Both were "Tear score" on the Timeline, at 24.1% and 11.2%: two grids, one name."""
    from ui import timeline_data as D
    label, help_ = D.frame_metric_texts("tear_score")
    assert label == "Tear score (detector)" and "sidebar" in help_
    assert D.frame_metric_texts("d_loss")[0] == "D loss"

"""The shipped zoo against its manifest, and a tiny build -> check round trip."""
import json
import time

import pytest
import torch

from gan_core import zoo
from gan_core.config import Config

torch.set_num_threads(1)
MANIFEST = zoo.PRETRAINED / zoo.MANIFEST
needs_zoo = pytest.mark.skipif(not MANIFEST.exists(), reason="zoo not built (python -m gan_core.zoo build)")


@pytest.fixture(scope="module")
def manifest():
    return json.loads(MANIFEST.read_text())


@needs_zoo
def test_manifest_matches_the_files(manifest):
    total = 0
    for key, info in manifest["entries"].items():
        path = zoo.PRETRAINED / info["file"]
        assert path.exists(), key
        assert path.stat().st_size == info["bytes"], key
        assert zoo._sha256(path) == info["sha256"], key
        cfg = Config.from_dict(info["config"])
        assert cfg.target == info["target"] and cfg.seed == info["seed"]
        assert info["steps"] > 0 and info["train_seconds"] > 0 and info["metrics"]
        total += info["bytes"]
    assert total < zoo.MAX_ZOO_BYTES
    assert total == manifest["total_bytes"]


@needs_zoo
def test_every_recipe_is_built_or_reported_missing(manifest):
    listed = set(manifest["entries"]) | {m["key"] for m in manifest["missing"]}
    assert {r.key for r in zoo.recipes()} <= listed
    for must in ("spiral__nsgan", "spiral__wgan_gp", "digits__nsgan"):
        assert must in manifest["entries"]


@needs_zoo
def test_entries_load_fast_and_carry_their_config(manifest):
    zoo.warm_up()
    for key in ("spiral__nsgan", "digits__nsgan"):
        t0 = time.perf_counter()
        run = zoo.load_entry(key)
        assert time.perf_counter() - t0 < 1.0, key
        assert run.cfg == Config.from_dict(manifest["entries"][key]["config"])
        assert run.step_count == manifest["entries"][key]["steps"]


@needs_zoo
def test_digits_entry_metrics_reproduce(manifest):
    info = manifest["entries"]["digits__nsgan"]
    got = zoo.eval_metrics(zoo.load_entry("digits__nsgan"))
    for k, v in info["metrics"].items():
        assert zoo._close(v, got[k]), k
    assert info["metrics"]["modes_captured"] >= 8  # a trained digits GAN makes most digits


def test_tiny_build_then_check(tmp_path):
    log = []
    m = zoo.build(tmp_path, only=["line__nsgan", "digits__nsgan"], steps_scale=0.002, log=log.append)
    assert set(m["entries"]) == {"line__nsgan", "digits__nsgan"}
    assert (tmp_path / "manifest.json").exists()
    assert zoo.check(tmp_path, log=log.append) == []
    # building again is reproducible: the same weights and metrics
    first = m["entries"]["line__nsgan"]
    again = zoo.build(tmp_path, only=["line__nsgan"], steps_scale=0.002, log=log.append)
    assert again["entries"]["line__nsgan"]["weights_sha256"] == first["weights_sha256"]
    assert again["entries"]["line__nsgan"]["metrics"] == first["metrics"]
    # a damaged file is reported, not raised
    (tmp_path / "line__nsgan.safetensors").write_bytes(b"junk")
    problems = zoo.check(tmp_path, log=log.append, metrics=False)
    assert any("line__nsgan" in p for p in problems)


def test_missing_variants_are_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(zoo, "recipes", lambda: [zoo.Recipe("line__nope", "nope", "line", 2)])
    m = zoo.build(tmp_path, log=lambda s: None)
    assert m["entries"] == {} and m["missing"][0]["key"] == "line__nope"


def test_load_entry_unknown_key(tmp_path):
    with pytest.raises(KeyError):
        zoo.load_entry("nothing__here", out_dir=tmp_path)

"""The shipped zoo against its manifest and its quality floors, and a tiny build -> check
round trip. The floor test is the fast form of `python -m gan_core.zoo check` that CI
runs: every entry loads, its weights are the ones measured, and the recorded metrics
clear floor_for(target) (recomputing them all would take minutes)."""
import json
import time

import pytest

from gan_core import zoo
from gan_core.config import Config
from gan_core.quality import Floor, floor_for

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
    assert total == manifest["total_bytes"]
    on_disk = sum(f.stat().st_size for f in zoo.PRETRAINED.iterdir() if f.is_file())
    assert on_disk < zoo.MAX_ZOO_BYTES


@needs_zoo
def test_every_entry_loads_and_clears_its_floor(manifest):
    """Each entry's weights are those its metrics were measured on (weights hash), its
    manifest floor is floor_for(its target) (so nobody weakens it in the manifest), and
    the recorded metrics pass it; a failure on purpose stays below it."""
    zoo.warm_up()
    for key, info in manifest["entries"].items():
        run = zoo.load_entry(key)
        assert zoo.weights_hash(run.state()) == info["weights_sha256"], key
        floor = floor_for(run.out_target)
        assert Floor.from_dict(info["floor"]) == floor, key
        assert zoo.floor_problems(key, info, info["metrics"]) == [], key
        assert floor.passes(info["metrics"]) != bool(info.get("failure")), key
        assert info["passes_floor"] == floor.passes(info["metrics"]), key


@needs_zoo
def test_failures_on_purpose_say_so_and_never_open_first(manifest):
    failures = {k: v for k, v in manifest["entries"].items() if v.get("failure")}
    for key, info in failures.items():
        assert "failure on purpose" in zoo.label(info), key
        assert "failure on purpose" in info["note"].lower(), key
    assert zoo.FIRST_PAGE not in failures
    working = [k for k, v in manifest["entries"].items() if not v.get("failure")]
    assert all("failure" not in zoo.label(manifest["entries"][k]) for k in working)


def test_failure_recipes_are_few_and_say_so():
    """Only recipes flagged as failures may sit below their floor; there is at most one."""
    flagged = [r.key for r in zoo.recipes() if r.failure]
    assert len(flagged) <= 1 and zoo.FIRST_PAGE not in flagged
    for r in zoo.recipes():
        if r.failure:
            assert "failure on purpose" in r.note.lower()


@needs_zoo
def test_every_recipe_is_built_or_reported_missing(manifest):
    listed = set(manifest["entries"]) | {m["key"] for m in manifest["missing"]}
    assert {r.key for r in zoo.recipes()} <= listed
    for must in (zoo.FIRST_PAGE, "ring8__wgan_gp", "digits__nsgan"):  # the app opens these
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
def test_every_entry_carries_its_loss_curves(manifest):
    """The Playground's loss panel shows how a pretrained model trained: each file holds
    its decimated history, from the start to its last step, within the row budget."""
    from gan_core import checkpoints
    for key, info in manifest["entries"].items():
        rows = checkpoints.load(zoo.PRETRAINED / info["file"]).history.get("rows", [])
        assert 50 <= len(rows) <= zoo.HISTORY_ROWS, (key, len(rows))
        assert rows[-1]["step"] == info["steps"] and rows[0]["step"] < info["steps"] / 20, key
        assert {"d_loss", "g_loss"} <= set(rows[-1]), key


@needs_zoo
@pytest.mark.parametrize("key", ["digits__nsgan", zoo.FIRST_PAGE])
def test_entry_metrics_reproduce(manifest, key):
    info = manifest["entries"][key]
    got = zoo.eval_metrics(zoo.load_entry(key))
    for k, v in zoo.compared(info["metrics"]).items():
        assert zoo._close(v, got[k]), k
    assert zoo.floor_problems(key, info, got) == []


@needs_zoo
def test_first_page_is_a_spiral_that_trains_on_at_its_floor_rate(manifest):
    """The first page opens on a spiral above its floor, and Train continues it at the
    decayed learning rate it finished with, not at the full starting rate."""
    info = manifest["entries"][zoo.FIRST_PAGE]
    assert info["target"] == "spiral" and info["metrics"]["coverage"] >= 0.8
    run = zoo.load_entry(zoo.FIRST_PAGE)
    cfg = run.cfg
    assert cfg.g_ema > 0 and 0 < cfg.lr_decay_steps <= run.step_count
    assert run.opts.d.param_groups[0]["lr"] == pytest.approx(cfg.lr_d * cfg.lr_floor)
    assert run.opts.g.param_groups[0]["lr"] == pytest.approx(cfg.lr_g * cfg.lr_floor)


def test_tiny_build_then_check(tmp_path):
    log = []
    m = zoo.build(tmp_path, only=["line__nsgan", "digits__nsgan"], steps_scale=0.002, log=log.append)
    assert set(m["entries"]) == {"line__nsgan", "digits__nsgan"}
    assert (tmp_path / "manifest.json").exists()
    # 20 steps learn nothing: everything checks out except the floor, which check enforces
    problems = zoo.check(tmp_path, log=log.append)
    assert problems and all("below its floor" in p for p in problems), problems
    assert {p.split(":")[0] for p in problems} == {"line__nsgan", "digits__nsgan"}
    # building again is reproducible: the same weights and metrics
    first = m["entries"]["line__nsgan"]
    again = zoo.build(tmp_path, only=["line__nsgan"], steps_scale=0.002, log=log.append)
    assert again["entries"]["line__nsgan"]["weights_sha256"] == first["weights_sha256"]
    assert again["entries"]["line__nsgan"]["metrics"] == first["metrics"]
    # a damaged file is reported, not raised
    (tmp_path / "line__nsgan.safetensors").write_bytes(b"junk")
    problems = zoo.check(tmp_path, log=log.append, metrics=False)
    assert any("line__nsgan: does not load" in p for p in problems)


def _edit(tmp_path, key, **changes):
    path = tmp_path / zoo.MANIFEST
    m = json.loads(path.read_text())
    m["entries"][key].update(changes)
    path.write_text(json.dumps(m))


def _floor_problems(tmp_path):
    return [p for p in zoo.check(tmp_path, log=lambda s: None, metrics=False)
            if "floor" in p or "failure" in p]


def test_check_holds_the_floor_and_the_failure_flag(tmp_path):
    zoo.build(tmp_path, only=["line__nsgan"], steps_scale=0.002, log=lambda s: None)
    assert any("below its floor" in p for p in _floor_problems(tmp_path))
    # a floor weakened in the manifest is caught, and does not let the entry pass
    weak = {"kind": "manifold", "checks": [{"metric": "coverage", "op": ">=", "value": 0.0}]}
    _edit(tmp_path, "line__nsgan", floor=weak)
    assert any("is not quality.floor_for(line)" in p for p in _floor_problems(tmp_path))
    # a failure on purpose may sit below its floor once it says so
    real_floor = floor_for(zoo.load_entry("line__nsgan", tmp_path).out_target).to_dict()
    _edit(tmp_path, "line__nsgan", floor=real_floor, failure=True, note="")
    assert any("must say so" in p for p in _floor_problems(tmp_path))
    _edit(tmp_path, "line__nsgan", note="Failure on purpose: 20 steps.")
    assert _floor_problems(tmp_path) == []
    # ... but a "failure" that clears its floor is reported: it would hide a working model
    info = json.loads((tmp_path / zoo.MANIFEST).read_text())["entries"]["line__nsgan"]
    good = dict(info["metrics"], coverage=0.9, precision=0.9)
    assert any("passes its floor" in p for p in zoo.floor_problems("line__nsgan", info, good))


def test_only_rejects_unknown_keys(tmp_path):
    with pytest.raises(KeyError):
        zoo.build(tmp_path, only=["spiral__nope"], log=lambda s: None)


def test_missing_variants_are_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(zoo, "recipes", lambda: [zoo.Recipe("line__nope", "nope", "line", 2)])
    m = zoo.build(tmp_path, log=lambda s: None)
    assert m["entries"] == {} and m["missing"][0]["key"] == "line__nope"


def test_load_entry_unknown_key(tmp_path):
    with pytest.raises(KeyError):
        zoo.load_entry("nothing__here", out_dir=tmp_path)


def test_recipes_decay_over_their_whole_run():
    for r in zoo.recipes():
        cfg = r.config()
        if cfg.g_ema:
            assert cfg.lr_decay_steps == r.steps, r.key

"""Issue #15: diverged runs and costly or malformed checkpoints end in one clear message."""
import json
import time

import numpy as np
import pytest
import torch

from engine_helpers import tiny_config
from gan_core import __main__ as cli
from gan_core import checkpoints
from gan_core.checkpoints import CheckpointError
from gan_core.config import Config, ConfigError, check_basic
from gan_core.run import Run

TINY_FLAGS = ["--g-width", "16", "--d-width", "16", "--g-depth", "2", "--d-depth", "2",
              "--batch-size", "32", "--eval-size", "64", "--quiet"]
DIVERGING = ["--optimizer", "sgd", "--lr-d", "10", "--lr-g", "10"]


def _first_bad_step(steps=300):
    run = Run(tiny_config(optimizer="sgd", lr_d=10.0, lr_g=10.0))
    for _ in range(steps):
        out = run.step()
        if not all(np.isfinite(v) for v in out.values()):
            return run.step_count
    raise AssertionError("the diverging settings did not diverge")


@pytest.mark.parametrize("steps", [150, 300])
def test_cli_stops_at_the_real_divergence_step_and_saves_nothing(tmp_path, capsys, steps):
    out = tmp_path / "run.safetensors"
    code = cli.main(["train", *DIVERGING, *TINY_FLAGS, "--steps", str(steps), "--out", str(out)])
    err = capsys.readouterr().err
    assert code != 0
    assert not out.exists()
    assert f"diverged at step {_first_bad_step()}" in err


def _nan_checkpoint(tmp_path):
    run = Run(tiny_config())
    state = {k: torch.full_like(v, float("nan")) if v.is_floating_point() else v
             for k, v in run.state().items()}
    return checkpoints.save(tmp_path / "nan.safetensors", checkpoints.Checkpoint(run.cfg, state))


def test_non_finite_weights_are_refused_at_load(tmp_path):
    with pytest.raises(CheckpointError, match="NaN or infinite"):
        checkpoints.load(_nan_checkpoint(tmp_path))


def test_a_target_near_the_float32_limit_ends_in_the_error_state():
    from gan_core.trainer import Trainer
    pts = np.random.default_rng(0).uniform(3.0e38, 3.4e38, (200, 2))
    trainer = Trainer(tiny_config(target="custom"), points=pts, max_steps=300)
    try:
        trainer.start()
        end = time.time() + 30
        while trainer.status()["state"] == "running" and time.time() < end:
            time.sleep(0.02)
        status = trainer.status()
        assert status["state"] == "error"
        assert "NaN or inf" in status["error"]
    finally:
        trainer.stop()


# ------------------------------------------------------------------ costly configs
@pytest.mark.parametrize("field,value", [("mixture_components", 100_000_000),
                                         ("d_feature_dim", 1_000_000_000),
                                         ("n_codes_cont", 10**9), ("unroll_steps", 10**9),
                                         ("lr_decay_steps", 10**15)])
def test_every_size_field_is_bounded(field, value):
    with pytest.raises(ConfigError, match=field):
        check_basic(Config(**{field: value}))


def test_a_config_past_the_parameter_budget_is_refused_before_allocating():
    cfg = tiny_config(g_width=4096, g_depth=16, d_width=4096, d_depth=16)
    t0 = time.perf_counter()
    # the estimate itself and the budget are in the message
    with pytest.raises(ConfigError, match=r"about \d{3},\d{3},\d{3} parameters.*50,000,000"):
        Run(cfg)
    assert time.perf_counter() - t0 < 1.0


def test_a_costly_checkpoint_is_refused_fast(tmp_path):
    run = Run(tiny_config())
    ckpt = checkpoints.Checkpoint(run.cfg.replace(g_width=4096, g_depth=16), run.state())
    path = checkpoints.save(tmp_path / "big.safetensors", ckpt)
    t0 = time.perf_counter()
    with pytest.raises(CheckpointError, match="parameters"):
        Run.from_checkpoint(checkpoints.load(path))
    assert time.perf_counter() - t0 < 1.0


def _with_header(meta_edit):
    data = checkpoints.to_bytes(checkpoints.Checkpoint(tiny_config(), Run(tiny_config()).state()))
    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    header = meta_edit(header) or header
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    return len(raw).to_bytes(8, "little") + raw + body


def test_a_deeply_nested_header_is_refused():
    deep = b'{"__metadata__": {"format": "x"}, "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    data = _with_header(lambda h: deep)
    with pytest.raises(CheckpointError, match="nested"):
        checkpoints.from_bytes(data)


def test_deeply_nested_history_is_refused():
    def edit(h):
        h["__metadata__"]["history"] = "[" * 100_000 + "]" * 100_000
    with pytest.raises(CheckpointError, match="nested"):
        checkpoints.from_bytes(_with_header(edit))


def test_an_unknown_version_is_named():
    def edit(h):
        h["__metadata__"]["version"] = "abc"
    with pytest.raises(CheckpointError, match="not a checkpoint version this app knows"):
        checkpoints.from_bytes(_with_header(edit))


def test_a_shape_mismatch_names_the_tensor_and_both_shapes():
    state = Run(tiny_config()).state()
    cfg = tiny_config(g_width=32)
    with pytest.raises(CheckpointError, match=r"G\.body\.0\.weight.*\(16, 2\).*\(32, 2\)"):
        Run.from_checkpoint(checkpoints.Checkpoint(cfg, state))


def test_info_on_an_unbuildable_config_says_so(tmp_path, capsys):
    state = Run(tiny_config()).state()
    path = checkpoints.save(tmp_path / "odd.safetensors",
                            checkpoints.Checkpoint(tiny_config(g_width=32), state))
    assert cli.main(["info", str(path)]) != 0
    assert "cannot be built" in capsys.readouterr().err


def test_info_on_a_good_checkpoint_still_works(tmp_path, capsys):
    path = checkpoints.save(tmp_path / "ok.safetensors",
                            checkpoints.Checkpoint(tiny_config(), Run(tiny_config()).state()))
    assert cli.main(["info", str(path)]) == 0
    assert "nsgan" in capsys.readouterr().out


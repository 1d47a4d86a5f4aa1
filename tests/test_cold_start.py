"""The fast first page (#14): what the server imports when, and the first detector pass
of a pretrained model left until its chart was drawn. The browser figures are
benchmarks/cold_start.py's; these check the pieces that make them.

Import checks run in a fresh interpreter (this one has imported everything already)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from engine_helpers import tiny_config
from gan_core import checkpoints
from gan_core.detector import Detector
from gan_core.run import Run
from gan_core.trainer import Trainer

from browser_helpers import ROOT


def _fresh_python(code: str, timeout: float = 240) -> dict:
    """Run `code` in a new interpreter at the repo root; it prints one JSON line."""
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=timeout, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_app_module_import_leaves_torch_to_the_warmup():
    """What app.py imports before the server listens: no torch, so it answers at once."""
    out = _fresh_python("import sys, json; import ui.live_feed, ui.warmup; "
                        "print(json.dumps({m: m in sys.modules for m in ('torch', 'ot', 'sklearn')}))")
    assert out == {"torch": False, "ot": False, "sklearn": False}


def test_building_a_trainer_with_a_detector_does_not_import_pot_or_sklearn():
    out = _fresh_python(
        "import sys, json\n"
        "from gan_core.detector import Detector\n"
        "from gan_core.trainer import Trainer\n"
        "from gan_core.variants import config_for\n"
        "t = Trainer(config_for('nsgan', target='ring8', g_width=16, d_width=16), detector=Detector.for_run)\n"
        "t.stop()\n"
        "print(json.dumps({m: m in sys.modules for m in ('ot', 'sklearn', 'scipy')}))")
    assert out == {"ot": False, "sklearn": False, "scipy": False}


def test_pools_loaded_by_the_metrics_are_bounded():
    """POT and scikit-learn now load on first use, after configure_threads: their OpenMP
    and BLAS pools must still get its bound (as before, when configure_threads loaded them)."""
    out = _fresh_python(
        "import json, numpy as np\n"
        "from gan_core.device import configure_threads\n"
        "from gan_core import metrics\n"
        "configure_threads(1)\n"
        "metrics.knn_radii(np.random.default_rng(0).normal(size=(50, 2)).astype('float32'))\n"
        "from threadpoolctl import threadpool_info\n"
        "print(json.dumps([[p['internal_api'], p['num_threads']] for p in threadpool_info()]))")
    assert out, "no native pool found"
    assert all(n == 1 for _, n in out), out


def test_warmup_imports_first_then_later_and_records_failures():
    out = _fresh_python(
        "import sys, json\n"
        "from ui import warmup\n"
        "warmup.LATER = warmup.LATER + ('no_such_module_here',)\n"
        "assert warmup.wait_first(0)  # nothing started: a session never waits\n"
        "warmup.start(); warmup.start()\n"
        "ok = warmup.wait_first(200)\n"
        "warmup._thread.join(200)\n"
        "print(json.dumps({'ok': ok, 'torch': 'torch' in sys.modules, 'ot': 'ot' in sys.modules,\n"
        "                  'timed': sorted(warmup.TIMES), 'errors': sorted(warmup.ERRORS)}))")
    assert out["ok"] and out["torch"] and out["ot"]
    assert "torch._dynamo" in out["timed"] and "sklearn.cluster" in out["timed"]
    assert out["errors"] == ["no_such_module_here"]


def _checkpoint(steps: int = 3):
    run = Run(tiny_config(target="ring8"))
    for _ in range(steps):
        run.step()
    return checkpoints.from_bytes(checkpoints.to_bytes(checkpoints.from_run(run)))


def test_load_checkpoint_can_leave_its_detector_pass_for_later():
    ckpt = _checkpoint()
    tr = Trainer(tiny_config(), detector=Detector.for_run)
    tr.load_checkpoint(ckpt, detect=False)
    assert tr.latest().step == 3 and tr.latest().metrics == {} and not tr.detector.history
    tr.detect_pending()
    assert tr.latest().metrics.get("n_modes") == 8 and len(tr.detector.history) == 1
    tr.detect_pending()  # done once: nothing left
    assert len(tr.detector.history) == 1
    tr.stop()


def test_load_checkpoint_detects_at_once_by_default():
    tr = Trainer(tiny_config(), detector=Detector.for_run)
    tr.load_checkpoint(_checkpoint())
    assert tr.latest().metrics.get("n_modes") == 8
    tr.stop()


def test_a_pending_pass_is_dropped_once_training_has_moved_on():
    tr = Trainer(tiny_config(), detector=Detector.for_run)
    tr.load_checkpoint(_checkpoint(), detect=False)
    tr.single_step("both")  # its snapshot (step 4) gets its own pass
    deadline = time.time() + 60
    while tr.latest().step < 4 and time.time() < deadline:
        time.sleep(0.01)
    assert tr.latest().step == 4
    passes = len(tr.detector.history)
    tr.detect_pending()
    assert len(tr.detector.history) == passes  # step 3's pass is not run late
    assert tr.detector.history[-1]["step"] == 4
    tr.stop()


def test_a_worker_imports_what_its_first_run_needs_before_it_is_ready():
    """gan_core.run_host.PRELOAD (the first Adam step's and the detector's imports) load in
    the worker before it reports ready, so a spare worker's first run imports nothing."""
    out = _fresh_python(
        "import sys, json\n"
        "from gan_core import run_host\n"
        "before = {m: m in sys.modules for m in run_host.PRELOAD}\n"
        "run_host.preload()\n"
        "print(json.dumps([before, {m: m in sys.modules for m in run_host.PRELOAD}]))")
    before, after = out
    assert not before["ot"] and not before["sklearn.cluster"]
    assert all(after.values()), after


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own nice value is Linux's")
def test_a_worker_imports_at_low_priority_then_serves_at_normal(monkeypatch):
    """gan_core.worker_boot: the imports (PRELOAD) run in a thread at nice +NICE, so a
    worker booting beside the first pages takes the CPU they leave; it then serves and
    trains from its main thread at the priority it was started with."""
    from gan_core import device, run_host, worker_boot

    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    seen = {}
    monkeypatch.setattr(device, "configure_threads", lambda limit=None: seen.setdefault("threads", limit))
    monkeypatch.setattr(run_host, "preload", lambda: seen.setdefault("imports", nice()))
    monkeypatch.setattr(run_host, "main", lambda argv, preload=True: seen.update(serving=nice(), preload=preload))
    start = nice()
    worker_boot.main(["--fd", "3", "--threads", "2"])
    assert seen == {"threads": 2, "imports": min(start + worker_boot.NICE, 19), "serving": start,
                    "preload": False}

"""Under load the server and its workers do less per run (issue #13, benchmarks/load.py):
the timed reruns slow with the runs training per core, a host's snapshots thin out with
the runs it trains, and the mirror does not redo the feed's extras for unchanged nets."""
from __future__ import annotations

import time

import pytest

from engine_helpers import tiny_config
from gan_core import registry, run_host
from gan_core.history import Snapshot
from gan_core.remote import RemoteTrainer
from gan_core.run_host import Host
from ui import run_buttons


def wait_for(cond, timeout: float = 60.0, what: str = "the condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


# --------------------------------------------------------------------------- the host
@pytest.fixture
def host():
    h = Host(lambda message: None, slots=16)
    yield h
    h.close()


def _add(host: Host, k: int) -> str:
    run_id = f"run{k}"
    host._on_create(run_id, {"cfg": tiny_config(seed=k).to_json(), "points": None, "epoch": 0,
                             "options": {"snapshot_interval": 0.1}})
    return run_id


def test_a_host_thins_its_snapshots_as_more_runs_train(host):
    ids = [_add(host, k) for k in range(5)]
    trainers = [host._get(i) for i in ids]
    host._on_do(ids[0], 0, 1, "start", (), {})
    wait_for(lambda: trainers[0].run.step_count > 5, what="one run training")
    assert trainers[0].snapshot_interval == pytest.approx(0.1)  # one run: full rate
    for i in ids[1:]:
        host._on_do(i, 0, 1, "start", (), {})
    # 5 training, 2 at full rate per host: 2.5 times less often, weights too
    wait_for(lambda: trainers[0].pace == pytest.approx(2.5), what="the pace to follow")
    assert all(t.snapshot_interval == pytest.approx(0.25) for t in trainers)
    for i in ids[1:]:
        host._on_do(i, 0, 2, "pause", (), {})
    wait_for(lambda: trainers[0].pace == 1.0, what="the pace to come back")
    assert trainers[0].snapshot_interval == pytest.approx(0.1)


def test_the_pace_is_bounded(host):
    ids = [_add(host, k) for k in range(12)]
    for i in ids:
        host._on_do(i, 0, 1, "start", (), {})
    wait_for(lambda: host._get(ids[0]).pace == run_host.MAX_PACE, what="the largest pace")


# --------------------------------------------------------------------------- the server
class FakeRun:
    def __init__(self, state):
        self.state = state

    def status(self):
        return {"state": self.state}

    def stop(self, timeout=None):
        self.state = "stopped"


def test_the_registry_counts_its_training_runs():
    reg = registry.Registry()
    try:
        for state in ("running", "idle", "running", "paused"):
            reg.add(lambda s=state: FakeRun(s))
        assert reg.training() == 2
    finally:
        reg.close()


def test_timed_reruns_slow_with_the_runs_training_per_core(monkeypatch):
    class Busy:
        count = 0

        def training(self):
            return Busy.count

    monkeypatch.setattr(registry, "server", lambda: Busy())
    monkeypatch.setattr(run_buttons.os, "cpu_count", lambda: 2)
    monkeypatch.setitem(run_buttons._LOAD, "at", -1e9)
    trainer = FakeRun("running")
    assert run_buttons.every(trainer, 1.0) == 1.0  # nothing training: as asked
    for count, factor in ((2, 1.0), (6, 3.0), (40, run_buttons.MAX_SLOWDOWN)):
        Busy.count = count
        monkeypatch.setitem(run_buttons._LOAD, "at", -1e9)
        assert run_buttons.every(trainer, 2.0) == pytest.approx(2.0 * factor)
    Busy.count = 2  # read at most once a second: a rerun does not walk the registry
    assert run_buttons.load_factor() == run_buttons.MAX_SLOWDOWN
    assert run_buttons.every(FakeRun("paused"), 1.0) is None


# --------------------------------------------------------------------------- the mirror
class Link:
    def attach(self, proxy, spec):
        self.spec = spec

    def send(self, message):
        pass


def _payload(mirror, step: int, weights) -> dict:
    snap = Snapshot(step, 0.0, mirror.run.generate(mirror.run.eval_latent()), {}, {}, 0.0, [])
    return {"weights": weights, "status": {"state": "running", "step": step, "steps_per_s": 1.0,
                                           "error": "", "max_steps": 0},
            "seq": 0, "start_step": 0, "rows": [], "keys": [], "detector": None, "snap": snap}


def test_the_mirror_runs_the_feed_hook_only_for_new_nets():
    mirror = RemoteTrainer(Link(), "r", tiny_config())
    calls = []

    def hook(run):
        calls.append(run.step_count)
        return {"probe": len(calls)}

    mirror.snapshot_extra = hook
    weights = run_host.pack(mirror.run.nets)
    mirror.receive(0, _payload(mirror, 1, weights))
    assert len(calls) == 1 and mirror.latest().extra == {"probe": 1}
    mirror.receive(0, _payload(mirror, 2, None))  # a snapshot between weight copies
    assert len(calls) == 1 and mirror.latest().extra == {"probe": 1}
    mirror.receive(0, _payload(mirror, 3, weights))
    assert len(calls) == 2 and mirror.latest().extra == {"probe": 2}
    mirror.snapshot_extra = lambda run: {"other": True}  # another viewer's hook
    mirror.receive(0, _payload(mirror, 4, None))
    assert mirror.latest().extra == {"other": True}

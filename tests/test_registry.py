"""The server's run registry (gan_core.registry, issue #13 part 1): the grace-period reaper
on a fake clock, the cap on live runs, and the environment's settings."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine_helpers import tiny_config
from gan_core import registry as R
from gan_core.trainer import Trainer


class FakeTrainer:
    """Stands in for a Trainer: the registry only ever calls stop() and reads state."""

    def __init__(self):
        self.state = "running"
        self.stops = 0

    def stop(self, timeout: float = 5.0) -> None:
        self.state = "stopped"
        self.stops += 1


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


def _registry(clock, **kw) -> R.Registry:
    reg = R.Registry(clock=clock, **{"grace": 600, "cap": 4, **kw})
    reg._ensure_reaper = lambda: None  # the tests call reap() themselves, on the fake clock
    return reg


def test_an_unseen_run_is_reaped_after_the_grace_period_only(clock):
    reg = _registry(clock)
    trainer = FakeTrainer()
    run_id = reg.add(lambda: trainer)
    clock.now += 599
    assert reg.reap() == [] and reg.get(run_id) is trainer  # looked at: its clock restarts
    clock.now += 599
    assert reg.reap() == [] and trainer.stops == 0
    clock.now += 2  # 601 s unseen
    assert reg.reap() == [run_id]
    assert trainer.stops == 1 and reg.get(run_id) is None and reg.was_reaped(run_id)
    assert reg.reap() == []  # once


def test_a_connected_viewer_keeps_a_paused_run(clock):
    connected = {"session-a"}
    reg = _registry(clock, in_view=lambda viewers: any(v in connected for v in viewers))
    trainer = FakeTrainer()
    run_id = reg.add(lambda: trainer, viewer="session-a")
    clock.now += 3600  # an hour on an open page without a rerun
    assert reg.reap() == []
    connected.clear()  # the tab closed: the grace period starts at the last reap that saw it
    clock.now += 300
    assert reg.reap() == [] and trainer.stops == 0
    clock.now += 301
    assert reg.reap() == [run_id] and trainer.stops == 1


def test_a_failing_view_hook_counts_as_unseen(clock):
    reg = _registry(clock, in_view=lambda viewers: 1 / 0)
    run_id = reg.add(lambda: FakeTrainer(), viewer="s")
    clock.now += 601
    assert reg.reap() == [run_id]


def test_a_run_stopped_elsewhere_is_dropped_without_being_called_idle(clock):
    reg = _registry(clock)
    trainer = FakeTrainer()
    run_id = reg.add(lambda: trainer)
    trainer.stop()
    assert reg.reap() == [] and reg.get(run_id) is None and not reg.was_reaped(run_id)


def test_the_cap_refuses_a_run_past_it_before_building(clock):
    reg = _registry(clock, cap=2)
    ids = [reg.add(FakeTrainer), reg.add(FakeTrainer)]
    built = []
    with pytest.raises(R.RunLimitReached, match="maximum of 2 runs"):
        reg.add(lambda: built.append(1) or FakeTrainer())
    assert built == [] and len(reg) == 2 and reg.room() == 0
    reg.remove(ids[0])  # one freed: room again
    assert reg.room() == 1 and reg.add(FakeTrainer) not in ids


def test_at_the_cap_an_unwatched_idle_run_makes_room(clock):
    """A reload leaves its run behind: at the cap, the longest-unseen run that nobody
    watches and that is not training gives way; a training or watched run never does."""
    connected = {"watcher"}
    reg = _registry(clock, cap=4, in_view=lambda viewers: any(v in connected for v in viewers))
    old, newer, watched, training = FakeTrainer(), FakeTrainer(), FakeTrainer(), FakeTrainer()
    old.state = newer.state = watched.state = "paused"
    old_id = reg.add(lambda: old)
    clock.now += 10
    newer_id = reg.add(lambda: newer)
    reg.add(lambda: watched, viewer="watcher")
    reg.add(lambda: training)
    reg.add(FakeTrainer)  # full: the paused run unseen longest goes first
    assert (old.stops, newer.stops) == (1, 0) and reg.was_reaped(old_id) and len(reg) == 4
    reg.add(FakeTrainer)
    assert newer.stops == 1 and reg.get(newer_id) is None
    with pytest.raises(R.RunLimitReached):  # left: watched, training, two running new ones
        reg.add(FakeTrainer)
    assert watched.stops == training.stops == 0 and len(reg) == 4


def test_the_cap_holds_when_runs_are_built_at_once(clock):
    """Six sessions pass the first check together, then all build: only three are kept."""
    reg = _registry(clock, cap=3)
    building = threading.Barrier(6, timeout=10)  # all six are past the first check
    made, refused = [], []

    def make():
        trainer = FakeTrainer()
        made.append(trainer)
        building.wait()
        return trainer

    def one():
        try:
            reg.add(make)
        except R.RunLimitReached:
            refused.append(1)
    threads = [threading.Thread(target=one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert len(made) == 6 and len(reg) == 3 and len(refused) == 3
    kept = {id(t) for _, t in reg.items()}
    assert all(t.state == "stopped" for t in made if id(t) not in kept)  # no leaked thread


def test_a_reaped_trainer_thread_ends(clock):
    reg = _registry(clock, grace=10)
    run_id = reg.add(lambda: Trainer(tiny_config()))
    trainer = reg.get(run_id)
    trainer.start()
    trainer.wait_steps(3)
    thread = trainer._thread
    clock.now += 11
    assert reg.reap() == [run_id]
    thread.join(5)
    assert not thread.is_alive() and trainer.status()["state"] == "stopped"


def test_the_reaper_thread_reaps_on_its_own():
    reg = R.Registry(grace=0.3, cap=2)
    trainer = FakeTrainer()
    run_id = reg.add(lambda: trainer)
    try:
        done = threading.Event()
        for _ in range(400):  # up to 20 s on a busy machine
            if done.wait(0.05) or trainer.stops:
                break
        assert trainer.stops == 1 and reg.was_reaped(run_id)
    finally:
        reg.close()


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("GAN_LEVERS_RUN_GRACE", "90")
    monkeypatch.setenv("GAN_LEVERS_MAX_RUNS", "5")
    monkeypatch.setattr(R, "_SERVER", None)
    reg = R.server()
    assert (reg.grace, reg.cap) == (90.0, 5) and R.server() is reg
    reg.close()
    for bad, message in (("ten", "is not a number"), ("0", "must be more than 0")):
        monkeypatch.setenv("GAN_LEVERS_MAX_RUNS", bad)
        monkeypatch.setattr(R, "_SERVER", None)
        with pytest.raises(ValueError, match=message):
            R.server()
    monkeypatch.setattr(R, "_SERVER", None)


def test_server_shutdown_stops_every_run(monkeypatch):
    """st.App's lifespan (ui.session.server_lifespan) stops the runs when the server stops:
    uvicorn re-raises SIGTERM after its shutdown, so atexit never runs there."""
    import asyncio

    from ui.session import server_lifespan
    reg = R.Registry(grace=600, cap=4)
    monkeypatch.setattr(R, "_SERVER", reg)
    trainers = [FakeTrainer(), FakeTrainer()]
    for t in trainers:
        reg.add(lambda t=t: t)

    async def serve():
        async with server_lifespan(None):
            assert [t.stops for t in trainers] == [0, 0]  # serving: runs untouched
    # its own thread: in a full run the browser tests' Playwright keeps an event loop on this one
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, serve()).result()
    assert [t.stops for t in trainers] == [1, 1] and len(reg) == 0

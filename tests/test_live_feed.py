"""The live chart's feed (ui.live_feed): the probe is computed by the training thread with
each snapshot, a request returns the newest snapshot's moving traces once, unknown tokens
get 404 and a run the registry has freed 410."""
from __future__ import annotations

import asyncio
import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch

from engine_helpers import tiny_config
from gan_core import probes
from gan_core.registry import Registry
from gan_core.trainer import Trainer
from ui import live_feed


class Run:
    """A run in a registry of its own, as a session sees it: an id and its trainer."""

    def __init__(self):
        self.registry = Registry(grace=600, cap=4)
        self.id = self.registry.add(lambda: Trainer(tiny_config(target="spiral"),
                                                    device=torch.device("cpu"),
                                                    snapshot_interval=0.01))
        self.trainer = self.registry.get(self.id)

    def register(self, token=None) -> str:
        return live_feed.register(self.id, token, self.registry)


@pytest.fixture
def run():
    run = Run()
    yield run
    run.registry.close()


def _floats(col: dict) -> np.ndarray:
    assert col["dtype"] == "f4"
    return np.frombuffer(base64.b64decode(col["bdata"]), np.float32)


def _wait_new_snapshot(trainer, after: int, timeout: float = 20.0):
    end = time.time() + timeout
    while time.time() < end:
        snap = trainer.latest()
        if snap.step > after and snap.extra is not None:
            return snap
        time.sleep(0.01)
    pytest.fail("no new snapshot")


def test_frame_carries_the_snapshot_and_the_probe_at_the_levers(run):
    token = run.register()
    assert run.register(token) == token  # one feed per session
    trainer = run.trainer
    live_feed.update(token, z=[0.3, -0.2], dims=[0, 1], c=None, highlight=[5, 7])
    trainer.start()
    snap = _wait_new_snapshot(trainer, 3)
    trainer.pause()
    time.sleep(0.1)
    feed = live_feed._FEEDS[token]
    out = live_feed.frame(feed)
    snap = trainer.latest()
    assert out["step"] == snap.step and out["title"] == live_feed.title(snap.step)
    t = out["traces"]
    assert set(t) == {"generated", "selected", "z0 sweep", "z1 sweep", "probe G(z)"}
    np.testing.assert_array_equal(_floats(t["generated"]["x"]), snap.fake[:, 0])
    np.testing.assert_array_equal(_floats(t["selected"]["y"]), snap.fake[[5, 7], 1])
    # the probe is G at the levers' z, as the page computes it
    probe, sweeps, _ = trainer.with_models(
        lambda run: probes.probe_and_sweeps(run, np.array([0.3, -0.2], np.float32), [0, 1]))
    np.testing.assert_allclose(_floats(t["probe G(z)"]["x"]), [probe[0]], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_floats(t["z1 sweep"]["y"]), sweeps[1][:, 1], rtol=1e-5, atol=1e-6)
    assert out["z"] == pytest.approx([0.3, -0.2])
    assert live_feed.frame(feed, since=out["tag"]) is None  # nothing new: nothing sent
    json.dumps(out)  # the route sends it as JSON


def test_a_lever_move_reaches_the_next_snapshot(run):
    token = run.register()
    trainer = run.trainer
    live_feed.update(token, z=[0.0, 0.0], dims=[], c=None, highlight=[])
    trainer.start()
    first = _wait_new_snapshot(trainer, 0)
    live_feed.update(token, z=[0.9, 0.9], dims=[], c=None, highlight=[])
    end = time.time() + 20
    while time.time() < end and trainer.latest().extra["z"] != (0.9, 0.9):
        time.sleep(0.01)
    trainer.pause()
    out = live_feed.frame(live_feed._FEEDS[token])
    assert out["z"] == pytest.approx([0.9, 0.9]) and out["step"] > first.step
    assert "z0 sweep" not in out["traces"]  # sweeps off: the probe alone


def test_a_failing_hook_does_not_stop_training(run):
    trainer = run.trainer
    trainer.snapshot_extra = lambda run: 1 / 0
    trainer.start()
    assert trainer.wait_steps(20, timeout=30) >= 20
    assert trainer.status()["state"] == "running" and trainer.latest().extra is None


def _get(token: str, since: str = "") -> int:
    scope = {"type": "http", "method": "GET", "path": live_feed.url(token), "headers": [],
             "query_string": f"since={since}".encode(), "path_params": {"token": token}}

    async def receive():
        await asyncio.sleep(10)
        return {"type": "http.disconnect"}
    from starlette.requests import Request
    # its own thread: the browser tests' Playwright keeps an event loop on this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, live_feed._serve(Request(scope, receive))).result().status_code


def test_route_answers_404_204_410(run, monkeypatch):
    monkeypatch.setattr(live_feed, "WAIT", 0.1)
    assert _get("not-a-token") == 404
    token = run.register()
    assert _get(token) == 200  # the first snapshot, made when the run was built
    tag = live_feed._tag(run.trainer.latest())
    t0 = time.perf_counter()
    assert _get(token, tag) == 204  # idle: nothing new within WAIT
    assert time.perf_counter() - t0 >= 0.1
    run.registry.remove(run.id)  # the registry freed the run
    assert _get(token) in (404, 410)
    assert token not in live_feed._FEEDS


def test_routes_mark_the_feed_as_served(monkeypatch):
    monkeypatch.setattr(live_feed, "_MOUNTED", False)
    (route,) = live_feed.routes()
    assert live_feed.mounted() and route.path == live_feed.PATH
    assert live_feed.url("abc") == "/gl-live/abc"

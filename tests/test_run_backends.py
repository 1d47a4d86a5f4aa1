"""The run API the pages use, the same tests for every place a run can train (issue #13):
a thread of this process (`Trainer`), a worker process (`gan_core.workers`), and a Ray
actor on a local Ray this module starts (`gan_core.ray_runs`). The `make` fixture yields
`make(cfg, **options)` for each."""
from __future__ import annotations

import ast
import functools
import time
from pathlib import Path

import numpy as np
import pytest

from engine_helpers import tiny_config
from gan_core import lesson_probes as LP
from gan_core import ray_runs, workers
from gan_core.detector import Detector
from gan_core.lessons import LESSONS
from gan_core.ray_runs import RayLink
from gan_core.trainer import Trainer


def wait_for(cond, timeout: float = 60.0, what: str = "the condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = cond()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def pool():
    workers_pool = workers.Pool(1, slots=2, threads=1)
    yield workers_pool
    workers_pool.close()


@pytest.fixture(scope="module")
def local_ray():
    """A Ray of 2 CPUs in this machine, joined as the server joins a cluster (gan_core
    shipped as a py_module)."""
    ray = ray_runs.connect("local", num_cpus=2, include_dashboard=False,
                           log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture(params=["threads", "processes", "ray"])
def make(request):
    made = []

    def build(cfg, **options):
        if request.param == "threads":
            trainer = Trainer(cfg, **options)
        elif request.param == "processes":
            trainer = request.getfixturevalue("pool").trainer(cfg, **options)
        else:
            request.getfixturevalue("local_ray")
            trainer = ray_runs.trainer("local", cfg, **options)
        made.append(trainer)
        return trainer

    yield build
    for trainer in made:
        trainer.stop()


def test_train_pause_and_read_the_models(make):
    trainer = make(tiny_config(), detector=Detector.for_run, detector_interval=0.2)
    assert trainer.status()["state"] == "idle" and trainer.latest().step == 0
    trainer.start()
    assert trainer.status()["state"] == "running"  # acknowledged at once
    wait_for(lambda: trainer.status()["step"] >= 60, what="60 steps")
    trainer.pause()
    step = trainer.status()["step"]
    assert trainer.status()["state"] == "paused"
    time.sleep(0.3)
    assert trainer.status()["step"] == step, "paused means no more steps"
    # the models the pages read are the ones that made the newest snapshot (a Trainer's
    # thread publishes the paused step on its next turn: wait for it)
    latest = wait_for(lambda: (s := trainer.latest()).step == step and s, what="the paused snapshot")
    fake = trainer.with_models(lambda run: run.generate(run.eval_latent()))
    np.testing.assert_allclose(fake, latest.fake, atol=1e-6)
    assert trainer.history_columns()["step"][-1] == step
    wait_for(lambda: len(trainer.detector.history) > 0, what="a detector row")


def test_single_steps_and_the_budget(make):
    trainer = make(tiny_config())
    for mode in ("d", "g", "both"):
        trainer.single_step(mode)
    # the threads' Trainer counts a step before it publishes the step's snapshot
    wait_for(lambda: trainer.status()["step"] == 3 and trainer.latest().step == 3,
             what="three single steps")
    assert trainer.latest().phase == "both" and trainer.latest().before is not None
    trainer.set_budget(30)
    trainer.start()
    wait_for(lambda: trainer.status()["state"] == "paused", what="the budget to pause the run")
    assert trainer.status()["step"] == 30


def test_slow_motion_shows_each_half_step(make):
    trainer = make(tiny_config())
    trainer.set_speed(10)
    t0 = time.monotonic()
    trainer.start()
    wait_for(lambda: trainer.status()["step"] >= 4, what="4 slow steps")
    assert time.monotonic() - t0 >= 0.3, "10 steps/s: 4 steps take at least 0.3 s"
    phases = {s.phase for s in list(trainer.snapshots)}
    assert {"d", "g"} <= phases, phases
    trainer.set_speed(0)  # full speed again
    step = trainer.status()["step"]
    wait_for(lambda: trainer.status()["step"] >= step + 100, what="full speed")


def test_reset_and_set_live(make):
    trainer = make(tiny_config())
    trainer.start()
    wait_for(lambda: trainer.status()["step"] >= 20, what="20 steps")
    trainer.set_live(lr_g=3e-4)
    assert trainer.cfg.lr_g == pytest.approx(3e-4)
    with pytest.raises(ValueError):  # ConfigError, before anything is sent
        trainer.set_live(no_such_field=1)
    trainer.reset(tiny_config(target="spiral"))
    status = trainer.status()
    assert status["state"] == "idle" and status["step"] == 0 and trainer.cfg.target == "spiral"
    time.sleep(0.3)  # reports about the replaced run, still on their way, are dropped
    assert trainer.status()["step"] == 0 and trainer.cfg.target == "spiral"
    trainer.start()
    wait_for(lambda: trainer.status()["step"] >= 10, what="the new run to train")


def test_a_checkpoint_round_trips(make):
    trainer = make(tiny_config())
    trainer.start()
    wait_for(lambda: trainer.status()["step"] >= 40, what="40 steps")
    trainer.pause()
    wait_for(lambda: trainer.latest().step == trainer.status()["step"], what="the paused snapshot")
    ckpt = trainer.checkpoint({"note": "x"})
    assert ckpt.step == trainer.status()["step"] and ckpt.extra["note"] == "x"
    other = make(tiny_config(target="spiral"))
    other.load_checkpoint(ckpt, detect=False)
    assert other.status()["step"] == ckpt.step and other.cfg.target == "eight_gaussians"
    np.testing.assert_allclose(other.latest().fake, trainer.latest().fake, atol=1e-6)
    other.start()
    wait_for(lambda: other.status()["step"] >= ckpt.step + 10, what="training on from the file")


def test_a_snapshot_hook_and_a_row_probe(make):
    trainer = make(tiny_config(), detector=Detector.for_run, detector_interval=0.05)
    trainer.snapshot_extra = lambda run: {"step_seen": run.step_count}
    # as the lesson panel sets it (ui.lessons._hook); a worker receives it pickled
    trainer.row_probe = functools.partial(LP.probe_row, LESSONS["collapse"])
    trainer.detect_every_steps = 10
    trainer.start()
    wait_for(lambda: trainer.status()["step"] >= 50, what="50 steps")
    trainer.pause()
    wait_for(lambda: trainer.latest().extra is not None, what="a snapshot with the hook's value")
    rows = wait_for(lambda: [r for r in list(trainer.detector.history) if "probed" in r],
                    what="probed detector rows")
    assert all(r["probed"] == 1.0 for r in rows)


def test_a_probe_that_cannot_travel_is_refused_where_it_is_set(pool):
    trainer = pool.trainer(tiny_config())
    try:
        with pytest.raises(TypeError, match="row_probe cannot be sent"):
            trainer.row_probe = lambda run, row: {}
        trainer.start()  # the link still works
        wait_for(lambda: trainer.status()["step"] >= 5, what="5 steps")
    finally:
        trainer.stop()


def test_stop_frees_the_run(make):
    trainer = make(tiny_config())
    trainer.start()
    wait_for(lambda: trainer.status()["step"] >= 5, what="5 steps")
    trainer.stop()
    assert trainer.status()["state"] == "stopped"
    trainer.start()  # a stopped run stays stopped
    assert trainer.status()["state"] == "stopped"


# ----- only the worker processes
def test_runs_past_the_slots_queue_and_say_where(pool):
    runs = [pool.trainer(tiny_config(seed=i)) for i in range(3)]  # slots=2
    try:
        for trainer in runs:
            trainer.start()
        wait_for(lambda: runs[2].status()["queued"] == 1, what="the third run queued first in line")
        assert runs[0].status()["queued"] == 0 and runs[1].status()["queued"] == 0
        step = runs[2].status()["step"]
        wait_for(lambda: runs[0].status()["step"] > 20, what="the first run to train")
        assert runs[2].status()["step"] == step, "a queued run does not train"
        runs[0].pause()
        wait_for(lambda: runs[2].status()["step"] > step, what="the queued run to start")
        assert runs[2].status()["queued"] == 0
    finally:
        for trainer in runs:
            trainer.stop()


def test_turns_are_fair(pool):
    runs = [pool.trainer(tiny_config(seed=i)) for i in range(2)]
    try:
        for trainer in runs:
            trainer.start()
        wait_for(lambda: min(t.status()["step"] for t in runs) >= 200, what="both to train")
        a, b = (t.status()["step"] for t in runs)
        assert 0.5 < a / b < 2.0, (a, b)
    finally:
        for trainer in runs:
            trainer.stop()


def test_a_dead_worker_fails_its_runs_and_is_replaced():
    workers_pool = workers.Pool(1, slots=4, threads=1)
    try:
        trainer = workers_pool.trainer(tiny_config())
        trainer.start()
        wait_for(lambda: trainer.status()["step"] >= 5, what="5 steps")
        workers_pool.workers[0].process.kill()
        wait_for(lambda: trainer.status()["state"] == "error", what="the run to fail")
        assert "worker" in trainer.status()["error"]
        again = workers_pool.trainer(tiny_config())
        again.start()
        wait_for(lambda: again.status()["step"] >= 5, what="a run on the new worker")
        trainer.reset()  # Reset, as the message says: the failed run trains again
        assert trainer.status()["state"] == "idle" and not trainer.lost
        trainer.start()
        wait_for(lambda: trainer.status()["step"] >= 5, what="the reset run to train again")
    finally:
        workers_pool.close()


def test_the_settings_are_checked(monkeypatch):
    monkeypatch.setenv("GAN_LEVERS_WORKERS", "two")
    with pytest.raises(ValueError, match="GAN_LEVERS_WORKERS"):
        workers.check_settings()
    monkeypatch.setenv("GAN_LEVERS_WORKERS", "0")
    assert workers.backend() == "threads"
    monkeypatch.setenv("GAN_LEVERS_WORKER_SLOTS", "0")
    with pytest.raises(ValueError, match="GAN_LEVERS_WORKER_SLOTS"):
        workers.check_settings()


def test_workers_start_as_runs_need_them():
    workers_pool = workers.Pool(2, slots=4, threads=1)
    try:
        workers_pool.start()
        assert len(workers_pool.workers) == 1, "one worker ahead of the first run"
        first = workers_pool.trainer(tiny_config())
        assert len(workers_pool.workers) == 1, "the first run takes the idle worker"
        second = workers_pool.trainer(tiny_config())
        assert second._link is first._link, "a worker takes a second run while a spare boots"
        wait_for(lambda: len(workers_pool.workers) == 2, what="a spare, once the server is quiet")
        third = workers_pool.trainer(tiny_config())
        assert third._link is workers_pool.workers[1], "the spare takes the next run"
        fourth = workers_pool.trainer(tiny_config())
        assert len(workers_pool.workers) == 2, "no more than the pool's size"
        assert fourth._link is workers_pool.workers[1], "the worker with the fewest runs"
        for trainer in (first, second, third, fourth):
            trainer.start()
        wait_for(lambda: all(t.status()["step"] >= 5 for t in (first, second, third, fourth)),
                 what="runs on both workers to train")
    finally:
        workers_pool.close()


# ----- only Ray
def test_a_killed_actor_fails_its_run_with_a_message(local_ray):
    trainer = ray_runs.trainer("local", tiny_config())
    try:
        trainer.start()
        wait_for(lambda: trainer.status()["step"] >= 5, what="5 steps")
        local_ray.kill(trainer._link.actor)
        wait_for(lambda: trainer.status()["state"] == "error", timeout=30, what="the run to fail")
        assert "Ray actor" in trainer.status()["error"]
        assert "Press Reset" in trainer.status()["error"]
        t0 = time.monotonic()
        with pytest.raises(RuntimeError, match="Ray actor"):  # at once, not after 30 s
            trainer.checkpoint()
        assert time.monotonic() - t0 < 5
        trainer.reset()  # as the message says: the run starts again in a new actor
        trainer.start()
        wait_for(lambda: trainer.status()["step"] >= 5, what="the reset run to train again")
    finally:
        trainer.stop()


def test_stop_kills_the_actor(local_ray):
    trainer = ray_runs.trainer("local", tiny_config())
    trainer.start()
    wait_for(lambda: trainer.status()["step"] >= 5, what="5 steps")
    actor = trainer._link.actor
    trainer.stop()
    wait_for(lambda: _dead(local_ray, actor), timeout=60, what="the actor to be killed")


def _dead(ray, actor) -> bool:
    """The kill is sent by the link's writer thread, after what was queued before it."""
    try:
        ray.get(actor.drain.options(concurrency_group="feed").remote(0.0), timeout=30)
    except ray.exceptions.RayActorError:
        return True
    return False


def test_a_config_the_mirror_refuses_leaves_no_actor(local_ray, monkeypatch):
    links = []
    monkeypatch.setattr(ray_runs, "RayLink", lambda *a: links.append(RayLink(*a)) or links[-1])
    with pytest.raises(ValueError, match="needs points"):
        ray_runs.trainer("local", tiny_config(target="custom"))
    wait_for(lambda: _dead(local_ray, links[0].actor), timeout=60, what="the actor to be killed")


def test_a_cluster_without_room_fails_the_run(local_ray, monkeypatch):
    monkeypatch.setenv("GAN_LEVERS_RAY_CPUS", "3")  # more than the local Ray's 2
    monkeypatch.setattr(ray_runs, "ANSWER_TIMEOUT", 2.0)
    trainer = ray_runs.trainer("local", tiny_config())
    try:
        wait_for(lambda: trainer.status()["state"] == "error", timeout=30, what="the run to fail")
        assert "did not answer within 2 s" in trainer.status()["error"]
    finally:
        trainer.stop()


def test_the_ray_settings_are_checked(monkeypatch):
    monkeypatch.setenv("GAN_LEVERS_RAY_ADDRESS", "auto")
    assert workers.backend() == "ray"
    for bad in ("a quarter", "-1", "1.5"):
        monkeypatch.setenv("GAN_LEVERS_RAY_CPUS", bad)
        with pytest.raises(ValueError, match="GAN_LEVERS_RAY_CPUS"):
            workers.check_settings()
    monkeypatch.setenv("GAN_LEVERS_RAY_CPUS", "2")
    monkeypatch.setenv("GAN_LEVERS_RAY_GPUS", "x")
    with pytest.raises(ValueError, match="GAN_LEVERS_RAY_GPUS"):
        workers.check_settings()


def test_the_server_flags_set_the_variables(monkeypatch):
    monkeypatch.setenv("GAN_LEVERS_RAY_ADDRESS", "")  # restored after the test
    monkeypatch.setenv("GAN_LEVERS_WORKERS", "2")
    workers.read_flags([])
    assert workers.backend() == "processes" and workers.worker_count() == 2
    workers.read_flags(["--ray-address", "auto", "--workers", "0"])
    assert workers.ray_address() == "auto" and workers.worker_count() == 0
    with pytest.raises(SystemExit):
        workers.read_flags(["--workers", "two"])


def test_a_cluster_out_of_reach_is_a_runtime_error(monkeypatch):
    """The pages show a RuntimeError; a ConnectionError would end the page."""
    import ray

    def refuse(**_):
        raise ConnectionError("no Ray cluster answered")
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", refuse)
    with pytest.raises(RuntimeError, match="could not join the Ray cluster at 'x:1'"):
        ray_runs.connect("x:1")


def test_only_ray_runs_imports_ray_and_only_inside_functions():
    """The app must start (and train in worker processes) without Ray installed or loaded."""
    root = Path(__file__).resolve().parent.parent
    files = [root / "app.py", *root.glob("gan_core/**/*.py"), *root.glob("ui/*.py"),
             *root.glob("pages/*.py")]
    found = {}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "ray" or n.startswith("ray.") for n in names):
                found.setdefault(path.relative_to(root).as_posix(), []).append(id(node) in top)
    assert list(found) == ["gan_core/ray_runs.py"] and not any(found["gan_core/ray_runs.py"])

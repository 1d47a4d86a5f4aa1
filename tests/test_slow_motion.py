"""Slow motion (issue 19, part 4): the Trainer throttles to N steps a second without
spinning, publishes D's and G's updates as separate snapshots with their phase and the
fakes from before the update, and a slow step still counts once."""
from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from engine_helpers import tiny_config
from gan_core.trainer import MAX_SLOW, Trainer


def _trainer(**kw) -> Trainer:
    return Trainer(tiny_config(target="spiral"), device=torch.device("cpu"), **kw)


def _phases(tr: Trainer, n: int, timeout: float = 20.0) -> list:
    """The next `n` snapshots the trainer publishes (each read once)."""
    seen, out, end = {id(tr.latest())}, [], time.time() + timeout
    while len(out) < n and time.time() < end:
        snap = tr.latest()
        if id(snap) not in seen:
            seen.add(id(snap))
            out.append(snap)
        time.sleep(0.002)
    return out


def test_speed_is_validated():
    tr = _trainer()
    try:
        for bad in (-1, 0.5, MAX_SLOW + 1, float("nan"), float("inf")):
            with pytest.raises(ValueError):
                tr.set_speed(bad)
        tr.set_speed(0)
        tr.set_speed(1)
        tr.set_speed(MAX_SLOW)
        assert tr.speed == MAX_SLOW
    finally:
        tr.stop()


def test_slow_motion_alternates_d_and_g_and_counts_each_step_once():
    tr = _trainer(snapshot_interval=0.01)
    try:
        tr.set_speed(10)  # 0.05 s per phase
        tr.start()
        snaps = _phases(tr, 6)
        assert len(snaps) == 6
        phases = [s.phase for s in snaps]
        assert set(phases) == {"d", "g"}
        assert all(a != b for a, b in zip(phases, phases[1:]))  # D, G, D, G...
        for s in snaps:
            assert s.before is not None and s.before.shape == s.fake.shape
        # D's update leaves G alone: the fakes stay where they were.
        d = next(s for s in snaps if s.phase == "d")
        np.testing.assert_array_equal(d.before, d.fake)
        # G's update moves them, from where the last snapshot had them.
        i = next(i for i, s in enumerate(snaps) if s.phase == "g" and i > 0)
        g = snaps[i]
        assert np.abs(g.fake - g.before).max() > 0
        np.testing.assert_array_equal(g.before, snaps[i - 1].fake)
        # A D phase does not count; its G phase counts the step.
        assert snaps[i - 1].phase == "d" and snaps[i - 1].step == g.step - 1
        steps = [s.step for s in snaps if s.phase == "g"]
        assert all(b == a + 1 for a, b in zip(steps, steps[1:]))
    finally:
        tr.stop()


def test_slow_motion_keeps_its_rate_without_spinning():
    tr = _trainer()
    try:
        tr.set_speed(4)  # 4 steps/s: 8 phases a second
        tr.start()
        _phases(tr, 1)
        n0, t0 = tr.run.step_count, time.monotonic()
        cpu_thread0 = _thread_cpu(tr)
        time.sleep(1.5)
        steps = tr.run.step_count - n0
        elapsed = time.monotonic() - t0
        # A busy machine may run late, never early.
        assert 1 <= steps <= 4 * elapsed + 1
        if cpu_thread0 is not None:  # the training thread mostly sleeps
            assert _thread_cpu(tr) - cpu_thread0 < 0.5 * elapsed
    finally:
        tr.stop()


def _thread_cpu(tr: Trainer):
    """CPU seconds of the training thread so far (Linux), or None."""
    import os
    tid = tr._thread.native_id if tr._thread is not None else None
    try:
        with open(f"/proc/self/task/{tid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_back_to_full_speed_publishes_whole_steps():
    tr = _trainer()
    try:
        tr.set_speed(1)  # 0.5 s between phases
        tr.start()
        _phases(tr, 1)
        tr.set_speed(0)  # back to full speed: no waiting out the half second
        n = tr.run.step_count
        end = time.time() + 20
        while tr.run.step_count < n + 50 and time.time() < end:
            time.sleep(0.01)
        assert tr.run.step_count >= n + 50
        # a full-speed snapshot is published every snapshot_interval: wait for the next one
        while tr.latest().phase != "both" and time.time() < end:
            time.sleep(0.01)
        assert tr.latest().phase == "both" and tr.latest().before is None
    finally:
        tr.stop()


@pytest.mark.parametrize("mode", ["d", "g", "both"])
def test_single_steps_carry_their_phase_and_the_fakes_before(mode):
    tr = _trainer()
    try:
        before = tr.latest()
        tr.single_step(mode)
        snap = _phases(tr, 1)[0]
        assert snap.phase == mode and snap.step == before.step + 1
        np.testing.assert_array_equal(snap.before, before.fake)
    finally:
        tr.stop()


def test_timeline_frames_do_not_keep_the_before_copy():
    tr = _trainer(snapshot_interval=0.01)
    try:
        tr.set_speed(MAX_SLOW)
        tr.start()
        _phases(tr, 4)
        tr.pause()
        assert all(f.before is None for f in tr.timeline.frames)
    finally:
        tr.stop()


def test_the_rate_shown_follows_a_switch_to_slow_motion_at_once():
    tr = _trainer()
    try:
        tr.start()
        assert tr.wait_steps(200, timeout=30) >= 200
        assert tr.status()["steps_per_s"] > 50  # full speed on a tiny model
        tr.set_speed(10)
        snaps = _phases(tr, 6)
        assert [s.phase for s in snaps].count("g") >= 2
        assert 0 < tr.status()["steps_per_s"] <= 12  # late on a busy machine, never fast
    finally:
        tr.stop()

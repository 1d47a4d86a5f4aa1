"""The threaded Trainer: runs `Run.step` in a background thread and publishes snapshots.

It never draws or sleeps inside a step, and never imports Streamlit.
"""
from __future__ import annotations

import atexit
import contextlib
import math
import threading
import time
import weakref
from collections import deque
from dataclasses import replace

import numpy as np
import torch

from .checkpoints import from_run
from .config import Config
from .device import configure_threads
from .history import DecimatedHistory, Snapshot, Timeline, cpu_state
from .run import Run


MAX_SLOW = 50  # steps/s: past this slow motion is too fast to follow anyway

# Every Trainer not yet collected: stopped at interpreter exit (and by the tests' fixture),
# since a daemon thread still inside a torch op while the interpreter tears down aborts
# the process ("terminate called without an active exception").
_LIVE: weakref.WeakSet = weakref.WeakSet()


def stop_all(timeout: float = 5.0) -> None:
    for trainer in list(_LIVE):
        trainer.stop(timeout)


atexit.register(stop_all)


def _loop(ref: weakref.ref, wake: threading.Condition) -> None:
    """The training thread's body. It holds its Trainer only while working on it, so a
    Trainer dropped without stop() is collected, and the thread then finds the weakref
    dead and ends."""
    while True:
        with wake:
            trainer = ref()
            if trainer is None or trainer.state == "stopped":
                return
            idle = trainer._idle()
            if not idle:
                trainer._chunk()
            pause = 0.0005 if trainer._readers else 0
            # Slow motion waits here for its next phase: wait() releases the lock and a
            # control (pause, a new speed, a step) wakes it early, so nothing spins.
            timeout = trainer._idle_wait() if idle else 0.0
            del trainer
            if idle:
                wake.wait(timeout)
                continue
        # A released lock is usually re-taken by this same thread before a waiting
        # reader wakes up; stepping aside briefly keeps lever probes responsive.
        time.sleep(pause)


def check_mode(mode: str) -> None:
    """A single step's mode: both updates, D's only or G's only."""
    if mode not in ("both", "d", "g"):
        raise ValueError("mode must be 'both', 'd' or 'g'")


def check_speed(steps_per_s: float) -> float:
    """0 (full speed) or a slow-motion rate of 1 to MAX_SLOW steps/s."""
    speed = float(steps_per_s)
    if not (speed == 0 or 1 <= speed <= MAX_SLOW):
        raise ValueError(f"speed must be 0 (full) or 1 to {MAX_SLOW} steps/s")
    return speed


def _wake_up(wake: threading.Condition) -> None:
    with wake:
        wake.notify_all()


class Trainer:
    """Runs `Run.step` in a background thread.

    States: idle (built, never started), running, paused, error, stopped.
    All public methods are safe to call from any thread. `lock` guards the networks:
    hold it (or use `with_models`) to read or call them from another thread.
    """

    def __init__(self, cfg: Config, points=None, device=None, snapshot_interval: float = 0.1,
                 max_snapshots: int = 64, detector=None, detector_interval: float = 1.0,
                 max_steps: int = 0, chunk_seconds: float = 0.02):
        configure_threads()
        self.lock = threading.RLock()
        self._wake = threading.Condition(self.lock)
        self.snapshot_interval = snapshot_interval
        self.detector_interval = detector_interval
        self.chunk_seconds = chunk_seconds
        self.max_steps = max_steps  # 0: no budget
        self.make_detector = detector  # callable(run) -> detector with .evaluate(...), or None
        self._device, self._points = device, points
        self._max_snapshots = max_snapshots
        self._thread = None
        self._readers = 0
        # callable(run) -> anything, run by the training thread with each snapshot: a
        # viewer's probe of G then costs no wait for the lock (see ui.live_feed)
        self.snapshot_extra = None
        # callable(run, row) -> dict, run by the training thread after each detector pass
        # and merged into that row: a lesson's probes then measure the run at the row's
        # own step, however seldom a page looks (see ui.lessons)
        self.row_probe = None
        self.detect_every_steps = 0  # > 0: a detector pass at least this often, in steps
        self._detect_later, self._deferred = False, None  # see load_checkpoint(detect=False)
        self.speed = 0.0  # steps/s in slow motion; 0: full speed
        self._half = "d"  # slow motion's next phase
        self._due = 0.0  # time.monotonic() when slow motion's next phase may run
        self._last_g = None  # when slow motion's last G phase ended (its rate)
        self._build(self._new_run(cfg))
        _LIVE.add(self)
        weakref.finalize(self, _wake_up, self._wake)  # the thread then sees it is gone

    # ----- construction / reset
    def _new_run(self, cfg: Config) -> Run:
        return Run(cfg, self._points, self._device)

    def _build(self, run: Run, history: DecimatedHistory | None = None) -> None:
        # The detector is made from this very run, so both read one config: the one
        # set_live replaces.
        self.run = run
        self.detector = self.make_detector(self.run) if self.make_detector else None
        self.snapshots: deque[Snapshot] = deque(maxlen=self._max_snapshots)
        self.timeline = self._new_timeline()
        self.history = self._new_history(history)
        self.alerts: list = []
        self.state = "idle"
        self.error = ""
        self._pending: list[str] = []
        self._good_state = self.run.state()
        self._last = {}
        self._rate = 0.0
        self._t0 = time.perf_counter()
        self._next_detect = -math.inf
        self._detect_step = 0
        self._metrics: dict = {}
        self._publish()

    def _new_timeline(self) -> Timeline:
        return Timeline()

    def _new_history(self, history: DecimatedHistory | None) -> DecimatedHistory:
        return history or DecimatedHistory()

    def load_checkpoint(self, ckpt, detect: bool = True) -> None:
        """Replace the run with a checkpoint's (raises CheckpointError, keeping the old run).
        With detect=False its first detector pass waits for `detect_pending()`: a page can
        draw the checkpoint's samples first (a first pass, with its imports, takes seconds)."""
        run = Run.from_checkpoint(ckpt, self._device)
        with self.lock:
            self._points = ckpt.points
            self._detect_later = not detect
            self._build(run, DecimatedHistory.from_dict(ckpt.history or {}))

    def detect_pending(self) -> None:
        """Run the detector pass `load_checkpoint(detect=False)` left for later, on its
        snapshot, if that is still the latest (training since then has run its own)."""
        with self.lock:
            snap, self._deferred = self._deferred, None
            if snap is not None and snap is self.latest():
                self._maybe_detect(snap)

    def checkpoint(self, extra: dict | None = None):
        with self.lock:
            return from_run(self.run, self.history.to_dict(), extra)

    @property
    def cfg(self) -> Config:
        return self.run.cfg

    def reset(self, cfg: Config | None = None, points=None) -> None:
        """Rebuild from scratch (optionally with a new config); the thread keeps going."""
        with self.lock:
            if points is not None:
                self._points = points
            self._build(self._new_run(cfg or self.run.cfg))
            self._wake.notify_all()

    # ----- controls
    def start(self) -> None:
        with self.lock:
            if self.state in ("error", "stopped"):
                return
            self.state = "running"
            self._ensure_thread()
            self._wake.notify_all()

    resume = start

    def pause(self) -> None:
        with self.lock:
            if self.state == "running":
                self.state = "paused"

    def single_step(self, mode: str = "both") -> None:
        """Queue one step (mode 'd', 'g' or 'both') on a paused or idle run."""
        check_mode(mode)
        with self.lock:
            if self.state in ("error", "stopped"):
                return
            if self.state == "running":
                self.state = "paused"
            self._pending.append(mode)
            self._ensure_thread()
            self._wake.notify_all()

    def stop(self, timeout: float = 5.0) -> None:
        with self.lock:
            self.state = "stopped"
            self._wake.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def set_live(self, **changes) -> None:
        with self.lock:
            self.run.set_live(**changes)

    def set_speed(self, steps_per_s: float) -> None:
        """0: full speed. Otherwise slow motion: `steps_per_s` steps a second (1 to
        MAX_SLOW), each one D update then one G update, each published on its own
        (`Snapshot.phase`, `Snapshot.before`) so that a view can show it."""
        speed = check_speed(steps_per_s)
        with self.lock:
            if speed != self.speed:
                self.speed, self._due, self._last_g = speed, 0.0, None
                self._rate = 0.0  # the old speed's rate would take many steps to decay
                self._wake.notify_all()

    def set_budget(self, max_steps: int) -> None:
        with self.lock:
            self.max_steps = max(0, int(max_steps))

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait_steps(self, n: int, timeout: float = 30.0) -> int:
        """Block until the run has taken n steps (or stopped/failed); for tests and the CLI."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            with self.lock:
                if self.run.step_count >= n or self.state in ("error", "stopped", "paused"):
                    return self.run.step_count
            time.sleep(0.01)
        return self.run.step_count

    # ----- reading (any thread)
    # latest() and status() only read references the training thread replaces whole, so
    # they skip the lock: a live panel must not wait behind a step chunk or a detector pass.
    def latest(self) -> Snapshot | None:
        snaps = self.snapshots
        return snaps[-1] if snaps else None

    def status(self) -> dict:
        if self.state == "error":  # rare: wait until the failing chunk has published its alert
            with self._reading():
                pass
        return {"state": self.state, "step": self.run.step_count, "steps_per_s": self._rate,
                "error": self.error, "max_steps": self.max_steps}

    def history_columns(self) -> dict:
        with self._reading():
            return self.history.columns()

    def with_models(self, fn):
        """Call fn(run) between steps, with gradients off."""
        with self._reading(), torch.no_grad():
            return fn(self.run)

    # ----- the loop
    def _ensure_thread(self) -> None:
        if not self.alive:
            self._thread = threading.Thread(target=_loop, args=(weakref.ref(self), self._wake),
                                            name="gan-levers-trainer", daemon=True)
            self._thread.start()

    def _idle(self) -> bool:
        """Nothing to do (not running, no queued step); records where a pause left off."""
        if self._pending:
            return False
        if self.state == "running":
            return bool(self.speed) and time.monotonic() < self._due
        if self.snapshots and self.snapshots[-1].step != self.run.step_count:
            self._publish()
        return True

    @contextlib.contextmanager
    def _reading(self):
        self._readers += 1
        try:
            with self.lock:
                yield
        finally:
            self._readers -= 1

    def _idle_wait(self) -> float:
        """Seconds the idle loop may sleep: until slow motion's next phase, or 0.5."""
        if self.state == "running" and self.speed:
            return min(0.5, max(0.0, self._due - time.monotonic()))
        return 0.5

    def _chunk(self) -> None:
        """A queued single step, slow motion's next phase, or a few steps at full speed."""
        if self._pending:
            self._one_update(self._pending.pop(0))
        elif self.speed:
            self._slow_phase()
        else:
            self._full_speed()
        if self.max_steps and self.run.step_count >= self.max_steps and self.state == "running":
            self.state = "paused"

    def _one_update(self, mode: str, count: bool = True) -> bool:
        """One update, published on its own with the fakes from before it."""
        before = self.snapshots[-1].fake if self.snapshots else None
        if not self._guarded_step(mode, count):
            return False
        self._publish(phase=mode, before=before)
        return True

    def _slow_phase(self) -> None:
        """Half of a slow-motion step: D's update, or G's (which counts the step)."""
        mode = self._half
        if not self._one_update(mode, count=mode == "g"):
            return
        now = time.monotonic()
        self._half = "g" if mode == "d" else "d"
        self._due = now + 0.5 / self.speed
        if mode == "g":
            if self._last_g is not None:
                self._update_rate(1, now - self._last_g)
            self._last_g = now

    def _full_speed(self) -> None:
        """Steps for at most ~chunk_seconds with the lock held, then a snapshot if due."""
        end = time.perf_counter() + self.chunk_seconds
        t_start, n0 = time.perf_counter(), self.run.step_count
        while True:
            if not self._guarded_step("both"):
                return
            if self._pending or self.state != "running" or time.perf_counter() >= end:
                break
            if self.max_steps and self.run.step_count >= self.max_steps:
                break
        # paused here, before the publish check: the budget's last step is then published
        # within this chunk, so a reader who saw the steps also sees their snapshot
        if self.max_steps and self.run.step_count >= self.max_steps and self.state == "running":
            self.state = "paused"
        self._update_rate(self.run.step_count - n0, time.perf_counter() - t_start)
        self._half = "d"  # slow motion, switched on later, starts a whole step
        due = time.perf_counter() - self._last_publish >= self.snapshot_interval
        if due or self.state != "running":
            self._publish(phase="both")

    def _guarded_step(self, mode: str, count: bool = True) -> bool:
        try:
            out = self.run.step(mode, count)
        except Exception as err:  # a bad combination must not kill the thread silently
            self._fail(f"training step failed: {type(err).__name__}: {err}")
            return False
        if not all(math.isfinite(v) for v in out.values()):
            bad = ", ".join(k for k, v in out.items() if not math.isfinite(v))
            self._last.update(out)  # so the detector's `diverged` alert can name the culprit
            self._fail(f"training diverged at step {self.run.step_count}: {bad} is NaN or inf. "
                       "The last good weights were kept. Try a lower learning rate or WGAN-GP.")
            return False
        self._last.update(out)
        self.history.add({"step": self.run.step_count, **out})
        return True

    def _fail(self, message: str) -> None:
        self.state = "error"
        self.error = message
        self.run.load_state(self._good_state)
        if self.detector is not None:
            losses = {k: v for k, v in self._last.items() if k.endswith("loss")}
            grads = {k[0]: v for k, v in self._last.items() if k.endswith("grad")}
            try:
                self.alerts = self.detector.evaluate(self.run.step_count, np.full((1, 2), np.nan),
                                                     losses, grads)
            except Exception:
                pass  # the error state itself already tells the user
        self._publish()

    def _extra(self):
        hook = self.snapshot_extra
        if hook is None:
            return None
        try:
            with torch.no_grad():
                return hook(self.run)
        except Exception:  # a viewer's hook must never stop training
            return None

    def _probe_row(self) -> None:
        probe, history = self.row_probe, self.detector.history
        if probe is None or not history:
            return
        try:
            history[-1].update(probe(self.run, history[-1]))
        except Exception as err:  # a viewer's probe must never take training down
            history[-1]["probe_error"] = f"{type(err).__name__}: {err}"

    def _update_rate(self, steps: int, seconds: float) -> None:
        if steps and seconds > 0:
            rate = steps / seconds
            self._rate = rate if self._rate == 0 else 0.8 * self._rate + 0.2 * rate

    def _publish(self, phase: str = "", before=None) -> None:
        latent = self.run.eval_latent()
        fake = self.run.generate(latent)
        if self.state != "error":
            # Finite losses do not make finite samples: a target near float32's limit
            # overflows only when G's output is scaled back to the target's units.
            problem = ""
            if not np.isfinite(fake).all():
                problem = ("the generator's samples are NaN or inf (a target with values "
                           "near float32's limit, ~3e38, overflows: rescale its data)")
            elif not self.run.params_finite():
                problem = "a weight became NaN or inf"
            if problem:
                self._fail(f"training diverged at step {self.run.step_count}: {problem}. "
                           "The last good weights were kept.")
                return
            self._good_state = self.run.state()
        snap = Snapshot(self.run.step_count, time.perf_counter() - self._t0, fake,
                        {k: v for k, v in self._last.items() if k.endswith("loss")},
                        {k[0]: v for k, v in self._last.items() if k.endswith("grad")},
                        self._rate, list(self.alerts), extra=self._extra(), phase=phase,
                        before=before)
        self._maybe_detect(snap)
        self.snapshots.append(snap)
        # No keyframe in the error state: the weights are an earlier step's, restored.
        weights = None if self.state == "error" else (lambda: cpu_state(self.run.nets))
        self.timeline.offer(snap if before is None else replace(snap, before=None), weights)
        self._last_publish = time.perf_counter()

    def _maybe_detect(self, snap: Snapshot) -> None:
        if self.detector is None or snap.step == 0:
            return
        if self._detect_later:  # load_checkpoint(detect=False): detect_pending() runs it
            self._detect_later, self._deferred = False, snap
            return
        now = time.perf_counter()
        by_steps = self.detect_every_steps and snap.step - self._detect_step >= self.detect_every_steps
        if now < self._next_detect and self.state == "running" and not by_steps:
            snap.metrics = dict(self._metrics)  # the latest known, so panels do not blink
            return
        first = self._next_detect == -math.inf  # builds the target's reference: slow once
        try:
            self.alerts = self.detector.evaluate(snap.step, snap.fake, snap.losses, snap.grads,
                                                 generator=self.run.latent_map())
            self._probe_row()
            snap.metrics = dict(self.detector.history[-1]) if self.detector.history else {}
        except Exception as err:  # the detector must never take training down
            self.alerts = []
            snap.metrics = {"detector_error": f"{type(err).__name__}: {err}"}
        snap.alerts = list(self.alerts)
        self._metrics = snap.metrics
        self._detect_step = snap.step
        # The pass runs between steps, so it pauses training: on a busy machine where a
        # pass takes long, space passes out so they cost at most ~10% of training time.
        spent = time.perf_counter() - now
        self._next_detect = now + max(self.detector_interval, 0 if first else 10 * spent)

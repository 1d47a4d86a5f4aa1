"""The Trainer API the pages use, for a run that trains in a worker process or a Ray actor.

A `RemoteTrainer` keeps a mirror of its run in the server: the same config and target,
and networks whose weights the host (`gan_core.run_host`) sends after its snapshots. So
the pages keep reading `trainer.run`, `with_models(fn)`, `latest()`, `status()`, the
history, the timeline and the detector's rows as they did with a local `Trainer`, while
the steps, the detector's passes and the lesson probes run on the host. Controls go to
the host in order; the mirror shows the new state at once (a Train click is acknowledged
before the host has seen it), and the host's next message confirms or corrects it.

Why a mirror and not calls to the host for every read: a page rerun reads the networks
a dozen times (colours, D's field, levers, the overview); a round trip each, behind a
busy host's turns, would make every rerun wait on training.

A reset or a newly opened file starts a new epoch: messages about the run it replaced
that were still on their way are dropped.
"""
from __future__ import annotations

import threading
import time
from collections import deque

import torch

from .checkpoints import from_bytes, to_bytes
from .config import Config
from .history import DecimatedHistory, Snapshot, Timeline
from .run import Run
from .trainer import check_mode, check_speed

CALL_TIMEOUT = 30.0  # s: a checkpoint of wide nets on a busy worker
PAUSE_TIMEOUT = 2.0  # s: past it the page goes on, showing the run paused


class RemoteTrainer:
    """See the module's docstring. `link` carries messages to the host (gan_core.workers,
    gan_core.ray_runs): attach(proxy, spec), send(message), call(message, timeout),
    detach(run_id)."""

    def __init__(self, link, run_id: str, cfg: Config, points=None, detector=None,
                 snapshot_interval: float = 0.1, max_snapshots: int = 64,
                 detector_interval: float = 1.0, max_steps: int = 0, relink=None):
        self.lock = threading.RLock()
        self.run_id, self._link = run_id, link
        self._relink = relink  # () -> a live link, for a reset after the host was lost
        self.make_detector = detector
        self._points = points
        self._max_snapshots = max_snapshots
        self._epoch = 0
        self._seq = 0  # controls sent; the host's reports echo the last one it carried out
        self.snapshot_extra = None  # callable(run), run on the mirror with each snapshot
        self._row_probe, self._detect_every = None, 0
        self._detect_later = False
        # An opened file's first detector pass, asked of the host and not yet reported:
        # not waited for, since a new worker may still be importing (the panel polls).
        self.first_pass_pending, self._pass_seq = False, 0
        self.speed = 0.0
        self.queued = 0  # position in the host's queue; 0: not waiting
        self.lost = ""  # why the host can no longer train it
        self._weights = None  # the newest weights from the host, not yet in the mirror
        self._install(Run(cfg, points, torch.device("cpu")), None, max_steps)
        self._options = {"detector": detector is not None, "snapshot_interval": snapshot_interval,
                         "max_snapshots": max_snapshots, "detector_interval": detector_interval,
                         "max_steps": max_steps}
        link.attach(self, {"cfg": cfg.to_json(), "points": points, "epoch": 0,
                           "options": self._options})

    def _attach_anew(self, ckpt_bytes=None, detect: bool = True) -> bool:
        """After the host was lost: the run starts again on a live one (a reset, an opened
        file). False while nothing was lost."""
        if not self.lost or self._relink is None:
            return False
        self._link = self._relink()
        self.lost = ""
        self._link.attach(self, {"cfg": self.run.cfg.to_json(), "points": self._points,
                                 "epoch": self._epoch, "ckpt": ckpt_bytes, "detect": detect,
                                 "options": {**self._options,
                                             "max_steps": self._status["max_steps"]}})
        return True

    # ----- the mirror
    def _install(self, run: Run, history: DecimatedHistory | None, max_steps: int) -> None:
        """A new mirror, as the host's Trainer._build starts one: idle, one snapshot."""
        self.run = run
        self.detector = self.make_detector(run) if self.make_detector else None
        self.snapshots: deque[Snapshot] = deque(maxlen=self._max_snapshots)
        self.timeline = Timeline()
        self.history = history or DecimatedHistory()
        self.alerts: list = []
        self._status = {"state": "idle", "step": run.step_count, "steps_per_s": 0.0,
                        "error": "", "max_steps": max_steps}
        self._weights = None
        self._extra_memo = (None, None)  # (hook, what it returned) for the mirror's nets
        with torch.no_grad():
            fake = run.generate(run.eval_latent())
        snap = Snapshot(run.step_count, 0.0, fake, {}, {}, 0.0, [])
        snap.extra = self._extra()
        self.snapshots.append(snap)

    def _extra(self):
        hook = self.snapshot_extra
        if hook is None:
            return None
        # While training, weights come at most every WEIGHTS_EVERY s and snapshots more
        # often: with the same nets and hook the probe and D's map are the same, and
        # computing them again for every snapshot of every run took a fifth of the
        # server's time with 10 runs training. (A lever moved meanwhile shows on the next
        # weights, 0.2 s at most; the browser draws its own preview until then.)
        if self._weights is None and self._extra_memo[0] == hook:  # hook is not None here
            return self._extra_memo[1]
        try:
            self._load_weights()
            with torch.no_grad():
                out = hook(self.run)
        except Exception:  # a viewer's hook must never break the feed
            out = None
        self._extra_memo = (hook, out)
        return out

    def _load_weights(self) -> None:
        weights, self._weights = self._weights, None
        if weights is not None:
            self.run.nets.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()})

    def receive(self, epoch: int, payload: dict) -> None:
        """A message from the host (its link's reader thread)."""
        with self.lock:
            if epoch != self._epoch or self._status["state"] == "stopped":
                return  # about the run a reset replaced, or after stop()
            if payload["weights"] is not None:
                self._weights = payload["weights"]
            self._take_status(payload["status"], payload["seq"])
            if self.first_pass_pending and payload["seq"] >= self._pass_seq:
                self.first_pass_pending = False  # the host answers detect_pending with a report
            self.run.start_step = payload["start_step"]
            for row in payload["rows"]:
                self.history.add(row)
            for step, state in payload["keys"]:
                self.timeline.add_keyframe(step, {k: torch.from_numpy(v) for k, v in state.items()})
            self._take_detector(payload["detector"])
            snap = payload["snap"]
            snap.extra = self._extra()
            self.snapshots.append(snap)
            self.timeline.offer(snap if snap.before is None else _without_before(snap))

    def _take_status(self, status: dict, seq: int) -> None:
        if seq < self._seq:  # sent before the host saw the page's latest control
            status = {**status, "state": self._status["state"],
                      "max_steps": self._status["max_steps"]}
        self._status = status
        self.run.step_count = status["step"]

    def _take_detector(self, news: dict | None) -> None:
        if news is None or self.detector is None:
            return
        if news["whole"]:
            self.detector.history.clear()
        self.detector.history.extend(news["rows"])
        self.detector.verdict = news["verdict"]
        self.alerts = self.detector.alerts = news["alerts"]

    def lose(self, reason: str) -> None:
        """The host is gone (its process died): say so, as a failed run does."""
        with self.lock:
            self.lost = reason
            self.first_pass_pending = False
            if self._status["state"] != "stopped":
                self._status = {**self._status, "state": "error", "error": reason}

    def set_queue(self, position: int) -> None:
        self.queued = int(position)

    # ----- controls (any thread)
    def _ask(self, state: str) -> None:
        """Show `state` now: the host's reports already on their way predate the control."""
        self._status = {**self._status, "state": state}

    def _do(self, method: str, *args, **kwargs) -> None:
        self._seq += 1
        self._link.send(("do", self.run_id, self._epoch, self._seq, method, args, kwargs))

    def start(self) -> None:
        with self.lock:
            if self.state in ("error", "stopped"):
                return
            self._ask("running")
            self._do("start")

    resume = start

    def pause(self) -> None:
        with self.lock:
            if self.state != "running":
                return
            self._ask("paused")
        # answered after the host sent its paused state and weights
        self._wait_for("pause", timeout=PAUSE_TIMEOUT)

    def _wait_for(self, method: str, *args, timeout: float) -> None:
        """A control the host answers once its effect is reported. Past `timeout` (a
        worker still starting, a loaded machine) the page goes on: the next report
        brings the effect, and the page already shows the state asked for."""
        with self.lock:
            self._seq += 1
            message = ("call", self.run_id, None, self._seq, method, args)
        try:
            self._link.call(message, timeout)
        except Exception:
            pass

    def single_step(self, mode: str = "both") -> None:
        check_mode(mode)
        with self.lock:
            if self.state in ("error", "stopped"):
                return
            if self.state == "running":
                self._ask("paused")
        # answered after the step's report: the page's rerun that follows shows it
        self._wait_for("single_step", mode, timeout=PAUSE_TIMEOUT)

    def stop(self, timeout: float = 5.0) -> None:
        with self.lock:
            self._status = {**self._status, "state": "stopped"}
        self._link.detach(self.run_id)

    def set_live(self, **changes) -> None:
        with self.lock:
            self.run.set_live(**changes)  # a bad value raises here, and nothing is sent
            self._do("set_live", **changes)

    def set_speed(self, steps_per_s: float) -> None:
        speed = check_speed(steps_per_s)
        with self.lock:
            self.speed = speed
            self._do("set_speed", speed)

    def set_budget(self, max_steps: int) -> None:
        with self.lock:
            self._status = {**self._status, "max_steps": max(0, int(max_steps))}
            self._do("set_budget", int(max_steps))

    def reset(self, cfg: Config | None = None, points=None) -> None:
        with self.lock:
            points = self._points if points is None else points
            run = Run(cfg or self.run.cfg, points, torch.device("cpu"))
            self._points = points
            self._new_epoch(run, None)
            if not self._attach_anew():
                self._do("reset", run.cfg.to_json(), points)

    def load_checkpoint(self, ckpt, detect: bool = True) -> None:
        run = Run.from_checkpoint(ckpt, torch.device("cpu"))  # raises, keeping the old run
        with self.lock:
            self._points = ckpt.points
            self._new_epoch(run, DecimatedHistory.from_dict(ckpt.history or {}))
            self._detect_later = not detect
            data = to_bytes(ckpt)
            if not self._attach_anew(data, detect):
                self._do("load_checkpoint", data, detect)

    def _new_epoch(self, run: Run, history) -> None:
        self._epoch += 1
        self.speed = 0.0
        self._install(run, history, self._status["max_steps"])

    def detect_pending(self) -> None:
        with self.lock:
            if not self._detect_later:
                return
            self._detect_later = False
            self.first_pass_pending = True  # until the pass's report comes
            self._do("detect_pending")
            self._pass_seq = self._seq

    def checkpoint(self, extra: dict | None = None):
        data = self._link.call(("call", self.run_id, None, 0, "checkpoint", (extra,)),
                               CALL_TIMEOUT)
        return from_bytes(data)

    @property
    def row_probe(self):
        return self._row_probe

    @row_probe.setter
    def row_probe(self, probe) -> None:
        if _same(probe, self._row_probe):
            return
        self._link.send(("set", self.run_id, "row_probe", probe))  # raises if it cannot travel
        self._row_probe = probe

    @property
    def detect_every_steps(self) -> int:
        return self._detect_every

    @detect_every_steps.setter
    def detect_every_steps(self, steps: int) -> None:
        if steps != self._detect_every:
            self._detect_every = steps
            self._link.send(("set", self.run_id, "detect_every_steps", steps))

    # ----- reading (any thread)
    @property
    def cfg(self) -> Config:
        return self.run.cfg

    @property
    def state(self) -> str:
        return self._status["state"]

    @property
    def error(self) -> str:
        return self._status["error"]

    @property
    def max_steps(self) -> int:
        return self._status["max_steps"]

    @property
    def alive(self) -> bool:
        return self.state != "stopped" and not self.lost

    def latest(self) -> Snapshot | None:
        snaps = self.snapshots
        return snaps[-1] if snaps else None

    def status(self) -> dict:
        return {**self._status, "queued": self.queued if self.state == "running" else 0}

    def history_columns(self) -> dict:
        with self.lock:
            return self.history.columns()

    def with_models(self, fn):
        """Call fn(run) on the mirror, with the newest weights the host sent."""
        with self.lock, torch.no_grad():
            self._load_weights()
            return fn(self.run)

    def wait_steps(self, n: int, timeout: float = 30.0) -> int:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            s = self._status
            if s["step"] >= n or s["state"] in ("error", "stopped", "paused"):
                return s["step"]
            time.sleep(0.01)
        return self._status["step"]


def _without_before(snap: Snapshot) -> Snapshot:
    from dataclasses import replace
    return replace(snap, before=None)


def _same(a, b) -> bool:
    """Equal probes: functools.partial has no __eq__, and a page sets it on every rerun."""
    if a is b:
        return True
    try:
        return (a.func, a.args, a.keywords) == (b.func, b.args, b.keywords)
    except AttributeError:
        return False

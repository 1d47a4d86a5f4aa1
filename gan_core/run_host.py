"""The training side of a run that trains outside the UI server's interpreter.

A `Host` holds runs and trains them in one thread, taking turns: one chunk (~20 ms of
steps) each, round robin, so a worker process with one core shares it fairly. At most
`slots` runs train at once; a run started past that waits in a queue, and the server is
told each queued run's position. After every snapshot it sends the server a message with
what the pages read: the snapshot, the status, the new loss rows, detector rows and
timeline keyframes, and (at most every WEIGHTS_EVERY s while training, always otherwise)
the weights, which the server's mirror of the run (`gan_core.remote`) draws from.

The host knows nothing of its transport: it is given `send(message)` and fed messages
through `handle(message)`. `gan_core.workers` runs one in a worker process (this module's
`main`, over a socket inherited from the server); `gan_core.ray_runs` runs one in a Ray
actor. Messages are plain tuples of builtins, numpy arrays and checkpoint bytes.

Server -> host:
  ("create", run_id, spec)                spec: cfg (JSON), points, ckpt (bytes), detect, options
  ("do", run_id, epoch, seq, method, args, kw)  a control (start, reset...), no answer
  ("call", run_id, call_id, seq, method, args)  answered by ("reply", call_id, ok, value)
  (seq numbers the controls; each report echoes the last one carried out, so the server
  can tell a report that predates a control from one that follows it)
  ("set", run_id, name, value)            row_probe or detect_every_steps
  ("drop", run_id), ("quit",)
Host -> server:
  ("state", run_id, epoch, payload), ("queue", {run_id: position}),
  ("census", runs, training)              how many runs it holds and trains, on change
  ("reply", call_id, ok, value), ("gone", run_id, error)
"""
from __future__ import annotations

import sys
import threading
import time

from .checkpoints import from_bytes, to_bytes
from .config import Config
from .history import DecimatedHistory, Timeline
from .trainer import Trainer
from .host_link import DEFAULT_SLOTS

WEIGHTS_EVERY = 0.2  # s between weight copies sent while a run trains
# Past SHARE runs training on one host, each run's snapshots and weight copies come that
# much less often (at most MAX_PACE times): every snapshot costs the host a G pass and a
# message, the server its feed frames, and each browser a draw, and with 10 runs on 2 cores
# that left the runs about 0.2 of a core each. 0.1 s snapshots at 4x still make 2.5 frames
# a second.
SHARE = 2
MAX_PACE = 4.0
DOS = {"start", "pause", "single_step", "set_speed", "set_budget", "set_live", "reset",
       "load_checkpoint", "detect_pending"}
CALLS = {"checkpoint", "pause", "single_step", "ping"}
# Imported by a worker before it says it is ready, not inside its first run: the first
# Adam step pulls in torch._dynamo and the detector's first pass POT and scikit-learn,
# ~2.5 s of a core. A spare worker (booted while the server is quiet) then takes its first
# run with nothing left to import, beside that visitor's first page.
PRELOAD = ("torch._dynamo", "ot", "sklearn.cluster", "sklearn.neighbors")
SETS = {"row_probe", "detect_every_steps"}


def pack(nets) -> dict:
    """The nets' state_dict as numpy arrays: plain pickles, no torch sharing machinery."""
    return {k: v.detach().to("cpu").numpy().copy() for k, v in nets.state_dict().items()}


class _Rows(DecimatedHistory):
    """A history that also keeps the rows added since they were last taken."""

    def __init__(self, base: DecimatedHistory | None = None):
        super().__init__()
        if base is not None:
            self.capacity, self.stride, self.rows = base.capacity, base.stride, base.rows
        self.fresh: list[dict] = []

    def add(self, row: dict) -> None:
        super().add(row)
        self.fresh.append(row)


class _Keys(Timeline):
    """A timeline that also keeps the keyframes added since they were last taken."""

    def __init__(self):
        super().__init__()
        self.fresh: list = []

    def add_keyframe(self, step: int, state: dict) -> None:
        super().add_keyframe(step, state)
        if self.keyframes and self.keyframes[-1].state is state:
            self.fresh.append((int(step), {k: v.numpy() for k, v in state.items()}))


class HostedTrainer(Trainer):
    """A Trainer driven by its host's thread instead of its own, reporting each snapshot."""

    def __init__(self, host: "Host", run_id: str, *args, **kwargs):
        self._host, self.run_id, self.epoch, self.seq = host, run_id, 0, 0
        self._since = 0.0  # when it last started running: the queue's order
        self._weights_at = -1e9
        self._row_mark = None  # the last detector row sent
        super().__init__(*args, **kwargs)
        self._base_interval = self.snapshot_interval
        self.pace = 1.0

    def set_pace(self, pace: float) -> None:
        """Snapshots and weights `pace` times less often (the host's share of runs)."""
        self.pace = pace
        self.snapshot_interval = self._base_interval * pace

    def _new_timeline(self) -> Timeline:
        return _Keys()

    def _new_history(self, history):
        return _Rows(history)

    def _build(self, run, history=None) -> None:
        self._row_mark = None
        super()._build(run, history)

    def _ensure_thread(self) -> None:
        self._host.wake()

    @property
    def alive(self) -> bool:
        return self.state != "stopped"

    def start(self) -> None:
        with self.lock:
            if self.state != "running":
                self._since = time.monotonic()
        super().start()

    def stop(self, timeout: float = 5.0) -> None:
        with self.lock:
            self.state = "stopped"
        self._host.wake()

    def detect_pending(self) -> None:
        """The pass fills in the snapshot the server already has: send it again. Sent even
        when there was no pass to run, since the server waits for this report."""
        with self.lock:
            super().detect_pending()
            self._host.report(self)

    def _publish(self, phase: str = "", before=None) -> None:
        super()._publish(phase, before)
        self._host.report(self)

    def payload(self, force_weights: bool = False) -> dict:
        """What the server's mirror needs after a snapshot (call with the lock held)."""
        snap = self.snapshots[-1]
        now = time.monotonic()
        weights = None
        if (force_weights or self.state != "running"
                or now - self._weights_at >= WEIGHTS_EVERY * self.pace):
            weights, self._weights_at = pack(self.run.nets), now
        rows, self.history.fresh = self.history.fresh, []
        keys, self.timeline.fresh = self.timeline.fresh, []
        return {"status": {"state": self.state, "step": self.run.step_count,
                           "steps_per_s": self._rate, "error": self.error,
                           "max_steps": self.max_steps},
                "seq": self.seq, "start_step": self.run.start_step, "snap": snap, "weights": weights,
                "rows": rows, "keys": keys, "detector": self._detector_news()}

    def _detector_news(self) -> dict | None:
        det = self.detector
        if det is None or not det.history or det.history[-1] is self._row_mark:
            return None
        rows = list(det.history)
        marks = [i for i, r in enumerate(rows) if r is self._row_mark]
        new = rows[marks[-1] + 1:] if marks else rows
        self._row_mark = rows[-1]
        return {"rows": new, "verdict": det.verdict, "alerts": list(self.alerts),
                "whole": not marks}


class Host:
    """Runs by id, trained in turns by one thread; see the module's docstring."""

    def __init__(self, send, slots: int = DEFAULT_SLOTS):
        self._send, self.slots = send, max(1, int(slots))
        self._send_lock = threading.Lock()
        self._runs: dict[str, HostedTrainer] = {}
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._quit = threading.Event()
        self._busy = 0  # messages being handled: the turns step aside for them
        self._queue: dict[str, int] = {}
        self._census = (0, 0)
        self._thread = threading.Thread(target=self._loop, name="gan-levers-host", daemon=True)
        self._thread.start()

    # ----- talking to the server
    def send(self, message) -> None:
        with self._send_lock:
            self._send(message)

    def report(self, trainer: HostedTrainer, force_weights: bool = False) -> None:
        self.send(("state", trainer.run_id, trainer.epoch, trainer.payload(force_weights)))

    def wake(self) -> None:
        self._event.set()

    def handle(self, message) -> bool:
        """Carry out one message from the server; False once told to quit."""
        kind = message[0]
        if kind == "quit":
            self.close()
            return False
        self._busy += 1
        try:
            getattr(self, "_on_" + kind)(*message[1:])
        finally:
            self._busy -= 1
        return True

    def _on_create(self, run_id: str, spec: dict) -> None:
        try:
            trainer = self._build(run_id, spec)
        except Exception as err:  # a config the server's own build accepted: still say why
            self.send(("gone", run_id, f"{type(err).__name__}: {err}"))
            return
        with self._lock:
            self._runs[run_id] = trainer
        self.wake()

    def _build(self, run_id: str, spec: dict) -> HostedTrainer:
        from .detector import Detector
        options = dict(spec.get("options") or {})
        detector = Detector.for_run if options.pop("detector", False) else None
        cfg = Config.from_json(spec["cfg"])
        trainer = HostedTrainer(self, run_id, cfg, points=spec.get("points"), detector=detector,
                                **options)
        trainer.epoch = int(spec.get("epoch", 0))
        if spec.get("ckpt") is not None:
            trainer.load_checkpoint(from_bytes(spec["ckpt"]), detect=bool(spec.get("detect", True)))
        return trainer

    def _on_do(self, run_id: str, epoch: int, seq: int, method: str, args: tuple,
               kwargs: dict) -> None:
        trainer = self._get(run_id)
        if trainer is None or method not in DOS:
            return
        try:
            with trainer.lock:
                trainer.seq = max(trainer.seq, seq)
                if method in ("reset", "load_checkpoint"):
                    trainer.epoch = epoch
                    args = _decode(method, args)
                getattr(trainer, method)(*args, **kwargs)
        except Exception as err:  # the server checked it on its mirror first: report, go on
            with trainer.lock:
                trainer._fail(f"{method} failed: {type(err).__name__}: {err}")

    def _on_call(self, run_id: str, call_id: int, seq: int, method: str, args: tuple) -> None:
        trainer = self._get(run_id)
        if trainer is not None and seq:
            with trainer.lock:
                trainer.seq = max(trainer.seq, seq)
        try:
            if method not in CALLS:
                raise ValueError(f"unknown call {method!r}")
            if trainer is None and method != "ping":
                raise LookupError("this run is no longer on its worker")
            value = getattr(self, "_call_" + method)(trainer, *args)
        except Exception as err:
            self.send(("reply", call_id, False, f"{type(err).__name__}: {err}"))
            return
        self.send(("reply", call_id, True, value))

    def _call_ping(self, _trainer) -> str:
        return "pong"

    def _call_checkpoint(self, trainer: HostedTrainer, extra=None) -> bytes:
        return to_bytes(trainer.checkpoint(extra))

    def _call_pause(self, trainer: HostedTrainer) -> int:
        """Pause, and send the paused state with its weights before answering: a caller
        that reads the run next sees the weights it stopped at."""
        with trainer.lock:
            trainer.pause()
            if trainer.snapshots[-1].step != trainer.run.step_count:
                trainer._publish()  # the last chunk's steps had no snapshot yet: one now
            else:
                self.report(trainer, force_weights=True)
            return trainer.run.step_count

    def _call_single_step(self, trainer: HostedTrainer, mode: str) -> int:
        """The update itself, here, before answering: the page's rerun after a Step click
        then shows the step (the turns would take it only after the page had drawn)."""
        with trainer.lock:
            trainer.single_step(mode)
            if trainer._pending:
                trainer._chunk()
            return trainer.run.step_count

    def _on_set(self, run_id: str, name: str, value) -> None:
        trainer = self._get(run_id)
        if trainer is not None and name in SETS:
            with trainer.lock:
                setattr(trainer, name, value)

    def _on_drop(self, run_id: str) -> None:
        with self._lock:
            trainer = self._runs.pop(run_id, None)
        if trainer is not None:
            trainer.stop()

    def _get(self, run_id: str) -> HostedTrainer | None:
        with self._lock:
            return self._runs.get(run_id)

    # ----- training in turns
    def _turns(self) -> list[HostedTrainer]:
        """The runs to visit this round: all but the queued. Tells the server of changes
        in the queue's positions and in how many runs train."""
        with self._lock:
            runs = list(self._runs.items())
        running = sorted(((t._since, k) for k, t in runs if t.state == "running"))
        queued = {k: i + 1 for i, (_, k) in enumerate(running[self.slots:])}
        if queued != self._queue:
            self._queue = queued
            self.send(("queue", dict(queued)))
        census = (len(runs), len(running))
        if census != self._census:
            self._census = census
            self.send(("census", *census))
            pace = min(MAX_PACE, max(1.0, min(len(running), self.slots) / SHARE))
            for _, trainer in runs:
                trainer.set_pace(pace)
        return [t for k, t in runs if k not in queued]

    def _loop(self) -> None:
        while not self._quit.is_set():
            turns = self._turns()
            worked, wait = False, 0.5
            for trainer in turns:
                took = self._turn(trainer)
                worked |= took
                if not took and trainer.state == "running" and trainer.speed:
                    wait = min(wait, trainer._idle_wait())  # slow motion's next phase
            if self._busy:
                time.sleep(0.0005)  # a control waits for a run's lock: let it in
            if not worked:
                self._event.wait(wait)
                self._event.clear()

    def _turn(self, trainer: HostedTrainer) -> bool:
        try:
            with trainer.lock:
                if trainer.state == "stopped" or trainer._idle():
                    return False
                trainer._chunk()
                return True
        except Exception as err:  # one broken run must not stop the others'
            with trainer.lock:
                trainer._fail(f"training failed: {type(err).__name__}: {err}")
            return False

    def close(self) -> None:
        self._quit.set()
        self.wake()
        with self._lock:
            runs, self._runs = list(self._runs.values()), {}
        for trainer in runs:
            trainer.stop()


def _decode(method: str, args: tuple) -> tuple:
    """reset's config and load_checkpoint's file travel as JSON and bytes."""
    if method == "reset":
        cfg, points = args
        return (Config.from_json(cfg) if cfg else None, points)
    ckpt, detect = args
    return (from_bytes(ckpt), detect)


def main(argv: list[str] | None = None, preload: bool = True) -> None:
    """A worker process: one Host over the socket the server passed down (fd). `preload`
    False: gan_core.worker_boot has imported PRELOAD already."""
    import signal
    import socket
    from multiprocessing.connection import Connection

    from .device import configure_threads
    opts = parse_flags(argv)
    # Ctrl-C in the server's terminal reaches the whole process group: the server shuts
    # its workers down itself (or they see its socket close), without a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    configure_threads(opts.threads)  # before PRELOAD: its pools get the bound
    if preload:
        preload()
    conn = Connection(socket.socket(fileno=opts.fd).detach())
    host = Host(conn.send, opts.slots)
    conn.send(("ready", None))
    while _serve_one(host, conn):
        pass


def parse_flags(argv: list[str] | None):
    import argparse
    parser = argparse.ArgumentParser(prog="python -m gan_core.run_host")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--slots", type=int, default=DEFAULT_SLOTS)
    return parser.parse_args(argv)


def preload() -> None:
    import importlib
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # optional here: a run that needs it reports the error itself
            pass


def _serve_one(host: Host, conn) -> bool:
    """One message; False when the host is done. A message that cannot be read or carried
    out (say, a probe whose module this process cannot import) is reported, not fatal:
    the worker hosts other people's runs too."""
    try:
        return host.handle(conn.recv())
    except (EOFError, OSError):  # the server went away: nothing left to train for
        host.close()
        return False
    except Exception as err:
        print(f"gan_core.run_host: a message failed: {type(err).__name__}: {err}",
              file=sys.stderr, flush=True)
        return True


if __name__ == "__main__":
    main()

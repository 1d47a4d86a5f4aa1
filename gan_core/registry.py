"""The server's runs, owned by one process-wide registry and keyed by a random id.

A browser session keeps only the id (in its session state, which survives a websocket
reconnect); the run itself lives here, so a dropped connection no longer takes it along.
A run nobody has looked at for `grace` seconds is stopped and freed by a reaper thread,
and at most `cap` runs are alive at once: past it, a new run takes the place of one that
nobody watches and that is not training, or is refused. Never imports Streamlit: the UI passes in how
to tell whether a run's viewers are still connected (`in_view`).

Settings: GAN_LEVERS_RUN_GRACE (seconds, default 600) and GAN_LEVERS_MAX_RUNS (default
32) in the environment.
"""
from __future__ import annotations

import atexit
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from .i18n import Msg

DEFAULT_GRACE = 600.0
DEFAULT_CAP = 32
MAX_VIEWERS = 8  # a run's viewer keys (browser sessions); the newest are kept


class RunLimitReached(RuntimeError):
    """The server already holds its maximum of live runs."""

    def __init__(self, cap: int):
        super().__init__(Msg("errors.run_limit_one" if cap == 1 else "errors.run_limit", cap=cap))
        self.cap = cap


@dataclass
class Entry:
    trainer: object
    seen: float  # the registry's clock when someone last looked at the run
    viewers: list = field(default_factory=list)


def _env_number(name: str, default: float, cast=float, low: float = 0) -> float:
    """A positive number from the environment; an unreadable value names itself and fails."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = cast(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if value <= low:
        raise ValueError(f"{name} must be more than {low}, got {raw!r}")
    return value


class Registry:
    """Runs by id. All methods are safe from any thread; `clock` is injectable for tests."""

    def __init__(self, grace: float = DEFAULT_GRACE, cap: int = DEFAULT_CAP,
                 clock: Callable[[], float] = time.monotonic,
                 in_view: Callable[[list], bool] | None = None):
        self.grace, self.cap, self.clock = float(grace), int(cap), clock
        self.in_view = in_view  # callable(viewers) -> True while one of them is connected
        self._runs: dict[str, Entry] = {}
        self._reaped: deque[str] = deque(maxlen=1024)  # so a page can say why its run went
        self._lock = threading.Lock()
        self._reaper: threading.Thread | None = None
        self._quit = threading.Event()

    # ----- owning runs
    def add(self, make: Callable[[], object], viewer=None) -> str:
        """Build a run with `make()` and keep it; returns its new id. At the cap, frees a
        run that nobody watches and that is not training, if there is one; else raises
        RunLimitReached (before building)."""
        self._make_room()
        trainer = make()  # slow (nets, the target's reference): outside the lock
        with self._lock:
            if self._live() >= self.cap:  # others got in while this one was built
                trainer.stop(timeout=1.0)
                raise RunLimitReached(self.cap)
            run_id = secrets.token_urlsafe(12)
            self._runs[run_id] = Entry(trainer, self.clock())
        self.look(run_id, viewer)
        self._ensure_reaper()
        return run_id

    def _make_room(self) -> None:
        # Page reloads leave runs behind (a reload is a new session): without this, a class
        # reloading a few times would fill the server with runs nobody can reach for the
        # whole grace period. A run still training, or with a tab connected, is never taken.
        with self._lock:
            if self._live() < self.cap:
                return
            spare = [(e.seen, k) for k, e in self._runs.items()
                     if getattr(e.trainer, "state", "") in ("idle", "paused", "error")
                     and not self._watched(e)]
            if not spare:
                raise RunLimitReached(self.cap)
            key = min(spare)[1]
            entry = self._runs.pop(key)
            self._reaped.append(key)
        entry.trainer.stop(timeout=5.0)

    def _live(self) -> int:
        """Runs that count against the cap (call with the lock held): a run stopped from
        outside (interpreter exit, a test's clean-up) holds no thread and is dropped at
        the next reap."""
        return sum(1 for e in self._runs.values() if getattr(e.trainer, "state", "") != "stopped")

    def room(self) -> int:
        with self._lock:
            return max(0, self.cap - self._live())

    def get(self, run_id: str | None, viewer=None):
        """The run's trainer (None if unknown or reaped); counts as looking at it."""
        entry = self.look(run_id, viewer)
        return None if entry is None else entry.trainer

    def look(self, run_id: str | None, viewer=None) -> Entry | None:
        with self._lock:
            entry = self._runs.get(run_id) if run_id else None
            if entry is None:
                return None
            entry.seen = self.clock()
            if viewer is not None and viewer not in entry.viewers:
                entry.viewers = [*entry.viewers, viewer][-MAX_VIEWERS:]
            return entry

    def was_reaped(self, run_id: str | None) -> bool:
        with self._lock:
            return run_id in self._reaped

    def remove(self, run_id: str) -> None:
        """Stop and forget a run now."""
        with self._lock:
            entry = self._runs.pop(run_id, None)
        if entry is not None:
            entry.trainer.stop(timeout=5.0)

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._runs)

    def items(self) -> list[tuple[str, object]]:
        with self._lock:
            return [(k, e.trainer) for k, e in self._runs.items()]

    def __len__(self) -> int:
        with self._lock:
            return len(self._runs)

    def training(self) -> int:
        """How many runs are training now."""
        return sum(1 for _, trainer in self.items() if _state(trainer) == "running")

    # ----- reaping
    def reap(self) -> list[str]:
        """Stop and free every run unseen for longer than `grace`; returns their ids. A run
        whose viewer is still connected counts as seen now (a page left open, paused).
        Runs already stopped from outside are dropped too, without being called idle."""
        now = self.clock()
        with self._lock:
            entries = list(self._runs.items())
        idle, dead = [], []
        for run_id, entry in entries:
            if getattr(entry.trainer, "state", "") == "stopped":
                dead.append(run_id)
            elif self._watched(entry):
                entry.seen = now
            elif now - entry.seen > self.grace:
                idle.append(run_id)
        with self._lock:
            # looked at since the scan (seen > now): kept
            idle = [k for k in idle if k in self._runs and now - self._runs[k].seen > self.grace]
            stale = [self._runs.pop(k) for k in idle + dead if k in self._runs]
            self._reaped.extend(idle)
        for entry in stale:
            entry.trainer.stop(timeout=5.0)
        return idle

    def _watched(self, entry: Entry) -> bool:
        if self.in_view is None or not entry.viewers:
            return False
        try:
            return bool(self.in_view(list(entry.viewers)))
        except Exception:  # a broken hook must not keep runs alive forever, nor kill the reaper
            return False

    def reap_every(self) -> float:
        """How often the reaper looks: a fifth of the grace period, between 0.2 s and 30 s."""
        return min(30.0, max(0.2, self.grace / 5))

    def _ensure_reaper(self) -> None:
        with self._lock:
            if self._reaper is not None and self._reaper.is_alive():
                return
            self._reaper = threading.Thread(target=self._reap_loop, name="gan-levers-reaper",
                                            daemon=True)
            self._reaper.start()

    def _reap_loop(self) -> None:
        while not self._quit.wait(self.reap_every()):
            try:
                self.reap()
            except Exception:  # keep reaping: one failed stop must not leak every later run
                pass

    def clear(self) -> None:
        """Stop and forget every run (a test's clean-up)."""
        for run_id in self.ids():
            self.remove(run_id)

    def close(self) -> None:
        """Stop the reaper and every run (server shutdown)."""
        self._quit.set()
        self.clear()


_SERVER: Registry | None = None
_SERVER_LOCK = threading.Lock()


def _state(trainer) -> str:
    try:
        return trainer.status()["state"]
    except Exception:  # a run being torn down does not count
        return ""


def server() -> Registry:
    """The process-wide registry, made on first use with the environment's settings."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None:
            _SERVER = Registry(grace=_env_number("GAN_LEVERS_RUN_GRACE", DEFAULT_GRACE),
                               cap=int(_env_number("GAN_LEVERS_MAX_RUNS", DEFAULT_CAP, int)))
            atexit.register(_SERVER.close)
        return _SERVER

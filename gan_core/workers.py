"""Worker processes that train the server's runs, so the UI keeps its interpreter's GIL and
a server with more cores trains more runs at once.

One process per core by default (GAN_LEVERS_WORKERS; 0 trains in the server's own
threads, as before), not one per run: torch costs ~300 MB a process. Each worker is
`python -m gan_core.worker_boot` (`gan_core.run_host`, its imports at low priority) over
a socket pair, hosting many runs and sharing its core between them in turns
(`gan_core.run_host.Host`); a new run goes to an empty worker, or (while a spare boots)
one with few runs, else to the one with the fewest (`Pool.place`).
The server side of a run is a `gan_core.remote.RemoteTrainer`.

A worker that dies (killed, out of memory) fails its runs with a message that says so;
the next run starts a new worker in its place.

Settings (environment): GAN_LEVERS_WORKERS (processes, default one per core),
GAN_LEVERS_WORKER_SLOTS (runs a worker trains at once before queueing, default 16),
GAN_LEVERS_THREADS (torch threads per worker, default cores / workers).
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from .host_link import DEFAULT_SLOTS, HostLink

# Imports nothing heavy: app.py reads the settings before the server listens, and torch
# then loads in the warm-up thread (ui.warmup).
ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 120.0  # s for a new worker to import torch on a loaded machine
# A run goes to a worker with fewer than SHARE runs, rather than to a new one booted there
# and then; the next worker boots as a spare once the server is quiet (under QUIET of a
# core for CALM seconds running; at most SPARE_WAIT s after it was wanted). Booting one
# imports torch for ~3 s of a core: beside a new visitor's first page on this 2-core
# machine, it took that page from 3.6 to 5.2 s (benchmarks/cold_start.py, warm).
SHARE = 2
QUIET = 0.25
CALM = 5
SPARE_WAIT = 60.0


def worker_count() -> int:
    """GAN_LEVERS_WORKERS, else one per core. 0: train in the server's own threads."""
    raw = os.environ.get("GAN_LEVERS_WORKERS", "").strip()
    if not raw:
        return os.cpu_count() or 1
    try:
        count = int(raw)
    except ValueError:
        raise ValueError(f"GAN_LEVERS_WORKERS={raw!r} is not a whole number") from None
    if count < 0:
        raise ValueError(f"GAN_LEVERS_WORKERS must be 0 or more, got {raw!r}")
    return count


def worker_slots() -> int:
    raw = os.environ.get("GAN_LEVERS_WORKER_SLOTS", "").strip()
    try:
        slots = int(raw) if raw else DEFAULT_SLOTS
    except ValueError:
        raise ValueError(f"GAN_LEVERS_WORKER_SLOTS={raw!r} is not a whole number") from None
    if slots < 1:
        raise ValueError(f"GAN_LEVERS_WORKER_SLOTS must be 1 or more, got {raw!r}")
    return slots


def read_flags(argv: list[str]) -> None:
    """`streamlit run app.py -- --ray-address ADDRESS --workers N` sets the variables these
    read (a flag wins over the environment); a bad flag stops the start with its usage."""
    import argparse
    parser = argparse.ArgumentParser(prog="streamlit run app.py --")
    parser.add_argument("--ray-address", help="train every run on this Ray cluster (GAN_LEVERS_RAY_ADDRESS)")
    parser.add_argument("--workers", type=int, help="worker processes; 0 trains in the server (GAN_LEVERS_WORKERS)")
    flags = parser.parse_args(argv)
    if flags.ray_address is not None:
        os.environ["GAN_LEVERS_RAY_ADDRESS"] = flags.ray_address
    if flags.workers is not None:
        os.environ["GAN_LEVERS_WORKERS"] = str(flags.workers)


def check_settings() -> None:
    """Raise ValueError, naming the variable, if a worker (or Ray) setting cannot be read."""
    worker_count()
    worker_slots()
    if backend() == "ray":
        from . import ray_runs
        ray_runs.check_settings()


def threads_per_worker(workers: int) -> int:
    forced = os.environ.get("GAN_LEVERS_THREADS", "").strip()
    if forced.isdigit() and int(forced) > 0:
        return int(forced)
    return max(1, (os.cpu_count() or 1) // max(1, workers))


class Worker(HostLink):
    """One worker process and the runs it hosts, over a socket pair."""

    def __init__(self, index: int, threads: int, slots: int):
        self.index = index
        ours, theirs = socket.socketpair()
        # GAN_LEVERS_THREADS too: each Trainer the worker builds calls configure_threads()
        # again, which would otherwise pick min(cores - 1, 4) and undo --threads
        env = {**os.environ, "GAN_LEVERS_THREADS": str(threads), "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gan_core.worker_boot", "--fd", str(theirs.fileno()),
             "--threads", str(threads), "--slots", str(slots)],
            pass_fds=(theirs.fileno(),), env=env, cwd=str(ROOT), stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(ours.detach())
        super().__init__(f"gan-levers-worker{index}")

    def _transmit(self, messages: list) -> None:
        for message in messages:
            self.conn.send(message)

    def _receive(self) -> list:
        return [self.conn.recv()]

    def _lost(self, err: Exception) -> str:
        code = self.process.poll()
        return "the training worker process stopped" + (
            f" (exit code {code})" if code is not None else "")

    def close(self, timeout: float = 5.0) -> None:
        if not self.dead:
            self._outbox.put(("quit",))
            self._outbox.put(None)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)

    def memory(self) -> int:
        """Resident bytes of the process (0 where /proc cannot tell)."""
        try:
            pages = int(Path(f"/proc/{self.process.pid}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            return 0
        return pages * os.sysconf("SC_PAGE_SIZE")


class Pool:
    """The server's worker processes, started on first use (or by `start()`)."""

    def __init__(self, workers: int, slots: int | None = None, threads: int | None = None):
        self.size = max(1, int(workers))
        self.slots = slots or worker_slots()
        self.threads = threads or threads_per_worker(self.size)
        self.workers: list[Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self._spare: threading.Thread | None = None

    def start(self) -> None:
        """Boot the first worker ahead of the first run."""
        with self._lock:
            self._prune()
            if not self.workers:
                self._add()

    def _prune(self) -> None:
        if self._closed:
            raise RuntimeError("the worker pool is shut down")
        self.workers = [w for w in self.workers if not w.dead]

    def _add(self) -> Worker:
        worker = Worker(len(self.workers), self.threads, self.slots)
        self.workers.append(worker)
        return worker

    def place(self) -> Worker:
        """An empty worker; else, while there is room, one with fewer than SHARE runs
        (a spare then boots when the server is quiet) or a new one; else the one with the
        fewest runs. Workers start as runs need them: each imports torch (seconds of CPU)
        and holds ~0.5 GB."""
        with self._lock:
            self._prune()
            empty = [w for w in self.workers if w.load() == 0]
            room = len(self.workers) < self.size
            if room and len(empty) <= 1:
                if not empty and all(w.load() >= SHARE for w in self.workers):
                    return self._add()
                self._spare_when_quiet()  # for the next run
            return empty[0] if empty else min(self.workers, key=Worker.load)

    def _spare_when_quiet(self) -> None:
        """Boot one more worker in the background once the server is quiet (lock held)."""
        if self._spare is None or not self._spare.is_alive():
            self._spare = threading.Thread(target=self._boot_spare, name="gan-levers-spare",
                                           daemon=True)
            self._spare.start()

    def _boot_spare(self) -> None:
        wait_quiet(SPARE_WAIT)
        with self._lock:
            if self._closed:
                return
            self._prune()
            if len(self.workers) < self.size and all(w.load() for w in self.workers):
                self._add()

    def trainer(self, cfg, points=None, **options):
        from .remote import RemoteTrainer
        worker = self.place()
        return RemoteTrainer(worker, secrets.token_urlsafe(9), cfg, points, relink=self.place,
                             **options)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self.workers = self.workers, []
        for worker in workers:
            worker.close()

    def memory(self) -> list[int]:
        with self._lock:
            return [w.memory() for w in self.workers]

    def training(self) -> int:
        """Runs training on the workers now, as they last said."""
        with self._lock:
            return sum(w.census[1] for w in self.workers if not w.dead)


def make_trainer(cfg, points=None, **options):
    """The one place that picks where a run trains: on a Ray cluster when
    GAN_LEVERS_RAY_ADDRESS is set, else in the worker processes, else (GAN_LEVERS_WORKERS=0)
    in a thread of this process. All three give the Trainer API the pages use."""
    address = ray_address()
    if address:
        from . import ray_runs
        return ray_runs.trainer(address, cfg, points, **options)
    workers = pool()
    if workers is None:
        from .trainer import Trainer
        return Trainer(cfg, points=points, **options)
    return workers.trainer(cfg, points, **options)


def training() -> int:
    """Runs training outside this process now, as their hosts last said."""
    if backend() == "ray":
        from . import ray_runs
        return ray_runs.training()
    workers = pool() if backend() == "processes" else None
    return workers.training() if workers is not None else 0


def start() -> None:
    """Make ready where runs train, before the first Train: the worker processes boot
    (each importing torch), or the server joins the Ray cluster."""
    address = ray_address()
    if address:
        from . import ray_runs
        ray_runs.connect(address)
        return
    workers = pool()
    if workers is not None:
        workers.start()


def ray_address() -> str:
    return os.environ.get("GAN_LEVERS_RAY_ADDRESS", "").strip()


def backend() -> str:
    if ray_address():
        return "ray"
    return "threads" if worker_count() == 0 else "processes"


_POOL: Pool | None = None
_POOL_LOCK = threading.Lock()


def wait_quiet(limit: float, quiet: float = QUIET, calm: int = CALM) -> None:
    """Until this process has used under `quiet` of a core for `calm` seconds running,
    or `limit` s have passed."""
    end, runs = time.monotonic() + limit, 0
    last = time.process_time()
    while runs < calm and time.monotonic() < end:
        time.sleep(1.0)
        now = time.process_time()
        runs = runs + 1 if now - last < quiet else 0
        last = now


def pool() -> Pool | None:
    """The server's pool, made on first use; None when GAN_LEVERS_WORKERS=0."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            count = worker_count()
            if count == 0:
                return None
            _POOL = Pool(count)
            import atexit
            atexit.register(_POOL.close)
        return _POOL


def shutdown() -> None:
    """Stop the worker processes, if any were started (server shutdown)."""
    with _POOL_LOCK:
        workers = _POOL
    if workers is not None:
        workers.close()

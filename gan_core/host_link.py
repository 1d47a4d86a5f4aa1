"""The server's end of one `gan_core.run_host.Host`, whatever carries its messages: a worker
process's socket (`gan_core.workers.Worker`) or a Ray actor (`gan_core.ray_runs`).

A module of its own, importing nothing of gan_core, because both of those use it and
`workers.make_trainer` imports `ray_runs`: neither may import the other (the import
layers test), and run_host, which ray_runs needs, takes DEFAULT_SLOTS from here.
"""
from __future__ import annotations

import itertools
import pickle
import queue
import threading

DEFAULT_SLOTS = 16  # runs one host trains at once; the rest queue


class HostLink:
    """The runs one host holds and the calls waiting on its replies, with a writer thread
    that sends the controls in order (a page never waits on the transport) and a reader
    thread that hands each of the host's messages to its run (`gan_core.remote`).

    A subclass gives the transport: `_transmit(messages)` sends a batch in order,
    `_receive()` returns the next messages, and `_lost(err)` says why the host is gone
    once either raises EOFError or OSError. It sets up its transport before calling
    this __init__, which starts the threads."""

    def __init__(self, name: str):
        self.runs: dict[str, object] = {}
        self.ready = threading.Event()
        self.dead = ""  # why it stopped, once it has
        self.census = (0, 0)  # (runs held, runs training) as the host last said
        self._outbox: queue.Queue = queue.Queue()
        self._calls: dict[int, list] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        for part, body in (("writer", self._write), ("reader", self._read)):
            threading.Thread(target=body, name=f"{name}-{part}", daemon=True).start()

    # ----- what a RemoteTrainer calls
    def attach(self, proxy, spec: dict) -> None:
        with self._lock:
            self.runs[proxy.run_id] = proxy
        self.send(("create", proxy.run_id, spec))
        if self.dead:
            proxy.lose(self.dead)

    def detach(self, run_id: str) -> None:
        with self._lock:
            known = self.runs.pop(run_id, None) is not None
        if known:
            self.send(("drop", run_id))

    def send(self, message) -> None:
        if message[0] == "set":  # a probe from a page: refuse it here, where the caller sees
            _check_picklable(message)  # it, not in the writer thread, which it would stop
        if not self.dead:
            self._outbox.put(message)

    def call(self, message, timeout: float):
        """Send a ("call", run_id, _, seq, method, args) and wait for its answer (at once
        the reason, when the host is gone: nothing would answer)."""
        call_id = next(self._ids)
        slot = [threading.Event(), None, None]
        with self._lock:  # _die sets `dead` before it takes the lock to fail the calls
            if self.dead:
                raise RuntimeError(self.dead)
            self._calls[call_id] = slot
        self.send((message[0], message[1], call_id, *message[3:]))
        if not slot[0].wait(timeout):
            with self._lock:
                self._calls.pop(call_id, None)
            raise TimeoutError(f"the training process did not answer within {timeout:g} s")
        if not slot[1]:
            raise RuntimeError(slot[2])
        return slot[2]

    def load(self) -> int:
        with self._lock:
            return len(self.runs)

    # ----- the transport, for a subclass
    def _transmit(self, messages: list) -> None:
        raise NotImplementedError

    def _receive(self) -> list:
        raise NotImplementedError

    def _lost(self, err: Exception) -> str:
        raise NotImplementedError

    # ----- threads
    def _write(self) -> None:
        """Until told to stop (None in the outbox) or the transport fails."""
        while True:
            batch = self._take()
            messages = [m for m in batch if m is not None]
            try:
                if messages:
                    self._transmit(messages)
            except (EOFError, OSError, ValueError):
                return  # the reader sees the end too and says why
            if len(messages) < len(batch):
                return

    def _take(self) -> list:
        """The next message, and every one queued behind it: one transfer for a burst."""
        batch = [self._outbox.get()]
        while batch[-1] is not None:
            try:
                batch.append(self._outbox.get_nowait())
            except queue.Empty:
                break
        return batch

    def _read(self) -> None:
        try:
            while True:
                for message in self._receive():
                    self._dispatch(message)
        except (EOFError, OSError) as err:
            reason = self._lost(err)
        self._die(reason)

    def _dispatch(self, message) -> None:
        kind = message[0]
        if kind == "ready":
            self.ready.set()
        elif kind == "state":
            proxy = self.runs.get(message[1])
            if proxy is not None:
                proxy.receive(message[2], message[3])
        elif kind == "queue":
            positions = message[1]
            for run_id, proxy in list(self.runs.items()):
                proxy.set_queue(positions.get(run_id, 0))
        elif kind == "census":
            self.census = (message[1], message[2])
        elif kind == "reply":
            with self._lock:
                slot = self._calls.pop(message[1], None)
            if slot is not None:
                slot[1], slot[2] = message[2], message[3]
                slot[0].set()
        elif kind == "gone":
            proxy = self.runs.get(message[1])
            if proxy is not None:
                proxy.lose(message[2])

    def _die(self, reason: str) -> None:
        self.dead = reason + ". Press Reset to start the run again."
        self.ready.set()
        self._outbox.put(None)
        with self._lock:
            runs, calls = list(self.runs.values()), list(self._calls.values())
            self._calls.clear()
        for proxy in runs:
            proxy.lose(self.dead)
        for slot in calls:
            slot[1], slot[2] = False, self.dead
            slot[0].set()


def _check_picklable(message) -> None:
    try:
        pickle.dumps(message)
    except Exception as err:
        raise TypeError(f"{message[2]} cannot be sent to the run's host (it must be picklable, "
                        f"e.g. a module-level function or functools.partial of one): {err}") from None

"""Runs that train on a Ray cluster (GAN_LEVERS_RAY_ADDRESS, or app.py's --ray-address):
one actor per run, each hosting a `gan_core.run_host.Host` with that one run, and the
server's mirror of it a `gan_core.remote.RemoteTrainer`, as with the worker processes.

How the messages travel (`RayLink`, a `gan_core.host_link.HostLink`):
- controls: the link's writer thread submits each burst as one `handle` task and waits
  for it before the next. Ray runs a single-threaded actor's tasks from one submitter in
  order, but this actor has two concurrency groups, and the docs promise no order once
  an actor runs tasks on more than one thread: waiting keeps the order without relying
  on it, at the cost of one round trip a burst.
- the host's messages: the reader thread long-polls `drain(wait)`, which runs in its own
  concurrency group ("feed"), so a poll never waits behind a control and a control never
  waits behind a poll.
Both ways the messages travel pickled, as over a worker's socket: `ray.get` would hand
back numpy arrays that are read-only views of the object store.

The actor trains on the device `gan_core.device.pick_device` finds in its process: a GPU
when Ray gave it a share of one (GAN_LEVERS_RAY_GPUS, asked only when the cluster has
GPUs), else the CPU (GAN_LEVERS_RAY_CPUS per actor, fractional so one core holds several
runs). A dead actor, or a cluster that stops answering, fails its run with a message;
stop() kills the actor. Ray is imported here only, and only once a run is made or the
server connects: without the variable the app never imports it.
"""
from __future__ import annotations

import os
import pickle
import queue
import secrets
import sys
import threading
import weakref
from pathlib import Path

from .host_link import HostLink

PACKAGE = Path(__file__).resolve().parent  # shipped to the cluster's nodes (py_modules)
DRAIN_WAIT = 1.0  # s a poll of the host's messages waits for the first one
ANSWER_TIMEOUT = 120.0  # s: room for the actor on the cluster, and torch's import there
DEFAULT_CPUS = 0.25  # of a core per run: most of a class's runs sit paused at any moment
DEFAULT_GPUS = 0.25

_LOCK = threading.Lock()
_LINKS: weakref.WeakSet = weakref.WeakSet()
_ACTOR = None  # the Ray actor class, made once ray is imported


def _share(name: str, default: float) -> float:
    """A resource per actor from the environment: Ray takes a fraction below 1 or a whole
    number."""
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if value < 0 or (value > 1 and not value.is_integer()):
        raise ValueError(f"{name} must be a fraction from 0 to 1 or a whole number, got {raw!r}")
    return value


def cpus() -> float:
    return _share("GAN_LEVERS_RAY_CPUS", DEFAULT_CPUS)


def gpus() -> float:
    return _share("GAN_LEVERS_RAY_GPUS", DEFAULT_GPUS)


def check_settings() -> None:
    cpus()
    gpus()


def connect(address: str, **init):
    """Join the cluster once per server, shipping gan_core to its nodes; returns `ray`.
    `init` goes to ray.init (the tests start a local Ray with num_cpus=2)."""
    import ray
    with _LOCK:
        if ray.is_initialized():
            return ray
        failed = _init_on_a_thread_that_stays(lambda: ray.init(
            address=address, ignore_reinit_error=True,
            runtime_env={"py_modules": [str(PACKAGE)], "excludes": ["__pycache__"]}, **init))
    if isinstance(failed, ConnectionError):  # the pages show a RuntimeError; the next run tries again
        raise RuntimeError(f"could not join the Ray cluster at {address!r}: {failed}") from failed
    if failed is not None:
        raise failed
    return ray


def _init_on_a_thread_that_stays(init) -> BaseException | None:
    """Call init() on a thread that then waits for good; returns what it raised. A Ray that
    ray.init starts itself (address "local") dies with the thread that started it (its
    processes ask for SIGKILL when their parent thread ends): the warm-up thread and a
    page's script thread both end, and took the cluster with them."""
    outcome: list = []
    done = threading.Event()

    def body():
        try:
            init()
            outcome.append(None)
        except BaseException as err:
            outcome.append(err)
        done.set()
        if outcome[0] is None:
            threading.Event().wait()

    threading.Thread(target=body, name="gan-levers-ray", daemon=True).start()
    done.wait()
    return outcome[0]


def trainer(address: str, cfg, points=None, **options):
    """A new run in its own actor, behind the Trainer API the pages use."""
    from .remote import RemoteTrainer
    ray = connect(address)
    run_id = secrets.token_urlsafe(9)
    link = _new_link(ray, run_id)
    try:  # relink: a Reset after the actor was lost starts the run in a new one
        return RemoteTrainer(link, run_id, cfg, points, relink=lambda: _new_link(ray, run_id),
                             **options)
    except BaseException:  # the mirror refused the config: its actor must not linger
        link.close()
        raise


def _new_link(ray, run_id: str) -> "RayLink":
    actor = _actor_class(ray).options(**_resources(ray)).remote(max(1, int(cpus())))
    return RayLink(actor, run_id)


def _resources(ray) -> dict:
    share = gpus()
    if share and ray.cluster_resources().get("GPU", 0) > 0:
        return {"num_cpus": cpus(), "num_gpus": share}
    return {"num_cpus": cpus()}


def _actor_class(ray):
    global _ACTOR
    with _LOCK:
        if _ACTOR is None:
            _ACTOR = ray.remote(concurrency_groups={"feed": 1})(RunActor)
        return _ACTOR


def training() -> int:
    """Runs training on the cluster now, as their actors last said."""
    return sum(link.census[1] for link in list(_LINKS) if not link.dead)


class RunActor:
    """The actor's body: one Host with one run (see the module's docstring)."""

    def __init__(self, threads: int):
        from .device import configure_threads
        from .run_host import Host
        # Trainer.__init__ calls configure_threads() again, which reads this variable
        os.environ["GAN_LEVERS_THREADS"] = str(threads)
        configure_threads(threads)
        self._outbox: queue.Queue = queue.Queue()
        self._host = Host(self._outbox.put, slots=1)

    def handle(self, messages: list[bytes]) -> None:
        """The server's messages, each pickled alone: one that cannot be read or carried
        out is reported and the rest go on, as in a worker process."""
        for blob in messages:
            try:
                self._host.handle(pickle.loads(blob))
            except Exception as err:
                print(f"gan_core.ray_runs: a message failed: {type(err).__name__}: {err}",
                      file=sys.stderr, flush=True)

    def drain(self, wait: float) -> bytes:
        """The host's messages so far, after waiting up to `wait` s for the first."""
        try:
            messages = [self._outbox.get(timeout=wait)]
        except queue.Empty:
            return pickle.dumps([])
        while True:
            try:
                messages.append(self._outbox.get_nowait())
            except queue.Empty:
                return pickle.dumps(messages, protocol=5)


class RayLink(HostLink):
    """One run's actor, as the link its RemoteTrainer talks through."""

    def __init__(self, actor, run_id: str):
        self.actor = actor
        self._why = ""  # the first failure: what the run's message says
        super().__init__(f"gan-levers-ray-{run_id[:6]}")
        _LINKS.add(self)

    def detach(self, run_id: str) -> None:
        super().detach(run_id)
        self.close()

    def close(self) -> None:
        self._outbox.put(None)  # the writer sends what is queued, then kills the actor

    def _transmit(self, messages: list) -> None:
        blobs = [pickle.dumps(m, protocol=5) for m in messages]
        self._get(self.actor.handle.remote(blobs))

    def _receive(self) -> list:
        poll = self.actor.drain.options(concurrency_group="feed").remote(DRAIN_WAIT)
        return pickle.loads(self._get(poll))

    def _get(self, ref):
        """ray.get, with Ray's failures as the errors HostLink's threads end on."""
        import ray
        try:
            return ray.get(ref, timeout=ANSWER_TIMEOUT)
        except ray.exceptions.GetTimeoutError:
            self._why = self._why or (
                f"the Ray cluster did not answer within {ANSWER_TIMEOUT:g} s (no room for"
                " the run's actor, or the cluster is out of reach)")
            raise TimeoutError(self._why) from None
        except ray.exceptions.RayError as err:
            self._why = self._why or _reason(err, ray)
            raise ConnectionError(self._why) from err

    def _write(self) -> None:
        super()._write()
        self._kill()  # stopped, or unreachable: either way it must not hold its share

    def _lost(self, err: Exception) -> str:
        self._kill()
        return self._why or f"the Ray actor training this run stopped: {err}"

    def _kill(self) -> None:
        import ray
        try:
            ray.kill(self.actor, no_restart=True)
        except Exception:
            pass  # already gone, or its cluster with it


def _reason(err: Exception, ray) -> str:
    if isinstance(err, ray.exceptions.ActorUnavailableError):
        return ("the Ray actor training this run is out of reach (its node, or the cluster's"
                " head node, stopped answering)")
    return f"the Ray actor training this run stopped: {_summary(err)}"


def _summary(err: Exception) -> str:
    """Ray's errors run to many lines of ids, addresses and advice; the last unindented
    line says why ("The actor is dead because it was killed by `ray.kill`. ...")."""
    lines = [line for line in str(err).splitlines() if line.strip() and not line[0].isspace()]
    return lines[-1].split(". ")[0].rstrip(".") if lines else type(err).__name__

"""Compare variants over many seeds (issue #16): one batched ensemble, every member
judged by the same detector as a single run, and per variant the collapse rate with a
95% Wilson interval and the mean and sd of modes captured and HQ.

A GAN's behaviour is a distribution over seeds; "does WGAN-GP collapse less than NS-GAN
on the ring?" is a question about two rates, so each comes with its uncertainty.
"""
from __future__ import annotations

import atexit
import math
import threading
import time
import weakref
from statistics import NormalDist

import numpy as np

from .config import Config
from .device import configure_threads
from .detector import Detector
from .ensemble import Ensemble
from .i18n import Msg
from .variants import config_for

Z95 = NormalDist().inv_cdf(0.975)  # 1.95996...
MAX_SEEDS = 32
MAX_VARIANTS = 4


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials (Wilson 1927): unlike the
    normal approximation it stays inside [0, 1] and is not empty at k = 0 or k = n."""
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def member_configs(target: str, variants: list[str], seeds: int, **overrides) -> list[Config]:
    """Seeds 0..seeds-1 of each variant, with the variant's defaults then `overrides`."""
    return [config_for(v, target=target, seed=s, **overrides)
            for v in variants for s in range(seeds)]


def default_eval_every(steps: int) -> int:
    """About 12 detector checks over a run: the collapse verdict needs 2 of the last 3."""
    return max(50, steps // 12)


class Comparison:
    """An Ensemble plus one Detector per member; `advance` trains and checks."""

    def __init__(self, configs: list[Config], steps: int, eval_every: int = 0, device=None,
                 runs=None):
        self.ensemble = Ensemble(configs, device, runs)
        self.configs = list(configs)
        self.steps = steps
        self.eval_every = eval_every or default_eval_every(steps)
        self.detectors = [Detector(run.out_target, run.cfg) for run in self.ensemble.runs]
        self.rows: list[dict] = [{} for _ in configs]  # each member's last detector row
        self.samples = self.ensemble.samples()  # (K, E, 2) target units
        # (E, 3) per member: its eval latents coloured as on every other page
        self.colours = [run.colours(run.eval_latent()) for run in self.ensemble.runs]
        self.bounds = self.ensemble.runs[0].out_target.bounds
        self._measured: dict = {}
        self._restored: dict = {}  # an opened file's verdicts, until the next check

    @property
    def step_count(self) -> int:
        return self.ensemble.step_count

    @property
    def done(self) -> bool:
        return self.step_count >= self.steps

    def advance(self, n: int) -> None:
        """Up to n steps (not past `steps`), checking every member when a check is due."""
        for _ in range(min(n, self.steps - self.step_count)):
            nxt = self.step_count + 1
            due = nxt % self.eval_every == 0 or nxt == self.steps
            out = self.ensemble.step(measure=due)
            if due:
                self._measured = out
                self.check()

    def check(self) -> None:
        """One detector pass per member on its shown G's eval samples."""
        self.samples = self.ensemble.samples()
        m = self._measured
        for i, det in enumerate(self.detectors):
            losses = {k: float(m[k][i]) for k in ("d_loss", "g_loss") if k in m}
            grads = {k[0]: float(m[k][i]) for k in ("d_grad", "g_grad") if k in m}
            det.evaluate(self.step_count, self.samples[i], losses, grads)
            self.rows[i] = dict(det.history[-1]) if det.history else {}

    # ----- results
    def collapsed(self, i: int) -> bool:
        """The member's latest check raised the detector's collapse alert."""
        if not self.detectors[i].history and self._restored:
            return bool(self._restored["collapsed"][i])
        return any(a.kind == "collapse" for a in self.detectors[i].alerts)

    def _verdict(self, i: int) -> str:
        if not self.detectors[i].history and self._restored:
            return str(self._restored["verdicts"][i])
        return self.detectors[i].verdict.title

    def results_state(self) -> dict:
        """What an ensemble file keeps of the checks (JSON): the table's metrics and verdicts."""
        keep = ("captured", "n_modes", "hq", "coverage")
        return {"rows": [{k: float(r[k]) for k in keep if k in r} for r in self.rows],
                "collapsed": [self.collapsed(i) for i in range(len(self.configs))],
                "verdicts": [self._verdict(i) for i in range(len(self.configs))]}

    def restore(self, state: dict) -> None:
        """An opened file's table, shown until the detectors check again."""
        n = len(self.configs)
        rows, collapsed, verdicts = state.get("rows"), state.get("collapsed"), state.get("verdicts")
        if not (isinstance(rows, list) and isinstance(collapsed, list) and isinstance(verdicts, list)
                and len(rows) == len(collapsed) == len(verdicts) == n):
            raise ValueError(Msg("errors.ensemble_results"))
        self.rows = [{k: float(v) for k, v in dict(r).items()} for r in rows]
        for r in self.rows:
            for k in ("captured", "n_modes"):
                if k in r:
                    r[k] = int(r[k])
        self._restored = {"collapsed": collapsed, "verdicts": verdicts}

    def table(self) -> list[dict]:
        """One row per member, in member order."""
        return [self._member_row(i) for i in range(len(self.configs))]

    def _member_row(self, i: int) -> dict:
        cfg, row = self.configs[i], self.rows[i]
        modes = row.get("n_modes", 0)
        return {"member": i + 1, "variant": cfg.variant, "seed": cfg.seed,
                "step": self.step_count,
                "modes": f"{row['captured']}/{modes}" if modes else "",
                "captured": row.get("captured", math.nan), "n_modes": modes,
                "hq_pct": 100 * row.get("hq", math.nan),
                "coverage": row.get("coverage", math.nan),
                "verdict": self._verdict(i), "collapsed": self.collapsed(i)}

    def summary(self) -> list[dict]:
        """Per variant, in the order given: collapse rate with its 95% Wilson interval,
        and mean and sd (over members) of modes captured and HQ %."""
        table, out = self.table(), []
        for variant in dict.fromkeys(c.variant for c in self.configs):
            rows = [r for r in table if r["variant"] == variant]
            k, n = sum(r["collapsed"] for r in rows), len(rows)
            checked = sum(bool(self.rows[r["member"] - 1]) for r in rows)
            # before the first check there is no rate to show, not a rate of 0
            lo, hi = wilson(k, n) if checked else (math.nan, math.nan)
            out.append({"variant": variant, "members": n, "checked": checked, "collapsed": k,
                        "rate": k / n if checked else math.nan, "rate_lo": lo, "rate_hi": hi,
                        **_mean_sd("modes", [r["captured"] for r in rows]),
                        **_mean_sd("hq_pct", [r["hq_pct"] for r in rows])})
        return out


def _mean_sd(name: str, values: list[float]) -> dict:
    v = np.asarray([x for x in values if x == x], float)  # drop NaN: members not yet checked
    if not len(v):
        return {f"{name}_mean": math.nan, f"{name}_sd": math.nan}
    return {f"{name}_mean": float(v.mean()), f"{name}_sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0}


# --------------------------------------------------------------------------- in a thread
_JOBS: weakref.WeakSet = weakref.WeakSet()


def stop_all_jobs() -> None:
    for job in list(_JOBS):
        job.stop()


atexit.register(stop_all_jobs)  # a daemon thread inside a torch op at exit aborts the process


class CompareJob:
    """Runs a Comparison in a background thread. `latest` is replaced whole at each
    publish, so a page reads it without waiting on a step. States: running, done,
    stopped, error."""

    def __init__(self, comp: Comparison, publish_every: float = 0.5, chunk: int = 5,
                 idle_timeout: float = 0.0):
        configure_threads()  # as the Trainer does: unbounded OpenMP pools stalled the server
        self.comp, self.publish_every, self.chunk = comp, publish_every, chunk
        # > 0: stop (results kept) when nobody has called touch() for this long: a page
        # that was closed does not keep two cores busy for an hour
        self.idle_timeout, self.seen = idle_timeout, time.monotonic()
        self.lock = threading.Lock()
        self.state, self.error = "running", ""
        self._stop = threading.Event()
        self.latest = self._snapshot()
        _JOBS.add(self)
        self.thread = threading.Thread(target=self._loop, name="gan-levers-compare", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        last = time.perf_counter()
        try:
            while not self._stop.is_set() and not self.comp.done and not self._abandoned():
                with self.lock:
                    self.comp.advance(self.chunk)
                if time.perf_counter() - last >= self.publish_every:
                    self.latest, last = self._snapshot(), time.perf_counter()
        except Exception as err:  # shown on the page; the thread must not die silently
            state, self.error = "error", f"{type(err).__name__}: {err}"
        else:
            state = "done" if self.comp.done else "stopped"
        # The last snapshot before the state: whoever sees the job end must find its result
        self.latest = self._snapshot(state)
        self.state = state

    def _snapshot(self, state: str | None = None) -> dict:
        with self.lock:
            comp = self.comp
            return {"step": comp.step_count, "steps": comp.steps, "state": state or self.state,
                    "samples": comp.ensemble.samples(), "table": comp.table(),
                    "summary": comp.summary()}

    def touch(self) -> None:
        self.seen = time.monotonic()

    def _abandoned(self) -> bool:
        return self.idle_timeout > 0 and time.monotonic() - self.seen > self.idle_timeout

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self.thread is not threading.current_thread():
            self.thread.join(timeout)

    def member_run(self, i: int):
        """Member i written back into its Run (between steps)."""
        with self.lock:
            return self.comp.ensemble.member_run(i)

"""What a lesson measures beyond the detector's row, and a lesson's run without a UI.

Each probe is `probe(run, row) -> dict` of plain floats, computed with the functions the
inspector pages use (gan_core.inspect, gan_core.levers, gan_core.metrics). A live caller
holds the trainer's lock (`Trainer.with_models`); the probes never change `run`.
`lesson_row` builds the row the claims read; `train_lesson` trains one seed headless
(benchmarks/lessons.py) and returns its rows.
"""
from __future__ import annotations

import functools

import numpy as np
import torch

from . import inspect as I
from . import levers as L
from . import metrics as M
from .detector import Detector
from .targets import get_target

ALERT_KINDS = ("collapse", "mode_hopping", "discriminator_wins", "off_target", "thin_or_torn",
               "diverged")
# Steps between a lesson run's detector passes at most: the hold rates in the README were
# measured at this spacing (benchmarks/lessons.py), and a live run keeps to it however fast
# it trains, so a claim gets as many looks in its window on any machine.
PROBE_EVERY = 250
MAP_GRID = 24  # the detector's grid (Detector.map_grid), so the two tear scores compare


@functools.cache
def true_mapping(target_name: str) -> tuple[float, float]:
    """(tear score, folded share) of the target's own latent map on its latent square."""
    target = get_target(target_name)
    mm = M.mapping_metrics(target.true_map, 2, n=MAP_GRID, extent=1.0)
    return mm["tear_score"], mm["fold_share"]


def true_map(run, row: dict) -> dict:
    """Lazarou's comparison: G's tears and folds against the true map's."""
    if "tear_score" not in row or getattr(run.out_target, "true_map", None) is None:
        return {}
    tear, fold = true_mapping(run.out_target.name)
    return {"true_tear_score": tear, "tear_excess": row["tear_score"] - tear,
            "true_fold_share": fold, "fold_excess": row["fold_share"] - fold}


def g_step(run, row: dict) -> dict:
    """The tutorial's before/after: one G step on a copy; how D's features moved."""
    if I.feature_support(run):
        return {}
    with torch.enable_grad():  # a live caller reads the run under no_grad (with_models)
        shift = I.run_g_steps(I.clone_run(run), k=1).shift
    return {"real_moved": shift["real_moved"], "fake_moved": shift["fake_moved"],
            "gap_closed": shift["gap_before"] - shift["gap_after"]}


def _on_mode(points, target, mode: int) -> np.ndarray:
    """(N,) True where a point is within 3 sigma of `mode` and nearest to it."""
    d = M.scaled_distance(points, target.mode_centers, target.mode_sigmas)  # (N, K)
    return (d.argmin(1) == mode) & (d[:, mode] < M.HQ_SIGMAS)


def condition(run, row: dict, n: int = 200, n_base: int = 12) -> dict:
    """cGAN: the share of G(z, c) on mode c (the condition picks the mode), and for each
    lever swept over its range with c fixed: the share that stays on mode c, and how far
    the point travels (the median sweep's span in units of the mode's sigma)."""
    target, spec = run.out_target, L.lever_spec(run)
    if not spec.n_classes or target.mode_centers is None:
        return {}
    z = run.sample_latent(n, 97).z.detach().cpu().numpy()
    values = L.lever_values(spec.lo, spec.hi, 9)
    base = z[:n_base]
    # every base point's sweeps in one G call per class: the training thread runs this
    # probe every 250 steps, and 96 small calls cost the lesson's run a fifth of its speed
    sweeps = np.concatenate([L.all_sweeps(z0, values) for z0 in base])
    hits, stay, spans = [], [], []
    for c in range(spec.n_classes):
        hits.append(_on_mode(L.decode(run, z, c), target, c).mean())
        x = L.decode(run, sweeps, c).reshape(len(base), spec.dim, len(values), -1)
        sigma = float(np.mean(target.mode_sigmas[c]))
        for xb in x:  # (levers, values, 2) for one base point
            stay.append(_on_mode(xb.reshape(-1, 2), target, c).mean())
            spans.extend(np.linalg.norm(xb.max(1) - xb.min(1), axis=1) / sigma)
    return {"cond_hits": float(np.mean(hits)), "sweep_in_mode": float(np.mean(stay)),
            "sweep_moves": float(np.median(spans))}


def codes(run, row: dict, n: int = 2000) -> dict:
    """InfoGAN: MI(categorical code; the mode a sample lands on) / H(mode), the alignment
    matrix's entry for the code (1: the code alone picks the mode)."""
    target = run.out_target
    latent = run.sample_latent(n, 98)
    if latent.c is None or not getattr(target, "factor_names", None):
        return {}
    x = run.generate(latent)
    real, factors = target.sample(20000, torch.Generator().manual_seed(4321))
    f = M.nearest_factors(x, real.numpy(), factors.numpy())[:, :1]  # (N, 1): the mode
    c = latent.c.detach().cpu().numpy().astype(np.float64)[:, None]
    return {"code_alignment": float(M.lever_alignment(c, f)[0, 0])}


PROBES = {"true_map": true_map, "g_step": g_step, "condition": condition, "codes": codes}


def alert_flags(alerts) -> dict:
    """alert_<kind>: 1.0 when the detector raised that alert on this pass, else 0.0."""
    raised = {a.kind for a in alerts or ()}
    return {f"alert_{k}": float(k in raised) for k in ALERT_KINDS}


def probe_row(lesson, run, det_row: dict) -> dict:
    """The lesson's probes of `run` for the detector's row just made, marked as measured:
    a live run's Trainer.row_probe, so that each row is probed at its own step."""
    row = {k: v for k, v in det_row.items() if isinstance(v, (int, float))}
    out = {"probed": 1.0}
    for name in lesson.probes:
        out.update(PROBES[name](run, {**row, **out}))
    return out


def lesson_row(lesson, run, det_row: dict, alerts=None, probes: bool = True) -> dict:
    """The detector's row (scalars only), its alerts as flags (None: not known for this
    row), and the lesson's probes (measured on `run` as it is now) unless the row was
    probed when it was made."""
    row = {k: v for k, v in det_row.items() if isinstance(v, (int, float))}
    if alerts is not None:
        row.update(alert_flags(alerts))
    if probes and not row.get("probed"):
        row.update(probe_row(lesson, run, row))
    return row


def train_lesson(lesson, seed: int, baseline: bool = False, every: int = PROBE_EVERY,
                 done=None) -> list[dict]:
    """Train the lesson's preset (or its baseline) on CPU to its last deadline, measuring
    every `every` steps as the Playground's detector would; returns the rows. `done(rows)`
    True stops early (the benchmark stops once every claim is settled: a held claim
    cannot change)."""
    from .run import Run
    cfg = lesson.baseline_config(seed=seed) if baseline else lesson.config(seed=seed)
    run = Run(cfg, device=torch.device("cpu"))
    det = Detector.for_run(run)
    last = max(c.by_step for c in lesson.claims)
    rows = []
    while run.step_count < last and not (done and rows and done(rows)):
        for _ in range(every):
            run.step()
        alerts = det.evaluate(run.step_count, run.generate(run.eval_latent()), {}, {},
                              generator=run.latent_map())
        rows.append(lesson_row(lesson, run, det.history[-1], alerts))
    return rows

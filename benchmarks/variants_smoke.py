"""Every registered variant, ~2,000 steps on ring8 and spiral, 3 seeds each.

Prints a table of final losses, modes (or k-means regions) captured, HQ%, wall time
and CPU time per run, then a markdown summary (mean over seeds) per variant and target.
Small nets (2x64, batch 128) and one worker process per core (--jobs, one torch
thread each) keep the whole sweep inside 20 minutes on 2 cores (about 12 CPU-minutes).
A "step" is the engine's step: k_d critic updates and k_g generator updates, so the
n_critic = 5 variants (wgan, wgan_gp) do 10,000 critic updates. Usage:
    python benchmarks/variants_smoke.py [--steps 2000] [--seeds 3] [--variants a,b] [--jobs 2]
        [--targets ring8,spiral] [--nets small|default]

`--nets default` keeps each variant's own default config (config_for(name, target=...),
3x128 nets, batch 256): the check that a variant's defaults give a sensible run (issue 3).
It is slower than the 20-minute sweep (34 min wall, 31 CPU-min, with one worker on 2 shared cores):
    nice -n 10 python benchmarks/variants_smoke.py --nets default \
        --targets eight_gaussians,spiral --seeds 2 --jobs 1
Besides modes captured and HQ it prints PRDC coverage as a share of a perfect sampler's
and the sliced Wasserstein distance to the target before training and at the end
(normalised units; a perfect 2,000-sample set scores ~0.02-0.03).
"""
from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gan_core import metrics  # noqa: E402
from gan_core.config import ConfigError  # noqa: E402
from gan_core.run import Run  # noqa: E402
from gan_core.variants import VARIANTS, config_for  # noqa: E402

SMALL = dict(g_depth=2, g_width=64, d_depth=2, d_width=64, batch_size=128, eval_size=2000)
PAIRS = {"cyclegan2d": "eight_gaussians"}  # cyclegan2d maps A -> target; A is this


def configure(variant: str, target: str, seed: int, nets: str = "small"):
    size = SMALL if nets == "small" else {}
    if variant == "cyclegan2d":
        return config_for(variant, target=PAIRS[variant], target_b=target, seed=seed, **size)
    return config_for(variant, target=target, seed=seed, **size)


def _sample_metrics(run) -> dict:
    fake = run.generate(run.eval_latent())
    if not np.isfinite(fake).all():
        return {"diverged": True}
    return metrics.target_sample_metrics(run.out_target, fake)


def one_run(variant: str, target: str, seed: int, steps: int, nets: str = "small") -> dict:
    cfg = configure(variant, target, seed, nets)
    t0, c0 = time.perf_counter(), time.process_time()
    run = Run(cfg, device=torch.device("cpu"))
    sw0 = _sample_metrics(run).get("sliced_w", math.nan)
    out = {}
    for _ in range(steps):
        out = run.step()
    m = _sample_metrics(run)
    floor_cov = m.get("floor_coverage", math.nan)
    return {"d_loss": out.get("d_loss", math.nan), "g_loss": out.get("g_loss", math.nan),
            "captured": m.get("captured", -1), "n_modes": m.get("n_modes", -1),
            "hq": m.get("hq", math.nan), "coverage": m.get("coverage", math.nan) / floor_cov,
            "sw0": sw0, "sw": m.get("sliced_w", math.nan), "seconds": time.perf_counter() - t0,
            "cpu": time.process_time() - c0}


def task(args) -> tuple:
    """One (variant, target, seed) in a worker: the result dict, or the refusal message."""
    variant, target, seed, steps, nets = args
    torch.set_num_threads(1)
    try:
        return args, one_run(variant, target, seed, steps, nets)
    except ConfigError as err:
        return args, str(err)


def summary(results: list) -> str:
    """Markdown: per variant and target, the mean over seeds (captured as min-max)."""
    rows = ["| variant | target | d_loss | g_loss | captured | HQ% | coverage | SW start -> end "
            "| s/run (wall) | s/run (CPU) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    groups: dict = {}
    for (variant, target, *_), r in results:
        groups.setdefault((variant, target), []).append(r)
    for (variant, target), rs in groups.items():
        ok = [r for r in rs if isinstance(r, dict)]
        if not ok:
            rows.append(f"| {variant} | {target} | refused: {rs[0]} | | | | | | | |")
            continue
        mean = lambda k: statistics.fmean(r[k] for r in ok)
        caps = sorted(int(r["captured"]) for r in ok)
        cap = f"{caps[0]}-{caps[-1]}" if caps[0] != caps[-1] else f"{caps[0]}"
        rows.append(f"| {variant} | {target} | {mean('d_loss'):.3f} | {mean('g_loss'):.3f} | "
                    f"{cap}/{ok[0]['n_modes']} | {100 * mean('hq'):.1f} | {mean('coverage'):.2f} | "
                    f"{mean('sw0'):.2f} -> {mean('sw'):.3f} | {mean('seconds'):.1f} | {mean('cpu'):.1f} |")
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (one per core)")
    ap.add_argument("--targets", default="ring8,spiral")
    ap.add_argument("--nets", choices=("small", "default"), default="small",
                    help="small: 2x64 nets, batch 128; default: each variant's own config")
    args = ap.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    tasks = [(v, t, seed, args.steps, args.nets) for v in args.variants.split(",")
             for t in args.targets.split(",") for seed in range(args.seeds)]
    print(f"{'variant':11s} {'target':15s} {'seed':>4s} {'d_loss':>8s} {'g_loss':>8s} "
          f"{'captured':>9s} {'HQ%':>6s} {'cov':>5s} {'SW0':>5s} {'SW':>6s} {'wall':>6s} {'cpu':>6s}")
    results = []
    with mp.get_context("spawn").Pool(max(1, args.jobs)) as pool:
        for key, r in pool.imap(task, tasks):
            variant, target, seed = key[:3]
            results.append((key, r))
            if isinstance(r, str):
                print(f"{variant:11s} {target:15s} {seed:4d}  refused: {r}", flush=True)
                continue
            print(f"{variant:11s} {target:15s} {seed:4d} {r['d_loss']:8.3f} {r['g_loss']:8.3f} "
                  f"{r['captured']:>4}/{r['n_modes']:<4} {100 * r['hq']:6.1f} {r['coverage']:5.2f} "
                  f"{r['sw0']:5.2f} {r['sw']:6.3f} {r['seconds']:5.1f}s {r['cpu']:5.1f}s", flush=True)
    print()
    print(summary(results))
    print(f"\ntotal {time.perf_counter() - start:.0f} s wall, "
          f"{sum(r['cpu'] for _, r in results if isinstance(r, dict)) / 60:.1f} CPU-min")


if __name__ == "__main__":
    main()

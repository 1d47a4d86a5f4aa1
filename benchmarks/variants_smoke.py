"""Every registered variant, ~2,000 steps on ring8 and spiral, 3 seeds each.

Prints a table of final losses, modes (or k-means regions) captured, HQ% and wall
time per run. Small nets (2x64, batch 128) keep the whole sweep inside 20 minutes on
2 cores. Usage:
    python benchmarks/variants_smoke.py [--steps 2000] [--seeds 3] [--variants a,b]
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gan_core import metrics  # noqa: E402
from gan_core.config import ConfigError  # noqa: E402
from gan_core.trainer import Run  # noqa: E402
from gan_core.variants import VARIANTS, config_for  # noqa: E402

SMALL = dict(g_depth=2, g_width=64, d_depth=2, d_width=64, batch_size=128, eval_size=2000)
PAIRS = {"cyclegan2d": "eight_gaussians"}  # cyclegan2d maps A -> target; A is this


def configure(variant: str, target: str, seed: int):
    if variant == "cyclegan2d":
        return config_for(variant, target=PAIRS[variant], target_b=target, seed=seed, **SMALL)
    return config_for(variant, target=target, seed=seed, **SMALL)


def one_run(variant: str, target: str, seed: int, steps: int) -> dict:
    cfg = configure(variant, target, seed)
    t0 = time.perf_counter()
    run = Run(cfg, device=torch.device("cpu"))
    out = {}
    for _ in range(steps):
        out = run.step()
    fake = run.generate(run.eval_latent())
    m = metrics.target_sample_metrics(run.out_target, fake)
    return {"d_loss": out.get("d_loss", math.nan), "g_loss": out.get("g_loss", math.nan),
            "captured": m.get("captured", math.nan), "n_modes": m.get("n_modes", math.nan),
            "hq": m.get("hq", math.nan), "seconds": time.perf_counter() - t0}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    args = ap.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    print(f"{'variant':11s} {'target':7s} {'seed':>4s} {'d_loss':>8s} {'g_loss':>8s} "
          f"{'captured':>9s} {'HQ%':>6s} {'time':>6s}")
    for variant in args.variants.split(","):
        for target in ("ring8", "spiral"):
            for seed in range(args.seeds):
                try:
                    r = one_run(variant, target, seed, args.steps)
                except ConfigError as err:
                    print(f"{variant:11s} {target:7s} {seed:4d}  refused: {err}")
                    continue
                print(f"{variant:11s} {target:7s} {seed:4d} {r['d_loss']:8.3f} {r['g_loss']:8.3f} "
                      f"{r['captured']:>4}/{r['n_modes']:<4} {100 * r['hq']:6.1f} "
                      f"{r['seconds']:5.1f}s", flush=True)
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

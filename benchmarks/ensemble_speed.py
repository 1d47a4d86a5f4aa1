"""Aggregate model-steps/s of one batched ensemble of K members against the same K
members trained as single Runs one after another (issue #16).

Same process, same configs (the default nets: 3x128, batch 256, the variant's defaults),
alternating in rounds (ensemble first, then singles first) so machine noise hits both
alike. Prints each round's ratio and the median per K. Usage:
    python benchmarks/ensemble_speed.py [--ks 1,4,16,32] [--steps 20] [--rounds 4]
                                        [--variant nsgan] [--threads 1]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gan_core.device import configure_threads  # noqa: E402
from gan_core.ensemble import Ensemble  # noqa: E402
from gan_core.run import Run  # noqa: E402
from gan_core.variants import config_for  # noqa: E402

CPU = torch.device("cpu")


def time_ensemble(ens: Ensemble, steps: int) -> float:
    """Model-steps/s: len(ens) models advance `steps` steps each."""
    start = time.perf_counter()
    for _ in range(steps):
        ens.step()
    return len(ens) * steps / (time.perf_counter() - start)


def time_singles(runs: list[Run], steps: int) -> float:
    start = time.perf_counter()
    for run in runs:
        for _ in range(steps):
            run.step()
    return len(runs) * steps / (time.perf_counter() - start)


def rounds_for(k: int, variant: str, steps: int, rounds: int) -> list[tuple[float, float]]:
    cfgs = [config_for(variant, target="ring8", seed=s) for s in range(k)]
    ens = Ensemble(cfgs, CPU)
    runs = [Run(c, device=CPU) for c in cfgs]
    time_ensemble(ens, 2)  # warm-up: first-call allocations
    time_singles(runs, 2)
    out = []
    for r in range(rounds):
        if r % 2 == 0:
            e = time_ensemble(ens, steps)
            s = time_singles(runs, steps)
        else:
            s = time_singles(runs, steps)
            e = time_ensemble(ens, steps)
        out.append((e, s))
        print(f"  K={k:>2} round {r + 1}: ensemble {e:7.1f}  singles {s:7.1f} model-steps/s"
              f"  ratio {e / s:4.2f}x", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ks", default="1,4,16,32")
    ap.add_argument("--steps", type=int, default=20, help="steps per model per timing")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--variant", default="nsgan")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: the app's choice)")
    args = ap.parse_args()
    threads = configure_threads(args.threads or None)
    print(f"{args.variant} on ring8, default nets, {threads} torch thread(s), "
          f"{args.steps} steps per timing, {args.rounds} alternating rounds")
    summary = []
    for k in (int(x) for x in args.ks.split(",")):
        pairs = rounds_for(k, args.variant, args.steps, args.rounds)
        ratio = statistics.median(e / s for e, s in pairs)
        summary.append((k, statistics.median(e for e, _ in pairs),
                        statistics.median(s for _, s in pairs), ratio))
    print("\n   K  ensemble  singles  (median model-steps/s)  ratio")
    for k, e, s, ratio in summary:
        print(f"  {k:>2}  {e:8.1f} {s:8.1f}                          {ratio:4.2f}x")


if __name__ == "__main__":
    main()

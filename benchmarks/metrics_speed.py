"""Time the metrics and a full detector pass (target: <= 50 ms on 2,000 samples).

    python benchmarks/metrics_speed.py [--n 2000] [--threads 1]

Prints a table; one-off costs (reference build, noise floor) are shown separately
because they are cached per target.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch
from torch import nn

from gan_core import metrics as M
from gan_core.config import Config
from gan_core.detector import Detector
from gan_core.device import configure_threads
from gan_core.targets import get_target


def timed(fn, repeats=1):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--targets", default="eight_gaussians,ring8,grid25,spiral,quadratic")
    args = ap.parse_args()
    configure_threads(args.threads)  # as the app does: torch and the BLAS/OpenMP pools
    print(f"N={args.n}, torch threads={args.threads}; median of {args.repeats} (ms)")
    print(f"{'target':16s} {'ref build':>9s} {'floor':>7s} {'metrics':>8s} {'detector':>9s}"
          f" {'+jacobian':>9s}")
    G = nn.Sequential(nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 2))
    for name in args.targets.split(","):
        target = get_target(name)
        M._REFERENCES.clear()
        t_ref = timed(lambda: M.reference(target))
        ref = M.reference(target)
        t_floor = timed(lambda: M.noise_floor(ref, args.n))
        fake = target.sample(args.n, torch.Generator().manual_seed(9))[0].numpy()
        t_m = timed(lambda: M.sample_metrics(ref, fake), args.repeats)
        det = Detector(target, Config(target=name))
        step = iter(range(1000, 10**9, 100))
        t_d = timed(lambda: det.evaluate(next(step), fake, {"d_loss": 1.3, "g_loss": 0.7},
                                         {"d": 1.0, "g": 1.0}), args.repeats)
        t_j = timed(lambda: det.evaluate(next(step), fake, {"d_loss": 1.3, "g_loss": 0.7},
                                         {"d": 1.0, "g": 1.0}, generator=G), 3)
        print(f"{name:16s} {t_ref:9.1f} {t_floor:7.1f} {t_m:8.1f} {t_d:9.1f} {t_j:9.1f}")
    # Where the time goes, on the last target.
    print("\nbreakdown (last target):")
    ft = (fake - ref.center) / ref.scale
    parts = {
        "mode/region stats": lambda: M.region_stats(fake, ref.cells),
        "fake-real sq dists": lambda: M.sq_dists(ft, ref.real),
        "fake kNN radii": lambda: M.knn_radii(ft),
        "sliced W (cached)": lambda: M.sliced_w_sorted(ft, ref.real_sorted, ref.proj),
        "sliced W (POT, 128)": lambda: M.sliced_wasserstein(ft, ref.real),
        "mapping 24x24 (MLP)": lambda: M.mapping_metrics(G, 2, n=24),
    }
    for label, fn in parts.items():
        print(f"  {label:22s} {timed(fn, args.repeats):7.1f}")


if __name__ == "__main__":
    main()

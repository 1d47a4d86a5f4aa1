"""Does the first page's spiral stay a spiral when a newcomer presses Train?

The Playground opens on zoo.FIRST_PAGE, restored exactly as the page restores it
(Run.from_checkpoint: the checkpoint's own config, step count and weights), and
▶ Train then continues that run with that config. This script continues it for
--steps further steps on --seeds seeds (each seed reseeds the run's data/latent
stream, torch's global RNG and the nets' noise RNG, so the continuations differ) and
prints PRDC coverage and precision at 0, 5k, 10k and 20k further steps.
A seed is "kept" when coverage stays >= 0.7 at every check, else "broken".
One torch thread; about 1-2 CPU-minutes per seed on the default nets. Usage:
    nice -n 15 python benchmarks/first_page.py [--key spiral__nsgan] [--file x.safetensors]
        [--seeds 5] [--steps 20000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gan_core import checkpoints, zoo  # noqa: E402
from gan_core.device import configure_threads  # noqa: E402
from gan_core.run import Run  # noqa: E402

KEEP_COVERAGE = 0.7


def restored(key: str, file: str | None):
    path = Path(file) if file else zoo.PRETRAINED / zoo.entries()[key]["file"]
    return Run.from_checkpoint(checkpoints.load(path), torch.device("cpu"))


def reseed(run, seed: int) -> None:
    """A different continuation per seed: the page's own run would carry on from the
    restored RNG state, which is one of many a user could land on."""
    torch.manual_seed(seed)
    run.gen.manual_seed(seed)
    run.nets.rng.manual_seed(seed + 7)


def continue_one(key: str, file: str | None, seed: int, steps: int, marks: list[int]) -> dict:
    run = restored(key, file)
    reseed(run, seed)
    rows, t0 = {}, time.perf_counter()
    for i in range(steps + 1):
        if i in marks:
            m = zoo.eval_metrics(run)
            rows[i] = (m.get("coverage"), m.get("precision"))
        if i < steps:
            run.step()
    return {"rows": rows, "seconds": time.perf_counter() - t0, "finite": run.params_finite()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--key", default=zoo.FIRST_PAGE)
    p.add_argument("--file", help="a checkpoint file instead of the zoo entry")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--steps", type=int, default=20000)
    args = p.parse_args(argv)
    configure_threads(1)
    marks = sorted({0, args.steps // 4, args.steps // 2, args.steps})
    run = restored(args.key, args.file)
    cfg = run.cfg
    print(f"{args.file or args.key}: step {run.step_count:,}, lr_d {cfg.lr_d:g} lr_g {cfg.lr_g:g}, "
          f"g_ema {cfg.g_ema:g}, lr_decay_steps {cfg.lr_decay_steps:,} (floor {cfg.lr_floor:g})")
    print("seed  " + "  ".join(f"cov/prec @{m // 1000}k" for m in marks) + "  verdict   time")
    kept = 0
    for seed in range(args.seeds):
        r = continue_one(args.key, args.file, seed, args.steps, marks)
        ok = r["finite"] and all(c is not None and c >= KEEP_COVERAGE for c, _ in r["rows"].values())
        kept += ok
        cells = "  ".join(f"{c:.3f}/{p:.3f}  " for c, p in r["rows"].values())
        print(f"{seed:4d}  {cells}  {'kept  ' if ok else 'BROKEN'}  {r['seconds']:5.0f}s", flush=True)
    print(f"kept {kept} of {args.seeds} (coverage >= {KEEP_COVERAGE} at every check)")
    return 0 if kept == args.seeds else 1


if __name__ == "__main__":
    sys.exit(main())

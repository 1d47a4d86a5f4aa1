"""Time the training-movie exports: a 300-frame GIF of 2,000 points (target: <= 30 s on
2 cores), plus the MP4 and the standalone HTML of the same frames.

    python benchmarks/export_speed.py [--frames 300] [--points 2000] [--size 480] [--mp4]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan_core import export as X  # noqa: E402
from gan_core.plots import hex_colours  # noqa: E402
from gan_core.plots.timeline import training_animation_figure  # noqa: E402


def frames(t: int, n: int, seed: int = 0):
    """A spiral-like point cloud drifting over t frames, with latent colours."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(-1, 1, (n, 2))
    k = np.linspace(0, 1, t)[:, None, None]
    r = 0.05 + 0.45 * (u[:, 0] + 1) + 0.05 * u[:, 1]
    spiral = np.stack([r * np.cos(3 * np.pi * u[:, 0]), r * np.sin(3 * np.pi * u[:, 0])], 1)
    blob = 0.1 * u
    fakes = ((1 - k) * blob[None] + k * spiral[None]).astype(np.float32)  # (T, N, 2)
    from gan_core.latent import latent_colours
    return np.arange(t) * 50, fakes, latent_colours((u[:, 0] + 1) / 2, (u[:, 1] + 1) / 2), spiral


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=300)
    p.add_argument("--points", type=int, default=2000)
    p.add_argument("--size", type=int, default=480)
    p.add_argument("--mp4", action="store_true", help="also time the MP4")
    args = p.parse_args(argv)
    steps, fakes, cols, real = frames(args.frames, args.points)
    bounds = (-1.1, 1.1, -1.1, 1.1)
    t = time.perf_counter()
    gif = X.gif_bytes(steps, fakes, cols, bounds, real=real, title="spiral · nsgan", size=args.size)
    dt = time.perf_counter() - t
    print(f"GIF  {args.frames} frames x {args.points} points, {args.size}px: {dt:.2f} s, "
          f"{len(gif) / 1e6:.1f} MB  ({'OK' if dt <= 30 else 'SLOW'}: target <= 30 s)")
    if args.mp4 and X.ffmpeg_available():
        t = time.perf_counter()
        mp4 = X.mp4_bytes(steps, fakes, cols, bounds, real=real, size=args.size)
        print(f"MP4  {time.perf_counter() - t:.2f} s, {len(mp4) / 1e6:.1f} MB")
    t = time.perf_counter()
    html = X.html_bytes(training_animation_figure(steps, fakes, hex_colours(cols), bounds, real=real))
    print(f"HTML {time.perf_counter() - t:.2f} s, {len(html) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How long and how much memory parsing an uploaded CSV of a million points takes.

    python benchmarks/csv_speed.py [--rows 1000000]

Each measurement runs in a fresh process, so the peak RSS growth it reports is the
parser's own: the peak after imports and reading the file, and again after parsing it.
Target (issue #15): <= 2 s and <= 60 MB extra for 1,000,000 rows.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import pandas  # noqa: F401  (the app has it loaded already: Streamlit imports it)
from gan_core.distributions import parse_points_csv
data = open({path!r}, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
pts = parse_points_csv(data)
seconds = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"rows": len(pts), "seconds": seconds, "extra_mb": (after - before) / 1024}}))
"""


def write_csv(path: Path, rows: int) -> None:
    pts = np.random.default_rng(0).normal(size=(rows, 2))
    np.savetxt(path, pts, fmt="%.6f", delimiter=",", header="x,y", comments="")


def measure(path: Path) -> dict:
    code = CHILD.format(root=str(ROOT), path=str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "points.csv"
        write_csv(path, args.rows)
        size = path.stat().st_size / 1e6
        runs = [measure(path) for _ in range(args.repeats)]
    best = min(runs, key=lambda r: r["seconds"])
    print(f"{args.rows:,} rows ({size:.1f} MB): best {best['seconds']:.2f} s of {args.repeats}, "
          f"extra memory {max(r['extra_mb'] for r in runs):.0f} MB (peak RSS growth); "
          "target <= 2 s and <= 60 MB")


if __name__ == "__main__":
    main()

"""The model overview graph's data (issue 19): a coarse map of D's decision over the plane
and point clouds thinned for its small views. Arrays in, plain JSON-ready values out; the
browser draws them (ui/frontend/overview.js). No Streamlit.
"""
from __future__ import annotations

import base64
import math

import numpy as np

from . import probes

MAP_SIZE = 24  # cells a side: a thumbnail, so coarse is fine and cheap at 10 snapshots/s
MAX_THUMB = 400  # points in a thumbnail: more only blur into each other at 90 px


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


def quantise(values: np.ndarray, probability: bool) -> dict:
    """D's values (n, n), row 0 at the lowest y, as bytes: 0 is the bottom of the colour
    scale (fake), 255 its top (real). Probabilities keep their own [0, 1] scale, as on the
    samples view; a critic's values are scaled by their range, like that view's heat map."""
    v = np.asarray(values, np.float64)
    finite = v[np.isfinite(v)]
    if probability:
        lo, hi = 0.0, 1.0
    elif not finite.size:  # all NaN: nothing to scale by
        lo, hi = -1.0, 1.0
    else:
        lo, hi = float(finite.min()), float(finite.max())
    if hi <= lo:  # a flat critic: its one value sits mid-scale
        lo, hi = lo - 1.0, hi + 1.0
    t = np.clip((np.nan_to_num(v, nan=(lo + hi) / 2) - lo) / (hi - lo), 0.0, 1.0)
    q = np.rint(t * 255).astype(np.uint8)
    return {"n": int(v.shape[0]), "v": _b64(q), "lo": lo, "hi": hi, "probability": probability}


def decision_map(run, bounds, n: int = MAP_SIZE) -> dict | None:
    """D's decision over `bounds` on an n x n grid, quantised (`quantise`); None where the
    variant has no per-point score to map (probes.field_support says why)."""
    field = probes.d_field(run, bounds, n)
    if field is None:
        return None
    return quantise(field.values, field.probability)


def stride(n: int, most: int = MAX_THUMB) -> int:
    """Every stride-th point keeps a thumbnail under `most` points."""
    return max(1, math.ceil(n / most))


def f4(a) -> dict:
    """plotly.js's typed-array form {dtype, bdata}, which the browser's code decodes."""
    return {"dtype": "f4", "bdata": _b64(np.asarray(a, np.float32))}


def thin(points: np.ndarray, step: int) -> dict:
    """Every step-th point of (N, 2) `points`, as float32 columns."""
    p = np.asarray(points, np.float32)[::step]
    return {"x": f4(p[:, 0]), "y": f4(p[:, 1]), "n": int(len(p))}

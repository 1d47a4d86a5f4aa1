"""G's manifold for the samples view: the latent grid drawn where G sends it, each cell
shaded by how densely G packs the prior's mass into it, and the torn cells (as on the
Mapping page, whose `inspect.grid_warp` does the measuring).

GAN Lab (Kahng et al. 2018) shades each cell of its 20 x 20 grid by the prior mass the
cell holds over its area after G: a cell G squeezes is dark, one it stretches is pale.
Here the same ratio is put in a few bands, one Plotly trace each (a trace has a single
fill colour), so the browser can repaint them from the live feed.

Pure: a Run in, arrays out; no Streamlit, no plotting.
"""
from __future__ import annotations

import numpy as np

from . import inspect as I

CELLS = 20  # per side, as GAN Lab
# Density relative to the mass spread evenly over the view (the target's display box):
# a cell at or above each bound is shaded in that band (below the first it is left clear).
# GAN Lab normalises by the cells' total area instead; a G that stretches a few cells
# across a gap then pales every other cell.
BANDS = (1.0, 4.0, 16.0)


def support(run) -> str:
    """'' when the layer can be drawn for this run, else why not (for the user)."""
    why = I.mapping_support(run)
    if why:
        return why
    if run.cfg.latent_dim < 2:
        return "a 1-D latent has no grid to warp"
    return ""


def quad_areas(corners: np.ndarray) -> np.ndarray:
    """(n-1, n-1) areas of the quads between the grid points corners (n, n, 2), by the
    shoelace formula (GAN Lab's too); a folded cell's is its signed sum's size."""
    a, b = corners[:-1, :-1], corners[1:, :-1]
    c, d = corners[1:, 1:], corners[:-1, 1:]
    ring = (a, b, c, d, a)
    twice = sum(p[..., 0] * q[..., 1] - p[..., 1] * q[..., 0] for p, q in zip(ring, ring[1:]))
    return np.abs(twice) / 2


def cell_mass(unit_axis: np.ndarray) -> np.ndarray:
    """(n-1, n-1) prior mass of each grid cell, from the prior's CDF at the grid lines
    (unit_axis (n,): each grid value in [0, 1] as `Prior.unit_coords` maps it); the two
    grid dims are independent in every prior the layer draws."""
    du = np.diff(np.asarray(unit_axis, np.float64))  # (n-1,)
    return np.outer(du, du)


def relative_density(mass: np.ndarray, area: np.ndarray, view_area: float) -> np.ndarray:
    """Each cell's share of the mass over its share of the view's area: 1 where G spreads
    the mass as if evenly over the view, large where it squeezes it. A collapsed cell
    counts as dense."""
    share_m = mass / max(float(mass.sum()), 1e-300)
    share_a = area / view_area
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(share_a > 0, share_m / share_a, np.inf)


def bands(density: np.ndarray) -> np.ndarray:
    """(n-1, n-1) band of each cell: 0 (clear) up to len(BANDS)."""
    return np.searchsorted(np.asarray(BANDS), density, side="right")


def _unit_axis(run, axis: np.ndarray) -> np.ndarray:
    z = np.zeros((len(axis), run.cfg.latent_dim), np.float32)
    z[:, 0] = axis
    return np.asarray(run.nets.prior.unit_coords(z), np.float64)[:, 0]


def manifold_view(run, probe=None, cells: int = CELLS, tear_factor: float = 10.0) -> dict:
    """The layer for G as it is now: {"corners" (n, n, 2) grid points in target units,
    "band" (n-1, n-1) shading band per cell, "torn" (n-1, n-1) bool, "tear_score"}.
    The grid spans z0 and z1; the other latent dims stay at `probe` (the levers).
    Raises ValueError where `support` says no."""
    why = support(run)
    if why:
        raise ValueError(why)
    warp = I.grid_warp(run, cells + 1, (0, 1), probe, tear_factor=tear_factor, fine=1)
    x0, x1, y0, y1 = run.out_target.bounds
    density = relative_density(cell_mass(_unit_axis(run, warp.axis)), quad_areas(warp.x),
                               abs((x1 - x0) * (y1 - y0)))
    return {"corners": warp.x, "band": bands(density), "torn": warp.torn,
            "tear_score": float(warp.tear_score)}

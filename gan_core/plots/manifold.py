"""The manifold layer of the samples view (gan_core.manifold): G's warped latent grid,
its density shading in bands, and its torn cells, as SVG traces under the samples.

The trace set is fixed (an empty band is an empty trace), so the live feed can repaint
them by name between full redraws (`moving`), as it does the fakes.
"""
from __future__ import annotations

import numpy as np

from .common import f32
from .mapping import TEAR_RED, _nan_join

SHADE = "123,50,148"  # GAN Lab's manifold purple, #7b3294
# One per band of gan_core.manifold.BANDS (not imported: that module needs torch, and the
# server imports the plots before torch has loaded).
SHADE_ALPHA = (0.10, 0.22, 0.40)
GRID = "manifold grid"
TEARS = "manifold tears"


def band_name(k: int) -> str:
    return f"manifold shade {k}"


NAMES = (*(band_name(k + 1) for k in range(len(SHADE_ALPHA))), GRID, TEARS)


def quads(corners: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The closed quads of the cells where mask (n-1, n-1) is set, as one x and one y
    array with a NaN after each quad (6 values a cell); corners (n, n, 2). The Mapping
    page's loop over cells, vectorised: this runs several times a second."""
    i, j = np.nonzero(mask)
    if not len(i):
        return f32([]), f32([])
    di, dj = np.array([0, 1, 1, 0, 0]), np.array([0, 0, 1, 1, 0])
    ring = corners[i[:, None] + di, j[:, None] + dj]  # (cells, 5, 2)
    ring = np.concatenate([ring, np.full((len(i), 1, 2), np.nan, np.float32)], 1)
    flat = ring.reshape(-1, 2)
    return f32(flat[:, 0]), f32(flat[:, 1])


def _grid_lines(corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both families of grid lines through the points corners (n, n, 2), NaN-broken."""
    return _nan_join([*corners, *corners.transpose(1, 0, 2)])


def moving(view: dict | None) -> dict:
    """{trace name: {"x", "y"}} of the layer, for each name in NAMES (empty without a view)."""
    if view is None:
        empty = f32([])
        return {name: {"x": empty, "y": empty} for name in NAMES}
    corners = np.asarray(view["corners"], np.float32)
    out = {}
    for k in range(len(SHADE_ALPHA)):
        xs, ys = quads(corners, view["band"] == k + 1)
        out[band_name(k + 1)] = {"x": xs, "y": ys}
    xs, ys = _grid_lines(corners)
    out[GRID] = {"x": xs, "y": ys}
    xs, ys = quads(corners, np.asarray(view["torn"], bool))
    out[TEARS] = {"x": xs, "y": ys}
    return out


def traces(view: dict | None) -> list[dict]:
    """The layer's Plotly traces, palest band first, then the grid, then the tears."""
    xy = moving(view)
    out = [dict(type="scatter", **xy[band_name(k + 1)], mode="lines", name=band_name(k + 1),
                fill="toself", fillcolor=f"rgba({SHADE},{a})", hoverinfo="skip",
                line=dict(width=0, color=f"rgba({SHADE},0)"), showlegend=False)
           for k, a in enumerate(SHADE_ALPHA)]
    out.append(dict(type="scatter", **xy[GRID], mode="lines", name=GRID, hoverinfo="skip",
                    line=dict(color="rgba(90,40,120,0.45)", width=1), showlegend=False))
    out.append(dict(type="scatter", **xy[TEARS], mode="lines", name=TEARS, hoverinfo="skip",
                    fill="toself", fillcolor="rgba(214,39,40,0.25)",
                    line=dict(color=TEAR_RED, width=2), showlegend=False))
    return out

"""Figures of the Mapping inspector: the warped latent grid with its tears, the tear map
in latent space, the latent -> sample morph animation, and the lever x factor alignment.
Pure builders: arrays in, go.Figure out.
"""
from __future__ import annotations

import functools

import numpy as np
import plotly.graph_objects as go

from .. import i18n
from ..glossary import GLOSSARY
from .common import FONT, MARGIN, f32, figure, hex_colours, square_axes

TEAR_RED = "#d62728"


def _word(word: str, lang: str, **fields) -> str:
    return i18n.text(f"mapping.plot.{word}", lang, **fields)


def _nan_join(paths) -> tuple[np.ndarray, np.ndarray]:
    """Polylines (each (m, 2)) -> one x and one y array with NaN breaks between them."""
    xs, ys = [], []
    for p in paths:
        xs += [p[:, 0], [np.nan]]
        ys += [p[:, 1], [np.nan]]
    if not xs:
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    return f32(np.concatenate(xs)), f32(np.concatenate(ys))


def _cell_polys(corners: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    """Closed quads (5, 2) of the cells where mask (n-1, n-1) is set; corners (n, n, 2)."""
    out = []
    for i, j in zip(*np.nonzero(mask)):
        q = corners[[i, i + 1, i + 1, i, i], [j, j, j + 1, j + 1, j]]
        out.append(q)
    return out


def grid_warp_figure(lines, x, colours, torn, bounds, *, real=None, tear_score=None,
                     title: str = "", height: int = 520, lang: str = i18n.DEFAULT) -> go.Figure:
    """The latent grid drawn where G sends it.

    lines (2, n, m, 2): grid lines sampled finely (both families); x (n, n, 2): the grid
    points; colours (n, n, 3) latent hue/value; torn (n-1, n-1) bool cells to mark red.
    Legend and title words in `lang`."""
    n, word = x.shape[0], functools.partial(_word, lang=lang)
    data = []
    if real is not None:
        data.append(dict(type="scatter", x=f32(real[:, 0]), y=f32(real[:, 1]), mode="markers",
                         name=word("real"), hoverinfo="skip",
                         marker=dict(size=3, color="rgba(120,120,120,0.25)")))
    lx, ly = _nan_join(list(lines.reshape(-1, lines.shape[2], 2)))
    data.append(dict(type="scatter", x=lx, y=ly, mode="lines", name=word("grid_lines"),
                     hoverinfo="skip", line=dict(color="rgba(60,60,60,0.45)", width=1)))
    polys = _cell_polys(x, torn)
    px, py = _nan_join(polys)
    data.append(dict(type="scatter", x=px, y=py, mode="lines", name=word("torn_cells"),
                     fill="toself", fillcolor="rgba(214,39,40,0.25)", hoverinfo="skip",
                     line=dict(color=TEAR_RED, width=2.5), visible=True if len(polys) else "legendonly"))
    ij = np.indices((n, n)).reshape(2, -1).T
    pts = x.reshape(-1, 2)
    data.append(dict(type="scatter", x=f32(pts[:, 0]), y=f32(pts[:, 1]), mode="markers",
                     name=word("grid_points"), customdata=ij,
                     hovertemplate="grid (%{customdata[0]}, %{customdata[1]})<br>"
                                   "G = (%{x:.3g}, %{y:.3g})<extra></extra>",
                     marker=dict(size=6, color=hex_colours(colours.reshape(-1, 3)),
                                 line=dict(width=0.5, color="#333"))))
    if tear_score is not None:
        score = word("tear_score", score=tear_score)
        title = f"{title} · {score}" if title else score
    layout = square_axes(bounds, "gridwarp", title, height)
    layout["showlegend"] = True
    layout["legend"] = dict(orientation="h", y=-0.08)
    return figure(data, layout)


def tear_map_figure(axis, tear_map, threshold, torn, axis_names, *, title: str = "",
                    height: int = 420, lang: str = i18n.DEFAULT) -> go.Figure:
    """The stretch of G over the latent grid (log10, heatmap) with torn cells outlined:
    exactly which latent region is torn. Rows of tear_map follow axis_names[0]."""
    axis = f32(axis)
    logt = np.log10(np.maximum(np.asarray(tear_map, np.float64), 1e-12))
    # heatmap: x = dims[1] (columns), y = dims[0] (rows) -> transpose so x is dims[0]
    data = [dict(type="heatmap", x=axis, y=axis, z=f32(logt.T), colorscale="Viridis",
                 colorbar=dict(title=dict(text=_word("log_stretch", lang), side="right"), thickness=10),
                 hovertemplate=f"{axis_names[0]}=%{{x:.2f}}<br>{axis_names[1]}=%{{y:.2f}}<br>"
                               "log₁₀ σ₁=%{z:.2f}<extra></extra>")]
    # outline torn cells in latent coordinates
    a, b = np.meshgrid(axis, axis, indexing="ij")
    corners = np.stack([a, b], -1)  # (n, n, 2): [..., 0] is dims[0]
    px, py = _nan_join(_cell_polys(corners, torn))
    data.append(dict(type="scatter", x=px, y=py, mode="lines", name=_word("torn", lang), hoverinfo="skip",
                     line=dict(color=TEAR_RED, width=2)))
    if np.isfinite(threshold):
        title = (_word("threshold", lang, title=title, threshold=threshold) if title
                 else f"σ₁ > {threshold:.3g}")
    lim = float(abs(axis[0])) * 1.02
    layout = square_axes((-lim, lim, -lim, lim), "tearmap", title, height)
    layout["xaxis"]["title"] = dict(text=axis_names[0])
    layout["yaxis"]["title"] = dict(text=axis_names[1])
    return figure(data, layout)


def morph_frames(start, end, n_frames: int = 21) -> np.ndarray:
    """(n_frames, N, 2) linear path from start to end, eased at both ends."""
    t = np.linspace(0, 1, n_frames)
    t = (1 - np.cos(np.pi * t)) / 2
    return (start[None] + t[:, None, None] * (end - start)[None]).astype(np.float32)


def morph_figure(start, end, colours, bounds, *, n_frames: int = 21, title: str = "",
                 height: int = 480, duration: int = 80, key: str = "morph",
                 lang: str = i18n.DEFAULT) -> go.Figure:
    """A Plotly animation moving every point from its latent position to its sample,
    with a play button and a slider (t = 0 latent, t = 1 generated)."""
    path = morph_frames(np.asarray(start, np.float32), np.asarray(end, np.float32), n_frames)
    lo = np.minimum(path.min((0, 1)), [bounds[0], bounds[2]])
    hi = np.maximum(path.max((0, 1)), [bounds[1], bounds[3]])
    pad = 0.04 * (hi - lo)
    box = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
    cols = hex_colours(colours)
    data = [dict(type="scatter", x=path[0, :, 0], y=path[0, :, 1], mode="markers",
                 hoverinfo="skip", marker=dict(size=4, color=cols))]
    frames, steps = [], []
    for k in range(n_frames):
        name = f"{k / (n_frames - 1):.2f}"
        frames.append(dict(name=name, data=[dict(type="scatter", x=path[k, :, 0], y=path[k, :, 1])],
                           traces=[0]))
        steps.append(dict(label=name, method="animate",
                          args=[[name], dict(mode="immediate", frame=dict(duration=0, redraw=False),
                                             transition=dict(duration=0))]))
    layout = square_axes(box, key, title, height)
    layout["updatemenus"] = [dict(
        type="buttons", direction="left", x=0.0, y=-0.06, xanchor="left", yanchor="top",
        pad=dict(t=14, r=6), showactive=False,  # t: below the x tick labels (Play covered -1)
        buttons=[dict(label=_word("play", lang), method="animate",
                      args=[None, dict(frame=dict(duration=duration, redraw=False),
                                       transition=dict(duration=duration * 0.8),
                                       fromcurrent=True, mode="immediate")]),
                 dict(label=_word("pause", lang), method="animate",
                      args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate",
                                         transition=dict(duration=0))])])]
    # The value reads at the slider's right end: at its left end the buttons covered it.
    layout["sliders"] = [dict(active=0, steps=steps, x=0.26, len=0.74, y=-0.02,
                              currentvalue=dict(prefix="t = ", font=dict(size=11), xanchor="right"),
                              pad=dict(t=30), transition=dict(duration=0))]
    layout["margin"] = dict(MARGIN, b=90)
    return go.Figure({"data": data, "layout": layout, "frames": frames}, _validate=False)


def points_figure(points, colours, bounds, *, title: str = "", height: int = 440,
                  key: str = "points") -> go.Figure:
    """Points in their latent colours (SVG, so several fit on one page)."""
    data = [dict(type="scatter", x=f32(points[:, 0]), y=f32(points[:, 1]), mode="markers",
                 hoverinfo="skip", marker=dict(size=4, color=hex_colours(colours)))]
    return figure(data, square_axes(bounds, key, title, height))


def alignment_figure(matrix, lever_names, factor_names, *, height: int | None = None,
                     lang: str = i18n.DEFAULT) -> go.Figure:
    """Heatmap lever (rows) x true factor (columns): normalised mutual information,
    1 = this lever alone sets this factor."""
    m = np.asarray(matrix, np.float64)
    text = [[f"{v:.2f}" for v in row] for row in m]
    data = [dict(type="heatmap", z=f32(m), x=list(factor_names), y=list(lever_names), zmin=0,
                 zmax=1, colorscale="Blues", text=text, texttemplate="%{text}",
                 colorbar=dict(title=dict(text=i18n.localise(GLOSSARY["alignment"].label, lang), side="right"), thickness=10),
                 hovertemplate="%{y} → %{x}: %{z:.2f}<extra></extra>")]
    layout = dict(height=height or 120 + 34 * len(lever_names), margin=MARGIN, font=FONT,
                  title=dict(text=_word("alignment", lang), font=dict(size=13)),
                  xaxis=dict(side="bottom", title=dict(text=_word("true_factor", lang))),
                  yaxis=dict(autorange="reversed", title=dict(text=_word("lever", lang))),
                  plot_bgcolor="white", paper_bgcolor="white")
    return figure(data, layout)

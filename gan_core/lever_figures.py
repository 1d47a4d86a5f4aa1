"""Pure figure builders for the Levers page: arrays in, PNG-ready arrays or go.Figure out.

Images are drawn as uint8 arrays (fast to send, crisp when upscaled by nearest
neighbour); the lever strips are one labelled sheet, so 16 strips cost one image.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .images import to_unit
from .plots.common import LEVER_COLOURS

STRIP_BG = (245, 246, 248)
LABEL_W = 44


def upscale(img: np.ndarray, k: int) -> np.ndarray:
    return np.repeat(np.repeat(img, k, axis=0), k, axis=1)


def digit_image(x, side: int, scale: int = 32) -> np.ndarray:
    """(side*side,) in [-1, 1] -> (side*scale, side*scale) uint8, ink dark on white."""
    a = 1.0 - to_unit(np.asarray(x).reshape(side, side))
    return upscale((a * 255).astype(np.uint8), scale)


def strip_ink(strips: np.ndarray, side: int) -> np.ndarray:
    """(L, S, side*side) in [-1, 1] -> (L, S, side, side) uint8 grey levels, ink dark on
    white: what the browser needs to draw the sheet itself."""
    ink = 1.0 - to_unit(np.asarray(strips))
    return (ink * 255).astype(np.uint8).reshape(*strips.shape[:2], side, side)


def strip_sheet(strips: np.ndarray, side: int, names: list[str], current: list[int] | None = None,
                scale: int = 5, gap: int = 3, kinds: list[str] | None = None,
                label_w: int = LABEL_W) -> np.ndarray:
    """(L, S, side*side) sweeps -> one RGB uint8 sheet: a row per lever, labelled on the left;
    `current[i]` is the column nearest lever i's current value, outlined in red.
    Code levers (kinds[i] == 'code') get a violet label."""
    from PIL import Image, ImageDraw
    L, S, _ = strips.shape
    cell = side * scale
    h = L * (cell + gap) + gap
    w = label_w + S * (cell + gap) + gap
    sheet = np.empty((h, w, 3), np.uint8)
    sheet[:] = STRIP_BG
    ink = (1.0 - to_unit(strips)).reshape(L, S, side, side)
    for i in range(L):
        y = gap + i * (cell + gap)
        for j in range(S):
            x = label_w + gap + j * (cell + gap)
            tile = upscale((ink[i, j] * 255).astype(np.uint8), scale)
            sheet[y:y + cell, x:x + cell] = tile[..., None]
            if current is not None and current[i] == j:
                sheet[y - 1:y + cell + 1, [x - 2, x - 1, x + cell, x + cell + 1]] = (220, 40, 40)
                sheet[[y - 2, y - 1, y + cell, y + cell + 1], x - 1:x + cell + 1] = (220, 40, 40)
    if not label_w:
        return sheet
    img = Image.fromarray(sheet)
    draw = ImageDraw.Draw(img)
    for i, name in enumerate(names):
        colour = (120, 40, 160) if kinds and kinds[i] == "code" else (40, 40, 40)
        draw.text((4, gap + i * (cell + gap) + cell // 2 - 6), name, fill=colour)
    return np.asarray(img)


def strip_row(strip: np.ndarray, side: int, current: int | None = None, scale: int = 4,
              gap: int = 2) -> np.ndarray:
    """(S, side*side) one lever's sweep -> an RGB uint8 row of S images; the column
    nearest the lever's current value is outlined in red."""
    return strip_sheet(strip[None], side, [""], None if current is None else [current],
                       scale=scale, gap=gap, label_w=0)


def nearest_column(values: np.ndarray, v: float) -> int:
    return int(np.argmin(np.abs(np.asarray(values) - v)))




def planar_figure(real: np.ndarray, fake: np.ndarray, fake_colours: np.ndarray, probe: np.ndarray,
                  sweeps: np.ndarray, names: list[str], bounds, title: str = "") -> go.Figure:
    """Real (grey) and generated (latent-coloured) samples, the probe point G(z) and each
    lever's sweep curve through it. sweeps: (L, S, 2) in target units."""
    fig = go.Figure()
    fig.add_trace(go.Scattergl(x=real[:, 0].astype(np.float32), y=real[:, 1].astype(np.float32),
                               mode="markers", name="real",
                               marker=dict(size=3, color="rgba(150,150,150,0.35)")))
    rgb = [f"rgb({int(r * 255)},{int(g * 255)},{int(b * 255)})" for r, g, b in fake_colours]
    fig.add_trace(go.Scattergl(x=fake[:, 0].astype(np.float32), y=fake[:, 1].astype(np.float32),
                               mode="markers", name="generated", marker=dict(size=3, color=rgb, opacity=0.6)))
    for i, name in enumerate(names):
        fig.add_trace(go.Scatter(x=sweeps[i, :, 0], y=sweeps[i, :, 1], mode="lines", name=f"sweep {name}",
                                 line=dict(width=3, color=LEVER_COLOURS[i % len(LEVER_COLOURS)])))
    fig.add_trace(go.Scatter(x=[float(probe[0])], y=[float(probe[1])], mode="markers", name="G(z)",
                             marker=dict(size=16, color="black", symbol="x-thin",
                                         line=dict(width=3, color="black"))))
    xmin, xmax, ymin, ymax = bounds
    # Room for the tick labels: at 10 px the minus of "-1" was cut off the left edge.
    fig.update_layout(title=title, height=520, margin=dict(l=40, r=10, t=40, b=30),
                      xaxis=dict(range=[xmin, xmax]), yaxis=dict(range=[ymin, ymax], scaleanchor="x"),
                      legend=dict(orientation="h", y=-0.08), uirevision="levers")
    return fig


def sweep_curves(values: np.ndarray, sweeps: np.ndarray, names: list[str]) -> go.Figure:
    """x and y of G along each lever's sweep, against the lever value (2-D targets)."""
    fig = go.Figure()
    for i, name in enumerate(names):
        c = LEVER_COLOURS[i % len(LEVER_COLOURS)]
        fig.add_trace(go.Scatter(x=values, y=sweeps[i, :, 0], name=f"{name} → x", line=dict(color=c)))
        fig.add_trace(go.Scatter(x=values, y=sweeps[i, :, 1], name=f"{name} → y",
                                 line=dict(color=c, dash="dot")))
    # Room below for the x tick labels and then the title, which sat on top of them.
    fig.update_layout(height=300, margin=dict(l=40, r=10, t=30, b=50), title="sweep curves",
                      xaxis_title="lever value", uirevision="sweeps")
    return fig


def report_heatmap(matrix: np.ndarray, levers: list[str], factors: list[str], title: str,
                   zmax: float | None = None) -> go.Figure:
    """Lever x factor matrix as a heatmap with the numbers written in."""
    m = np.asarray(matrix, float)
    zmax = zmax or max(1.0, float(np.nanmax(m)) if m.size else 1.0)
    fig = go.Figure(go.Heatmap(z=m, x=factors, y=levers, colorscale="Blues", zmin=0, zmax=zmax,
                               text=np.round(m, 2), texttemplate="%{text}", textfont=dict(size=9),
                               hovertemplate="%{y} → %{x}: %{z:.2f}<extra></extra>"))
    fig.update_layout(title=title, height=max(260, 26 * len(levers) + 90),
                      margin=dict(l=10, r=10, t=40, b=10), yaxis=dict(autorange="reversed"))
    return fig

"""Shared colours and figure styling."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

REAL_GREY = "rgba(120,120,120,0.35)"
PROBE = "#111111"
# The probe star: a bright fill inside a dark outline shows on light ground and on the
# darkest clusters alike (a white star with a black rim vanished on dark green).
PROBE_MARKER = dict(size=20, color="#ffd400", symbol="star", line=dict(width=2, color=PROBE))
# Levers: one distinct colour each (colour-blind-friendly first 8, then more).
LEVER_COLOURS = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf",
                 "#17becf", "#bcbd22", "#7f7f7f", "#1b9e77", "#d95f02", "#7570b3", "#e7298a",
                 "#66a61e", "#e6ab02"]
FONT = dict(size=12)
MARGIN = dict(l=40, r=10, t=36, b=36)


def lever_colour(i: int) -> str:
    return LEVER_COLOURS[i % len(LEVER_COLOURS)]


def hex_colours(rgb: np.ndarray) -> list[str]:
    """(N, 3) floats in [0, 1] -> '#rrggbb' strings (shorter on the wire than rgb())."""
    a = np.clip(np.round(np.asarray(rgb, np.float64) * 255), 0, 255).astype(np.int64)
    packed = (a[:, 0] << 16) | (a[:, 1] << 8) | a[:, 2]
    return [f"#{v:06x}" for v in packed.tolist()]


def f32(a) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, np.float32))


def figure(data: list, layout: dict) -> go.Figure:
    """A figure from plain dicts, skipping plotly's per-value validation (see package doc)."""
    return go.Figure({"data": data, "layout": layout}, _validate=False)


# A colourbar under the plot, centred: a square plot sits in the middle of a wide chart,
# and a colourbar at the paper's right edge ended up far from it.
COLORBAR_MARGIN = 64  # extra bottom margin the colourbar needs


def colorbar_below(title: str) -> dict:
    return dict(orientation="h", x=0.5, xanchor="center", y=-0.1, yanchor="top", len=0.5,
                thickness=10, title=dict(text=title, side="top"))


def square_axes(bounds, uirevision: str, title: str = "", height: int = 460) -> dict:
    x0, x1, y0, y1 = bounds
    ratio = (x1 - x0) / max(y1 - y0, 1e-12)
    equal = dict(scaleanchor="x", scaleratio=1) if 0.2 <= ratio <= 5 else {}
    return dict(
        title=dict(text=title, font=dict(size=13)), height=height, margin=MARGIN, font=FONT,
        uirevision=uirevision, showlegend=False, dragmode="pan", hovermode="closest",
        xaxis=dict(range=[x0, x1], zeroline=False, showgrid=False, constrain="domain"),
        yaxis=dict(range=[y0, y1], zeroline=False, showgrid=False, constrain="domain",
                   **equal),
        plot_bgcolor="white", paper_bgcolor="white")

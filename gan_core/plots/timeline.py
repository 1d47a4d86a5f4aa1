"""Figures of the Training timeline: curves with a marker at the scrubbed step, and the
samples-over-training animation used by the standalone HTML export.
Pure builders: arrays in, go.Figure out.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import i18n

from .common import REAL_GREY, f32, figure, square_axes
from .playground import losses_figure


def _marker_shape(step: float, xref: str) -> dict:
    return dict(type="line", xref=xref, yref="paper", x0=step, x1=step, y0=0, y1=1,
                line=dict(color="#d62728", width=1.5, dash="dash"))


def losses_at_figure(cols: dict, step: int, *, height: int = 280) -> go.Figure:
    """The Playground's losses/gradients figure with a dashed line at `step`."""
    fig = losses_figure(cols, height=height)
    fig.layout.shapes = [_marker_shape(step, "x"), _marker_shape(step, "x2")]
    return fig


METRIC_SERIES = (("coverage_modes", "share of modes captured", "#2c7fb8"),
                 ("hq", "HQ (within 3σ)", "#31a354"),
                 ("coverage", "coverage (PRDC)", "#de2d26"),
                 ("tear_score", "tear score", "#756bb1"),
                 ("width_ratio", "width ratio", "#636363"))


def metrics_at_figure(steps, rows: list[dict], step: int, *, height: int = 240) -> go.Figure:
    """The detector's metrics recorded on each frame, with a line at `step`."""
    steps = f32(steps)
    data = []
    for key, name, colour in METRIC_SERIES:
        vals = np.array([r.get(key, np.nan) if isinstance(r.get(key, np.nan), (int, float))
                         else np.nan for r in rows], np.float32)
        if np.isfinite(vals).any():
            data.append(dict(type="scatter", x=steps, y=vals, mode="lines+markers", name=name,
                             connectgaps=True, marker=dict(size=3), line=dict(color=colour, width=1.5)))
    layout = dict(height=height, margin=dict(l=40, r=10, t=10, b=30), font=dict(size=11),
                  uirevision="tl_metrics", hovermode="x unified",
                  legend=dict(orientation="h", y=-0.3), xaxis=dict(title=dict(text="step")),
                  shapes=[_marker_shape(step, "x")], plot_bgcolor="white", paper_bgcolor="white")
    return figure(data, layout)


def training_animation_figure(steps, fakes, colours, bounds, *, real=None, title: str = "",
                              height: int = 600, duration: int = 50, active: int = 0,
                              lang: str = i18n.DEFAULT, uirevision: str = "tl_anim") -> go.Figure:
    """Samples over training: one Plotly frame per snapshot, a play button and a step
    slider, all in the browser (the standalone HTML export, and the Timeline page's
    scrubbing, which needs no rerun). fakes (T, N, 2); colours: N colour strings; the
    figure opens at frame `active`."""
    fakes = np.asarray(fakes, np.float32)
    data = []
    if real is not None:
        data.append(dict(type="scattergl", x=f32(real[:, 0]), y=f32(real[:, 1]), mode="markers",
                         hoverinfo="skip", marker=dict(size=3, color=REAL_GREY)))
    k = len(data)
    data.append(dict(type="scattergl", x=fakes[active, :, 0], y=fakes[active, :, 1],
                     mode="markers", hoverinfo="skip", marker=dict(size=4, color=list(colours))))
    frames, slider = [], []
    for t, s in enumerate(steps):
        name = str(int(s))
        frames.append(dict(name=name, traces=[k],
                           data=[dict(type="scattergl", x=fakes[t, :, 0], y=fakes[t, :, 1])]))
        slider.append(dict(label=name, method="animate",
                           args=[[name], dict(mode="immediate", frame=dict(duration=0, redraw=True),
                                              transition=dict(duration=0))]))
    layout = square_axes(bounds, uirevision, title, height)
    layout["updatemenus"] = [_play_pause(duration, lang)]
    layout["sliders"] = [dict(active=active, steps=slider, x=0.26, len=0.74, y=-0.01,
                              currentvalue=dict(prefix=i18n.text("plots.timeline.step_prefix", lang),
                                                suffix=i18n.text("plots.timeline.step_suffix", lang),
                                                font=dict(size=12), xanchor="right"),
                              pad=dict(t=30))]
    layout["margin"] = dict(l=40, r=10, t=40, b=100)
    return go.Figure({"data": data, "layout": layout, "frames": frames}, _validate=False)


def _play_pause(duration: int, lang: str) -> dict:
    word = lambda w: i18n.text(f"mapping.plot.{w}", lang)  # the morph's Play/Pause words
    return dict(
        type="buttons", direction="left", x=0.0, y=-0.05, xanchor="left", yanchor="top",
        pad=dict(t=14, r=6), showactive=False,  # t: below the x tick labels (Play covered -2)
        buttons=[dict(label=word("play"), method="animate",
                      args=[None, dict(frame=dict(duration=duration, redraw=True),
                                       transition=dict(duration=0), fromcurrent=True,
                                       mode="immediate")]),
                 dict(label=word("pause"), method="animate",
                      args=[[None], dict(frame=dict(duration=0, redraw=True), mode="immediate")])])

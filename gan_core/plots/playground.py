"""Figures of the Playground page. Each takes arrays (target units, float32) and
returns a go.Figure; none touches a network or Streamlit.

WebGL budget: `samples_figure` uses two Scattergl traces (one context) and
`latent_figure` one; everything else is SVG.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import i18n
from ..glossary import latent_name
from .common import COLORBAR_MARGIN, PROBE_MARKER, REAL_GREY, colorbar_below, f32, figure, lever_colour, square_axes



def _hl_marker(size: float) -> dict:
    return dict(size=size, color="rgba(0,0,0,0)", line=dict(width=1.5, color="#000"))


def samples_figure(real, fake, fake_colours, bounds, **kw) -> go.Figure:
    """Real points grey, fakes in their latent colours, on D's field (see `samples_spec`)."""
    spec = samples_spec(real, fake, fake_colours, bounds, **kw)
    return figure(spec["data"], spec["layout"])


def samples_spec(real, fake, fake_colours, bounds, *, uirevision: str = "samples",
                 field=None, arrows=None, probe=None, sweeps=None, sweep_dims=None,
                 highlight=None, title: str = "", height: int = 480,
                 colorbar: bool = True, manifold=None) -> dict:
    """The samples figure as plain {"data", "layout"} dicts: the live view sends it
    several times a second, and a go.Figure deep-copies every array twice on the way.

    real (R, 2), fake (N, 2); fake_colours: N colour strings; field: gan_core.probes.Field
    or None; arrows: (start (M, 2), vector (M, 2)) already scaled; probe (2,);
    sweeps (L, S, 2) with sweep_dims naming each lever's index (for its colour);
    highlight: indices into fake to ring (linked selection); colorbar: False leaves the
    field's scale to a caption (a colorbar is redrawn, and measured, on every live frame);
    manifold: the manifold layer's traces (gan_core.plots.manifold.traces), drawn under
    the samples."""
    moving = moving_traces(fake, probe=probe, sweeps=sweeps, sweep_dims=sweep_dims,
                           highlight=highlight)
    data = []
    if field is not None:
        data.append(_field_trace(field, colorbar))
    data += manifold or []
    data.append(dict(type="scattergl", x=f32(real[:, 0]), y=f32(real[:, 1]), mode="markers",
                     name="real", hoverinfo="skip",
                     marker=dict(size=3, color=REAL_GREY)))
    data.append(dict(type="scattergl", **moving.pop("generated"), mode="markers",
                     name="generated", marker=dict(size=4, color=list(fake_colours)),
                     hovertemplate="G(z%{pointNumber})<br>(%{x:.3g}, %{y:.3g})<extra></extra>"))
    if "selected" in moving:
        data.append(dict(type="scattergl", **moving.pop("selected"), mode="markers",
                         name="selected", hoverinfo="skip", marker=_hl_marker(8)))
    if arrows is not None:
        data.append(_arrow_trace(*arrows))
    data += _sweep_traces(moving, sweep_dims)
    if probe is not None:
        data.append(_probe_trace(moving["probe G(z)"]))
    layout = _samples_layout(bounds, uirevision, title, height, field is not None, colorbar)
    # read back by the page to map selections onto trace numbers
    layout["meta"] = {"fake_trace": next(i for i, t in enumerate(data) if t.get("name") == "generated")}
    return {"data": data, "layout": layout}


def _sweep_traces(moving: dict, sweep_dims) -> list[dict]:
    out = []
    for k, name in enumerate(n for n in moving if n.endswith(" sweep")):
        d = sweep_dims[k] if sweep_dims is not None else k
        out.append(dict(type="scatter", **moving[name], mode="lines", name=name,
                        hoverinfo="name", line=dict(color=lever_colour(d), width=2.5)))
    return out


def _samples_layout(bounds, uirevision, title, height, has_field: bool, colorbar: bool) -> dict:
    layout = square_axes(bounds, uirevision, title, height)
    if has_field and colorbar:
        layout["margin"] = dict(layout["margin"], b=layout["margin"]["b"] + COLORBAR_MARGIN)
    return layout


def sweep_name(d: int) -> str:
    """The trace of lever d's sweep; ui/frontend/live_plotly.js reads d back from it."""
    return f"{latent_name(d)} sweep"


def moving_traces(fake, *, probe=None, sweeps=None, sweep_dims=None, highlight=None) -> dict:
    """{trace name: {"x", "y"}} for the samples figure's traces that move while G trains
    (the fakes, the ringed selection, the lever sweeps and probe), in `samples_spec`'s
    order. The live feed sends these alone between full redraws."""
    out = {"generated": dict(x=f32(fake[:, 0]), y=f32(fake[:, 1]))}
    if highlight is not None and len(highlight):
        idx = np.asarray(highlight, np.int64)
        out["selected"] = dict(x=f32(fake[idx, 0]), y=f32(fake[idx, 1]))
    for k, curve in enumerate(sweeps if sweeps is not None else []):
        d = sweep_dims[k] if sweep_dims is not None else k
        out[sweep_name(d)] = dict(x=f32(curve[:, 0]), y=f32(curve[:, 1]))
    if probe is not None:
        out["probe G(z)"] = dict(x=[float(probe[0])], y=[float(probe[1])])
    return out


def _probe_trace(xy: dict) -> dict:
    return dict(type="scatter", **xy, mode="markers", name="probe G(z)",
                hovertemplate="probe G(z)<br>(%{x:.3g}, %{y:.3g})<extra></extra>",
                marker=PROBE_MARKER)


def _tag(fig: go.Figure, **meta) -> go.Figure:
    fig.layout.meta = meta  # read back by the page to map selections onto trace numbers
    return fig


def _field_trace(field, colorbar: bool = True) -> dict:
    zmin, zmax = (0.0, 1.0) if field.probability else (float(np.nanmin(field.values)),
                                                        float(np.nanmax(field.values)))
    if not np.isfinite(zmin) or not np.isfinite(zmax) or zmin == zmax:
        zmin, zmax = -1.0, 1.0
    return dict(type="heatmap", x=f32(field.xs), y=f32(field.ys), z=f32(field.values),
                zmin=zmin, zmax=zmax, zsmooth="fast", opacity=0.55, hoverinfo="skip",
                # purple: D says fake, green: D says real (GAN Lab's convention)
                colorscale=[[0, "#8e44ad"], [0.5, "#f7f7f7"], [1, "#27ae60"]],
                showscale=colorbar,
                colorbar=colorbar_below(field.label))


def _arrow_trace(start, vec) -> dict:
    """One SVG trace: a segment per fake with an arrowhead at its tip."""
    n = len(start)
    xs = np.full(3 * n, np.nan, np.float32)
    ys = np.full(3 * n, np.nan, np.float32)
    xs[0::3], ys[0::3] = start[:, 0], start[:, 1]
    xs[1::3], ys[1::3] = start[:, 0] + vec[:, 0], start[:, 1] + vec[:, 1]
    sizes = np.tile(np.array([0, 7, 0], np.float32), n)
    return dict(type="scatter", x=xs, y=ys, mode="lines+markers", name="G's pull",
                hoverinfo="skip", connectgaps=False, line=dict(color="rgba(20,20,20,0.55)", width=1),
                marker=dict(size=sizes, symbol="arrow", angleref="previous",
                            color="rgba(20,20,20,0.7)"))


def true_map_figure(points, colours, bounds, *, title: str = "", height: int = 480) -> go.Figure:
    """The target's own latent -> sample map, in the same colour scheme as the fakes."""
    # SVG, not WebGL: this chart is static, and the live charts re-create their WebGL
    # contexts on every refresh; the browser drops the oldest context when over its cap.
    data = [dict(type="scatter", x=f32(points[:, 0]), y=f32(points[:, 1]), mode="markers",
                 hoverinfo="skip", marker=dict(size=4, color=list(colours)))]
    return figure(data, square_axes(bounds, "truemap", title, height))


def latent_figure(xy, colours, axis_names, *, highlight=None, uirevision: str = "latent",
                  lim: float = 3.2, title: str = "", height: int = 380) -> go.Figure:
    """The eval latents (first two dims) in their colours; selections here ring the
    matching fakes in the samples view."""
    data = [dict(type="scattergl", x=f32(xy[:, 0]), y=f32(xy[:, 1]), mode="markers",
                 name="z", marker=dict(size=4, color=list(colours)),
                 hovertemplate="z%{pointNumber}: (%{x:.2f}, %{y:.2f})<extra></extra>")]
    if highlight is not None and len(highlight):
        idx = np.asarray(highlight, np.int64)
        data.append(dict(type="scattergl", x=f32(xy[idx, 0]), y=f32(xy[idx, 1]), mode="markers",
                         hoverinfo="skip", marker=_hl_marker(7)))
    layout = square_axes((-lim, lim, -lim, lim), uirevision, title, height)
    layout["dragmode"] = "lasso"
    layout["xaxis"]["title"] = dict(text=axis_names[0])
    layout["yaxis"]["title"] = dict(text=axis_names[1])
    return _tag(figure(data, layout), fake_trace=0)


def _decimate(cols: dict, keys, max_points: int) -> dict:
    n = len(cols.get("step", []))
    stride = max(1, int(np.ceil(n / max_points)))
    return {k: np.asarray(cols[k])[::stride] for k in keys if k in cols}


def losses_figure(cols: dict, *, max_points: int = 600, height: int = 300,
                  lang: str = i18n.DEFAULT) -> go.Figure:
    """Left axis: D and G losses; right panel: gradient norms (log scale). Titles and
    legend in `lang`."""
    c = _decimate(cols, ("step", "d_loss", "g_loss", "d_grad", "g_grad"), max_points)
    step = f32(c.get("step", []))
    data = []
    for key, name, colour, axes in (("d_loss", i18n.text("plots.d_loss", lang), "#8e44ad", ("x", "y")),
                                    ("g_loss", i18n.text("plots.g_loss", lang), "#e67e22", ("x", "y")),
                                    ("d_grad", "|∇D|", "#8e44ad", ("x2", "y2")),
                                    ("g_grad", "|∇G|", "#e67e22", ("x2", "y2"))):
        if key in c:
            data.append(dict(type="scatter", x=step, y=f32(c[key]), mode="lines", name=name,
                             xaxis=axes[0], yaxis=axes[1],
                             line=dict(color=colour, width=1.5, dash="dot" if "grad" in key else None)))
    # The legend sits above the panels: below them it covered the "step" axis titles.
    layout = dict(height=height, margin=dict(l=40, r=10, t=30, b=40), font=dict(size=11),
                  uirevision="losses", hovermode="x unified",
                  legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom"),
                  xaxis=dict(domain=[0, 0.46], title=dict(text=i18n.text("plots.step", lang))),
                  xaxis2=dict(domain=[0.56, 1], title=dict(text=i18n.text("plots.step", lang))),
                  yaxis=dict(title=dict(text=i18n.text("plots.loss", lang))),
                  yaxis2=dict(type="log", anchor="x2",
                              title=dict(text=i18n.text("plots.grad_norm", lang))),
                  plot_bgcolor="white", paper_bgcolor="white")
    return figure(data, layout)


# metric -> colour; its legend name is the catalogue's "plots.history.<metric>"
HISTORY_SERIES = {"coverage_modes": "#2c7fb8", "hq": "#31a354", "coverage": "#de2d26",
                  "precision": "#756bb1"}


def detector_history_figure(rows: list[dict], *, height: int = 220,
                            keys=("coverage_modes", "hq", "coverage"),
                            lang: str = i18n.DEFAULT) -> go.Figure:
    """The detector's figures over its checks, as shares; `keys` picks those that apply to
    the target (gan_core.glossary.HISTORY_METRICS)."""
    step = f32([r.get("step", 0) for r in rows])
    data = []
    for key in keys:
        name, colour = i18n.text(f"plots.history.{key}", lang), HISTORY_SERIES[key]
        vals = [r.get(key, np.nan) for r in rows]
        data.append(dict(type="scatter", x=step, y=f32(vals), mode="lines+markers", name=name,
                         marker=dict(size=4), line=dict(color=colour, width=1.5)))
    layout = dict(height=height, margin=dict(l=40, r=10, t=30, b=30), font=dict(size=11),
                  uirevision="dethist", hovermode="x unified",
                  legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom"),
                  yaxis=dict(range=[0, 1.05], tickformat=".0%"),
                  xaxis=dict(title=dict(text=i18n.text("plots.step", lang))),
                  plot_bgcolor="white", paper_bgcolor="white")
    return figure(data, layout)

"""Figures of the Discriminator inspector: D's 2-D feature space before and after a
generator step (the quadratic-curve tutorial's plot), the T-GAN pair view and the
DeLiGAN mixture in latent space. D's heatmap over the plane is the Playground's
`samples_figure` with a field and arrows. Pure builders: arrays in, go.Figure out.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import i18n
from ..glossary import latent_name
from .common import FONT, MARGIN, f32, figure

LATENT_AXES = (latent_name(0), latent_name(1))

# before: light; after: dark. real: blue family, fake: orange family
SERIES = {"real_before": "#9ecae1", "fake_before": "#fdae6b",
          "real_after": "#08519c", "fake_after": "#d94801"}



def _word(word: str, lang: str, **fields) -> str:
    return i18n.text(f"discriminator.plot.{word}", lang, **fields)

def _box(*arrays, pad: float = 0.08) -> tuple[float, float, float, float]:
    pts = np.concatenate([np.asarray(a, np.float64).reshape(-1, 2) for a in arrays if a is not None])
    pts = pts[np.isfinite(pts).all(1)]
    if not len(pts):
        return (-1.0, 1.0, -1.0, 1.0)
    lo, hi = pts.min(0), pts.max(0)
    span = np.maximum(hi - lo, 1e-6)
    lo, hi = lo - pad * span, hi + pad * span
    return (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))


def _axes(box, height, title, names) -> dict:
    return dict(title=dict(text=title, font=dict(size=13)), height=height, margin=MARGIN,
                font=FONT, uirevision=title, hovermode="closest",
                legend=dict(orientation="h", y=-0.12),
                xaxis=dict(range=[box[0], box[1]], title=dict(text=names[0]), zeroline=True,
                           zerolinecolor="#ddd", showgrid=False),
                yaxis=dict(range=[box[2], box[3]], title=dict(text=names[1]), zeroline=True,
                           zerolinecolor="#ddd", showgrid=False),
                plot_bgcolor="white", paper_bgcolor="white")


def feature_space_figure(real_before, fake_before, real_after=None, fake_after=None, *,
                         names=None, title: str = "", height: int = 480,
                         lang: str = i18n.DEFAULT) -> go.Figure:
    """Up to 4 point series (real/fake x before/after a G step) and their 4 centroids,
    with an arrow from the fake centroid before to after; its words in `lang`."""
    names = names or (_word("feature", lang, n=1), _word("feature", lang, n=2))
    title = title or _word("features_title", lang)
    series = [("real_before", real_before), ("fake_before", fake_before),
              ("real_after", real_after), ("fake_after", fake_after)]
    data = []
    single = real_after is None and fake_after is None  # one state: "(before)" would confuse
    for key, pts in series:
        if pts is None:
            continue
        label = _word(key.split("_")[0] if single else key, lang)
        data.append(dict(type="scatter", x=f32(pts[:, 0]), y=f32(pts[:, 1]), mode="markers",
                         name=label, legendgroup=key, hoverinfo="name",
                         marker=dict(size=4, color=SERIES[key],
                                     opacity=0.55 if "before" in key else 0.8)))
    for key, pts in series:
        if pts is None:
            continue
        c = np.asarray(pts, np.float64).mean(0)
        cname = _word("centroid", lang, name=_word(key.split("_")[0] if single else key, lang))
        data.append(dict(type="scatter", x=[float(c[0])], y=[float(c[1])], mode="markers",
                         name=cname, legendgroup=key,
                         hovertemplate=f"{cname}<br>(%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
                         marker=dict(size=16, symbol="x" if "real" in key else "diamond",
                                     color=SERIES[key], line=dict(width=2, color="#111"))))
    if fake_after is not None:
        a = np.asarray(fake_before, np.float64).mean(0)
        b = np.asarray(fake_after, np.float64).mean(0)
        data.append(dict(type="scatter", x=[float(a[0]), float(b[0])], y=[float(a[1]), float(b[1])],
                         mode="lines+markers", name=_word("fake_moves", lang), hoverinfo="name",
                         line=dict(color="#111", width=2),
                         marker=dict(size=[0, 12], symbol="arrow", angleref="previous",
                                     color="#111")))
    box = _box(real_before, fake_before, real_after, fake_after)
    return figure(data, _axes(box, height, title, names))


def pair_view_figure(pairs_before, pairs_after=None, *, title: str = "",
                     height: int = 440, lang: str = i18n.DEFAULT) -> go.Figure:
    """The Turing critic's input: encoder differences of (real, fake) pairs. H scores
    these; a G step pulls them towards 0 (real and fake encoded alike)."""
    data, title = [], title or _word("pairs_title", lang)
    for pts, name, colour in ((pairs_before, _word("pairs_before", lang), "#bcbddc"),
                              (pairs_after, _word("pairs_after", lang), "#54278f")):
        if pts is None:
            continue
        c = np.asarray(pts, np.float64).mean(0)
        data.append(dict(type="scatter", x=f32(pts[:, 0]), y=f32(pts[:, 1]), mode="markers",
                         name=name, hoverinfo="name", marker=dict(size=4, color=colour, opacity=0.7)))
        data.append(dict(type="scatter", x=[float(c[0])], y=[float(c[1])], mode="markers",
                         name=_word("mean", lang, name=name), hoverinfo="name",
                         marker=dict(size=15, symbol="diamond", color=colour,
                                     line=dict(width=2, color="#111"))))
    data.append(dict(type="scatter", x=[0.0], y=[0.0], mode="markers", name=_word("zero", lang),
                     hoverinfo="name", marker=dict(size=12, symbol="cross-thin",
                                                   line=dict(width=2, color="#111"))))
    box = _box(pairs_before, pairs_after, np.zeros((1, 2)))
    return figure(data, _axes(box, height, title, ("ΔE₁", "ΔE₂")))


def ellipse(mu, sigma, k: float = 1.0, m: int = 40) -> np.ndarray:
    """(m + 1, 2) axis-aligned ellipse at mu with semi-axes k * sigma."""
    t = np.linspace(0, 2 * np.pi, m + 1)
    return np.stack([mu[0] + k * sigma[0] * np.cos(t), mu[1] + k * sigma[1] * np.sin(t)], 1)


def mixture_figure(mu, sigma, *, latents=None, latent_colours=None, trails=None,
                   names=LATENT_AXES, title: str = "", height: int = 480,
                   lang: str = i18n.DEFAULT) -> go.Figure:
    """mu (K, 2) as points, sigma (K, 2) as 1σ ellipses; optional latent samples in
    their colours and trails (T, K, 2) of mu over training; its words in `lang`."""
    mu, sigma = np.asarray(mu, np.float64), np.asarray(sigma, np.float64)
    data, title = [], title or _word("mixture_title", lang)
    if latents is not None:
        data.append(dict(type="scatter", x=f32(latents[:, 0]), y=f32(latents[:, 1]),
                         mode="markers", name=_word("z_samples", lang), hoverinfo="skip",
                         marker=dict(size=3, color=list(latent_colours) if latent_colours is not None
                                     else "rgba(120,120,120,0.3)", opacity=0.45)))
    if trails is not None and len(trails) > 1:
        tr = np.asarray(trails, np.float64)  # (T, K, 2)
        xs = np.concatenate([np.append(tr[:, k, 0], np.nan) for k in range(tr.shape[1])])
        ys = np.concatenate([np.append(tr[:, k, 1], np.nan) for k in range(tr.shape[1])])
        data.append(dict(type="scatter", x=f32(xs), y=f32(ys), mode="lines", name=_word("mu_trails", lang),
                         hoverinfo="skip", line=dict(color="rgba(80,80,80,0.6)", width=1)))
    ex, ey = [], []
    for k in range(len(mu)):
        e = ellipse(mu[k], sigma[k])
        ex += [e[:, 0], [np.nan]]
        ey += [e[:, 1], [np.nan]]
    data.append(dict(type="scatter", x=f32(np.concatenate(ex)), y=f32(np.concatenate(ey)),
                     mode="lines", name=_word("ellipses", lang), hoverinfo="skip",
                     line=dict(color="#3182bd", width=1.2)))
    data.append(dict(type="scatter", x=f32(mu[:, 0]), y=f32(mu[:, 1]), mode="markers",
                     name="μ", customdata=np.stack([sigma[:, 0], sigma[:, 1]], 1),
                     hovertemplate="μ = (%{x:.2f}, %{y:.2f})<br>σ = (%{customdata[0]:.2f}, "
                                   "%{customdata[1]:.2f})<extra></extra>",
                     marker=dict(size=7, color="#08306b")))
    box = _box(mu - 2 * sigma, mu + 2 * sigma, latents)
    layout = _axes(box, height, title, names)
    layout["yaxis"].update(scaleanchor="x", scaleratio=1)
    return figure(data, layout)

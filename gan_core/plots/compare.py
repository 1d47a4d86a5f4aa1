"""Figures for the Compare page: small multiples (one panel per member) and per-variant
rates. SVG scatters (go.Scatter, not Scattergl): 128 panels would be 128 WebGL contexts,
and browsers cap them at about 8-16 a page, so all panels share one SVG figure."""
from __future__ import annotations

import math

import numpy as np

from .. import i18n
from .common import FONT, figure, hex_colours

PANEL_PX = 120
TITLE_PX = 16  # a panel title's height


def panel_points(k: int) -> int:
    """Points per panel: 200 (enough to see modes) up to 30 members, then fewer, so that
    128 SVG panels stay ~6,000 points a redraw."""
    return max(50, min(200, 6000 // max(k, 1)))


def grid_shape(n_variants: int, per_variant: int, cols_max: int = 8) -> tuple[int, int, int]:
    """(rows, cols, rows per variant): each variant starts a new row."""
    cols = min(per_variant, cols_max)
    per = math.ceil(per_variant / cols)
    return n_variants * per, cols, per


def small_multiples(samples, colours: list, labels: list[str], variants: list[str],
                    bounds, flagged=()) -> object:
    """samples (K, E, 2) target units, member order grouped by variant; colours: K arrays
    (E, 3); labels: K panel titles; flagged: members drawn with a red frame (collapsed)."""
    k = len(labels)
    per_variant = k // max(len(variants), 1)
    rows, cols, per = grid_shape(len(variants), per_variant)
    data, layout = [], _grid_layout(rows, cols, bounds)
    for i in range(k):
        v, j = divmod(i, per_variant)
        r, c = v * per + j // cols, j % cols
        axis = _suffix(r * cols + c + 1)
        n = min(panel_points(k), len(samples[i]))
        data.append({"type": "scatter", "mode": "markers", "x": samples[i][:n, 0].tolist(),
                     "y": samples[i][:n, 1].tolist(), "hoverinfo": "skip",
                     "marker": {"size": 3, "color": hex_colours(colours[i][:n])},
                     "xaxis": f"x{axis}", "yaxis": f"y{axis}"})
        layout["annotations"].append(_panel_title(labels[i], axis, i in flagged))
    for v, name in enumerate(variants):  # once per variant, beside its rows
        mid = _suffix(v * per * cols + 1)
        layout["annotations"].append(_row_label(name, mid, per))
    return figure(data, layout)


def _grid_layout(rows: int, cols: int, bounds) -> dict:
    x0, x1, y0, y1 = bounds
    gap = 0.02
    # Between rows, room for the panel titles of the row below: at 2% they overlapped the
    # panels above them.
    gap_y = TITLE_PX / (rows * PANEL_PX)
    w, h = (1 - gap * (cols - 1)) / cols, (1 - gap_y * (rows - 1)) / rows
    layout = {"height": max(160, rows * PANEL_PX + 40), "margin": dict(l=26, r=10, t=30, b=10),
              "showlegend": False, "font": FONT, "annotations": [], "shapes": [],
              "uirevision": "cmp_grid",
              "plot_bgcolor": "white", "paper_bgcolor": "white"}
    for r in range(rows):
        for c in range(cols):
            a = _suffix(r * cols + c + 1)
            hide = dict(showticklabels=False, showgrid=False, zeroline=False, fixedrange=True,
                        showline=False)
            layout[f"xaxis{a}"] = dict(domain=[c * (w + gap), c * (w + gap) + w],
                                       range=[x0, x1], anchor=f"y{a}", **hide)
            top = 1 - r * (h + gap_y)
            layout[f"yaxis{a}"] = dict(domain=[top - h, top], range=[y0, y1],
                                       anchor=f"x{a}", **hide)
            # The panel's frame, as a shape on its domain: mirrored axis lines reached past
            # it, into the gap that holds the titles of the row below.
            layout["shapes"].append(dict(type="rect", xref=f"x{a} domain", yref=f"y{a} domain",
                                         x0=0, x1=1, y0=0, y1=1, line=dict(color="#ddd", width=1),
                                         layer="below"))
    return layout


def _suffix(n: int) -> str:
    """Plotly names the first axes x and y, then x2, y2...: 'x1' is not valid."""
    return "" if n == 1 else str(n)


def _row_label(variant: str, axis: str, per: int) -> dict:
    """The variant's name, turned up the left edge of its first panel's rows: the panels
    themselves say only "seed N" (with the variant too, 8 titles a row ran into each other)."""
    return {"text": variant, "showarrow": False, "textangle": -90,
            "xref": "paper", "x": 0, "xanchor": "right", "xshift": -4,
            "yref": f"y{axis} domain", "y": 1.0 - per / 2, "yanchor": "middle",  # mid-block
            "font": {"size": 11, "color": "#222"}}


def _panel_title(text: str, axis: str, flagged: bool) -> dict:
    return {"text": f"<b>{text}</b>" if flagged else text, "showarrow": False,
            "xref": f"x{axis} domain", "yref": f"y{axis} domain", "x": 0.5, "y": 1.0,
            "yanchor": "bottom", "font": {"size": 10, "color": "#c62828" if flagged else "#444"}}


def rates_figure(summary: list[dict], lang: str = i18n.DEFAULT) -> object:
    """Per variant: collapse rate with its 95% Wilson interval, modes and HQ % (mean ± sd);
    the panel titles in `lang`."""
    names = [s["variant"] for s in summary]
    rate = np.array([s["rate"] for s in summary])
    lo, hi = np.array([s["rate_lo"] for s in summary]), np.array([s["rate_hi"] for s in summary])
    bars = [_bar(names, rate, "x", "y", hi - rate, rate - lo, "#c62828"),
            _bar(names, [s["modes_mean"] for s in summary], "x2", "y2",
                 [s["modes_sd"] for s in summary], None, "#1565c0"),
            _bar(names, [s["hq_pct_mean"] for s in summary], "x3", "y3",
                 [s["hq_pct_sd"] for s in summary], None, "#2e7d32")]
    titles = [i18n.text(f"compare.plot.{k}", lang) for k in ("rate", "modes", "hq")]
    layout = {"height": 280, "margin": dict(l=40, r=10, t=40, b=30), "showlegend": False,
              "font": FONT, "uirevision": "cmp_rates", "annotations": [],
              "plot_bgcolor": "white", "paper_bgcolor": "white"}
    for i, title in enumerate(titles):
        a = "" if i == 0 else str(i + 1)
        layout[f"xaxis{a}"] = dict(domain=[i * 0.36, i * 0.36 + 0.28], anchor=f"y{a}")
        layout[f"yaxis{a}"] = dict(anchor=f"x{a}", rangemode="tozero", gridcolor="#eee",
                                   **({"range": [0, 1], "tickformat": ".0%"} if i == 0 else {}))
        layout["annotations"].append({"text": title, "showarrow": False, "x": 0.5, "y": 1.02,
                                      "xref": f"x{a} domain", "yref": f"y{a} domain",
                                      "yanchor": "bottom", "font": {"size": 12}})
    return figure(bars, layout)


def _bar(names, values, xa, ya, plus, minus, colour) -> dict:
    err = {"type": "data", "array": _clean(plus), "visible": True}
    if minus is not None:
        err["arrayminus"] = _clean(minus)
    return {"type": "bar", "x": names, "y": _clean(values), "error_y": err,
            "marker": {"color": colour}, "xaxis": xa, "yaxis": ya}


def _clean(values) -> list:
    return [None if v is None or v != v else float(v) for v in values]

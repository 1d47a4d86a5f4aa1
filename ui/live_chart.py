"""A Plotly chart that updates in place, for views that refresh several times a second.

Why not `st.plotly_chart`: in Streamlit 1.67 its element id is hashed from the figure,
so every new frame is a new element and the browser rebuilds the plot from scratch.
Measured in headless Chromium, a bare fragment with one 2,000-point chart refreshed at
about 1.6 Hz however fast the server was (plain text in the same fragment: 4 Hz).

This is an `st.components.v2` component keyed by the caller, so it keeps its identity
and calls `Plotly.react` on the same div: the plot is patched, zoom is kept through
`uirevision`, and box/lasso selections come back as component state. It uses the
plotly.js that Streamlit itself ships (the lazy `PlotlyChart` chunk), so there is no
second copy of the library and nothing is fetched from outside. If that chunk cannot
be found (another Streamlit build), it falls back to `st.plotly_chart`.
"""
from __future__ import annotations

import glob
import os
from functools import lru_cache

import plotly.graph_objects as go
import streamlit as st

_JS = r"""
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let div = parentElement.querySelector('div.gl-live');
  if (!div) {
    div = document.createElement('div');
    div.className = 'gl-live';
    parentElement.appendChild(div);
  }
  div.__setState = setStateValue;  // the latest one, for handlers bound once below
  const draw = () => {
    const t0 = performance.now();
    const fig = JSON.parse(data.fig);
    const config = Object.assign({displaylogo: false, responsive: true}, data.config || {});
    window.Plotly.react(div, fig.data, fig.layout, config).then(() => {
      // Draw timings, read by benchmarks/ui_speed.py.
      const stats = (window.__ganLeversDraws = window.__ganLeversDraws || []);
      stats.push({key: data.key, start: t0, ms: performance.now() - t0});
      if (stats.length > 500) stats.shift();
      if (data.select && !div.__bound) {
        div.__bound = true;
        const send = (ev) => {
          const points = ev && ev.points ? ev.points.map(p => ({
            curve_number: p.curveNumber, point_index: p.pointIndex})) : [];
          div.__setState('selection', {points: points});
        };
        div.on('plotly_selected', send);
        div.on('plotly_deselect', () => send(null));
      }
    });
  };
  if (window.Plotly) draw();
  else {
    // Streamlit's own lazy plotly.js chunk sets window.Plotly when it loads.
    import(new URL(data.chunk, window.location.origin).href).then(() => {
      if (window.Plotly) draw();
    });
  }
  // Called on unmount only (not between updates): free the plot's WebGL context, as
  // browsers allow a page only 8-16 of them.
  return () => { if (window.Plotly) window.Plotly.purge(div); };
}
"""

_CSS = "div.gl-live { width: 100%; }"


@lru_cache(maxsize=1)
def plotly_chunk() -> str | None:
    """URL path of the plotly.js chunk bundled with this Streamlit, or None."""
    root = os.path.join(os.path.dirname(st.__file__), "static", "static", "js")
    found = sorted(glob.glob(os.path.join(root, "PlotlyChart.*.js")))
    return f"/static/js/{os.path.basename(found[0])}" if found else None


@lru_cache(maxsize=1)
def _component():
    return st.components.v2.component("gan_levers_live_plotly", js=_JS, css=_CSS,
                                      isolate_styles=False)


def _noop() -> None:
    """A state callback must exist for the selection to be kept as component state."""


def live_plotly(fig: go.Figure, key: str, select: bool = False, on_select=None,
                config: dict | None = None) -> list[dict]:
    """Draw `fig` under `key`, patching the previous frame in place. With `select`,
    returns the current box/lasso selection as [{curve_number, point_index}, ...] and
    calls `on_select` (no arguments) when it changes."""
    chunk = plotly_chunk()
    if chunk is None:
        if select:
            st.plotly_chart(fig, key=key, on_select=on_select or "rerun",
                            selection_mode=("box", "lasso"), config=config or {})
            return []
        st.plotly_chart(fig, key=key, config=config or {})
        return []
    data = {"fig": fig.to_json(), "chunk": chunk, "select": select, "config": config or {},
            "key": key}
    kwargs = {"on_selection_change": on_select or _noop} if select else {}
    result = _component()(data=data, key=key, **kwargs)
    if not select:
        return []
    sel = getattr(result, "selection", None) or {}
    return list(sel.get("points", [])) if isinstance(sel, dict) else []


def selection_points(key: str) -> list[dict]:
    """The selection stored for a live chart `key` (inside its on_select callback)."""
    state = st.session_state.get(key)
    sel = None
    if isinstance(state, dict):
        sel = state.get("selection")
    else:
        sel = getattr(state, "selection", None)
    return list((sel or {}).get("points", [])) if isinstance(sel, dict) else []


_IMG_JS = r"""
export default function (component) {
  const { data, parentElement } = component;
  let fig = parentElement.querySelector('figure.gl-live-img');
  if (!fig) {
    fig = document.createElement('figure');
    fig.className = 'gl-live-img';
    fig.innerHTML = '<img alt=""><figcaption></figcaption>';
    parentElement.appendChild(fig);
  }
  const img = fig.querySelector('img');
  if (data.width) img.style.width = data.width + 'px';
  img.src = 'data:image/png;base64,' + data.png;
  img.alt = data.caption || '';
  fig.querySelector('figcaption').textContent = data.caption || '';
}
"""

_IMG_CSS = """
figure.gl-live-img { margin: 0; }
figure.gl-live-img img { max-width: 100%; image-rendering: pixelated; display: block; }
figure.gl-live-img figcaption { font-size: 0.8rem; opacity: 0.7; margin-top: 0.25rem; }
"""


@lru_cache(maxsize=1)
def _image_component():
    return st.components.v2.component("gan_levers_live_image", js=_IMG_JS, css=_IMG_CSS,
                                      isolate_styles=False)


def live_image(png: bytes, key: str, caption: str = "", width: int | None = None) -> None:
    """A PNG shown inline (a data URL) and swapped in place on the next call. st.image
    serves each new picture as a separate file the browser must then fetch; for a picture
    that changes on every lever move that round trip was most of the redraw."""
    import base64
    _image_component()(data={"png": base64.b64encode(png).decode("ascii"), "caption": caption,
                             "width": width}, key=key)


def png_bytes(image) -> bytes:
    """uint8 (H, W) or (H, W, 3) array -> PNG. Fast compression: these are small and change
    on every lever move, so encode time matters more than size."""
    import io

    import numpy as np
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(np.asarray(image)).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


_STRIPS_JS = r"""
export default function (component) {
  const { data, parentElement } = component;
  let fig = parentElement.querySelector('figure.gl-live-strips');
  if (!fig) {
    fig = document.createElement('figure');
    fig.className = 'gl-live-strips';
    fig.innerHTML = '<canvas></canvas><figcaption></figcaption>';
    parentElement.appendChild(fig);
  }
  const {rows, cols, side, scale, gap, label_w: labelW} = data;
  const cell = side * scale;
  const canvas = fig.querySelector('canvas');
  canvas.width = labelW + cols * (cell + gap) + gap;
  canvas.height = rows * (cell + gap) + gap;
  canvas.setAttribute('aria-label', data.caption || '');
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'rgb(245,246,248)';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const raw = atob(data.ink);
  const tile = document.createElement('canvas');
  tile.width = tile.height = side;
  const tctx = tile.getContext('2d');
  const pixels = tctx.createImageData(side, side);
  ctx.imageSmoothingEnabled = false;
  ctx.font = '12px sans-serif';
  ctx.textBaseline = 'middle';
  for (let i = 0; i < rows; i++) {
    const y = gap + i * (cell + gap);
    ctx.fillStyle = data.kinds[i] === 'code' ? 'rgb(120,40,160)' : 'rgb(40,40,40)';
    ctx.fillText(data.names[i], 4, y + cell / 2);
    for (let j = 0; j < cols; j++) {
      const base = (i * cols + j) * side * side;
      for (let p = 0; p < side * side; p++) {
        const v = raw.charCodeAt(base + p);
        pixels.data[4 * p] = pixels.data[4 * p + 1] = pixels.data[4 * p + 2] = v;
        pixels.data[4 * p + 3] = 255;
      }
      tctx.putImageData(pixels, 0, 0);
      const x = labelW + gap + j * (cell + gap);
      ctx.drawImage(tile, x, y, cell, cell);
      if (data.current[i] === j) {
        ctx.strokeStyle = 'rgb(220,40,40)';
        ctx.lineWidth = 2;
        ctx.strokeRect(x - 1, y - 1, cell + 2, cell + 2);
      }
    }
  }
  fig.querySelector('figcaption').textContent = data.caption || '';
}
"""

_STRIPS_CSS = """
figure.gl-live-strips { margin: 0; }
figure.gl-live-strips canvas { max-width: 100%; display: block; }
figure.gl-live-strips figcaption { font-size: 0.8rem; opacity: 0.7; margin-top: 0.25rem; }
"""


@lru_cache(maxsize=1)
def _strips_component():
    return st.components.v2.component("gan_levers_live_strips", js=_STRIPS_JS, css=_STRIPS_CSS,
                                      isolate_styles=False)


def live_strips(ink, names: list[str], key: str, current: list[int], kinds: list[str] | None = None,
                caption: str = "", scale: int = 5, gap: int = 3, label_w: int = 44) -> None:
    """A sheet of image strips, one row per lever, drawn by the browser on a canvas from the
    raw grey levels: ink (rows, cols, side, side) uint8, dark ink on white. Building and
    PNG-encoding the same sheet on the server took ~55 ms per lever move, this ~1 ms."""
    import base64

    import numpy as np
    ink = np.ascontiguousarray(ink, dtype=np.uint8)
    rows, cols, side, _ = ink.shape
    _strips_component()(data={
        "ink": base64.b64encode(ink.tobytes()).decode("ascii"), "rows": rows, "cols": cols,
        "side": side, "scale": scale, "gap": gap, "label_w": label_w, "names": list(names),
        "kinds": list(kinds or [""] * rows), "current": [int(c) for c in current],
        "caption": caption}, key=key)

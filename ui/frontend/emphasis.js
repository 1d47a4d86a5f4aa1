// A node of the overview graph hovered or clicked: its layer of the samples view is
// brought forward. The view is veiled and that layer painted again over the veil, on a
// canvas of its own (canvas.gl-emph) over the plot: no Plotly redraw, so it costs a few
// ms and the live feed's frames go on underneath.
import {column, paintOverlay} from './overlay.js';
import {drawnTraces, overlayHost, plotArea} from './plotly_adapter.js';
import {FIELD_SCALE, scaleColour} from './overview_graph.js';

const VEIL = 'rgba(255,255,255,0.78)';

// A trace's x, y or z as numbers (plain arrays, typed arrays, plotly.py's bdata).
export function numbers(v) {
  if (ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v))  // a heat map's rows: arrays, or typed arrays once Plotly decoded them
    return v.length && (Array.isArray(v[0]) || ArrayBuffer.isView(v[0])) ? v.flatMap(r => Array.from(r)) : v;
  return column(v);
}

// The traces a layer is made of, ready for paintOverlay ({xs, ys, marker...}); the
// samples view's heat map comes back as {heat: {xs, ys, z, zmin, zmax, scale}}.
export function layerTraces(drawn, live, layer) {
  const named = (name) => {
    const l = (live || []).find(t => t.name === name);
    if (l) return l;
    const t = drawn.find(d => d.name === name);
    return t ? Object.assign({}, t, {xs: numbers(t.x), ys: numbers(t.y)}) : null;
  };
  const bigger = (t) => Object.assign({}, t, {marker: Object.assign({}, t.marker, {
    size: Math.max(5, ((t.marker && t.marker.size) || 4) + 2)})});
  if (layer === 'real') return [named('real')].filter(Boolean).map(bigger);
  if (layer === 'fake' || layer === 'noise') return [named('generated')].filter(Boolean).map(bigger);
  if (layer === 'field') {
    const h = drawn.find(d => d.type === 'heatmap');
    if (!h) return [];
    return [{heat: {xs: numbers(h.x), ys: numbers(h.y), z: numbers(h.z), zmin: h.zmin,
                    zmax: h.zmax, scale: h.colorscale || FIELD_SCALE}}];
  }
  return [];
}

// The edge between cells k-1 and k of centres `a` (the outer edges half a cell out).
export function cellEdge(a, k) {
  const n = a.length;
  if (n < 2) return k <= 0 ? a[0] - 0.5 : a[0] + 0.5;
  if (k <= 0) return a[0] - (a[1] - a[0]) / 2;
  if (k >= n) return a[n - 1] + (a[n - 1] - a[n - 2]) / 2;
  return (a[k - 1] + a[k]) / 2;
}

// Paints a heat map's cells (centred on xs, ys) on ctx in plot pixels.
export function paintHeat(ctx, heat, area) {
  const {xs, ys, z} = heat, nx = xs.length, ny = ys.length;
  const span = (heat.zmax - heat.zmin) || 1;
  const edge = (a, k) => cellEdge(a, k);
  for (let r = 0; r < ny; r++)
    for (let c = 0; c < nx; c++) {
      const rgb = scaleColour(heat.scale, (z[r * nx + c] - heat.zmin) / span);
      ctx.fillStyle = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
      const x0 = area.x(edge(xs, c)), x1 = area.x(edge(xs, c + 1));
      const y0 = area.y(edge(ys, r)), y1 = area.y(edge(ys, r + 1));
      ctx.fillRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0) + 0.5, Math.abs(y1 - y0) + 0.5);
    }
}

// Brings `layer` ('real', 'fake', 'noise', 'field', or null: none) of the samples chart
// in `div` (its div.gl-live) forward. Returns whether anything is painted.
export function emphasise(div, layer) {
  const host = div && overlayHost(div), area = div && plotArea(div);
  let cv = host ? host.querySelector('canvas.gl-emph') : null;
  const traces = layer && area ? layerTraces(drawnTraces(div), div.__liveItems, layer) : [];
  if (!traces.length) { if (cv) cv.remove(); return false; }
  if (!cv) {
    cv = document.createElement('canvas');
    cv.className = 'gl-emph';
    cv.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;z-index:3;';
    host.appendChild(cv);
  }
  const dpr = window.devicePixelRatio || 1;
  cv.width = area.width * dpr; cv.height = area.height * dpr;
  cv.style.width = area.width + 'px'; cv.style.height = area.height + 'px';
  cv.dataset.layer = layer;
  const ctx = cv.getContext('2d');
  ctx.scale(dpr, dpr);
  ctx.fillStyle = VEIL;
  ctx.fillRect(area.left, area.top, area.w, area.h);
  ctx.save();
  ctx.beginPath(); ctx.rect(area.left, area.top, area.w, area.h); ctx.clip();
  for (const t of traces) if (t.heat) paintHeat(ctx, t.heat, area);
  ctx.restore();
  paintOverlay(ctx, traces.filter(t => !t.heat), area);
  return true;
}

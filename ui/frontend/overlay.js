// Plotly JSON and the 2-D overlay: how traces sent as JSON are read, and how small traces
// are painted on a canvas over the plot. Pure: a canvas context and the plot's area
// (plotly_adapter.plotArea) come in as arguments, so node's tests can pass fakes.
import {floats} from './plan.js';

// A trace's x or y: a plain array, or plotly.py's {dtype, bdata} (float32 only).
export function column(v) {
  if (Array.isArray(v)) return v;
  if (v && v.dtype === 'f4' && typeof v.bdata === 'string') return floats(v.bdata);
  return null;
}

// All of a layout but its title: the title changes every frame without needing a redraw.
export function layoutKey(lay) { return JSON.stringify(Object.assign({}, lay, {title: null})); }

// xs, ys -> [x0, y0, x1, y1, ...], the positions regl-scatter2d takes.
export function interleave(xs, ys) {
  const pos = new Float32Array(xs.length * 2);
  for (let k = 0; k < xs.length; k++) { pos[2 * k] = xs[k]; pos[2 * k + 1] = ys[k]; }
  return pos;
}

// The ten corners of a five-pointed star of outer radius r, the first one up.
export function starCorners(cx, cy, r) {
  const out = [];
  for (let j = 0; j < 10; j++) {
    const rad = j % 2 ? r * 0.45 : r, ang = -Math.PI / 2 + j * Math.PI / 5;
    out.push([cx + rad * Math.cos(ang), cy + rad * Math.sin(ang)]);
  }
  return out;
}

// Paints `traces` ([{mode, line, marker, xs, ys}], in data units) on ctx, clipped to the
// plot area. `area`: {left, top, w, h, x(v), y(v)}, x and y mapping data to pixels.
export function paintOverlay(ctx, traces, area) {
  ctx.save();
  ctx.beginPath(); ctx.rect(area.left, area.top, area.w, area.h); ctx.clip();
  for (const t of traces) {
    if ((t.mode || '').includes('lines')) paintLine(ctx, t, area);
    else paintMarkers(ctx, t, area);
  }
  ctx.restore();
}

// A line breaks at a NaN (Plotly's gaps), and a trace with fill 'toself' fills each
// piece (the manifold's cells), as Plotly draws them.
function paintLine(ctx, t, area) {
  const xs = t.xs, ys = t.ys;
  ctx.beginPath();
  let pen = false;
  for (let k = 0; k < xs.length; k++) {
    if (!Number.isFinite(xs[k]) || !Number.isFinite(ys[k])) { pen = false; continue; }
    if (pen) ctx.lineTo(area.x(xs[k]), area.y(ys[k]));
    else { ctx.moveTo(area.x(xs[k]), area.y(ys[k])); pen = true; }
  }
  if (t.fill === 'toself' && t.fillcolor) { ctx.fillStyle = t.fillcolor; ctx.fill(); }
  const width = t.line && t.line.width !== undefined ? t.line.width : 2;
  if (width <= 0) return;
  ctx.strokeStyle = (t.line && t.line.color) || '#333';
  ctx.lineWidth = width;
  ctx.stroke();
}

function paintMarkers(ctx, t, area) {
  const xs = t.xs, ys = t.ys;
  const m = t.marker || {}, ln = m.line || {}, colours = Array.isArray(m.color) ? m.color : null;
  for (let k = 0; k < xs.length; k++) {
    const cx = area.x(xs[k]), cy = area.y(ys[k]), r = (m.size || 8) / 2;
    if (colours && !ln.width) {  // a cloud of small dots (the fakes): one arc each
      ctx.fillStyle = colours[k];
      ctx.beginPath(); ctx.arc(cx, cy, r, 0, 2 * Math.PI); ctx.fill();
      continue;
    }
    ctx.beginPath();
    if (m.symbol === 'star') {
      for (const [x, y] of starCorners(cx, cy, r)) ctx.lineTo(x, y);
      ctx.closePath();
    } else ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.fillStyle = m.color || '#333'; ctx.fill();
    if (ln.width) { ctx.strokeStyle = ln.color || '#111'; ctx.lineWidth = ln.width; ctx.stroke(); }
  }
}

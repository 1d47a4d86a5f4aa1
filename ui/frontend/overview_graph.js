// The model overview graph (issue 19), its pure part: the diagram's geometry and markup,
// which edges an update lights, and the small views' pixels. No DOM here, so node's
// tests run all of it; ui/frontend/overview.js puts it on the page.

// D's colour and G's, as in GAN Lab: blue for the discriminator, purple for the generator.
export const D_COLOUR = '#2f6fde';
export const G_COLOUR = '#a347ba';
// The samples view's heat map (gan_core.plots._field_trace): purple fake, green real.
export const FIELD_SCALE = [[0, '#8e44ad'], [0.5, '#f7f7f7'], [1, '#27ae60']];

export const VIEW = {w: 640, h: 256};
export const THUMB = 84;  // px a side of a node's small view

// Boxes: x, y, w, h in the SVG's own units. `layer`: what the node highlights on the
// samples view (ui/frontend/emphasis.js).
export const NODES = [
  {id: 'noise', x: 6, y: 120, w: THUMB, h: THUMB, layer: 'noise'},
  {id: 'G', x: 112, y: 137, w: 58, h: 50, net: true},
  {id: 'fake', x: 192, y: 120, w: THUMB, h: THUMB, layer: 'fake'},
  {id: 'real', x: 192, y: 18, w: THUMB, h: THUMB, layer: 'real'},
  {id: 'D', x: 318, y: 56, w: 100, h: 100, net: true, layer: 'field', below: true},
  {id: 'dloss', x: 460, y: 24, w: 172, h: 64},
  {id: 'gloss', x: 460, y: 130, w: 172, h: 64},
];

// Edges: forward flows and the gradients going back. `d`/`g`: on the path of D's update
// or G's (GAN Lab's d-update-flow, g-update-flow).
export const EDGES = [
  {id: 'z-G', path: 'M90,162 L112,162', d: true, g: true},
  {id: 'G-fake', path: 'M170,162 L192,162', d: true, g: true},
  {id: 'real-D', path: 'M276,60 C298,60 298,88 318,88', d: true},
  {id: 'fake-D', path: 'M276,162 C298,162 298,126 318,126', d: true, g: true},
  {id: 'D-dloss', path: 'M418,92 C440,92 438,56 460,56', d: true},
  {id: 'D-gloss', path: 'M418,122 C440,122 438,162 460,162', g: true},
  {id: 'grad-D', path: 'M486,24 L486,8 L368,8 L368,56', d: true, grad: true},
  {id: 'grad-G', path: 'M546,194 L546,240 L141,240 L141,187', g: true, grad: true},
];

// The ids of the edges an update lights: 'd' (D's step), 'g' (G's), 'both' (a whole step,
// or training at full speed), anything else none.
export function litEdges(phase) {
  return EDGES.filter(e => (phase === 'd' && e.d) || (phase === 'g' && e.g) ||
                           (phase === 'both' && (e.d || e.g))).map(e => e.id);
}

// Which losses an update computes afresh (the other one is carried over from before).
export function freshLosses(phase) {
  return {d_loss: phase === 'd' || phase === 'both', g_loss: phase === 'g' || phase === 'both'};
}

// Which network an update moves (and so which one is frozen): {D, G} booleans.
export function movingNets(phase) {
  return {D: phase === 'd' || phase === 'both', G: phase === 'g' || phase === 'both'};
}

export function escapeText(s) {
  return String(s).replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;',
                                              '"': '&quot;', "'": '&#39;'}[c]));
}

function nodeMarkup(n, labels) {
  const e = (k) => escapeText(labels[k] || '');
  const body = n.id === 'G' ? `<text class="ov-net-name" x="${n.x + n.w / 2}" y="${n.y + n.h / 2 + 8}">G</text>` : '';
  const image = n.id === 'noise' || n.id === 'fake' || n.id === 'real' || n.id === 'D'
    ? `<image class="ov-view" data-view="${n.id}" x="${n.x + 2}" y="${n.y + 2}" width="${n.w - 4}" height="${n.h - 4}" preserveAspectRatio="none"/>`
    : '';
  const loss = n.id.endsWith('loss')
    ? `<text class="ov-loss-value" data-loss="${n.id}" x="${n.x + 8}" y="${n.y + 24}"></text>` +
      `<polyline class="ov-spark" data-spark="${n.id}" points=""/>` : '';
  return `<g class="ov-node${n.net ? ' ov-net' : ''}" data-node="${n.id}"` +
    `${n.layer ? ` data-layer="${n.layer}" tabindex="0"` : ''}>` +
    `<title>${e(n.id + '_tip')}</title>` +
    `<rect class="ov-box" x="${n.x}" y="${n.y}" width="${n.w}" height="${n.h}" rx="6"/>` +
    image + body + loss +
    `<text class="ov-label" x="${n.x + n.w / 2}" y="${n.below ? n.y + n.h + 16 : n.y - 5}">` +
    `${e(n.id + '_label')}</text></g>`;
}

// The whole diagram as one SVG element's markup; `labels` holds its texts (already in
// the session's language): <id>_label above each node, <id>_tip its tooltip.
export function svgMarkup(labels) {
  const marker = (id, colour) => `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" ` +
    `markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`;
  const edges = EDGES.map(e => `<path class="ov-edge${e.grad ? ' ov-grad' : ''}" data-edge="${e.id}" d="${e.path}"/>`);
  return `<svg class="ov-svg" viewBox="0 0 ${VIEW.w} ${VIEW.h}" role="img" ` +
    `aria-label="${escapeText(labels.title || '')}" xmlns="http://www.w3.org/2000/svg">` +
    `<defs>${marker('ov-arrow', '#9a9a9a')}${marker('ov-arrow-d', D_COLOUR)}${marker('ov-arrow-g', G_COLOUR)}</defs>` +
    edges.join('') +
    `<text class="ov-grad-label" x="378" y="21">${escapeText(labels.grad_d || '')}</text>` +
    `<text class="ov-grad-label" x="300" y="234">${escapeText(labels.grad_g || '')}</text>` +
    NODES.map(n => nodeMarkup(n, labels)).join('') + '</svg>';
}

// Every step-th point's pixel position in a size x size view of `bounds` [x0, x1, y0, y1]
// (y up), as flat [px0, py0, px1, py1, ...].
export function project(xs, ys, bounds, size, step = 1) {
  const [x0, x1, y0, y1] = bounds, sx = size / ((x1 - x0) || 1), sy = size / ((y1 - y0) || 1);
  const out = [];
  for (let k = 0; k < xs.length; k += step) out.push((xs[k] - x0) * sx, size - (ys[k] - y0) * sy);
  return out;
}

export function parseColour(c) {
  const s = String(c).trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map(i => parseInt(m[1].slice(i, i + 2), 16));
  m = /^rgba?\(([^)]+)\)$/i.exec(s);
  if (m) return m[1].split(',').slice(0, 3).map(v => Math.round(parseFloat(v)));
  return [0, 0, 0];
}

// The colour at t in [0, 1] of a Plotly colour scale [[stop, colour], ...].
export function scaleColour(scale, t) {
  const v = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5));
  for (let i = 1; i < scale.length; i++) {
    const [s0, c0] = scale[i - 1], [s1, c1] = scale[i];
    if (v <= s1 || i === scale.length - 1) {
      const a = parseColour(c0), b = parseColour(c1), f = s1 > s0 ? (v - s0) / (s1 - s0) : 0;
      return a.map((x, j) => Math.round(x + (b[j] - x) * Math.min(1, Math.max(0, f))));
    }
  }
  return parseColour(scale[0][1]);
}

// D's map (n x n bytes, row 0 at the lowest y) as RGBA pixels with the top row first.
export function heatPixels(bytes, n, scale = FIELD_SCALE) {
  const lut = Array.from({length: 256}, (_, q) => scaleColour(scale, q / 255));
  const px = new Uint8ClampedArray(n * n * 4);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const rgb = lut[bytes[r * n + c]], o = ((n - 1 - r) * n + c) * 4;
      px[o] = rgb[0]; px[o + 1] = rgb[1]; px[o + 2] = rgb[2]; px[o + 3] = 255;
    }
  return px;
}

// A loss history as an SVG polyline's points in the box {x, y, w, h}; '' under 2 values.
export function sparkPoints(values, box) {
  const v = values.filter(Number.isFinite);
  if (v.length < 2) return '';
  let lo = Math.min(...v), hi = Math.max(...v);
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  return v.map((y, k) => `${(box.x + (k / (v.length - 1)) * box.w).toFixed(1)},` +
    `${(box.y + box.h - ((y - lo) / (hi - lo)) * box.h).toFixed(1)}`).join(' ');
}

// "step.time" tags (ui.live_feed._tag): is a newer than b? ('' is oldest.)
export function newerTag(a, b) {
  if (!a) return false;
  if (!b) return true;
  const parse = (t) => { const i = t.indexOf('.'); return [Number(t.slice(0, i)), Number(t.slice(i + 1))]; };
  const [sa, ta] = parse(a), [sb, tb] = parse(b);
  return sa > sb || (sa === sb && ta > tb);
}

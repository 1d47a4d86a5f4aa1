// Projector mode (ui.projector): the live charts restyled for a classroom's projector,
// in the browser, from the figure the server sent. Larger text, thicker points and lines,
// and no faint colours: a pale grey at 35% opacity vanishes on a washed-out screen.
// Pure functions that return copies: the cached traces stay as the server sent them.

export const FONT_SCALE = 1.5;
export const POINT_SCALE = 1.8;
export const LINE_SCALE = 2;

const RGBA = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/;

// A colour with more contrast: greys darker, nothing fainter than 60% opaque.
export function contrastColour(c) {
  const m = typeof c === 'string' ? RGBA.exec(c) : null;
  if (!m) return c;
  let [r, g, b] = [m[1], m[2], m[3]].map(Number);
  const a = m[4] === undefined ? 1 : Number(m[4]);
  if (r === g && g === b) r = g = b = Math.min(r, 50);
  return `rgba(${r},${g},${b},${Math.max(a, 0.6)})`;
}

const scaled = (v, k, floor) => (typeof v === 'number' ? Math.max(v * k, floor) :
  Array.isArray(v) ? v.map(x => Math.max(x * k, floor)) : v);

function font(f, size) {
  const out = Object.assign({}, f || {});
  out.size = Math.round(((f && f.size) || size) * FONT_SCALE);
  out.color = '#000000';
  return out;
}

export function projectorTrace(t) {
  const out = Object.assign({}, t);
  if (t.marker) {
    out.marker = Object.assign({}, t.marker, {size: scaled(t.marker.size === undefined ? 6 : t.marker.size, POINT_SCALE, 5)});
    if (t.marker.line) out.marker.line = Object.assign({}, t.marker.line, {width: scaled(t.marker.line.width || 1, LINE_SCALE, 1)});
    if (typeof t.marker.color === 'string') out.marker.color = contrastColour(t.marker.color);
  }
  if (t.line) {
    out.line = Object.assign({}, t.line, {width: scaled(t.line.width || 2, LINE_SCALE, 2)});
    if (t.line.color !== undefined) out.line.color = contrastColour(t.line.color);
  }
  if (typeof t.opacity === 'number' && t.type !== 'heatmap') out.opacity = Math.max(t.opacity, 0.85);
  return out;
}

function axis(a) {
  const out = Object.assign({}, a);
  out.tickfont = font(a.tickfont, 12);
  if (a.title && typeof a.title === 'object') out.title = Object.assign({}, a.title, {font: font(a.title.font, 12)});
  out.linecolor = '#000000';
  out.gridcolor = '#999999';
  return out;
}

export function projectorLayout(l) {
  const out = Object.assign({}, l);
  out.font = font(l.font, 12);
  if (l.title && typeof l.title === 'object') out.title = Object.assign({}, l.title, {font: font(l.title.font, 13)});
  if (l.legend) out.legend = Object.assign({}, l.legend, {font: font(l.legend.font, 12)});
  for (const k of Object.keys(l)) if (/^[xy]axis\d*$/.test(k) && l[k]) out[k] = axis(l[k]);
  out.paper_bgcolor = '#ffffff';
  out.plot_bgcolor = '#ffffff';
  if (l.margin) out.margin = Object.assign({}, l.margin, {l: Math.max(l.margin.l || 0, 56), b: Math.max(l.margin.b || 0, 48)});
  return out;
}

// Slow motion on the samples view (issue 19): a live frame that carries the fakes from
// before its update (ui.live_feed: `before`, `speed`) is drawn as a glide from the old
// positions to the new, so a class can follow each generator update.
import {column} from './overlay.js';

// How long a frame's glide lasts: 80% of its phase (half a slow step, 500 / speed ms), so
// the points rest a moment before the next update; 0 (no glide) at full speed or without
// the old positions.
export function glideMs(frame) {
  if (!frame || !frame.before || !(frame.speed > 0)) return 0;
  return 0.8 * 500 / frame.speed;
}

// Smooth start and stop: t in [0, 1] -> [0, 1].
export function ease(t) {
  const v = Math.min(1, Math.max(0, t));
  return v * v * (3 - 2 * v);
}

// a + (b - a) * t, element-wise; b itself where the lengths differ (nothing to match).
export function lerpColumn(a, b, t) {
  if (!a || a.length !== b.length) return b;
  const out = new Float32Array(b.length);
  for (let k = 0; k < b.length; k++) out[k] = a[k] + (b[k] - a[k]) * t;
  return out;
}

// The items ({name, xs, ys, ...}) at fraction t of the way from `before` ({name: {x, y}}).
export function glideItems(items, before, t) {
  const e = ease(t);
  return items.map((it) => {
    const b = before[it.name || ''];
    if (!b) return it;
    return Object.assign({}, it, {xs: lerpColumn(column(b.x), it.xs, e),
                                  ys: lerpColumn(column(b.y), it.ys, e)});
  });
}

// The items to paint now for live frame `f`: where a glide starts, the old positions,
// with `paint(items)` called again on each animation frame until the new ones are
// reached. It stops early when a newer frame or a full redraw replaces this one
// (`current()` false).
export function startGlide(f, items, paint, current) {
  const ms = glideMs(f);
  if (!ms) return items;
  const t0 = performance.now();
  const tick = () => {
    if (!current()) return;
    const t = (performance.now() - t0) / ms;
    paint(glideItems(items, f.before, Math.min(1, t)));
    if (t < 1) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return glideItems(items, f.before, 0);
}

// The page's main chart first. On a first visit, everything waiting for plotly.js (every
// chart, each WebGL context, the overview's canvases) ran in one burst when it loaded, the
// main chart last: on this machine the right-hand column alone delayed it by about a second.
// A view given `after` (the main chart's key) is drawn once that chart has drawn on this
// page, or after WAIT_MS in any case. The state is on window: each component's bundle has
// its own copy of this file, and a page switch keeps the window.

const WAIT_MS = 3000;

function gate() {
  if (!window.__glDrawn) window.__glDrawn = {keys: new Set(), waiting: new Map()};
  return window.__glDrawn;
}

// The chart keyed `key` has drawn: run what waited for it.
export function markDrawn(key) {
  const g = gate();
  if (g.keys.has(key)) return;
  g.keys.add(key);
  const fns = g.waiting.get(key) || [];
  g.waiting.delete(key);
  fns.forEach(fn => fn());
}

// Calls fn() once the chart keyed `after` has drawn (at once when it has, or `after` is
// empty), or WAIT_MS from now, whichever comes first; fn runs once.
export function afterDrawn(after, fn) {
  const g = gate();
  if (!after || g.keys.has(after)) { fn(); return; }
  let done = false;
  const once = () => { if (!done) { done = true; fn(); } };
  if (!g.waiting.has(after)) g.waiting.set(after, []);
  g.waiting.get(after).push(once);
  setTimeout(once, WAIT_MS);
}

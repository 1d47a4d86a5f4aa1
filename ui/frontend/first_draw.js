// The page's main chart draws first. On a newly opened page every chart waits for
// plotly.js, then all of them draw at once, in mount order, 0.1-0.3 s each on a slow
// machine: the chart a newcomer looks at (the Playground's samples) came last, 0.7 s
// later than it could. A chart marked `first` holds the others back until it has drawn,
// at most HOLD_MS (a first chart that never draws must not blank the page).

export const HOLD_MS = 2500;

function gate(win) {
  return (win.__glFirstDraw = win.__glFirstDraw || {held: new Set(), waiters: [], timer: null});
}

function releaseAll(win) {
  const g = gate(win);
  g.held.clear();
  if (g.timer !== null) { win.clearTimeout(g.timer); g.timer = null; }
  const waiters = g.waiters.splice(0);
  for (const fn of waiters) fn();
}

// A first chart with a frame it has not drawn yet: the others wait for it.
export function holdFirst(key, win = window) {
  const g = gate(win);
  g.held.add(key);
  if (g.timer === null) g.timer = win.setTimeout(() => { g.timer = null; releaseAll(win); }, HOLD_MS);
}

// The first chart drew (or gave up, or went away): the others go, after the next paint, so
// their draws do not hold the first one's off the screen.
export function releaseFirst(key, win = window) {
  const g = gate(win);
  if (!g.held.delete(key) || g.held.size) return;
  win.requestAnimationFrame(() => win.setTimeout(() => { if (!g.held.size) releaseAll(win); }, 0));
}

// True when a first chart is still to draw: then `retry` is called once it has.
export function mustWait(retry, win = window) {
  const g = gate(win);
  if (!g.held.size) return false;
  g.waiters.push(retry);
  return true;
}

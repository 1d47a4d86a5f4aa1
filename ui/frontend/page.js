// What the components share on the page (not Plotly): G's decoded weights, the draw
// timings, and the lever sliders as the browser shows them now.

// Decoded plans by id, shared by every component on the page: weights cross the wire
// once per model and session (ui.live_chart sends a plan only until the browser has it).
export function plans() { return (window.__glPlans = window.__glPlans || new Map()); }

// Draw timings {key, start, ms, ...}, read by the browser tests and benchmarks/ui_speed.py.
export function recordDraw(entry) {
  const stats = (window.__ganLeversDraws = window.__ganLeversDraws || []);
  stats.push(entry);
  if (stats.length > 500) stats.shift();
}

// The events that may move a slider (pointer, keys, and the input itself).
const SLIDER_EVENTS = ['input', 'change', 'keydown', 'keyup', 'pointermove', 'pointerup'];

// The lever sliders keyed `${prefix}${i}` as the browser shows them now (their value lands
// in the DOM before the server hears of it); `fallback[i]` where one is not on the page.
export function sliderZ(prefix, fallback) {
  return Array.from(fallback, (v, i) => {
    const el = document.querySelector('.st-key-' + prefix + i + ' input[type=range]');
    const x = el ? parseFloat(el.value) : NaN;
    return Number.isFinite(x) ? x : v;
  });
}

// After an event on a slider whose key starts with prefix(), calls step() on the next
// animation frames until it returns true (it drew) or 6 frames pass: the slider's value
// lands in the DOM a frame or two after the key or pointer event. onEvent() runs on each
// such event. Returns the function that stops listening.
export function followSliders(prefix, step, onEvent) {
  let frames = 0;
  const check = () => {
    if (step()) frames = 0;
    else if (frames > 0) { frames--; requestAnimationFrame(check); }
  };
  const handler = (ev) => {
    const t = ev.target;
    if (!t || !t.closest || !t.closest('[class*="st-key-' + prefix() + '"]')) return;
    if (onEvent) onEvent();
    if (frames === 0) requestAnimationFrame(check);
    frames = 6;
  };
  for (const type of SLIDER_EVENTS) document.addEventListener(type, handler, true);
  return () => { for (const type of SLIDER_EVENTS) document.removeEventListener(type, handler, true); };
}

// The live Plotly chart (ui.live_chart.live_plotly): Plotly.react on the same div frame
// after frame, plus three faster paths while training or while the levers move.
import {askFull, stopAsking} from './ask_full.js';
import {holdFirst, mustWait, releaseFirst} from './first_draw.js';
import {decodePlan, forward, sweepInputs} from './plan.js';
import {column, interleave, layoutKey, paintOverlay} from './overlay.js';
import {followSliders, plans, recordDraw, sliderZ} from './page.js';
import {startGlide} from './glide.js';
import {drawnTraces, glGroupCount, glPositionsLength, glScene, hideSvgTraces, onRelayout, onSelection,
        overlayHost, plotArea, plotlyLoaded, plotted, purge, react, setGlOpacities, setGlPositions,
        setTitle, showSvgTraces, whenPlotly} from './plotly_adapter.js';
import {projectorLayout, projectorTrace} from './projector.js';

// Lever preview on a 2-D samples chart: as the sliders move, the browser runs G on the
// probe and the sweeps and moves those traces, before the server's rerun arrives.
function leverPreview(div, lv, setStateValue) {
  const PLANS = plans();
  if (lv.plan) PLANS.set(lv.plan_id, decodePlan(lv.plan));
  if (!PLANS.has(lv.plan_id)) { setStateValue('need_plan', lv.plan_id); return; }
  div.__levers = lv;
  if (div.__unfollow) return;
  let shown = null;
  const step = () => {
    const l = div.__levers, z = sliderZ(l.prefix, l.z);
    const key = z.map(v => v.toFixed(3)).join(',');
    if (key === shown || !plotlyLoaded() || !plotted(div)) return false;
    shown = key;
    previewLevers(div, l, z);
    return true;
  };
  div.__unfollow = followSliders(() => div.__levers.prefix, step);
}

function previewLevers(div, l, z) {
  const t0 = performance.now(), nv = l.values.length;
  const out = forward(plans().get(l.plan_id), sweepInputs(z, l.dims, l.values), z.length);
  const X = (r) => out[r * 2] * l.scale[0] + l.center[0];
  const Y = (r) => out[r * 2 + 1] * l.scale[1] + l.center[1];
  // Drawn on a canvas over the plot, in the plot's own coordinates: Plotly.restyle
  // recomputes every trace (~100+ ms with 4,000 WebGL points). The next frame from
  // the server carries the same probe and sweeps as real traces, and clears this.
  const overlay = [], drawn = drawnTraces(div);
  drawn.forEach((t) => {
    const m = /^z(\d+) sweep$/.exec(t.name || '');
    const a = m ? l.dims.indexOf(parseInt(m[1], 10)) : -1;
    if (a < 0) return;
    const rows = Array.from({length: nv}, (_, k) => 1 + a * nv + k);
    overlay.push(Object.assign({}, t, {xs: rows.map(X), ys: rows.map(Y)}));
  });
  const probe = drawn.find(t => t.name === 'probe G(z)') ||
    {name: 'probe G(z)', mode: 'markers',
     marker: {size: 20, symbol: 'star', color: '#ffd400', line: {width: 2, color: '#111111'}}};
  overlay.push(Object.assign({}, probe, {xs: [X(0)], ys: [Y(0)]}));
  div.__preview = overlay;  // the live feed keeps these while the sliders lead
  if (!drawOverlay(div, (div.__liveItems || []).concat(overlay))) return;
  div.querySelector('canvas.gl-overlay').dataset.probe = X(0).toFixed(4) + ',' + Y(0).toFixed(4);
  recordDraw({key: l.key + ':levers', start: t0, ms: performance.now() - t0});
}

// Paints `traces` on a canvas over the plot and hides Plotly's SVG copies of them. `kind`:
// 'live' (the feed's frames, the lever preview) or 'top' (the probe over Plotly's points).
function drawOverlay(div, traces, kind = 'live') {
  const area = plotArea(div), host = overlayHost(div);
  if (!area || !host) return false;
  let ov = host.querySelector('canvas.gl-overlay');
  if (!ov) {
    ov = document.createElement('canvas');
    ov.className = 'gl-overlay';
    ov.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;';
    host.appendChild(ov);
  }
  const dpr = window.devicePixelRatio || 1;
  ov.width = area.width * dpr; ov.height = area.height * dpr;
  ov.style.width = area.width + 'px'; ov.style.height = area.height + 'px';
  ov.dataset.kind = kind;
  const ctx = ov.getContext('2d');
  ctx.scale(dpr, dpr);
  paintOverlay(ctx, traces, area);
  hideSvgTraces(div, new Set(traces.map(t => t.name)));
  return true;
}

// Fast path, for frames where only the named `fast` traces moved (training): the WebGL
// points are handed straight to Plotly's regl scene, and small SVG traces (probe, sweeps)
// are drawn on a canvas over the plot. A full Plotly.react costs 110-160 ms a frame in
// headless Chromium even for one 2,000-point trace (a full recalc and replot); this costs
// ~30. Hover and box selection use the last full draw until the next one (the field
// changes about once a second, which forces one).
function fastDraw(div, d) {
  const full = div.__full, fast = d.fast || [];
  if (!full || !fast.length || !plotlyLoaded()) return false;
  if (!!d.projector !== full.projector) return false;  // projector mode restyles everything
  const objs = d.traces.map(d.obj), names = objs.map(o => o.name || '');
  if (names.join('\u0001') !== full.names.join('\u0001')) return false;
  if (layoutKey(JSON.parse(d.text(d.layout))) !== full.layoutKey) return false;
  for (let i = 0; i < objs.length; i++)
    if (d.traces[i].h !== full.hashes[i] && !fast.includes(names[i])) return false;
  if (d.live && div.__liveItems) return true;  // the feed draws these, and newer ones
  const items = [];
  for (let i = 0; i < objs.length; i++)
    if (fast.includes(names[i])) items.push({i: i, xs: column(objs[i].x), ys: column(objs[i].y)});
  const lay = d.obj(d.layout);
  return patchTraces(div, items, lay.title && (lay.title.text !== undefined ? lay.title.text : lay.title));
}

// Indices in div.data of the WebGL traces: their order is the scene's group order.
function glIndices(drawn) {
  const gl = [];
  drawn.forEach((t, i) => { if (t.type === 'scattergl') gl.push(i); });
  return gl;
}

// Moves the drawn traces `items` ([{i: index in div.data, xs, ys}]) and sets the title.
function patchTraces(div, items, title) {
  const sc = glScene(div), drawn = drawnTraces(div);
  if (!sc) return false;
  if (drawn.some(t => t.selectedpoints)) return false;  // a box selection is drawn by Plotly
  const gl = glIndices(drawn);
  if (gl.length !== glGroupCount(sc)) return false;
  const positions = gl.map(() => undefined), svg = [];
  for (const it of items) {
    if (!it.xs || !it.ys || it.xs.length !== it.ys.length) return false;
    if (drawn[it.i].type === 'scattergl') {
      const pos = interleave(it.xs, it.ys), j = gl.indexOf(it.i);
      if (glPositionsLength(sc, j) !== pos.length) return false;
      positions[j] = pos;
    } else svg.push(Object.assign({}, drawn[it.i], {xs: it.xs, ys: it.ys}));
  }
  setGlPositions(div, sc, positions);
  if (svg.length) drawOverlay(div, svg);
  setTitle(div, title);
  return true;
}

// Sets the WebGL groups of the traces named in `names` to opacity 0 (the others back to
// their own), redrawing the WebGL canvas only when that changes something.
function hideGl(div, names) {
  const sc = glScene(div), drawn = drawnTraces(div);
  if (!sc) return false;
  const gl = glIndices(drawn).map(i => drawn[i].name || '');
  if (gl.length !== glGroupCount(sc)) return false;
  setGlOpacities(div, sc, gl.map(n => (names.has(n) ? 0 : null)));
  return true;
}

// The live feed (ui/live_feed.py): while training, the moving traces come straight from
// the server every `live.every` s, without a Streamlit rerun. Streamlit's own frames
// (about one a second, for D's field) still redraw everything.
function liveFeed(div, live, key) {
  div.__live = live || null;
  if (!live || div.__polling) return;
  div.__polling = true;
  pollFeed(div, key).then(() => { div.__polling = false; });
}

async function pollFeed(div, key) {
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  let tag = '', ok = false, errors = 0;
  // A feed never reached (a proxy that forwards only Streamlit's own paths): say so, and
  // the page goes back to refreshing through reruns.
  const failed = () => { if (!ok) div.__setState('live_failed', Date.now()); };
  while (div.isConnected && div.__live) {
    const t0 = performance.now(), l = div.__live;
    try {
      const u = new URL(l.url, window.location.origin);
      u.searchParams.set('since', tag);
      const r = await fetch(u, {cache: 'no-store'});
      if (r.status === 404 || r.status === 410) { failed(); break; }  // or the session is gone
      if (r.status === 200 || r.status === 204) { ok = true; errors = 0; }
      if (r.status === 200) {
        const f = await r.json();
        if (!div.__live) break;  // paused meanwhile: Streamlit's frame is the truth
        tag = f.tag; div.__liveFrame = f;
        // The model overview graph (overview.js) draws from the same frames.
        window.dispatchEvent(new CustomEvent('gl-live-frame', {detail: {key: key, frame: f}}));
        requestAnimationFrame(() => liveDraw(div, f, key));
      } else if (r.status !== 204) await sleep(1000);
    } catch {  // the server restarts, the network drops: retry
      if (++errors >= 3) { failed(); if (!ok) break; }
      await sleep(1000);
    }
    await sleep(Math.max(10, l.every * 1000 - (performance.now() - t0)));
  }
}

// The probe and the lever sweeps: what the lever preview draws while the sliders lead.
function leverTrace(name) { return name === 'probe G(z)' || / sweep$/.test(name || ''); }

// A live frame is drawn on the 2-D overlay, fakes included, and Plotly's WebGL copies of
// the moving traces are hidden until the next full draw. Redrawing the WebGL canvas
// instead made the browser read it back on every frame (software compositing, as in
// headless Chromium or on a machine without a GPU): ~45 ms of main-thread stall a frame.
function liveDraw(div, f, key) {
  if (div.__drawing || !div.__full || div.__liveFrame !== f || !div.isConnected || !div.__live) return;
  const t0 = performance.now(), lv = div.__levers;
  // The sliders moved since the server last heard of them: the lever preview has drawn the
  // probe and sweeps for where they are now, so keep those.
  const stale = lv && f.z && sliderZ(lv.prefix, lv.z).some((v, i) => Math.abs(v - f.z[i]) > 1e-3);
  // In the figure's order (the manifold layer under the fakes); the levers' traces last.
  const items = [], curves = [];
  drawnTraces(div).forEach((t) => {
    const tr = f.traces[t.name || ''];
    if (!tr) return;
    const item = Object.assign({}, t, {xs: column(tr.x), ys: column(tr.y)});
    (leverTrace(t.name) ? curves : items).push(item);
  });
  if (!hideGl(div, new Set(items.filter(t => t.type === 'scattergl').map(t => t.name)))) return;
  div.__liveItems = items;
  const paint = (its) => drawOverlay(div, its.concat(stale && div.__preview ? div.__preview : curves));
  // Slow motion: the fakes glide from where they were before this update.
  const now = () => div.__liveFrame === f && div.__liveItems === items && div.isConnected;
  if (!paint(startGlide(f, items, paint, now))) return;
  setTitle(div, f.title);
  recordDraw({key: key, start: t0, ms: performance.now() - t0, fast: true, live: true});
}

// Paused: Plotly draws WebGL points above SVG traces, and a dense cluster (a collapsed
// ring8, or projector mode's thicker points) buried the probe star and the sweeps. They
// are painted on the overlay instead, as while training, and again after each pan or zoom.
const ON_TOP = /^probe G\(z\)$| sweep$/;

function pausedOverlay(div) {
  if (!div.__full || div.__liveItems || div.__preview) return;
  const col = (v) => column(v) || (ArrayBuffer.isView(v) ? v : null);
  const top = drawnTraces(div).filter(t => t.type === 'scatter' && ON_TOP.test(t.name || ''))
    .map(t => Object.assign({}, t, {xs: col(t.x), ys: col(t.y)})).filter(t => t.xs && t.ys);
  if (top.length) drawOverlay(div, top, 'top');
}

// Traces and layout arrive as {h: hash, t: JSON text}, or as {h} alone when the last
// frame already brought that text (the real points, an unchanged field): the server
// sends only what changed. One whose hash is unchanged keeps its parsed object, so
// Plotly.react sees the same arrays and skips it. The cache outlives a remount.
// Returns the frame to draw, or null when a text is missing (then the server is asked).
function cachedFrame(data, setStateValue) {
  const caches = (window.__glTraceCache = window.__glTraceCache || new Map());
  const cache = caches.get(data.key) || new Map();
  caches.set(data.key, cache);
  const items = data.traces.concat([data.layout]);
  const missing = items.find(it => it.t === undefined && !cache.has(it.h));
  // A frame that was never drawn here (a remount, a skipped frame): ask for all of it.
  if (missing) askFull(data.key, missing.h, setStateValue);
  else stopAsking(data.key);
  const used = new Set(items.map(it => it.h));
  for (const it of items) if (it.t !== undefined && !cache.has(it.h)) cache.set(it.h, {t: it.t});
  for (const h of Array.from(cache.keys())) if (!used.has(h) && cache.size > 4 * used.size) cache.delete(h);
  if (missing) return null;
  const obj = (it) => { const e = cache.get(it.h); if (!e.o) e.o = JSON.parse(e.t); return e.o; };
  return {traces: data.traces, layout: data.layout, config: data.config, select: data.select,
          key: data.key, obj: obj, fast: data.fast, live: data.live, projector: !!data.projector,
          first: !!data.first,
          text: (it) => cache.get(it.h).t};
}

// A full draw with Plotly.react; then() once it is on screen. t0: when the frame's draw
// began (the fast path's try included), for the timings.
function fullDraw(div, d, t0, then) {
  div.__drawing = true;
  // Projector mode draws restyled copies: the cache keeps the frame as the server sent it.
  const objs = d.traces.map(d.obj).map(o => (d.projector ? projectorTrace(o) : o));
  const layoutObj = d.projector ? projectorLayout(d.obj(d.layout)) : d.obj(d.layout);
  const config = Object.assign({displaylogo: false, responsive: true}, d.config || {});
  div.style.height = (layoutObj.height || 450) + 'px';  // strict containment needs a size
  // Plotly's default 'hide past div' measures every tick label on every draw (a fifth
  // of a frame in the profile); the axes here have fixed ranges, so labels fit anyway.
  for (const k of Object.keys(layoutObj))
    if (/^[xy]axis\d*$/.test(k) && layoutObj[k].ticklabeloverflow === undefined)
      layoutObj[k].ticklabeloverflow = 'allow';
  const full = {names: objs.map(o => o.name || ''), hashes: d.traces.map(it => it.h),
                layoutKey: layoutKey(JSON.parse(d.text(d.layout))),  // as sent: Plotly edits layoutObj
                projector: d.projector};
  react(div, objs, layoutObj, config).then(() => {
    div.__drawing = false;
    div.__full = full;  // what the fast path may patch
    // The server's frame is the truth again: drop the lever preview drawn over it.
    const ov = div.querySelector('canvas.gl-overlay');
    if (ov) ov.remove();
    div.__liveItems = null; div.__preview = null;
    if (!d.live) hideGl(div, new Set());  // paused: Plotly's own points are the truth
    showSvgTraces(div);
    recordDraw({key: d.key, start: t0, ms: performance.now() - t0});
    if (d.select && !div.__bound) {
      div.__bound = true;
      onSelection(div, (points) => div.__setState('selection', {points: points}));
    }
    if (!div.__relayoutBound) {
      div.__relayoutBound = true;
      onRelayout(div, () => pausedOverlay(div));
    }
    if (!d.live) pausedOverlay(div);
    if (d.first) releaseFirst(d.key);
    then();
  }, () => { div.__drawing = false; if (d.first) releaseFirst(d.key); });
}

// Frames can come faster than Plotly draws them: draw the newest once per animation frame.
function scheduler(div) {
  // Streamlit's frame can be older than the feed's last one: put the newer points back.
  const newerLive = (d) => {
    const f = div.__liveFrame;
    if (f && d.live && f.step > d.live.step) liveDraw(div, f, d.key);
  };
  const draw = () => {
    div.__queued = false;
    if (!div.isConnected || !div.__next) return;  // unmounted (and purged) meanwhile
    if (div.__drawing) { div.__again = true; return; }
    if (!div.__next.first && !div.__full && mustWait(schedule)) return;  // first_draw.js
    const d = div.__next; div.__next = null;
    const t0 = performance.now();
    if (fastDraw(div, d)) {
      recordDraw({key: d.key, start: t0, ms: performance.now() - t0, fast: true});
      newerLive(d);
      if (div.__next) schedule();
      return;
    }
    fullDraw(div, d, t0, () => {
      newerLive(d);
      if (div.__again || div.__next) { div.__again = false; schedule(); }
    });
  };
  const schedule = () => {
    if (div.__queued) return;
    div.__queued = true;
    requestAnimationFrame(draw);
  };
  return schedule;
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let div = parentElement.querySelector('div.gl-live');
  if (!div) {
    div = document.createElement('div');
    div.className = 'gl-live';
    parentElement.appendChild(div);
  }
  div.__setState = setStateValue;  // the latest one, for handlers bound once below
  const frame = cachedFrame(data, setStateValue);
  if (frame) div.__next = frame;
  if (data.levers) leverPreview(div, data.levers, setStateValue);
  liveFeed(div, data.live, data.key);
  if (frame && data.first && !div.__full) holdFirst(data.key);
  if (frame) whenPlotly(data.plotly, scheduler(div));
  // Called on unmount only (not between updates): free the plot's WebGL context, as
  // browsers allow a page only 8-16 of them.
  return () => {
    div.__live = null;  // stops the feed's loop
    stopAsking(data.key);
    releaseFirst(data.key);
    if (div.__unfollow) div.__unfollow();
    purge(div);
    // Streamlit may call this function again with the same parent (a full rerun): start
    // from a fresh div rather than a purged one whose handlers are gone.
    div.remove();
  };
}

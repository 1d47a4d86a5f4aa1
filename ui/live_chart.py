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
import hashlib
import os
from functools import lru_cache

import plotly.graph_objects as go
import streamlit as st
from plotly.io.json import to_json_plotly

# G in the browser: decode the weights `plan_payload` sends, and run them as
# gan_core.levers.plan_forward does (the Python reference the tests check).
_SHARED_JS = r"""
const PLANS = (window.__glPlans = window.__glPlans || new Map());

function floats(b64) {
  const raw = atob(b64), bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

function decodePlan(p) {
  return {slope: p.slope, suffix: Float32Array.from(p.suffix),
          layers: p.layers.map(l => ({w: floats(l.w), b: floats(l.b), act: l.act,
                                      nin: l.nin, nout: l.nout}))};
}

// Same arithmetic as gan_core.levers.plan_forward: rows of z (+ suffix) through the MLP.
function forward(plan, zs, dz) {
  const n = zs.length / dz, ns = plan.suffix.length;
  let nin = dz + ns, h = new Float32Array(n * nin);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < dz; j++) h[r * nin + j] = zs[r * dz + j];
    for (let j = 0; j < ns; j++) h[r * nin + dz + j] = plan.suffix[j];
  }
  for (const L of plan.layers) {
    const out = new Float32Array(n * L.nout), w = L.w, b = L.b, ni = L.nin, no = L.nout;
    for (let r = 0; r < n; r++) {
      const off = r * ni, oo = r * no;
      for (let o = 0; o < no; o++) {
        let s = b[o]; const wo = o * ni;
        for (let i = 0; i < ni; i++) s += w[wo + i] * h[off + i];
        out[oo + o] = s;
      }
    }
    const k = plan.slope;
    if (L.act === 'relu') for (let j = 0; j < out.length; j++) out[j] = out[j] > 0 ? out[j] : 0;
    else if (L.act === 'leaky_relu') for (let j = 0; j < out.length; j++) out[j] = out[j] > 0 ? out[j] : k * out[j];
    else if (L.act === 'tanh') for (let j = 0; j < out.length; j++) out[j] = Math.tanh(out[j]);
    h = out; nin = no;
  }
  return h;
}

// The lever sliders keyed `${prefix}${i}` as the browser shows them now (their value lands
// in the DOM before the server hears of it); `fallback[i]` where one is not on the page.
function sliderZ(prefix, fallback) {
  return fallback.map((v, i) => {
    const el = document.querySelector('.st-key-' + prefix + i + ' input[type=range]');
    const x = el ? parseFloat(el.value) : NaN;
    return Number.isFinite(x) ? x : v;
  });
}

"""

_JS = _SHARED_JS + r"""
// Lever preview on a 2-D samples chart: as the sliders move, the browser runs G on the
// probe and the sweeps and moves those traces, before the server's rerun arrives.
function leverPreview(div, lv, setStateValue) {
  if (lv.plan) PLANS.set(lv.plan_id, decodePlan(lv.plan));
  if (!PLANS.has(lv.plan_id)) { setStateValue('need_plan', lv.plan_id); return; }
  div.__levers = lv;
  if (div.__leverHandler) return;
  let frames = 0, shown = null;
  const check = () => {
    const l = div.__levers, plan = PLANS.get(l.plan_id);
    const z = sliderZ(l.prefix, l.z);
    const key = z.map(v => v.toFixed(3)).join(',');
    if (key === shown || !window.Plotly || !div.data) {
      if (frames > 0) { frames--; requestAnimationFrame(check); }
      return;
    }
    frames = 0; shown = key;
    const t0 = performance.now(), dz = z.length, nv = l.values.length;
    const zs = new Float32Array((1 + l.dims.length * nv) * dz);
    zs.set(z, 0);
    l.dims.forEach((d, a) => { for (let k = 0; k < nv; k++) {
      const r = 1 + a * nv + k; zs.set(z, r * dz); zs[r * dz + d] = l.values[k]; } });
    const out = forward(plan, zs, dz);
    const X = (r) => out[r * 2] * l.scale[0] + l.center[0];
    const Y = (r) => out[r * 2 + 1] * l.scale[1] + l.center[1];
    // Drawn on a canvas over the plot, in the plot's own coordinates: Plotly.restyle
    // recomputes every trace (~100+ ms with 4,000 WebGL points). The next frame from
    // the server carries the same probe and sweeps as real traces, and clears this.
    const overlay = [];
    div.data.forEach((t) => {
      const m = /^z(\d+) sweep$/.exec(t.name || '');
      const a = m ? l.dims.indexOf(parseInt(m[1]) - 1) : -1;
      if (a < 0) return;
      const rows = Array.from({length: nv}, (_, k) => 1 + a * nv + k);
      overlay.push(Object.assign({}, t, {xs: rows.map(X), ys: rows.map(Y)}));
    });
    const probe = div.data.find(t => t.name === 'probe G(z)') ||
      {name: 'probe G(z)', mode: 'markers', marker: {size: 18, symbol: 'star'}};
    overlay.push(Object.assign({}, probe, {xs: [X(0)], ys: [Y(0)]}));
    div.__preview = overlay;  // the live feed keeps these while the sliders lead
    if (!drawOverlay(div, (div.__liveItems || []).concat(overlay))) return;
    const ov = div.querySelector('canvas.gl-overlay');
    ov.dataset.probe = X(0).toFixed(4) + ',' + Y(0).toFixed(4);
    const stats = (window.__ganLeversDraws = window.__ganLeversDraws || []);
    stats.push({key: l.key + ':levers', start: t0, ms: performance.now() - t0});
  };
  div.__leverHandler = (ev) => {
    const t = ev.target;
    if (!t || !t.closest || !t.closest('[class*="st-key-' + div.__levers.prefix + '"]')) return;
    if (frames === 0) requestAnimationFrame(check);
    frames = 6;
  };
  for (const type of ['input', 'change', 'keydown', 'keyup', 'pointermove', 'pointerup'])
    document.addEventListener(type, div.__leverHandler, true);
}

// Fast path, for frames where only the named `fast` traces moved (training): the WebGL
// points are handed straight to Plotly's regl scene, and small SVG traces (probe, sweeps)
// are drawn on a canvas over the plot. A full Plotly.react costs 110-160 ms a frame in
// headless Chromium even for one 2,000-point trace (a full recalc and replot); this costs
// ~30. Hover and box selection use the last full draw until the next one (the field
// changes about once a second, which forces one).
function layoutKey(lay) { return JSON.stringify(Object.assign({}, lay, {title: null})); }  // all but the title

function drawOverlay(div, traces) {
  const fl = div._fullLayout, xa = fl && fl.xaxis, ya = fl && fl.yaxis;
  const host = div.querySelector('.svg-container');
  if (!xa || !ya || !host) return false;
  let ov = host.querySelector('canvas.gl-overlay');
  if (!ov) {
    ov = document.createElement('canvas');
    ov.className = 'gl-overlay';
    ov.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;';
    host.appendChild(ov);
  }
  const dpr = window.devicePixelRatio || 1;
  ov.width = fl.width * dpr; ov.height = fl.height * dpr;
  ov.style.width = fl.width + 'px'; ov.style.height = fl.height + 'px';
  const ctx = ov.getContext('2d');
  ctx.scale(dpr, dpr);
  const px = (x) => xa._offset + xa.l2p(x), py = (y) => ya._offset + ya.l2p(y);
  ctx.save();
  ctx.beginPath(); ctx.rect(xa._offset, ya._offset, xa._length, ya._length); ctx.clip();
  for (const t of traces) {
    const xs = t.xs, ys = t.ys;
    if ((t.mode || '').includes('lines')) {
      ctx.strokeStyle = (t.line && t.line.color) || '#333';
      ctx.lineWidth = (t.line && t.line.width) || 2;
      ctx.beginPath();
      for (let k = 0; k < xs.length; k++)
        if (k === 0) ctx.moveTo(px(xs[k]), py(ys[k])); else ctx.lineTo(px(xs[k]), py(ys[k]));
      ctx.stroke();
    } else {
      const m = t.marker || {}, ln = m.line || {}, colours = Array.isArray(m.color) ? m.color : null;
      for (let k = 0; k < xs.length; k++) {
        const cx = px(xs[k]), cy = py(ys[k]), r = (m.size || 8) / 2;
        if (colours && !ln.width) {  // a cloud of small dots (the fakes): one arc each
          ctx.fillStyle = colours[k];
          ctx.beginPath(); ctx.arc(cx, cy, r, 0, 2 * Math.PI); ctx.fill();
          continue;
        }
        ctx.beginPath();
        if (m.symbol === 'star') {
          for (let j = 0; j < 10; j++) {
            const rad = j % 2 ? r * 0.45 : r, ang = -Math.PI / 2 + j * Math.PI / 5;
            ctx.lineTo(cx + rad * Math.cos(ang), cy + rad * Math.sin(ang));
          }
          ctx.closePath();
        } else ctx.arc(cx, cy, r, 0, 2 * Math.PI);
        ctx.fillStyle = m.color || '#333'; ctx.fill();
        if (ln.width) { ctx.strokeStyle = ln.color || '#111'; ctx.lineWidth = ln.width; ctx.stroke(); }
      }
    }
  }
  ctx.restore();
  const names = new Set(traces.map(t => t.name));
  div.querySelectorAll('.scatterlayer .trace').forEach(g => {
    const tr = g.__data__ && g.__data__[0] && g.__data__[0].trace;
    if (tr && names.has(tr.name)) g.style.opacity = 0;
  });
  return true;
}

function column(v) {  // a trace's x or y: a plain array, or plotly.py's {dtype, bdata}
  if (Array.isArray(v)) return v;
  if (v && v.dtype === 'f4' && typeof v.bdata === 'string') return floats(v.bdata);
  return null;
}

function setTitle(div, text) {  // without a relayout: the title is all that changed
  const el = div.querySelector('.gtitle');
  if (el && typeof text === 'string') el.textContent = text;
}

// Moves the drawn traces `items` ([{i: index in div.data, xs, ys}]) and sets the title.
function patchTraces(div, items, title) {
  const plot = div._fullLayout && div._fullLayout._plots && div._fullLayout._plots.xy;
  const sc = plot && plot._scene, drawn = div.data || [];
  if (!sc || !sc.scatter2d || !sc.markerOptions) return false;
  if (drawn.some(t => t.selectedpoints)) return false;  // a box selection is drawn by Plotly
  const gl = [];
  drawn.forEach((t, i) => { if (t.type === 'scattergl') gl.push(i); });
  if (gl.length !== sc.markerOptions.length) return false;
  // undefined keeps a group as it is; null would empty it (regl-scatter2d)
  const upd = sc.markerOptions.map(() => undefined), svg = [];
  for (const it of items) {
    if (!it.xs || !it.ys || it.xs.length !== it.ys.length) return false;
    if (drawn[it.i].type === 'scattergl') {
      const pos = new Float32Array(it.xs.length * 2);
      for (let k = 0; k < it.xs.length; k++) { pos[2 * k] = it.xs[k]; pos[2 * k + 1] = it.ys[k]; }
      const j = gl.indexOf(it.i);
      if (sc.markerOptions[j].positions.length !== pos.length) return false;
      upd[j] = {positions: pos};
    } else svg.push(Object.assign({}, drawn[it.i], {xs: it.xs, ys: it.ys}));
  }
  upd.forEach((u, j) => { if (u) sc.markerOptions[j].positions = u.positions; });  // pan/zoom redraw these
  sc.scatter2d.update(upd);
  // Plotly's WebGL canvas keeps its buffer between draws: clear it as Plotly does
  // (clear_gl_canvases) or every frame leaves its points behind.
  div._fullLayout._glcanvas.each(c => { if (c.regl) c.regl.clear({color: true, depth: true}); });
  sc.draw();
  if (svg.length) drawOverlay(div, svg);
  setTitle(div, title);
  return true;
}

function fastDraw(div, d) {
  const full = div.__full, fast = d.fast || [];
  if (!full || !fast.length || !window.Plotly) return false;
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

// The live feed (ui/live_feed.py): while training, the moving traces come straight from
// the server every `live.every` s, without a Streamlit rerun. Streamlit's own frames
// (about one a second, for D's field) still redraw everything.
function liveFeed(div, live, key) {
  div.__live = live || null;
  if (!live || div.__polling) return;
  div.__polling = true;
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  (async () => {
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
          requestAnimationFrame(() => liveDraw(div, f, key));
        } else if (r.status !== 204) await sleep(1000);
      } catch (e) {  // the server restarts, the network drops: retry
        if (++errors >= 3) { failed(); if (!ok) break; }
        await sleep(1000);
      }
      await sleep(Math.max(10, l.every * 1000 - (performance.now() - t0)));
    }
    div.__polling = false;
  })();
}

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
  const points = [], curves = [];
  (div.data || []).forEach((t) => {
    const tr = f.traces[t.name || ''];
    if (!tr) return;
    const item = Object.assign({}, t, {xs: column(tr.x), ys: column(tr.y)});
    (t.type === 'scattergl' ? points : curves).push(item);
  });
  if (!hideGl(div, new Set(points.map(t => t.name)))) return;
  div.__liveItems = points;
  if (!drawOverlay(div, points.concat(stale && div.__preview ? div.__preview : curves))) return;
  setTitle(div, f.title);
  const stats = (window.__ganLeversDraws = window.__ganLeversDraws || []);
  stats.push({key: key, start: t0, ms: performance.now() - t0, fast: true, live: true});
  if (stats.length > 500) stats.shift();
}

// Sets the WebGL groups of the traces named in `names` to opacity 0 (the others back to
// their own), redrawing the WebGL canvas only when that changes something.
function hideGl(div, names) {
  const plot = div._fullLayout && div._fullLayout._plots && div._fullLayout._plots.xy;
  const sc = plot && plot._scene;
  if (!sc || !sc.scatter2d || !sc.markerOptions) return false;
  const gl = [];
  (div.data || []).forEach((t) => { if (t.type === 'scattergl') gl.push(t.name || ''); });
  if (gl.length !== sc.markerOptions.length) return false;
  // Read the groups themselves: a pan or zoom re-applies Plotly's own options to them.
  const want = gl.map((n, j) => names.has(n) ? 0 : (sc.markerOptions[j].opacity ?? 1));
  const groups = sc.scatter2d.groups || [];
  if (want.every((o, j) => !groups[j] || groups[j].opacity === o)) return true;
  sc.scatter2d.update(want.map(o => ({opacity: o})));
  div._fullLayout._glcanvas.each(c => { if (c.regl) c.regl.clear({color: true, depth: true}); });
  sc.draw();
  return true;
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
  // Traces and layout arrive as {h: hash, t: JSON text}, or as {h} alone when the last
  // frame already brought that text (the real points, an unchanged field): the server
  // sends only what changed. One whose hash is unchanged keeps its parsed object, so
  // Plotly.react sees the same arrays and skips it. The cache outlives a remount.
  const caches = (window.__glTraceCache = window.__glTraceCache || new Map());
  const cache = caches.get(data.key) || new Map();
  caches.set(data.key, cache);
  const items = data.traces.concat([data.layout]);
  const missing = items.find(it => it.t === undefined && !cache.has(it.h));
  // A frame that was never drawn here (a remount, a skipped frame): ask for all of it.
  if (missing) setStateValue('need_full', missing.h + ':' + Date.now());
  const used = new Set(items.map(it => it.h));
  for (const it of items) if (it.t !== undefined && !cache.has(it.h)) cache.set(it.h, {t: it.t});
  for (const h of Array.from(cache.keys())) if (!used.has(h) && cache.size > 4 * used.size) cache.delete(h);
  const obj = (it) => { const e = cache.get(it.h); if (!e.o) e.o = JSON.parse(e.t); return e.o; };
  if (!missing) div.__next = {traces: data.traces, layout: data.layout, config: data.config,
                select: data.select, key: data.key, obj: obj, fast: data.fast, live: data.live,
                text: (it) => cache.get(it.h).t};
  // Frames can come faster than Plotly draws them: draw the newest once per animation frame.
  const draw = () => {
    div.__queued = false;
    if (!div.isConnected || !div.__next) return;  // unmounted (and purged) meanwhile
    if (div.__drawing) { div.__again = true; return; }
    const d = div.__next; div.__next = null;
    const t0 = performance.now();
    if (fastDraw(div, d)) {
      const stats = (window.__ganLeversDraws = window.__ganLeversDraws || []);
      stats.push({key: d.key, start: t0, ms: performance.now() - t0, fast: true});
      if (stats.length > 500) stats.shift();
      newerLive(d);
      if (div.__next) schedule();
      return;
    }
    div.__drawing = true;
    const objs = d.traces.map(d.obj), layoutObj = d.obj(d.layout);
    const config = Object.assign({displaylogo: false, responsive: true}, d.config || {});
    div.style.height = (layoutObj.height || 450) + 'px';  // strict containment needs a size
    // Plotly's default 'hide past div' measures every tick label on every draw (a fifth
    // of a frame in the profile); the axes here have fixed ranges, so labels fit anyway.
    for (const k of Object.keys(layoutObj))
      if (/^[xy]axis\d*$/.test(k) && layoutObj[k].ticklabeloverflow === undefined)
        layoutObj[k].ticklabeloverflow = 'allow';
    const full = {names: objs.map(o => o.name || ''), hashes: d.traces.map(it => it.h),
                  layoutKey: layoutKey(JSON.parse(d.text(d.layout)))};  // as sent: Plotly edits layoutObj
    window.Plotly.react(div, objs, layoutObj, config).then(() => {
      div.__drawing = false;
      div.__full = full;  // what the fast path may patch
      // The server's frame is the truth again: drop the lever preview drawn over it.
      const ov = div.querySelector('canvas.gl-overlay');
      if (ov) ov.remove();
      div.__liveItems = null; div.__preview = null;
      if (!d.live) hideGl(div, new Set());  // paused: Plotly's own points are the truth
      div.querySelectorAll('.scatterlayer .trace').forEach(g => { g.style.opacity = ''; });
      // Draw timings, read by benchmarks/ui_speed.py.
      const stats = (window.__ganLeversDraws = window.__ganLeversDraws || []);
      stats.push({key: d.key, start: t0, ms: performance.now() - t0});
      if (stats.length > 500) stats.shift();
      newerLive(d);
      if (d.select && !div.__bound) {
        div.__bound = true;
        const send = (ev) => {
          const points = ev && ev.points ? ev.points.map(p => ({
            curve_number: p.curveNumber, point_index: p.pointIndex})) : [];
          div.__setState('selection', {points: points});
        };
        div.on('plotly_selected', send);
        div.on('plotly_deselect', () => send(null));
      }
      if (div.__again || div.__next) { div.__again = false; schedule(); }
    }, () => { div.__drawing = false; });
  };
  // Streamlit's frame can be older than the feed's last one: put the newer points back.
  const newerLive = (d) => {
    const f = div.__liveFrame;
    if (f && d.live && f.step > d.live.step) liveDraw(div, f, d.key);
  };
  const schedule = () => {
    if (div.__queued) return;
    div.__queued = true;
    requestAnimationFrame(draw);
  };
  if (data.levers) leverPreview(div, data.levers, setStateValue);
  liveFeed(div, data.live, data.key);
  if (missing) {}
  else if (window.Plotly) schedule();
  else {
    // Streamlit's own lazy plotly.js chunk sets window.Plotly when it loads.
    import(new URL(data.chunk, window.location.origin).href).then(() => {
      if (window.Plotly) schedule();
    });
  }
  // Called on unmount only (not between updates): free the plot's WebGL context, as
  // browsers allow a page only 8-16 of them.
  return () => {
    div.__live = null;  // stops the feed's loop
    if (div.__leverHandler)
      for (const type of ['input', 'change', 'keydown', 'keyup', 'pointermove', 'pointerup'])
        document.removeEventListener(type, div.__leverHandler, true);
    if (window.Plotly) window.Plotly.purge(div);
    // Streamlit may call this function again with the same parent (a full rerun): start
    // from a fresh div rather than a purged one whose handlers are gone.
    div.remove();
  };
}
"""

# Containment: Plotly measures its text (getBoundingClientRect) many times per draw, and
# each measurement would otherwise lay out the whole page around the plot.
_CSS = "div.gl-live { width: 100%; contain: strict; }"


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


def live_plotly(fig: go.Figure | dict, key: str, select: bool = False, on_select=None,
                config: dict | None = None, levers: dict | None = None,
                fast: tuple[str, ...] = (), live: dict | None = None,
                on_live_failed=None) -> list[dict]:
    """Draw `fig` (a go.Figure, or its plain {"data", "layout"} dicts) under `key`,
    patching the previous frame in place. With `select`,
    returns the current box/lasso selection as [{curve_number, point_index}, ...] and
    calls `on_select` (no arguments) when it changes.

    levers: {"plan": mlp_plan(...), "z", "dims", "values", "center", "scale", "prefix"}
    lets the browser move the "probe G(z)" and "z<d> sweep" traces itself while the
    sliders keyed `{prefix}{i}` move (G's output is scaled then shifted to target units).

    fast: names of traces that may move without a full redraw (while training): when only
    they and the title changed, the browser patches the WebGL points and draws the small
    SVG traces on a canvas (see `fastDraw`), about 4x cheaper than Plotly.react.

    live: {"url", "every" (s), "step"} while training: the browser also fetches those
    traces from `ui.live_feed` at `url` every `every` s (see `liveFeed`); `step` is this
    frame's, so an older frame does not move the points back. `on_live_failed` (no
    arguments) is called when the browser never got an answer from `url`."""
    chunk = plotly_chunk()
    if chunk is None:
        _plain_chart(fig, key, select, on_select, config)
        return []
    spec = fig if isinstance(fig, dict) else fig.to_dict()
    items = only_changes(_sent(key), [to_json_plotly(t) for t in spec.get("data", [])]
                         + [to_json_plotly(spec.get("layout", {}))])
    data = {"traces": items[:-1], "layout": items[-1], "chunk": chunk, "select": select,
            "config": config or {}, "key": key, "fast": list(fast), "live": live}
    if levers is not None:
        data["levers"] = _levers_data(levers, key)
    result = _component()(data=data, key=key, **_callbacks(key, select, on_select,
                                                           on_live_failed, levers is not None))
    if not select:
        return []
    sel = getattr(result, "selection", None) or {}
    return list(sel.get("points", [])) if isinstance(sel, dict) else []


def _callbacks(key: str, select: bool, on_select, on_live_failed, levers: bool) -> dict:
    """The component's state callbacks (one per state value its JS may set)."""
    out = {"on_need_full_change": lambda: _sent(key).clear()}
    if select:
        out["on_selection_change"] = on_select or _noop
    if on_live_failed is not None:
        out["on_live_failed_change"] = on_live_failed
    if levers:
        out["on_need_plan_change"] = lambda: _forget_plan(key)
    return out


def _plain_chart(fig, key: str, select: bool, on_select, config) -> None:
    """st.plotly_chart, where this Streamlit's plotly.js chunk cannot be found."""
    fig = go.Figure(fig) if isinstance(fig, dict) else fig
    if select:
        st.plotly_chart(fig, key=key, on_select=on_select or "rerun",
                        selection_mode=("box", "lasso"), config=config or {})
    else:
        st.plotly_chart(fig, key=key, config=config or {})


def _sent(key: str) -> set:
    """Hashes of the JSON texts the browser got in the last frame of chart `key`."""
    return st.session_state.setdefault("_gl_sent_traces", {}).setdefault(key, set())


def only_changes(sent: set, texts: list[str]) -> list[dict]:
    """[{h, t}] with the text left out where the last frame (hashes in `sent`, updated
    here) already carried it: the 2,000 real points and an unchanged field stay in the
    browser instead of crossing the wire (and being parsed) several times a second. The
    browser asks again (`need_full`, which empties `sent`) when it lacks one."""
    hashes = [hashlib.blake2b(t.encode(), digest_size=8).hexdigest() for t in texts]
    items = [{"h": h} if h in sent else {"h": h, "t": t} for h, t in zip(hashes, texts)]
    sent.clear()
    sent.update(hashes)
    return items


def _levers_data(levers: dict, key: str) -> dict:
    memo = st.session_state.get("_gl_plan_payload")
    if memo is None or memo[0] is not levers["plan"]:  # the page reuses a plan for seconds
        memo = (levers["plan"], *plan_payload(levers["plan"]))
        st.session_state["_gl_plan_payload"] = memo
    _, plan_id, body = memo
    sent = st.session_state.setdefault("_gl_sent_plans", set())
    out = {"plan_id": plan_id, "plan": None if plan_id in sent else body, "key": key,
           "z": [float(v) for v in levers["z"]], "dims": [int(d) for d in levers["dims"]],
           "values": [float(v) for v in levers["values"]], "prefix": levers["prefix"],
           "center": [float(v) for v in levers["center"]],
           "scale": [float(v) for v in levers["scale"]]}
    sent.add(plan_id)
    return out


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


# --------------------------------------------------------------------------- levers in the browser
_LEVERS_JS = _SHARED_JS + r"""

function grey(x) {  // [-1, 1] pixel -> grey level, ink dark on white (lever_figures.digit_image)
  const u = Math.min(1, Math.max(0, (x + 1) / 2));
  return Math.floor((1 - u) * 255);
}

function tile(ctx, xs, off, side, x0, y0, scale) {
  const img = ctx.createImageData(side, side);
  for (let p = 0; p < side * side; p++) {
    const v = grey(xs[off + p]);
    img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v; img.data[4 * p + 3] = 255;
  }
  const t = document.createElement('canvas'); t.width = t.height = side;
  t.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(t, x0, y0, side * scale, side * scale);
}

function draw(root, z) {
  const d = root.__data, plan = PLANS.get(d.plan_id), dz = z.length, side = d.side;
  const t0 = performance.now();
  const strips = d.part === 'strips', nv = d.values.length;
  const zs = new Float32Array((strips ? 1 + dz * nv : 1) * dz);
  zs.set(z, 0);
  if (strips) for (let i = 0; i < dz; i++) for (let k = 0; k < nv; k++) {
    const r = 1 + i * nv + k;
    zs.set(z, r * dz); zs[r * dz + i] = d.values[k];
  }
  const xs = forward(plan, zs, dz), px = side * side;
  const canvas = root.querySelector('canvas');
  canvas.dataset.z = Array.from(z, v => v.toFixed(2)).join(',');
  const stats = (window.__ganLeversDraws = window.__ganLeversDraws || []);
  if (!strips) {
    canvas.width = canvas.height = side * d.scale;
    tile(canvas.getContext('2d'), xs, 0, side, 0, 0, d.scale);
    stats.push({key: d.key, start: t0, ms: performance.now() - t0});
    return;
  }
  const sheet = canvas;
  const cell = side * d.strip_scale, gap = d.gap, lw = d.label_w;
  sheet.width = lw + nv * (cell + gap) + gap; sheet.height = dz * (cell + gap) + gap;
  const ctx = sheet.getContext('2d');
  ctx.fillStyle = 'rgb(245,246,248)'; ctx.fillRect(0, 0, sheet.width, sheet.height);
  ctx.font = '12px sans-serif'; ctx.textBaseline = 'middle';
  // Every tile's pixels go into one small image first: one putImageData, then scaled
  // copies, instead of a canvas per tile.
  const src = root.__src || (root.__src = document.createElement('canvas'));
  src.width = nv * side; src.height = dz * side;
  const sctx = src.getContext('2d'), img = sctx.createImageData(src.width, src.height);
  for (let i = 0; i < dz; i++) for (let k = 0; k < nv; k++) {
    const off = (1 + i * nv + k) * px;
    for (let p = 0; p < px; p++) {
      const q = 4 * ((i * side + Math.floor(p / side)) * src.width + k * side + (p % side));
      const v = grey(xs[off + p]);
      img.data[q] = img.data[q + 1] = img.data[q + 2] = v; img.data[q + 3] = 255;
    }
  }
  sctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  for (let i = 0; i < dz; i++) {
    const y = gap + i * (cell + gap);
    ctx.fillStyle = d.kinds[i] === 'code' ? 'rgb(120,40,160)' : 'rgb(40,40,40)';
    ctx.fillText(d.names[i], 4, y + cell / 2);
    let best = 0;
    for (let k = 1; k < nv; k++) if (Math.abs(d.values[k] - z[i]) < Math.abs(d.values[best] - z[i])) best = k;
    for (let k = 0; k < nv; k++) {
      const x = lw + gap + k * (cell + gap);
      ctx.drawImage(src, k * side, i * side, side, side, x, y, cell, cell);
      if (k === best) {
        ctx.strokeStyle = 'rgb(220,40,40)'; ctx.lineWidth = 2;
        ctx.strokeRect(x - 1, y - 1, cell + 2, cell + 2);
      }
    }
  }
  stats.push({key: d.key, start: t0, ms: performance.now() - t0});
  if (stats.length > 500) stats.shift();
}

function slidersZ(d) { return sliderZ(d.slider_prefix, d.z); }

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  if (data.plan) PLANS.set(data.plan_id, decodePlan(data.plan));
  if (!PLANS.has(data.plan_id)) { setStateValue('need_plan', data.plan_id); return; }
  let root = parentElement.querySelector('div.gl-levers');
  if (!root) {
    root = document.createElement('div');
    root.className = 'gl-levers';
    const cls = data.part === 'strips' ? 'gl-strips' : 'gl-main';
    root.innerHTML = '<figure><canvas class="' + cls + '"></canvas><figcaption></figcaption></figure>';
    parentElement.appendChild(root);
  }
  root.__data = data;
  root.querySelector('figcaption').textContent = data.caption || '';
  // A rerun answering an older slider position must not undo what the user sees now:
  // right after a lever move the sliders, not the server's z, are the truth.
  const recent = root.__lastUser && performance.now() - root.__lastUser < 1500;
  draw(root, Float32Array.from(recent ? slidersZ(data) : data.z));
  if (!root.__handler) {
    // Redraw from the sliders as they move, before the server's rerun comes back.
    // The slider's value lands in the DOM a frame or two after the key or pointer event,
    // so look for a few frames. The strips wait a tick, so the large G(z) paints first.
    let frames = 0;
    const check = () => {
      const z = slidersZ(root.__data);
      const shown = root.querySelector('canvas').dataset.z;
      if (Array.from(z, v => v.toFixed(2)).join(',') !== shown) {
        frames = 0;
        if (root.__data.part === 'strips') setTimeout(() => draw(root, Float32Array.from(z)), 0);
        else draw(root, Float32Array.from(z));
      } else if (frames > 0) { frames--; requestAnimationFrame(check); }
    };
    root.__handler = (ev) => {
      const t = ev.target;
      if (!t || !t.closest || !t.closest('[class*="st-key-' + root.__data.slider_prefix + '"]')) return;
      root.__lastUser = performance.now();
      if (frames === 0) requestAnimationFrame(check);
      frames = 6;
    };
    for (const type of ['input', 'change', 'keydown', 'keyup', 'pointermove', 'pointerup'])
      document.addEventListener(type, root.__handler, true);
  }
  return () => {
    for (const type of ['input', 'change', 'keydown', 'keyup', 'pointermove', 'pointerup'])
      document.removeEventListener(type, root.__handler, true);
  };
}
"""

_LEVERS_CSS = """
div.gl-levers figure { margin: 0 0 0.75rem 0; }
div.gl-levers canvas { max-width: 100%; display: block; }
div.gl-levers canvas.gl-main { image-rendering: pixelated; }
div.gl-levers figcaption { font-size: 0.8rem; opacity: 0.7; margin-top: 0.25rem; }
"""


@lru_cache(maxsize=1)
def _levers_component():
    return st.components.v2.component("gan_levers_browser_levers", js=_LEVERS_JS,
                                      css=_LEVERS_CSS, isolate_styles=False)


def _b64(a) -> str:
    import base64

    import numpy as np
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.float32).tobytes()).decode("ascii")


def plan_payload(plan: dict) -> tuple[str, dict]:
    """(id, JSON-ready plan) for `gan_core.levers.mlp_plan`'s output."""
    import hashlib
    layers = [{"w": _b64(w), "b": _b64(b), "act": act, "nout": int(w.shape[0]),
               "nin": int(w.shape[1])} for w, b, act in plan["layers"]]
    body = {"layers": layers, "suffix": [float(v) for v in plan["suffix"]],
            "slope": plan["slope"]}
    digest = hashlib.sha256(repr(body).encode()).hexdigest()[:16]
    return digest, body


def _forget_plan(key: str) -> None:
    state = st.session_state.get(key)
    wanted = state.get("need_plan") if isinstance(state, dict) else getattr(state, "need_plan", None)
    st.session_state.setdefault("_gl_sent_plans", set()).discard(wanted)


def browser_levers(plan: dict, z, values, names: list[str], kinds: list[str], side: int,
                   key: str, slider_prefix: str, part: str, caption: str = "",
                   width: int | None = None) -> None:
    """part "main": G(z), large; part "strips": one strip per lever. Computed and drawn
    by the browser from G's weights (`mlp_plan`). The browser also redraws as the sliders keyed
    `{slider_prefix}{i}` move, before the server's rerun arrives; the server's z then
    confirms it. Weights cross the wire once per model and session."""
    plan_id, body = plan_payload(plan)
    sent = st.session_state.setdefault("_gl_sent_plans", set())
    data = {"plan_id": plan_id, "plan": None if plan_id in sent else body,
            "z": [float(v) for v in z], "values": [float(v) for v in values], "names": list(names),
            "kinds": list(kinds), "side": int(side), "scale": 32, "strip_scale": 5, "gap": 3,
            "label_w": 44, "slider_prefix": slider_prefix, "key": key, "part": part,
            "caption": caption}
    sent.add(plan_id)
    _levers_component()(data=data, key=key, on_need_plan_change=lambda: _forget_plan(key))

// The model overview graph (ui.overview.overview_graph): one SVG, updated in place from the
// live feed's frames (live_plotly.js passes each on as a 'gl-live-frame' event while the
// run trains; paused, this polls the feed itself, so Step D and Step G show at once).
// Its small views are canvas bitmaps in <image> elements: no WebGL context of its own.
import {column} from './overlay.js';
import {emphasise} from './emphasis.js';
import {EDGES, NODES, THUMB, freshLosses, heatPixels, litEdges, movingNets, newerTag, project,
        sparkPoints, svgMarkup} from './overview_graph.js';

const HISTORY = 120;  // loss values kept for each sparkline
// At full speed the graph is redrawn at most every FULL_SPEED_GAP_MS: its small views gain
// nothing from the feed's 10 frames a second, and the page's main thread is shared with
// the samples view. Single updates (slow motion, Step D/G) are each drawn at once.
const FULL_SPEED_GAP_MS = 250;
const PX = 2;  // canvas pixels per SVG unit in the small views

function viewCanvas(root, id) {
  root.__canvases = root.__canvases || {};
  if (!root.__canvases[id]) {
    const c = document.createElement('canvas');
    c.width = c.height = (THUMB - 4) * PX;
    root.__canvases[id] = c;
  }
  return root.__canvases[id];
}

function showCanvas(root, id, c) {
  const img = root.querySelector(`image[data-view="${id}"]`);
  if (img) img.setAttribute('href', c.toDataURL());
}

// Points (xs, ys in `bounds`) as dots on view `id`; colours: one per point, or one for all.
function drawPoints(root, id, xs, ys, bounds, colours, step = 1) {
  const c = viewCanvas(root, id), ctx = c.getContext('2d'), size = c.width;
  ctx.fillStyle = '#ffffff'; ctx.fillRect(0, 0, size, size);
  if (xs && ys) {
    const px = project(xs, ys, bounds, size, step);
    for (let k = 0; k < px.length / 2; k++) {
      ctx.fillStyle = Array.isArray(colours) ? colours[k] || '#555' : colours;
      ctx.fillRect(px[2 * k] - 2, px[2 * k + 1] - 2, 4, 4);
    }
  }
  showCanvas(root, id, c);
}

function drawMap(root, dmap) {
  const c = viewCanvas(root, 'D'), ctx = c.getContext('2d');
  if (!dmap) { ctx.fillStyle = '#eeeeee'; ctx.fillRect(0, 0, c.width, c.height); showCanvas(root, 'D', c); return; }
  const bytes = Uint8Array.from(atob(dmap.v), ch => ch.charCodeAt(0)), n = dmap.n;
  const small = document.createElement('canvas');
  small.width = small.height = n;
  small.getContext('2d').putImageData(new ImageData(heatPixels(bytes, n), n, n), 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, c.width, c.height);
  showCanvas(root, 'D', c);
}

function drawLosses(root, losses, phase, fresh) {
  const computed = freshLosses(phase);
  const fmt = (v) => (Number.isFinite(v) ? v.toFixed(3) : '—');
  const labels = root.__data.labels;
  for (const [id, key] of [['dloss', 'd_loss'], ['gloss', 'g_loss']]) {
    const hist = (root.__hist[key] = root.__hist[key] || []);
    if (fresh && computed[key] && losses && Number.isFinite(losses[key])) hist.push(losses[key]);
    if (hist.length > HISTORY) hist.splice(0, hist.length - HISTORY);
    const n = NODES.find(m => m.id === id);
    const txt = root.querySelector(`text[data-loss="${id}"]`);
    // a frame without this loss (none computed yet in this process): the last one known
    const value = losses && Number.isFinite(losses[key]) ? losses[key] : hist[hist.length - 1];
    if (txt) txt.textContent = `${labels[id + '_value'] || key} ${fmt(value)}`;
    const line = root.querySelector(`polyline[data-spark="${id}"]`);
    if (line) line.setAttribute('points', sparkPoints(hist, {x: n.x + 8, y: n.y + 32, w: n.w - 16, h: n.h - 38}));
  }
}

// The update's phase: edges lit, the moving network outlined, the frozen one dimmed.
function showPhase(root, phase) {
  const lit = new Set(litEdges(phase));
  for (const e of EDGES) {
    const el = root.querySelector(`path[data-edge="${e.id}"]`);
    if (!el) continue;
    const kind = !lit.has(e.id) ? '' : phase !== 'both' ? phase : e.d && e.g ? 'both' : e.d ? 'd' : 'g';
    el.setAttribute('class', `ov-edge${e.grad ? ' ov-grad' : ''}${kind ? ' lit-' + kind : ''}`);
  }
  const moving = movingNets(phase), single = phase === 'd' || phase === 'g';
  for (const net of ['D', 'G']) {
    const g = root.querySelector(`g[data-node="${net}"]`);
    if (g) g.setAttribute('class', `ov-node ov-net${moving[net] ? ' moving-' + net : single ? ' frozen' : ''}`);
  }
  root.dataset.phase = phase || '';
  const cap = root.querySelector('.ov-caption');
  if (cap) cap.textContent = root.__data.labels['phase_' + (phase || 'none')] || '';
}

// One state (a feed frame, or the server's) drawn: fakes, D's map, losses, phase.
function applyState(root, s) {
  const d = root.__data, gen = s.traces && s.traces.generated;
  const step = gen ? d.stride : 1, fake = gen || s.fake;
  if (fake) drawPoints(root, 'fake', column(fake.x), column(fake.y), d.bounds, d.colours, step);
  if (s.dmap !== undefined || !d.has_field) drawMap(root, s.dmap || null);
  drawLosses(root, s.losses, s.phase, newerTag(s.tag, root.__tag));
  showPhase(root, s.phase);
  root.__tag = s.tag;
  root.dataset.step = String(s.step);
  root.dataset.frames = String(Number(root.dataset.frames || 0) + 1);
  if (root.__emph) refreshEmphasis(root);
}

// A frame from the feed: drawn now, or (training at full speed) at the next free moment,
// the newest one then.
function offerFrame(root, f) {
  if (!newerTag(f.tag, root.__tag)) return;
  root.__pending = f;
  if (root.__timer) return;
  const gap = f.phase === 'both' ? root.__drawnAt + FULL_SPEED_GAP_MS - performance.now() : 0;
  const draw = () => {
    root.__timer = null;
    const g = root.__pending;
    root.__pending = null;
    if (g && root.__data && newerTag(g.tag, root.__tag)) {
      applyState(root, g);
      root.__drawnAt = performance.now();
    }
  };
  if (!(gap > 0)) { draw(); return; }
  root.__timer = setTimeout(draw, gap);
}

function chartDiv(root) {
  return document.querySelector(`.st-key-${root.__data.chart} div.gl-live`);
}

// After the chart has drawn the same frame (two animation frames on), so the emphasis
// shows the points where they are now.
function refreshEmphasis(root) {
  requestAnimationFrame(() => requestAnimationFrame(() => emphasise(chartDiv(root), root.__emph)));
}

function setEmphasis(root, layer) {
  root.__emph = layer;
  emphasise(chartDiv(root), layer);
  const latent = document.querySelector(`.st-key-${root.__data.latent_key}`);
  if (latent) latent.classList.toggle('ov-outlined', layer === 'noise');
  root.querySelectorAll('g[data-layer]').forEach(g => g.classList.toggle('ov-active', g.dataset.layer === layer));
  root.dataset.emphasis = layer || '';
}

// Hover shows a node's layer for as long as the pointer stays; a click keeps it (a second
// click, or Escape, lets it go).
function bindNodes(root) {
  root.querySelectorAll('g[data-layer]').forEach((g) => {
    const layer = g.dataset.layer;
    g.addEventListener('mouseenter', () => setEmphasis(root, layer));
    g.addEventListener('mouseleave', () => setEmphasis(root, root.__sticky || null));
    g.addEventListener('click', () => {
      root.__sticky = root.__sticky === layer ? null : layer;
      setEmphasis(root, root.__sticky || layer);
    });
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); g.dispatchEvent(new Event('click')); }
      if (ev.key === 'Escape') { root.__sticky = null; setEmphasis(root, null); }
    });
  });
}

function build(parentElement, labels) {
  const root = document.createElement('div');
  root.className = 'ov-root';
  root.innerHTML = svgMarkup(labels) + '<div class="ov-caption" aria-live="polite"></div>';
  root.__hist = {};
  parentElement.appendChild(root);
  bindNodes(root);
  return root;
}

function drawStatic(root, d) {
  if (root.__static === d.static_id) return;
  root.__static = d.static_id;
  // Another run (or a reset) counts its steps from its own start: the last run's tag (step
  // 20,000 of the pretrained spiral) would otherwise hold every frame of this one back.
  root.__tag = null;
  root.__pending = null;
  // its recorded losses, so a pretrained model's sparklines show
  const saved = d.history || {};
  root.__hist = {d_loss: (saved.d_loss || []).slice(-HISTORY), g_loss: (saved.g_loss || []).slice(-HISTORY)};
  const lat = d.latent;
  if (lat) drawPoints(root, 'noise', column(lat.x), column(lat.y), [-lat.lim, lat.lim, -lat.lim, lat.lim], d.colours);
  else drawPoints(root, 'noise', null, null, d.bounds, '#555');
  drawPoints(root, 'real', column(d.real.x), column(d.real.y), d.bounds, '#555555');
}

// Paused: wait on the feed (a long poll) for the snapshot a Step D / Step G publishes. Only
// for a while after the page last drew this (a click on Step D reruns it): an idle tab
// then costs the server nothing.
const POLL_FOR_MS = 15000;

async function pollFeed(root) {
  root.__pollUntil = performance.now() + POLL_FOR_MS;
  if (root.__polling) return;
  root.__polling = true;
  const sleep = (ms) => new Promise(r => setTimeout(r, ms));
  while (root.isConnected && root.__data && !root.__data.running && root.__data.url &&
         performance.now() < root.__pollUntil) {
    try {
      const u = new URL(root.__data.url, window.location.origin);
      u.searchParams.set('since', root.__tag || '');
      const r = await fetch(u, {cache: 'no-store'});
      if (r.status === 404 || r.status === 410) break;
      if (r.status === 200) {
        offerFrame(root, await r.json());
      } else if (r.status !== 204) await sleep(1000);
    } catch {
      await sleep(1000);
    }
  }
  root.__polling = false;
}

export default function (component) {
  const {data, parentElement} = component;
  let root = parentElement.querySelector('div.ov-root');
  const words = JSON.stringify(data.labels);
  if (root && root.__words !== words) {  // the language was switched: the SVG in the new words
    teardown(root);
    root = null;
  }
  if (!root) {
    root = build(parentElement, data.labels);
    root.__words = words;
  }
  root.__data = data;
  drawStatic(root, data);
  if (!root.__tag || newerTag(data.state.tag, root.__tag)) applyState(root, data.state);
  if (!root.__onFrame) {
    root.__onFrame = (ev) => {
      const f = ev.detail && ev.detail.frame;
      if (root.__data && ev.detail.key === root.__data.chart && f) offerFrame(root, f);
    };
    window.addEventListener('gl-live-frame', root.__onFrame);
  }
  if (!data.running && data.url) pollFeed(root);
  return () => teardown(root);
}

function teardown(root) {
  window.removeEventListener('gl-live-frame', root.__onFrame);
  root.__onFrame = null;
  root.__data = null;  // ends the poll
  setEmphasisOff(root);
  root.remove();
}

function setEmphasisOff(root) {
  const latent = document.querySelector('.ov-outlined');
  if (latent) latent.classList.remove('ov-outlined');
  const cv = document.querySelector('canvas.gl-emph');
  if (cv) cv.remove();
  root.__emph = null;
}

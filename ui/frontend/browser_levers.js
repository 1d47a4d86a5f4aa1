// Levers computed in the browser (ui.live_chart.browser_levers): part "main" draws G(z)
// large, part "strips" one strip of images per lever, both from G's weights, and both
// redraw as the sliders move, before the server's rerun arrives.
import {decodePlan, forward, grey, nearest, sweepInputs} from './plan.js';
import {followSliders, plans, recordDraw, sliderZ} from './page.js';

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
  const d = root.__data, dz = z.length, side = d.side, t0 = performance.now();
  const strips = d.part === 'strips';
  const dims = strips ? Array.from({length: dz}, (_, i) => i) : [];
  const xs = forward(plans().get(d.plan_id), sweepInputs(z, dims, d.values), dz);
  const canvas = root.querySelector('canvas');
  canvas.dataset.z = Array.from(z, v => v.toFixed(2)).join(',');
  if (strips) drawStrips(root, canvas, xs, z);
  else {
    canvas.width = canvas.height = side * d.scale;
    tile(canvas.getContext('2d'), xs, 0, side, 0, 0, d.scale);
  }
  recordDraw({key: d.key, start: t0, ms: performance.now() - t0});
}

// One row per lever: its name, then G along its sweep, the tile nearest z outlined.
function drawStrips(root, sheet, xs, z) {
  const d = root.__data, dz = z.length, side = d.side, nv = d.values.length;
  const cell = side * d.strip_scale, gap = d.gap, lw = d.label_w;
  sheet.width = lw + nv * (cell + gap) + gap; sheet.height = dz * (cell + gap) + gap;
  const ctx = sheet.getContext('2d');
  ctx.fillStyle = 'rgb(245,246,248)'; ctx.fillRect(0, 0, sheet.width, sheet.height);
  ctx.font = '12px sans-serif'; ctx.textBaseline = 'middle';
  const src = tileSource(root, xs, dz, nv, side);
  ctx.imageSmoothingEnabled = false;
  for (let i = 0; i < dz; i++) {
    const y = gap + i * (cell + gap);
    ctx.fillStyle = d.kinds[i] === 'code' ? 'rgb(120,40,160)' : 'rgb(40,40,40)';
    ctx.fillText(d.names[i], 4, y + cell / 2);
    const best = nearest(d.values, z[i]);
    for (let k = 0; k < nv; k++) {
      const x = lw + gap + k * (cell + gap);
      ctx.drawImage(src, k * side, i * side, side, side, x, y, cell, cell);
      if (k === best) {
        ctx.strokeStyle = 'rgb(220,40,40)'; ctx.lineWidth = 2;
        ctx.strokeRect(x - 1, y - 1, cell + 2, cell + 2);
      }
    }
  }
}

// Every tile's pixels go into one small image first: one putImageData, then scaled
// copies, instead of a canvas per tile.
function tileSource(root, xs, dz, nv, side) {
  const px = side * side;
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
  return src;
}

function slidersZ(d) { return sliderZ(d.slider_prefix, d.z); }

// Redraw from the sliders as they move. The strips wait a tick, so the large G(z)
// paints first.
function follow(root) {
  const step = () => {
    const z = slidersZ(root.__data);
    if (Array.from(z, v => v.toFixed(2)).join(',') === root.querySelector('canvas').dataset.z)
      return false;
    if (root.__data.part === 'strips') setTimeout(() => draw(root, Float32Array.from(z)), 0);
    else draw(root, Float32Array.from(z));
    return true;
  };
  return followSliders(() => root.__data.slider_prefix, step,
                       () => { root.__lastUser = performance.now(); });
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const PLANS = plans();
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
  if (!root.__unfollow) root.__unfollow = follow(root);
  return () => root.__unfollow();
}

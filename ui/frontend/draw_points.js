// The Playground's drawing canvas (ui.drawing.draw_panel): click and drag to spray points
// on the unit square, pick a brush size, clear. A finished stroke (or Clear) sends every
// point to the server as cells of gan_core.pointcode's grid; the server's code then comes
// back as `data.code`, and only a new code replaces what the canvas shows, so a rerun
// that lands mid-stroke loses nothing.
import {bursts, cellCentre, spray, unitXY} from './spray.js';

const INK = 'rgba(0, 136, 55, 0.7)';  // GAN Lab's drawing green

function paint(root) {
  const cv = root.__canvas, ctx = cv.getContext('2d'), s = root.__size, g = root.__grid;
  ctx.clearRect(0, 0, s, s);
  ctx.strokeStyle = 'rgba(49, 51, 63, 0.08)';
  ctx.lineWidth = 1;
  for (let k = 1; k < 10; k++) {
    const p = Math.round((k * s) / 10) + 0.5;
    ctx.beginPath(); ctx.moveTo(p, 0); ctx.lineTo(p, s); ctx.moveTo(0, p); ctx.lineTo(s, p); ctx.stroke();
  }
  ctx.fillStyle = INK;
  for (const [i, j] of root.__cells) {
    const [x, y] = cellCentre(i, j, g);
    ctx.beginPath(); ctx.arc(x * s, (1 - y) * s, 2, 0, 2 * Math.PI); ctx.fill();
  }
  const n = root.__cells.length, L = root.__labels;
  cv.dataset.count = String(n);
  root.__count.textContent = (n >= root.__max ? L.full : L.count).replace('{n}', n.toLocaleString());
}

function sendCells(root) {
  root.__sent = (root.__sent || 0) + 1;
  root.__send('cells', {cells: root.__cells.flat(), n: root.__sent});
}

function addInk(root, at, dist) {
  const r = root.__brushes[root.__brush].r, burst = root.__brushes[root.__brush].burst;
  const [n, left] = bursts(root.__carry, dist, r);
  root.__carry = left;
  for (let b = 0; b < n && root.__cells.length < root.__max; b++) {
    const room = root.__max - root.__cells.length;
    root.__cells.push(...spray(at[0], at[1], r, burst, Math.random, root.__grid).slice(0, room));
  }
}

function bindStrokes(root) {
  const cv = root.__canvas;
  let last = null;
  const at = (ev) => {
    const box = cv.getBoundingClientRect();
    return unitXY((ev.clientX - box.left) * (root.__size / box.width),
                  (ev.clientY - box.top) * (root.__size / box.height), root.__size);
  };
  cv.addEventListener('pointerdown', (ev) => {
    cv.setPointerCapture(ev.pointerId);
    last = at(ev);
    root.__stroking = true;
    root.__carry = root.__brushes[root.__brush].r / 2;  // a click alone leaves one burst
    addInk(root, last, 0);
    paint(root);
  });
  cv.addEventListener('pointermove', (ev) => {
    if (!last) return;
    const p = at(ev);
    addInk(root, p, Math.hypot(p[0] - last[0], p[1] - last[1]));
    last = p;
    paint(root);
  });
  const end = () => {
    if (!last) return;
    last = null; root.__stroking = false;
    sendCells(root);
  };
  cv.addEventListener('pointerup', end);
  cv.addEventListener('pointercancel', end);
}

function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button'; b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

function build(parentElement, data) {
  const root = document.createElement('div');
  root.className = 'gl-draw';
  const cv = document.createElement('canvas');
  cv.className = 'gl-draw-canvas';
  // Drawn at the screen's pixel density, shown at `size` CSS pixels whatever the column.
  const dpr = window.devicePixelRatio || 1;
  cv.width = cv.height = Math.round(data.size * dpr);
  cv.style.width = cv.style.height = data.size + 'px';
  cv.getContext('2d').scale(dpr, dpr);
  const bar = document.createElement('div');
  bar.className = 'gl-draw-bar';
  root.append(cv, bar);
  parentElement.appendChild(root);
  Object.assign(root, {__canvas: cv, __cells: [], __brush: data.brush, __carry: 0});
  const label = document.createElement('span');
  bar.appendChild(label);
  root.__brushButtons = Object.keys(data.brushes).map((name) => {
    const b = button('', () => { root.__brush = name; marks(root); });
    b.dataset.brush = name;
    bar.appendChild(b);
    return b;
  });
  root.__clear = button('', () => { root.__cells = []; paint(root); sendCells(root); });
  root.__count = document.createElement('span');
  root.__count.className = 'gl-draw-count';
  bar.append(root.__clear, root.__count);
  root.__brushLabel = label;
  bindStrokes(root);
  return root;
}

function marks(root) {
  root.__brushButtons.forEach(b => b.classList.toggle('on', b.dataset.brush === root.__brush));
}

export default function (component) {
  const {data, parentElement, setStateValue} = component;
  const root = parentElement.querySelector('div.gl-draw') || build(parentElement, data);
  Object.assign(root, {__send: setStateValue, __size: data.size, __grid: data.grid,
                       __max: data.max, __labels: data.labels, __brushes: data.brushes});
  root.__brushLabel.textContent = data.labels.brush;
  root.__brushButtons.forEach(b => { b.textContent = data.labels[b.dataset.brush]; });
  root.__clear.textContent = data.labels.clear;
  marks(root);
  // The server's drawing is new (a link, a remount): show it; but not while a stroke is
  // drawn or the server has yet to hear of the last one (data.n: the last send it took).
  if (data.code !== root.__code && !root.__stroking && (data.n || 0) >= (root.__sent || 0)) {
    root.__code = data.code;
    const c = data.cells;
    root.__cells = Array.from({length: c.length / 2}, (_, k) => [c[2 * k], c[2 * k + 1]]);
  }
  paint(root);
}

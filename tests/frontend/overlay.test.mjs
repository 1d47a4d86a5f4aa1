// ui/frontend/overlay.js: reading Plotly JSON, and the overlay's data -> pixel maths.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {column, interleave, layoutKey, paintOverlay, starCorners} from '../../ui/frontend/overlay.js';
import {assertClose, fixture} from './fixtures.mjs';

test('column reads plain arrays and the feed\'s float32 {dtype, bdata}', () => {
  const f = fixture('columns.json');
  assertClose(column(f.trace.x), f.x, 'x', 0, 0);
  assert.deepEqual(column(f.trace.y), f.y);
  assert.equal(column({dtype: 'f8', bdata: 'AAAA'}), null);  // only float32 is decoded
  assert.equal(column(undefined), null);
});

test('layoutKey ignores the title only', () => {
  const a = {title: {text: 'step 1'}, xaxis: {range: [0, 1]}};
  assert.equal(layoutKey(a), layoutKey({...a, title: 'step 2'}));
  assert.notEqual(layoutKey(a), layoutKey({...a, xaxis: {range: [0, 2]}}));
});

test('interleave gives regl\'s [x0, y0, x1, y1, ...]', () => {
  assert.deepEqual(Array.from(interleave([1, 2, 3], [4, 5, 6])), [1, 4, 2, 5, 3, 6]);
});

test('starCorners: ten corners, the first straight up, inner ones at 0.45 r', () => {
  const c = starCorners(10, 20, 8);
  assert.equal(c.length, 10);
  assertClose(c[0], [10, 12], 'tip');
  c.forEach(([x, y], j) => assertClose([Math.hypot(x - 10, y - 20)], [j % 2 ? 3.6 : 8], `corner ${j}`));
});

// A 2-D context that records what is drawn.
function recorder() {
  const calls = [];
  return new Proxy({calls}, {
    get: (t, k) => (k in t ? t[k] : (...args) => calls.push([k, ...args])),
    set: (t, k, v) => { calls.push(['set ' + String(k), v]); return true; },
  });
}

// A 100 x 50 plot area at (10, 20), data x in [0, 10] and y in [0, 5] (y up).
const area = {left: 10, top: 20, w: 100, h: 50, x: v => 10 + 10 * v, y: v => 70 - 10 * v};

test('paintOverlay draws lines and markers in pixels, clipped to the plot area', () => {
  const ctx = recorder();
  paintOverlay(ctx, [
    {mode: 'lines', line: {color: 'red', width: 3}, xs: [0, 10], ys: [0, 5]},
    {mode: 'markers', marker: {size: 6, color: ['#a', '#b']}, xs: [1, 2], ys: [1, 2]},
    {mode: 'markers', marker: {size: 18, symbol: 'star', color: 'gold', line: {width: 2}},
     xs: [5], ys: [2.5]},
  ], area);
  const c = ctx.calls, names = c.map(x => x[0]);
  assert.deepEqual(c.find(x => x[0] === 'rect'), ['rect', 10, 20, 100, 50]);
  assert.ok(names.indexOf('clip') < names.indexOf('moveTo'));
  assert.deepEqual(c.find(x => x[0] === 'moveTo'), ['moveTo', 10, 70]);
  assert.deepEqual(c.find(x => x[0] === 'lineTo'), ['lineTo', 110, 20]);
  assert.ok(c.some(x => x[0] === 'set strokeStyle' && x[1] === 'red'));
  const arcs = c.filter(x => x[0] === 'arc');
  assert.deepEqual(arcs.map(a => a.slice(1, 4)), [[20, 60, 3], [30, 50, 3]]);  // the dots
  assert.deepEqual(c.filter(x => x[0] === 'set fillStyle').map(x => x[1]), ['#a', '#b', 'gold']);
  const star = c.slice(names.lastIndexOf('beginPath')).filter(x => x[0] === 'lineTo');
  assert.equal(star.length, 10);
  assert.deepEqual(star[0].slice(1).map(Math.round), [60, 36]);  // the tip, 9 px up from (60, 45)
  assert.equal(names.at(-1), 'restore');
});

test('paintOverlay breaks a line at NaN, fills toself pieces, and skips a zero-width stroke', () => {
  const ctx = recorder();
  paintOverlay(ctx, [{mode: 'lines', fill: 'toself', fillcolor: 'purple', line: {width: 0},
                      xs: [0, 1, 1, NaN, 5, 6, 6], ys: [0, 0, 1, NaN, 2, 2, 3]}], area);
  const c = ctx.calls, names = c.map(x => x[0]);
  assert.deepEqual(c.filter(x => x[0] === 'moveTo'), [['moveTo', 10, 70], ['moveTo', 60, 50]]);
  assert.equal(c.filter(x => x[0] === 'lineTo').length, 4);  // none to or from the gap
  assert.ok(c.some(x => x[0] === 'set fillStyle' && x[1] === 'purple'));
  assert.ok(names.includes('fill'));
  assert.ok(!names.includes('stroke'));  // width 0: the shading has no outline
  const lined = recorder();
  paintOverlay(lined, [{mode: 'lines', xs: [0, 1], ys: [0, 1]}], area);
  assert.ok(lined.calls.some(x => x[0] === 'stroke') && !lined.calls.some(x => x[0] === 'fill'));
});

// ui/frontend/spray.js: the drawing canvas's maths, against gan_core.pointcode's grid.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {bursts, cellCentre, cellOf, spray, unitXY} from '../../ui/frontend/spray.js';

// A seeded generator, so a spray is the same on every run.
function lcg(seed) {
  let s = seed >>> 0;
  return () => { s = (1664525 * s + 1013904223) >>> 0; return s / 2 ** 32; };
}

test('unitXY puts y up and clamps to the square', () => {
  assert.deepEqual(unitXY(0, 0, 200), [0, 1]);
  assert.deepEqual(unitXY(50, 150, 200), [0.25, 0.25]);
  assert.deepEqual(unitXY(-5, 300, 200), [0, 0]);
});

test('cellOf and cellCentre agree with pointcode.quantise and cell_points', () => {
  assert.deepEqual(cellOf(0, 1, 256), [0, 255]);  // 1.0 clamps into the last cell
  assert.deepEqual(cellOf(0.5, 0.00390625, 256), [128, 1]);
  assert.deepEqual(cellCentre(0, 255, 256), [0.5 / 256, 255.5 / 256]);
  for (const v of [0.1, 0.37, 0.999]) {
    const [i] = cellOf(v, 0, 256);
    assert.ok(Math.abs(cellCentre(i, 0, 256)[0] - v) <= 0.5 / 256 + 1e-12);
  }
});

test('spray lands in the brush and drops points off the square', () => {
  const cells = spray(0.5, 0.5, 0.05, 200, lcg(1), 256);
  assert.equal(cells.length, 200);
  for (const [i, j] of cells) {
    const [x, y] = cellCentre(i, j, 256);
    assert.ok(Math.hypot(x - 0.5, y - 0.5) <= 0.05 + 1 / 256, `${x}, ${y}`);
  }
  const corner = spray(0, 0, 0.05, 200, lcg(2), 256);
  assert.ok(corner.length > 0 && corner.length < 120);  // about three quarters fall off
});

test('bursts: one every half radius, whatever the step the mouse reports', () => {
  assert.deepEqual(bursts(0, 0.1, 0.04), [5, 0.1 - 5 * 0.02]);
  let carried = 0, total = 0;
  for (let k = 0; k < 100; k++) {  // the same 0.1 in 100 small moves
    const [n, left] = bursts(carried, 0.001, 0.04);
    total += n; carried = left;
  }
  assert.equal(total, 5);
});

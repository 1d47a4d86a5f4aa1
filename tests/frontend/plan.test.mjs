// ui/frontend/plan.js against the Python references (gan_core.levers, lever_figures).
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {decodePlan, floats, forward, grey, nearest, sweepInputs} from '../../ui/frontend/plan.js';
import {assertClose, fixture} from './fixtures.mjs';

test('forward runs G as plan_forward does, from the payload the browser gets', () => {
  const cases = fixture('plans.json');
  assert.ok(cases.length >= 3);
  for (const c of cases) {
    const plan = decodePlan(c.plan);
    assert.deepEqual(plan.layers.map(l => l.act), c.acts, c.name);
    plan.layers.forEach(l => assert.equal(l.w.length, l.nin * l.nout, c.name));
    const out = forward(plan, Float32Array.from(c.z), c.dz);
    assert.ok(out instanceof Float32Array);
    assertClose(out, c.want, c.name);
  }
});

test('floats decodes little-endian float32 bytes', () => {
  const want = Float32Array.from([1.5, -2.25, 3e-8]);
  const b64 = Buffer.from(want.buffer).toString('base64');
  assert.deepEqual(floats(b64), want);
});

test('sweepInputs stacks the probe row, then each lever\'s sweep (all_sweeps)', () => {
  const f = fixture('sweeps.json');
  assert.deepEqual(Array.from(sweepInputs(f.z, f.dims, f.values)), f.want);
  assert.deepEqual(Array.from(sweepInputs(f.z, [], f.values)), f.z);  // the probe alone
});

test('grey is strip_ink\'s grey level, clipped past [-1, 1]', () => {
  const f = fixture('pixels.json');
  assert.deepEqual(f.x.map(grey), f.want);
  assert.equal(grey(-1), 255);
  assert.equal(grey(1), 0);
});

test('nearest picks the closest value, the first on a tie', () => {
  assert.equal(nearest([-2, -1, 0, 1, 2], 0.4), 2);
  assert.equal(nearest([-2, -1, 0, 1, 2], 0.5), 2);
  assert.equal(nearest([-2, -1, 0, 1, 2], 9), 4);
  assert.equal(nearest([3], -9), 0);
});

// ui/frontend/first_draw.js: a view given `after` waits for that chart's first draw, or
// for WAIT_MS, and runs once either way.
import assert from 'node:assert/strict';
import {afterEach, beforeEach, mock, test} from 'node:test';

import {afterDrawn, markDrawn} from '../../ui/frontend/first_draw.js';

beforeEach(() => {
  globalThis.window = {};
  mock.timers.enable({apis: ['setTimeout']});
});
afterEach(() => mock.timers.reset());

test('a view waits for the main chart, then runs once', () => {
  const runs = [];
  afterDrawn('pg_samples', () => runs.push('latent'));
  afterDrawn('pg_samples', () => runs.push('truemap'));
  assert.deepEqual(runs, []);
  markDrawn('pg_samples');
  assert.deepEqual(runs, ['latent', 'truemap']);
  markDrawn('pg_samples');  // a later draw of the same chart runs nothing again
  assert.deepEqual(runs, ['latent', 'truemap']);
});

test('once the main chart has drawn, or with no `after`, a view runs at once', () => {
  const runs = [];
  afterDrawn('', () => runs.push('free'));
  markDrawn('pg_samples');
  afterDrawn('pg_samples', () => runs.push('later'));
  assert.deepEqual(runs, ['free', 'later']);
});

test('a main chart that never draws holds nobody past the wait', () => {
  const runs = [];
  afterDrawn('pg_samples', () => runs.push('latent'));
  mock.timers.tick(2999);
  assert.deepEqual(runs, []);
  mock.timers.tick(1);
  assert.deepEqual(runs, ['latent']);
  markDrawn('pg_samples');  // drawn after all: the view does not run a second time
  assert.deepEqual(runs, ['latent']);
});

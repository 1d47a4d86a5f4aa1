// ui/frontend/first_draw.js: the page's main chart draws before the others.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {HOLD_MS, holdFirst, mustWait, releaseFirst} from '../../ui/frontend/first_draw.js';

// A window with timers and animation frames run by hand.
function fakeWindow() {
  let now = 0, next = 1;
  const timers = new Map();
  const win = {
    setTimeout: (fn, ms) => { timers.set(next, {fn, at: now + ms}); return next++; },
    clearTimeout: (id) => timers.delete(id),
    requestAnimationFrame: (fn) => win.setTimeout(fn, 16),
    tick(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]); now = due[1].at; due[1].fn();
      }
      now = end;
    },
  };
  return win;
}

test('nothing waits when no first chart is held', () => {
  const win = fakeWindow();
  assert.equal(mustWait(() => assert.fail('called'), win), false);
});

test('the others draw after the first chart has drawn and painted', () => {
  const win = fakeWindow();
  holdFirst('pg_samples', win);
  const drawn = [];
  assert.equal(mustWait(() => drawn.push('latent'), win), true);
  assert.equal(mustWait(() => drawn.push('losses'), win), true);
  win.tick(100);
  assert.deepEqual(drawn, []);
  releaseFirst('pg_samples', win);
  assert.deepEqual(drawn, []);  // not in the same frame as the first chart's draw
  win.tick(20);
  assert.deepEqual(drawn, ['latent', 'losses']);
  assert.equal(mustWait(() => drawn.push('again'), win), false);
  win.tick(HOLD_MS * 2);
  assert.deepEqual(drawn, ['latent', 'losses']);  // the hold's timer went with it
});

test('a first chart that never draws holds the others for HOLD_MS at most', () => {
  const win = fakeWindow();
  holdFirst('pg_samples', win);
  let drawn = 0;
  mustWait(() => drawn++, win);
  win.tick(HOLD_MS - 1);
  assert.equal(drawn, 0);
  win.tick(1);
  assert.equal(drawn, 1);
  assert.equal(mustWait(() => drawn++, win), false);
});

test('releasing a chart that was not held lets nothing go early', () => {
  const win = fakeWindow();
  holdFirst('pg_samples', win);
  let drawn = 0;
  mustWait(() => drawn++, win);
  releaseFirst('pg_latent', win);
  win.tick(100);
  assert.equal(drawn, 0);
  releaseFirst('pg_samples', win);
  win.tick(100);
  assert.equal(drawn, 1);
});

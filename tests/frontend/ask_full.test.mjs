// ui/frontend/ask_full.js: a chart lacking its texts asks again until they come.
import assert from 'node:assert/strict';
import {mock, test} from 'node:test';

import {askFull, stopAsking} from '../../ui/frontend/ask_full.js';

function recorder() {
  const asks = [];
  return {asks, set: (name, value) => asks.push([name, value])};
}

test('a chart asks again, between 2 and 4 s apart, until the texts come', () => {
  mock.timers.enable({apis: ['setTimeout', 'Date']});
  try {
    const r = recorder();
    askFull('pg_samples', 'abc', r.set, 10, () => 0.5);  // each next ask 3 s later
    assert.equal(r.asks.length, 1);
    assert.equal(r.asks[0][0], 'need_full');
    assert.match(r.asks[0][1], /^abc:\d+$/);
    mock.timers.tick(2999);
    assert.equal(r.asks.length, 1);
    mock.timers.tick(1);
    assert.equal(r.asks.length, 2);
    assert.notEqual(r.asks[1][1], r.asks[0][1]);  // a new value, so Streamlit reruns again
    stopAsking('pg_samples');  // a frame with the texts came
    mock.timers.tick(60000);
    assert.equal(r.asks.length, 2);
  } finally {
    mock.timers.reset();
  }
});

test('a chart stops after its tries, and charts ask on their own timers', () => {
  mock.timers.enable({apis: ['setTimeout', 'Date']});
  try {
    const a = recorder(), b = recorder();
    askFull('pg_samples', 'x', a.set, 3, () => 0);   // 2 s apart
    askFull('pg_latent', 'y', b.set, 10, () => 1);   // 4 s apart
    mock.timers.tick(2000);
    mock.timers.tick(2000);
    assert.equal(a.asks.length, 3);
    assert.equal(b.asks.length, 2);
    for (let t = 0; t < 60; t++) mock.timers.tick(1000);
    assert.equal(a.asks.length, 3);  // gave up after 3 tries
    assert.equal(b.asks.length, 10);
  } finally {
    mock.timers.reset();
  }
});

test('a new ask for the same chart replaces its pending one', () => {
  mock.timers.enable({apis: ['setTimeout', 'Date']});
  try {
    const r = recorder();
    askFull('k', 'h1', r.set, 10, () => 0.5);
    mock.timers.tick(1000);
    askFull('k', 'h2', r.set, 10, () => 0.5);
    mock.timers.tick(3000);
    assert.deepEqual(r.asks.map(([, v]) => v.split(':')[0]), ['h1', 'h2', 'h2']);
    stopAsking('k');
  } finally {
    mock.timers.reset();
  }
});

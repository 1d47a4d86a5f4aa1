// The JSON fixtures tests/test_frontend_fixtures.py writes (`make frontend` runs it first).
import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../test-artifacts/frontend/', import.meta.url));

export function fixturePath(name) {
  const path = FIXTURES + name;
  if (!existsSync(path))
    throw new Error(`${path} is missing: run pytest tests/test_frontend_fixtures.py first ` +
                    '(make frontend does)');
  return path;
}

export function fixture(name) { return JSON.parse(readFileSync(fixturePath(name), 'utf8')); }

// float32 tolerance: numpy sums in float32, the browser in float64 (then rounds).
export function assertClose(got, want, what, rtol = 1e-4, atol = 1e-5) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    assert.ok(err <= atol + rtol * Math.abs(want[i]),
              `${what}[${i}]: got ${got[i]}, want ${want[i]} (off by ${err})`);
  }
}

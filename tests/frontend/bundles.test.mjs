// Each component's source as Streamlit gets it (ui.live_chart.frontend_js, written by
// tests/test_frontend_fixtures.py): one module that loads, with its component as default.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {pathToFileURL} from 'node:url';

import {fixturePath} from './fixtures.mjs';

for (const name of ['live_plotly', 'browser_levers', 'live_image', 'live_strips', 'draw_points',
                   'copy_link', 'overview']) {
  test(`the ${name} bundle is one loadable module`, async () => {
    const mod = await import(pathToFileURL(fixturePath(`bundle_${name}.mjs`)).href);
    assert.deepEqual(Object.keys(mod), ['default']);
    assert.equal(typeof mod.default, 'function');
  });
}

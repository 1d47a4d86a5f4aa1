// ui/frontend/projector.js (projector mode's restyling of the live charts) and the copy
// button's fallback in ui/frontend/copy_link.js.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {copyText} from '../../ui/frontend/copy_link.js';
import {FONT_SCALE, LINE_SCALE, POINT_SCALE, contrastColour, projectorLayout,
        projectorTrace} from '../../ui/frontend/projector.js';

test('faint greys get darker and more opaque; other colours keep their hue', () => {
  assert.equal(contrastColour('rgba(120,120,120,0.35)'), 'rgba(50,50,50,0.6)');
  assert.equal(contrastColour('rgba(20,20,20,0.9)'), 'rgba(20,20,20,0.9)');
  assert.equal(contrastColour('rgb(200, 10, 10)'), 'rgba(200,10,10,1)');
  assert.equal(contrastColour('#ffd400'), '#ffd400');
  assert.equal(contrastColour(undefined), undefined);
});

test('points and lines get thicker, and the trace sent is left as it was', () => {
  const sent = {name: 'real', type: 'scattergl', x: [1, 2], y: [3, 4],
                marker: {size: 3, color: 'rgba(120,120,120,0.35)', line: {width: 1}},
                line: {width: 2.5, color: '#e41a1c'}};
  const copy = JSON.parse(JSON.stringify(sent));
  const t = projectorTrace(sent);
  assert.equal(t.marker.size, Math.max(3 * POINT_SCALE, 5));
  assert.equal(t.marker.line.width, LINE_SCALE);
  assert.equal(t.line.width, 2.5 * LINE_SCALE);
  assert.equal(t.marker.color, 'rgba(50,50,50,0.6)');
  assert.equal(t.x, sent.x, 'the data arrays are shared, not copied');
  assert.deepEqual(sent, copy, 'the cached trace is not modified');
  const sizes = projectorTrace({marker: {size: [2, 10]}}).marker.size;
  assert.deepEqual(sizes, [5, 10 * POINT_SCALE]);
});

test('the layout gets larger black text on white, on every axis', () => {
  const sent = {font: {size: 11}, title: {text: 'step 5', font: {size: 13}},
                xaxis: {range: [0, 1]}, yaxis2: {title: {text: 'loss'}}, plot_bgcolor: '#eee',
                margin: {l: 40, r: 10, t: 30, b: 30}};
  const copy = JSON.parse(JSON.stringify(sent));
  const l = projectorLayout(sent);
  assert.equal(l.font.size, Math.round(11 * FONT_SCALE));
  assert.equal(l.title.font.size, Math.round(13 * FONT_SCALE));
  assert.equal(l.title.text, 'step 5');
  assert.equal(l.xaxis.tickfont.size, Math.round(12 * FONT_SCALE));
  assert.equal(l.yaxis2.title.font.color, '#000000');
  assert.equal(l.plot_bgcolor, '#ffffff');
  assert.ok(l.margin.l >= 56 && l.margin.b >= 48);
  assert.deepEqual(sent, copy);
});

test('copyText uses the clipboard, else the selected field', async () => {
  const field = {selected: false, select() { this.selected = true; }};
  const wrote = [];
  assert.equal(await copyText('u', field, {clipboard: {writeText: async (s) => wrote.push(s)}}, null), true);
  assert.deepEqual(wrote, ['u']);
  const refused = {clipboard: {writeText: async () => { throw new Error('denied'); }}};
  assert.equal(await copyText('u', field, refused, {execCommand: () => true}), true);
  assert.ok(field.selected);
  assert.equal(await copyText('u', field, {}, {execCommand: () => false}), false);
});

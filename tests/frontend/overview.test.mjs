// ui/frontend/overview_graph.js, glide.js and emphasis.js: the overview graph's markup and
// phase logic, slow motion's glide, and the emphasis layer's data.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {cellEdge, layerTraces, numbers} from '../../ui/frontend/emphasis.js';
import {ease, glideItems, glideMs, lerpColumn} from '../../ui/frontend/glide.js';
import {EDGES, FIELD_SCALE, NODES, freshLosses, heatPixels, litEdges, movingNets, newerTag,
        parseColour, project, scaleColour, sparkPoints, svgMarkup} from '../../ui/frontend/overview_graph.js';
import {assertClose} from './fixtures.mjs';

test('a D step lights D\'s path only, a G step G\'s, a whole step both', () => {
  const d = new Set(litEdges('d')), g = new Set(litEdges('g')), both = new Set(litEdges('both'));
  assert.ok(d.has('real-D') && d.has('D-dloss') && d.has('grad-D'));
  assert.ok(!d.has('D-gloss') && !d.has('grad-G'));
  assert.ok(g.has('D-gloss') && g.has('grad-G') && g.has('fake-D'));
  assert.ok(!g.has('real-D') && !g.has('grad-D') && !g.has('D-dloss'));
  assert.equal(both.size, EDGES.length);
  assert.deepEqual(litEdges(''), []);
  assert.deepEqual(litEdges(undefined), []);
});

test('the network an update moves, and the losses it computes afresh', () => {
  assert.deepEqual(movingNets('d'), {D: true, G: false});
  assert.deepEqual(movingNets('g'), {D: false, G: true});
  assert.deepEqual(movingNets('both'), {D: true, G: true});
  assert.deepEqual(movingNets(''), {D: false, G: false});
  assert.deepEqual(freshLosses('d'), {d_loss: true, g_loss: false});
  assert.deepEqual(freshLosses('g'), {d_loss: false, g_loss: true});
});

test('svgMarkup: one svg, every node and edge, labels escaped', () => {
  const labels = {title: 'A <b> & "c"', real_label: '真实样本', noise_tip: "it's z"};
  const svg = svgMarkup(labels);
  assert.equal(svg.match(/<svg /g).length, 1);
  assert.ok(!svg.includes('<b>') && svg.includes('A &lt;b&gt; &amp; &quot;c&quot;'));
  assert.ok(svg.includes('真实样本') && svg.includes('it&#39;s z'));
  for (const n of NODES) assert.ok(svg.includes(`data-node="${n.id}"`), n.id);
  for (const e of EDGES) assert.ok(svg.includes(`data-edge="${e.id}"`), e.id);
  // The nodes with a layer on the samples view can be hovered, clicked and focused.
  assert.equal((svg.match(/data-layer=/g) || []).length, NODES.filter(n => n.layer).length);
  assert.ok(!svg.includes('<canvas'));  // no context of its own: bitmaps go in <image>
});

test('project maps bounds onto the view with y up, and thins by step', () => {
  const px = project([0, 1, 2, 0.5], [0, 1, 2, 1.5], [0, 2, 0, 2], 100, 1);
  assert.deepEqual(px, [0, 100, 50, 50, 100, 0, 25, 25]);
  assert.deepEqual(project([0, 1, 2, 0.5], [0, 1, 2, 1.5], [0, 2, 0, 2], 100, 2), [0, 100, 100, 0]);
});

test('colours: hex and rgb() parse, the field\'s scale runs purple, white, green', () => {
  assert.deepEqual(parseColour('#8e44ad'), [142, 68, 173]);
  assert.deepEqual(parseColour('rgb(1, 2, 3)'), [1, 2, 3]);
  assert.deepEqual(scaleColour(FIELD_SCALE, 0), [142, 68, 173]);
  assert.deepEqual(scaleColour(FIELD_SCALE, 0.5), [247, 247, 247]);
  assert.deepEqual(scaleColour(FIELD_SCALE, 1), [39, 174, 96]);
  assert.deepEqual(scaleColour(FIELD_SCALE, 2), [39, 174, 96]);  // clipped
  assert.deepEqual(scaleColour(FIELD_SCALE, 0.25), [195, 158, 210]);  // halfway to white
});

test('heatPixels puts the lowest y row at the bottom of the image', () => {
  const n = 2, bytes = Uint8Array.from([0, 0, 255, 255]);  // row 0 (low y) fake, row 1 real
  const px = heatPixels(bytes, n);
  assert.deepEqual(Array.from(px.slice(0, 4)), [39, 174, 96, 255]);  // image top: real
  assert.deepEqual(Array.from(px.slice(8, 12)), [142, 68, 173, 255]);  // image bottom: fake
});

test('sparkPoints spans the box, high values at the top', () => {
  assert.equal(sparkPoints([1], {x: 0, y: 0, w: 10, h: 10}), '');
  assert.equal(sparkPoints([0, 1, NaN, 0.5], {x: 0, y: 0, w: 10, h: 10}), '0.0,10.0 5.0,0.0 10.0,5.0');
  assert.equal(sparkPoints([2, 2], {x: 0, y: 0, w: 10, h: 10}), '0.0,5.0 10.0,5.0');
});

test('newerTag orders the feed\'s "step.time" tags', () => {
  assert.ok(newerTag('12.3.5000', '12.3.4000'));
  assert.ok(newerTag('13.0.1000', '12.9.9000'));
  assert.ok(!newerTag('12.3.4000', '12.3.4000'));
  assert.ok(!newerTag('9.9.0000', '10.0.0000'));  // numbers, not strings
  assert.ok(newerTag('1.0.0', '') && !newerTag('', '1.0.0'));
});

test('a glide lasts most of a slow phase, none at full speed or without old positions', () => {
  assert.equal(glideMs({before: {}, speed: 0}), 0);
  assert.equal(glideMs({speed: 1}), 0);
  assert.equal(glideMs({before: {}, speed: 1}), 400);
  assert.equal(glideMs({before: {}, speed: 10}), 40);
  assert.equal(ease(0), 0); assert.equal(ease(1), 1); assert.equal(ease(0.5), 0.5);
  assert.ok(ease(0.1) < 0.1 && ease(0.9) > 0.9);  // slow start and stop
});

test('glideItems moves each trace from its old positions to its new', () => {
  const items = [{name: 'generated', xs: [2, 4], ys: [0, 0]}, {name: 'probe G(z)', xs: [1], ys: [1]}];
  const before = {generated: {x: [0, 0], y: [2, 2]}};
  assertClose(Array.from(glideItems(items, before, 0)[0].xs), [0, 0], 'start x');
  assertClose(Array.from(glideItems(items, before, 0.5)[0].xs), [1, 2], 'half x');
  assertClose(Array.from(glideItems(items, before, 0.5)[0].ys), [1, 1], 'half y');
  assertClose(Array.from(glideItems(items, before, 1)[0].ys), [0, 0], 'end y');
  assert.equal(glideItems(items, before, 0.5)[1], items[1]);  // no old positions: as it is
  assert.deepEqual(lerpColumn([0], [1, 2], 0.5), [1, 2]);  // lengths differ: the new ones
});

test('layerTraces picks the layer a node stands for, live points first', () => {
  const drawn = [{type: 'heatmap', x: [0, 1], y: [0, 1], z: [[0, 1], [1, 0]], zmin: 0, zmax: 1},
                 {name: 'real', type: 'scattergl', x: [5], y: [6], marker: {size: 4}},
                 {name: 'generated', type: 'scattergl', x: [1], y: [1], marker: {size: 4}}];
  const live = [{name: 'generated', xs: [9], ys: [9], marker: {size: 4}}];
  assert.deepEqual(layerTraces(drawn, null, 'real')[0].xs, [5]);
  assert.deepEqual(layerTraces(drawn, live, 'fake')[0].xs, [9]);
  assert.deepEqual(layerTraces(drawn, null, 'noise')[0].xs, [1]);
  assert.ok(layerTraces(drawn, null, 'fake')[0].marker.size > 4);  // drawn a little larger
  assert.deepEqual(Array.from(layerTraces(drawn, null, 'field')[0].heat.z), [0, 1, 1, 0]);
  assert.deepEqual(layerTraces(drawn, null, null), []);
  assert.deepEqual(layerTraces([], null, 'field'), []);
});

test('numbers reads typed arrays, rows and plotly.py\'s bdata; cellEdge halves cells', () => {
  assert.deepEqual(numbers([[1, 2], Float32Array.from([3, 4])]), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(numbers({dtype: 'f4', bdata: Buffer.from(Float32Array.from([1.5]).buffer).toString('base64')})), [1.5]);
  assert.deepEqual([0, 1, 2, 3].map(k => cellEdge([0, 1, 2], k)), [-0.5, 0.5, 1.5, 2.5]);
});

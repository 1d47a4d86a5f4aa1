// Every use of plotly.js beyond its documented API, and of how Streamlit ships it, is here:
// a Plotly or Streamlit upgrade that moves these touches this file only. The eslint config
// forbids these names and selectors everywhere else.
//
// Plotly is the app's partial build (ui.plotly_source), an ES module whose default export
// is Plotly, or Streamlit's own lazy chunk, which sets window.Plotly when it loads. Either
// is kept as window.__ganLeversPlotly, shared by every component on the page: a chart is
// always redrawn by the copy that drew it, whichever other copy loads later (an
// st.plotly_chart on another page loads Streamlit's). Nothing is fetched from outside.
function lib() { return window.__ganLeversPlotly; }

export function plotlyLoaded() { return !!lib(); }

// Calls `then` once Plotly is here, loading `src` (a URL path) if needed. Where Streamlit's
// whole plotly.js is already on the page, it is used as it is: a superset of the bundle.
export function whenPlotly(src, then) {
  if (!lib() && window.Plotly) window.__ganLeversPlotly = window.Plotly;
  if (lib()) { then(); return; }
  import(new URL(src, window.location.origin).href).then((mod) => {
    const own = mod && mod.default && typeof mod.default.react === 'function' ? mod.default : null;
    if (!lib()) window.__ganLeversPlotly = own || window.Plotly;
    if (lib()) then();
  });
}

export function react(div, traces, layout, config) {
  return lib().react(div, traces, layout, config);
}

// Frees the plot's WebGL context (browsers allow a page only 8-16 of them).
export function purge(div) { if (lib()) lib().purge(div); }

// Whether Plotly has drawn on div yet.
export function plotted(div) { return !!div.data; }

// The traces as last drawn (Plotly's own copy: it sets selectedpoints on a box selection).
export function drawnTraces(div) { return div.data || []; }

// send([{curve_number, point_index}]) on each box/lasso selection, send([]) when cleared.
export function onSelection(div, send) {
  div.on('plotly_selected', (ev) => send(ev && ev.points ? ev.points.map(p => ({
    curve_number: p.curveNumber, point_index: p.pointIndex})) : []));
  div.on('plotly_deselect', () => send([]));
}

// fn() after each pan or zoom (the overlay follows the axes).
export function onRelayout(div, fn) { div.on('plotly_relayout', fn); }

// The plot's size, its axes' box and the data -> pixel maps, or null before a draw.
export function plotArea(div) {
  const fl = div._fullLayout, xa = fl && fl.xaxis, ya = fl && fl.yaxis;
  if (!xa || !ya) return null;
  return {width: fl.width, height: fl.height,
          left: xa._offset, top: ya._offset, w: xa._length, h: ya._length,
          x: (v) => xa._offset + xa.l2p(v), y: (v) => ya._offset + ya.l2p(v)};
}

// The element an overlay canvas goes in, positioned over the plot.
export function overlayHost(div) { return div.querySelector('.svg-container'); }

// Sets the title without a relayout: the title is all that changed.
export function setTitle(div, text) {
  const el = div.querySelector('.gtitle');
  if (el && typeof text === 'string') el.textContent = text;
}

// The SVG traces named in `names` hidden (drawn on the overlay instead), or all shown.
export function hideSvgTraces(div, names) {
  div.querySelectorAll('.scatterlayer .trace').forEach(g => {
    const tr = g.__data__ && g.__data__[0] && g.__data__[0].trace;
    if (tr && names.has(tr.name)) g.style.opacity = 0;
  });
}

export function showSvgTraces(div) {
  div.querySelectorAll('.scatterlayer .trace').forEach(g => { g.style.opacity = ''; });
}

// The regl scene holding the WebGL traces, with one marker group per scattergl trace in
// order, or null (no draw yet, no WebGL trace).
export function glScene(div) {
  const plot = div._fullLayout && div._fullLayout._plots && div._fullLayout._plots.xy;
  const sc = plot && plot._scene;
  return sc && sc.scatter2d && sc.markerOptions ? sc : null;
}

export function glGroupCount(sc) { return sc.markerOptions.length; }

// Length of group j's positions (2 per point).
export function glPositionsLength(sc, j) { return sc.markerOptions[j].positions.length; }

// New positions for some groups (undefined keeps a group as it is), then a redraw.
export function setGlPositions(div, sc, positions) {
  // Plotly's options too, as a pan or zoom redraws from them.
  positions.forEach((p, j) => { if (p) sc.markerOptions[j].positions = p; });
  // undefined keeps a group (null would empty it: regl-scatter2d)
  sc.scatter2d.update(positions.map(p => (p ? {positions: p} : undefined)));
  redrawGl(div, sc);
}

// Group j's opacity to want[j], or its own where want[j] is null; redraws only on a
// change. Reads the groups themselves: a pan or zoom re-applies Plotly's own options.
export function setGlOpacities(div, sc, want) {
  const target = want.map((o, j) => (o === null ? (sc.markerOptions[j].opacity ?? 1) : o));
  const groups = sc.scatter2d.groups || [];
  if (target.every((o, j) => !groups[j] || groups[j].opacity === o)) return;
  sc.scatter2d.update(target.map(o => ({opacity: o})));
  redrawGl(div, sc);
}

// Plotly's WebGL canvas keeps its buffer between draws: clear it as Plotly does
// (clear_gl_canvases) or every frame leaves its points behind.
function redrawGl(div, sc) {
  div._fullLayout._glcanvas.each(c => { if (c.regl) c.regl.clear({color: true, depth: true}); });
  sc.draw();
}

// The drawing canvas's maths (ui/frontend/draw_points.js): where a stroke sprays its
// points, as cells of gan_core.pointcode's grid. Pure: node's tests load this file as it is.

// A point on the canvas, in pixels from its top left, -> [x, y] on the unit square, y up.
export function unitXY(px, py, size) {
  return [Math.min(1, Math.max(0, px / size)), Math.min(1, Math.max(0, 1 - py / size))];
}

// [x, y] on the unit square -> its cell [i, j] on a grid x grid lattice (pointcode.quantise).
export function cellOf(x, y, grid) {
  const q = (v) => Math.min(grid - 1, Math.max(0, Math.floor(v * grid)));
  return [q(x), q(y)];
}

// The centre of cell [i, j], on the unit square (pointcode.cell_points).
export function cellCentre(i, j, grid) { return [(i + 0.5) / grid, (j + 0.5) / grid]; }

// `count` points uniform in the disc of radius r around (cx, cy) (unit square), as cells.
// rand: () -> [0, 1), so tests can pass a seeded one. Points off the square are dropped.
export function spray(cx, cy, r, count, rand, grid) {
  const out = [];
  for (let k = 0; k < count; k++) {
    const rad = r * Math.sqrt(rand()), ang = 2 * Math.PI * rand();
    const x = cx + rad * Math.cos(ang), y = cy + rad * Math.sin(ang);
    if (x < 0 || x > 1 || y < 0 || y > 1) continue;
    out.push(cellOf(x, y, grid));
  }
  return out;
}

// How many points a stroke sprays over `dist` (unit square) with a brush of radius r: one
// burst of `burst` points each half radius travelled, so the ink's density along a stroke
// does not depend on how often the mouse reports. Returns [bursts, distance left over].
export function bursts(carried, dist, r) {
  const every = r / 2, total = carried + dist;
  const n = Math.floor(total / every);
  return [n, total - n * every];
}

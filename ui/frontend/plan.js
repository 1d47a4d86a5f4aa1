// G in the browser: decode the weights ui.live_chart.plan_payload sends, and run them as
// gan_core.levers.plan_forward does (the Python reference; tests/frontend checks the two agree).
// Pure functions only: node's tests load this file as it is.

// base64 of little-endian float32 bytes (numpy's tobytes) -> Float32Array
export function floats(b64) {
  const raw = atob(b64), bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

export function decodePlan(p) {
  return {slope: p.slope, suffix: Float32Array.from(p.suffix),
          layers: p.layers.map(l => ({w: floats(l.w), b: floats(l.b), act: l.act,
                                      nin: l.nin, nout: l.nout}))};
}

// Same arithmetic as gan_core.levers.plan_forward: rows of z (+ suffix) through the MLP.
// zs: (n * dz) row-major; returns (n * nout) of the last layer.
export function forward(plan, zs, dz) {
  const n = zs.length / dz, ns = plan.suffix.length;
  let nin = dz + ns, h = new Float32Array(n * nin);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < dz; j++) h[r * nin + j] = zs[r * dz + j];
    for (let j = 0; j < ns; j++) h[r * nin + dz + j] = plan.suffix[j];
  }
  for (const L of plan.layers) {
    const out = new Float32Array(n * L.nout), w = L.w, b = L.b, ni = L.nin, no = L.nout;
    for (let r = 0; r < n; r++) {
      const off = r * ni, oo = r * no;
      for (let o = 0; o < no; o++) {
        let s = b[o]; const wo = o * ni;
        for (let i = 0; i < ni; i++) s += w[wo + i] * h[off + i];
        out[oo + o] = s;
      }
    }
    const k = plan.slope;
    if (L.act === 'relu') for (let j = 0; j < out.length; j++) out[j] = out[j] > 0 ? out[j] : 0;
    else if (L.act === 'leaky_relu') for (let j = 0; j < out.length; j++) out[j] = out[j] > 0 ? out[j] : k * out[j];
    else if (L.act === 'tanh') for (let j = 0; j < out.length; j++) out[j] = Math.tanh(out[j]);
    h = out; nin = no;
  }
  return h;
}

// The rows G runs for a lever view: z itself, then for each lever in `dims` z with that
// coordinate set to each of `values` (gan_core.levers.all_sweeps, after the probe row).
export function sweepInputs(z, dims, values) {
  const dz = z.length, nv = values.length;
  const zs = new Float32Array((1 + dims.length * nv) * dz);
  zs.set(z, 0);
  dims.forEach((d, a) => {
    for (let k = 0; k < nv; k++) {
      const r = 1 + a * nv + k;
      zs.set(z, r * dz); zs[r * dz + d] = values[k];
    }
  });
  return zs;
}

// [-1, 1] pixel -> grey level, ink dark on white (gan_core.lever_figures.digit_image)
export function grey(x) {
  const u = Math.min(1, Math.max(0, (x + 1) / 2));
  return Math.floor((1 - u) * 255);
}

// Index of the value closest to v (the first on a tie): the strip tile to outline.
export function nearest(values, v) {
  let best = 0;
  for (let k = 1; k < values.length; k++)
    if (Math.abs(values[k] - v) < Math.abs(values[best] - v)) best = k;
  return best;
}

// A sheet of image strips drawn from raw grey levels (ui.live_chart.live_strips).
export default function (component) {
  const { data, parentElement } = component;
  let fig = parentElement.querySelector('figure.gl-live-strips');
  if (!fig) {
    fig = document.createElement('figure');
    fig.className = 'gl-live-strips';
    fig.innerHTML = '<canvas></canvas><figcaption></figcaption>';
    parentElement.appendChild(fig);
  }
  const {rows, cols, side, scale, gap, label_w: labelW} = data;
  const cell = side * scale;
  const canvas = fig.querySelector('canvas');
  canvas.width = labelW + cols * (cell + gap) + gap;
  canvas.height = rows * (cell + gap) + gap;
  canvas.setAttribute('aria-label', data.caption || '');
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'rgb(245,246,248)';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const raw = atob(data.ink);
  const tile = document.createElement('canvas');
  tile.width = tile.height = side;
  const tctx = tile.getContext('2d');
  const pixels = tctx.createImageData(side, side);
  ctx.imageSmoothingEnabled = false;
  ctx.font = '12px sans-serif';
  ctx.textBaseline = 'middle';
  for (let i = 0; i < rows; i++) {
    const y = gap + i * (cell + gap);
    ctx.fillStyle = data.kinds[i] === 'code' ? 'rgb(120,40,160)' : 'rgb(40,40,40)';
    ctx.fillText(data.names[i], 4, y + cell / 2);
    for (let j = 0; j < cols; j++) {
      const base = (i * cols + j) * side * side;
      for (let p = 0; p < side * side; p++) {
        const v = raw.charCodeAt(base + p);
        pixels.data[4 * p] = pixels.data[4 * p + 1] = pixels.data[4 * p + 2] = v;
        pixels.data[4 * p + 3] = 255;
      }
      tctx.putImageData(pixels, 0, 0);
      const x = labelW + gap + j * (cell + gap);
      ctx.drawImage(tile, x, y, cell, cell);
      if (data.current[i] === j) {
        ctx.strokeStyle = 'rgb(220,40,40)';
        ctx.lineWidth = 2;
        ctx.strokeRect(x - 1, y - 1, cell + 2, cell + 2);
      }
    }
  }
  fig.querySelector('figcaption').textContent = data.caption || '';
}

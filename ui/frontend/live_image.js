// A PNG shown inline and swapped in place (ui.live_chart.live_image).
export default function (component) {
  const { data, parentElement } = component;
  let fig = parentElement.querySelector('figure.gl-live-img');
  if (!fig) {
    fig = document.createElement('figure');
    fig.className = 'gl-live-img';
    fig.innerHTML = '<img alt=""><figcaption></figcaption>';
    parentElement.appendChild(fig);
  }
  const img = fig.querySelector('img');
  if (data.width) img.style.width = data.width + 'px';
  img.src = 'data:image/png;base64,' + data.png;
  img.alt = data.caption || '';
  fig.querySelector('figcaption').textContent = data.caption || '';
}

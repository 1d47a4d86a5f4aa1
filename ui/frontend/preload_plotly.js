// Starts loading Plotly as soon as the page's first element arrives (ui.warmup), so the
// charts that come later in the script run find it loaded.
import {whenPlotly} from './plotly_adapter.js';

export default function (component) {
  const { data } = component;
  if (data && data.chunk) whenPlotly(data.chunk, () => {});
}

// Starts loading plotly.js as soon as a page opens (ui.live_chart.preload_plotly), so it is
// ready when the first chart arrives. The charts used to ask for it only when they mounted,
// after the script had built the run: on a newly opened Playground 0.7 s later.
import {whenPlotly} from './plotly_adapter.js';

export default function (component) {
  whenPlotly(component.data.chunk, () => {});
}

// The plotly.js the live charts load (ui/static/plotly-levers.min.js): its core and the
// trace types GAN Levers' figures use. A figure with another type needs it registered
// here (tests/test_plotly_bundle.py says so), then `make plotly-bundle`.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/scattergl'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/bar'),
]);

module.exports = Plotly;

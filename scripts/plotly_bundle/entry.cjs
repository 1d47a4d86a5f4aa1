// The plotly.js the live charts load (ui/static/plotly-levers.min.js): its core and the
// trace types GAN Levers' figures use. Keep TRACES in step with gan_core's figures:
// tests/test_plotly_bundle.py checks it.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/scattergl'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/bar'),
]);

module.exports = Plotly;

// Builds ../../ui/static/plotly-levers.min.js with plotly.js's own esbuild settings
// (its esbuild-config.js), as an ES module whose default export is Plotly.
const path = require('path');
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const version = require('plotly.js/package.json').version;

esbuild.build({
    entryPoints: [path.join(__dirname, 'entry.cjs')],
    outfile: path.join(__dirname, '..', '..', 'ui', 'static', 'plotly-levers.min.js'),
    format: 'esm',
    bundle: true,
    minify: true,
    legalComments: 'eof',
    banner: { js: `/*! plotly.js v${version} (MIT, https://github.com/plotly/plotly.js), ` +
                  'a partial bundle built by scripts/plotly_bundle: core, scatter, scattergl, heatmap, bar */' },
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'info',
}).catch(() => process.exit(1));

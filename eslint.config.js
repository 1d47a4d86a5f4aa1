// eslint for ui/frontend (the components' JavaScript) and its node tests.
import js from '@eslint/js';
import globals from 'globals';

// Plotly's private fields and DOM classes: only ui/frontend/plotly_adapter.js may use them.
const plotlyInternals = ['_fullLayout', '_glcanvas', '_plots', '_scene', '_offset', '_length',
                         'l2p', 'scatter2d', 'markerOptions', '__data__', 'Plotly']
  .map(property => ({property, message: 'Plotly internals live in plotly_adapter.js'}));
const plotlyClasses = {selector: 'Literal[value=/scatterlayer|gtitle|svg-container|js-plotly/]',
                       message: "Plotly's DOM classes live in plotly_adapter.js"};

// ui.live_chart.frontend_js joins the files into one module by dropping the imports: so
// named imports only, and no top-level code but declarations (node's tests import the
// bundles with no browser around).
const joinable = [
  {selector: 'ImportNamespaceSpecifier, ImportDefaultSpecifier',
   message: 'use named imports: live_chart.frontend_js drops the import lines'},
  {selector: 'ExportNamedDeclaration[declaration=null]',
   message: 'export the declaration itself (export function f), not a list'},
  {selector: 'Program > ExpressionStatement',
   message: 'no top-level code: files are joined and imported by node tests'},
];

export default [
  {ignores: ['node_modules/', '.venv/', 'test-artifacts/']},
  js.configs.recommended,
  {
    files: ['ui/frontend/**/*.js'],
    languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: globals.browser},
  },
  {
    files: ['tests/frontend/**/*.mjs', 'eslint.config.js'],
    languageOptions: {ecmaVersion: 2022, sourceType: 'module', globals: globals.node},
  },
  {
    rules: {
      'eqeqeq': 'error',
      'no-var': 'error',
      'prefer-const': ['error', {destructuring: 'all'}],
      'no-shadow': 'error',
      'no-unused-vars': ['error', {argsIgnorePattern: '^_'}],
      'no-empty': 'error',
    },
  },
  {
    files: ['ui/frontend/**/*.js'],
    rules: {'no-restricted-syntax': ['error', ...joinable]},
  },
  {
    files: ['ui/frontend/**/*.js'],
    ignores: ['ui/frontend/plotly_adapter.js'],
    rules: {
      'no-restricted-properties': ['error', ...plotlyInternals],
      'no-restricted-globals': ['error', {name: 'Plotly', message: 'use plotly_adapter.js'}],
      'no-restricted-syntax': ['error', ...joinable, plotlyClasses],
    },
  },
];

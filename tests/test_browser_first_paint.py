"""A newly opened Playground (#14, "a fast first page"): the samples chart draws before the
page's other charts (ui/frontend/first_draw.js), which still all draw. The figures
themselves are benchmarks/cold_start.py's."""
from __future__ import annotations

import pytest

from browser_helpers import shot

pytestmark = pytest.mark.browser

CHARTS = ("pg_samples", "pg_latent", "pg_losses", "pg_truemap")

# Each chart's first full draw, in the order they began; whether each holds its traces.
DRAWS_JS = """(keys) => {
  const first = {};
  for (const d of (window.__ganLeversDraws || []))
    if (!d.fast && !d.live && !(d.key in first)) first[d.key] = d.start;
  const drawn = keys.filter(k => k in first).sort((a, b) => first[a] - first[b]);
  const plotted = keys.filter(k => {
    const p = document.querySelector('.st-key-' + k + ' .js-plotly-plot');
    return p && p._fullData && p._fullData.length > 0;
  });
  return {drawn, plotted};
}"""


def test_the_samples_chart_draws_first_and_the_others_follow(page, app_url):
    page.set_default_timeout(90_000)  # a new session on a busy machine
    page.goto(app_url, wait_until="commit")
    page.wait_for_function(f"() => ({DRAWS_JS})({list(CHARTS)}).plotted.length === {len(CHARTS)}",
                           polling=200)
    out = page.evaluate(DRAWS_JS, list(CHARTS))
    assert out["drawn"][0] == "pg_samples", out
    assert set(out["drawn"]) == set(CHARTS), out
    shot(page, "first-paint-playground")

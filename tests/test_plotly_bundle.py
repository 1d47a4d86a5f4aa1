"""The live charts' own plotly.js (ui.plotly_source, built by scripts/plotly_bundle).

It must be the plotly.js that plotly.py writes figures for, hold every trace type the
app's figures use, be served (gzipped when asked) by the app's route, and be what the
Playground's charts load in a browser, instead of Streamlit's 4.7 MB chunk.
"""
from __future__ import annotations

import asyncio
import gzip
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import plotly.graph_objects as go
import plotly.offline
import pytest
from plotly.basedatatypes import BaseTraceType

from ui import plotly_source

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "scripts" / "plotly_bundle"


def test_the_bundle_is_the_plotly_js_plotly_py_writes_for():
    head = plotly_source.BUNDLE.read_text(encoding="utf-8")[:300]
    built = re.search(r"plotly\.js v([0-9.]+)", head)
    assert built, head
    wanted = plotly.offline.get_plotlyjs_version()
    pinned = json.loads((BUILD / "package.json").read_text())["devDependencies"]["plotly.js"]
    assert built.group(1) == pinned == wanted, (
        f"plotly.py writes for plotly.js {wanted}; the bundle is {built.group(1)}, the build pins {pinned}: "
        "set the pin and run `make plotly-bundle`")


def _trace_types_used() -> set[str]:
    """Trace types named in the app's figure code: type="..." and go.<Trace>(...)."""
    classes = [getattr(go, name) for name in go.__all__]  # imported lazily: not in vars(go)
    known = {c.__name__.lower() for c in classes if isinstance(c, type) and issubclass(c, BaseTraceType)}
    found = set()
    for folder in ("gan_core", "ui", "pages"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            found |= {m.lower() for m in re.findall(r"go\.([A-Z][a-z0-9]+)\(", text)}
            found |= set(re.findall(r"""type["']?\s*[=:]\s*["']([a-z0-9]+)["']""", text))
    return found & known


def test_the_bundle_holds_every_trace_type_the_figures_use():
    used = _trace_types_used()
    assert {"scatter", "scattergl", "heatmap"} <= used  # the scan finds what is there
    entry = (BUILD / "entry.cjs").read_text(encoding="utf-8")
    registered = set(re.findall(r"require\('plotly\.js/lib/([a-z0-9]+)'\)", entry)) | {"scatter"}
    assert used <= registered, f"add to scripts/plotly_bundle/entry.cjs and rebuild: {used - registered}"


class _Request:
    def __init__(self, accept: str):
        self.headers = {"accept-encoding": accept}


@pytest.mark.parametrize("accept", ["gzip, deflate, br", ""])
def test_the_route_serves_the_bundle_for_good(accept, monkeypatch):
    monkeypatch.setattr(plotly_source, "_ROUTE", None)  # put back after the test
    routes = plotly_source.routes("/base")
    assert len(routes) == 1 and routes[0].path.startswith("/base/gl-static/plotly-levers.")
    # In a thread of its own: the browser tests' Playwright keeps a loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        resp = pool.submit(asyncio.run, routes[0].endpoint(_Request(accept))).result()
    assert resp.status_code == 200 and resp.media_type == "text/javascript"
    assert "immutable" in resp.headers["cache-control"]
    body = gzip.decompress(resp.body) if accept else resp.body
    assert (resp.headers.get("content-encoding") == "gzip") == bool(accept)
    assert body == plotly_source.BUNDLE.read_bytes()
    assert plotly_source.url() == routes[0].path


def test_without_the_route_the_charts_load_streamlits_chunk(monkeypatch):
    monkeypatch.setattr(plotly_source, "_ROUTE", None)
    chunk = plotly_source.url()
    assert chunk and chunk.startswith("/static/js/PlotlyChart.")


CHART_JS = """() => { const p = document.querySelector('.st-key-pg_samples .js-plotly-plot');
  const t = p && p._fullData && p._fullData.find(d => d.name === 'generated');
  return !!(t && t.x && t.x.length); }"""


@pytest.mark.browser
def test_the_playground_draws_with_the_apps_own_plotly(page, app_url):
    page.goto(app_url, wait_until="domcontentloaded")
    page.wait_for_function(CHART_JS, timeout=120_000)
    loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert any("/gl-static/plotly-levers." in u for u in loaded), loaded
    assert not any("/PlotlyChart." in u for u in loaded), "Streamlit's whole plotly.js was loaded too"
    assert page.evaluate("window.__ganLeversPlotly && window.__ganLeversPlotly.version") \
        == plotly.offline.get_plotlyjs_version()

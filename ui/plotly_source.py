"""Where the live charts (ui.live_chart) get plotly.js.

Streamlit ships the whole of plotly.js as one lazy chunk, 4.7 MB with maps, 3-D and
finance charts. A new visitor's browser spent about 0.7 s running it before the first
chart could draw, the largest single cost of a first visit (benchmarks/cold_start.py). The
live charts use four trace types, so the app serves its own partial build of plotly.js:
`ui/static/plotly-levers.min.js`, 1.5 MB, built by `scripts/plotly_bundle` from the
plotly.js that plotly.py writes figures for. A browser loads it in about 0.2 s.

It is served from a route that `app.py` mounts beside the live feed's, under a name
carrying its hash, so a browser may keep it for good. Where that route is not mounted
(AppTest, a page run on its own), the charts load Streamlit's chunk, as before.
"""
from __future__ import annotations

import glob
import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

BUNDLE = Path(__file__).with_name("static") / "plotly-levers.min.js"
_ROUTE: str | None = None  # the bundle's path once app.py has mounted it


@lru_cache(maxsize=1)
def _body() -> tuple[bytes, bytes, str]:
    """(the file, its gzip, a short hash of it)."""
    raw = BUNDLE.read_bytes()
    return raw, gzip.compress(raw, compresslevel=6, mtime=0), hashlib.sha256(raw).hexdigest()[:12]


async def _serve(request):
    from starlette.responses import Response
    raw, packed, _ = _body()
    headers = {"Cache-Control": "public, max-age=31536000, immutable"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        raw = packed
    return Response(raw, media_type="text/javascript", headers=headers)


def routes(base: str) -> list:
    """The bundle's route under `base` (server.baseUrlPath, "" or "/path"), for
    `st.App(routes=...)`; none if the file is missing, and then Streamlit's chunk serves."""
    global _ROUTE
    from starlette.routing import Route
    if not BUNDLE.is_file():
        return []
    _ROUTE = f"{base}/gl-static/plotly-levers.{_body()[2]}.js"
    return [Route(_ROUTE, _serve, methods=["GET"])]


def url() -> str | None:
    """The URL path the charts load plotly.js from: the partial bundle where it is served,
    else Streamlit's own chunk, else None (then ui.live_chart falls back to st.plotly_chart)."""
    return _ROUTE or streamlit_chunk()


@lru_cache(maxsize=1)
def streamlit_chunk() -> str | None:
    """URL path of the plotly.js chunk bundled with this Streamlit, or None."""
    import streamlit as st
    root = os.path.join(os.path.dirname(st.__file__), "static", "static", "js")
    found = sorted(glob.glob(os.path.join(root, "PlotlyChart.*.js")))
    return f"/static/js/{os.path.basename(found[0])}" if found else None

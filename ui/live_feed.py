"""The live samples chart's fast lane: while a run trains, the browser fetches the traces
that move (fakes, ringed selection, lever sweeps and probe) from `GET /gl-live/<token>`
several times a second, instead of waiting for a fragment rerun to send them.

Why: each `st.fragment(run_every=...)` rerun cost the server 60-100 ms of Python, shared
with the training thread's GIL, and the browser a React pass over ~6 messages; the
fragment then waits for that before the next, so the chart refreshed at 2.5-3.7 Hz. A
request here is one snapshot read, one small G pass for the probe, and ~20 KB of JSON.
The fragment still runs about once a second, for D's field and everything else.

`app.py` mounts the route through `st.App`, which `streamlit run app.py` picks up. Where it
is not mounted (AppTest, a page run on its own) `mounted()` is False and the page keeps
to fragment reruns. A feed belongs to one session's run (by its id in the server's
registry, `gan_core.registry`, so it outlives a websocket reconnect); its token is random
and kept in the session's state. Once the registry has freed the run the feed answers 410
and is dropped.
"""
from __future__ import annotations

import base64
import secrets
import threading
import time

import numpy as np
import streamlit as st

from gan_core import i18n, plots
from gan_core import registry as run_registry
from ui.i18n import language
from ui import overview_feed

PATH = "/gl-live/{token}"  # under server.baseUrlPath, like Streamlit's own routes
MAX_FEEDS = 512  # one per open session; dead ones are pruned before this bites
_FEEDS: dict[str, "Feed"] = {}
_LOCK = threading.Lock()
_MOUNTED = False
_BASE = ""


class Feed:
    """One session's chart: its run (by id, found in the registry, so it outlives a reset
    and a reconnect) and what the levers and the selection ask to be drawn."""

    def __init__(self, run_id: str, registry=None):
        self.run_id = run_id
        self._registry = registry
        self.settings = {"z": None, "dims": (), "c": None, "highlight": (), "manifold": None}
        self._manifold_memo: dict = {}  # ui.manifold_layer.feed_view's throttle
        self.overview = False  # the session shows the overview graph (ui.overview_feed)

    def trainer(self):
        reg = self._registry or run_registry.server()
        return reg.get(self.run_id)

    def attach(self, trainer) -> None:
        """Have `trainer` compute this feed's probe with each snapshot."""
        if trainer.snapshot_extra != self._extra:  # bound methods: equal, never identical
            trainer.snapshot_extra = self._extra

    def _extra(self, run):
        out, settings = probe_extra(self.settings, run), self.settings
        if settings["manifold"] is not None:  # the manifold layer (ui.manifold_layer)
            from ui import manifold_layer
            out = {**(out or {}), "manifold": manifold_layer.feed_view(
                run, settings, self._manifold_memo)}
        if self.overview:
            out = {**(out or {}), **overview_feed.extra(run)}
        return out

    def update(self, z, dims, c, highlight, lang: str = i18n.DEFAULT, manifold=None) -> None:
        new = {"z": None if z is None else tuple(float(v) for v in z),
               "dims": tuple(int(d) for d in dims), "c": None if c is None else int(c),
               "highlight": tuple(int(i) for i in highlight), "lang": lang,
               "manifold": manifold}
        self.settings = new  # one assignment: the training thread sees old or new
        trainer = self.trainer()
        if trainer is not None:
            self.attach(trainer)


def title(step: int, lang: str = i18n.DEFAULT) -> str:
    """The samples chart's title; the feed writes it in the language of the session it
    serves (the request itself has no session)."""
    return i18n.text("live.samples_title", lang, step=step)


def register(run_id: str, token: str | None = None, registry=None) -> str:
    """The token of the feed for `run_id`: `token` while it still names a feed, else a new
    one. (A session's feed is re-pointed at its new run after a rebuild.)"""
    with _LOCK:
        feed = _FEEDS.get(token) if token else None
        if feed is not None:
            feed.run_id = run_id
            return token
        if len(_FEEDS) >= MAX_FEEDS:
            for key in [k for k, f in _FEEDS.items() if f.trainer() is None]:
                del _FEEDS[key]
        token = secrets.token_urlsafe(18)
        _FEEDS[token] = Feed(run_id, registry)
    return token


def update(token: str, **settings) -> None:
    feed = _FEEDS.get(token)
    if feed is not None:
        feed.update(**settings)


def show_overview(token: str, on: bool) -> None:
    feed = _FEEDS.get(token)
    if feed is not None:
        feed.overview = bool(on)


def drop(token: str | None) -> None:
    with _LOCK:
        _FEEDS.pop(token, None)


def url(token: str) -> str:
    return _BASE + PATH.format(token=token)


def mounted() -> bool:
    return _MOUNTED


def _f4(a) -> dict:
    """plotly.js's typed-array form, which the chart's JS already decodes."""
    raw = np.ascontiguousarray(a, dtype=np.float32).tobytes()
    return {"dtype": "f4", "bdata": base64.b64encode(raw).decode("ascii")}


def probe_extra(settings: dict, run) -> dict | None:
    """The levers' probe and sweeps with G as it is now: run by the training thread with
    each snapshot (`Trainer.snapshot_extra`), so a request never waits for the run's lock."""
    if settings["z"] is None or not run.variant.uses_latent:
        return None
    # Imported here: app.py imports this module as the server starts, and probes imports
    # torch (2-3 s), which ui.warmup loads in the background instead.
    from gan_core import probes
    z = np.asarray(settings["z"], np.float32)
    dims = list(settings["dims"])
    probe, sweeps, _ = probes.probe_and_sweeps(run, z, dims, c=settings["c"])
    return {"z": settings["z"], "dims": dims, "probe": probe, "sweeps": sweeps if dims else None}


def _tag(snap) -> str:
    return f"{snap.step}.{snap.time:.4f}"


def frame(feed: Feed, since: str = "") -> dict | None:
    """The newest snapshot's moving traces, or None when the browser already has them
    (`since` is the tag it last got). Raises LookupError once the registry freed the run."""
    trainer = feed.trainer()
    if trainer is None:
        raise LookupError("run freed")
    feed.attach(trainer)
    snap = trainer.latest()
    if snap is None or _tag(snap) == since:
        return None
    extra = snap.extra if isinstance(snap.extra, dict) else {}
    highlight = [i for i in feed.settings["highlight"] if i < len(snap.fake)]
    moving = plots.moving_traces(snap.fake, probe=extra.get("probe"), sweeps=extra.get("sweeps"),
                                 sweep_dims=extra.get("dims"), highlight=highlight)
    if "manifold" in extra:
        from gan_core.plots import manifold as layer
        moving.update(layer.moving(extra["manifold"]))
    return {"tag": _tag(snap), "step": int(snap.step), "title": title(snap.step, feed.settings.get("lang", i18n.DEFAULT)),
            "z": extra.get("z"),
            "traces": {name: {"x": _f4(v["x"]), "y": _f4(v["y"])} for name, v in moving.items()},
            **overview_feed.frame_part(snap, trainer, extra, highlight, _f4)}


WAIT = 2.0  # s a request waits for a new snapshot before answering 204 (long poll)


async def _serve(request):
    import asyncio

    from starlette.responses import JSONResponse, Response
    token = request.path_params["token"]
    since = request.query_params.get("since", "")[:64]
    headers = {"Cache-Control": "no-store"}
    # Held until the trainer publishes a snapshot the browser lacks, so each one is drawn
    # as soon as it exists (about every 0.1 s) rather than on the browser's own beat.
    deadline = time.monotonic() + WAIT
    while True:
        feed = _FEEDS.get(token)
        if feed is None:
            return Response(status_code=404, headers=headers)
        try:
            out = frame(feed, since)  # a few ms: no lock, the snapshot is already made
        except LookupError:
            drop(token)
            return Response(status_code=410, headers=headers)
        if out is not None:
            return JSONResponse(out, headers=headers)
        if time.monotonic() > deadline or await request.is_disconnected():
            return Response(status_code=204, headers=headers)
        await asyncio.sleep(0.02)


# --------------------------------------------------------------------------- a session's side
FAILED = "pg_feed_failed"  # the browser never reached the feed: back to fragment reruns
FALLEN_BACK = "pg_feed_fallback"


def live_mode() -> bool:
    """Does this session's chart take its moving traces from the feed?"""
    return mounted() and not st.session_state.get(FAILED)


TOKEN = "pg_feed_token"


def chart_live(run_id, z, dims, c, highlight, every: float) -> dict | None:
    """Point the session's feed at its run, the levers' probe and the selection; returns
    the chart's `live` argument, or None where the feed is not in use."""
    if not live_mode() or run_id is None:
        return None
    token = st.session_state[TOKEN] = register(run_id, st.session_state.get(TOKEN))
    from ui import manifold_layer
    update(token, z=z, dims=dims, c=c, highlight=highlight, lang=language(),
           manifold=manifold_layer.feed_settings())
    return {"url": url(token), "every": float(every)}


def mark_failed() -> None:
    """The chart's callback when the browser cannot reach the feed (a proxy that forwards
    only Streamlit's own paths?)."""
    st.session_state[FAILED] = True


def fall_back_once() -> None:
    if st.session_state.get(FAILED) and not st.session_state.get(FALLEN_BACK):
        st.session_state[FALLEN_BACK] = True
        st.rerun()  # the whole page, so that the chart's fragment takes the faster run_every


def base_path() -> str:
    """server.baseUrlPath as a route prefix: "" or "/path"."""
    from streamlit import config
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def routes() -> list:
    """The feed's route, for `st.App(routes=...)`; marks the feed as served."""
    global _MOUNTED, _BASE
    from starlette.routing import Route
    _BASE = base_path()
    _MOUNTED = True
    return [Route(_BASE + PATH, _serve, methods=["GET"])]

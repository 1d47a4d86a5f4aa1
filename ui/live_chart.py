"""A Plotly chart that updates in place, for views that refresh several times a second.
(The browser side of this and the other live components is in ui/frontend.)

Why not `st.plotly_chart`: in Streamlit 1.67 its element id is hashed from the figure,
so every new frame is a new element and the browser rebuilds the plot from scratch.
Measured in headless Chromium, a bare fragment with one 2,000-point chart refreshed at
about 1.6 Hz however fast the server was (plain text in the same fragment: 4 Hz).

This is an `st.components.v2` component keyed by the caller, so it keeps its identity
and calls `Plotly.react` on the same div: the plot is patched, zoom is kept through
`uirevision`, and box/lasso selections come back as component state. Its plotly.js is
the app's partial build, served by the app itself (`ui.plotly_source`), or Streamlit's
own where that is not served: nothing is fetched from outside. If neither can be found
(another Streamlit build, run without app.py), it falls back to `st.plotly_chart`.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st
from plotly.io.json import to_json_plotly

from ui import plotly_source, projector

# The components' JavaScript and CSS: real files in ui/frontend, linted and unit-tested there.
FRONTEND = Path(__file__).with_name("frontend")
# An import of a sibling file, on one line or several (named imports only: eslint's rule).
_IMPORT = re.compile(r"^import\s[^;]*;[ \t]*\n?", re.M)
_EXPORT = re.compile(r"^export (?=(?:async\s+)?function|const\s|let\s|class\s)", re.M)


def frontend_js(*names: str) -> str:
    """One component's JavaScript: the ES modules `names` of ui/frontend, dependencies first
    and the component (its `export default`) last, as the single module components v2
    takes. Streamlit runs inline source from a blob: URL, where `import './plan.js'` cannot
    resolve: so the imports are dropped and the named exports become declarations in the
    one shared scope (a name defined twice is then a SyntaxError; tests/frontend loads
    every bundle to catch it). Read from disk when the component is registered."""
    parts = []
    for name in names:
        text = _IMPORT.sub("", (FRONTEND / name).read_text(encoding="utf-8"))
        parts.append(f"// ---- ui/frontend/{name}\n{_EXPORT.sub('', text)}")
    return "\n".join(parts)


def frontend_css(name: str) -> str:
    return (FRONTEND / name).read_text(encoding="utf-8")


# Each component's files, in the order `frontend_js` joins them.
BUNDLES = {
    "live_plotly": ("ask_full.js", "first_draw.js", "plan.js", "overlay.js", "page.js", "plotly_adapter.js",
                    "projector.js", "glide.js", "live_plotly.js"),
    "browser_levers": ("plan.js", "page.js", "browser_levers.js"),
    "live_image": ("live_image.js",),
    "live_strips": ("live_strips.js",),
    "draw_points": ("spray.js", "draw_points.js"),
    "copy_link": ("copy_link.js",),
    "overview": ("plan.js", "overlay.js", "plotly_adapter.js", "overview_graph.js", "emphasis.js",
                 "overview.js"),
}


@lru_cache(maxsize=1)
def _component():
    return st.components.v2.component(
        "gan_levers_live_plotly", isolate_styles=False, css=frontend_css("live_plotly.css"),
        js=frontend_js(*BUNDLES["live_plotly"]))


def _noop() -> None:
    """A state callback must exist for the selection to be kept as component state."""


def live_plotly(fig: go.Figure | dict, key: str, select: bool = False, on_select=None,
                config: dict | None = None, levers: dict | None = None,
                fast: tuple[str, ...] = (), live: dict | None = None,
                on_live_failed=None, first: bool = False) -> list[dict]:
    """Draw `fig` (a go.Figure, or its plain {"data", "layout"} dicts) under `key`,
    patching the previous frame in place. With `select`,
    returns the current box/lasso selection as [{curve_number, point_index}, ...] and
    calls `on_select` (no arguments) when it changes.

    levers: {"plan": mlp_plan(...), "z", "dims", "values", "center", "scale", "prefix"}
    lets the browser move the "probe G(z)" and "z<d> sweep" traces itself while the
    sliders keyed `{prefix}{i}` move (G's output is scaled then shifted to target units).

    fast: names of traces that may move without a full redraw (while training): when only
    they and the title changed, the browser patches the WebGL points and draws the small
    SVG traces on a canvas (`fastDraw` in ui/frontend/live_plotly.js), about 4x cheaper
    than Plotly.react.

    live: {"url", "every" (s), "step"} while training: the browser also fetches those
    traces from `ui.live_feed` at `url` every `every` s (`liveFeed` there); `step` is this
    frame's, so an older frame does not move the points back. `on_live_failed` (no
    arguments) is called when the browser never got an answer from `url`.

    first: the page's main chart. On a newly opened page the other live charts wait until
    it has drawn (ui/frontend/first_draw.js), so it is not the last of several to draw."""
    source = plotly_source.url()
    if source is None:
        _plain_chart(fig, key, select, on_select, config)
        return []
    spec = fig if isinstance(fig, dict) else fig.to_dict()
    items = only_changes(_sent(key), [to_json_plotly(t) for t in spec.get("data", [])]
                         + [to_json_plotly(spec.get("layout", {}))])
    data = {"traces": items[:-1], "layout": items[-1], "plotly": source, "select": select,
            "config": config or {}, "key": key, "fast": list(fast), "live": live,
            "projector": projector.on(), "first": first}
    if levers is not None:
        data["levers"] = _levers_data(levers, key)
    result = _component()(data=data, key=key, **_callbacks(key, select, on_select,
                                                           on_live_failed, levers is not None))
    if not select:
        return []
    sel = getattr(result, "selection", None) or {}
    return list(sel.get("points", [])) if isinstance(sel, dict) else []


def _callbacks(key: str, select: bool, on_select, on_live_failed, levers: bool) -> dict:
    """The component's state callbacks (one per state value its JS may set)."""
    out = {"on_need_full_change": lambda: _sent(key).clear()}
    if select:
        out["on_selection_change"] = on_select or _noop
    if on_live_failed is not None:
        out["on_live_failed_change"] = on_live_failed
    if levers:
        out["on_need_plan_change"] = lambda: _forget_plan(key)
    return out


def _plain_chart(fig, key: str, select: bool, on_select, config) -> None:
    """st.plotly_chart, where no plotly.js for the component can be found."""
    fig = go.Figure(fig) if isinstance(fig, dict) else fig
    if select:
        st.plotly_chart(fig, key=key, on_select=on_select or "rerun",
                        selection_mode=("box", "lasso"), config=config or {})
    else:
        st.plotly_chart(fig, key=key, config=config or {})


def _sent(key: str) -> set:
    """Hashes of the JSON texts the browser got in the last frame of chart `key`."""
    return st.session_state.setdefault("_gl_sent_traces", {}).setdefault(key, set())


def only_changes(sent: set, texts: list[str]) -> list[dict]:
    """[{h, t}] with the text left out where the last frame (hashes in `sent`, updated
    here) already carried it: the 2,000 real points and an unchanged field stay in the
    browser instead of crossing the wire (and being parsed) several times a second. The
    browser asks again (`need_full`, which empties `sent`) when it lacks one."""
    hashes = [hashlib.blake2b(t.encode(), digest_size=8).hexdigest() for t in texts]
    items = [{"h": h} if h in sent else {"h": h, "t": t} for h, t in zip(hashes, texts)]
    sent.clear()
    sent.update(hashes)
    return items


def _levers_data(levers: dict, key: str) -> dict:
    memo = st.session_state.get("_gl_plan_payload")
    if memo is None or memo[0] is not levers["plan"]:  # the page reuses a plan for seconds
        memo = (levers["plan"], *plan_payload(levers["plan"]))
        st.session_state["_gl_plan_payload"] = memo
    _, plan_id, body = memo
    sent = st.session_state.setdefault("_gl_sent_plans", set())
    out = {"plan_id": plan_id, "plan": None if plan_id in sent else body, "key": key,
           "z": [float(v) for v in levers["z"]], "dims": [int(d) for d in levers["dims"]],
           "values": [float(v) for v in levers["values"]], "prefix": levers["prefix"],
           "center": [float(v) for v in levers["center"]],
           "scale": [float(v) for v in levers["scale"]]}
    sent.add(plan_id)
    return out


def selection_points(key: str) -> list[dict]:
    """The selection stored for a live chart `key` (inside its on_select callback)."""
    state = st.session_state.get(key)
    sel = None
    if isinstance(state, dict):
        sel = state.get("selection")
    else:
        sel = getattr(state, "selection", None)
    return list((sel or {}).get("points", [])) if isinstance(sel, dict) else []


@lru_cache(maxsize=1)
def _image_component():
    return st.components.v2.component(
        "gan_levers_live_image", isolate_styles=False, css=frontend_css("live_image.css"),
        js=frontend_js(*BUNDLES["live_image"]))


def live_image(png: bytes, key: str, caption: str = "", width: int | None = None) -> None:
    """A PNG shown inline (a data URL) and swapped in place on the next call. st.image
    serves each new picture as a separate file the browser must then fetch; for a picture
    that changes on every lever move that round trip was most of the redraw."""
    import base64
    _image_component()(data={"png": base64.b64encode(png).decode("ascii"), "caption": caption,
                             "width": width}, key=key)


def png_bytes(image) -> bytes:
    """uint8 (H, W) or (H, W, 3) array -> PNG. Fast compression: these are small and change
    on every lever move, so encode time matters more than size."""
    import io

    import numpy as np
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(np.asarray(image)).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


@lru_cache(maxsize=1)
def _strips_component():
    return st.components.v2.component(
        "gan_levers_live_strips", isolate_styles=False, css=frontend_css("live_strips.css"),
        js=frontend_js(*BUNDLES["live_strips"]))


def live_strips(ink, names: list[str], key: str, current: list[int], kinds: list[str] | None = None,
                caption: str = "", scale: int = 5, gap: int = 3, label_w: int = 44) -> None:
    """A sheet of image strips, one row per lever, drawn by the browser on a canvas from the
    raw grey levels: ink (rows, cols, side, side) uint8, dark ink on white. Building and
    PNG-encoding the same sheet on the server took ~55 ms per lever move, this ~1 ms."""
    import base64

    import numpy as np
    ink = np.ascontiguousarray(ink, dtype=np.uint8)
    rows, cols, side, _ = ink.shape
    _strips_component()(data={
        "ink": base64.b64encode(ink.tobytes()).decode("ascii"), "rows": rows, "cols": cols,
        "side": side, "scale": scale, "gap": gap, "label_w": label_w, "names": list(names),
        "kinds": list(kinds or [""] * rows), "current": [int(c) for c in current],
        "caption": caption}, key=key)


# --------------------------------------------------------------------------- levers in the browser
@lru_cache(maxsize=1)
def _levers_component():
    return st.components.v2.component(
        "gan_levers_browser_levers", isolate_styles=False, css=frontend_css("browser_levers.css"),
        js=frontend_js(*BUNDLES["browser_levers"]))


def _b64(a) -> str:
    import base64

    import numpy as np
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.float32).tobytes()).decode("ascii")


def plan_payload(plan: dict) -> tuple[str, dict]:
    """(id, JSON-ready plan) for `gan_core.levers.mlp_plan`'s output."""
    import hashlib
    layers = [{"w": _b64(w), "b": _b64(b), "act": act, "nout": int(w.shape[0]),
               "nin": int(w.shape[1])} for w, b, act in plan["layers"]]
    body = {"layers": layers, "suffix": [float(v) for v in plan["suffix"]],
            "slope": plan["slope"]}
    digest = hashlib.sha256(repr(body).encode()).hexdigest()[:16]
    return digest, body


def _forget_plan(key: str) -> None:
    state = st.session_state.get(key)
    wanted = state.get("need_plan") if isinstance(state, dict) else getattr(state, "need_plan", None)
    st.session_state.setdefault("_gl_sent_plans", set()).discard(wanted)


def browser_levers(plan: dict, z, values, names: list[str], kinds: list[str], side: int,
                   key: str, slider_prefix: str, part: str, caption: str = "",
                   width: int | None = None) -> None:
    """part "main": G(z), large; part "strips": one strip per lever. Computed and drawn
    by the browser from G's weights (`mlp_plan`). The browser also redraws as the sliders keyed
    `{slider_prefix}{i}` move, before the server's rerun arrives; the server's z then
    confirms it. Weights cross the wire once per model and session."""
    plan_id, body = plan_payload(plan)
    sent = st.session_state.setdefault("_gl_sent_plans", set())
    data = {"plan_id": plan_id, "plan": None if plan_id in sent else body,
            "z": [float(v) for v in z], "values": [float(v) for v in values], "names": list(names),
            "kinds": list(kinds), "side": int(side), "scale": 32, "strip_scale": 5, "gap": 3,
            "label_w": 44, "slider_prefix": slider_prefix, "key": key, "part": part,
            "caption": caption}
    sent.add(plan_id)
    _levers_component()(data=data, key=key, on_need_plan_change=lambda: _forget_plan(key))

"""Projector mode, for classrooms: larger text, thicker points and high-contrast colours on
every page. A sidebar toggle drawn by app.py (so every page has it) under the session key
`gl_projector`, kept in the URL as `projector=1` on whichever page is open (Streamlit clears
the query string on a page switch, so each page writes it back).

The page's own text is restyled by CSS (Streamlit sizes its text in rem, so a larger root
font scales it all); the live charts are restyled in the browser
(ui/frontend/projector.js), which reads the flag `ui.live_chart.live_plotly` sends. Charts
drawn with plain `st.plotly_chart` pass through `styled` (points x1.8, lines x2, as the
live charts get) and take the CSS's larger, black text.
"""
from __future__ import annotations

import streamlit as st

from gan_core.playground_link import PROJECTOR, flag
from ui.i18n import t

KEY = "gl_projector"
READ_KEY = "gl_projector_read"
SEEN_KEY = "gl_projector_seen"
CSS = """<style>
html { font-size: 20px !important; }
[data-testid="stAppViewContainer"], [data-testid="stSidebar"], [data-testid="stHeader"] {
  background: #ffffff !important; color: #000000 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *, .stMarkdown, .stMarkdown * {
  color: #000000 !important; opacity: 1 !important; }
[data-testid="stWidgetLabel"] p { font-weight: 600 !important; }
[data-testid="stExpander"] details, [data-testid="stVerticalBlockBorderWrapper"] {
  border-color: #000000 !important; }
.js-plotly-plot .main-svg text { fill: #000000 !important; font-weight: 600 !important; }
/* plain st.plotly_chart figures (the live charts are restyled in the browser instead):
   a little larger, as far as Plotly's own layout, measured at the smaller size, allows */
.stPlotlyChart .main-svg .xtick text, .stPlotlyChart .main-svg .ytick text,
.stPlotlyChart .main-svg .gtitle, .stPlotlyChart .main-svg .xtitle,
.stPlotlyChart .main-svg .ytitle { font-size: 15px !important; }
/* the Playground's row of seven buttons must still read at 1280 px: 16 px labels that wrap */
[data-testid="stMain"] [data-testid="stButton"] button,
[data-testid="stMain"] [data-testid="stDownloadButton"] button { padding-left: 0.3rem; padding-right: 0.3rem; }
[data-testid="stMain"] [data-testid="stButton"] button *,
[data-testid="stMain"] [data-testid="stDownloadButton"] button * {
  font-size: 16px !important; white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
/* st.metric in narrow columns (the inspectors): values that fit, labels that wrap */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 28px !important; }
[data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
</style>"""


POINTS, LINES = 1.8, 2.0  # as ui/frontend/projector.js scales the live charts
PLOTLY_MARKER, PLOTLY_LINE = 6, 2  # Plotly's defaults, for traces that set none
TICK_ROOM = 14  # px: 15 px tick labels where Plotly laid out 12 px ones


def on() -> bool:
    return bool(st.session_state.get(KEY, False))


def styled(fig):
    """`fig` for a plain st.plotly_chart: as it is, or in projector mode a copy with its
    points and lines thicker (the figure may be cached, so it is never changed)."""
    if not on():
        return fig
    import plotly.graph_objects as go
    fig = go.Figure(fig.to_dict(), _validate=False)
    for trace in fig.data:
        _thicker(trace)
    _room_under_the_axis(fig)
    return fig


def _room_under_the_axis(fig) -> None:
    # The CSS's larger tick labels reach lower than Plotly measured them: an animation's
    # Play/Pause buttons and slider under the x axis move down with them (they covered -1).
    if not fig.layout.updatemenus and not fig.layout.sliders:
        return
    for control in (*fig.layout.updatemenus, *fig.layout.sliders):
        control.pad.t = (control.pad.t or 0) + TICK_ROOM
    fig.layout.margin.b = (fig.layout.margin.b if fig.layout.margin.b is not None else 80) + TICK_ROOM


def _thicker(trace) -> None:
    if not str(getattr(trace, "type", "")).startswith("scatter"):
        return  # heatmaps, images, bars: nothing drawn as points or lines
    mode = trace.mode or "markers"
    if "markers" in mode:
        size = trace.marker.size
        trace.marker.size = (PLOTLY_MARKER * POINTS if size is None
                             else size * POINTS if isinstance(size, (int, float))
                             else [v * POINTS for v in size])
    if "lines" in mode:
        trace.line.width = (trace.line.width or PLOTLY_LINE) * LINES


def _read_url() -> None:
    """The URL's `projector=` once per session, before the toggle draws. A value that is
    not on/off is left for the Playground's link check to name, then dropped."""
    ss = st.session_state
    if ss.get(READ_KEY):
        return
    ss[READ_KEY] = True
    raw = st.query_params.get(PROJECTOR)
    value = flag(raw) if raw is not None else None
    if value is not None:
        ss[KEY] = value


def browser_query() -> dict:
    """The query parameters the browser's URL holds (last value per key), as far as this
    run knows: the query string the browser sent with its request, or the one this run
    sent since. `st.query_params` is the server's copy, which a write from a run cut short
    by the next one can leave ahead of the browser's URL: comparing with it, that write
    would never be sent again."""
    from urllib.parse import parse_qs

    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    qs = getattr(ctx, "query_string", None)
    if not isinstance(qs, str):
        return {k: st.query_params.get(k) for k in st.query_params}
    return {k: v[-1] for k, v in parse_qs(qs, keep_blank_values=True).items()}


def _write_url() -> None:
    params, shown = st.query_params, browser_query().get(PROJECTOR)
    if on():
        if shown != "1":
            params[PROJECTOR] = "1"
    elif shown is not None and st.session_state.get(SEEN_KEY):
        params[PROJECTOR] = "0"  # sends the query string even if the server's copy lacks it
        del params[PROJECTOR]
    st.session_state[SEEN_KEY] = True  # a bad value survives one run, to be named


def projector_ui() -> None:
    """The toggle, the URL and the page's CSS: call once per run from app.py."""
    _read_url()
    st.sidebar.toggle(t("link.projector"), key=KEY, help=t("link.projector_help"))
    _write_url()
    if on():
        st.html(CSS)

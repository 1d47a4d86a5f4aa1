"""A bare Streamlit page for benchmarks/ui_ceiling.py: one fragment redrawing a
2,000-point Scattergl figure every 0.25 s, either with st.plotly_chart (?mode=plain)
or with the app's in-place live chart (?mode=live). Nothing else on the page."""
import sys
import time
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ui.live_chart import live_plotly  # noqa: E402

MODE = st.query_params.get("mode", "plain")
N = 2000


@st.fragment(run_every=0.25)
def live():
    t = time.time()
    rng = np.random.default_rng(int(t * 1000) % 100000)
    x, y = rng.normal(size=(2, N)).astype(np.float32)
    fig = go.Figure(go.Scattergl(x=x, y=y, mode="markers", marker=dict(color=x, size=4)))
    fig.update_layout(title=f"t {t:.3f}", uirevision="keep", height=500)
    if MODE == "live":
        live_plotly(fig, key="chart")
    else:
        st.plotly_chart(fig, key="chart")


live()

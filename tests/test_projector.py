"""Projector mode's restyling of plain st.plotly_chart figures (ui.projector.styled)."""
import numpy as np
import plotly.graph_objects as go
import pytest
import streamlit as st

from ui import projector


@pytest.fixture
def mode(monkeypatch):
    state = {}
    monkeypatch.setattr(st, "session_state", state)
    return state


def _figure():
    return go.Figure([
        go.Scattergl(x=[0, 1], y=[0, 1], mode="markers", marker=dict(size=4)),
        go.Scatter(x=[0, 1], y=[1, 0], mode="lines"),  # Plotly's default width
        go.Scatter(x=[0, 1], y=[1, 1], mode="markers", marker=dict(size=[2, 5])),
        go.Heatmap(z=np.eye(3)),
    ])


def test_off_the_figure_is_left_as_it_is(mode):
    fig = _figure()
    assert projector.styled(fig) is fig


def test_on_points_and_lines_are_thicker_in_a_copy(mode):
    mode[projector.KEY] = True
    fig = _figure()
    out = projector.styled(fig)
    assert out is not fig and fig.data[0].marker.size == 4  # the cached figure is untouched
    assert out.data[0].marker.size == pytest.approx(4 * projector.POINTS)
    assert out.data[1].line.width == pytest.approx(projector.PLOTLY_LINE * projector.LINES)
    assert list(out.data[2].marker.size) == pytest.approx([2 * projector.POINTS, 5 * projector.POINTS])
    assert out.data[3].type == "heatmap"

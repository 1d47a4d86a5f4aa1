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


def test_on_an_animation_s_buttons_and_slider_move_below_the_larger_ticks(mode):
    from gan_core.plots.mapping import morph_figure
    mode[projector.KEY] = True
    start = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    fig = morph_figure(start, start * 0.5, np.zeros((50, 3)), (-1, 1, -1, 1), n_frames=3)
    out = projector.styled(fig)
    assert out.layout.updatemenus[0].pad.t == (fig.layout.updatemenus[0].pad.t or 0) + projector.TICK_ROOM
    assert out.layout.sliders[0].pad.t == fig.layout.sliders[0].pad.t + projector.TICK_ROOM
    assert out.layout.margin.b == fig.layout.margin.b + projector.TICK_ROOM
    plain = projector.styled(_figure())
    assert not plain.layout.updatemenus and plain.layout.margin.b is None  # nothing to move

"""Figure-level checks of the layout fixes from issue #14 (the screenshots in the report show
them drawn): the loss chart's legend clear of its "step" titles, the animations' slider value
clear of their Play/Pause buttons, the D field's colourbar under its square plot, and a probe
star that shows on dark clusters."""
from __future__ import annotations

import numpy as np

from gan_core import glossary as GL
from gan_core import plots, probes
from gan_core.plots import mapping as PM
from gan_core.plots import timeline as PT

RNG = np.random.default_rng(1)
BOUNDS = (-1.1, 1.1, -1.1, 1.1)


def test_loss_legend_sits_above_the_panels_clear_of_the_step_titles():
    cols = {"step": np.arange(5), "d_loss": np.ones(5), "g_loss": np.ones(5),
            "d_grad": np.ones(5), "g_grad": np.ones(5)}
    layout = plots.losses_figure(cols).layout
    assert layout.xaxis.title.text == "step" and layout.xaxis2.title.text == "step"
    assert layout.legend.y >= 1 and layout.legend.yanchor == "bottom"


def _slider_clear_of_buttons(layout) -> None:
    slider, menu = layout.sliders[0], layout.updatemenus[0]
    assert menu.xanchor == "left" and menu.x == 0
    # The value reads at the slider's right end, away from the buttons at the left.
    assert slider.currentvalue.xanchor == "right"
    assert slider.x >= 0.25  # room for "Play" and "Pause" in words


def test_morph_slider_value_clear_of_play_pause():
    start, end = np.zeros((20, 2), np.float32), np.ones((20, 2), np.float32)
    _slider_clear_of_buttons(PM.morph_figure(start, end, RNG.random((20, 3)), BOUNDS).layout)


def test_training_animation_slider_value_clear_of_play_pause():
    fakes = RNG.normal(size=(3, 20, 2)).astype(np.float32)
    fig = PT.training_animation_figure([0, 10, 20], fakes, ["#000000"] * 20, BOUNDS)
    _slider_clear_of_buttons(fig.layout)


def _field() -> probes.Field:
    return probes.Field(np.linspace(-1, 1, 5, dtype=np.float32),
                        np.linspace(-1, 1, 4, dtype=np.float32), np.zeros((4, 5), np.float32),
                        "D(x)", True)


def test_field_colourbar_is_under_the_square_plot_with_room_for_it():
    real = RNG.normal(size=(30, 2)).astype(np.float32)
    with_bar = plots.samples_figure(real, real, ["#000000"] * 30, BOUNDS, field=_field())
    without = plots.samples_figure(real, real, ["#000000"] * 30, BOUNDS)
    bar = with_bar.data[0].colorbar
    assert bar.orientation == "h" and bar.x == 0.5 and bar.xanchor == "center" and bar.y < 0
    assert with_bar.layout.margin.b > without.layout.margin.b


def test_probe_star_has_a_bright_fill_inside_a_dark_outline():
    real = RNG.normal(size=(30, 2)).astype(np.float32)
    fig = plots.samples_figure(real, real, ["#000000"] * 30, BOUNDS, probe=np.array([0.0, 0.0]))
    star = [t for t in fig.data if t.name == "probe G(z)"][0].marker
    assert star.symbol == "star" and star.line.width >= 1.5

    def lum(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert lum(star.color) - lum(star.line.color) > 0.5  # visible on dark and on light


def test_detector_history_legend_above_and_only_the_target_s_metrics():
    rows = [{"step": s, "coverage_modes": 0.5, "hq": 0.9, "coverage": 0.8, "precision": 0.7}
            for s in (0, 100)]
    curve = plots.detector_history_figure(rows, keys=GL.HISTORY_METRICS["manifold"])
    assert [t.name for t in curve.data] == ["coverage (PRDC)", "precision (PRDC)"]
    assert curve.layout.legend.y >= 1 and curve.layout.xaxis.title.text == "step"
    modes = plots.detector_history_figure(rows, keys=GL.HISTORY_METRICS["modes"])
    assert "share of modes captured" in [t.name for t in modes.data]

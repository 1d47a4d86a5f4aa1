"""Plotly figure builders: pure functions, data in, `go.Figure` out.

One module per page (`playground`, ...), plus `common` for colours and styling.
Live figures are built with `_validate=False` (plotly's own fast path): validating
2,000 colour strings costs ~200 ms a frame. The unit tests validate every builder's
output in full, so a typo still fails a test rather than a browser. `samples_spec` is
the one exception to "go.Figure out": the live samples view takes its plain dicts, as a
go.Figure deep-copies each array twice more (a fifth of the server's frame).
"""
from .common import LEVER_COLOURS, hex_colours, lever_colour  # noqa: F401
from .playground import (detector_history_figure, latent_figure, losses_figure,  # noqa: F401
                         moving_traces, samples_figure, samples_spec, sweep_name,
                         true_map_figure)

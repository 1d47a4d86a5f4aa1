"""Mapping inspector: how G lays the latent space onto the plane - the warped latent
grid and its tears, the latent -> sample morph, and the true map beside the learned one.
Widgets and layout only: the maths is gan_core.inspect, the figures gan_core.plots.mapping.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from gan_core import glossary as GL
from gan_core import inspect as I
from gan_core.latent import latent_name
from gan_core.plots import mapping as PM
from ui.model_source import memo, model_source_ui, probe_values, warp_metrics
from ui.widgets import KEPT, explain

TEXT = {
    "warp": (
        "A regular latent grid drawn where G sends it: each dot is G(z) for a grid point, "
        "coloured by its latent hue and brightness; red cells are torn.",
        "Think of the latent square as a rubber sheet with a grid printed on it. G stretches, "
        "folds and bends the sheet to lay it over the target. Where the grid lines stay "
        "evenly spaced the map is smooth. Where one small cell is stretched across a gap "
        "between modes or arms, G has **torn** the sheet: neighbouring latents land far "
        "apart. A cell is marked torn when G's local stretch (the largest singular value σ₁ "
        "of its Jacobian, or the jump to a neighbouring grid point) exceeds the tear "
        "threshold: a multiple of the median stretch. The **tear score** is the share of "
        "grid points over the threshold. A continuous network cannot truly tear, but it can "
        "stretch so steeply that it might as well - and the points in that steep band are the "
        "stray ones between modes."),
    "tearmap": (
        "The same stretch measured in latent space: the bright band is exactly the latent "
        "region that G tears.",
        "Each pixel is one latent grid point; its brightness is log₁₀ of G's local stretch "
        "there. Red outlines mark torn cells. Read it with the grid warp beside it: on the "
        "spiral, the region just above a torn band maps to one arm and the region just below "
        "it to another (Lazarou's 'the region just above the tear maps to the outermost arm, "
        "the region just below it to the centre'). For a latent of more than two "
        "dimensions, this is one 2-D slice: the other levers stay at their probe values."),
    "morph": (
        "Press Play: every point slides from where it sits in latent space to where G "
        "puts it.",
        "This is the source article's morph movie. At t = 0 the points sit at their latent "
        "coordinates (drawn on the target's scale); at t = 1 they sit at G(z). Watching the "
        "colours travel shows which latent regions are stretched, squeezed or sent across a "
        "gap. The true map's morph, when the target has one, shows the ideal: a smooth "
        "bending with no colour left behind."),
    "compare": (
        "The target's own latent → sample map beside G's, in the same colours.",
        "Many maps produce the same points, so G need not find the true one; but the "
        "comparison shows what G did instead. The **alignment matrix** measures how much each "
        "lever (latent dimension) determines each true factor of variation (normalised mutual "
        "information: 1 means this lever alone sets that factor, 0 means no relation). A "
        "disentangled G has one bright cell per row. The **width ratio** (spiral only) is how "
        "wide G's arm is across, relative to the real arm: near 1 is healthy, well below 1 is "
        "Lazarou's 'thin' output, where G squeezes the across-arm direction."),
}


def settings_ui(source, dim: int) -> dict:
    with st.sidebar:
        st.markdown("**Grid**")
        n = st.slider("Grid lines per side", 5, 40, 20, key="map_grid_n", **KEPT)
        factor = st.slider("Tear threshold (× median stretch)", 2.0, 40.0, 10.0, 1.0,
                           key="map_tear_factor", **KEPT)
        dims = (0, 1)
        if dim > 2:
            names = [latent_name(i) for i in range(dim)]
            a = st.selectbox("Grid horizontal: latent dim", range(dim), 0, format_func=names.__getitem__,
                             key="map_dim_a")
            rest = [i for i in range(dim) if i != a]
            b = st.selectbox("Grid vertical: latent dim", rest, 0, format_func=names.__getitem__,
                             key="map_dim_b")
            dims = (int(a), int(b))
            st.caption("The other latent dims stay at the lever probe values "
                       "(set on the Playground/Levers pages; zeros otherwise).")
        auto = False
        if source.live:
            auto = st.toggle("Follow training (refresh every 2 s)", False, key="map_follow",
                             **KEPT)
    return dict(n=n, factor=factor, dims=dims, auto=auto)


def warp_section(source, opts, probe, bounds, real) -> None:
    def compute(run):
        return I.grid_warp(run, opts["n"], opts["dims"], probe, tear_factor=opts["factor"])
    try:
        w = memo(source, "warp", (opts["n"], opts["dims"], opts["factor"], tuple(probe)), compute)
    except ValueError as err:
        st.info(f"No grid warp: {err}.")
        return
    names = [latent_name(d) for d in w.dims]
    c1, c2 = st.columns([3, 2])
    with c1:
        st.plotly_chart(PM.grid_warp_figure(w.lines, w.x, w.colours, w.torn, bounds, real=real,
                                            tear_score=w.tear_score,
                                            title=f"{w.n}×{w.n} latent grid through G"),
                        key="map_warp")
        explain(*TEXT["warp"])
    with c2:
        warp_metrics(w)
        st.plotly_chart(PM.tear_map_figure(w.axis, w.tear_map, w.threshold, w.torn, names,
                                           title="tear map in latent space"),
                        key="map_tearmap")
        st.caption(GL.term_line("tear_threshold"))
        explain(*TEXT["tearmap"])


def morph_section(source, opts, probe, bounds) -> None:
    def compute(run):
        return I.learned_morph(run, 1000, opts["dims"], probe), I.true_morph(run.out_target, 1000)
    learned, true = memo(source, "morph", (opts["dims"], tuple(probe)), compute)
    c1, c2 = st.columns(2)
    with c1:
        st.plotly_chart(PM.morph_figure(learned.start, learned.end, learned.colours, bounds,
                                        title="learned map: latent → G(z)", key="morph_learned"),
                        key="map_morph")
    with c2:
        if true is None:
            st.info("This target is data only: it has no true latent map to morph.")
        else:
            st.plotly_chart(PM.morph_figure(true.start, true.end, true.colours, bounds,
                                            title="true map: latent → sample", key="morph_true"),
                            key="map_morph_true")
    explain(*TEXT["morph"])


def compare_section(source, bounds) -> None:
    comp = memo(source, "compare", (), lambda run: I.compare(run))
    c1, c2 = st.columns(2)
    with c1:
        if comp.true is None:
            st.info("This target is data only: there is no true map to compare with.")
        else:
            st.plotly_chart(PM.points_figure(comp.true.end, comp.true.colours, bounds,
                                             title="true map", key="truemap"),
                            key="map_true")
    with c2:
        st.plotly_chart(PM.points_figure(comp.learned.end, comp.learned.colours, bounds,
                                         title="learned map (G)", key="learned"),
                        key="map_learned")
    c3, c4 = st.columns([3, 1])
    with c3:
        if comp.alignment is not None:
            st.plotly_chart(PM.alignment_figure(comp.alignment, comp.lever_names,
                                                comp.factor_names),
                            key="map_align")
            st.caption(GL.term_line("alignment"))
        else:
            st.caption("No alignment matrix: this G is not a plain latent map.")
    with c4:
        if comp.width_ratio is not None:
            st.metric(GL.label("width_ratio"), f"{comp.width_ratio:.2f}",
                      help=GL.help_text("width_ratio"))
    explain(*TEXT["compare"])


def body(source) -> None:
    info = source.call(lambda r: dict(dim=r.cfg.latent_dim, bounds=r.out_target.bounds,
                                      why=I.mapping_support(r), real=I.real_points(r, 1200)))
    if info["why"]:
        st.info(f"The grid views do not apply here: {info['why']}.")
    opts = settings_ui(source, info["dim"])
    probe = tuple(float(v) for v in probe_values(source, info["dim"]))

    @st.fragment(run_every=2.0 if opts["auto"] else None)
    def views():
        st.caption(f"step {source.step():,} · {source.state()}")
        st.subheader("Latent-grid warp and tears")
        if not info["why"]:
            warp_section(source, opts, np.array(probe), info["bounds"], info["real"])
        st.subheader("Morph: latent → sample")
        morph_section(source, opts, np.array(probe), info["bounds"])
        st.subheader("True map vs learned map")
        compare_section(source, info["bounds"])
    views()


def main() -> None:
    st.title("Mapping inspector")
    st.caption("How the generator lays its latent space onto the plane: where it stretches, "
               "where it tears, and how that compares with the target's own map.")
    source = model_source_ui()
    if source is None:
        return
    body(source)


from ui.session import through_app  # noqa: E402

through_app()  # a first visit through a shared link must still get app.py's menu
main()

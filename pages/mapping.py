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
from ui import projector
from ui.i18n import language, t, tr
from ui.inspector import status_line, term_line
from ui.model_source import memo, model_source_ui, probe_values, warp_metrics
from ui.widgets import KEPT, explain


def _text(view: str) -> tuple[str, str]:
    """A view's one-line caption and its longer explanation."""
    return t(f"mapping.{view}.short"), t(f"mapping.{view}.more")


def settings_ui(source, dim: int) -> dict:
    with st.sidebar:
        st.markdown(t("mapping.grid_heading"))
        n = st.slider(t("mapping.grid_n"), 5, 40, 20, key="map_grid_n", **KEPT)
        factor = st.slider(t("mapping.tear_factor"), 2.0, 40.0, 10.0, 1.0,
                           key="map_tear_factor", **KEPT)
        dims = (0, 1)
        if dim > 2:
            names = [latent_name(i) for i in range(dim)]
            a = st.selectbox(t("mapping.dim_a"), range(dim), 0, format_func=names.__getitem__,
                             key="map_dim_a")
            rest = [i for i in range(dim) if i != a]
            b = st.selectbox(t("mapping.dim_b"), rest, 0, format_func=names.__getitem__,
                             key="map_dim_b")
            dims = (int(a), int(b))
            st.caption(t("mapping.other_dims"))
        auto = False
        if source.live:
            auto = st.toggle(t("mapping.follow"), False, key="map_follow",
                             **KEPT)
    return dict(n=n, factor=factor, dims=dims, auto=auto)


def warp_section(source, opts, probe, bounds, real) -> None:
    def compute(run):
        return I.grid_warp(run, opts["n"], opts["dims"], probe, tear_factor=opts["factor"])
    try:
        w = memo(source, "warp", (opts["n"], opts["dims"], opts["factor"], tuple(probe)), compute)
    except ValueError as err:
        st.info(t("mapping.no_warp", why=tr(err.args[0] if err.args else err)))
        return
    names = [latent_name(d) for d in w.dims]
    c1, c2 = st.columns([3, 2])
    with c1:
        st.plotly_chart(projector.styled(PM.grid_warp_figure(w.lines, w.x, w.colours, w.torn, bounds, real=real,
                                            tear_score=w.tear_score,
                                            title=t("mapping.grid_title", n=w.n), lang=language())),
                        key="map_warp")
        explain(*_text("warp"))
    with c2:
        warp_metrics(w)
        st.plotly_chart(projector.styled(PM.tear_map_figure(w.axis, w.tear_map, w.threshold, w.torn, names,
                                           title=t("mapping.tear_map"), lang=language())),
                        key="map_tearmap")
        st.caption(term_line("tear_threshold"))
        explain(*_text("tearmap"))


def morph_section(source, opts, probe, bounds) -> None:
    def compute(run):
        return I.learned_morph(run, 1000, opts["dims"], probe), I.true_morph(run.out_target, 1000)
    learned, true = memo(source, "morph", (opts["dims"], tuple(probe)), compute)
    c1, c2 = st.columns(2)
    with c1:
        st.plotly_chart(projector.styled(PM.morph_figure(learned.start, learned.end, learned.colours, bounds,
                                        title=t("mapping.morph_learned"), key="morph_learned",
                                        lang=language())),
                        key="map_morph")
    with c2:
        if true is None:
            st.info(t("mapping.no_true_morph"))
        else:
            st.plotly_chart(projector.styled(PM.morph_figure(true.start, true.end, true.colours, bounds,
                                            title=t("mapping.morph_true"), key="morph_true",
                                            lang=language())),
                            key="map_morph_true")
    explain(*_text("morph"))


def compare_section(source, bounds) -> None:
    comp = memo(source, "compare", (), lambda run: I.compare(run))
    c1, c2 = st.columns(2)
    with c1:
        if comp.true is None:
            st.info(t("mapping.no_true_compare"))
        else:
            st.plotly_chart(projector.styled(PM.points_figure(comp.true.end, comp.true.colours, bounds,
                                             title=t("mapping.true_map"), key="truemap")),
                            key="map_true")
    with c2:
        st.plotly_chart(projector.styled(PM.points_figure(comp.learned.end, comp.learned.colours, bounds,
                                         title=t("mapping.learned_map"), key="learned")),
                        key="map_learned")
    c3, c4 = st.columns([3, 1])
    with c3:
        if comp.alignment is not None:
            st.plotly_chart(projector.styled(PM.alignment_figure(comp.alignment, comp.lever_names,
                                                comp.factor_names, lang=language())),
                            key="map_align")
            st.caption(term_line("alignment"))
        else:
            st.caption(t("mapping.no_alignment"))
    with c4:
        if comp.width_ratio is not None:
            st.metric(tr(GL.label("width_ratio")), f"{comp.width_ratio:.2f}",
                      help=tr(GL.help_text("width_ratio")))
    explain(*_text("compare"))


def body(source) -> None:
    info = source.call(lambda r: dict(dim=r.cfg.latent_dim, bounds=r.out_target.bounds,
                                      why=I.mapping_support(r), real=I.real_points(r, 1200)))
    if info["why"]:
        st.info(t("mapping.no_grid", why=tr(info["why"])))
    opts = settings_ui(source, info["dim"])
    probe = tuple(float(v) for v in probe_values(source, info["dim"]))

    @st.fragment(run_every=2.0 if opts["auto"] else None)
    def views():
        st.caption(status_line(source))
        st.subheader(t("mapping.warp_heading"))
        if not info["why"]:
            warp_section(source, opts, np.array(probe), info["bounds"], info["real"])
        st.subheader(t("mapping.morph_heading"))
        morph_section(source, opts, np.array(probe), info["bounds"])
        st.subheader(t("mapping.compare_heading"))
        compare_section(source, info["bounds"])
    views()


def main() -> None:
    st.title(t("mapping.title"))
    st.caption(t("mapping.intro"))
    source = model_source_ui()
    if source is None:
        return
    body(source)


from ui.session import through_app  # noqa: E402

through_app()  # a first visit through a shared link must still get app.py's menu
main()

"""Levers: probe a generator one latent dimension at a time.

Widgets and layout only; the lever maths is gan_core.levers, the figures are
gan_core.lever_figures, the generators come from ui.model_source like the inspectors'.
The lever state (ui.lever_state) lives in the URL (st.query_params), so a link
reproduces exactly this generator and slider setting.
"""
from __future__ import annotations

import time

import numpy as np
import streamlit as st

from gan_core import glossary as GL
from gan_core import lever_figures as F
from gan_core import levers as L
from gan_core import zoo
from ui import projector
from ui import lever_state as LS
from ui.i18n import error_text, t, tr
from ui import model_source as MS
from ui.live_chart import browser_levers, live_image, live_plotly, live_strips, png_bytes
from ui.widgets import KEPT

N_STRIP = 9  # images per lever strip
SOURCES = ("Pretrained", "Live run", "Upload")


# --------------------------------------------------------------------------- the generator
def _pretrained_ui(url_model: str) -> MS.ModelSource | None:
    """Every zoo entry, images included (digits first, the page's showcase)."""
    entries = zoo.entries()
    if not entries:
        st.warning(t("levers.no_models"))
        return None
    keys = list(entries)
    if st.session_state.get("levers_entry") not in keys:
        first = "digits__nsgan" if "digits__nsgan" in keys else keys[0]
        st.session_state["levers_entry"] = url_model if url_model in keys else first
    labels = {k: tr(zoo.label(info)) for k, info in entries.items()}
    key = st.selectbox(t("levers.pretrained"), keys, key="levers_entry",
                       format_func=labels.get)
    try:
        return MS.pretrained_source(key)
    except Exception as err:
        st.error(t("levers.cannot_load", name=key, error=error_text(err)))
        return None


def choose_source() -> MS.ModelSource | None:
    """The generator to probe, from the same sources as the inspectors (ui.model_source);
    a shared link's `model` picks the kind."""
    url_model = st.query_params.get("model", "")
    if "levers_source" not in st.session_state:
        st.session_state["levers_source"] = ("Upload" if url_model.startswith("upload") else
                                             "Live run" if url_model == "live" else "Pretrained")
    src = st.radio(t("levers.generator"), SOURCES, horizontal=True, key="levers_source",
                   format_func=lambda s: t(f"levers.source.{s}"))
    if src == "Pretrained":
        return _pretrained_ui(url_model)
    if src == "Live run":
        return MS.live_source()
    return MS.upload_source("levers_upload")


def buttons(spec: L.LeverSpec, locks: bool = True) -> None:
    with st.container(horizontal=True):
        st.button(t("levers.randomise"), on_click=LS.randomise, args=(spec,),
                  help=t("levers.randomise.help"), key="levers_randomise")
        st.button(t("levers.reset"), icon=":material/restart_alt:", on_click=LS.reset,
                  args=(spec,), help=t("levers.reset.help"), key="levers_reset")
    if locks:
        lock_chips(spec)


def lock_chips(spec: L.LeverSpec) -> None:
    """Full width: pills scroll sideways in a narrow column (16 hid every lever after z4)."""
    st.pills(":material/lock: " + t("levers.locked"), spec.names, selection_mode="multi",
             key="levers_locks", help=t("levers.locked.help"), **KEPT)


def lever_groups(spec: L.LeverSpec) -> list[tuple[str, list[int]]]:
    groups = [(t("levers.noise"), spec.noise_dims)]
    if spec.code_dims:
        groups.append((t("levers.codes"), spec.code_dims))
    return groups


def lever_widgets(spec: L.LeverSpec, per_row: int = 4) -> None:
    """Sliders in a grid (2-D targets: few levers)."""
    buttons(spec)
    for title, dims in lever_groups(spec):
        if len(lever_groups(spec)) > 1:
            st.caption(title)
        for start in range(0, len(dims), per_row):
            cols = st.columns(per_row)
            for col, i in zip(cols, dims[start:start + per_row]):
                col.slider(spec.names[i], spec.lo, spec.hi, step=0.05, key=f"lv_{i}", **KEPT)


# --------------------------------------------------------------------------- views
def _image_data(source, spec: L.LeverSpec, z: np.ndarray, c):
    """(G(z), strips or None, G's weights for the browser or None)."""
    values = L.lever_values(spec.lo, spec.hi, N_STRIP)

    def compute(run):
        # G runs in the browser when it is a plain MLP (instant lever moves); the server
        # still computes the strips for anything else.
        plan = L.mlp_plan(run, c)
        strips = None if plan is not None else L.sweep_outputs(run, z, values, c)
        return L.decode(run, z, c)[0], strips, plan
    return (values, *source.call(compute))


def image_view(source, spec: L.LeverSpec, z: np.ndarray, c) -> None:
    """Left: the generated digit, large. Middle: the sliders. Right: one strip per lever,
    the lever swept over its range with the others fixed, as one image (one fetch)."""
    values, x, strips, plan = _image_data(source, spec, z, c)
    lock_chips(spec)
    left, middle, right = st.columns([3, 4, 5], gap="medium")
    with left:
        slot = st.empty()
        with slot:
            if plan is not None:
                browser_levers(plan, z, values, spec.names, spec.kinds, spec.image_side,
                               "levers_gz", "lv_", "main", caption="G(z)")
            else:
                live_image(png_bytes(F.digit_image(x, spec.image_side, 32)), "levers_gz",
                           caption="G(z)", width=256)
        LS.classifier_reading(x)
        buttons(spec, locks=False)
        animate_controls(source, spec, z, c, slot, image=True)
    with middle:
        image_sliders(spec)
    with right:
        strips_sheet(spec, z, values, strips, plan)


def image_sliders(spec: L.LeverSpec) -> None:
    """Two columns of sliders per lever group (image targets: many levers)."""
    for title, dims in lever_groups(spec):
        st.caption(title)
        half = (len(dims) + 1) // 2
        cols = st.columns(2)
        for k, i in enumerate(dims):
            cols[k // half].slider(spec.names[i], spec.lo, spec.hi, step=0.05, key=f"lv_{i}",
                                   **KEPT)


def strips_sheet(spec: L.LeverSpec, z, values, strips, plan) -> None:
    caption = t("levers.strips", lo=f"{spec.lo:g}", hi=f"{spec.hi:g}")
    if plan is not None:
        browser_levers(plan, z, values, spec.names, spec.kinds, spec.image_side,
                       "levers_sheet", "lv_", "strips", caption=caption)
    else:
        current = [F.nearest_column(values, v) for v in z]
        live_strips(F.strip_ink(strips, spec.image_side), spec.names, "levers_sheet",
                    current, kinds=spec.kinds, caption=caption)


def class_selector(spec: L.LeverSpec):
    if not spec.n_classes:
        return None
    return st.selectbox(spec.class_label.capitalize(), range(spec.n_classes), key="lv_class", **KEPT,
                        help=t("levers.class.help" if spec.class_label == "class"
                               else "levers.code.help"))


def planar_view(source, spec: L.LeverSpec, z: np.ndarray, c) -> None:
    values = L.lever_values(spec.lo, spec.hi, 41)

    def compute(run):
        probe = L.decode(run, z, c)[0]
        sweeps = L.sweep_outputs(run, z, values, c)
        latent = run.sample_latent(1500, run.cfg.seed + 1)
        fake = run.generate(latent)
        colours = run.colours(latent)
        import torch
        real, _ = run.out_target.sample(1500, torch.Generator().manual_seed(5))
        return probe, sweeps, fake, colours, real.numpy(), run.out_target.bounds
    probe, sweeps, fake, colours, real, bounds = source.call(compute)
    left, right = st.columns([3, 2])
    with left:
        slot = st.empty()
        with slot:
            live_plotly(F.planar_figure(real, fake, colours, probe, sweeps, spec.names, bounds),
                        "levers_plane")
    with right:
        live_plotly(F.sweep_curves(values, sweeps, spec.names), "levers_curves")
        st.markdown(t("levers.probe", x=f"{probe[0]:.3g}", y=f"{probe[1]:.3g}"))
        animate_controls(source, spec, z, c, slot, image=False, extra=(real, fake, colours, sweeps, bounds))


def animate_controls(source, spec, z, c, slot, image: bool, extra=None) -> None:
    """The source's lever movie: one lever, eased sin sweep, there and back."""
    lever = st.selectbox(t("levers.animate_lever"), range(spec.dim), key="levers_anim",
                         format_func=lambda i: spec.names[i])
    if not st.button(t("levers.animate"), icon=":material/play_arrow:", key="levers_anim_go"):
        return
    frames_z = L.animation_latents(z, lever, spec.lo, spec.hi, 36 if image else 24)
    xs = source.call(lambda run: L.decode(run, frames_z, c))
    # ...and home: the sweep's frames stop one short of it, and the view was left there
    # (z0 = -0.26) while the slider still read 0.00.
    for i, k in enumerate([*range(len(xs)), 0]):
        x = xs[k]
        if image:
            slot.image(F.digit_image(x, spec.image_side, 32),
                       caption=f"{spec.names[lever]} = {frames_z[k, lever]:+.2f}", width=256,
                       output_format="PNG")
        else:
            real, fake, colours, sweeps, bounds = extra
            slot.plotly_chart(projector.styled(F.planar_figure(real, fake, colours, x, sweeps, spec.names, bounds,
                                              title=f"{spec.names[lever]} = {frames_z[k, lever]:+.2f}")),
                              key=f"levers_anim_{i}")
        time.sleep(0.04)


def report_section(source, c) -> None:
    st.subheader(t("levers.report"))
    if source.cacheable:
        data = LS.cached_report(source.model_id, c, source.call)
    elif st.button(t("levers.report.go"), key="levers_report_go"):
        data = LS.report(source.call, c)
    else:
        st.caption(t("levers.report.on_demand"))
        return
    matrix, levers, factors, method, summary, ent = data
    how = t("levers.report.mi" if method == "alignment" else "levers.report.moves")
    st.caption(t("levers.report.axes", how=how))
    st.plotly_chart(projector.styled(F.report_heatmap(matrix, levers, factors, "lever × factor")), key="levers_report")
    active = [s for s in summary if s["controls"]]
    many = sum(len(s["controls"]) > 1 for s in active)
    st.markdown(t("levers.report.summary", active=len(active), n=len(levers), many=many,
                  mean=ent))
    st.dataframe([{"lever": s["lever"], "changes": ", ".join(s["changes"]) or "—",
                   "verdict": s["verdict"], "purity": round(s["purity"], 2)} for s in summary],
                 hide_index=True, width="stretch",
                 column_config={"purity": st.column_config.NumberColumn(
                     tr(GL.label("purity")), help=tr(GL.help_text("purity")))})


def compare_section(target: str) -> None:
    """NS-GAN, InfoGAN and the conditional GAN on one target, side by side."""
    keys = [k for k in (f"{target}__nsgan", f"{target}__infogan", f"{target}__cgan") if k in zoo.entries()]
    if len(keys) < 2 or not st.toggle(t("levers.compare"), key="levers_compare"):
        return
    cols = st.columns(len(keys))
    for col, key in zip(cols, keys):
        src = MS.pretrained_source(key)
        matrix, levers, factors, _, _, ent = LS.cached_report(key, None, src.call)
        with col:
            st.plotly_chart(projector.styled(F.report_heatmap(matrix, levers, factors, f"{key.split('__')[1]} "
                                             f"({ent:.1f} factors/lever)")), key=f"levers_cmp_{key}")


# --------------------------------------------------------------------------- page
@st.fragment
def lever_panel(source, spec: L.LeverSpec, is_image: bool, c) -> None:
    """Everything a lever move changes. A fragment: moving a slider reruns only this,
    not the report below (which depends on the generator and class, not on z)."""
    z = LS.current_z(spec)
    LS.write_url(source, z, c)
    try:
        if is_image:
            image_view(source, spec, z, c)
        else:
            lever_widgets(spec)
            planar_view(source, spec, z, c)
    except Exception as err:
        st.error(t("levers.draw_failed", error=error_text(err)))


def main() -> None:
    # (app.py sets the wide layout the strips need)
    st.title(t("levers.title"))
    st.caption(t("levers.intro"))
    source = choose_source()
    if source is None:
        return
    try:
        spec, target_name, is_image = source.call(
            lambda run: (L.lever_spec(run), run.out_target.name, bool(getattr(run.out_target, "side", 0))))
    except Exception as err:
        st.error(t("levers.cannot_probe", error=error_text(err)))
        return
    st.session_state["levers_target"] = target_name
    LS.init_state(source, spec)
    c = class_selector(spec)
    st.caption(t("levers.source_label", label=tr(source.label)))
    lever_panel(source, spec, is_image, c)
    report_section(source, c)
    if source.cacheable:
        compare_section(target_name)


from ui.session import through_app  # noqa: E402

through_app()  # a first visit through a shared link must still get app.py's menu
main()

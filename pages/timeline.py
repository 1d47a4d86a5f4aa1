"""Training timeline: scrub through the snapshots the Trainer kept (at most 300, evenly
spaced) and see the run as it was at that step - its samples, and, from the Trainer's
weight keyframes, the grid warp, tear map, D heatmap and D features; export the samples
over training as a GIF, an MP4, a standalone HTML, a PNG or CSV - all built in memory.
Widgets and layout only: exports are gan_core.export, the views gan_core.inspect, the
figures gan_core.plots.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from gan_core import export as X
from gan_core import glossary as GL
from gan_core import inspect as I
from gan_core import plots
from gan_core.latent import latent_name
from gan_core.plots import discriminator as PD
from gan_core.plots import mapping as PM
from gan_core.plots import timeline as PT
from ui import projector
from ui import texts as T
from ui import timeline_data as D
from ui.i18n import error_text, language, t, tr, tr_error
from ui.model_source import model_source_ui, probe_values, warp_metrics
from ui.widgets import KEPT, explain

TEXT = T.TIMELINE


def _alert_lines(frame) -> list[str]:
    out = []
    for a in frame.alerts or []:
        title = tr(getattr(a, "title", str(a)))
        out.append(t("timeline.alert", title=title, text=tr(getattr(a, "explanation", ""))))
    return out


# --------------------------------------------------------------------------- views at a step
def views_at(data: dict, i: int) -> None:
    frame = data["frames"][i]
    fake, cols = data["fakes"][i], data["colours"]
    hex_cols = plots.hex_colours(cols)
    c1, c2 = st.columns(2)
    with c1:
        scrub_view(data, i, hex_cols)
        explain(*TEXT["samples"])
    with c2:
        z = data["latent"]
        z2 = z[:, :2] if z.shape[1] > 1 else np.stack([z[:, 0], np.zeros(len(z))], 1)
        n = min(1000, len(z2))
        start = I.latent_in_frame(data["target"], z2[:n])
        st.plotly_chart(projector.styled(PM.morph_figure(start, fake[:n], cols[:n], data["bounds"],
                                        title=t("timeline.morph_at", step=frame.step), key="tl_morph",
                                        lang=language())),
                        key="tl_morph")
        explain(*TEXT["morph"])
    for col, (key, value) in zip(st.columns(5), D.frame_metrics(data, frame, fake).items()):
        label, help_ = D.frame_metric_texts(key)
        col.metric(label, value, help=help_)
    for line in _alert_lines(frame):
        st.warning(line)


def scrub_view(data: dict, i: int, hex_cols) -> None:
    """The samples of every recorded frame, kept in the browser: its own slider scrubs
    them at once (no rerun); it opens at the page's chosen frame `i`."""
    rows = D.scrub_rows(len(data["steps"]), i)
    n = min(D.SCRUB_POINTS, data["fakes"].shape[1])
    fig = PT.training_animation_figure(
        data["steps"][rows], data["fakes"][rows, :n], hex_cols[:n], data["bounds"],
        real=data["real"], title=t("timeline.scrub_title"), height=520,
        active=int(np.searchsorted(rows, i)), lang=language(), uirevision="tl_samples")
    st.plotly_chart(projector.styled(fig), key="tl_samples")
    st.caption(t("timeline.scrub_caption", n=len(rows)))


def curves(data: dict, step: int) -> None:
    hist = data["history"]
    if hist and len(hist.get("step", [])):
        st.plotly_chart(projector.styled(PT.losses_at_figure(hist, step)), key="tl_losses")
    rows = [f.metrics or {} for f in data["frames"]]
    if any(rows):
        st.plotly_chart(projector.styled(PT.metrics_at_figure(data["steps"], rows, step)), key="tl_metrics")
    explain(*TEXT["curves"])


# --------------------------------------------------------------------------- weights at a step
def weights_ui(dim: int) -> dict:
    with st.sidebar:
        st.markdown(t("timeline.views_heading"))
        n = st.slider(t("timeline.grid_n"), 5, 40, 20, key="tl_grid_n", **KEPT)
        factor = st.slider(t("timeline.tear_factor"), 2.0, 40.0, 10.0, 1.0,
                           key="tl_tear_factor", **KEPT)
        arrows = st.toggle(t("timeline.arrows"), True, key="tl_arrows", **KEPT)
        if dim > 2:
            st.caption(t("timeline.grid_dims"))
    return dict(n=n, factor=factor, arrows=arrows)


def weights_at(source, data: dict, step: int, opts: dict) -> None:
    st.subheader(t("timeline.weights_heading"))
    v = _step_views(source, data, step, opts)
    if v is None:
        return
    if v.step == step:
        st.caption(t("timeline.weights_exact", step=step))
    else:
        st.warning(t("timeline.weights_nearest", step=step, kept=v.step, back=step - v.step),
                   icon=":material/history:")
    explain(*TEXT["weights"])
    at = t("timeline.at_step", step=v.step)
    if v.warp is not None:
        warp_views(v.warp, data, at)
    else:
        st.caption(t("timeline.no_warp", why=tr(v.warp_why)))
    if getattr(data["target"], "dim", 2) != 2:
        return  # no plane to draw D over (image targets): the messages above say why
    c1, c2 = st.columns(2)
    with c1:
        heatmap_view(v, data, at)
    with c2:
        features_view(v, data, at)


def _step_views(source, data: dict, step: int, opts: dict):
    """The StepViews at `step`, or None with a message saying why there are none."""
    probe = tuple(float(v) for v in probe_values(source, data["latent"].shape[1]))
    try:
        v = D.step_views_at(source, data, step, opts, probe)
    except Exception as err:  # e.g. the run was reset meanwhile: its keyframes are gone
        st.info(t("timeline.cannot_rebuild", step=step, error=error_text(err)))
        return None
    if v is None:
        why = t("timeline.too_large") if data.get("key_limit") == 0 else ""
        st.info(t("timeline.no_weights", step=step, why=why))
    return v


def warp_views(w, data: dict, at: str) -> None:
    names = [latent_name(d) for d in w.dims]
    c1, c2 = st.columns([3, 2])
    with c1:
        st.plotly_chart(projector.styled(PM.grid_warp_figure(w.lines, w.x, w.colours, w.torn, data["bounds"],
                                            real=data["real"], tear_score=w.tear_score,
                                            title=t("timeline.grid_title", n=w.n, at=at), lang=language())),
                        key="tl_warp")
    with c2:
        warp_metrics(w)
        st.plotly_chart(projector.styled(PM.tear_map_figure(w.axis, w.tear_map, w.threshold, w.torn, names,
                                           title=t("timeline.tear_map", at=at), lang=language())),
                        key="tl_tearmap")
        st.caption(t("timeline.term", label=tr(GL.label("tear_threshold")),
                     text=tr(GL.help_text("tear_threshold"))))
    explain(*TEXT["warp"])


def heatmap_view(v, data: dict, at: str) -> None:
    if v.field_why:
        st.caption(t("timeline.no_heatmap", why=tr(v.field_why)))
    fig = plots.samples_figure(data["real"], v.fake, plots.hex_colours(v.colours), data["bounds"],
                               field=v.field, arrows=v.arrows, uirevision="tl_heat",
                               title=t("timeline.heatmap", at=at)
                               + (t("timeline.heatmap.arrows") if v.arrows else ""))
    st.plotly_chart(projector.styled(fig), key="tl_heatmap")
    explain(*TEXT["heatmap"])


def features_view(v, data: dict, at: str) -> None:
    if v.features is not None:
        st.plotly_chart(projector.styled(PD.feature_space_figure(v.features.real, v.features.fake,
                                                title=t("timeline.features", at=at), lang=language())),
                        key="tl_features")
        explain(*TEXT["features"])
    else:
        st.caption(t("timeline.no_features", why=tr(v.features_why)))
    if v.mixture is not None:
        trail = I.mixture_trail([k for k in data["keyframes"] if k.step <= v.step])
        st.plotly_chart(projector.styled(PD.mixture_figure(*v.mixture, latents=v.z2,
                                          latent_colours=plots.hex_colours(v.colours),
                                          trails=trail or None, title=f"DeLiGAN mixture{at}",
                                          lang=language())),
                        key="tl_mixture")


# --------------------------------------------------------------------------- exports
MOVIES = {  # kind -> (MIME type, file name); the button says t("timeline.build", kind=...)
    "gif": ("image/gif", "gan-levers-training.gif"),
    "mp4": ("video/mp4", "gan-levers-training.mp4"),
    "html": ("text/html", "gan-levers-training.html"),
}


def export_ui(source, data: dict, i: int) -> None:
    st.subheader(t("timeline.export"))
    explain(*TEXT["export"])
    size = st.select_slider(t("timeline.movie_size"), [320, 400, 480, 640], 480, key="tl_size",
                            **KEPT)
    kinds = [k for k in MOVIES if k != "mp4" or X.ffmpeg_available()]
    if "mp4" not in kinds:
        st.caption(t("timeline.no_mp4"))
    for col, kind in zip(st.columns(len(kinds)), kinds):
        with col:
            movie_button(kind, data, size,
                         (source.model_id, kind, size, len(data["steps"]), int(data["steps"][-1])))
    frame_downloads(data, i)


def _build(kind: str, data: dict, size: int, progress) -> bytes:
    if kind == "html":
        return _html(data, progress)
    make = X.gif_bytes if kind == "gif" else X.mp4_bytes
    return make(data["steps"], data["fakes"], data["colours"], data["bounds"], size=size,
                progress=progress, real=data["real"], title=data["title"])


def movie_button(kind: str, data: dict, size: int, key: tuple) -> None:
    """Build on a click, then offer the download; built files are kept (a few) per session."""
    mime, name = MOVIES[kind]
    store = st.session_state.setdefault("tl_exports", {})
    if st.button(t("timeline.build", kind=kind.upper()), icon=":material/movie:",
                 key=f"tl_build_{kind}"):
        bar = st.progress(0.0, text=t("timeline.starting"))
        try:
            if len(store) > 3:
                store.clear()
            store[key] = _build(kind, data, size, lambda f, t="": bar.progress(min(1.0, f), text=t))
        except X.ExportError as err:
            st.error(tr_error(err))
        finally:
            bar.empty()
    if key in store:
        st.download_button(t("timeline.download", kind=kind.upper(), mb=len(store[key]) / 1e6),
                           store[key], file_name=name, mime=mime, key=f"tl_dl_{kind}",
                           icon=":material/download:", on_click="ignore")


def frame_downloads(data: dict, i: int) -> None:
    frame, fake = data["frames"][i], data["fakes"][i]
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("timeline.png"),
                       X.png_bytes(fake, data["colours"], data["bounds"], real=data["real"],
                                   title=data["title"], caption=f"step {frame.step:,}"),
                       file_name=f"gan-levers-step{frame.step}.png", mime="image/png",
                       key="tl_dl_png", icon=":material/download:", on_click="ignore")
    c2.download_button(t("timeline.csv"),
                       X.samples_csv(fake, data["colours"], step=frame.step),
                       file_name=f"gan-levers-samples-step{frame.step}.csv", mime="text/csv",
                       key="tl_dl_csv", icon=":material/download:", on_click="ignore")
    c3.download_button(t("timeline.csv_all"), lambda: X.timeline_csv(data["steps"], data["fakes"]),
                       file_name="gan-levers-timeline.csv", mime="text/csv", key="tl_dl_csv_all",
                       icon=":material/download:", on_click="ignore")


def _html(data: dict, progress) -> bytes:
    progress(0.2, "building the Plotly frames")
    fig = PT.training_animation_figure(data["steps"], data["fakes"],
                                       plots.hex_colours(data["colours"]), data["bounds"],
                                       real=data["real"], title=f"GAN Levers · {data['title']}")
    progress(0.6, "writing HTML")
    out = X.html_bytes(fig)
    progress(1.0, "HTML ready")
    return out


def main() -> None:
    st.title(t("timeline.title"))
    st.caption(t("timeline.intro"))
    source = model_source_ui()
    if source is None:
        return
    data = D.timeline_data(source)
    steps = [int(s) for s in data["steps"]]
    if source.trainer is None:
        st.info(t("timeline.saved_model"))
    if source.live and source.running():
        st.caption(t("timeline.training"))
    if len(steps) > 1:
        kept = st.session_state.get("tl_step_keep")
        if st.session_state.get("tl_step") not in steps:
            st.session_state["tl_step"] = kept if kept in steps else steps[-1]
        step = st.select_slider(t("timeline.step", n=len(steps)), steps, key="tl_step")
        st.session_state["tl_step_keep"] = step
    else:
        step = steps[0]
    explain(*TEXT["scrub"])
    opts = weights_ui(data["latent"].shape[1])
    i = steps.index(step)
    views_at(data, i)
    weights_at(source, data, step, opts)
    curves(data, step)
    export_ui(source, data, i)


from ui.session import through_app  # noqa: E402

through_app()  # a first visit through a shared link must still get app.py's menu
main()

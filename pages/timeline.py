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
import torch

from gan_core import export as X
from gan_core import inspect as I
from gan_core import plots
from gan_core.metrics import width_ratio
from gan_core.plots import discriminator as PD
from gan_core.plots import mapping as PM
from gan_core.plots import timeline as PT
from ui.model_source import model_source_ui, probe_values, warp_metrics
from ui.widgets import KEPT, explain

TEXT = {
    "scrub": (
        "Drag the slider to any recorded step: every view below shows the run as it was then.",
        "While a run trains, the Trainer keeps a snapshot of G's output on a fixed set of "
        "latent points every few steps. To stay within memory on long runs it keeps at most "
        "300: when full it drops every other one and records half as often, so the frames "
        "always cover the whole run evenly. Because the latent points are fixed, each point "
        "keeps its colour across frames, and you can follow a latent region as it migrates, "
        "splits or collapses."),
    "samples": (
        "G's samples at this step, in their latent colours, over the real data in grey.",
        "This is the view the source article turns into its training movie. Early on, G "
        "squeezes every latent onto a small blob; then the blob stretches over the data. Watch "
        "for colours that jump between modes from one frame to the next (mode hopping) and "
        "for the whole rainbow piling onto one mode (collapse)."),
    "morph": (
        "The morph at this step: every point slides from its latent position to where G "
        "put it at this step.",
        "Same as on the Mapping inspector, but with G as it was at the chosen step. Compare an "
        "early step with a late one to see the map unfold."),
    "weights": (
        "G and D rebuilt from the weights saved at this step: the Mapping and Discriminator "
        "inspectors' views, as they were then.",
        "Besides the frames, the Trainer saves copies of all the weights (G, D and a learnable "
        "prior such as DeLiGAN's μ/σ) with the frames, every 50 steps at first. To bound "
        "memory it keeps at most 60 of these keyframes and at most 64 MB of them: when full "
        "it drops every other one and saves half as often, like the frames (the default spiral nets take "
        "~0.3 MB a keyframe, so 60 fit; very wide nets keep fewer). When you pick a step, "
        "the views below are rebuilt on a throwaway copy of the networks loaded with the "
        "nearest keyframe at or before that step; the live run is never touched. Frames are "
        "denser than keyframes, so the step the weights come from is written on each chart; "
        "when it differs from the chosen frame, the samples drawn here are G's at the "
        "keyframe, so they match the D and grid shown with them."),
    "heatmap": (
        "D's verdict over the plane at that step (green: real, purple: fake), with G's "
        "samples then and the direction G's loss pushed each of them.",
        "The same view as on the Discriminator inspector. Scrub from early to late to see D "
        "sharpen around the data, and G's arrows chase D's landscape; a D that saturates "
        "(a flat field, vanishing arrows) shows up as a moment, not just as a loss curve."),
    "warp": (
        "The latent grid pushed through G as it was at that step, torn cells in red; on the "
        "right, the same stretch in latent space.",
        "The same views as on the Mapping inspector, at the chosen step. Early on the sheet "
        "is crumpled into a small blob; later it unfolds over the data, and tears open where "
        "G has to jump between arms or modes. Watch when a tear first appears."),
    "features": (
        "D's 2-unit feature layer at that step: real samples (blue) and fake ones (orange), "
        "with their centroids.",
        "From the quadratic-curve tutorial (pick the preset 'Quadratic tutorial (2-D D "
        "features)' on the Playground). Over training, D's feature map changes and the fake "
        "cloud closes in on the real one. For the before/after of a single G step, use the "
        "Discriminator inspector."),
    "curves": (
        "Losses, gradient norms and the detector's measurements over training; the dashed "
        "line marks the chosen step.",
        "Use these to find an interesting moment - a loss spike, a drop in modes captured - "
        "then scrub to it and look at the samples. The detector's metrics are recorded about "
        "once a second, so they appear on some frames only."),
    "export": (
        "Download the run: a GIF or MP4 movie of the samples over training (20 fps), a "
        "standalone interactive HTML, a PNG of this frame, or the samples as CSV.",
        "Everything is built in memory when you press a button and handed to your browser; "
        "nothing is written on the server. The movie has one frame per recorded snapshot. "
        "The HTML file contains the Plotly library itself, so it opens offline with a play "
        "button and a step slider. Every chart on every page also has a camera icon in its "
        "toolbar (top right, on hover) that saves that chart as a PNG."),
}


# --------------------------------------------------------------------------- data
def timeline_data(source) -> dict:
    """Steps, fakes (T, N, 2), frame records, colours, real points, history columns."""
    def grab(run):
        latent = run.eval_latent()
        static = dict(colours=run.colours(latent), real=I.real_points(run, 1500),
                      bounds=run.out_target.bounds, latent=latent.z.detach().cpu().numpy(),
                      target=run.out_target, title=f"{run.cfg.target} · {run.cfg.variant}")
        static.update(run_id=id(run), run_step=int(run.step_count), keyframes=[], key_limit=None)
        if source.trainer is not None:
            tl = source.trainer.timeline
            frames = list(tl.frames)
            latest = source.trainer.snapshots[-1] if source.trainer.snapshots else None
            if frames and latest is not None and latest.step > frames[-1].step:
                frames.append(latest)  # the run as it is now, e.g. where it was paused
            static.update(keyframes=list(tl.keyframes), key_limit=tl.key_limit)
        else:
            frames = []
        if not frames:  # a checkpoint: its final state is the only frame
            from gan_core.trainer import Snapshot
            frames = [Snapshot(run.step_count, 0.0, run.generate(latent), {}, {}, 0.0)]
        return static, frames
    static, frames = source.call(grab)
    hist = source.trainer.history_columns() if source.trainer is not None else source.history
    static.update(steps=np.array([f.step for f in frames]), frames=frames,
                  fakes=np.stack([f.fake for f in frames]).astype(np.float32), history=hist or {})
    return static


def _alert_lines(frame) -> list[str]:
    out = []
    for a in frame.alerts or []:
        title = getattr(a, "title", str(a))
        out.append(f"**{title}**: {getattr(a, 'explanation', '')}")
    return out


# --------------------------------------------------------------------------- views at a step
def views_at(data: dict, i: int) -> None:
    frame = data["frames"][i]
    fake, cols = data["fakes"][i], data["colours"]
    hex_cols = plots.hex_colours(cols)
    c1, c2 = st.columns(2)
    with c1:
        st.plotly_chart(plots.samples_figure(data["real"], fake, hex_cols, data["bounds"],
                                             uirevision="tl_samples",
                                             title=f"samples at step {frame.step:,}"),
                        key="tl_samples")
        explain(*TEXT["samples"])
    with c2:
        z = data["latent"]
        z2 = z[:, :2] if z.shape[1] > 1 else np.stack([z[:, 0], np.zeros(len(z))], 1)
        n = min(1000, len(z2))
        start = I.latent_in_frame(data["target"], z2[:n])
        st.plotly_chart(PM.morph_figure(start, fake[:n], cols[:n], data["bounds"],
                                        title=f"morph at step {frame.step:,}", key="tl_morph"),
                        key="tl_morph")
        explain(*TEXT["morph"])
    m = frame.metrics or {}
    cols_m = st.columns(5)
    losses = frame.losses or {}
    cols_m[0].metric("D loss", f"{losses['d_loss']:.3f}" if "d_loss" in losses else "–")
    cols_m[1].metric("G loss", f"{losses['g_loss']:.3f}" if "g_loss" in losses else "–")
    if "coverage_modes" in m:
        cols_m[2].metric("Modes captured", f"{m['coverage_modes']:.0%}")
    if "tear_score" in m:
        cols_m[3].metric("Tear score", f"{m['tear_score']:.1%}")
    ratio = _width_ratio(data, fake)
    if ratio is not None:
        cols_m[4].metric("Width ratio", f"{ratio:.2f}")
    for line in _alert_lines(frame):
        st.warning(line)


def _width_ratio(data, fake):
    from gan_core.detector import arm_curve
    curve = arm_curve(data["target"])
    if curve is None:
        return None
    cache = st.session_state.setdefault("tl_real_arm", {})
    name = data["target"].name
    if name not in cache:
        real, _ = data["target"].sample(4000, torch.Generator().manual_seed(77))
        cache[name] = real.numpy()
    return float(width_ratio(fake, cache[name], curve))


def curves(data: dict, step: int) -> None:
    hist = data["history"]
    if hist and len(hist.get("step", [])):
        st.plotly_chart(PT.losses_at_figure(hist, step), key="tl_losses")
    rows = [f.metrics or {} for f in data["frames"]]
    if any(rows):
        st.plotly_chart(PT.metrics_at_figure(data["steps"], rows, step), key="tl_metrics")
    explain(*TEXT["curves"])


# --------------------------------------------------------------------------- weights at a step
VIEW_CACHE = "tl_views"


def weights_ui(dim: int) -> dict:
    with st.sidebar:
        st.markdown("**Views at a step**")
        n = st.slider("Grid lines per side", 5, 40, 20, key="tl_grid_n", **KEPT)
        factor = st.slider("Tear threshold (× median stretch)", 2.0, 40.0, 10.0, 1.0,
                           key="tl_tear_factor", **KEPT)
        arrows = st.toggle("Arrows: where G's loss pushes each fake", True, key="tl_arrows",
                           **KEPT)
        if dim > 2:
            st.caption("The grid spans z1 and z2; other latent dims stay at the lever probe values.")
    return dict(n=n, factor=factor, arrows=arrows)


def keyframe_for(keyframes: list, step: int):
    """The latest keyframe at or before `step`, or None."""
    best = None
    for k in keyframes:
        if k.step <= step:
            best = k
    return best


def _frozen_at(source, data: dict, step: int):
    """A throwaway copy of the run at `step` (or at the nearest keyframe before it) and the
    step its weights are from; (None, None) when no weights of that time exist. The run's
    lock is held only while copying."""
    def current(run):  # the run's own weights are exactly this step's (a paused run, a file)
        if id(run) == data["run_id"] and run.step_count == step:
            return I.frozen_run(run)
        return None
    if step == data["run_step"]:
        view = source.call(current)
        if view is not None:
            return view, step
    kf = keyframe_for(data["keyframes"], step)
    if kf is None:
        return None, None
    return source.call(lambda run: I.frozen_run(run, kf.state, kf.step)), kf.step


def step_views_at(source, data: dict, step: int, opts: dict, probe: tuple):
    """StepViews at `step` (from the nearest keyframe), remembered per session."""
    cache = st.session_state.setdefault(VIEW_CACHE, {})
    kf = keyframe_for(data["keyframes"], step)
    exact = step == data["run_step"]
    src_step = step if exact else (kf.step if kf is not None else None)
    if src_step is None:
        return None
    key = (source.model_id, src_step, opts["n"], opts["factor"], opts["arrows"], probe)
    if key not in cache:
        view, used = _frozen_at(source, data, step)
        if view is None:
            return None
        with torch.no_grad():  # computed on the copy: no lock held, the live run trains on
            cache[key] = I.step_views(view, opts["n"], (0, 1), np.array(probe),
                                      opts["factor"], opts["arrows"])
        while len(cache) > 12:
            cache.pop(next(iter(cache)))
    return cache[key]


def weights_at(source, data: dict, step: int, opts: dict) -> None:
    st.subheader("Mapping and discriminator at this step")
    dim = data["latent"].shape[1]
    probe = tuple(float(v) for v in probe_values(source, dim))
    try:
        v = step_views_at(source, data, step, opts, probe)
    except Exception as err:  # e.g. the run was reset meanwhile: its keyframes are gone
        st.info(f"Cannot rebuild the networks of step {step:,}: {type(err).__name__}: {err}. "
                "Rerun the page (R).")
        return
    if v is None:
        limit = data.get("key_limit")
        why = (" This run's networks are too large to keep weight copies within 64 MB."
               if limit == 0 else "")
        st.info(f"No weights were saved at or before step {step:,}.{why} Only the frame's "
                "samples are shown above.")
        return
    if v.step == step:
        st.caption(f"G and D as they were at step {step:,}.")
    else:
        st.warning(f"No weights were kept for step {step:,}: these views use the nearest "
                   f"earlier keyframe, **step {v.step:,}** ({step - v.step:,} steps before).",
                   icon="🕰️")
    explain(*TEXT["weights"])
    at = f" at step {v.step:,}"
    bounds = data["bounds"]
    if v.warp is not None:
        w = v.warp
        names = [f"z{d + 1}" for d in w.dims]
        c1, c2 = st.columns([3, 2])
        with c1:
            st.plotly_chart(PM.grid_warp_figure(w.lines, w.x, w.colours, w.torn, bounds,
                                                real=data["real"], tear_score=w.tear_score,
                                                title=f"{w.n}×{w.n} latent grid through G{at}"),
                            key="tl_warp")
        with c2:
            warp_metrics(w)
            st.plotly_chart(PM.tear_map_figure(w.axis, w.tear_map, w.threshold, w.torn, names,
                                               title=f"tear map{at}"), key="tl_tearmap")
        explain(*TEXT["warp"])
    else:
        st.caption(f"No grid warp: {v.warp_why}.")
    if getattr(data["target"], "dim", 2) != 2:
        return  # no plane to draw D over (image targets): the messages above say why
    c1, c2 = st.columns(2)
    with c1:
        if v.field_why:
            st.caption(f"No D heatmap: {v.field_why}.")
        fig = plots.samples_figure(data["real"], v.fake, plots.hex_colours(v.colours), bounds,
                                   field=v.field, arrows=v.arrows, uirevision="tl_heat",
                                   title=f"D over the plane{at}"
                                   + (" · arrows: −∇ G-loss" if v.arrows else ""))
        st.plotly_chart(fig, key="tl_heatmap")
        explain(*TEXT["heatmap"])
    with c2:
        if v.features is not None:
            st.plotly_chart(PD.feature_space_figure(v.features.real, v.features.fake,
                                                    title=f"D's feature space{at}"),
                            key="tl_features")
            explain(*TEXT["features"])
        else:
            st.caption(f"No D feature space: {v.features_why}. The Playground preset "
                       "**Quadratic tutorial (2-D D features)** trains such a D.")
        if v.mixture is not None:
            trail = I.mixture_trail([k for k in data["keyframes"] if k.step <= v.step])
            st.plotly_chart(PD.mixture_figure(*v.mixture, latents=v.z2,
                                              latent_colours=plots.hex_colours(v.colours),
                                              trails=trail or None,
                                              title=f"DeLiGAN mixture{at}"),
                            key="tl_mixture")


# --------------------------------------------------------------------------- exports
def _export_key(source, data, kind: str, size: int) -> tuple:
    return (source.model_id, kind, size, len(data["steps"]), int(data["steps"][-1]))


def export_ui(source, data: dict, i: int) -> None:
    st.subheader("Export")
    explain(*TEXT["export"])
    size = st.select_slider("Movie size (pixels)", [320, 400, 480, 640], 480, key="tl_size",
                            **KEPT)
    store = st.session_state.setdefault("tl_exports", {})
    args = (data["steps"], data["fakes"], data["colours"], data["bounds"])
    kw = dict(real=data["real"], title=data["title"])
    builders = {
        "gif": ("🎞️ Build GIF", lambda p: X.gif_bytes(*args, size=size, progress=p, **kw),
                "image/gif", "gan-levers-training.gif"),
        "mp4": ("🎬 Build MP4", lambda p: X.mp4_bytes(*args, size=size, progress=p, **kw),
                "video/mp4", "gan-levers-training.mp4"),
        "html": ("🌐 Build HTML", lambda p: _html(data, p), "text/html",
                 "gan-levers-training.html"),
    }
    if not X.ffmpeg_available():
        builders.pop("mp4")
        st.caption("MP4 is unavailable: imageio-ffmpeg is not installed. The GIF works.")
    cols = st.columns(len(builders))
    for col, (kind, (label, build, mime, name)) in zip(cols, builders.items()):
        key = _export_key(source, data, kind, size)
        with col:
            if st.button(label, key=f"tl_build_{kind}"):
                bar = st.progress(0.0, text="starting…")
                try:
                    if len(store) > 3:
                        store.clear()
                    store[key] = build(lambda f, t="": bar.progress(min(1.0, f), text=t))
                except X.ExportError as err:
                    st.error(str(err))
                finally:
                    bar.empty()
            if key in store:
                st.download_button(f"⬇️ Download {kind.upper()} ({len(store[key]) / 1e6:.1f} MB)",
                                   store[key], file_name=name, mime=mime, key=f"tl_dl_{kind}",
                                   on_click="ignore")
    frame = data["frames"][i]
    fake = data["fakes"][i]
    c1, c2, c3 = st.columns(3)
    c1.download_button("⬇️ PNG of this frame",
                       X.png_bytes(fake, data["colours"], data["bounds"], real=data["real"],
                                   title=data["title"], caption=f"step {frame.step:,}"),
                       file_name=f"gan-levers-step{frame.step}.png", mime="image/png",
                       key="tl_dl_png", on_click="ignore")
    c2.download_button("⬇️ CSV of this frame's samples",
                       X.samples_csv(fake, data["colours"], step=frame.step),
                       file_name=f"gan-levers-samples-step{frame.step}.csv", mime="text/csv",
                       key="tl_dl_csv", on_click="ignore")
    c3.download_button("⬇️ CSV of every frame", lambda: X.timeline_csv(data["steps"], data["fakes"]),
                       file_name="gan-levers-timeline.csv", mime="text/csv", key="tl_dl_csv_all",
                       on_click="ignore")


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
    st.title("🎞️ Training timeline")
    st.caption("The run as it was at any recorded step, and its training movie.")
    source = model_source_ui()
    if source is None:
        return
    data = timeline_data(source)
    steps = [int(s) for s in data["steps"]]
    if source.trainer is None:
        st.info("A saved model keeps no frames: only its final state is shown (and its loss "
                "history, when the file has one). Train on the Playground to record a timeline.")
    if source.live and source.running():
        st.caption("The run is training: the frames here are those recorded when the page "
                   "loaded. Rerun (R) to pick up new ones.")
    if len(steps) > 1:
        kept = st.session_state.get("tl_step_keep")
        if st.session_state.get("tl_step") not in steps:
            st.session_state["tl_step"] = kept if kept in steps else steps[-1]
        step = st.select_slider(f"Step ({len(steps)} frames)", steps, key="tl_step")
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

"""What the Training timeline page draws, gathered from a model source: the recorded
frames, and the views rebuilt from the weights kept at (or just before) a step.

The computing is gan_core.inspect (on a throwaway copy of the networks: no lock held
while it runs); this module picks the keyframe and remembers the results per session.
"""
from __future__ import annotations

import copy

import numpy as np
import streamlit as st
import torch

from gan_core import glossary as GL
from gan_core import inspect as I
from gan_core.metrics import width_ratio
from gan_core.quality import floor_kind
from ui.i18n import t, tr

# Sent to the browser for scrubbing without reruns: enough frames and points to follow the
# run, few enough that a rerun of the page re-sends well under a megabyte.
SCRUB_FRAMES, SCRUB_POINTS = 120, 1000
VIEW_CACHE = "tl_views"
VIEW_CACHE_SIZE = 12


def _frames(source, run, latent) -> tuple[list, object]:
    """(frames, a frozen copy of the Timeline) for the live run; a checkpoint's final
    state is its only frame. Call with the run's lock held."""
    if source.trainer is None:
        tl = None
        frames = []
    else:
        # A copy whose lists stay put while the trainer thins and appends to its own.
        tl = copy.copy(source.trainer.timeline)
        tl.frames, tl.keyframes = list(tl.frames), list(tl.keyframes)
        frames = list(tl.frames)
        latest = source.trainer.snapshots[-1] if source.trainer.snapshots else None
        if frames and latest is not None and latest.step > frames[-1].step:
            frames.append(latest)  # the run as it is now, e.g. where it was paused
    if not frames:
        from gan_core.history import Snapshot
        frames = [Snapshot(run.step_count, 0.0, run.generate(latent), {}, {}, 0.0)]
    return frames, tl


def timeline_data(source) -> dict:
    """Steps, fakes (T, N, 2), frame records, colours, real points, history columns, and
    `timeline` (a frozen copy, None for a saved model) for its weight keyframes."""
    def grab(run):
        latent = run.eval_latent()
        frames, tl = _frames(source, run, latent)
        return dict(colours=run.colours(latent), real=I.real_points(run, 1500),
                    bounds=run.out_target.bounds, latent=latent.z.detach().cpu().numpy(),
                    target=run.out_target, title=f"{run.cfg.target} · {run.cfg.variant}",
                    run_id=id(run), run_step=int(run.step_count), timeline=tl,
                    keyframes=tl.keyframes if tl is not None else [],
                    key_limit=tl.key_limit if tl is not None else None), frames
    data, frames = source.call(grab)
    hist = source.trainer.history_columns() if source.trainer is not None else source.history
    data.update(steps=np.array([f.step for f in frames]), frames=frames,
                fakes=np.stack([f.fake for f in frames]).astype(np.float32), history=hist or {})
    return data


def scrub_rows(n: int, i: int, limit: int = SCRUB_FRAMES) -> np.ndarray:
    """The frames sent to the browser for scrubbing: at most `limit` (plus the chosen
    one), evenly spread, always the first, the last and the chosen frame `i`."""
    rows = set(np.linspace(0, n - 1, min(n, limit)).round().astype(int).tolist())
    return np.array(sorted(rows | {0, n - 1, int(i)}))


def keyframe_at(data: dict, step: int):
    """The latest weight keyframe at or before `step`, or None."""
    tl = data["timeline"]
    return tl.keyframe_at(step) if tl is not None else None


def frame_metrics(data: dict, frame, fake) -> dict[str, str]:
    """Glossary key -> value text of one frame's figures, only those that apply to the
    target: modes counted as "6 / 8" (as on the Playground) on mode targets alone."""
    m, losses = frame.metrics or {}, frame.losses or {}
    if not {"d_loss", "g_loss"} <= set(losses):  # a pretrained model's frames carry none
        losses = {**history_losses(data, frame.step), **losses}
    shown = {k: f"{losses[k]:.3f}" if k in losses else "–" for k in ("d_loss", "g_loss")}
    if floor_kind(data["target"]) == "modes" and GL.modes_text(m):
        shown["captured"] = GL.modes_text(m)
    if "tear_score" in m:
        shown["tear_score"] = f"{m['tear_score']:.1%}"
    ratio = frame_width_ratio(data, fake)
    if ratio is not None:
        shown["width_ratio"] = f"{ratio:.2f}"
    return shown


def frame_metric_texts(key: str) -> tuple[str, str]:
    """A frame figure's label and tooltip. The tear score recorded by the detector is
    named as such: the grid warp's, beside it, is measured on the sidebar's grid and
    threshold, and the two differed (24.1% against 11.2%) under one name."""
    label, help_ = tr(GL.label(key)), tr(GL.help_text(key))
    if key == "tear_score":
        return t("timeline.by_detector", label=label), t("timeline.by_detector.help", help=help_)
    return label, help_


def history_losses(data: dict, step: int) -> dict[str, float]:
    """The losses the run's history recorded at `step`, or at the last step before it: a
    pretrained model's frames carry none, while its history (the loss chart) has them."""
    hist = data.get("history") or {}
    steps = np.asarray(hist.get("step", []), np.float64)
    k = int(np.searchsorted(steps, step, side="right")) - 1
    out = {}
    for key in ("d_loss", "g_loss"):
        values = np.asarray(hist.get(key, []), np.float64)
        if 0 <= k < len(values) and np.isfinite(values[k]):
            out[key] = float(values[k])
    return out


def frame_width_ratio(data: dict, fake) -> float | None:
    """Fake / real spread across the arm (targets with an arm: the spiral), else None."""
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
    kf = keyframe_at(data, step)
    if kf is None:
        return None, None
    return source.call(lambda run: I.frozen_run(run, kf.state, kf.step)), kf.step


def step_views_at(source, data: dict, step: int, opts: dict, probe: tuple):
    """StepViews at `step` (from the nearest keyframe), remembered per session."""
    cache = st.session_state.setdefault(VIEW_CACHE, {})
    kf = keyframe_at(data, step)
    exact = step == data["run_step"]
    src_step = step if exact else (kf.step if kf is not None else None)
    if src_step is None:
        return None
    key = (source.model_id, src_step, opts["n"], opts["factor"], opts["arrows"], probe)
    if key not in cache:
        view, _ = _frozen_at(source, data, step)
        if view is None:
            return None
        with torch.no_grad():  # computed on the copy: no lock held, the live run trains on
            cache[key] = I.step_views(view, opts["n"], (0, 1), np.array(probe),
                                      opts["factor"], opts["arrows"])
        while len(cache) > VIEW_CACHE_SIZE:
            cache.pop(next(iter(cache)))
    return cache[key]

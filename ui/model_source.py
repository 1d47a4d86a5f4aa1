"""Which model the inspector pages look at: the Playground's live run, a pretrained zoo
entry, an uploaded checkpoint, or a small tutorial model trained here in seconds.

`model_source_ui()` draws the picker (in the sidebar) and returns a `ModelSource`, or
None when there is nothing to show yet. Every source is used the same way:
`source.call(fn)` runs fn(run) with gradients off and with the right lock held - for the
live run that is `Trainer.with_models`, so no network is called while a step runs.
The Levers page builds its own picker from the same sources (`pretrained_source`,
`live_source`, `upload_source`), and the Playground opens zoo entries through
`zoo_checkpoint`: one loader for every pretrained model.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import streamlit as st
import torch

from gan_core import checkpoints
from gan_core import glossary as GL
from gan_core.history import DecimatedHistory
from gan_core.i18n import Msg
from gan_core.run import Run
from ui.i18n import error_text, t, tr, tr_error
from ui.widgets import KEPT, default, hide_upload_hint, size_problem

KINDS = ("Live run", "Pretrained", "Upload", "Tutorial model")
MEMO = "insp_memo"
MEMO_SIZE = 24
PLAYGROUND_MARK = "insp_playground_mark"


@dataclass
class ModelSource:
    kind: str  # "live", "pretrained", "upload", "tutorial"
    model_id: str  # stable id for caches and widget state
    label: str
    call: Callable  # call(fn) -> fn(run), lock held, no grad
    trainer: object = None  # the live Trainer, else None
    history: dict = field(default_factory=dict)  # checkpoint's loss history columns, if any

    @property
    def live(self) -> bool:
        return self.kind == "live"

    @property
    def cacheable(self) -> bool:
        """The model never changes (shared pretrained weights): its results can be cached
        across sessions under `model_id`."""
        return self.kind == "pretrained"

    def step(self) -> int:
        if self.trainer is not None:
            return int(self.trainer.status()["step"])
        return int(self.call(lambda r: r.step_count))

    def state(self) -> str:
        return self.trainer.status()["state"] if self.trainer is not None else "static"

    def running(self) -> bool:
        return self.state() == "running"

    def cfg(self):
        return self.call(lambda r: r.cfg)


# --------------------------------------------------------------------------- helpers
def memo(source: ModelSource, name: str, params: tuple, fn: Callable, step: int | None = None):
    """fn(run) through source.call, remembered per (model, step, view, params) in this
    session, so widget changes elsewhere on the page do not recompute every view."""
    step = source.step() if step is None else step
    key = (source.model_id, step, name, params)
    cache = st.session_state.setdefault(MEMO, {})
    if key not in cache:
        cache[key] = source.call(fn)
        while len(cache) > MEMO_SIZE:
            cache.pop(next(iter(cache)))
    return cache[key]


def probe_values(source: ModelSource, dim: int) -> np.ndarray:
    """Lever values set elsewhere: the Playground's for the live run, the Levers page's
    for the same model; zeros when none are set."""
    ss = st.session_state
    if source.live:
        keys = [f"pg_lv_{i}" for i in range(dim)]
    elif ss.get("levers_model") == source.model_id:
        keys = [f"lv_{i}" for i in range(dim)]
    else:
        return np.zeros(dim, np.float32)
    return np.array([float(ss.get(k, 0.0) or 0.0) for k in keys], np.float32)


def _locked(run, lock):
    def call(fn):
        with lock, torch.no_grad():
            return fn(run)
    return call


def _history_columns(ckpt) -> dict:
    try:
        return DecimatedHistory.from_dict(ckpt.history or {}).columns()
    except Exception:
        return {}


# --------------------------------------------------------------------------- sources
def live_trainer():
    try:
        from ui.session import get_trainer
        return get_trainer()
    except Exception:
        return None


def zoo_checkpoint(key: str):
    """The zoo entry `key`'s checkpoint: the one place a pretrained model is read from disk
    (raises KeyError, CheckpointError)."""
    from gan_core import zoo
    return checkpoints.load(Path(zoo.PRETRAINED) / zoo.entries()[key]["file"])


@st.cache_resource(show_spinner="Loading the pretrained model…")
def _pretrained(key: str):
    """A zoo run shared read-only by every session, a lock for its forwards, its history."""
    ckpt = zoo_checkpoint(key)
    return Run.from_checkpoint(ckpt, torch.device("cpu")), threading.Lock(), _history_columns(ckpt)


def pretrained_source(key: str) -> ModelSource:
    """The zoo entry `key` as a source (raises when it cannot be loaded)."""
    from gan_core import zoo
    run, lock, hist = _pretrained(key)
    return ModelSource("pretrained", key, zoo.label(zoo.entries()[key]), _locked(run, lock),
                       history=hist)


def _zoo_entries() -> dict:
    try:
        from gan_core import zoo
        return {k: tr(zoo.label(v)) for k, v in zoo.entries().items()
                if v.get("target") != "digits" and "digits" not in k}
    except Exception:
        return {}


def _pretrained_source() -> ModelSource | None:
    entries = _zoo_entries()
    if not entries:
        st.warning(t("levers.no_models"))
        return None
    keys = list(entries)
    default("insp_entry", "spiral__nsgan" if "spiral__nsgan" in keys else keys[0], keys)
    key = st.selectbox(t("levers.pretrained"), keys, key="insp_entry",
                       format_func=entries.get, **KEPT)
    try:
        return pretrained_source(key)
    except Exception as err:
        st.error(t("levers.cannot_load", name=key, error=error_text(err)))
        return None


def open_checkpoint(data: bytes, name: str = "checkpoint"):
    """(run, history columns) from uploaded bytes. Raises CheckpointError with a message
    for the user for anything that is not a loadable GAN Levers checkpoint."""
    try:
        ckpt = checkpoints.from_bytes(data, name=name)
        return Run.from_checkpoint(ckpt, torch.device("cpu")), _history_columns(ckpt)
    except checkpoints.CheckpointError:
        raise
    except Exception as err:  # a bad file must never take the page down
        raise checkpoints.CheckpointError(Msg("errors.cannot_be_used", name=name,
                                                error=error_text(err))) from None


def upload_source(key: str = "insp_upload") -> ModelSource | None:
    """An uploader (widget `key`) and the checkpoint it holds, kept per page under
    `<key>s` so the last good upload survives page switches."""
    limit = checkpoints.MAX_UPLOAD_MB
    up = st.file_uploader(t("model_source.upload", mb=limit),
                          type=["safetensors"], key=key, max_upload_size=2 * limit)
    hide_upload_hint(key)
    cache = st.session_state.setdefault(key + "s", {})
    if up is None:
        if cache:  # keep the last good upload across page switches
            fid, (run, lock, hist, name) = next(iter(cache.items()))
            return ModelSource("upload", "upload:" + fid, name, _locked(run, lock), history=hist)
        st.info(t("model_source.upload.hint"))
        return None
    fid = f"{up.name}:{up.size}:{getattr(up, 'file_id', '')}"
    if fid not in cache:
        if size_problem(up.name, up.size, limit):
            st.error(t("model_source.cannot_open", error=size_problem(up.name, up.size, limit)))
            return None
        try:
            run, hist = open_checkpoint(up.getvalue(), up.name)
        except checkpoints.CheckpointError as err:
            st.error(t("model_source.cannot_open", error=tr_error(err)))
            return None
        cache.clear()
        cache[fid] = (run, threading.Lock(), hist, upload_label(up.name, run))
    run, lock, hist, label = cache[fid]
    return ModelSource("upload", "upload:" + fid, label, _locked(run, lock), history=hist)


def upload_label(name: str, run) -> Msg:
    return Msg("run_files.opened_label", name=name, target=run.cfg.target,
               variant=run.cfg.variant, step=run.step_count)


def live_source() -> ModelSource | None:
    trainer = live_trainer()
    if trainer is None:
        st.info(t("model_source.no_live"))
        return None
    cfg = trainer.cfg
    return ModelSource("live", f"live:{id(trainer)}:{id(trainer.run)}",
                       Msg("model_source.live_label", target=cfg.target, variant=cfg.variant),
                       trainer.with_models, trainer)


# --------------------------------------------------------------------------- tutorial model
TUTORIAL_TARGETS = ("quadratic", "spiral", "eight_gaussians", "ring8", "two_gaussians")
TUTORIAL_VARIANTS = ("nsgan", "wgan_gp", "tsgan", "deligan")


def tutorial_config(target: str, variant: str):
    """The quadratic-curve tutorial's shapes: D = dense 16, 16, then a 2-unit feature
    layer, then 1 output, so D's features can be drawn in the plane."""
    from gan_core.variants import config_for
    extra = {"prior": "mixture", "mixture_components": 10} if variant == "deligan" else {}
    return config_for(variant, target=target, latent_dim=2, g_depth=2, g_width=32, d_depth=2,
                      d_width=16, d_feature_dim=2, activation="leaky_relu", lr_d=2e-3,
                      lr_g=2e-3, batch_size=128, eval_size=1000, seed=0, **extra)


def train_tutorial(target: str, variant: str, steps: int, progress=None):
    run = Run(tutorial_config(target, variant), device=torch.device("cpu"))
    for i in range(steps):
        run.step()
        if progress is not None and i % 50 == 49:
            progress((i + 1) / steps)
    return run


def _tutorial_source() -> ModelSource | None:
    c1, c2 = st.columns(2)
    default("insp_tut_target", "quadratic", TUTORIAL_TARGETS)
    default("insp_tut_variant", "nsgan", TUTORIAL_VARIANTS)
    target = c1.selectbox(t("controls.target"), TUTORIAL_TARGETS, key="insp_tut_target", **KEPT)
    variant = c2.selectbox(t("model_source.variant"), TUTORIAL_VARIANTS, key="insp_tut_variant",
                           **KEPT)
    steps = st.select_slider(t("model_source.steps"), [0, 200, 500, 1000, 2000, 4000], value=500,
                             key="insp_tut_steps")
    st.caption(t("model_source.tutorial"))
    store = st.session_state.setdefault("insp_tutorials", {})
    key = (target, variant, steps)
    if key not in store:
        if not st.button(t("model_source.train"), key="insp_tut_train", type="primary"):
            return None
        busy = t("model_source.training")
        bar = st.progress(0.0, text=busy)
        try:
            run = train_tutorial(target, variant, steps, lambda f: bar.progress(f, text=busy))
        except Exception as err:
            st.error(t("model_source.cannot_train", error=error_text(err)))
            return None
        finally:
            bar.empty()
        store.clear()
        store[key] = (run, threading.Lock())
    run, lock = store[key]
    return ModelSource("tutorial", f"tutorial:{target}:{variant}:{steps}:{id(run)}",
                       Msg("model_source.tutorial_label", target=target, variant=variant, steps=steps),
                       _locked(run, lock))


# --------------------------------------------------------------------------- the picker
def model_source_ui(kinds=KINDS) -> ModelSource | None:
    """Sidebar picker; returns the chosen source, or None (with a message) when the
    choice has no model yet."""
    with st.sidebar:
        st.markdown(t("model_source.heading"))
        trainer = live_trainer()
        first = "Live run" if trainer is not None and trainer.status()["step"] > 0 else "Pretrained"
        default("insp_kind", first, kinds)
        _live_first(trainer, kinds)
        kind = st.radio(t("model_source.source"), kinds, key="insp_kind", horizontal=True,
                        label_visibility="collapsed", format_func=_kind_label, **KEPT)
        if kind == "Live run":
            src = live_source()
        elif kind == "Pretrained":
            src = _pretrained_source()
        elif kind == "Upload":
            src = upload_source()
        else:
            src = _tutorial_source()
        if src is not None:
            st.caption(t("model_source.inspecting", label=tr(src.label)))
        return src


def mark_playground(trainer) -> None:
    """The Playground's run as of its last full draw (run, step, state); the inspectors'
    picker turns to it when it differs from what they last saw (`_live_first`)."""
    s = trainer.status()
    st.session_state[PLAYGROUND_MARK] = (id(trainer.run), s["step"], s["state"])


def _live_first(trainer, kinds) -> None:
    """A run trained, opened or started on the Playground since an inspector last drew is
    what the user wants to look at: it becomes the choice, over a model picked on another
    page before. A choice made on an inspector page stays until the Playground moves on."""
    ss = st.session_state
    mark = ss.get(PLAYGROUND_MARK)
    if mark is None or trainer is None or mark[0] != id(trainer.run) or "Live run" not in kinds:
        return
    if mark != ss.get("insp_live_seen") and trainer.status()["step"] > 0:
        ss["insp_kind"] = "Live run"
    ss["insp_live_seen"] = mark


def _kind_label(kind: str) -> str:
    return t("model_source.kind." + kind.lower().replace(" ", "_"))


def warp_metrics(w) -> None:
    """The grid warp's numbers beside its tear map (Mapping and Timeline pages)."""
    m1, m2, m3 = st.columns(3)
    m1.metric(tr(GL.label("tear_score")), f"{w.tear_score:.1%}",
              help=tr(GL.help_text("tear_score")))
    # The total in the label: "121 / 361" was cut to "121 /…" in a third of a column.
    m2.metric(t("model_source.of_cells", label=tr(GL.label("torn_cells")), n=(w.n - 1) ** 2),
              f"{int(w.torn.sum()):,}", help=tr(GL.help_text("torn_cells")))
    m3.metric(tr(GL.label("fold_share")), f"{w.fold_share:.0%}",
              help=tr(GL.help_text("fold_share")))

"""Checkpoints as safetensors files: tensors plus a JSON metadata header.

safetensors holds raw arrays and strings only, so opening a checkpoint can never
run code (unlike pickle). Writes go to a temporary file that is renamed into
place, so a crash mid-save never leaves a half-written checkpoint.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from .config import Config
from .i18n import Msg, reason

FORMAT = "gan-levers-checkpoint"
VERSION = 1
MAX_BYTES = 256 * 1024 * 1024
# What the app's uploaders take: a default run is ~0.3 MB, the widest nets with Adam's
# moments ~60 MB (files from disk, `load`, may be up to MAX_BYTES)
MAX_UPLOAD_MB = 100
# The JSON header and each JSON field in it: a history of ~10k rows is well under 16 MB,
# and nothing the app writes nests deeper than a few levels.
MAX_HEADER_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 32
TRAIN = "train."  # prefix of the optimiser and RNG tensors (gan_core.resume)
SUFFIX = ".safetensors"  # the one extension of a checkpoint, from the CLI and the app


class CheckpointError(ValueError):
    """The file is not a usable checkpoint; the message says why, for the user."""


@dataclass
class Checkpoint:
    config: Config
    state: dict  # network state_dict
    step: int = 0
    history: dict = field(default_factory=dict)  # DecimatedHistory.to_dict()
    points: np.ndarray | None = None  # the custom target's data, if any
    extra: dict = field(default_factory=dict)  # free-form JSON (metrics, training time...)
    # optimisers, RNGs, the data chunk in use (gan_core.resume): {"tensors": ..., "meta": ...};
    # empty in pretrained models, which open with fresh optimisers
    train_state: dict = field(default_factory=dict)


def to_bytes(ckpt: Checkpoint) -> bytes:
    tensors = {f"nets.{k}": v.detach().cpu().contiguous() for k, v in ckpt.state.items()}
    if ckpt.points is not None:
        tensors["custom_points"] = torch.as_tensor(np.asarray(ckpt.points, dtype=np.float32))
    train = ckpt.train_state or {}
    tensors.update({TRAIN + k: v for k, v in (train.get("tensors") or {}).items()})
    meta = {"format": FORMAT, "version": str(VERSION), "config": ckpt.config.to_json(),
            "step": str(int(ckpt.step)), "history": json.dumps(ckpt.history),
            "extra": json.dumps(ckpt.extra), "train": json.dumps(train.get("meta") or {})}
    return st_save(tensors, metadata=meta)


def save(path, ckpt: Checkpoint) -> Path:
    return write_atomic(path, to_bytes(ckpt))


def write_atomic(path, data: bytes) -> Path:
    """Write to a temporary file beside `path`, fsync, then rename over it: a reader sees
    the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load(path) -> Checkpoint:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as err:
        raise CheckpointError(Msg("errors.ckpt_cannot_open", path=str(path), why=err.strerror)) from None
    if size > MAX_BYTES:
        raise CheckpointError(Msg("errors.ckpt_too_big", name=path.name, mb=f"{size / 1e6:.0f}",
                                  limit=MAX_BYTES // 2**20))
    return from_bytes(path.read_bytes(), name=path.name)


def from_bytes(data: bytes, name: str = "checkpoint") -> Checkpoint:
    if len(data) > MAX_BYTES:
        raise CheckpointError(Msg("errors.file_too_large", name=name, limit=MAX_BYTES // 2**20))
    meta = _read_metadata(data, name)
    if meta.get("format") != FORMAT:
        raise CheckpointError(Msg("errors.ckpt_not_ours", name=name))
    _check_version(meta.get("version", "0"), name)
    try:
        tensors = st_load(data)
        config = Config.from_json(_bounded(meta.get("config", ""), name, "config"))
        step = int(meta.get("step", "0"))
        history = _json_field(meta, "history", name)
        extra = _json_field(meta, "extra", name)
        train_meta = _json_field(meta, "train", name)
    except CheckpointError:
        raise
    except Exception as err:  # safetensors raises its own error type for corrupt data
        raise CheckpointError(Msg("errors.damaged", name=name, error=reason(err))) from None
    points = tensors.pop("custom_points", None)
    state = {k[len("nets."):]: v for k, v in tensors.items() if k.startswith("nets.")}
    train = {k[len(TRAIN):]: v for k, v in tensors.items() if k.startswith(TRAIN)}
    _check_finite({**state, **train}, points, name)
    return Checkpoint(config, state, step, history, None if points is None else points.numpy(),
                      extra, {"tensors": train, "meta": train_meta} if train else {})


def _check_version(raw, name: str) -> None:
    try:
        version = int(raw)
    except (TypeError, ValueError):
        raise CheckpointError(Msg("errors.ckpt_version_unknown", name=name,
                                  version=repr(str(raw)[:20]), reads=VERSION)) from None
    if version > VERSION:
        raise CheckpointError(Msg("errors.ckpt_version_newer", name=name, version=version))
    if version < 1:
        raise CheckpointError(Msg("errors.ckpt_version_unknown", name=name, version=version,
                                  reads=VERSION))


def _check_finite(state: dict, points, name: str) -> None:
    """Weights that are NaN or infinite can only come from a diverged run: training them
    on, or keeping them as "the last good weights", would only spread the NaN."""
    for key, t in state.items():
        if t.is_floating_point() and not bool(torch.isfinite(t).all()):
            raise CheckpointError(Msg("errors.ckpt_nan_weights", name=name, tensor=key))
    if points is not None and not bool(torch.isfinite(points).all()):
        raise CheckpointError(Msg("errors.ckpt_nan_points", name=name))


def _json_field(meta: dict, key: str, name: str):
    return _loads(_bounded(meta.get(key, "{}"), name, key), name)


def _bounded(text, name: str, key: str) -> str:
    if not isinstance(text, str):
        raise CheckpointError(Msg("errors.ckpt_field_not_text", name=name, part=key))
    if len(text) > MAX_HEADER_BYTES:
        raise CheckpointError(Msg("errors.ckpt_field_too_big", name=name, part=key,
                                  limit=MAX_HEADER_BYTES // 2**20))
    return text


def _loads(text, name: str):
    """json.loads with the nesting bounded: the parser recurses once per level."""
    try:
        value = json.loads(text)
    except RecursionError:
        value = None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CheckpointError(Msg("errors.ckpt_header_invalid", name=name)) from None
    if value is None or _depth(value, MAX_DEPTH + 1) > MAX_DEPTH:
        raise CheckpointError(Msg("errors.ckpt_header_deep", name=name, limit=MAX_DEPTH))
    return value


def _depth(value, limit: int) -> int:
    """Nesting depth of parsed JSON, stopping at `limit`."""
    if limit <= 0 or not isinstance(value, (dict, list)):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(v, limit - 1) for v in items), default=0)


def _read_metadata(data: bytes, name: str) -> dict:
    """safetensors layout: 8-byte little-endian header length, then a JSON header."""
    if len(data) < 8:
        raise CheckpointError(Msg("errors.ckpt_empty", name=name))
    n = int.from_bytes(data[:8], "little")
    if n <= 0 or 8 + n > len(data):
        raise CheckpointError(Msg("errors.ckpt_truncated", name=name))
    if n > MAX_HEADER_BYTES:
        raise CheckpointError(Msg("errors.ckpt_header_too_big", name=name,
                                  limit=MAX_HEADER_BYTES // 2**20))
    header = _loads(data[8:8 + n], name)
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(meta, dict):
        raise CheckpointError(Msg("errors.ckpt_no_metadata", name=name))
    return meta


# ----------------------------------------------------------------------- Run -> file
def from_run(run, history: dict | None = None, extra: dict | None = None,
             train_state: bool = True) -> Checkpoint:
    """The run as a checkpoint; with `train_state` (the default) it also holds what
    training on needs (optimisers, RNGs), so an opened run continues where it stopped."""
    return Checkpoint(run.cfg, run.state(), run.step_count, history or {}, run.points,
                      extra or {}, run.train_state() if train_state else {})

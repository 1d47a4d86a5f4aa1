"""A whole comparison as one file: every member's weights (with G's moving average), its
training state (the optimisers' moments, the RNGs: gan_core/resume.py), the members'
configs, the step and the results table. safetensors with a JSON header, as checkpoints
are (gan_core/checkpoints.py), so opening one never runs code; sizes and nesting are
bounded and the weights checked before anything is built.

Not kept: the detectors' histories. An opened comparison shows its table as saved; a
member opened from it on the Playground trains on with its own optimiser state, as it
would have in the ensemble. Files written before the training state was kept still open
(their members restart Adam's moments).
"""
from __future__ import annotations

import json

import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from . import checkpoints as C
from .compare import Comparison
from .config import Config, ConfigError
from .ensemble import MAX_MEMBERS
from .i18n import Msg, reason
from .run import Run

FORMAT = "gan-levers-ensemble"
VERSION = 1
TRAIN = "train."  # m<i>.train.<name>: member i's training state (resume.capture's tensors)


def to_bytes(comp: Comparison) -> bytes:
    tensors, train_meta = {}, []
    for i in range(len(comp.configs)):
        run = comp.ensemble.member_run(i)
        for key, value in run.state().items():
            tensors[f"m{i}.{key}"] = value.detach().cpu().contiguous()
        train = run.train_state()
        for key, value in train["tensors"].items():
            tensors[f"m{i}.{TRAIN}{key}"] = value
        train_meta.append(train["meta"])
    meta = {"format": FORMAT, "version": str(VERSION), "step": str(comp.step_count),
            "configs": json.dumps([json.loads(c.to_json()) for c in comp.configs]),
            "results": json.dumps(comp.results_state()), "train": json.dumps(train_meta)}
    return st_save(tensors, metadata=meta)


def from_bytes(data: bytes, name: str = "ensemble file") -> Comparison:
    """The comparison a file holds, at its saved step; CheckpointError with a message."""
    if len(data) > C.MAX_BYTES:
        raise C.CheckpointError(Msg("errors.file_too_large", name=name, limit=C.MAX_BYTES // 2**20))
    meta = C._read_metadata(data, name)
    if meta.get("format") != FORMAT:
        raise C.CheckpointError(Msg("errors.ensemble_not_ours", name=name))
    if meta.get("version") != str(VERSION):
        raise C.CheckpointError(Msg("errors.ensemble_version", name=name,
                                    version=repr(str(meta.get("version"))[:20]), reads=VERSION))
    configs, step = _configs(meta, name), _step(meta, name)
    try:
        tensors = st_load(data)
    except Exception as err:  # safetensors raises its own error type for corrupt data
        raise C.CheckpointError(Msg("errors.damaged", name=name, error=str(err))) from None
    train = _train_meta(meta, len(configs), name)
    runs = [_member(tensors, i, cfg, step, train[i], name) for i, cfg in enumerate(configs)]
    try:
        comp = Comparison(configs, step, runs=runs)
        comp.restore(C._json_field(meta, "results", name))
    except (ConfigError, ValueError, AttributeError) as err:
        raise C.CheckpointError(Msg("errors.ensemble_cannot_open", name=name, error=reason(err))) from None
    return comp


def _configs(meta: dict, name: str) -> list[Config]:
    raw = C._json_field(meta, "configs", name)
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_MEMBERS:
        raise C.CheckpointError(Msg("errors.ensemble_members", name=name, limit=MAX_MEMBERS))
    try:
        return [Config.from_dict(c) for c in raw]
    except (ConfigError, TypeError, AttributeError) as err:
        raise C.CheckpointError(Msg("errors.ensemble_config", name=name, error=reason(err))) from None


def _step(meta: dict, name: str) -> int:
    try:
        step = int(meta.get("step", ""))
    except ValueError:
        raise C.CheckpointError(Msg("errors.ensemble_step_nan", name=name)) from None
    if not 0 <= step <= 10**9:
        raise C.CheckpointError(Msg("errors.ensemble_step_range", name=name))
    return step


def _train_meta(meta: dict, n: int, name: str) -> list[dict]:
    """Each member's training-state header; empty ones for a file written without them."""
    if "train" not in meta:
        return [{}] * n
    raw = C._json_field(meta, "train", name)
    if not isinstance(raw, list) or len(raw) != n or not all(isinstance(m, dict) for m in raw):
        raise C.CheckpointError(Msg("errors.ensemble_train", name=name, n=n))
    return raw


def _member(tensors: dict, i: int, cfg: Config, step: int, train_meta: dict, name: str) -> Run:
    prefix, train_prefix = f"m{i}.", f"m{i}.{TRAIN}"
    state = {k[len(prefix):]: v for k, v in tensors.items()
             if k.startswith(prefix) and not k.startswith(train_prefix)}
    train = {k[len(train_prefix):]: v for k, v in tensors.items() if k.startswith(train_prefix)}
    C._check_finite(state, None, name)
    ckpt = C.Checkpoint(cfg, state, step, {}, None, {},
                        {"tensors": train, "meta": train_meta} if train_meta else {})
    return Run.from_checkpoint(ckpt, device=torch.device("cpu"))

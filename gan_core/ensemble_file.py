"""A whole comparison as one file: every member's weights (with G's moving average), the
members' configs, the step and the results table. safetensors with a JSON header, as
checkpoints are (gan_core/checkpoints.py), so opening one never runs code; sizes and
nesting are bounded and the weights checked before anything is built.

Not kept: the optimisers' moments and the detectors' histories. An opened comparison
shows its table as saved; it is not trained further.
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


def to_bytes(comp: Comparison) -> bytes:
    tensors = {}
    for i in range(len(comp.configs)):
        for key, value in comp.ensemble.member_run(i).state().items():
            tensors[f"m{i}.{key}"] = value.detach().cpu().contiguous()
    meta = {"format": FORMAT, "version": str(VERSION), "step": str(comp.step_count),
            "configs": json.dumps([json.loads(c.to_json()) for c in comp.configs]),
            "results": json.dumps(comp.results_state())}
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
    runs = [_member(tensors, i, cfg, step, name) for i, cfg in enumerate(configs)]
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


def _member(tensors: dict, i: int, cfg: Config, step: int, name: str) -> Run:
    prefix = f"m{i}."
    state = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
    C._check_finite(state, None, name)
    ckpt = C.Checkpoint(cfg, state, step, {}, None, {})
    return Run.from_checkpoint(ckpt, device=torch.device("cpu"))

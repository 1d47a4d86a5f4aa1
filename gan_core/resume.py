"""What a run needs beyond its weights to train on exactly where it stopped: both
optimisers' state (Adam's moments and step counts), the data and loss RNGs, and the
real-data chunk it was part-way through.

safetensors stores flat tensors plus text, so a nested optimiser state_dict is split
into tensors named `opt.<d|g>.<param>.<key>` and a JSON part (param_groups, plain
numbers). Nothing here ever unpickles.
"""
from __future__ import annotations

import torch

from .checkpoints import CheckpointError
from .i18n import Msg
from .variants.base import Batch


def capture(run) -> dict:
    """{"tensors": {name: tensor}, "meta": JSON-able dict} for the run's training state."""
    tensors, meta = {}, {"opt": {}}
    for name, opt in (("d", run.opts.d), ("g", run.opts.g)):
        meta["opt"][name] = _flatten_optimizer(opt.state_dict(), f"opt.{name}", tensors)
    tensors["rng.data"] = run.gen.get_state()
    tensors["rng.loss"] = run.nets.rng.get_state()
    draw = run._draw_train
    if draw.buffer is not None:
        for part in ("x", "c", "z"):
            value = getattr(draw.buffer, part)
            if value is not None:
                tensors[f"draw.{part}"] = value.detach().cpu().contiguous()
        meta["draw_pos"] = int(draw.pos)
    return {"tensors": {k: v.contiguous() for k, v in tensors.items()}, "meta": meta}


def _flatten_optimizer(sd: dict, prefix: str, tensors: dict) -> dict:
    numbers = {}
    for idx, per_param in sd["state"].items():
        for key, value in per_param.items():
            if torch.is_tensor(value):
                tensors[f"{prefix}.{idx}.{key}"] = value.detach().cpu()
            else:
                numbers.setdefault(str(idx), {})[key] = value
    return {"param_groups": sd["param_groups"], "numbers": numbers}


def restore(run, state: dict) -> None:
    """Put a captured training state back into `run` (built from the same config).
    Raises CheckpointError when it does not fit; an empty state (an older file, a
    pretrained model) leaves the fresh optimisers as they are."""
    tensors, meta = state.get("tensors") or {}, state.get("meta") or {}
    if not tensors and not meta:
        return
    try:
        for name, opt in (("d", run.opts.d), ("g", run.opts.g)):
            opt.load_state_dict(_unflatten_optimizer(meta["opt"][name], f"opt.{name}", tensors))
        run.gen.set_state(_rng(tensors, "rng.data"))
        run.nets.rng.set_state(_rng(tensors, "rng.loss"))
    except (KeyError, TypeError, ValueError, RuntimeError) as err:
        raise CheckpointError(Msg("errors.optimiser_misfit", error=str(err))) from None
    _restore_draw(run, tensors, meta)


def _unflatten_optimizer(part: dict, prefix: str, tensors: dict) -> dict:
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith(prefix + "."):
            idx, name = key[len(prefix) + 1:].split(".", 1)
            state.setdefault(int(idx), {})[name] = value
    for idx, numbers in part.get("numbers", {}).items():
        state.setdefault(int(idx), {}).update(numbers)
    return {"state": state, "param_groups": part["param_groups"]}


def _rng(tensors: dict, key: str) -> torch.Tensor:
    value = tensors[key]
    if value.dtype != torch.uint8:
        raise ValueError(f"{key} is not an RNG state")
    return value


def _restore_draw(run, tensors: dict, meta: dict) -> None:
    if "draw.x" not in tensors:
        return
    dev = run.device
    move = lambda t: None if t is None else t.to(dev)
    draw = run._draw_train
    draw.buffer = Batch(move(tensors["draw.x"]), move(tensors.get("draw.c")),
                        move(tensors.get("draw.z")))
    draw.pos = min(int(meta.get("draw_pos", 0)), len(draw.buffer.x))

"""Command line: `python -m gan_core train ...` and `python -m gan_core info FILE`."""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import MISSING, fields

from .config import Config, ConfigError


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    for f in fields(Config):
        kind = f.type if isinstance(f.type, str) else f.type.__name__
        flag = "--" + f.name.replace("_", "-")
        default = f.default if f.default is not MISSING else None
        if kind == "bool":
            parser.add_argument(flag, dest=f.name, default=None,
                                action=argparse.BooleanOptionalAction,
                                help=f"(default: variant default, else {default})")
        else:
            conv = {"int": int, "float": float}.get(kind, str)
            parser.add_argument(flag, dest=f.name, type=conv, default=None,
                                help=f"(default: variant default, else {default})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gan_core",
        description="GAN Levers engine: train a 2-D GAN and write a checkpoint the app can open.")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train a GAN and save a checkpoint",
                           description="Train a GAN. Every config field has a flag; fields "
                           "you leave out take the variant's defaults.")
    train.add_argument("--steps", type=int, default=20000, help="training iterations")
    train.add_argument("--out", required=True, help="checkpoint path to write (a .safetensors "
                       "file, which the app's 'Open a run' takes; the suffix is added if missing)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_config_flags(train)
    _add_compare(sub)
    info = sub.add_parser("info", help="describe a checkpoint")
    info.add_argument("path")
    return parser


def _add_compare(sub) -> None:
    cmp = sub.add_parser("compare", help="train seeds x variants as one batched ensemble",
                         description="Train every seed of every variant at once and print "
                         "each member's modes, HQ and verdict, and per variant the collapse "
                         "rate with its 95%% Wilson interval. Config flags apply to every "
                         "member, on top of each variant's defaults.")
    cmp.add_argument("--variants", default="nsgan,wgan_gp", help="comma-separated, 1 to 4")
    cmp.add_argument("--seeds", type=int, default=8, help="seeds per variant (1 to 32)")
    cmp.add_argument("--steps", type=int, default=5000, help="training iterations")
    cmp.add_argument("--eval-every", type=int, default=0, help="steps between detector "
                     "checks (default: about 12 checks per run)")
    cmp.add_argument("--csv", default="", help="also write the member table to this CSV file")
    cmp.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_config_flags(cmp)


def config_from_args(args) -> Config:
    from .variants import config_for
    overrides = {f.name: getattr(args, f.name) for f in fields(Config)
                 if getattr(args, f.name, None) is not None}
    return config_for(overrides.pop("variant", "nsgan"), **overrides)


def cmd_train(args) -> int:
    from . import checkpoints
    from .device import configure_threads
    from .run import Run
    if args.steps < 1:
        raise ConfigError("--steps must be at least 1")
    out = out_path(args.out)
    configure_threads()
    cfg = config_from_args(args)
    run = Run(cfg)
    start = time.perf_counter()
    history = _train(run, args.steps, args.quiet)
    if not run.params_finite():  # a finite loss can still sit on top of an overflowed weight
        raise ConfigError(f"training diverged by step {run.step_count}: a weight is NaN or "
                          "infinite; nothing saved")
    seconds = time.perf_counter() - start
    ckpt = checkpoints.from_run(run, history.to_dict(), {"train_seconds": round(seconds, 2)})
    path = checkpoints.save(out, ckpt)
    print(f"wrote {path} ({run.step_count} steps, {seconds:.1f} s, "
          f"{run.step_count / seconds:.0f} steps/s)")
    return 0


def out_path(text: str):
    """--out as a .safetensors path, checked before any training: the app opens only that
    extension, and a file named .pt would suggest a pickle this never writes."""
    from pathlib import Path

    from .checkpoints import SUFFIX
    path = Path(text)
    if path.suffix == "":
        return path.with_suffix(SUFFIX)
    if path.suffix != SUFFIX:
        raise ConfigError(f"--out {text}: checkpoints are {SUFFIX} files (the app opens only "
                          f"those); try --out {path.with_suffix(SUFFIX)}")
    return path


def _train(run, steps: int, quiet: bool):
    """Every step is checked, as the Trainer does: a run that diverged at step 5 is
    reported at step 5, and never saved."""
    from tqdm import tqdm

    from .history import DecimatedHistory
    history = DecimatedHistory()
    cfg = run.cfg
    bar = tqdm(range(steps), disable=quiet, unit="step", desc=f"{cfg.variant} on {cfg.target}")
    for _ in bar:
        out = run.step()
        if not all(math.isfinite(v) for v in out.values()):
            bad = ", ".join(k for k, v in out.items() if not math.isfinite(v))
            raise ConfigError(f"training diverged at step {run.step_count} ({bad} is NaN or "
                              "inf); nothing saved. Try a lower learning rate.")
        history.add({"step": run.step_count, **out})
        if run.step_count % 200 == 0:
            bar.set_postfix({k: f"{v:.3f}" for k, v in out.items() if k.endswith("loss")})
    return history


def cmd_compare(args) -> int:
    from .compare_cli import run_compare
    return run_compare(args)


def cmd_info(args) -> int:
    from . import checkpoints
    from .run import Run
    ckpt = checkpoints.load(args.path)
    print(f"{args.path}: {ckpt.config.variant} on {ckpt.config.target}, step {ckpt.step}")
    print(ckpt.config.to_json())
    try:
        Run.from_checkpoint(ckpt, device=torch_cpu())
    except checkpoints.CheckpointError as err:
        print(f"error: this checkpoint cannot be built: {err}", file=sys.stderr)
        return 2
    return 0


def torch_cpu():
    import torch
    return torch.device("cpu")


def main(argv=None) -> int:
    from .checkpoints import CheckpointError
    args = build_parser().parse_args(argv)
    try:
        commands = {"train": cmd_train, "info": cmd_info, "compare": cmd_compare}
        return commands[args.command](args)
    except (ConfigError, CheckpointError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing saved", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

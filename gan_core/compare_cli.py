"""`python -m gan_core compare`: the Compare page's engine from the command line."""
from __future__ import annotations

import csv
import io
import time
from dataclasses import fields

from .compare import MAX_SEEDS, MAX_VARIANTS, Comparison, member_configs
from .config import Config, ConfigError
from .variants import get_variant

TABLE_COLUMNS = ("member", "variant", "seed", "step", "modes", "hq_pct", "coverage",
                 "collapsed", "verdict")


def configs_from_args(args) -> tuple[list[Config], list[str]]:
    """The member configs and the variant names; ConfigError on bad flags."""
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    if not 1 <= len(variants) <= MAX_VARIANTS or len(set(variants)) != len(variants):
        raise ConfigError(f"--variants takes 1 to {MAX_VARIANTS} different names, comma-separated")
    for v in variants:
        get_variant(v)  # an unknown name is a ConfigError listing the known ones
    if not 1 <= args.seeds <= MAX_SEEDS:
        raise ConfigError(f"--seeds must be between 1 and {MAX_SEEDS}")
    if args.steps < 1 or args.eval_every < 0:
        raise ConfigError("--steps must be at least 1 and --eval-every at least 0")
    if args.variant is not None or args.seed is not None:
        raise ConfigError("compare sets each member's variant and seed: use --variants and --seeds")
    overrides = {f.name: getattr(args, f.name) for f in fields(Config)
                 if getattr(args, f.name, None) is not None}
    target = overrides.pop("target", "ring8")
    return member_configs(target, variants, args.seeds, **overrides), variants


def table_csv(table: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TABLE_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue()


def format_table(table: list[dict]) -> str:
    head = f"{'#':>3} {'variant':<9} {'seed':>4} {'modes':>6} {'HQ %':>6} {'cov':>5}  verdict"
    lines = [head]
    for r in table:
        flag = "  COLLAPSED" if r["collapsed"] else ""
        lines.append(f"{r['member']:>3} {r['variant']:<9} {r['seed']:>4} {r['modes']:>6} "
                     f"{r['hq_pct']:6.1f} {r['coverage']:5.2f}  {r['verdict']}{flag}")
    return "\n".join(lines)


def format_summary(summary: list[dict]) -> str:
    lines = ["variant    collapsed   rate  95% Wilson interval   modes (mean ± sd)   HQ % (mean ± sd)"]
    for s in summary:
        lines.append(f"{s['variant']:<9} {s['collapsed']:>4}/{s['members']:<4} {s['rate']:6.1%}  "
                     f"[{s['rate_lo']:5.1%}, {s['rate_hi']:5.1%}]        "
                     f"{s['modes_mean']:5.2f} ± {s['modes_sd']:4.2f}        "
                     f"{s['hq_pct_mean']:5.1f} ± {s['hq_pct_sd']:4.1f}")
    return "\n".join(lines)


def run_compare(args) -> int:
    from tqdm import tqdm

    from .checkpoints import write_atomic
    from .device import configure_threads
    configure_threads()
    configs, variants = configs_from_args(args)
    _warn_short(variants, args.steps)
    comp = Comparison(configs, args.steps, args.eval_every)
    start = time.perf_counter()
    with tqdm(total=args.steps, disable=args.quiet, unit="step",
              desc=f"{len(configs)} members on {configs[0].target}") as bar:
        while not comp.done:
            before = comp.step_count
            comp.advance(50)
            bar.update(comp.step_count - before)
    seconds = time.perf_counter() - start
    print(format_table(comp.table()))
    print()
    print(format_summary(comp.summary()))
    print(f"\n{len(configs)} members x {args.steps} steps in {seconds:.1f} s "
          f"({len(configs) * args.steps / seconds:.0f} model-steps/s, "
          f"{len(comp.ensemble.groups)} batched group(s)); collapsed = the detector's "
          "collapse alert at the last check")
    if args.csv:
        print(f"wrote {write_atomic(args.csv, table_csv(comp.table()).encode())}")
    return 0


def _warn_short(variants: list[str], steps: int) -> None:
    for v in variants:
        need = get_variant(v).steps_needed
        if need and steps < need:
            print(f"note: {v}'s defaults are meant to be judged after {need:,} steps "
                  f"(its recipe runs that long); this comparison stops at {steps:,}")

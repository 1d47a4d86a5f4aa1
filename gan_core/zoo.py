"""The pretrained zoo: trained generators that open instantly.

`python -m gan_core.zoo build` trains every entry reproducibly (one CPU thread, fixed
seed) and writes pretrained/<key>.safetensors plus pretrained/manifest.json with each
entry's config, seed, steps, training time and final metrics.
`python -m gan_core.zoo check` reloads every file, times the load and recomputes the
metrics on the same evaluation latent; they must match the manifest.

Coverage: every 2-D target with nsgan and wgan_gp; deligan, infogan and cgan on
eight_gaussians; digits with nsgan, cgan and infogan. Entries whose variant is not
registered yet are skipped and reported as missing.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from . import checkpoints
from .config import Config
from .trainer import Run

PRETRAINED = Path(__file__).resolve().parent.parent / "pretrained"
MANIFEST = "manifest.json"
MAX_ZOO_BYTES = 20 * 1024 * 1024
REL_TOL = 1e-4


@dataclass(frozen=True)
class Recipe:
    key: str
    variant: str
    target: str
    steps: int
    overrides: dict = field(default_factory=dict)
    note: str = ""

    def config(self) -> Config:
        from .variants import config_for
        return config_for(self.variant, target=self.target, seed=0, **self.overrides)


PLANE_2D = dict(lr_d=2e-4, lr_g=2e-4)
# WGAN-GP pays 5 critic steps (each with a gradient penalty) per G step: a higher lr and
# a smaller batch reach all 8 modes of eight_gaussians within the CPU budget
# (measured: 1000 steps -> 8/8 captured, HQ 66%; 2000 -> 8/8, HQ 84%).
WGAN_2D = dict(lr_d=5e-4, lr_g=5e-4, batch_size=128)
DIGITS = dict(latent_dim=16, g_output="tanh", g_depth=2, g_width=256, d_depth=2, d_width=256,
              activation="leaky_relu", batch_size=64, lr_d=2e-4, lr_g=2e-4, eval_size=1000)
STEPS = {"nsgan": 8000, "wgan_gp": 2000, "deligan": 5000, "infogan": 5000, "cgan": 5000}
DIGIT_STEPS = 8000
VARIANT_OVERRIDES = {
    # DeLiGAN may be a registered variant or the nsgan loss with the mixture prior
    "deligan": dict(prior="mixture", latent_dim=2, mixture_components=50),
    "infogan": dict(latent_dim=4, n_codes_cont=2),
}


# What the Playground opens on a first visit, so there is a trained generator on screen
# at once (pages/playground.py falls back to an untrained run if it is missing).
FIRST_PAGE = "spiral__nsgan"


def _plane_targets() -> list[str]:
    from .distributions import TARGETS
    return list(TARGETS)


def recipes() -> list[Recipe]:
    out = []
    for t in _plane_targets():
        for v in ("nsgan", "wgan_gp"):
            out.append(Recipe(f"{t}__{v}", v, t, STEPS[v], dict(WGAN_2D if v == "wgan_gp" else PLANE_2D)))
    for v in ("deligan", "infogan", "cgan"):
        over = {**PLANE_2D, **VARIANT_OVERRIDES.get(v, {})}
        out.append(Recipe(f"eight_gaussians__{v}", v, "eight_gaussians", STEPS[v], over))
    for v in ("nsgan", "cgan", "infogan"):
        over = dict(DIGITS)
        if v == "infogan":
            over["n_codes_cont"] = 2
        out.append(Recipe(f"digits__{v}", v, "digits", DIGIT_STEPS, over))
    return out


def resolve(recipe: Recipe) -> Recipe | None:
    """The recipe as the registry can build it, or None when its variant is missing."""
    from .variants import VARIANTS
    if recipe.variant in VARIANTS:
        return recipe
    if recipe.variant == "deligan" and "nsgan" in VARIANTS:
        # DeLiGAN = a GAN loss + the learnable mixture prior; fine on the nsgan loss
        return Recipe(recipe.key, "nsgan", recipe.target, recipe.steps, recipe.overrides,
                      "DeLiGAN as nsgan loss + mixture prior")
    return None


# --------------------------------------------------------------------------- metrics
def eval_metrics(run: Run) -> dict:
    """Final metrics on the run's fixed evaluation latent (deterministic given weights)."""
    fake = run.generate(run.sample_latent(run.cfg.eval_size, run.cfg.seed + 1))
    if getattr(run.out_target, "side", 0):
        return _image_metrics(run, fake)
    from . import metrics
    out = metrics.target_sample_metrics(run.out_target, fake)
    keep = ("captured", "captured_any", "hq", "reverse_kl", "coverage", "precision", "recall",
            "density", "sliced_w", "floor_sliced_w", "mmd", "energy", "spread_ratio")
    return {k: _num(out[k]) for k in keep if k in out}


def _image_metrics(run: Run, fake: np.ndarray) -> dict:
    from .classifier import classifier_for, image_metrics, predict_probs, tstr
    clf = classifier_for(run.out_target.name)
    out = image_metrics(predict_probs(clf, fake))
    if run.variant.conditional:  # cGAN: TSTR with generated labelled digits
        from .variants.base import Latent
        n = 2000
        gen = torch.Generator().manual_seed(run.cfg.seed + 2)
        z = run.nets.prior.sample(n, gen)
        c = torch.arange(n) % run.nets.n_classes
        x = run.generate(Latent(z.to(run.device), c.to(run.device)))
        from .images import digits_arrays
        real_x, real_y = digits_arrays()
        out.update(tstr(x, c.numpy(), real_x, real_y))
        out["conditional_accuracy"] = float((predict_probs(clf, x).argmax(1) == c.numpy()).mean())
    return {k: (_num(v) if not isinstance(v, list) else [round(float(a), 6) for a in v])
            for k, v in out.items()}


def _num(v):
    v = float(v)
    return v if np.isfinite(v) else None


# --------------------------------------------------------------------------- build
def train_entry(recipe: Recipe, log=print) -> tuple[Run, float]:
    torch.set_num_threads(1)
    run = Run(recipe.config(), device=torch.device("cpu"))
    t0 = time.perf_counter()
    every = max(1, recipe.steps // 5)
    for i in range(recipe.steps):
        run.step()
        if (i + 1) % every == 0:
            log(f"  {recipe.key}: step {i + 1}/{recipe.steps} ({time.perf_counter() - t0:.0f}s)")
    if not run.params_finite():
        raise RuntimeError(f"{recipe.key} diverged")
    return run, time.perf_counter() - t0


def build(out_dir: Path = PRETRAINED, only: list[str] | None = None, steps_scale: float = 1.0,
          log=print, changed_only: bool = False) -> dict:
    """Train and write entries (all, or `only`, in that order). changed_only: skip entries
    whose file exists and whose recorded config and steps equal the recipe's."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(out_dir) or {"version": 1, "entries": {}, "missing": []}
    todo = recipes()
    if only:
        by_key = {r.key: r for r in todo}
        todo = [by_key[k] for k in only if k in by_key]
    for base in todo:
        recipe = resolve(base)
        if recipe is None:
            log(f"skip {base.key}: variant '{base.variant}' is not registered")
            continue
        old = manifest["entries"].get(recipe.key)
        if (changed_only and old and (out_dir / old["file"]).exists() and old["steps"] == recipe.steps
                and old["variant"] == recipe.variant and old["config"] == json.loads(recipe.config().to_json())):
            log(f"keep {recipe.key}: unchanged")
            continue
        if steps_scale != 1.0:
            recipe = Recipe(recipe.key, recipe.variant, recipe.target,
                            max(1, int(recipe.steps * steps_scale)), recipe.overrides, recipe.note)
        log(f"train {recipe.key} ({recipe.variant} on {recipe.target}, {recipe.steps} steps)")
        run, seconds = train_entry(recipe, log)
        mets = eval_metrics(run)
        path = out_dir / f"{recipe.key}.safetensors"
        info = {"key": recipe.key, "file": path.name, "variant": recipe.variant,
                "target": recipe.target, "seed": run.cfg.seed, "steps": recipe.steps,
                "train_seconds": round(seconds, 1), "torch_threads": 1, "note": recipe.note,
                "config": json.loads(run.cfg.to_json()), "metrics": mets}
        checkpoints.save(path, checkpoints.from_run(run, extra={"zoo": info}))
        info["bytes"] = path.stat().st_size
        info["sha256"] = _sha256(path)
        info["weights_sha256"] = weights_hash(run.state())
        manifest["entries"][recipe.key] = info
        log(f"  wrote {path.name} ({info['bytes'] / 1e3:.0f} kB) in {seconds:.0f}s: "
            + ", ".join(f"{k}={v:.3g}" for k, v in mets.items() if isinstance(v, float)))
        _write_manifest(out_dir, manifest)
    manifest["missing"] = [{"key": r.key, "reason": f"variant '{r.variant}' is not registered"}
                           for r in recipes() if resolve(r) is None and r.key not in manifest["entries"]]
    manifest["total_bytes"] = sum(e["bytes"] for e in manifest["entries"].values())
    _write_manifest(out_dir, manifest)
    return manifest


def _write_manifest(out_dir: Path, manifest: dict) -> None:
    manifest["entries"] = dict(sorted(manifest["entries"].items()))
    tmp = out_dir / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=False) + "\n")
    tmp.replace(out_dir / MANIFEST)


def weights_hash(state: dict) -> str:
    """Hash of the weights alone (the file also holds the training time, which varies)."""
    h = hashlib.sha256()
    for k in sorted(state):
        h.update(k.encode())
        h.update(state[k].detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------- load
def read_manifest(out_dir: Path = PRETRAINED) -> dict | None:
    path = Path(out_dir) / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text())


def entries(out_dir: Path = PRETRAINED) -> dict[str, dict]:
    """key -> manifest info, for entries whose file is present."""
    manifest = read_manifest(out_dir) or {"entries": {}}
    return {k: v for k, v in manifest["entries"].items() if (Path(out_dir) / v["file"]).exists()}


def label(info: dict) -> str:
    return f"{info['target']} · {info['variant']} ({info['steps']:,} steps)"


def load_entry(key: str, out_dir: Path = PRETRAINED, device=None) -> Run:
    """A Run restored from the zoo (raises CheckpointError / KeyError)."""
    info = entries(out_dir).get(key)
    if info is None:
        raise KeyError(f"no pretrained entry {key!r}")
    ckpt = checkpoints.load(Path(out_dir) / info["file"])
    return checkpoints.restore_run(ckpt, device or torch.device("cpu"))


def default_key(target: str, out_dir: Path = PRETRAINED, variant: str = "nsgan") -> str | None:
    key = f"{target}__{variant}"
    return key if key in entries(out_dir) else None


# --------------------------------------------------------------------------- check
def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return abs(a - b) <= REL_TOL * max(1.0, abs(a), abs(b))


def warm_up() -> None:
    """Pay once-per-process costs (torch.optim's first use imports torch._dynamo, ~1-2 s)
    so that per-entry load times measure the load itself, as the running app sees it."""
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])


def check(out_dir: Path = PRETRAINED, log=print, metrics: bool = True) -> list[str]:
    """Problems found (empty = all good)."""
    torch.set_num_threads(1)
    manifest = read_manifest(out_dir)
    if manifest is None:
        return [f"no {MANIFEST} in {out_dir}"]
    problems = []
    total = 0
    warm_up()
    for key, info in manifest["entries"].items():
        path = Path(out_dir) / info["file"]
        if not path.exists():
            problems.append(f"{key}: file {info['file']} is missing")
            continue
        total += path.stat().st_size
        if info.get("sha256") and _sha256(path) != info["sha256"]:
            problems.append(f"{key}: file hash differs from the manifest")
        t0 = time.perf_counter()
        try:
            run = checkpoints.restore_run(checkpoints.load(path), torch.device("cpu"))
        except Exception as err:
            problems.append(f"{key}: does not load: {err}")
            continue
        load_s = time.perf_counter() - t0
        if load_s > 1.0:
            problems.append(f"{key}: load took {load_s:.2f}s (> 1 s)")
        line = f"{key}: loads in {load_s * 1e3:.0f} ms"
        if metrics:
            got = eval_metrics(run)
            bad = [k for k, v in info["metrics"].items() if not _close(v, got.get(k))]
            if bad:
                problems.append(f"{key}: metrics differ on reload: " + ", ".join(
                    f"{k} {info['metrics'][k]} vs {got.get(k)}" for k in bad))
            line += ", metrics reproduce" if not bad else ", METRICS DIFFER"
        log(line)
    if total > MAX_ZOO_BYTES:
        problems.append(f"zoo is {total / 2**20:.1f} MB (> {MAX_ZOO_BYTES / 2**20:.0f} MB)")
    log(f"{len(manifest['entries'])} entries, {total / 2**20:.2f} MB; missing: "
        + (", ".join(m["key"] for m in manifest.get("missing", [])) or "none"))
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gan_core.zoo", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="train and write the zoo")
    b.add_argument("--only", nargs="*", help="entry keys to (re)build, e.g. spiral__nsgan")
    b.add_argument("--out", default=str(PRETRAINED))
    b.add_argument("--steps-scale", type=float, default=1.0, help="multiply every entry's steps")
    b.add_argument("--changed-only", action="store_true",
                   help="skip entries whose file, config and steps already match the recipe")
    c = sub.add_parser("check", help="verify every entry loads and reproduces its metrics")
    c.add_argument("--out", default=str(PRETRAINED))
    sub.add_parser("list", help="list the recipes")
    args = parser.parse_args(argv)
    if args.command == "list":
        for r in recipes():
            print(f"{r.key:32s} {r.variant:8s} {r.steps:6d} steps" + ("" if resolve(r) else "  (missing)"))
        return 0
    if args.command == "build":
        if args.steps_scale == 1.0:
            from .classifier import CLASSIFIER_PATH, build_pretrained
            if not CLASSIFIER_PATH.exists():
                print("classifier:", build_pretrained())
        m = build(Path(args.out), args.only, args.steps_scale, changed_only=args.changed_only)
        print(f"zoo: {len(m['entries'])} entries, {m['total_bytes'] / 2**20:.2f} MB; "
              f"missing: {', '.join(x['key'] for x in m['missing']) or 'none'}")
        return 0
    problems = check(Path(args.out))
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

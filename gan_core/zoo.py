"""The pretrained zoo: trained generators that open instantly, each above a quality floor.

`python -m gan_core.zoo build` trains every entry reproducibly (one CPU thread, fixed
seed) and writes pretrained/<key>.safetensors plus pretrained/manifest.json with each
entry's config, seed, steps, training time, final metrics and quality floor
(gan_core.quality.floor_for its target).
`python -m gan_core.zoo check` reloads every file, times the load, checks the weights are
the ones measured, recomputes the metrics on the same evaluation latent (those that
reproduce exactly must match the manifest) and fails when an entry is below its floor.

Coverage: every 2-D target with nsgan and wgan_gp, except the spiral (no wgan_gp recipe
cleared its floor in budget) and grid25, which has infogan instead of wgan_gp and keeps
nsgan as a failure on purpose, for teaching (labelled so, and checked to stay below its
floor); deligan, infogan and cgan on eight_gaussians; digits with nsgan, cgan, infogan.
Entries whose variant is not registered yet are skipped and reported as missing.
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
from .history import DecimatedHistory
from .i18n import DEFAULT, Msg, catalogue
from .quality import Floor, floor_for
from .run import Run

PRETRAINED = Path(__file__).resolve().parent.parent / "pretrained"
MANIFEST = "manifest.json"
# Loss-history rows kept per entry: enough for the loss panel's curves; 2,500 rows (the
# default capacity's worth) made the 27 files 20.9 MB, over the zoo's 20 MB budget.
HISTORY_ROWS = 500
MAX_ZOO_BYTES = 20 * 1024 * 1024
REL_TOL = 1e-4
# Recorded but not compared on reload. MMD and energy are small differences of large
# float32 sums over a 500-point corner, so their last digits move with numpy's summation
# order (memory alignment); they are for display, and the definition of that corner has
# changed before (2,000 -> 500 points). The floor_* values are real-vs-real noise floors:
# a property of the target, not of the weights.
NOT_COMPARED = ("mmd", "energy")


@dataclass(frozen=True)
class Recipe:
    key: str
    variant: str
    target: str
    steps: int
    overrides: dict = field(default_factory=dict)
    note: str = ""
    # A failure on purpose, kept for teaching: its label and note say so, and `check`
    # requires it to stay below its floor, so it can never pass for a working model.
    failure: bool = False

    def config(self) -> Config:
        from .variants import config_for
        return config_for(self.variant, target=self.target, seed=0, **{**PINNED, **self.overrides})


# Pinned in every recipe, whatever the variant's defaults say, so that an entry rebuilds to
# the same model when a variant's defaults move. They did while this zoo was tuned: nsgan
# took minibatch std, the average and a 12,000-step decay, and with the pack quadratic fell
# below its floor (coverage 0.78, precision 0.77).
PINNED = dict(optimizer="adam", beta1=0.5, beta2=0.999, minibatch_std=False, g_ema=0.0,
              lr_decay_steps=0, lr_floor=0.1)


# What every 2-D entry shares. What is shown and measured is G's moving average, and both
# learning rates fall to a tenth over the run: the average lands samples on the data
# where the raw G keeps oscillating around it. A user who presses Train on an opened
# entry continues at that tenth (Run.from_checkpoint), so the model stays put.
SMOOTH = dict(g_ema=0.999, lr_floor=0.1)
# NS-GAN: equal, high rates with D fed packs of 2 (PacGAN's idea on this loss): a
# collapsed G is easy to catch. Without the pack nsgan missed 1-2 of ring8's modes.
NS_2D = dict(lr_d=1e-3, lr_g=1e-3, pack=2, **SMOOTH)
# WGAN-GP: packs of 2 too (line: coverage 0.39 -> 0.69 at 6,000 steps; no other change
# did better), and 2 critic steps per G step, not the paper's 5: ring8 reached 8/8 at
# HQ 93% in 40 CPU-s, where 5 critic steps needed 106 s for HQ 90%.
WGAN_2D = dict(lr_d=5e-4, lr_g=5e-4, beta2=0.9, batch_size=128, k_d=2, pack=2, gp_lambda=0.1,
               **SMOOTH)
# Thin manifolds (line, ring, swiss roll: bands a few hundredths wide) need a critic that
# resolves the band: a steeper one (gp_lambda 0.01), bigger batches, higher rates. Each
# helped alone (line at 6,000 steps: 0.69 -> 0.76-0.78 coverage); together 0.90 at 8,000.
THIN = dict(lr_d=1e-3, lr_g=1e-3, batch_size=256, gp_lambda=0.01)
BASES = {"nsgan": NS_2D, "wgan_gp": WGAN_2D}
# Every 2-D entry: key -> (steps, overrides on top of its variant's base). Steps are the
# fewest measured to clear the floor with a margin (seed 0, one thread, ~250 nsgan and
# ~160 wgan_gp steps per CPU-second); the manifest records what each entry reached.
PLANE = {
    "spiral__nsgan": (20000, dict(prior="uniform")),  # the spiral's own latent: U(-1, 1)^2
    "eight_gaussians__nsgan": (10000, {}),
    "eight_gaussians__wgan_gp": (6000, {}),
    "one_gaussian__nsgan": (10000, {}),
    "one_gaussian__wgan_gp": (6000, {}),
    "quadratic__nsgan": (10000, {}),
    "quadratic__wgan_gp": (6000, {}),
    "ring8__nsgan": (10000, {}),
    "ring8__wgan_gp": (6000, {}),
    "swiss_roll__nsgan": (10000, {}),
    "swiss_roll__wgan_gp": (8000, THIN),
    "line__nsgan": (10000, {}),
    "line__wgan_gp": (8000, THIN),
    "two_gaussians__nsgan": (10000, {}),
    "two_gaussians__wgan_gp": (6000, {}),
    "ring__nsgan": (15000, {}),
    "ring__wgan_gp": (8000, THIN),
    "disjoint__nsgan": (10000, {}),
    "disjoint__wgan_gp": (6000, {}),
    # No spiral__wgan_gp: no recipe tried drew the spiral within a few CPU-minutes. The
    # fakes fill the gaps between the arms: precision 0.55-0.63 (floor 0.8) after 12,000
    # steps with 2 critic steps (3 recipes, ~90 CPU-s each) or 6,000 with 5 (115 CPU-s).
    # grid25: no continuous G from a connected latent clears HQ 90% here: ~20% of its
    # samples bridge the modes (nsgan 21/25 at HQ 77%; wgan_gp 20/25 at 28% after 6,000
    # steps, as the GDPP paper's 28.7%). InfoGAN's categorical code picks the mode instead
    # (the "Best: grid25" preset); nsgan stays, as the failure to learn from.
    "grid25__infogan": (12000, None),
}
# The teaching failure. Its note says what goes wrong, and `check` keeps it below its floor.
GRID25_BRIDGES = (
    "Failure on purpose: the NS-GAN recipe that clears every other mode target, from a 2-D "
    "normal latent. A continuous G cannot tear its connected latent plane into 25 pieces, "
    "so about a fifth of its samples lie on bridges between modes (HQ under 90%) and a few "
    "modes are missed. grid25 · infogan, whose categorical code picks the mode, clears the floor.")
DIGITS = dict(latent_dim=16, g_output="tanh", g_depth=2, g_width=256, d_depth=2, d_width=256,
              activation="leaky_relu", batch_size=64, lr_d=2e-4, lr_g=2e-4, eval_size=1000)
DIGIT_STEPS = 8000
DIGIT_VARIANTS = {"nsgan": {}, "cgan": {}, "infogan": {"n_codes_cont": 2}}  # variant -> extra overrides
# A recipe's variant missing from the registry -> (the variant that stands in, a note):
# DeLiGAN = a GAN loss + the learnable mixture prior; fine on the nsgan loss.
STAND_INS = {"deligan": ("nsgan", "DeLiGAN as nsgan loss + mixture prior")}
PLANE_2D = dict(lr_d=2e-4, lr_g=2e-4)
MODE_EXTRAS = {  # eight_gaussians with the latent-structure variants
    # DeLiGAN may be a registered variant or the nsgan loss with the mixture prior. On
    # PLANE_2D its HQ fell to 88% (the average alone: 85%); the nsgan recipe gives 94%.
    "deligan": (5000, dict(NS_2D, prior="mixture", latent_dim=2, mixture_components=50)),
    "infogan": (5000, dict(PLANE_2D, latent_dim=4, n_codes_cont=2)),  # HQ 100% as is
    "cgan": (5000, PLANE_2D),  # HQ 99.6% as is
}


# What the Playground opens on a first visit, so there is a trained generator on screen
# at once (pages/playground.py falls back to an untrained run if it is missing).
FIRST_PAGE = "spiral__nsgan"


def _decayed(steps: int, over: dict) -> dict:
    """Overrides with the lr decay spanning the whole run."""
    return {**over, "lr_decay_steps": steps}


def plane_recipe(key: str) -> Recipe:
    target, variant = key.split("__")
    steps, extra = PLANE[key]
    if extra is None:  # a preset's recipe, as tuned there
        from .presets import BEST_GRID25
        settings = {k: v for k, v in BEST_GRID25.items() if k not in ("variant", "target")}
        return Recipe(key, variant, target, steps, _decayed(steps, settings),
                      "The \"Best: grid25\" preset: InfoGAN with one code value per mode.")
    return Recipe(key, variant, target, steps, _decayed(steps, {**BASES[variant], **extra}))


def recipes() -> list[Recipe]:
    out = [plane_recipe(k) for k in PLANE]
    steps = PLANE["ring8__nsgan"][0]
    out.append(Recipe("grid25__nsgan", "nsgan", "grid25", steps, _decayed(steps, NS_2D),
                      GRID25_BRIDGES, failure=True))
    for v, (steps, over) in MODE_EXTRAS.items():
        over = _decayed(steps, over) if "lr_floor" in over else dict(over)
        out.append(Recipe(f"eight_gaussians__{v}", v, "eight_gaussians", steps, over))
    for v, extra in DIGIT_VARIANTS.items():
        out.append(Recipe(f"digits__{v}", v, "digits", DIGIT_STEPS, {**DIGITS, **extra}))
    return out


def resolve(recipe: Recipe) -> Recipe | None:
    """The recipe as the registry can build it, or None when its variant is missing."""
    from .variants import VARIANTS
    if recipe.variant in VARIANTS:
        return recipe
    stand_in, note = STAND_INS.get(recipe.variant, (None, ""))
    if stand_in in VARIANTS:
        return Recipe(recipe.key, stand_in, recipe.target, recipe.steps, recipe.overrides, note)
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
def train_entry(recipe: Recipe, log=print) -> tuple[Run, dict, DecimatedHistory]:
    """Train one entry on one thread; returns the run, its wall and CPU seconds, and its
    loss history (saved with it, so the Playground's loss panel shows how it trained)."""
    torch.set_num_threads(1)
    run = Run(recipe.config(), device=torch.device("cpu"))
    history = DecimatedHistory(HISTORY_ROWS)
    t0, c0 = time.perf_counter(), time.process_time()
    every = max(1, recipe.steps // 5)
    for i in range(recipe.steps):
        history.add({"step": i + 1, **run.step()})
        if (i + 1) % every == 0:
            log(f"  {recipe.key}: step {i + 1}/{recipe.steps} ({time.perf_counter() - t0:.0f}s)")
    if not run.params_finite():
        raise RuntimeError(f"{recipe.key} diverged")
    return run, {"train_seconds": round(time.perf_counter() - t0, 1),
                 "train_cpu_seconds": round(time.process_time() - c0, 1)}, history


def floor_of(run: Run) -> Floor:
    return floor_for(run.out_target)


def build_entry(recipe: Recipe, out_dir: Path, log=print) -> dict:
    """Train, measure and write one entry; returns its manifest info."""
    log(f"train {recipe.key} ({recipe.variant} on {recipe.target}, {recipe.steps} steps)")
    run, times, history = train_entry(recipe, log)
    mets = eval_metrics(run)
    floor = floor_of(run)
    path = Path(out_dir) / f"{recipe.key}.safetensors"
    info = {"key": recipe.key, "file": path.name, "variant": recipe.variant,
            "target": recipe.target, "seed": run.cfg.seed, "steps": recipe.steps, **times,
            "torch_threads": 1, "note": recipe.note, "failure": recipe.failure,
            "config": json.loads(run.cfg.to_json()), "metrics": mets,
            "floor": floor.to_dict(), "passes_floor": floor.passes(mets)}
    # no optimiser state: a pretrained model opens with fresh optimisers (and stays small)
    checkpoints.save(path, checkpoints.from_run(run, history.to_dict(), {"zoo": info},
                                                train_state=False))
    info["bytes"] = path.stat().st_size
    info["sha256"] = _sha256(path)
    info["weights_sha256"] = weights_hash(run.state())
    verdict = "passes its floor" if info["passes_floor"] else "BELOW its floor: " + "; ".join(
        floor.failures(mets))
    log(f"  wrote {path.name} ({info['bytes'] / 1e3:.0f} kB) in {times['train_cpu_seconds']:.0f} "
        f"CPU-s, {verdict}" + (" (a failure on purpose)" if recipe.failure else "") + ": "
        + ", ".join(f"{k}={v:.3g}" for k, v in mets.items() if isinstance(v, float)))
    return info


def _unchanged(old: dict | None, recipe: Recipe, out_dir: Path) -> bool:
    """The entry on disk was built from this very recipe. Configs compare as Configs, so a
    field added later with its default does not count as a change."""
    return bool(old and (Path(out_dir) / old["file"]).exists() and old["steps"] == recipe.steps
                and old["variant"] == recipe.variant and old.get("failure", False) == recipe.failure
                and Config.from_dict(old["config"]) == recipe.config())


def _todo(only: list[str] | None) -> list[Recipe]:
    todo = recipes()
    if only:
        by_key = {r.key: r for r in todo}
        unknown = [k for k in only if k not in by_key]
        if unknown:
            raise KeyError(f"no recipe called {', '.join(unknown)} (see `python -m gan_core.zoo list`)")
        todo = [by_key[k] for k in only]
    return todo


def build(out_dir: Path = PRETRAINED, only: list[str] | None = None, steps_scale: float = 1.0,
          log=print, changed_only: bool = False) -> dict:
    """Train and write entries (all, or `only`, in that order). changed_only: skip entries
    whose file exists and whose recorded config and steps equal the recipe's."""
    from .device import configure_threads
    configure_threads(1)  # torch and the metrics' BLAS/OpenMP pools: reproducible, and polite
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(out_dir) or {"version": 1, "entries": {}, "missing": []}
    for base in _todo(only):
        recipe = resolve(base)
        if recipe is None:
            log(f"skip {base.key}: variant '{base.variant}' is not registered")
            continue
        old = manifest["entries"].get(recipe.key)
        if changed_only and _unchanged(old, recipe, out_dir):
            # the floor and the note are not in the file: bring them up to date
            floor = expected_floor(old)
            old.update(note=recipe.note, floor=floor.to_dict(),
                       passes_floor=floor.passes(old["metrics"]))
            log(f"keep {recipe.key}: unchanged")
            continue
        if steps_scale != 1.0:
            recipe = Recipe(recipe.key, recipe.variant, recipe.target,
                            max(1, int(recipe.steps * steps_scale)), recipe.overrides,
                            recipe.note, recipe.failure)
        manifest["entries"][recipe.key] = build_entry(recipe, out_dir, log)
        _write_manifest(out_dir, manifest)
    _prune(manifest, out_dir, log)
    manifest["missing"] = [{"key": r.key, "reason": f"variant '{r.variant}' is not registered"}
                           for r in recipes() if resolve(r) is None and r.key not in manifest["entries"]]
    manifest["total_bytes"] = sum(e["bytes"] for e in manifest["entries"].values())
    _write_manifest(out_dir, manifest)
    return manifest


def _prune(manifest: dict, out_dir: Path, log=print) -> None:
    """Drop entries no recipe makes any more (and their files): a retired entry must not
    linger in the app, unchecked against a recipe that no longer exists."""
    keep = {r.key for r in recipes()}
    for key in [k for k in manifest["entries"] if k not in keep]:
        info = manifest["entries"].pop(key)
        (Path(out_dir) / info["file"]).unlink(missing_ok=True)
        log(f"removed {key}: no recipe makes it any more")


def _write_manifest(out_dir: Path, manifest: dict) -> None:
    manifest["entries"] = dict(sorted(manifest["entries"].items()))
    text = json.dumps(manifest, indent=1, sort_keys=False) + "\n"
    checkpoints.write_atomic(Path(out_dir) / MANIFEST, text.encode())


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


def label(info: dict) -> Msg:
    """'spiral · nsgan (20,000 steps)' as a Msg, so the pickers show it in the reader's
    language; a failure on purpose says so."""
    key = "zoo.label_failure" if info.get("failure") else "zoo.label"
    return Msg(key, target=info["target"], variant=info["variant"], steps=info["steps"])


def note(key: str, info: dict) -> str:
    """The entry's note: from the catalogue where it has one (the failure on purpose's,
    which the Playground shows), else the manifest's English."""
    found = f"zoo.note.{key}"
    return Msg(found) if found in catalogue(DEFAULT) else info.get("note", "")


def load_entry(key: str, out_dir: Path = PRETRAINED, device=None) -> Run:
    """A Run restored from the zoo (raises CheckpointError / KeyError)."""
    info = entries(out_dir).get(key)
    if info is None:
        raise KeyError(f"no pretrained entry {key!r}")
    ckpt = checkpoints.load(Path(out_dir) / info["file"])
    return Run.from_checkpoint(ckpt, device or torch.device("cpu"))


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


def compared(metrics: dict) -> dict:
    """The recorded metrics that must reproduce on reload (see NOT_COMPARED)."""
    return {k: v for k, v in metrics.items() if k not in NOT_COMPARED and not k.startswith("floor_")}


def expected_floor(info: dict) -> Floor:
    """quality.floor_for the entry's output target, from its recorded config."""
    from .targets import resolve_target
    from .variants import get_variant
    cfg = Config.from_dict(info["config"])
    return floor_for(get_variant(cfg.variant).output_target(cfg, resolve_target(cfg)))


def floor_problems(key: str, info: dict, mets: dict) -> list[str]:
    """The manifest's floor must be floor_for(target) (so nobody weakens it there); a working
    entry must pass it, and a failure on purpose must not (nor hide what it is)."""
    floor = expected_floor(info)
    try:
        recorded = Floor.from_dict(info["floor"])
    except (KeyError, TypeError, ValueError):
        recorded = None
    problems = [] if recorded == floor else [
        f"{key}: the manifest's floor is not quality.floor_for({info['target']}) "
        f"({floor.describe()})"]
    fails = floor.failures(mets)
    if not info.get("failure"):
        return problems + ([f"{key}: below its floor: " + "; ".join(fails)] if fails else [])
    if not fails:
        problems.append(f"{key}: marked a failure on purpose but passes its floor "
                        f"({floor.describe()}): rebuild it as a working entry")
    if "failure" not in label(info) or "failure" not in info.get("note", "").lower():
        problems.append(f"{key}: a failure on purpose must say so in its label and note")
    return problems


def check_entry(key: str, info: dict, out_dir: Path, metrics: bool = True) -> tuple[list[str], str]:
    """(problems, a log line) for one manifest entry."""
    path = Path(out_dir) / info["file"]
    if not path.exists():
        return [f"{key}: file {info['file']} is missing"], f"{key}: MISSING"
    problems = []
    if _sha256(path) != info.get("sha256"):
        problems.append(f"{key}: file hash differs from the manifest")
    t0 = time.perf_counter()
    try:
        run = Run.from_checkpoint(checkpoints.load(path), torch.device("cpu"))
    except Exception as err:
        return problems + [f"{key}: does not load: {err}"], f"{key}: DOES NOT LOAD"
    load_s = time.perf_counter() - t0
    if load_s > 1.0:
        problems.append(f"{key}: load took {load_s:.2f}s (> 1 s)")
    if weights_hash(run.state()) != info.get("weights_sha256"):
        problems.append(f"{key}: its weights are not the ones the manifest measured")
    line, mets = f"{key}: loads in {load_s * 1e3:.0f} ms", info["metrics"]
    if metrics:
        mets = eval_metrics(run)
        want = compared(info["metrics"])
        bad = [k for k, v in want.items() if not _close(v, mets.get(k))]
        if bad:
            problems.append(f"{key}: metrics differ on reload: " + ", ".join(
                f"{k} {want[k]} vs {mets.get(k)}" for k in bad))
        line += ", metrics reproduce" if not bad else ", METRICS DIFFER"
    floor = floor_problems(key, info, mets)
    line += (", below its floor on purpose" if info.get("failure") else ", above its floor"
             ) if not floor else ", FLOOR PROBLEM"
    return problems + floor, line


def check(out_dir: Path = PRETRAINED, log=print, metrics: bool = True) -> list[str]:
    """Problems found (empty = all good). metrics=False judges the recorded metrics
    instead of recomputing them (fast; the weights hash still ties them to the file)."""
    from .device import configure_threads
    configure_threads(1)  # the metrics reproduce to the last digit on one thread
    manifest = read_manifest(out_dir)
    if manifest is None:
        return [f"no {MANIFEST} in {out_dir}"]
    problems = []
    warm_up()
    for key, info in manifest["entries"].items():
        found, line = check_entry(key, info, Path(out_dir), metrics)
        problems += found
        log(line)
    total = sum(f.stat().st_size for f in Path(out_dir).iterdir() if f.is_file())
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
    c = sub.add_parser("check", help="verify every entry loads, reproduces its metrics and "
                                     "clears its quality floor")
    c.add_argument("--out", default=str(PRETRAINED))
    sub.add_parser("list", help="list the recipes")
    args = parser.parse_args(argv)
    if args.command == "list":
        for r in recipes():
            print(f"{r.key:32s} {r.variant:8s} {r.steps:6d} steps" + ("" if resolve(r) else "  (missing)")
                  + ("  (failure on purpose)" if r.failure else ""))
        return 0
    if args.command == "build":
        if args.steps_scale == 1.0:
            from .classifier import CLASSIFIER_PATH, build_pretrained
            if not CLASSIFIER_PATH.exists():
                print("classifier:", build_pretrained())
        try:
            m = build(Path(args.out), args.only, args.steps_scale, changed_only=args.changed_only)
        except KeyError as err:
            parser.error(err.args[0])
        below = [k for k, e in m["entries"].items() if e.get("passes_floor") == e.get("failure")]
        print(f"zoo: {len(m['entries'])} entries, {m['total_bytes'] / 2**20:.2f} MB; "
              f"missing: {', '.join(x['key'] for x in m['missing']) or 'none'}"
              + (f"; on the wrong side of their floor: {', '.join(below)}" if below else ""))
        return 1 if below else 0
    problems = check(Path(args.out))
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

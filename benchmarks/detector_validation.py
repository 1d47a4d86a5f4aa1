"""Measure the detector's precision and recall per alert type on labelled cases.

    python benchmarks/detector_validation.py              # synthetic suite (~1 min)
    python benchmarks/detector_validation.py --real       # + short real training runs
    python benchmarks/detector_validation.py --real-only --steps 4000 --seeds 3
    python benchmarks/detector_validation.py --real-only --seed0 6 --record runs.npz  # held-out seeds
    python benchmarks/detector_validation.py --replay runs.npz  # re-score a changed detector, no training
    python benchmarks/detector_validation.py --replay a.npz,b.npz  # several recordings as one set

Synthetic suite: fake sets with a known answer (perfect sampler, one mode, half the
modes, hopping between modes, blurred, 1% and 3% uniform junk) plus loss-only cases
(D wins, NaN) on several targets and seeds. Each case is evaluated `--evals` times in
a row (the detector needs a few checks before it speaks) and scored on the alerts
after the last check. Real runs: short trainings of several variants, sizes and
learning rates on ring8, eight_gaussians and grid25, each labelled at its end from
20,000 fresh samples (collapsed = a mode under 10% of its fair share), and scored
on whether `collapse` or `mode_hopping` is active at the detector's last check. The
detector sees only the run's usual eval batch (eval_size, 2,000 by default) every 250
steps, never the labelling sample. `--record` saves every eval batch, loss and label
(plain arrays + JSON), so `--replay` scores a changed detector on the very same runs;
tune on some seeds and confirm on fresh ones (`--seed0`).

Verdicts on the real runs: each run's end is also scored against its target's quality
floor (gan_core.quality.floor_for) from the same 20,000-sample label, and the detector's
final verdict (too early, learning, stalled, healthy, alert) is tallied against it. The
one count that must be 0 is "below the floor but healthy": a run the app would call
healthy while it is not there. It is printed beside collapse precision and recall.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from gan_core.config import Config
from gan_core.detector import Detector
from gan_core.targets import get_target

KINDS = ("collapse", "mode_hopping", "discriminator_wins", "diverged", "off_target")
OK_LOSSES, OK_GRADS = {"d_loss": 1.3, "g_loss": 0.8}, {"d": 1.0, "g": 1.0}


# --------------------------------------------------------------------------- synthetic cases
def _real(target, n, seed):
    x, f = target.sample(n, torch.Generator().manual_seed(seed))
    return x.numpy().astype(np.float64), f.numpy()


def _pieces(target, n, seed):
    """(points, piece index) with pieces = modes, or spiral/curve thirds by first factor."""
    x, f = _real(target, n, seed)
    if target.has_modes and len(target.mode_centers) > 1:
        return x, target.labels_from_factors(torch.as_tensor(f)).numpy(), len(target.mode_centers)
    order = np.argsort(np.argsort(f[:, 0]))  # rank along the first factor
    return x, order * 8 // n, 8  # eight equal stretches along the curve


def _with_junk(target, n, s, frac, lo, hi):
    """Real points with the first `frac` of them replaced by uniform junk over the view."""
    x = _real(target, n, s)[0]
    m = int(frac * n)
    x[:m] = np.random.default_rng(s).uniform(lo, hi, (m, 2))
    return x


def synthetic_cases(target, n, seed, evals):
    """name -> (labels, list of (points, losses, grads) per evaluation)."""
    rng = np.random.default_rng(seed)
    lo, hi = np.array(target.bounds[::2]), np.array(target.bounds[1::2])

    def sets(fn):
        return [(fn(seed * 100 + i), OK_LOSSES, OK_GRADS) for i in range(evals)]

    def keep(pieces_wanted, s):  # real points restricted to some pieces, resampled to n
        x, piece, _ = _pieces(target, 4 * n, s)
        x = x[np.isin(piece, pieces_wanted)]
        return x[np.random.default_rng(s).integers(0, len(x), n)]

    _, _, k = _pieces(target, 100, 0)
    # Blur by 1.5 mode sigmas (HQ falls to ~75%), or 8% of the display scale.
    blur = (1.5 * target.mode_sigmas.mean(0) if target.has_modes
            else 0.08 * np.array(target.scale_xy))

    def junk(frac):
        return lambda s: _with_junk(target, n, s, frac, lo, hi)

    nan = {"d_loss": float("nan"), "g_loss": 1.0}
    return {
        "perfect": ((), sets(lambda s: _real(target, n, s)[0])),
        "one_mode": (("collapse",), sets(lambda s, m=int(rng.integers(k)): keep([m], s))),
        "half_modes": (("collapse",), sets(lambda s: keep(list(range(0, k, 2)), s))),
        "hopping": (("collapse", "mode_hopping"),
                    [(keep([i % k], seed * 100 + i), OK_LOSSES, OK_GRADS) for i in range(evals)]),
        "blurred": (("off_target",), sets(
            lambda s: _real(target, n, s)[0] + blur * np.random.default_rng(s).standard_normal((n, 2)))),
        "junk_1pct": (("off_target",), sets(junk(0.01))),
        "junk_3pct": (("off_target",), sets(junk(0.03))),
        "d_wins": (("discriminator_wins",),
                   [(_real(target, n, seed * 100 + i)[0], {"d_loss": 1e-3, "g_loss": 0.0},
                     {"d": 0.1, "g": 1e-6}) for i in range(evals)]),
        "nan_loss": (("diverged",), [(_real(target, n, seed)[0], nan, OK_GRADS)]),
    }


def run_case(target, evals_data, start=1000, every=200):
    det = Detector(target, Config(target=target.name))
    alerts = []
    for i, (x, losses, grads) in enumerate(evals_data):
        alerts = det.evaluate(start + i * every, x, losses, grads)
    return {a.kind for a in alerts}


def synthetic_suite(targets, seeds, n, evals):
    rows = []  # (target, case, labels, fired)
    for name in targets:
        target = get_target(name)
        for seed in range(seeds):
            for case, (labels, data) in synthetic_cases(target, n, seed, evals).items():
                rows.append((name, case, set(labels), run_case(target, data)))
    return rows


# --------------------------------------------------------------------------- real runs
def real_run_cases(steps, seeds, seed0=0):
    """Training configs spanning healthy and collapsing runs: (description, Config).
    Their labels are not assumed from the config; `end_label` measures them."""
    from gan_core.variants import config_for
    # eval_size is left at the app's default (2,000): the detector sees what it sees live.
    small = dict(g_depth=2, g_width=32, d_depth=2, d_width=32, batch_size=128)
    mid = dict(g_depth=3, g_width=64, d_depth=3, d_width=64, batch_size=128)
    recipes = [
        ("nsgan small lr1e-3", "nsgan", dict(small, lr_d=1e-3, lr_g=1e-3)),
        ("nsgan small lr3e-3", "nsgan", dict(small, lr_d=3e-3, lr_g=3e-3)),
        ("minimax small lr1e-3", "minimax", dict(small, lr_d=1e-3, lr_g=1e-3)),
        ("nsgan mid lr5e-4", "nsgan", dict(mid, lr_d=5e-4, lr_g=5e-4)),
        ("wgan_gp mid lr5e-4", "wgan_gp", dict(mid, lr_d=5e-4, lr_g=5e-4)),
    ]
    cases = []
    for target in ("ring8", "eight_gaussians", "grid25"):
        for desc, variant, kw in recipes:
            for seed in range(seed0, seed0 + seeds):
                cases.append((f"{desc} {target}", config_for(variant, target=target, seed=seed, **kw)))
    return cases


def end_label(run, n=20000):
    """Ground truth at the end of a run, from a large fresh sample (not the detector's
    eval batch): collapsed when some mode gets under 10% of its fair share while at
    least 3% of samples do sit on modes. Below that the generator has not found the
    modes at all (a blur), which is `off_target`, not collapse."""
    from gan_core.metrics import mode_stats
    t = run.target
    fake = run.generate(run.sample_latent(n, seed=12345))
    m = mode_stats(fake, t.mode_centers, t.mode_sigmas)
    collapsed = m["captured"] < m["n_modes"] and m["hq"] >= 0.03
    return ({"collapse"} if collapsed else set()), m


def real_runs(steps, seeds, every=250, seed0=0, record=None):
    """Train each config with gan_core.trainer.Run, run the detector every `every`
    steps on the fixed eval batch, and score the alerts active at the end against
    the end-of-run label. `record`: a path to save every eval batch, loss and label
    (npz) so `--replay` can re-score a changed detector on the very same runs."""
    from gan_core.run import Run
    rows, saved = [], []
    for desc, cfg in real_run_cases(steps, seeds, seed0):
        run = Run(cfg, device=torch.device("cpu"))
        evals, t0 = [], time.perf_counter()
        for step in range(1, steps + 1):
            out = run.step()
            if step % every:
                continue
            fake = run.generate(run.eval_latent())
            losses = {k: v for k, v in out.items() if k.endswith("loss")}
            grads = {k[0]: v for k, v in out.items() if k.endswith("grad")}
            evals.append((step, fake, losses, grads))
        labels, m = end_label(run)
        case = {"desc": desc, "cfg": cfg, "labels": labels, "end": m, "evals": evals,
                "seconds": time.perf_counter() - t0}
        rows.append(score_run(case))
        if record:
            saved.append(case)
            save_runs(record, saved)  # after every run: a long sweep can be cut short
    return rows


def score_run(case, verbose=True):
    """Replay one run's eval batches through a fresh detector;
    (target, desc, labels, said, end above the floor, final verdict state)."""
    cfg, m = case["cfg"], case["end"]
    det = Detector(get_target(cfg.target), cfg)
    final = set()
    for step, fake, losses, grads in case["evals"]:
        final = {a.kind for a in det.evaluate(step, fake, losses, grads)}
    said = {"collapse"} if final & {"collapse", "mode_hopping"} else set()
    above = det.floor.passes(m)  # the 20,000-sample end stats, not the eval batch
    if verbose:
        row = det.history[-1] if det.history else {}
        print(f"  {case['desc']:34s} seed {cfg.seed}: {m['captured']}/{m['n_modes']} modes, "
              f"HQ {m['hq']:.0%} -> {'collapsed' if case['labels'] else 'not collapsed'}, "
              f"{'above' if above else 'below'} the floor; "
              f"detector at the end: {sorted(final) or '-'}, {det.verdict.state} (sees "
              f"{row.get('captured', '?')}/{m['n_modes']}, HQ {row.get('hq', 0):.0%}, spread "
              f"{row.get('spread_ratio', 0):.2f}, KL {row.get('reverse_kl', 0):.2f}) "
              f"({case.get('seconds', 0):.0f}s)", flush=True)
    return (cfg.target, case["desc"], case["labels"], said, above, det.verdict.state)


def save_runs(path, cases):
    """Plain arrays + JSON (no pickle): configs, labels, end stats, eval batches."""
    meta, arrays = [], {}
    for i, c in enumerate(cases):
        meta.append({"desc": c["desc"], "cfg": c["cfg"].to_json(), "labels": sorted(c["labels"]),
                     "end": {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in c["end"].items()},
                     "seconds": c["seconds"],
                     "evals": [(step, losses, grads) for step, _, losses, grads in c["evals"]]})
        arrays[f"fake_{i}"] = np.stack([e[1] for e in c["evals"]]).astype(np.float32)  # (E, N, 2)
    np.savez_compressed(path, meta=np.array(json.dumps(meta)), **arrays)


def load_runs(path):
    data = np.load(path, allow_pickle=False)
    cases = []
    for i, c in enumerate(json.loads(str(data["meta"]))):
        fakes = data[f"fake_{i}"]
        cases.append({"desc": c["desc"], "cfg": Config.from_json(c["cfg"]), "labels": set(c["labels"]),
                      "end": c["end"], "seconds": c["seconds"],
                      "evals": [(s, f, loss, g) for (s, loss, g), f in zip(c["evals"], fakes)]})
    return cases


# --------------------------------------------------------------------------- scoring
def score(rows, kinds, healthy_below=None):
    """Precision and recall per alert kind; `healthy_below` (real runs): the count of runs
    that end below the floor with a healthy verdict, printed on the same line."""
    extra = "  below floor but healthy" if healthy_below is not None else ""
    print(f"{'alert':20s} {'TP':>4s} {'FP':>4s} {'FN':>4s} {'precision':>10s} {'recall':>7s}"
          f" {'false alarms':>13s}{extra}")
    for kind in kinds:
        tp = sum(kind in r[2] and kind in r[3] for r in rows)
        fp = sum(kind not in r[2] and kind in r[3] for r in rows)
        fn = sum(kind in r[2] and kind not in r[3] for r in rows)
        negatives = sum(kind not in r[2] for r in rows)
        prec = tp / (tp + fp) if tp + fp else float("nan")
        rec = tp / (tp + fn) if tp + fn else float("nan")
        false_alarms = fp / negatives if negatives else float("nan")  # share of the unlabelled
        tail = f"  {healthy_below:24d}" if healthy_below is not None else ""
        print(f"{kind:20s} {tp:4d} {fp:4d} {fn:4d} {prec:10.2f} {rec:7.2f} {false_alarms:13.0%}{tail}")


def score_verdicts(rows) -> int:
    """Final verdict against the end-of-run floor; returns the runs below the floor that
    the detector calls healthy (must be 0)."""
    from gan_core.detector import VERDICT_STATES
    table = {above: defaultdict(int) for above in (True, False)}
    for *_, above, state in rows:
        table[above][state] += 1
    print("final verdict vs the end-of-run floor (20,000 samples):")
    print(f"  {'end':18s}" + "".join(f"{s:>11s}" for s in VERDICT_STATES))
    for above, label in ((True, "above the floor"), (False, "below the floor")):
        print(f"  {label:18s}" + "".join(f"{table[above][s]:11d}" for s in VERDICT_STATES))
    return table[False]["healthy"]


def score_real(rows):
    healthy_below = score_verdicts(rows)
    score(rows, ("collapse",), healthy_below)
    print_misses(rows)


def print_misses(rows):
    misses = defaultdict(int)
    for target, case, lab, fired, *_ in rows:
        if lab != fired:
            misses[(target, case, tuple(sorted(lab)), tuple(sorted(fired)))] += 1
    if misses:
        print("mismatches (target, case, expected, fired): count")
        for key, count in sorted(misses.items()):
            print(f"  {key}: {count}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--targets", default="eight_gaussians,ring8,grid25,two_gaussians,spiral,swiss_roll")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--evals", type=int, default=4)
    ap.add_argument("--real", action="store_true")
    ap.add_argument("--real-only", action="store_true")
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--seed0", type=int, default=0, help="first real-run seed (held-out checks)")
    ap.add_argument("--record", help="save the real runs' eval batches to this .npz")
    ap.add_argument("--replay", help="re-score real runs saved by --record (no training); "
                    "several files: a.npz,b.npz")
    args = ap.parse_args()
    torch.set_num_threads(1)
    if not (args.real_only or args.replay):
        t0 = time.perf_counter()
        rows = synthetic_suite(args.targets.split(","), args.seeds, args.n, args.evals)
        print(f"synthetic suite: {len(rows)} cases, {time.perf_counter() - t0:.0f}s")
        score(rows, KINDS)
        print_misses(rows)
    if args.replay:
        print(f"\nreal runs replayed from {args.replay}:")
        cases = [case for path in args.replay.split(",") for case in load_runs(path)]
        score_real([score_run(case) for case in cases])
    elif args.real or args.real_only:
        print(f"\nreal runs ({args.steps} steps each):")
        score_real(real_runs(args.steps, args.seeds, seed0=args.seed0, record=args.record))


if __name__ == "__main__":
    main()

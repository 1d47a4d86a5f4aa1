"""Presets as data: a config and the promise it keeps.

A preset is one click in the Playground's sidebar. Each states its promise next to its
config: what the user will see, by when (seconds of training on one CPU thread, headless;
the page trains at >= 70% of that speed), and the checks on the app's own metrics that
show it (the detector's rows: captured, hq, coverage, tear_score, width_ratio...).
`benchmarks/fidelity.py --presets` trains every preset on 5 seeds and prints kept/broken.

The recipes were tuned on that benchmark; its docstring records what was tried.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config
from .quality import Check
from .variants import config_for


@dataclass(frozen=True)
class Promise:
    watch: str  # what to watch, in words, shown beside the preset
    seconds: float  # by this much training (headless, one thread)
    checks: tuple[Check, ...]
    seeds: int = 4  # it must hold on at least this many of 5 seeds

    def holds(self, metrics: dict) -> bool:
        return all(c.passes(metrics) for c in self.checks)

    def describe(self) -> str:
        return (f"{' and '.join(c.describe() for c in self.checks)} within {self.seconds:.0f} s "
                f"of training, on at least {self.seeds} of 5 seeds")


@dataclass(frozen=True)
class Preset:
    name: str
    note: str  # one line: what the preset is
    settings: dict = field(default_factory=dict)  # variant + Config overrides
    promise: Promise | None = None

    def config(self, **overrides) -> Config:
        s = {**UNAIDED, **self.settings, **overrides}
        return config_for(s.pop("variant"), **s)


# The training aids a variant's defaults may switch on, off unless a preset asks for them:
# a promise was measured on exactly its settings, and must not move when a variant's
# defaults do (NS-GAN's took minibatch std, an EMA and lr decay, which ended the collapse
# that "Mode collapse on ring8" promises).
UNAIDED = dict(minibatch_std=False, g_ema=0.0, lr_decay_steps=0, lr_floor=0.1)


# The best recipes found for the VEEGAN/PacGAN protocol (benchmarks/fidelity.py). InfoGAN's
# categorical code has one value per mode: from a discrete code a continuous G need not
# tear its latent plane between modes, so almost no samples land between them (with a
# 2-D normal latent 15-25% of grid25's samples did, whatever the loss or net size). D sees
# pairs (PacGAN2), the samples shown are an EMA of G's weights, and the step size decays.
# A weight of 3 on the code's cross-entropy (the paper's 1 left one ring8 code straddling
# two modes on 3 seeds in 5, HQ 85-93%) pushes each code onto a mode of its own.
# Unlike the published rows, the code's size uses the known mode count.
BEST_RING8 = dict(
    variant="infogan", target="ring8", latent_dim=2, n_codes_cont=0, prior="normal",
    g_depth=3, g_width=128, d_depth=3, d_width=128, lr_d=1e-3, lr_g=1e-3, batch_size=256,
    pack=2, g_ema=0.999, lr_decay_steps=12000, lr_floor=0.1, info_lambda_cat=3.0)
BEST_GRID25 = dict(BEST_RING8, target="grid25")
# The same without knowing the mode count: NS-GAN with PacGAN2 and the EMA.
PACGAN2_EMA = {k: v for k, v in BEST_RING8.items() if not k.startswith(("info_", "n_codes"))}
PACGAN2_EMA["variant"] = "nsgan"
PACGAN2_EMA = {**UNAIDED, **PACGAN2_EMA}

PRESETS: dict[str, Preset] = {p.name: p for p in [
    # Lazarou, "GANs and inefficient mappings" (2018): G ties its latent square in knots
    # instead of unrolling it along the arm. The knots are folds (metrics.fold_share: the
    # sign of det dG/dz flips), not tears: a spiral arm is one connected band, and on 5
    # seeds the tear score stayed 0.000 (the largest stretch was 9x the median, under the
    # 10x a tear needs), while 7-47% of the square was folded by 10,000 steps; the true
    # map folds none. The article's plain recipe (lr 5e-4, no pack, no average) covered
    # the arm only on 2 seeds in 5 (coverage 0.17-0.74 at 10,000 steps), and its band was
    # wider than the data (width ratio 0.7-3.4), so the promise is on cover and folds;
    # PacGAN2, the average and the decaying rate of the first page's spiral made the
    # cover hold (0.75-0.80 on 5 of 5).
    Preset(
        "Lazarou spiral",
        "The article's setup (uniform 2-D latent, MLP, NS-GAN), plus PacGAN2 and an EMA.",
        dict(variant="nsgan", target="spiral", latent_dim=2, prior="uniform", g_depth=3,
             g_width=128, d_depth=3, d_width=128, lr_d=1e-3, lr_g=1e-3, batch_size=256,
             activation="relu", pack=2, g_ema=0.999, lr_decay_steps=12000),
        Promise("The fakes cover the spiral's arm, but G folds its latent square to get "
                "there: the colours run back and forth along the arm, where the true map "
                "(right) unrolls the square in one sweep. Mapping page: Folded.", 90.0,
                (Check("coverage", ">=", 0.7), Check("fold_share", ">=", 0.05)))),
    Preset(
        "Mode collapse on ring8",
        "Small nets, a large step size and two G steps per D step on eight sharp modes: "
        "it collapses.",
        # Two G steps per D step let G chase the current D: with one, a seed in two kept
        # all eight modes at 30 s.
        dict(variant="nsgan", target="ring8", latent_dim=2, prior="normal", g_depth=2,
             g_width=32, d_depth=2, d_width=32, lr_d=1e-3, lr_g=1e-3, batch_size=128, k_g=2),
        Promise("The fakes gather on a few of the eight modes, or in one clump, and leave "
                "the rest empty; the detector raises a mode-collapse alert.",
                30.0, (Check("captured", "<=", 4),))),
    Preset(
        "WGAN-GP fixes it",
        "Same target, a Wasserstein critic with gradient penalty: all modes.",
        # 2 critic steps per G step instead of the paper's 5, and an average of G's weights:
        # with 5, HQ was 53-62% at 30 s; with these, 88% (benchmarks/fidelity.py --presets).
        dict(variant="wgan_gp", target="ring8", latent_dim=2, prior="normal", g_depth=3,
             g_width=64, d_depth=3, d_width=64, lr_d=5e-4, lr_g=5e-4, batch_size=128, k_d=2,
             g_ema=0.999),
        Promise("All eight modes fill, and most fakes land on a mode.", 30.0,
                (Check("captured", ">=", 8), Check("hq", ">=", 0.8)), seeds=5)),
    Preset(
        "Best: ring8",
        "The best recipe found for the ring: InfoGAN with one code value per mode, D sees "
        "pairs (PacGAN2), an average of G's weights.",
        BEST_RING8,
        Promise("All eight modes, nearly every fake within 3σ of a mode.", 60.0,
                (Check("captured", ">=", 8), Check("hq", ">=", 0.97),
                 Check("reverse_kl", "<=", 0.05)), seeds=5)),
    Preset(
        "Best: grid25",
        "The best recipe found for the 5x5 grid: the ring's recipe on 25 modes.",
        BEST_GRID25,
        Promise("All 25 modes, nearly every fake within 3σ of a mode.", 60.0,
                (Check("captured", ">=", 25), Check("hq", ">=", 0.94),
                 Check("reverse_kl", "<=", 0.04)), seeds=5)),
    # The tutorial's shapes (G dense 16, 16; D dense 16, 16, then 2, then 1; leaky ReLU,
    # uniform noise). Its RMSProp with 10 D and 10 G steps also works, ~10x slower; Adam
    # at 2e-3 fits the curve in ~1,200 steps, and on the Discriminator inspector a G step
    # after D's catch-up steps moves the fake feature centroid towards the real one
    # (4 seeds x 5 stages of training: 20 of 20 after 50 D steps, 18 of 20 after 20).
    Preset(
        "Quadratic tutorial (2-D D features)",
        "The quadratic-curve tutorial: D ends in a 2-unit feature layer, so the "
        "Discriminator inspector can plot D's feature space.",
        dict(variant="nsgan", target="quadratic", latent_dim=2, prior="uniform", g_depth=2,
             g_width=16, d_depth=2, d_width=16, d_feature_dim=2, activation="leaky_relu",
             optimizer="adam", lr_d=2e-3, lr_g=2e-3, k_d=1, k_g=1, batch_size=128,
             g_ema=0.999, lr_decay_steps=8000),
        # Its 16-unit nets are the tutorial's: they trace the curve, loosely (a fresh real
        # sample scores ~0.95 on both; 0.55-0.80 on 5 seeds at 30 s).
        Promise("The fakes spread along the curve y = 10 + x², loosely: the tutorial's "
                "16-unit nets are small.", 30.0,
                (Check("coverage", ">=", 0.55), Check("precision", ">=", 0.55)))),
]}
DEFAULT = "Lazarou spiral"

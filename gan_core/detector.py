"""Mode-collapse detector: metric history in, typed alerts with one-click remedies out.

`Detector.evaluate` is called every few hundred steps on the Trainer's fixed
evaluation batch. It computes the sample metrics against the target's cached
reference, appends a row to a bounded history, and turns patterns that persist
for a few evaluations into `Alert`s. No single metric decides: coverage catches
missing modes, spread catches shrinking, HQ/precision catch blur and junk, the
losses catch a runaway discriminator.

Besides the alerts, each pass leaves a `Verdict` in `detector.verdict`, one of: too early
to judge, still learning, stalled, healthy, or alert. "Healthy" means the run meets its
target's quality floor (gan_core.quality), the same bar the pretrained zoo must clear, so
the app never reassures a run that is not there yet; below the floor a run is "learning"
while its progress towards the floor keeps improving, and "stalled" once it has not for a
while.

Thresholds are relative to what a perfect sampler scores (the real-vs-real
reference), never to 100%: a perfect sampler itself puts ~1.1% of its samples
outside 3 sigma.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import torch

from . import metrics as M
from .config import Config, ConfigError, check_basic
from .i18n import Join, Msg
from .quality import NAMES, Floor, floor_for
from .variants import get_variant

SEVERITIES = ("info", "warning", "error")
VERDICT_STATES = ("too_early", "learning", "stalled", "healthy", "alert")
TONES = ("neutral", "good", "warning", "error")  # the UI's colour: only "good" is green


@dataclass(frozen=True)
class Remedy:
    label: str
    changes: dict  # Config field -> new value; the UI applies it with cfg.replace(**changes)


@dataclass
class Alert:
    kind: str  # collapse | mode_hopping | discriminator_wins | diverged | thin_or_torn | off_target
    severity: str  # info | warning | error
    title: str
    explanation: str
    remedies: list = field(default_factory=list)  # list[Remedy]
    step: int = 0


@dataclass(frozen=True)
class Thresholds:
    warmup_steps: int = 500  # early G is a small blob near 0: not a collapse yet
    patience: int = 3  # evaluations in a row before off_target/D-wins fire
    # Collapse: now and in at least 2 of the last 3 checks. A hopping generator can flash all
    # modes for one check between collapses; a strict streak would restart at each flash.
    collapse_patience: int = 2
    collapse_window: int = 3
    hop_patience: int = 2  # jumps in a row before mode_hopping fires
    coverage_modes: float = 1.0  # captured / K below this is low: any mode under a tenth of its
    # fair share is missing (the VEEGAN/PacGAN count; 8 modes: 7 or fewer)
    coverage_regions: float = 0.5  # k-means cells are softer: a healthy run misses a few
    coverage_prdc: float = 0.6  # PRDC coverage / a perfect sampler's (regions targets)
    on_target: float = 0.5  # HQ >= this x the perfect HQ: samples sit on the data, just few places
    spread_low: float = 0.5  # generated spread / real spread
    crowded_min_hq: float = 0.03  # enough HQ samples (60 of 2,000) for their histogram to mean something
    crowded_kl: float = 0.15  # KL(HQ histogram || uniform), less its chance level (K-1)/(2 n_HQ):
    # 0.29 is 6 of 8 modes evenly; a blur ~0
    spread_collapsed: float = 0.25  # below this it is collapse whatever the coverage
    hop_js: float = 0.25  # JS (bits) between successive histograms
    hop_min_hq: int = 100  # HQ samples needed on both sides of a comparison
    d_loss_zero: float = 0.05
    g_grad_vanish: float = 1e-3  # absolute, or 1% of the largest G grad norm seen
    g_loss_saturated: float = 5.0  # NS losses: -log D(G(z)) > 5 means D(G(z)) < 0.7%
    hq_drop: float = 0.10  # below perfect HQ by this much: blurred
    precision_drop: float = 0.15
    far_excess: float = 0.0025  # share of junk: > 4.5 sigma from every mode or > 3 k-NN radii from all data
    tear_score: float = 0.03
    width_ratio: float = 0.5
    # Verdicts
    judge_checks: int = 2  # checks (after warm-up) before any verdict but an alert
    healthy_patience: int = 2  # the floor passed on this many checks in a row: one lucky
    # eval batch near the floor must not turn the run green
    stall_checks: int = 6  # best progress not beaten over this many checks: stalled
    stall_gain: float = 0.02  # progress (mean share of each floor check met) that counts as better


@dataclass(frozen=True)
class Verdict:
    """The detector's one-line answer to "how is this run doing?"."""
    state: str  # one of VERDICT_STATES
    tone: str  # one of TONES; "good" only for healthy
    title: str
    text: str  # the numbers behind it, and the floor the run is aiming for
    scope: str = ""  # what can and cannot be judged for this target and variant
    progress: float = 0.0  # mean share of each floor check met, 1.0 at the floor
    step: int = 0


class Detector:
    """`Detector(target, config)`; `config` may be a Config or a zero-argument callable
    returning the live one (so remedies already applied by set_live are skipped)."""

    def __init__(self, target, config, eval_every: int = 1, history_size: int = 500,
                 n_ref: int = 2000, thresholds: Thresholds | None = None, map_grid: int = 24):
        self.target = target
        self._config = config
        self.eval_every = eval_every  # minimum steps between two evaluations
        self.th = thresholds or Thresholds()
        self._ref, self._n_ref = None, n_ref
        self.curve = arm_curve(target)
        self.map_grid = map_grid
        self.history: deque[dict] = deque(maxlen=history_size)
        self.alerts: list[Alert] = []
        self.floor: Floor = floor_for(target)
        self.verdict = self._too_early(0, 0)
        self._recent: dict[str, deque] = {}  # kind -> hits (bool) of the last few checks
        self._prev_hist = None
        self._g_grad_max = 0.0
        self._last_step = None

    @property
    def ref(self) -> M.Reference:
        """The target's real-sample reference (k-means cells, kNN radii, ...), built on first
        use: once per target that takes seconds with its imports (POT, scikit-learn), and a
        page opening a run draws its chart before the detector's first pass needs it."""
        if self._ref is None:
            self._ref = M.reference(self.target, self._n_ref)
        return self._ref

    @classmethod
    def for_run(cls, run, **kw) -> "Detector":
        """Factory for `Trainer(detector=Detector.for_run)`: follows the run's live config."""
        return cls(run.out_target, lambda: run.cfg, **kw)

    @property
    def config(self) -> Config:
        return self._config() if callable(self._config) else self._config

    def reset(self) -> None:
        self.history.clear()
        self.alerts, self._recent, self._prev_hist = [], {}, None
        self._g_grad_max, self._last_step = 0.0, None
        self.verdict = self._too_early(0, 0)

    # ----- the pass
    def evaluate(self, step: int, fake_points, losses: dict, grad_norms: dict,
                 generator=None) -> list[Alert]:
        """fake_points (N, 2) in target units; losses {d_loss, g_loss}; grad_norms {d, g};
        generator: optional callable (N, latent_dim) tensor -> (N, 2) target units."""
        if self._last_step is not None and 0 <= step - self._last_step < self.eval_every:
            return self.alerts
        self._last_step = step
        fake = np.asarray(fake_points, np.float64).reshape(-1, 2)
        losses, grad_norms = dict(losses or {}), dict(grad_norms or {})
        scalars = {**losses, **{f"grad_{k}": v for k, v in grad_norms.items()}}
        if not all(_finite(v) for v in scalars.values()) or not np.isfinite(fake).all():
            self.history.append({"step": step, "diverged": 1.0, **_floats(scalars)})
            self.alerts = [self._diverged(step, scalars, fake)]
        else:
            row = self._measure(step, fake, generator)
            row.update(_floats(scalars))
            self.history.append(row)
            self.alerts = self._judge(step, row, losses, grad_norms)
        self.verdict = self._verdict(step, self.alerts)
        return self.alerts

    def _measure(self, step: int, fake: np.ndarray, generator) -> dict:
        m = M.sample_metrics(self.ref, fake)
        floor = M.noise_floor(self.ref, len(fake))
        row = {"step": step, **{k: v for k, v in m.items() if np.isscalar(v)}}
        row.update({f"floor_{k}": v for k, v in floor.items()})
        row["coverage_modes"] = m["captured"] / m["n_modes"]
        row["n_hq"] = int(round(m["hq"] * len(fake)))
        row["hist"] = m["hist"].tolist()
        # A histogram of a handful of HQ samples jumps by chance: compare only solid ones.
        solid = m["hq"] * len(fake) >= self.th.hop_min_hq
        row["js_prev"] = (M.js_divergence(m["hist"], self._prev_hist)
                          if solid and self._prev_hist is not None else 0.0)
        self._prev_hist = m["hist"] if solid else None
        if self.curve is not None:
            row["width_ratio"] = M.width_ratio(fake, self._curve_real(), self.curve)
        if generator is not None:
            row.update(self._mapping(generator))
        return row

    def _curve_real(self) -> np.ndarray:
        return self.ref.real * self.ref.scale + self.ref.center  # back to target units

    def _mapping(self, generator) -> dict:
        cfg = self.config
        extent = 1.0 if cfg.prior == "uniform" else 2.5
        mm = M.mapping_metrics(generator, cfg.latent_dim, n=self.map_grid, extent=extent)
        return {"tear_score": mm["tear_score"], "fold_share": mm["fold_share"],
                "log_cond_mean": mm["log_cond_mean"], "log_cond_std": mm["log_cond_std"]}

    # ----- rules
    def _judge(self, step: int, row: dict, losses: dict, grads: dict) -> list[Alert]:
        warm = step >= self.th.warmup_steps
        found = {
            "collapse": warm and self._is_collapse(row),
            "mode_hopping": warm and self._is_hopping(row),
            "discriminator_wins": self._d_wins(losses, grads),
            "off_target": warm and self._is_off_target(row),
        }
        alerts = []
        for kind, hit in found.items():
            need, window = self._persistence(kind)
            recent = self._recent.setdefault(kind, deque(maxlen=window))
            recent.append(bool(hit))
            if hit and sum(recent) >= need:
                alerts.append(getattr(self, f"_{kind}")(step, row))
        if warm and "tear_score" in row:  # only when a generator was given
            if row["tear_score"] > self.th.tear_score or row.get("width_ratio", 1.0) < self.th.width_ratio:
                alerts.append(self._thin_or_torn(step, row))
        return alerts

    def _persistence(self, kind: str) -> tuple[int, int]:
        """(hits needed, out of this many latest checks); the latest check must be a hit."""
        if kind == "collapse":
            return self.th.collapse_patience, max(self.th.collapse_window, self.th.collapse_patience)
        need = self.th.hop_patience if kind == "mode_hopping" else self.th.patience
        return need, need  # in a row

    def _low_coverage(self, row) -> bool:
        if self.ref.has_modes:
            return row["coverage_modes"] < self.th.coverage_modes
        # k-means cells straddle gaps, so also ask PRDC how much of the real data is reached.
        # Only for samples that sit on the data: on a thin target (quadratic) the real k-NN
        # balls are slivers that a slightly blurred fake misses, so PRDC coverage then drops
        # from blur, not from missing regions (which the cells and their KL still catch).
        precise = row["precision"] >= row["floor_precision"] - self.th.precision_drop
        return (row["coverage_modes"] < self.th.coverage_regions
                or (precise and row["coverage"] < self.th.coverage_prdc * row["floor_coverage"]))

    def _is_collapse(self, row) -> bool:
        on_target = row["hq"] >= self.th.on_target * self.ref.real_stats["hq"]
        # Blurred AND collapsed: the few on-target samples crowd into a few modes (a pure
        # blur spreads them evenly, so its histogram KL stays near 0).
        crowded = (row["hq"] >= self.th.crowded_min_hq
                   and excess_kl(row.get("reverse_kl", 0.0), row["n_hq"], row["n_modes"]) >= self.th.crowded_kl)
        concentrated = on_target or crowded or row["spread_ratio"] < self.th.spread_low
        return (self._low_coverage(row) and concentrated) or row["spread_ratio"] < self.th.spread_collapsed

    def _is_hopping(self, row) -> bool:
        return self._low_coverage(row) and row["js_prev"] > self.th.hop_js

    def _d_wins(self, losses, grads) -> bool:
        variant = _variant(self.config)
        if (variant is not None and variant.critic_unbounded) or "d_loss" not in losses:
            return False
        g = float(grads.get("g", math.nan))
        if _finite(g):
            self._g_grad_max = max(self._g_grad_max, g)
        vanished = _finite(g) and (g < self.th.g_grad_vanish or g < 0.01 * self._g_grad_max)
        saturated = losses.get("g_loss", 0.0) > self.th.g_loss_saturated
        return losses["d_loss"] < self.th.d_loss_zero and (vanished or saturated)

    def _is_off_target(self, row) -> bool:
        perfect = self.ref.real_stats
        blurred = row["hq"] < perfect["hq"] - self.th.hq_drop
        imprecise = row["precision"] < row["floor_precision"] - self.th.precision_drop
        junk = max(row["far"] - 2 * perfect["far"], row["stray"] - 2 * row["floor_stray"]) > self.th.far_excess
        return blurred or imprecise or junk

    # ----- verdicts
    def _verdict(self, step: int, alerts: list[Alert]) -> Verdict:
        """Warnings and errors first; then too early, healthy (the floor held on the last
        checks), stalled (no better progress lately) or still learning."""
        serious = [a for a in alerts if a.severity != "info"]
        if serious:
            return self._alerted(step, serious)
        rows = [r for r in self.history if r["step"] >= self.th.warmup_steps and "diverged" not in r]
        if step < self.th.warmup_steps or len(rows) < self.th.judge_checks:
            return self._too_early(step, len(rows))
        progress = [self.progress(r) for r in rows]
        recent = rows[-self.th.healthy_patience:]
        if len(recent) == self.th.healthy_patience and all(self.floor.passes(r) for r in recent):
            return self._healthy(step, rows[-1], alerts)
        w = self.th.stall_checks
        at_floor = self.floor.passes(rows[-1])  # but not for long enough: not stalled either
        no_better = len(progress) > w and max(progress[-w:]) < max(progress[:-w]) + self.th.stall_gain
        if no_better and not at_floor:
            return self._stalled(step, rows[-1], progress)
        return self._learning(step, rows[-1], progress)

    def progress(self, row: dict) -> float:
        """How far a history row is towards the floor: the mean over its checks of the share
        of each one met (captured 6 of 8 -> 0.75), so 1.0 exactly when the floor passes."""
        return float(np.mean([_share_met(c, row) for c in self.floor.checks]))

    def scope(self) -> str:
        return judged_by(self.target, self.config, self.floor)

    def _too_early(self, step: int, checks: int) -> Verdict:
        row = self.history[-1] if self.history else {}
        measured = (Msg("detector.measured_suffix", measured=self._measured(row))
                    if row and "diverged" not in row else "")
        text = Msg("detector.verdict.too_early.text", step=step, measured=measured,
                   warmup=self.th.warmup_steps, need=self.th.judge_checks, checks=checks,
                   floor=self.floor.describe())
        return Verdict("too_early", "neutral", Msg("detector.verdict.too_early.title"), text,
                       self.scope(), 0.0, step)

    def _healthy(self, step: int, row: dict, notes: list[Alert]) -> Verdict:
        text = Msg("detector.verdict.healthy.text", step=step, measured=self._measured(row),
                   floor=self.floor.describe(), checks=self.th.healthy_patience)
        if notes:
            text = Join([text, Msg("detector.verdict.healthy.notes",
                                   notes=Join([a.title for a in notes]))], "common.sep.space")
        return Verdict("healthy", "good", Msg("detector.verdict.healthy.title"), text,
                       self.scope(), 1.0, step)

    def _learning(self, step: int, row: dict, progress: list[float]) -> Verdict:
        w = self.th.stall_checks
        if len(progress) > w:
            trend = Msg("detector.verdict.learning.trend", recent=max(progress[-w:]), w=w,
                        before=max(progress[:-w]))
        else:
            trend = Msg("detector.verdict.learning.early", progress=progress[-1],
                        checks=len(progress), w=w)
        failures = self.floor.failures(row)
        where = (Msg("detector.verdict.learning.aiming", floor=self.floor.describe(),
                     failures=Join(failures)) if failures else
                 Msg("detector.verdict.learning.at_floor", checks=self.th.healthy_patience))
        text = Msg("detector.verdict.learning.text", step=step, measured=self._measured(row),
                   where=where, trend=trend)
        return Verdict("learning", "neutral", Msg("detector.verdict.learning.title"), text,
                       self.scope(), progress[-1], step)

    def _stalled(self, step: int, row: dict, progress: list[float]) -> Verdict:
        w = self.th.stall_checks
        text = Msg("detector.verdict.stalled.text", step=step, measured=self._measured(row),
                   failures=Join(self.floor.failures(row)), w=w, recent=max(progress[-w:]),
                   before=max(progress[:-w]))
        return Verdict("stalled", "warning", Msg("detector.verdict.stalled.title"), text,
                       self.scope(), progress[-1], step)

    def _alerted(self, step: int, alerts: list[Alert]) -> Verdict:
        row = self.history[-1] if self.history else {}
        tone = "error" if any(a.severity == "error" for a in alerts) else "warning"
        title = (alerts[0].title if len(alerts) == 1 else
                 Msg("detector.verdict.alert.many", n=len(alerts), first=alerts[0].title))
        measured = (Msg("detector.measured_sentence", measured=self._measured(row))
                    if "diverged" not in row and row else "")
        key = "detector.verdict.alert.text_one" if len(alerts) == 1 else "detector.verdict.alert.text_many"
        text = Msg(key, step=step, measured=measured, floor=self.floor.describe())
        return Verdict("alert", tone, title, text, self.scope(), self.progress(row) if row else 0.0, step)

    def _measured(self, row: dict) -> Join:
        """The floor's metrics as measured on this check, e.g. 'modes captured 6 of 8, HQ 72%'."""
        return Join((_measured(c, row) for c in self.floor.checks), "common.sep.comma")

    # ----- alert texts (Msgs: the UI writes them in the reader's language)
    def _collapse(self, step, row) -> Alert:
        cells = Msg("detector.cells.modes" if self.ref.has_modes else "detector.cells.regions")
        n, k = row["captured"], row["n_modes"]
        title = Msg("detector.collapse.partial" if 2 * n >= k else "detector.collapse.title",
                    n=n, k=k, cells=cells)
        why = Msg("detector.collapse.why", need=self.th.collapse_patience,
                  window=self.th.collapse_window, n=n, k=k, cells=cells,
                  spread=row["spread_ratio"])
        return Alert("collapse", "warning", title, why, self._remedies("collapse"), step)

    def _mode_hopping(self, step, row) -> Alert:
        why = Msg("detector.mode_hopping.why", js=row["js_prev"])
        return Alert("mode_hopping", "warning", Msg("detector.mode_hopping.title"), why,
                     self._remedies("mode_hopping"), step)

    def _discriminator_wins(self, step, row) -> Alert:
        return Alert("discriminator_wins", "warning", Msg("detector.discriminator_wins.title"),
                     Msg("detector.discriminator_wins.why"),
                     self._remedies("discriminator_wins"), step)

    def _off_target(self, step, row) -> Alert:
        where = Msg("detector.cells.a_mode" if self.ref.has_modes else "detector.cells.a_region")
        parts = [Msg("detector.off_target.share", hq=row["hq"], where=where,
                     perfect=self.ref.real_stats["hq"], far=max(row["far"], row["stray"]))]
        if row["precision"] < row["floor_precision"] - self.th.precision_drop:
            # the HQ share can look perfect on a thin target while the fakes miss it by a hair
            parts.append(Msg("detector.off_target.precision", precision=row["precision"],
                             floor=row["floor_precision"]))
        # "Not collapse" only while the fakes reach the target: at 0 of 8 modes it was said
        # between two collapse alerts, a reassurance the numbers above it contradicted.
        parts.append(Msg("detector.off_target.missing" if self._low_coverage(row)
                         else "detector.off_target.not_collapse"))
        return Alert("off_target", "info", Msg("detector.off_target.title"),
                     Join(parts, "common.sep.space"), self._remedies("off_target"), step)

    def _thin_or_torn(self, step, row) -> Alert:
        parts = []
        if row.get("tear_score", 0.0) > self.th.tear_score:
            parts.append(Msg("detector.thin_or_torn.torn", tear=row["tear_score"]))
        if row.get("width_ratio", 1.0) < self.th.width_ratio:
            parts.append(Msg("detector.thin_or_torn.thin", width=row["width_ratio"]))
        # Tears between separate modes are unavoidable from a connected latent (Lazarou); on
        # uploaded points nothing says whether the data itself has gaps that need a tear.
        severity = "info" if self.ref.has_modes or _uploaded(self.target) else "warning"
        why = Msg("detector.thin_or_torn.why", parts=Join(parts))
        return Alert("thin_or_torn", severity, Msg("detector.thin_or_torn.title"), why,
                     self._remedies("thin_or_torn"), step)

    def _diverged(self, step, scalars, fake) -> Alert:
        bad = [k for k, v in scalars.items() if not _finite(v)]
        if not np.isfinite(fake).all():
            bad.append(Msg("detector.diverged.points"))
        what = Join(bad, "common.sep.comma") if bad else Msg("detector.diverged.a_value")
        return Alert("diverged", "error", Msg("detector.diverged.title"),
                     Msg("detector.diverged.why", what=what), self._remedies("diverged"), step)

    def _remedies(self, kind: str) -> list[Remedy]:
        return offered_remedies(kind, self.config)


# --------------------------------------------------------------------------- remedies
def _wgan_gp(cfg: Config) -> dict:
    """Switching variant brings its paper defaults (n_critic 5, betas 0.5/0.9) and drops
    what it cannot take (its loss has no labels to smooth)."""
    variant = get_variant("wgan_gp")
    return {"variant": "wgan_gp", **variant.defaults, **variant.fitted(cfg)}


def _halve_both(cfg: Config) -> dict:
    return {"lr_d": cfg.lr_d / 2, "lr_g": cfg.lr_g / 2}


# alert kind -> cfg -> [(remedy's catalogue key, changes)]: every remedy the detector knows,
# before filtering. Its label is Msg("detector.remedy." + key).
REMEDY_OPTIONS = {
    "collapse": lambda cfg: [("wgan_gp_modes", _wgan_gp(cfg)), ("pacgan", {"pack": 2}),
                             ("minibatch_std_variety", {"minibatch_std": True}),
                             ("spectral_norm_smoother", {"spectral_norm": True})],
    "mode_hopping": lambda cfg: [("halve_lr_g", {"lr_g": cfg.lr_g / 2}),
                                 ("wgan_gp", _wgan_gp(cfg)), ("pacgan_2", {"pack": 2}),
                                 ("minibatch_std", {"minibatch_std": True})],
    "discriminator_wins": lambda cfg: [("label_smoothing", {"label_smoothing": 0.1}),
                                       ("halve_lr_d", {"lr_d": cfg.lr_d / 2}),
                                       ("spectral_norm", {"spectral_norm": True}),
                                       ("instance_noise", {"instance_noise": 0.1}),
                                       ("wgan_gp_saturation", _wgan_gp(cfg))],
    "off_target": lambda cfg: [("halve_both", _halve_both(cfg)),
                               ("instance_noise_off", {"instance_noise": 0.0})],
    "thin_or_torn": lambda cfg: [("mixture", {"prior": "mixture"}),
                                 ("wider_g", {"g_width": cfg.g_width * 2}),
                                 ("deeper_g", {"g_depth": cfg.g_depth + 1})],
    "diverged": lambda cfg: [("halve_both", _halve_both(cfg)),
                             ("spectral_norm", {"spectral_norm": True}),
                             ("wgan_gp", _wgan_gp(cfg))],
}


def offered_remedies(kind: str, cfg: Config) -> list[Remedy]:
    """The remedies an alert of this kind offers a run with config `cfg`."""
    return [Remedy(Msg(f"detector.remedy.{key}"), changes)
            for key, changes in REMEDY_OPTIONS[kind](cfg) if _useful(cfg, changes)]


# --------------------------------------------------------------------------- verdict helpers
def _share_met(check, row: dict) -> float:
    """How much of one floor check a row meets, in [0, 1]; 1.0 when it passes."""
    if check.passes(row):
        return 1.0
    v = row.get(check.metric)
    if not _finite(v):
        return 0.0
    v = float(v)
    if check.op in (">=", ">"):
        return float(np.clip(v / check.value, 0.0, 1.0)) if check.value > 0 else 0.0
    return float(np.clip(check.value / v, 0.0, 1.0)) if v > 0 else 0.0


def _measured(check, row: dict) -> Msg:
    v = row.get(check.metric)
    name = NAMES.get(check.metric, check.metric)
    if not _finite(v):
        return Msg("detector.measured.none", name=name)
    if check.metric in ("captured", "modes_captured"):
        return Msg("detector.measured.count", name=name, got=float(v), of=check.value)
    shown = f"{float(v):.0%}" if check.metric == "hq" else f"{float(v):.2f}"
    return Msg("detector.measured.value", name=name, value=shown)


def _uploaded(target) -> bool:
    return target.name == "custom"  # the registry's name for points from a CSV


def judged_by(target, cfg: Config, floor: Floor) -> Msg:
    """In words: what a run's verdict rests on, and what cannot be judged for this target
    and variant (no modes to count, no true map, no latent at all)."""
    variant = _variant(cfg)
    against = (Msg("detector.scope.uploaded") if _uploaded(target) else
               Msg("detector.scope.samples_of", target=target.name))
    parts = [Msg("detector.scope.judged", floor=floor.describe(), against=against)]
    if floor.kind == "modes":
        parts.append(Msg("detector.scope.modes", n=len(target.mode_centers)))
    else:
        one = getattr(target, "mode_centers", None) is not None
        parts.append(Msg("detector.scope.one_mode" if one else "detector.scope.no_modes"))
    if variant is not None and not variant.uses_latent:
        parts.append(Msg("detector.scope.no_latent", variant=cfg.variant, a=cfg.target,
                         b=target.name))
    elif getattr(target, "true_map", None) is None:
        parts.append(Msg("detector.scope.no_true_map_uploaded" if _uploaded(target) else
                         "detector.scope.no_true_map"))
    if variant is not None and variant.uses_latent and variant.conditional:
        parts.append(Msg("detector.scope.conditional"))
    return Msg("detector.scope.sentence", parts=Join(parts))


# --------------------------------------------------------------------------- helpers
def _variant(cfg: Config):
    """The config's Variant (its declared capabilities), or None for an unknown name."""
    try:
        return get_variant(cfg.variant)
    except ConfigError:
        return None


def _useful(cfg: Config, changes: dict) -> bool:
    """Offer a remedy only when it changes something and gives a config the (new) variant
    accepts, as far as its declared capabilities tell."""
    if "variant" in changes and changes["variant"] == cfg.variant:
        return False  # switching to the variant already running
    if all(getattr(cfg, k, None) == v for k, v in changes.items()):
        return False
    if changes.get("label_smoothing") and cfg.label_smoothing > 0:
        return False  # already smoothing
    if changes.get("pack", 1) > 1 and cfg.pack > 1:
        return False
    try:
        new = cfg.replace(**changes)
        check_basic(new)
    except ConfigError:
        return False
    variant = _variant(new)
    return variant is None or variant.refusal(new) is None


def excess_kl(kl: float, n: int, k: int) -> float:
    """KL(histogram of n samples over k cells || uniform) above its chance level: for n
    draws from the uniform itself 2n KL ~ chi2(k - 1), so the plug-in KL averages
    (k - 1) / (2n) (0.2 for 60 samples over grid25's 25 modes). nan KL (no samples) -> 0."""
    if not _finite(kl) or n <= 0:
        return 0.0
    return kl - (k - 1) / (2 * n)


def _finite(v) -> bool:
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _floats(d: dict) -> dict:
    return {k: float(v) for k, v in d.items() if isinstance(v, (int, float, np.floating))}


def arm_curve(target, n: int = 4000):
    """(n, 2) centre-line of a target's arm, for the width ratio: the true map with the
    across-arm factor at 0. None for targets without one (only the spiral has it)."""
    names = getattr(target, "factor_names", ())
    if getattr(target, "true_map", None) is None or "across_arm" not in names:
        return None
    z = torch.zeros(n, len(names))
    z[:, names.index("along_arm")] = torch.linspace(-1, 1, n)
    with torch.no_grad():
        return target.true_map(z).double().numpy()

"""Quality floors and promises: the bar a model must clear before the app calls it working.

A `Check` is one metric compared with one number. A `Floor` is the checks a target's
models must all pass: the pretrained zoo enforces it (`zoo check`), and the detector says
"healthy" only when the live run passes it. Presets state their promises (gan_core/presets.py)
with the same checks.

Floors per kind of target:
- mode targets (eight_gaussians, ring8, grid25, two_gaussians, disjoint): every mode
  captured (a tenth of its fair share) and HQ (within 3 sigma of a mode) >= 90%;
- manifold targets (spiral, swiss roll, one gaussian, line, ring, quadratic, custom
  points): PRDC coverage >= 0.8 and precision >= 0.8 (Naeem et al. 2020; a fresh real
  sample scores ~0.95 on both at 2,000 points, k = 5);
- image targets (digits): all 10 classes captured by the classifier.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass

from .i18n import Join, Msg

MODE_HQ = 0.90
MANIFOLD_COVERAGE = 0.8
MANIFOLD_PRECISION = 0.8

_OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}

# What each metric is, in a few words, for messages and the "what to watch" text (a Msg:
# English as a str, any language through its catalogue key).
NAMES = {metric: Msg(f"quality.metric.{metric}") for metric in (
    "captured", "hq", "reverse_kl", "coverage", "precision", "modes_captured", "tear_score",
    "fold_share", "width_ratio")}


@dataclass(frozen=True)
class Check:
    metric: str
    op: str  # one of >=, <=, >, <
    value: float

    def passes(self, metrics: dict) -> bool:
        v = metrics.get(self.metric)
        if v is None or not math.isfinite(float(v)):
            return False
        return _OPS[self.op](float(v), self.value)

    def describe(self) -> str:
        return Msg("quality.check", name=NAMES.get(self.metric, self.metric), op=self.op,
                   value=_fmt(self.metric, self.value))

    def to_dict(self) -> dict:
        return {"metric": self.metric, "op": self.op, "value": self.value}

    @classmethod
    def from_dict(cls, data: dict) -> "Check":
        if data.get("op") not in _OPS:
            raise ValueError(f"unknown comparison {data.get('op')!r}")
        return cls(str(data["metric"]), data["op"], float(data["value"]))


def _fmt(metric: str, value: float) -> str:
    if metric in ("hq",):
        return f"{value:.0%}"
    return f"{value:g}"


@dataclass(frozen=True)
class Floor:
    kind: str  # "modes", "manifold" or "image"
    checks: tuple[Check, ...]

    def failures(self, metrics: dict) -> list[str]:
        """The checks `metrics` fails, in words with the measured value ('' list: passes)."""
        out = []
        for c in self.checks:
            if not c.passes(metrics):
                got = metrics.get(c.metric)
                shown = Msg("quality.missing") if got is None else _fmt(c.metric, float(got))
                out.append(Msg("quality.failure", check=c.describe(), got=shown))
        return out

    def passes(self, metrics: dict) -> bool:
        return all(c.passes(metrics) for c in self.checks)

    def describe(self) -> str:
        return Join((c.describe() for c in self.checks), "common.sep.and")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "checks": [c.to_dict() for c in self.checks]}

    @classmethod
    def from_dict(cls, data: dict) -> "Floor":
        return cls(str(data["kind"]), tuple(Check.from_dict(c) for c in data["checks"]))


def floor_kind(target) -> str:
    """'image' for image targets, 'modes' for targets of two or more known modes, else
    'manifold' (one_gaussian's single mode says nothing about coverage)."""
    if getattr(target, "side", 0):
        return "image"
    centres = getattr(target, "mode_centers", None)
    return "modes" if centres is not None and len(centres) >= 2 else "manifold"


def floor_for(target) -> Floor:
    kind = floor_kind(target)
    if kind == "image":
        return Floor(kind, (Check("modes_captured", ">=", float(target.n_classes)),))
    if kind == "modes":
        return Floor(kind, (Check("captured", ">=", float(len(target.mode_centers))),
                            Check("hq", ">=", MODE_HQ)))
    return Floor(kind, (Check("coverage", ">=", MANIFOLD_COVERAGE),
                        Check("precision", ">=", MANIFOLD_PRECISION)))

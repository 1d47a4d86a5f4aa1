"""What a run leaves behind as it trains: per-step scalars in bounded memory, and a
timeline of snapshots with weight keyframes for looking back at past steps."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np
from torch import nn


class DecimatedHistory:
    """Per-step scalars in bounded memory: when full, neighbours are averaged and the
    stride doubles, so a million-step run still fits in `capacity` rows."""

    def __init__(self, capacity: int = 4000):
        self.capacity = capacity
        self.stride = 1
        self.rows: list[dict] = []
        self._acc: list[dict] = []

    def add(self, row: dict) -> None:
        self._acc.append(row)
        if len(self._acc) >= self.stride:
            self.rows.append(_mean_rows(self._acc))
            self._acc = []
            if len(self.rows) >= self.capacity:
                self.rows = [_mean_rows(self.rows[i:i + 2]) for i in range(0, len(self.rows), 2)]
                self.stride *= 2

    def columns(self) -> dict[str, np.ndarray]:
        rows = self.rows + ([_mean_rows(self._acc)] if self._acc else [])
        keys = sorted({k for r in rows for k in r})
        return {k: np.array([r.get(k, np.nan) for r in rows], dtype=np.float64) for k in keys}

    def to_dict(self) -> dict:
        return {"stride": self.stride, "rows": self.rows + ([_mean_rows(self._acc)] if self._acc else [])}

    @classmethod
    def from_dict(cls, data: dict, capacity: int = 4000) -> "DecimatedHistory":
        hist = cls(capacity)
        hist.stride = int(data.get("stride", 1))
        hist.rows = [dict(r) for r in data.get("rows", [])]
        return hist


def _mean_rows(rows: list[dict]) -> dict:
    keys = {k for r in rows for k in r}
    out = {}
    for k in keys:
        vals = [r[k] for r in rows if k in r]
        out[k] = vals[-1] if k == "step" else float(np.mean(vals))
    return out


@dataclass
class Snapshot:
    step: int
    time: float  # seconds since the run started
    fake: np.ndarray  # (N, 2) float32, G(eval latent) in target units
    losses: dict  # d_loss, g_loss (latest)
    grads: dict  # d, g gradient norms (latest)
    steps_per_s: float
    alerts: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    extra: object = None  # what `Trainer.snapshot_extra(run)` returned at this step
    # The update this snapshot shows: "d", "g", "both" (a whole step, or training at full
    # speed) or "" (none: a new, loaded or paused run). `before` holds the fakes as they
    # were before a single update (slow motion, Step D/G), so a view can animate it.
    phase: str = ""
    before: np.ndarray | None = None  # (N, 2) float32, like `fake`


@dataclass
class Keyframe:
    """G's, D's and the prior's weights (the whole `Nets` state_dict) at one step:
    detached CPU clones that nothing mutates, so readers may use them without the lock."""
    step: int
    state: dict  # name -> CPU tensor
    nbytes: int


def cpu_state(nets: nn.Module) -> dict:
    """A detached CPU clone of every weight and buffer (BatchNorm stats, spectral-norm
    vectors, DeLiGAN's mu/sigma)."""
    return {k: v.detach().to("cpu", copy=True) for k, v in nets.state_dict().items()}


class Timeline:
    """Frames at regular steps, thinned by half whenever full, so a run of any length
    keeps at most `capacity` evenly spaced frames.

    Weight keyframes ride along, so the timeline can rebuild weight-dependent views
    (grid warp, tears, D's heatmap) at a past step. They are recorded on accepted frames
    at least `key_every` steps apart (at first every frame) and thinned the same way, so a
    long run's keyframes are ~5x sparser than its frames. Two bounds hold: at most
    `key_capacity` keyframes and at most `key_bytes` bytes in total. A keyframe of the
    default spiral nets (3 x 128, G and D) is ~0.27 MB, so the count binds (60 x 0.27 =
    16 MB); very wide nets are bounded by bytes instead (e.g. 3 x 1024: ~17 MB each, 3
    kept), and nets with fewer than 2 keyframes' room in the budget keep none."""

    def __init__(self, capacity: int = 300, every: int = 50, key_capacity: int = 60,
                 key_every: int = 50, key_bytes: int = 64 * 2 ** 20):
        self.capacity, self.every = capacity, every
        self.frames: list[Snapshot] = []
        self.key_capacity, self.key_every, self.key_bytes = key_capacity, key_every, key_bytes
        self.keyframes: list[Keyframe] = []
        self.key_limit: int | None = None  # keyframes that fit: set by the first one's size

    def offer(self, snap: Snapshot, weights=None) -> bool:
        """Keep the frame if due; then, if a keyframe is also due, call weights() for a
        CPU state_dict (only then, so the copy is made when it is kept). True if kept."""
        if self.frames and snap.step - self.frames[-1].step < self.every:
            return False
        self.frames.append(snap)
        if len(self.frames) > self.capacity:
            self.frames = self.frames[::2]
            self.every *= 2
        if weights is not None and self.key_due(snap.step):
            self.add_keyframe(snap.step, weights())
        return True

    def key_due(self, step: int) -> bool:
        if self.key_limit == 0:
            return False
        return not self.keyframes or step - self.keyframes[-1].step >= self.key_every

    def add_keyframe(self, step: int, state: dict) -> None:
        nbytes = sum(v.numel() * v.element_size() for v in state.values())
        if self.key_limit is None:
            fit = self.key_bytes // max(1, nbytes)
            self.key_limit = min(self.key_capacity, fit) if fit >= 2 else 0
        if self.key_limit == 0:
            return
        if len(self.keyframes) >= self.key_limit:  # thin first: never above the bound
            self.keyframes = self.keyframes[::2]
            self.key_every *= 2
        self.keyframes.append(Keyframe(int(step), state, nbytes))

    def keyframe_at(self, step: int) -> Keyframe | None:
        """The latest keyframe at or before `step` (None if there is none)."""
        steps = [k.step for k in self.keyframes]
        i = bisect.bisect_right(steps, step)
        return self.keyframes[i - 1] if i else None

    @property
    def keyframe_bytes(self) -> int:
        return sum(k.nbytes for k in self.keyframes)


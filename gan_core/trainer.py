"""Training: a pure train step, a `Run` that owns one model, and a threaded `Trainer`.

The step functions touch nothing but their arguments. `Trainer` calls them in a
background thread and publishes snapshots under a lock; it never draws or sleeps
inside a step, and never imports Streamlit.
"""
from __future__ import annotations

import bisect
import contextlib
import copy
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from .config import Config, ConfigError, check_basic
from .device import configure_threads, pick_device
from .distributions import Target, custom_target, get_target
from .variants import get_variant
from .variants.base import Batch, Latent, Nets, Variant, feature_matching_loss


# --------------------------------------------------------------------------- optimisers
@dataclass
class Optimizers:
    d: torch.optim.Optimizer
    g: torch.optim.Optimizer


def make_optimizer(cfg: Config, params, lr: float, device) -> torch.optim.Optimizer:
    if cfg.optimizer == "adam":
        # Fused Adam is one kernel per step instead of a Python loop over tensors.
        fused = device.type in ("cpu", "cuda")
        return torch.optim.Adam(params, lr=lr, betas=(cfg.beta1, cfg.beta2), fused=fused)
    if cfg.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    return torch.optim.SGD(params, lr=lr)


def set_lr(opt: torch.optim.Optimizer, lr: float) -> None:
    for group in opt.param_groups:
        group["lr"] = lr


def lr_factor(cfg: Config, step: int) -> float:
    """Linear decay from 1 to lr_floor over lr_decay_steps, then flat."""
    if cfg.lr_decay_steps <= 0:
        return 1.0
    return 1.0 - (1.0 - cfg.lr_floor) * min(1.0, step / cfg.lr_decay_steps)


class WeightAverage:
    """An exponential moving average of G's weights, kept as a copy of G in
    nets.extra["G_ema"] (so checkpoints and keyframes carry it). One fused lerp over
    cached tensor lists, as timm's ModelEmaV3 does: torch's AveragedModel walks the
    module tree on every update, ~10x the cost for these small MLPs."""

    def __init__(self, nets: Nets, decay: float):
        self.decay = decay
        ema = copy.deepcopy(nets.G).requires_grad_(False)
        nets.extra["G_ema"] = ema
        self.src, self.dst = list(nets.G.parameters()), list(ema.parameters())
        self.src_buf, self.dst_buf = list(nets.G.buffers()), list(ema.buffers())

    def decay_at(self, step: int) -> float:
        """TensorFlow's ExponentialMovingAverage warm-up, min(decay, (1 + n) / (10 + n)):
        early on the average follows G closely instead of dragging the first, random
        weights along for thousands of steps."""
        return min(self.decay, (1.0 + step) / (10.0 + step))

    @torch.no_grad()
    def update(self, step: int) -> None:
        torch._foreach_lerp_(self.dst, self.src, 1.0 - self.decay_at(step))
        if self.src_buf:  # BatchNorm's running stats are copied, not averaged
            torch._foreach_copy_(self.dst_buf, self.src_buf)


# --------------------------------------------------------------------------- the step
def _params(nets: Nets, which: str, variant: Variant) -> list:
    """variant.d_params / g_params, listed once per Nets: walking the module tree
    every step cost more than the optimiser step on the default config."""
    cache = nets.__dict__.setdefault("_param_lists", {})
    if which not in cache:
        if which == "d_only":  # D's params that G's optimiser does not also own (InfoGAN's Q)
            shared = {id(p) for p in _params(nets, "g", variant)}
            cache[which] = [p for p in _params(nets, "d", variant) if id(p) not in shared]
        else:
            cache[which] = variant.d_params(nets) if which == "d" else variant.g_params(nets)
    return cache[which]


def grad_norm(params) -> float:
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    # One flat copy then one norm: half the cost of get_total_norm's per-device grouping
    # for a handful of small tensors, which is what these MLPs have.
    return float(torch.cat([g.reshape(-1) for g in grads]).norm())


def add_instance_noise(batch: Batch, std: float, rng: torch.Generator) -> Batch:
    """Instance noise (Sonderby et al. 2016) blurs both distributions so their supports overlap."""
    if std <= 0:
        return batch
    noise = torch.randn(batch.x.shape, generator=rng).to(batch.x.device)
    return Batch(batch.x + std * noise, batch.c, batch.z)


def d_step(nets: Nets, opt, draw_real, variant: Variant, cfg: Config, gen,
           keep_fake: bool = False) -> tuple[dict, Batch | None]:
    """One critic update. With keep_fake, G's forward keeps its graph and the fake batch
    is returned for the G step that follows, as in the PyTorch DCGAN example: D's update
    does not touch G, so the graph is still valid and G's forward is not repeated."""
    real = draw_real(cfg.batch_size, gen)
    latent = variant.sample_latent(nets, cfg.batch_size, gen)
    with torch.set_grad_enabled(keep_fake):  # otherwise G's graph is not needed
        kept = variant.fake_batch(nets, latent)
    fake = Batch(kept.x.detach(), kept.c, kept.z if kept.z is None else kept.z.detach())
    real = add_instance_noise(real, cfg.instance_noise, nets.rng)
    fake = add_instance_noise(fake, cfg.instance_noise, nets.rng)
    loss = variant.d_loss(nets, real, fake, cfg)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    norm = grad_norm(_params(nets, "d", variant))
    opt.step()
    variant.after_d_step(nets, cfg)
    return {"d_loss": float(loss.detach()), "d_grad": norm}, (kept if keep_fake else None)


def g_step(nets: Nets, opt, draw_real, variant: Variant, cfg: Config, gen,
           fake: Batch | None = None) -> dict:
    needs_real = variant.g_uses_real or cfg.feature_matching
    real = draw_real(cfg.batch_size, gen) if needs_real else None
    d_params = _params(nets, "d_only", variant)
    for p in d_params:  # D's weight gradients are never used in a G step
        p.requires_grad_(False)
    try:
        if fake is None:
            fake = variant.fake_batch(nets, variant.sample_latent(nets, cfg.batch_size, gen))
        if real is not None:
            real = add_instance_noise(real, cfg.instance_noise, nets.rng)
        fake = add_instance_noise(fake, cfg.instance_noise, nets.rng)
        if cfg.feature_matching:
            loss = feature_matching_loss(nets, real, fake)
        else:
            loss = variant.g_loss(nets, real, fake, cfg)
        loss = loss + variant.g_extra(nets, real, fake, cfg)
        if isinstance(nets.prior, nn.Module) and hasattr(nets.prior, "sigma_penalty"):
            loss = loss + cfg.mixture_sigma_reg * nets.prior.sigma_penalty()  # DeLiGAN
        opt.zero_grad(set_to_none=True)
        loss.backward()
    finally:
        for p in d_params:
            p.requires_grad_(True)
    norm = grad_norm(_params(nets, "g", variant))
    opt.step()
    return {"g_loss": float(loss.detach()), "g_grad": norm}


def train_step(nets: Nets, opts: Optimizers, draw_real, variant: Variant, cfg: Config,
               gen: torch.Generator, mode: str = "both") -> dict:
    """k_d critic updates then k_g generator updates. mode: 'both', 'd' or 'g'."""
    out, carried = {}, None
    if mode in ("both", "d"):
        for i in range(cfg.k_d):
            keep = mode == "both" and cfg.k_g > 0 and i == cfg.k_d - 1 and variant.reuse_fake
            stats, carried = d_step(nets, opts.d, draw_real, variant, cfg, gen, keep)
            out.update(stats)
    if mode in ("both", "g"):
        for j in range(cfg.k_g):
            fake = carried if j == 0 else None
            out.update(g_step(nets, opts.g, draw_real, variant, cfg, gen, fake))
    return out


# --------------------------------------------------------------------------- one run
class ChunkedDraw:
    """Draws real data `chunk` batches at a time and hands out slices: a sampler's
    per-call overhead was ~2% of a default step, and this makes it ~0.5%."""

    def __init__(self, draw, chunk: int = 32):
        self.draw, self.chunk = draw, chunk
        self.buffer, self.pos = None, 0

    def __call__(self, n: int, gen) -> Batch:
        if self.buffer is None or self.pos + n > len(self.buffer.x):
            self.buffer, self.pos = self.draw(n * self.chunk, gen), 0
        a, b = self.pos, self.pos + n
        self.pos = b
        buf = self.buffer
        return Batch(buf.x[a:b], None if buf.c is None else buf.c[a:b],
                     None if buf.z is None else buf.z[a:b])


def resolve_target(cfg: Config, points=None) -> Target:
    if cfg.target == "custom":
        if points is None:
            raise ConfigError("the custom target needs points: upload a CSV first")
        return custom_target(np.asarray(points))
    return get_target(cfg.target)


class Run:
    """Everything one training run owns: target, variant, networks, optimisers, RNG."""

    def __init__(self, cfg: Config, points=None, device=None):
        check_basic(cfg)
        self.cfg = cfg
        self.points = None if points is None else np.asarray(points, dtype=np.float32)
        self.target = resolve_target(cfg, self.points)
        self.variant = get_variant(cfg.variant)
        self.variant.check(cfg, self.target)
        self.out_target = self.variant.output_target(cfg, self.target)
        self.device = device or pick_device()
        torch.manual_seed(cfg.seed)  # weight init
        self.gen = torch.Generator().manual_seed(cfg.seed)
        self.draw_real = self._to_device(self.variant.make_data(cfg, self.target, self.gen))
        self._draw_train = ChunkedDraw(self.draw_real)  # only the step's own stream
        self.nets = self.variant.build(cfg, self.target).to(self.device)
        # after .to(): moving a module replaces its buffers, and the average caches them
        self.average = WeightAverage(self.nets, cfg.g_ema) if cfg.g_ema else None
        self.nets.rng.manual_seed(cfg.seed + 7)
        self.opts = Optimizers(
            make_optimizer(cfg, self.variant.d_params(self.nets), cfg.lr_d, self.device),
            make_optimizer(cfg, self.variant.g_params(self.nets), cfg.lr_g, self.device))
        self.step_count = 0
        self._eval_latent = None

    def _to_device(self, draw):
        if self.device.type == "cpu":
            return draw
        dev = self.device
        return lambda n, g: _batch_to(draw(n, g), dev)

    def sample_latent(self, n: int, seed: int) -> Latent:
        """A latent batch fixed by `seed`. For a learnable prior (DeLiGAN) the same seed
        gives the same components and noise, so colours stay put as the mixture moves."""
        latent = self.variant.sample_latent(self.nets, n, torch.Generator().manual_seed(seed))
        return _latent_to(latent, self.device)

    def eval_latent(self) -> Latent:
        if self._eval_latent is None or isinstance(self.nets.prior, nn.Module):
            self._eval_latent = self.sample_latent(self.cfg.eval_size, self.cfg.seed + 1)
        return self._eval_latent

    def step(self, mode: str = "both") -> dict:
        if not self.nets.training:  # walking every module costs ~3% of a step
            self.nets.train()
        if self.cfg.lr_decay_steps:  # before the step: a run restored at step n goes on at n's rate
            self._apply_lr()
        out = train_step(self.nets, self.opts, self._draw_train, self.variant, self.cfg,
                         self.gen, mode)
        self.step_count += 1
        if self.average is not None and mode != "d":
            self.average.update(self.step_count)
        return out

    def _apply_lr(self) -> None:
        f = lr_factor(self.cfg, self.step_count)
        set_lr(self.opts.d, self.cfg.lr_d * f)
        set_lr(self.opts.g, self.cfg.lr_g * f)

    @torch.no_grad()
    def generate(self, latent: Latent) -> np.ndarray:
        """G(latent) in the output target's own units. (N, 2) float32."""
        self.nets.eval()
        x = self.variant.generate(self.nets, latent)
        self.nets.train()
        return self.out_target.denormalise(x).float().cpu().numpy()

    def latent_map(self):
        """z (N, latent_dim) -> G(z) (N, 2) in target units, for Jacobian metrics; None when
        G also eats a condition or maps data rather than noise."""
        if not self.variant.uses_latent or self.nets.g_cond:
            return None
        nets, variant, out = self.nets, self.variant, self.out_target

        def g(z):
            was_training = nets.training
            nets.eval()  # BatchNorm must use running stats under vmap
            try:
                return out.denormalise(variant.generate(nets, Latent(z)))
            finally:
                nets.train(was_training)
        return g

    def colours(self, latent: Latent) -> np.ndarray:
        """(N, 3) RGB in [0, 1]: by category when there is one, else latent hue/value."""
        if latent.c is not None:
            from .latent import category_colours
            return category_colours(latent.c.cpu().numpy())
        return self.nets.prior.colours(latent.z.detach().cpu())

    def set_live(self, **changes) -> None:
        """Apply changes the optimisers can take without a restart."""
        allowed = set(self.variant.live_fields)
        bad = set(changes) - allowed
        if bad:
            raise ConfigError(f"cannot change {', '.join(sorted(bad))} without a reset")
        new = self.cfg.replace(**changes)
        check_basic(new)
        self.cfg = new
        self._apply_lr()

    def params_finite(self) -> bool:
        return all(bool(torch.isfinite(p).all()) for p in self.nets.parameters())

    def state(self) -> dict:
        return {k: v.detach().clone() for k, v in self.nets.state_dict().items()}

    def load_state(self, state: dict) -> None:
        self.nets.load_state_dict(state)


def _batch_to(batch: Batch, device) -> Batch:
    move = lambda t: None if t is None else t.to(device)
    return Batch(move(batch.x), move(batch.c), move(batch.z))


def _latent_to(latent: Latent, device) -> Latent:
    return Latent(latent.z.to(device), None if latent.c is None else latent.c.to(device))


# --------------------------------------------------------------------------- histories
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


# --------------------------------------------------------------------------- the thread
class Trainer:
    """Runs `Run.step` in a background thread.

    States: idle (built, never started), running, paused, error, stopped.
    All public methods are safe to call from any thread. `lock` guards the networks:
    hold it (or use `with_models`) to read or call them from another thread.
    """

    def __init__(self, cfg: Config, points=None, device=None, snapshot_interval: float = 0.1,
                 max_snapshots: int = 64, detector=None, detector_interval: float = 1.0,
                 max_steps: int = 0, chunk_seconds: float = 0.02):
        configure_threads()
        self.lock = threading.RLock()
        self._wake = threading.Condition(self.lock)
        self.snapshot_interval = snapshot_interval
        self.detector_interval = detector_interval
        self.chunk_seconds = chunk_seconds
        self.max_steps = max_steps  # 0: no budget
        self.make_detector = detector  # callable(run) -> detector with .evaluate(...), or None
        self._device, self._points = device, points
        self._max_snapshots = max_snapshots
        self._thread = None
        self._readers = 0
        # callable(run) -> anything, run by the training thread with each snapshot: a
        # viewer's probe of G then costs no wait for the lock (see ui.live_feed)
        self.snapshot_extra = None
        self._build(self._new_run(cfg))

    # ----- construction / reset
    def _new_run(self, cfg: Config) -> Run:
        return Run(cfg, self._points, self._device)

    def _build(self, run: Run, history: DecimatedHistory | None = None) -> None:
        # The detector is made from this very run, so both read one config: the one
        # set_live replaces.
        self.run = run
        self.detector = self.make_detector(self.run) if self.make_detector else None
        self.snapshots: deque[Snapshot] = deque(maxlen=self._max_snapshots)
        self.timeline = Timeline()
        self.history = history or DecimatedHistory()
        self.alerts: list = []
        self.state = "idle"
        self.error = ""
        self._pending: list[str] = []
        self._good_state = self.run.state()
        self._last = {}
        self._rate = 0.0
        self._t0 = time.perf_counter()
        self._next_detect = -math.inf
        self._metrics: dict = {}
        self._publish()

    def load_checkpoint(self, ckpt) -> None:
        """Replace the run with a checkpoint's (raises CheckpointError, keeping the old run)."""
        from .checkpoints import restore_run
        run = restore_run(ckpt, self._device)
        with self.lock:
            self._points = ckpt.points
            self._build(run, DecimatedHistory.from_dict(ckpt.history or {}))

    def checkpoint(self, extra: dict | None = None):
        from .checkpoints import from_run
        with self.lock:
            return from_run(self.run, self.history.to_dict(), extra)

    @property
    def cfg(self) -> Config:
        return self.run.cfg

    def reset(self, cfg: Config | None = None, points=None) -> None:
        """Rebuild from scratch (optionally with a new config); the thread keeps going."""
        with self.lock:
            if points is not None:
                self._points = points
            self._build(self._new_run(cfg or self.run.cfg))
            self._wake.notify_all()

    # ----- controls
    def start(self) -> None:
        with self.lock:
            if self.state in ("error", "stopped"):
                return
            self.state = "running"
            self._ensure_thread()
            self._wake.notify_all()

    resume = start

    def pause(self) -> None:
        with self.lock:
            if self.state == "running":
                self.state = "paused"

    def single_step(self, mode: str = "both") -> None:
        """Queue one step (mode 'd', 'g' or 'both') on a paused or idle run."""
        if mode not in ("both", "d", "g"):
            raise ValueError("mode must be 'both', 'd' or 'g'")
        with self.lock:
            if self.state in ("error", "stopped"):
                return
            if self.state == "running":
                self.state = "paused"
            self._pending.append(mode)
            self._ensure_thread()
            self._wake.notify_all()

    def stop(self, timeout: float = 5.0) -> None:
        with self.lock:
            self.state = "stopped"
            self._wake.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def set_live(self, **changes) -> None:
        with self.lock:
            self.run.set_live(**changes)

    def set_budget(self, max_steps: int) -> None:
        with self.lock:
            self.max_steps = max(0, int(max_steps))

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait_steps(self, n: int, timeout: float = 30.0) -> int:
        """Block until the run has taken n steps (or stopped/failed); for tests and the CLI."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            with self.lock:
                if self.run.step_count >= n or self.state in ("error", "stopped", "paused"):
                    return self.run.step_count
            time.sleep(0.01)
        return self.run.step_count

    # ----- reading (any thread)
    # latest() and status() only read references the training thread replaces whole, so
    # they skip the lock: a live panel must not wait behind a step chunk or a detector pass.
    def latest(self) -> Snapshot | None:
        snaps = self.snapshots
        return snaps[-1] if snaps else None

    def status(self) -> dict:
        if self.state == "error":  # rare: wait until the failing chunk has published its alert
            with self._reading():
                pass
        return {"state": self.state, "step": self.run.step_count, "steps_per_s": self._rate,
                "error": self.error, "max_steps": self.max_steps}

    def history_columns(self) -> dict:
        with self._reading():
            return self.history.columns()

    def with_models(self, fn):
        """Call fn(run) between steps, with gradients off."""
        with self._reading(), torch.no_grad():
            return fn(self.run)

    # ----- the loop
    def _ensure_thread(self) -> None:
        if not self.alive:
            self._thread = threading.Thread(target=self._loop, name="gan-levers-trainer",
                                            daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self.lock:
                while self.state not in ("running", "stopped") and not self._pending:
                    if self.snapshots and self.snapshots[-1].step != self.run.step_count:
                        self._publish()  # paused between publishes: record where it stopped
                    self._wake.wait(0.5)
                if self.state == "stopped":
                    return
                self._chunk()
            # A released lock is usually re-taken by this same thread before a waiting
            # reader wakes up; stepping aside briefly keeps lever probes responsive.
            time.sleep(0.0005 if self._readers else 0)

    @contextlib.contextmanager
    def _reading(self):
        self._readers += 1
        try:
            with self.lock:
                yield
        finally:
            self._readers -= 1

    def _chunk(self) -> None:
        """A few steps (at most ~chunk_seconds) with the lock held, then a snapshot if due."""
        end = time.perf_counter() + self.chunk_seconds
        t_start, n0 = time.perf_counter(), self.run.step_count
        while True:
            mode = self._pending.pop(0) if self._pending else "both"
            if not self._guarded_step(mode):
                return
            if self._pending or self.state != "running" or time.perf_counter() >= end:
                break
            if self.max_steps and self.run.step_count >= self.max_steps:
                break
        if self.max_steps and self.run.step_count >= self.max_steps and self.state == "running":
            self.state = "paused"
        self._update_rate(self.run.step_count - n0, time.perf_counter() - t_start)
        due = time.perf_counter() - self._last_publish >= self.snapshot_interval
        if due or self.state != "running":
            self._publish()

    def _guarded_step(self, mode: str) -> bool:
        try:
            out = self.run.step(mode)
        except Exception as err:  # a bad combination must not kill the thread silently
            self._fail(f"training step failed: {type(err).__name__}: {err}")
            return False
        if not all(math.isfinite(v) for v in out.values()):
            bad = ", ".join(k for k, v in out.items() if not math.isfinite(v))
            self._last.update(out)  # so the detector's `diverged` alert can name the culprit
            self._fail(f"training diverged at step {self.run.step_count}: {bad} is NaN or inf. "
                       "The last good weights were kept. Try a lower learning rate or WGAN-GP.")
            return False
        self._last.update(out)
        self.history.add({"step": self.run.step_count, **out})
        return True

    def _fail(self, message: str) -> None:
        self.state = "error"
        self.error = message
        self.run.load_state(self._good_state)
        if self.detector is not None:
            losses = {k: v for k, v in self._last.items() if k.endswith("loss")}
            grads = {k[0]: v for k, v in self._last.items() if k.endswith("grad")}
            try:
                self.alerts = self.detector.evaluate(self.run.step_count, np.full((1, 2), np.nan),
                                                     losses, grads)
            except Exception:
                pass  # the error state itself already tells the user
        self._publish()

    def _extra(self):
        hook = self.snapshot_extra
        if hook is None:
            return None
        try:
            with torch.no_grad():
                return hook(self.run)
        except Exception:  # a viewer's hook must never stop training
            return None

    def _update_rate(self, steps: int, seconds: float) -> None:
        if steps and seconds > 0:
            rate = steps / seconds
            self._rate = rate if self._rate == 0 else 0.8 * self._rate + 0.2 * rate

    def _publish(self) -> None:
        latent = self.run.eval_latent()
        fake = self.run.generate(latent)
        if np.isfinite(fake).all() and self.state != "error":
            if self.run.params_finite():
                self._good_state = self.run.state()
            else:
                self._fail("training diverged: a weight became NaN or inf. The last good "
                           "weights were kept.")
                return
        snap = Snapshot(self.run.step_count, time.perf_counter() - self._t0, fake,
                        {k: v for k, v in self._last.items() if k.endswith("loss")},
                        {k[0]: v for k, v in self._last.items() if k.endswith("grad")},
                        self._rate, list(self.alerts), extra=self._extra())
        self._maybe_detect(snap)
        self.snapshots.append(snap)
        # No keyframe in the error state: the weights are an earlier step's, restored.
        weights = None if self.state == "error" else (lambda: cpu_state(self.run.nets))
        self.timeline.offer(snap, weights)
        self._last_publish = time.perf_counter()

    def _maybe_detect(self, snap: Snapshot) -> None:
        if self.detector is None or snap.step == 0:
            return
        now = time.perf_counter()
        if now < self._next_detect and self.state == "running":
            snap.metrics = dict(self._metrics)  # the latest known, so panels do not blink
            return
        first = self._next_detect == -math.inf  # builds the target's reference: slow once
        try:
            self.alerts = self.detector.evaluate(snap.step, snap.fake, snap.losses, snap.grads,
                                                 generator=self.run.latent_map())
            snap.metrics = dict(self.detector.history[-1]) if self.detector.history else {}
        except Exception as err:  # the detector must never take training down
            self.alerts = []
            snap.metrics = {"detector_error": f"{type(err).__name__}: {err}"}
        snap.alerts = list(self.alerts)
        self._metrics = snap.metrics
        # The pass runs between steps, so it pauses training: on a busy machine where a
        # pass takes long, space passes out so they cost at most ~10% of training time.
        spent = time.perf_counter() - now
        self._next_detect = now + max(self.detector_interval, 0 if first else 10 * spent)

"""One training run: the target, variant, networks, optimisers and RNG that one model owns."""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from . import resume
from .checkpoints import Checkpoint, CheckpointError
from .config import Config, ConfigError, check_basic
from .device import pick_device
from .i18n import Msg, reason
from .latent import category_colours
from .step import Optimizers, lr_factor, make_optimizer, set_lr, train_step
from .targets import resolve_target
from .variants import get_variant
from .variants.base import Batch, Latent, Nets


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
        self.variant.bind_optimizers(self.nets, self.opts)
        self.step_count = 0
        self.start_step = 0  # where it was opened from a file: steps past it are new work
        self._eval_latent = None

    @classmethod
    def from_checkpoint(cls, ckpt: Checkpoint, device=None) -> "Run":
        """Build a Run from a checkpoint; a mismatch in shapes is a clear error."""
        try:
            run = cls(ckpt.config, ckpt.points, device)
        except (ConfigError, ValueError) as err:
            raise CheckpointError(Msg("errors.ckpt_config", error=reason(err))) from None
        _check_fits(run.nets.state_dict(), ckpt.state)
        try:
            run.nets.load_state_dict(ckpt.state)
        except RuntimeError as err:
            first = str(err).splitlines()[0]
            raise CheckpointError(Msg("errors.weights_error", error=first)) from None
        run.step_count = run.start_step = ckpt.step
        resume.restore(run, ckpt.train_state)
        # the schedule's rates at the restored step: a run opened past lr_decay_steps
        # continues at its floor, not at the full rate it started with
        run._apply_lr()
        return run

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

    def step(self, mode: str = "both", count: bool = True) -> dict:
        """One training step (mode 'both', 'd' or 'g'). count=False: the first half of a
        step whose other half follows (slow motion's D phase), so the pair counts once."""
        if not self.nets.training:  # walking every module costs ~3% of a step
            self.nets.train()
        if self.cfg.lr_decay_steps:  # before the step: a run restored at step n goes on at n's rate
            self._apply_lr()
        out = train_step(self.nets, self.opts, self._draw_train, self.variant, self.cfg,
                         self.gen, mode)
        self.step_count += int(count)
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
            return category_colours(latent.c.cpu().numpy())
        return self.nets.prior.colours(latent.z.detach().cpu())

    def set_live(self, **changes) -> None:
        """Apply changes the optimisers can take without a restart."""
        allowed = set(self.variant.live_fields)
        bad = set(changes) - allowed
        if bad:
            raise ConfigError(Msg("errors.live_fields", fields=", ".join(sorted(bad))))
        new = self.cfg.replace(**changes)
        check_basic(new)
        self.cfg = new
        self._apply_lr()

    def params_finite(self) -> bool:
        return all(bool(torch.isfinite(p).all()) for p in self.nets.parameters())

    def state(self) -> dict:
        return {k: v.detach().clone() for k, v in self.nets.state_dict().items()}

    def train_state(self) -> dict:
        """Optimisers, RNGs and data chunk: what a checkpoint needs to train on exactly."""
        return resume.capture(self)

    def load_state(self, state: dict) -> None:
        self.nets.load_state_dict(state)


def _check_fits(expected: dict, state: dict) -> None:
    """Name the first tensor that does not fit: torch's own message stops at a heading."""
    for key, want in expected.items():
        got = state.get(key)
        if got is None:
            raise CheckpointError(Msg("errors.weights_missing", tensor=key))
        if tuple(got.shape) != tuple(want.shape):
            raise CheckpointError(Msg("errors.weights_shape", tensor=key, got=str(tuple(got.shape)),
                                      want=str(tuple(want.shape))))
    extra = sorted(set(state) - set(expected))
    if extra:
        raise CheckpointError(Msg("errors.weights_extra", tensor=extra[0]))


def _batch_to(batch: Batch, device) -> Batch:
    move = lambda t: None if t is None else t.to(device)
    return Batch(move(batch.x), move(batch.c), move(batch.z))


def _latent_to(latent: Latent, device) -> Latent:
    return Latent(latent.z.to(device), None if latent.c is None else latent.c.to(device))


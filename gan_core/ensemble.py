"""K models trained as one batched computation (issue #16).

Members that share an architecture and optimiser settings form a `Group`: each layer's
weights are stacked on a leading member axis, (K, in, out), and one `baddbmm` runs the
layer for all K members, so one Python step trains K models. Members may differ in seed
and in loss, for variants that declare `stackable` losses (nsgan, lsgan, hinge, rsgan,
rasgan, minimax, wgan_gp): a loss's mean over (members, N) times the member count is the
sum of the members' own losses, so each member's weights get exactly its own gradient.

Each member is first built by its own `Run`, so a seed gives the same initial weights,
data stream and RNGs as a single run; the member's optimiser state is its slice of the
stacked state (Adam, RMSprop and SGD are elementwise). `member_run(i)` writes a member's
weights and optimiser state back into its Run, which then trains on alone.
"""
from __future__ import annotations

import torch
from torch import nn

from .config import Config, ConfigError, check_basic
from .i18n import Msg
from .run import Run
from .step import lr_factor, make_optimizer, set_lr
from .variants import get_variant
from .variants.base import Batch, Variant

# Hooks a member's variant must inherit from Variant or from a class that declares its
# losses stackable: anything else (a custom build, latent, clipping...) is not batched.
HOOKS = ("build", "sample_latent", "generate", "fake_batch", "make_data", "d_params",
         "g_params", "after_d_step", "g_extra", "d_loss", "g_loss")
MAX_MEMBERS = 256


class EnsembleError(ConfigError):
    """An ensemble that cannot be built; the message names the member."""


def refusal(cfg: Config) -> Msg | None:
    """Why `cfg` cannot be a member of a batched ensemble, or None."""
    variant = get_variant(cfg.variant)
    if not variant.stackable:
        return Msg("errors.ens.not_stackable", variant=cfg.variant)
    for hook in HOOKS:
        owner = next(c for c in type(variant).__mro__ if hook in c.__dict__)
        if owner is not Variant and not owner.__dict__.get("stackable"):
            return Msg("errors.ens.hook", variant=cfg.variant, hook=hook)
    if variant.conditional:
        return Msg("errors.ens.conditional", variant=cfg.variant)
    for field in ("g_batchnorm", "d_batchnorm", "spectral_norm", "feature_matching",
                  "instance_noise"):
        if getattr(cfg, field):
            return Msg("errors.ens.unsupported", what=Msg(f"errors.ens.what.{field}"))
    if cfg.pack != 1 or cfg.prior == "mixture":
        return Msg("errors.ens.pack_mixture")
    return None


def group_key(cfg: Config) -> str:
    """Members with equal keys share networks' shapes and optimiser settings."""
    variant = get_variant(cfg.variant)
    return cfg.replace(seed=0, variant="").to_json() + f"|{variant.reuse_fake}"


# --------------------------------------------------------------------------- stacked layers
def g_chain(G: nn.Module) -> list[nn.Module]:
    return [*G.body, G.out]


class Stack(nn.Module):
    """K copies of a chain of Linear layers and activations, with the weights stacked:
    W (K, in, out), b (K, 1, out). `rows` picks a contiguous run of members."""

    def __init__(self, chains: list[list[nn.Module]]):
        super().__init__()
        self.ops: list = []  # an int: that Linear; a module: an activation, shared
        self.weights, self.biases = nn.ParameterList(), nn.ParameterList()
        for i, layer in enumerate(chains[0]):
            if isinstance(layer, nn.Linear):
                self.ops.append(len(self.weights))
                w = torch.stack([c[i].weight.detach().t() for c in chains]).contiguous()
                b = torch.stack([c[i].bias.detach() for c in chains]).unsqueeze(1)
                self.weights.append(nn.Parameter(w))
                self.biases.append(nn.Parameter(b.clone()))
            else:
                self.ops.append(layer)
        self._w, self._b = list(self.weights), list(self.biases)  # ParameterList indexing is slow

    def forward(self, x, rows: slice = slice(None)):  # (k, N, in) -> (k, N, out)
        for op in self.ops:
            if isinstance(op, int):
                x = torch.baddbmm(self._b[op][rows], x, self._w[op][rows])
            else:
                x = op(x)
        return x

    @torch.no_grad()
    def write_back(self, chain: list[nn.Module], k: int) -> None:
        """Member k's weights into one module chain of the original layout."""
        linears = [m for m in chain if isinstance(m, nn.Linear)]
        for lin, w, b in zip(linears, self._w, self._b):
            lin.weight.copy_(w[k].t())
            lin.bias.copy_(b[k, 0])


def minibatch_std(h):  # (k, N, F) -> (k, N, F + 1): nets.MinibatchStd per member
    std = (h.var(dim=1, unbiased=False, keepdim=True) + 1e-8).sqrt().mean(dim=2, keepdim=True)
    return torch.cat([h, std.expand(-1, h.shape[1], 1)], dim=2)


def member_norms(params: list) -> torch.Tensor:  # -> (K,) each member's gradient norm
    sq = [p.grad.reshape(p.shape[0], -1).pow(2).sum(1) for p in params if p.grad is not None]
    return torch.stack(sq).sum(0).sqrt()


class _View:
    """What a variant's loss asks of `nets`, answered for members `rows` of a group at
    once: scores come with a leading member axis, (k, N)."""
    pack = 1

    def __init__(self, group: "Group", rows: slice):
        self.group, self.rows = group, rows
        rngs = [m.nets.rng for m in group.runs[rows]]
        self.rng = lambda n: torch.stack([torch.rand(n, 1, generator=r) for r in rngs])

    def score(self, batch: Batch):  # (k, N, dim) -> (k, N)
        return self.group.d_scores(batch.x, self.rows)

    def score_pair(self, real: Batch, fake: Batch):
        return self.group.d_pair(real.x, fake.x, self.rows)


# --------------------------------------------------------------------------- one group
class Group:
    """Members with one architecture and one optimiser setting, trained as one step.
    Members are ordered by variant so that each loss covers a contiguous run of rows."""

    def __init__(self, runs: list[Run]):
        self.runs = runs
        self.cfg = cfg = runs[0].cfg
        self.n = len(runs)
        self.parts = _parts([r.variant for r in runs], [r.cfg for r in runs])
        self.G = Stack([g_chain(r.nets.G) for r in runs])
        self.G_ema = None
        if cfg.g_ema:
            self.G_ema = Stack([g_chain(r.nets.extra["G_ema"]) for r in runs]).requires_grad_(False)
        D0 = runs[0].nets.D
        self.squash, self.mbstd = runs[0].nets.G.squash, D0.mbstd is not None
        self.D_body = Stack([list(r.nets.D.body) for r in runs])
        self.D_head = Stack([[r.nets.D.head] for r in runs])
        self.d_params = list(self.D_body.parameters()) + list(self.D_head.parameters())
        self.g_params = list(self.G.parameters())
        device = runs[0].device
        self.opt_d = make_optimizer(cfg, self.d_params, cfg.lr_d, device)
        self.opt_g = make_optimizer(cfg, self.g_params, cfg.lr_g, device)
        self.step_count = runs[0].step_count  # 0, or where an opened file left off
        self.eval_z = torch.stack([r.eval_latent().z for r in runs])  # (K, E, dz)

    # ----- networks
    def generate(self, z, ema: bool = False):  # (k, N, dz) -> (k, N, dim), normalised units
        G = self.G_ema if ema and self.G_ema is not None else self.G
        x = G(z)
        return torch.tanh(x) if self.squash else x

    def d_scores(self, x, rows: slice = slice(None)):  # (k, N, dim) -> (k, N)
        h = self.D_body(x, rows)
        if self.mbstd:
            h = minibatch_std(h)
        return self.D_head(h, rows).squeeze(-1)

    def d_pair(self, xr, xf, rows: slice = slice(None)):
        """One forward over real and fake; minibatch std is taken over each half alone,
        as the single run's two forwards do."""
        n = xr.shape[1]
        h = self.D_body(torch.cat([xr, xf], dim=1), rows)
        if self.mbstd:
            h = torch.cat([minibatch_std(h[:, :n]), minibatch_std(h[:, n:])], dim=1)
        s = self.D_head(h, rows).squeeze(-1)
        return s[:, :n], s[:, n:]

    # ----- data: each member draws from its own generator, in the single run's order
    def draw_real(self, runs: list[Run]):  # -> (k, N, dim)
        bs = self.cfg.batch_size
        return torch.stack([r._draw_train(bs, r.gen).x for r in runs])

    def draw_latent(self):  # -> (K, N, dz)
        bs = self.cfg.batch_size
        return torch.stack([r.variant.sample_latent(r.nets, bs, r.gen).z for r in self.runs])

    # ----- losses
    def loss(self, which: str, real, fake, per_member: bool):
        """Sum over members of each member's own loss, and (per_member) the K values.
        Per member, each member's loss is its own call: slower, kept for measured steps."""
        total, values = 0.0, []
        for variant, cfg, rows in (self._singles() if per_member else self.parts):
            fn = variant.d_loss if which == "d" else variant.g_loss
            r = None if real is None else Batch(real[rows])
            loss = fn(_View(self, rows), r, Batch(fake[rows]), cfg) * (rows.stop - rows.start)
            total = total + loss
            values.append(loss.detach())
        return total, (torch.stack(values) if per_member else None)

    def _singles(self):
        return [(v, c, slice(i, i + 1)) for v, c, rows in self.parts
                for i in range(rows.start, rows.stop)]

    def g_real(self):
        """Real data for G's step, drawn only by members whose G loss reads it (RSGAN);
        the others' rows are zeros their loss never reads, so their streams stay put."""
        users = [r.variant.g_uses_real for r in self.runs]
        if not any(users):
            return None
        bs = self.cfg.batch_size
        drawn = [r._draw_train(bs, r.gen).x if uses else None for r, uses in zip(self.runs, users)]
        like = next(x for x in drawn if x is not None)
        return torch.stack([x if x is not None else torch.zeros_like(like) for x in drawn])

    # ----- the step: Run.step's order, for K members at once
    def step(self, measure: bool = False) -> dict | None:
        """k_d critic updates then k_g generator updates for every member. With measure,
        returns per-member tensors (K,) of d_loss, g_loss, d_grad, g_grad."""
        cfg, out, carried = self.cfg, {}, None
        if cfg.lr_decay_steps:
            f = lr_factor(cfg, self.step_count)
            set_lr(self.opt_d, cfg.lr_d * f)
            set_lr(self.opt_g, cfg.lr_g * f)
        for i in range(cfg.k_d):
            keep = cfg.k_g > 0 and i == cfg.k_d - 1 and self.runs[0].variant.reuse_fake
            carried = self._d_step(keep, measure and i == cfg.k_d - 1, out)
        for j in range(cfg.k_g):
            self._g_step(carried if j == 0 else None, measure and j == cfg.k_g - 1, out)
        self.step_count += 1
        if self.G_ema is not None:
            decay = min(cfg.g_ema, (1.0 + self.step_count) / (10.0 + self.step_count))
            torch._foreach_lerp_(list(self.G_ema.parameters()), self.g_params, 1.0 - decay)
        return out if measure else None

    def _d_step(self, keep: bool, measure: bool, out: dict):
        real = self.draw_real(self.runs)
        z = self.draw_latent()
        with torch.set_grad_enabled(keep):  # G's graph is kept only for the G step after
            fake = self.generate(z)
        loss, values = self.loss("d", real, fake.detach(), measure)
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        if measure:
            out.update(d_loss=values, d_grad=member_norms(self.d_params))
        self.opt_d.step()
        return fake if keep else None

    def _g_step(self, fake, measure: bool, out: dict) -> None:
        real = self.g_real()
        for p in self.d_params:  # D's weight gradients are never used in a G step
            p.requires_grad_(False)
        try:
            if fake is None:
                fake = self.generate(self.draw_latent())
            loss, values = self.loss("g", real, fake, measure)
            self.opt_g.zero_grad(set_to_none=True)
            loss.backward()
        finally:
            for p in self.d_params:
                p.requires_grad_(True)
        if measure:
            out.update(g_loss=values, g_grad=member_norms(self.g_params))
        self.opt_g.step()

    # ----- reading and handing back
    @torch.no_grad()
    def shown_samples(self):  # -> (K, E, dim) in target units: the shown G on eval latents
        return self.runs[0].out_target.denormalise(self.generate(self.eval_z, ema=True))

    @torch.no_grad()
    def write_back(self, row: int) -> Run:
        """Member `row`'s weights, moving average, optimiser state and step count into its
        own Run, which can then train on alone from where the ensemble left it."""
        run = self.runs[row]
        pairs = (_pairs(self.G, g_chain(run.nets.G)) + _pairs(self.D_body, list(run.nets.D.body))
                 + _pairs(self.D_head, [run.nets.D.head]))
        if self.G_ema is not None:
            for p, src, t in _pairs(self.G_ema, g_chain(run.nets.extra["G_ema"])):
                p.copy_(_row(src, row, t))
        for p, src, t in pairs:
            p.copy_(_row(src, row, t))
        for opt, mine in ((self.opt_d, run.opts.d), (self.opt_g, run.opts.g)):
            _copy_state(opt, mine, {id(p): (src, t) for p, src, t in pairs}, row)
        run.step_count = self.step_count
        run._apply_lr()
        return run


def _pairs(stack: Stack, chain: list[nn.Module]) -> list:
    """(member parameter, stacked tensor, transposed?) for each weight and bias."""
    linears = [m for m in chain if isinstance(m, nn.Linear)]
    out = []
    for lin, w, b in zip(linears, stack._w, stack._b):
        out += [(lin.weight, w, True), (lin.bias, b, False)]
    return out


def _row(t, row: int, transposed: bool):
    return t[row].t() if transposed else t[row].reshape(-1)


def _copy_state(stacked_opt, member_opt, source: dict, row: int) -> None:
    """Slice the stacked optimiser state for one member (Adam's moments are per element)."""
    for p in member_opt.param_groups[0]["params"]:
        src, transposed = source[id(p)]
        state = stacked_opt.state.get(src)
        if not state:
            continue
        member_opt.state[p] = {k: (v.clone() if v.ndim == 0 else _row(v, row, transposed).clone(memory_format=torch.contiguous_format))
                               for k, v in state.items()}


def _parts(variants: list[Variant], cfgs: list[Config]) -> list:
    """(variant, config, rows) for each run of members that share a loss."""
    parts, start = [], 0
    for i in range(1, len(variants) + 1):
        if i == len(variants) or variants[i] is not variants[start]:
            parts.append((variants[start], cfgs[start], slice(start, i)))
            start = i
    return parts


# --------------------------------------------------------------------------- the ensemble
class Ensemble:
    """Members given as Configs, in order; trained as one batched step per group."""

    def __init__(self, configs: list[Config], device=None, runs: list[Run] | None = None):
        """runs: already-built members (an opened ensemble file), one per config, all at
        one step; by default each member is a fresh Run of its config."""
        if not 1 <= len(configs) <= MAX_MEMBERS:
            raise EnsembleError(Msg("errors.ens.size", limit=MAX_MEMBERS, n=len(configs)))
        for i, cfg in enumerate(configs):
            check_basic(cfg)
            reason = refusal(cfg)
            if reason:
                raise EnsembleError(Msg("errors.ens.member", n=i + 1, variant=cfg.variant,
                                         seed=cfg.seed, why=reason))
        self.configs = list(configs)
        device = device or torch.device("cpu")
        # member order
        self.runs = runs = runs or [Run(cfg, device=device) for cfg in configs]
        if len({r.step_count for r in runs}) != 1:
            raise EnsembleError(Msg("errors.ens.steps"))
        self._assemble(configs, runs)

    def _assemble(self, configs: list[Config], runs: list[Run]) -> None:
        keyed: dict[str, list[int]] = {}
        for i, cfg in enumerate(configs):
            keyed.setdefault(group_key(cfg), []).append(i)
        self.groups, self.where = [], [None] * len(configs)  # member -> (group, row)
        for idx in keyed.values():
            idx = sorted(idx, key=lambda i: configs[i].variant)  # each loss a run of rows
            group = Group([runs[i] for i in idx])
            self.groups.append(group)
            for row, i in enumerate(idx):
                self.where[i] = (group, row)

    def __len__(self) -> int:
        return len(self.configs)

    @property
    def step_count(self) -> int:
        return self.groups[0].step_count

    def step(self, measure: bool = False) -> dict | None:
        """One step of every member; with measure, {name: (K,) float array} in member order."""
        outs = [g.step(measure) for g in self.groups]
        if not measure:
            return None
        return {name: self._in_order([o[name] for o in outs]) for name in outs[0]}

    def samples(self):  # -> (K, E, dim) numpy float32, target units, in member order
        return self._in_order([g.shown_samples() for g in self.groups])

    def _in_order(self, per_group: list):
        rows = {id(g): t for g, t in zip(self.groups, per_group)}
        return torch.stack([rows[id(g)][row] for g, row in self.where]).float().cpu().numpy()

    def member_run(self, i: int) -> Run:
        group, row = self.where[i]
        return group.write_back(row)

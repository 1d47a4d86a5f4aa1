"""The one training config: frozen, flat, JSON-serialisable.

Flat on purpose: every field maps to one CLI flag and one widget, and a
remedy from the detector is just a dict of field -> new value.
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, fields

from .i18n import Join, Msg

ACTIVATIONS = ("relu", "leaky_relu", "tanh")
OPTIMIZERS = ("adam", "rmsprop", "sgd")
PRIORS = ("normal", "uniform", "mixture")
G_OUTPUTS = ("linear", "tanh")
# Checked before any network is built: a config (or a checkpoint's) that would take
# gigabytes is refused in microseconds instead of after the allocation.
PARAM_BUDGET = 50_000_000
MAX_SEED = 2**63 - 1


class ConfigError(ValueError):
    """A config that cannot be trained; the message is meant for the user."""


@dataclass(frozen=True)
class Config:
    target: str = "eight_gaussians"
    variant: str = "nsgan"
    # latent
    latent_dim: int = 2
    prior: str = "normal"
    mixture_components: int = 50  # DeLiGAN
    mixture_sigma_reg: float = 0.1  # DeLiGAN: lambda * mean((sigma - 1)^2)
    # networks
    g_depth: int = 3
    g_width: int = 128
    d_depth: int = 3
    d_width: int = 128
    activation: str = "relu"
    leaky_slope: float = 0.2
    g_batchnorm: bool = False
    d_batchnorm: bool = False
    spectral_norm: bool = False  # on D
    g_output: str = "linear"
    d_feature_dim: int = 0  # >0: D body ends in a feature layer of this width (tutorial: 2)
    # optimisation
    optimizer: str = "adam"
    lr_d: float = 1e-4
    lr_g: float = 1e-4
    beta1: float = 0.5
    beta2: float = 0.999
    k_d: int = 1
    k_g: int = 1
    batch_size: int = 256
    seed: int = 0
    dataset_size: int = 0  # 0: fresh samples every batch; N: a fixed set of N points
    # >0: what is shown and measured is an exponential moving average of G's weights with
    # this decay (Yazici et al. 2019); the averaged G lands its samples on the modes, where
    # the trained G keeps oscillating around them. 0: off.
    g_ema: float = 0.0
    # >0: both learning rates fall linearly to lr_floor x their value over this many steps,
    # then stay there. 0: constant rates.
    lr_decay_steps: int = 0
    lr_floor: float = 0.1
    # variant knobs (each variant reads only its own)
    gp_lambda: float = 0.1  # WGAN-GP's toy value (see gan_core/variants/wgan_gp.py)
    clip_value: float = 0.01
    unroll_steps: int = 5
    pack: int = 1  # PacGAN: samples packed per D input
    n_codes_cont: int = 2  # InfoGAN continuous codes
    info_lambda_cat: float = 1.0
    info_lambda_cont: float = 0.1
    cycle_lambda: float = 10.0
    target_b: str = "ring8"  # CycleGAN's second domain
    # remedies that combine with any loss
    label_smoothing: float = 0.0  # real label becomes 1 - label_smoothing
    minibatch_std: bool = False
    feature_matching: bool = False
    instance_noise: float = 0.0  # std of noise added to D inputs (normalised units)
    # evaluation
    eval_size: int = 2000

    def replace(self, **changes) -> "Config":
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise ConfigError(Msg("errors.config_unknown_fields", fields=", ".join(sorted(unknown))))
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "Config":
        known = {f.name: f for f in fields(cls)}
        kwargs = {}
        for key, value in data.items():
            if key not in known:
                continue  # fields dropped in later versions are ignored, not fatal
            kwargs[key] = _coerce(known[key], value)
        return cls(**kwargs)

    @classmethod
    def from_json(cls, text: str) -> "Config":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ConfigError(Msg("errors.config_not_json", error=str(err))) from None
        if not isinstance(data, dict):
            raise ConfigError(Msg("errors.config_not_object"))
        return cls.from_dict(data)


def _coerce(field, value):
    kind = field.type if isinstance(field.type, str) else field.type.__name__
    try:
        if kind == "bool":
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "yes", "on")
            return bool(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(Msg("errors.config_field_type", field=repr(field.name), value=repr(value),
                               kind=kind)) from None


def check_basic(cfg: Config) -> None:
    """Range checks that do not need the registries. Raises ConfigError."""
    problems = (_choice_problems(cfg) + _net_problems(cfg) + _training_problems(cfg)
                + _remedy_problems(cfg) + _data_problems(cfg) + _aid_problems(cfg)
                + _size_problems(cfg) + _knob_problems(cfg))
    if problems:
        raise ConfigError(Join(problems))
    n = estimate_params(cfg)
    if n > PARAM_BUDGET:
        raise ConfigError(Msg("errors.param_budget", n=n, limit=PARAM_BUDGET))


def estimate_params(cfg: Config) -> int:
    """An upper-end count of the weights from the config alone: G (twice with its moving
    average), D, a mixture prior; the variants add at most a small head or a second G/D
    pair (CycleGAN), which the factor 2 covers."""
    def mlp(n_in, width, depth, n_out):
        return (n_in + 1) * width + (depth - 1) * (width + 1) * width + (width + 1) * n_out
    codes = cfg.latent_dim + cfg.n_codes_cont + 16  # + categorical codes / conditions
    g = mlp(codes, cfg.g_width, cfg.g_depth, 2) * (2 if cfg.g_ema else 1)
    d = mlp(2 * cfg.pack + 16, cfg.d_width, cfg.d_depth, 1 + max(cfg.d_feature_dim, 0))
    d += cfg.d_width * max(cfg.d_feature_dim, 0)
    prior = 2 * cfg.mixture_components * cfg.latent_dim
    return int(g + d + prior) * (2 if cfg.variant == "cyclegan2d" else 1)


def _between(name: str, lo, hi) -> Msg:
    return Msg("errors.between", name=name, lo=lo, hi=hi)


def _in(name: str, interval: str) -> Msg:
    return Msg("errors.in_interval", name=name, interval=interval)


def _size_problems(cfg: Config) -> list[Msg]:
    """Integer fields that size an allocation or a loop: each has a ceiling."""
    bounds = (("mixture_components", 1, 10_000), ("d_feature_dim", 0, 4096),
              ("n_codes_cont", 0, 1000), ("unroll_steps", 0, 100),
              ("lr_decay_steps", 0, 10**9), ("seed", 0, MAX_SEED))
    return [_between(name, f"{lo:,}", f"{hi:,}") for name, lo, hi in bounds
            if not lo <= getattr(cfg, name) <= hi]


def _knob_problems(cfg: Config) -> list[Msg]:
    """Float knobs: a NaN passes every `<` test, so finiteness is checked first."""
    problems = []
    if not (math.isfinite(cfg.leaky_slope) and 0 <= cfg.leaky_slope < 1):
        problems.append(_in("leaky_slope", "[0, 1)"))
    for name in ("gp_lambda", "clip_value", "mixture_sigma_reg", "info_lambda_cat",
                 "info_lambda_cont", "cycle_lambda", "instance_noise"):
        value = getattr(cfg, name)
        if not (math.isfinite(value) and value >= 0):
            problems.append(Msg("errors.finite_nonneg", name=name))
    for name in ("beta1", "beta2"):
        if not 0 <= getattr(cfg, name) < 1:
            problems.append(_in(name, "[0, 1)"))
    if not (math.isfinite(cfg.lr_d) and math.isfinite(cfg.lr_g)):
        problems.append(Msg("errors.lr_finite"))
    return problems


def _choice_problems(cfg: Config) -> list[Msg]:
    """The fields that name one of a fixed set of options."""
    problems = []
    if not 1 <= cfg.latent_dim <= 128:
        problems.append(_between("latent_dim", 1, 128))
    for name, options in (("prior", PRIORS), ("activation", ACTIVATIONS),
                          ("optimizer", OPTIMIZERS), ("g_output", G_OUTPUTS)):
        if getattr(cfg, name) not in options:
            problems.append(Msg("errors.one_of", name=name, options=str(options)))
    return problems


def _net_problems(cfg: Config) -> list[Msg]:
    problems = []
    for name in ("g_depth", "d_depth"):
        if not 1 <= getattr(cfg, name) <= 16:
            problems.append(_between(name, 1, 16))
    for name in ("g_width", "d_width"):
        if not 1 <= getattr(cfg, name) <= 4096:
            problems.append(_between(name, 1, 4096))
    return problems


def _training_problems(cfg: Config) -> list[Msg]:
    """Steps per round, batch size and learning rates."""
    problems = []
    for name in ("k_d", "k_g"):
        if not 0 <= getattr(cfg, name) <= 100:
            problems.append(_between(name, 0, 100))
    if cfg.k_d + cfg.k_g == 0:
        problems.append(Msg("errors.k_both_zero"))
    if not 2 <= cfg.batch_size <= 65536:
        problems.append(_between("batch_size", 2, 65536))
    if not (cfg.lr_d > 0 and cfg.lr_g > 0):
        problems.append(Msg("errors.lr_positive"))
    return problems


def _remedy_problems(cfg: Config) -> list[Msg]:
    problems = []
    if not 0 <= cfg.label_smoothing < 0.5:
        problems.append(_in("label_smoothing", "[0, 0.5)"))
    if not 1 <= cfg.pack <= 8:
        problems.append(_between("pack", 1, 8))
    elif cfg.batch_size % cfg.pack:
        problems.append(Msg("errors.batch_pack"))
    return problems


def _data_problems(cfg: Config) -> list[Msg]:
    problems = []
    if cfg.dataset_size and not 10 <= cfg.dataset_size <= 1_000_000:
        problems.append(Msg("errors.dataset_size"))
    if not 16 <= cfg.eval_size <= 20000:
        problems.append(_between("eval_size", 16, 20000))
    return problems


def _aid_problems(cfg: Config) -> list[Msg]:
    """The EMA of G and the learning-rate decay."""
    problems = []
    if not 0 <= cfg.g_ema < 1:
        problems.append(Msg("errors.g_ema"))
    if cfg.lr_decay_steps < 0:
        problems.append(Msg("errors.nonneg", name="lr_decay_steps"))
    if not 0 < cfg.lr_floor <= 1:
        problems.append(_in("lr_floor", "(0, 1]"))
    return problems

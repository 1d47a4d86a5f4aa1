"""The contract every GAN variant follows.

A variant is a `Variant` subclass in its own file. Losses share one signature,
`loss(nets, real, fake, cfg) -> scalar tensor`, and receive the networks rather
than their outputs, so a penalty that needs D's gradient (WGAN-GP), a second
network (T-GAN's encoder, InfoGAN's Q head) or unrolled copies of D fits with
no special case in the trainer. Hooks with default bodies cover structure:
`build` (which networks), `sample_latent`/`generate` (what G eats),
`make_data` (what counts as real), `after_d_step` (e.g. weight clipping),
`g_extra` (G-step terms that stay whatever the adversarial loss is: InfoGAN's
mutual information, CycleGAN's cycle loss) and `latent_layout` (what each column
of `Latent.z` and `Latent.c` means, so the UI can label the levers).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..config import Config, ConfigError
from ..distributions import FixedDataset, Target
from ..i18n import Msg
from ..latent import MixturePrior, code_name, latent_name, make_prior
from ..nets import make_discriminator, make_generator


@dataclass
class Latent:
    z: Tensor  # (N, dz) continuous latent: the levers
    c: Tensor | None = None  # (N,) long: condition or categorical code


@dataclass(frozen=True)
class LatentLayout:
    """What G eats, column by column, so the UI can label one lever per input.

    Latent.z = [noise (from the prior) | codes (InfoGAN continuous codes, U(-1, 1))];
    Latent.c ranges over `categories` values: a condition (cGAN) or a categorical
    code (InfoGAN). For CycleGAN `from_data` is True: z holds points of target A in
    normalised units, not a latent - the variant maps data to data.
    """
    noise: int
    codes: int = 0
    categories: int = 0
    category_role: str = ""  # "condition", "code" or "" (no Latent.c)
    from_data: bool = False

    @property
    def z_dim(self) -> int:
        return self.noise + self.codes

    def lever_names(self) -> list[str]:  # one label per column of Latent.z
        if self.from_data:
            return ["x (target A)", "y (target A)"][:self.noise]
        return ([latent_name(i) for i in range(self.noise)] +
                [code_name(i) for i in range(self.codes)])


@dataclass
class Batch:
    x: Tensor  # (N, dim) in normalised units; dim is 2 except for image targets
    c: Tensor | None = None  # (N,) long: mode index (real) or condition/code (fake)
    z: Tensor | None = None  # (N, dz) the latent that made x (fake only)


class Nets(nn.Module):
    """G, D, the prior and any extra modules, plus how D's input is assembled."""

    def __init__(self, G, D, prior, n_classes=0, g_cond=False, d_cond=False, pack=1, extra=None):
        super().__init__()
        self.G, self.D = G, D
        self.prior = prior  # a Prior, or a MixturePrior module (then trained with G)
        self.extra = nn.ModuleDict(extra or {})
        self.n_classes, self.g_cond, self.d_cond, self.pack = n_classes, g_cond, d_cond, pack
        # Losses that need randomness (GP's eps, instance noise) draw from this CPU
        # generator, so a seeded run is reproducible whatever other threads do.
        self.rng = torch.Generator().manual_seed(0)
        self.pairwise = False  # True for T-GANs: D scores pairs, there is no per-point score

    @property
    def shown_G(self) -> nn.Module:
        """The G whose samples are shown and measured: G's moving average when the run
        keeps one (Config.g_ema), else G itself."""
        return self.extra["G_ema"] if "G_ema" in self.extra else self.G

    def one_hot(self, c):  # (N,) -> (N, n_classes)
        return F.one_hot(c, self.n_classes).to(torch.float32)

    def g_input(self, latent: Latent) -> Tensor:
        if self.g_cond:
            return torch.cat([latent.z, self.one_hot(latent.c)], dim=1)
        return latent.z

    def d_input(self, batch: Batch) -> Tensor:  # (N, 2[+K]) -> (N / pack, pack * (2[+K]))
        x = batch.x
        if self.d_cond:
            x = torch.cat([x, self.one_hot(batch.c)], dim=1)
        if self.pack > 1:
            x = x.reshape(x.shape[0] // self.pack, -1)
        return x

    def score(self, batch: Batch) -> Tensor:  # (N / pack,)
        return self.D(self.d_input(batch)).squeeze(1)

    def score_pair(self, real: Batch, fake: Batch) -> tuple[Tensor, Tensor]:
        """D on real and fake; one forward over both when batch statistics allow it."""
        if self.D.batch_coupled:
            return self.score(real), self.score(fake)
        both = self.D(torch.cat([self.d_input(real), self.d_input(fake)])).squeeze(1)
        n = both.shape[0] // 2
        return both[:n], both[n:]

    def d_features(self, batch: Batch) -> Tensor:  # (N / pack, F)
        return self.D.features(self.d_input(batch))


def real_label(cfg: Config) -> float:
    """One-sided label smoothing: only the real target moves (Salimans et al. 2016)."""
    return 1.0 - cfg.label_smoothing


def bce_logits(logits: Tensor, target: float) -> Tensor:
    """mean BCE(sigmoid(s), t) = mean(softplus(s) - t*s): no target tensor to allocate."""
    if target == 1.0:
        return F.softplus(-logits).mean()
    if target == 0.0:
        return F.softplus(logits).mean()
    return (F.softplus(logits) - target * logits).mean()


def feature_matching_loss(nets: Nets, real: Batch, fake: Batch) -> Tensor:
    """Salimans et al. 2016: ||E f(x_real) - E f(G(z))||^2 over D's penultimate features."""
    f_real = nets.d_features(real).detach().mean(0)
    f_fake = nets.d_features(fake).mean(0)
    return (f_real - f_fake).pow(2).sum()


def data_dim(target: Target) -> int:
    """Width of one data point: 2 for the plane targets, 64 for 8x8 images."""
    return getattr(target, "dim", 2)


class Variant:
    name = ""
    paper = ""
    summary = ""  # one line: what this variant changes
    defaults: dict = {}  # Config overrides applied when the user picks this variant
    steps_needed = 0  # steps a run of this variant's defaults needs before it is judged; 0: the usual 6,000
    uses_latent = True  # False for variants that map data to data (CycleGAN)
    conditional = False  # G and D both see the mode index
    g_uses_real = True  # False: g_loss ignores `real`, so the G step skips drawing it
    reuse_fake = True  # the first G step reuses the last D step's fake batch (DCGAN style)
    uses_labels = True  # False for losses without real/fake targets (Wasserstein, hinge)
    # True when G's loss is D's raw, unbounded score (Wasserstein, hinge): G's gradient does
    # not saturate when D wins, so D's loss near 0 is not the "discriminator wins" alarm.
    critic_unbounded = False
    # Config field -> (the value this variant needs, the catalogue key of why, with {name}
    # and {value}): a remedy that changes a pinned field is refused (DeLiGAN is its prior).
    pinned: dict = {}
    live_fields = ("lr_d", "lr_g", "k_d", "k_g", "label_smoothing", "instance_noise")
    # True when this class's losses also work on scores with a leading member axis, (K, N):
    # they reduce with a plain mean (or along the last axis), so a batched ensemble
    # (gan_core/ensemble.py) can train K members through one call. Declared per class: a
    # subclass that overrides a loss or hook without declaring it is not batched.
    stackable = False

    # --- validation -------------------------------------------------------------
    def check(self, cfg: Config, target: Target) -> None:
        """Raise ConfigError for combinations this variant cannot train."""
        if self.conditional and not target.has_modes:
            raise ConfigError(Msg("errors.needs_modes", name=self.name, target=target.name))
        reason = self.refusal(cfg)
        if reason:
            raise ConfigError(reason)  # a Msg

    def refusal(self, cfg: Config) -> Msg | None:
        """Why the declared capabilities rule `cfg` out, or None; the detector asks this
        before it offers a remedy, so it never needs the variant's name."""
        if cfg.prior == "mixture" and not self.uses_latent:
            return Msg("errors.no_latent_prior", name=self.name)
        if cfg.label_smoothing and not self.uses_labels:
            return Msg("errors.no_labels", name=self.name)
        for field, (value, why) in self.pinned.items():  # why: a catalogue key
            if getattr(cfg, field) != value:
                return Msg(why, name=self.name, value=getattr(cfg, field))
        return None

    def fitted(self, cfg: Config) -> dict:
        """The changes that make `cfg` acceptable to this variant's capabilities: what a
        switch to this variant must also change (WGAN-GP has no labels to smooth)."""
        fixes = {key: value for key, (value, _) in self.pinned.items()}
        if not self.uses_labels:
            fixes["label_smoothing"] = 0.0
        if not self.uses_latent and cfg.prior == "mixture":
            fixes["prior"] = "normal"
        return {k: v for k, v in fixes.items() if getattr(cfg, k) != v}

    def code_dims(self, cfg: Config) -> list[int]:
        """Columns of Latent.z that are continuous codes rather than noise (InfoGAN's)."""
        return []

    def latent_layout(self, cfg: Config, target: Target) -> LatentLayout:
        k = target.n_classes if self.conditional else 0
        return LatentLayout(cfg.latent_dim, 0, k, "condition" if k else "")

    # --- structure --------------------------------------------------------------
    def make_prior(self, cfg: Config):
        if cfg.prior == "mixture":
            return MixturePrior(cfg.latent_dim, cfg.mixture_components)
        return make_prior(cfg.prior, cfg.latent_dim)

    def build(self, cfg: Config, target: Target) -> Nets:
        k = target.n_classes if self.conditional else 0
        dim = data_dim(target)
        G = make_generator(cfg, cfg.latent_dim + k, dim)
        D = make_discriminator(cfg, (dim + k) * cfg.pack)
        return Nets(G, D, self.make_prior(cfg), n_classes=k, g_cond=bool(k), d_cond=bool(k),
                    pack=cfg.pack)

    def make_data(self, cfg: Config, target: Target, gen: torch.Generator) -> Callable:
        """Return draw(n, gen) -> Batch of real data in normalised units."""
        source = FixedDataset(target, cfg.dataset_size, gen) if cfg.dataset_size else target

        def draw(n, g):
            if self.conditional:
                x, c = source.sample_with_labels(n, g)
                return Batch(target.normalise(x), c)
            x, _ = source.sample(n, g)
            return Batch(target.normalise(x))

        return draw

    def output_target(self, cfg: Config, target: Target) -> Target:
        """The target whose units G's output is in (CycleGAN's is target B)."""
        return target

    def sample_latent(self, nets: Nets, n: int, gen: torch.Generator) -> Latent:
        z = nets.prior.sample(n, gen)
        c = torch.randint(0, nets.n_classes, (n,), generator=gen) if nets.g_cond else None
        return Latent(z, c)

    def generate(self, nets: Nets, latent: Latent) -> Tensor:  # (N, 2)
        # Train mode is the training step's G; eval mode (Run.generate, the probes) is the
        # G that is shown, which is the moving average when the run keeps one.
        G = nets.G if nets.training else nets.shown_G
        return G(nets.g_input(latent))

    def fake_batch(self, nets: Nets, latent: Latent) -> Batch:
        return Batch(self.generate(nets, latent), latent.c, latent.z)

    def bind_optimizers(self, nets: Nets, opts) -> None:
        """Called once the run's optimisers exist; a loss that needs one (Unrolled GAN's
        look-ahead follows D's Adam) keeps it here."""

    def d_params(self, nets: Nets):
        return list(nets.D.parameters())

    def g_params(self, nets: Nets):
        params = list(nets.G.parameters())
        if isinstance(nets.prior, nn.Module):
            params += list(nets.prior.parameters())
        return params

    # --- losses -----------------------------------------------------------------
    def d_loss(self, nets: Nets, real: Batch, fake: Batch, cfg: Config) -> Tensor:
        raise NotImplementedError

    def g_loss(self, nets: Nets, real: Batch, fake: Batch, cfg: Config) -> Tensor:
        raise NotImplementedError

    def g_extra(self, nets: Nets, real: Batch, fake: Batch, cfg: Config) -> Tensor | float:
        """Terms the G step adds to g_loss, or to feature matching when that replaces it."""
        return 0.0

    def after_d_step(self, nets: Nets, cfg: Config) -> None:
        """Runs after each D optimiser step (WGAN clips weights here)."""


# Losses without labels (Wasserstein, hinge) refuse label smoothing, live or not.
UNLABELLED_LIVE_FIELDS = tuple(f for f in Variant.live_fields if f != "label_smoothing")

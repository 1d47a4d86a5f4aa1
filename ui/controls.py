"""Sidebar widgets for the Playground: `*_ui()` helpers that draw widgets and return
plain values, plus the config <-> widget-state plumbing and presets (what a change
does to the running model is ui.sync).

Every config widget has key `cfg_<field>`; fields without a widget (Adam's betas,
variant knobs not shown) live in `st.session_state["pg_hidden"]`.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from gan_core import presets as P
from gan_core.config import ACTIVATIONS, OPTIMIZERS, PRIORS, Config, ConfigError, check_basic
from gan_core.distributions import TARGETS, InvalidData, parse_points_csv
from gan_core.variants import VARIANTS, config_for, get_variant
from ui.widgets import KEPT  # noqa: F401  (the one persistence scheme; pages use C.KEPT)

CUSTOM = "custom"
MAX_UPLOAD_MB = 5
LRS = [1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2]
BATCHES = [32, 64, 128, 256, 512, 1024]
EMAS = [0.0, 0.99, 0.995, 0.999, 0.9995]
WIDTHS = [8, 16, 32, 64, 128, 256, 512]
# Variant knobs: shown only for variants whose defaults mention them.
KNOBS = {
    "gp_lambda": ("Gradient penalty λ", 0.0, 100.0, 0.05),  # 0.1 on the toys, 10 for images
    "clip_value": ("Weight clip c", 0.001, 1.0, 0.005),
    "unroll_steps": ("Unrolled D steps", 1, 20, 1),
    "pack": ("Pack size (samples per D input)", 1, 8, 1),
    "n_codes_cont": ("Continuous codes", 0, 8, 1),
    "mixture_components": ("Mixture components", 1, 200, 1),
    "cycle_lambda": ("Cycle-consistency λ", 0.0, 100.0, 1.0),
}
WIDGET_FIELDS = ("target", "variant", "latent_dim", "prior", "g_depth", "g_width", "d_depth",
                 "d_width", "activation", "optimizer", "lr_d", "lr_g", "k_d", "k_g",
                 "batch_size", "seed", "label_smoothing", "instance_noise", "spectral_norm",
                 "minibatch_std", "feature_matching", "g_ema", *KNOBS)
VARIANT_FIELDS = sorted({k for v in VARIANTS.values() for k in v.defaults} - {"target"})

DEFAULT_PRESET = P.DEFAULT


# --------------------------------------------------------------------------- config <-> widgets
def preset_config(name: str) -> Config:
    return P.PRESETS[name].config()


def push_config(cfg: Config) -> None:
    """Write a config into the widget states (call from callbacks, before widgets draw)."""
    st.session_state["pg_hidden"] = dataclasses.asdict(cfg)
    for f in WIDGET_FIELDS:
        st.session_state[f"cfg_{f}"] = getattr(cfg, f)


def ensure_defaults() -> None:
    if "pg_hidden" not in st.session_state:
        push_config(preset_config(DEFAULT_PRESET))


def desired_config() -> Config:
    """The config the widgets describe (unvalidated beyond types)."""
    data = dict(st.session_state["pg_hidden"])
    for f in WIDGET_FIELDS:
        key = f"cfg_{f}"
        if key in st.session_state:
            data[f] = st.session_state[key]
    return Config.from_dict(data)


def apply_preset(name: str) -> None:
    push_config(preset_config(name))
    st.session_state["pg_force_reset"] = True  # a preset is a fresh run, no question asked
    st.session_state["pg_preset"] = name  # its promise shows as "what to watch"


def on_variant_change() -> None:
    """A new variant brings its defaults; the user's structure (target, nets...) stays."""
    cur = desired_config()
    name = st.session_state["cfg_variant"]
    keep = {k: v for k, v in dataclasses.asdict(cur).items()
            if k not in VARIANT_FIELDS and k != "variant"}
    push_config(config_for(name, **keep))


def validate(cfg: Config) -> str:
    """'' if the config can train, else the reason (meant for the user)."""
    try:
        check_basic(cfg)
        get_variant(cfg.variant)
    except ConfigError as err:
        return str(err)
    return ""


# --------------------------------------------------------------------------- custom data
def read_points(data: bytes, max_mb: int = MAX_UPLOAD_MB) -> np.ndarray:
    """Validated (N, 2) points from an uploaded CSV; raises InvalidData with a message."""
    return parse_points_csv(data, max_bytes=max_mb * 1_000_000)


def handle_upload(data: bytes | None) -> None:
    """Parse an upload into session state: `pg_points` on success, `pg_csv_error` on failure."""
    if data is None:
        return
    try:
        st.session_state["pg_points"] = read_points(data)
        st.session_state.pop("pg_csv_error", None)
        st.session_state["pg_force_reset"] = True
    except InvalidData as err:
        st.session_state["pg_csv_error"] = str(err)


# --------------------------------------------------------------------------- sidebar helpers
def _options_with(options: list, value) -> list:
    return sorted(set(options) | {value}) if value not in options else options


def presets_ui() -> None:
    st.markdown("**Presets** (one click each)")
    for name, preset in P.PRESETS.items():
        st.button(name, key=f"preset_{name}", on_click=apply_preset, args=(name,),
                  help=preset.note, width="stretch")


def target_ui() -> str:
    names = [*TARGETS, CUSTOM]
    name = st.selectbox("Target", names, key="cfg_target", **KEPT,
                        format_func=lambda n: "custom (upload a CSV)" if n == CUSTOM else n,
                        help="The distribution the GAN must learn to draw.")
    if name in TARGETS:
        st.caption(TARGETS[name].description)
    else:
        up = st.file_uploader(f"CSV of x, y rows (≤ {MAX_UPLOAD_MB} MB)", type=["csv", "txt"],
                              key="pg_upload", max_upload_size=MAX_UPLOAD_MB)
        raw = st.session_state.pop("pg_csv_bytes", None)  # tests inject bytes here
        if up is not None and st.session_state.get("pg_upload_id") != up.file_id:
            st.session_state["pg_upload_id"] = up.file_id
            raw = up.getvalue()
        handle_upload(raw)
        if st.session_state.get("pg_csv_error"):
            st.error(f"Cannot use this file: {st.session_state['pg_csv_error']}")
        elif st.session_state.get("pg_points") is not None:
            st.caption(f"{len(st.session_state['pg_points']):,} points loaded.")
    return name


def variant_ui() -> str:
    names = list(VARIANTS)
    name = st.selectbox("GAN variant", names, key="cfg_variant", **KEPT,
                        on_change=on_variant_change,
                        format_func=lambda n: f"{n} — {VARIANTS[n].summary[:48]}…"
                        if len(VARIANTS[n].summary) > 48 else f"{n} — {VARIANTS[n].summary}",
                        help="Changing the variant loads its paper defaults.")
    v = VARIANTS[name]
    st.caption(f"{v.summary}  \n*{v.paper}*" if v.paper else v.summary)
    return name


def options_ui(variant: str) -> None:
    """Latent, networks, optimiser, remedies and the variant's own knobs."""
    networks_ui()
    optimiser_ui()
    remedies_ui()
    knobs = [k for k in KNOBS if k in VARIANTS[variant].defaults]
    if knobs:
        with st.expander(f"{variant} settings", expanded=False):
            for k in knobs:
                label, lo, hi, step = KNOBS[k]
                st.number_input(label, lo, hi, step=step, key=f"cfg_{k}", **KEPT)


def networks_ui() -> None:
    s = st.session_state
    with st.expander("Latent and networks", expanded=False):
        st.number_input("Latent dimension", 1, 64, key="cfg_latent_dim", **KEPT,
                        help="How many numbers G gets; one lever each.")
        st.selectbox("Prior", PRIORS, key="cfg_prior", **KEPT)
        c1, c2 = st.columns(2)
        c1.number_input("G depth", 1, 8, key="cfg_g_depth", **KEPT)
        c2.select_slider("G width", _options_with(WIDTHS, s["cfg_g_width"]), key="cfg_g_width",
                         **KEPT)
        c1.number_input("D depth", 1, 8, key="cfg_d_depth", **KEPT)
        c2.select_slider("D width", _options_with(WIDTHS, s["cfg_d_width"]), key="cfg_d_width",
                         **KEPT)
        st.selectbox("Activation", ACTIVATIONS, key="cfg_activation", **KEPT)
        st.select_slider("Average of G's weights (EMA decay)", _options_with(EMAS, s["cfg_g_ema"]),
                         key="cfg_g_ema", format_func=lambda v: "off" if v == 0 else f"{v:g}",
                         help="Show an exponential moving average of G's weights: the trained G "
                              "keeps circling the modes, its average sits on them (sharper "
                              "samples). Changing it restarts the run.", **KEPT)
        st.number_input("Seed", 0, 10_000, key="cfg_seed", **KEPT)


def optimiser_ui() -> None:
    s = st.session_state
    with st.expander("Optimiser (live)", expanded=True):
        st.caption("Learning rates and kD / kG apply at once, without a restart.")
        hidden = s.get("pg_hidden", {})
        if hidden.get("lr_decay_steps"):
            st.caption(f"This setup lowers both rates linearly to {hidden['lr_floor']:g}× the "
                       f"values below over its first {hidden['lr_decay_steps']:,} steps.")
        st.selectbox("Optimiser", OPTIMIZERS, key="cfg_optimizer", **KEPT)
        st.select_slider("D learning rate", _options_with(LRS, s["cfg_lr_d"]), key="cfg_lr_d",
                         format_func=lambda v: f"{v:.0e}", **KEPT)
        st.select_slider("G learning rate", _options_with(LRS, s["cfg_lr_g"]), key="cfg_lr_g",
                         format_func=lambda v: f"{v:.0e}", **KEPT)
        c1, c2 = st.columns(2)
        c1.number_input("kD (D steps)", 0, 20, key="cfg_k_d", **KEPT)
        c2.number_input("kG (G steps)", 0, 20, key="cfg_k_g", **KEPT)
        st.select_slider("Batch size", _options_with(BATCHES, s["cfg_batch_size"]),
                         key="cfg_batch_size", **KEPT)


def remedies_ui() -> None:
    with st.expander("Remedies", expanded=False):
        st.slider("Label smoothing (real label = 1 − s)", 0.0, 0.3, step=0.05,
                  key="cfg_label_smoothing", **KEPT)
        st.slider("Instance noise σ", 0.0, 0.5, step=0.05, key="cfg_instance_noise", **KEPT)
        st.checkbox("Spectral norm on D", key="cfg_spectral_norm", **KEPT)
        st.checkbox("Minibatch std feature in D", key="cfg_minibatch_std", **KEPT)
        st.checkbox("Feature matching loss for G", key="cfg_feature_matching", **KEPT)


def budget_ui() -> int:
    return int(st.number_input("Step budget (0 = no limit)", 0, 1_000_000, step=500,
                               key="pg_budget", help="Training pauses by itself at this step.",
                               **KEPT))


def watch_ui(trainer) -> None:
    """The chosen preset's promise: what to watch, and by when on this page."""
    from gan_core.presets import PRESETS
    preset = PRESETS.get(st.session_state.get("pg_preset", ""))
    if preset is None or preset.promise is None:
        return
    p, cfg = preset.promise, preset.config(seed=trainer.cfg.seed)
    if (cfg.target, cfg.variant) != (trainer.cfg.target, trainer.cfg.variant):
        return  # another target or variant since: a different experiment
    # The page trains at >= 70% of the headless speed the promise was measured at.
    when = f"within about {p.seconds / 0.7:.0f} s of training here"
    if trainer.cfg != cfg:
        when += " (settings changed since the preset was picked: the promise may not hold)"
    st.markdown(f"**What to watch ({preset.name}):** {p.watch}  \n"
                f"The detector shows it as {' and '.join(c.describe() for c in p.checks)}, {when}.")

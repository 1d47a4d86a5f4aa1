"""Sidebar widgets for the Playground: `*_ui()` helpers that draw widgets and return
plain values, plus the config <-> widget-state plumbing and presets (what a change
does to the running model is ui.sync).

The session's one `Config` (`st.session_state["pg_config"]`) is what the user asked for.
Every config widget has key `cfg_<field>` and is a view of it: its `on_change` replaces
the Config, and `show_config` writes the Config back into the keys before the widgets
draw, so a preset, a variant's defaults, an opened model or a remedy shows at once.
Fields without a widget (Adam's betas, knobs of other variants) simply stay in it.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import streamlit as st

from gan_core import presets as P
from gan_core.config import ACTIVATIONS, OPTIMIZERS, PRIORS, Config, ConfigError, check_basic
from gan_core.distributions import TARGETS, InvalidData, parse_points_csv
from gan_core.variants import VARIANTS, config_for, get_variant
from ui.i18n import t
from ui.widgets import KEPT, hide_upload_hint  # noqa: F401  (KEPT: pages use C.KEPT)

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
                 "minibatch_std", "feature_matching", "g_ema", "target_b", *KNOBS)
VARIANT_FIELDS = sorted({k for v in VARIANTS.values() for k in v.defaults} - {"target"})

DEFAULT_PRESET = P.DEFAULT
CONFIG_KEY = "pg_config"


# --------------------------------------------------------------------------- config <-> widgets
def preset_config(name: str) -> Config:
    return P.PRESETS[name].config()


def session_config() -> Config:
    """What the user asked for (the run may lag behind it until `sync_trainer`)."""
    return st.session_state[CONFIG_KEY]


def set_config(cfg: Config) -> None:
    """Replace the session's Config from outside its widgets (a preset, an opened model, a
    remedy, keeping the current run); the widgets show it on their next draw."""
    st.session_state[CONFIG_KEY] = cfg


def show_config(cfg: Config) -> None:
    """Write the Config into the widget keys (before the widgets draw). Only keys that
    differ are written: Streamlit drops an undrawn widget's key on a page switch, and a
    key left alone keeps the widget's own state."""
    s = st.session_state
    for f in WIDGET_FIELDS:
        key = f"cfg_{f}"
        if key not in s or s[key] != getattr(cfg, f):
            s[key] = getattr(cfg, f)


def ensure_defaults() -> None:
    """The session's Config (the default preset on a first visit), shown in the widgets."""
    if CONFIG_KEY not in st.session_state:
        set_config(preset_config(DEFAULT_PRESET))
    show_config(session_config())


def on_widget(field: str) -> None:
    """The one way a widget changes the Config: its own field, nothing else."""
    cfg = session_config()
    value = st.session_state[f"cfg_{field}"]
    # A number_input can hand back an int for a float field: the Config keeps its types.
    set_config(cfg.replace(**{field: type(getattr(cfg, field))(value)}))


def bound(field: str) -> dict:
    """A widget's key and callback for one Config field: `st.slider(..., **bound("lr_g"))`."""
    return {"key": f"cfg_{field}", "on_change": on_widget, "args": (field,)}


def apply_preset(name: str) -> None:
    set_config(preset_config(name))
    st.session_state["pg_force_reset"] = True  # a preset is a fresh run, no question asked
    st.session_state["pg_preset"] = name  # its promise shows as "what to watch"


def on_variant_change() -> None:
    """A new variant brings its defaults; the user's structure (target, nets...) stays."""
    cur = session_config()
    name = st.session_state["cfg_variant"]
    keep = {k: v for k, v in dataclasses.asdict(cur).items()
            if k not in VARIANT_FIELDS and k != "variant"}
    set_config(config_for(name, **keep))


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


def handle_upload(data: bytes | None, name: str = "points.csv") -> None:
    """Parse an upload into session state: `pg_points` (and its name) on success,
    `pg_csv_error` on failure, when the last good points stay in use."""
    if data is None:
        return
    try:
        st.session_state["pg_points"] = read_points(data)
        st.session_state["pg_points_name"] = name
        st.session_state.pop("pg_csv_error", None)
        st.session_state["pg_force_reset"] = True
    except InvalidData as err:
        st.session_state["pg_csv_error"] = f"{name}: {err}"


def points_in_use() -> str:
    """'points.csv, 400 points' for the points a custom run trains on, '' when none."""
    pts = st.session_state.get("pg_points")
    if pts is None:
        return ""
    return f"{st.session_state.get('pg_points_name', 'uploaded points')}, {len(pts):,} points"


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
    two = "target_b" in VARIANTS[session_config().variant].defaults  # maps A onto B
    name = st.selectbox("Target A (mapped from)" if two else "Target", names, **bound("target"),
                        format_func=lambda n: t("draw.custom_option") if n == CUSTOM else n,
                        help="The points G maps onto target B." if two else
                        "The distribution the GAN must learn to draw.")
    if name in TARGETS:
        st.caption(("A: " if two else "") + TARGETS[name].description)
    if two:
        b = st.selectbox("Target B (mapped onto)", list(TARGETS), **bound("target_b"),
                         help="The distribution G's output must match: the grey points.")
        st.caption(f"B: {TARGETS[b].description}")
    if name not in TARGETS:
        csv_upload_ui()
    return name


def variant_label(name: str) -> str:
    """Name and paper, short enough for the sidebar's box; the summary is in the caption
    below (cut to 48 characters in the box, it was cut again by the box's width)."""
    paper = VARIANTS[name].paper
    return f"{name} · {paper}" if paper else name


def csv_upload_ui() -> None:
    # Streamlit's own size limit shows its message only on hover: let bigger files through
    # (up to 10x) so read_points refuses them with a message that stays on the page.
    up = st.file_uploader(f"CSV of x, y rows (.csv or .txt, ≤ {MAX_UPLOAD_MB} MB)",
                          type=["csv", "txt"], key="pg_upload", max_upload_size=10 * MAX_UPLOAD_MB)
    hide_upload_hint("pg_upload")
    raw, name = st.session_state.pop("pg_csv_bytes", None), "points.csv"  # tests inject bytes
    if up is not None and st.session_state.get("pg_upload_id") != up.file_id:
        st.session_state["pg_upload_id"] = up.file_id
        raw, name = up.getvalue(), up.name
    elif up is None and raw is None:  # an emptied uploader (or another page since): no stale error
        st.session_state.pop("pg_csv_error", None)
    handle_upload(raw, name)
    if st.session_state.get("pg_csv_error"):
        st.error(f"Cannot use {st.session_state['pg_csv_error']}")
    using = points_in_use()
    if using:
        st.caption(f"{'Still using' if st.session_state.get('pg_csv_error') else 'Using'}: "
                   f"{using}.")


def variant_ui() -> str:
    names = list(VARIANTS)
    name = st.selectbox("GAN variant", names, key="cfg_variant", on_change=on_variant_change,
                        format_func=variant_label,
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
                st.number_input(label, lo, hi, step=step, **bound(k))


def networks_ui() -> None:
    cfg = session_config()
    with st.expander("Latent and networks", expanded=False):
        st.number_input("Latent dimension", 1, 64, **bound("latent_dim"),
                        help="How many numbers G gets; one lever each.")
        st.selectbox("Prior", PRIORS, **bound("prior"))
        c1, c2 = st.columns(2)
        c1.number_input("G depth", 1, 8, **bound("g_depth"))
        c2.select_slider("G width", _options_with(WIDTHS, cfg.g_width), **bound("g_width"))
        c1.number_input("D depth", 1, 8, **bound("d_depth"))
        c2.select_slider("D width", _options_with(WIDTHS, cfg.d_width), **bound("d_width"))
        st.selectbox("Activation", ACTIVATIONS, **bound("activation"))
        st.select_slider("Average of G's weights (EMA decay)", _options_with(EMAS, cfg.g_ema),
                         **bound("g_ema"), format_func=lambda v: "off" if v == 0 else f"{v:g}",
                         help="Show an exponential moving average of G's weights: the trained G "
                              "keeps circling the modes, its average sits on them (sharper "
                              "samples). Changing it restarts the run.")
        st.number_input("Seed", 0, 10_000, **bound("seed"))


def optimiser_ui() -> None:
    cfg = session_config()
    with st.expander("Optimiser (live)", expanded=True):
        st.caption("Learning rates and kD / kG apply at once, without a restart.")
        if cfg.lr_decay_steps:
            st.caption(f"This setup lowers both rates linearly to {cfg.lr_floor:g}× the "
                       f"values below over its first {cfg.lr_decay_steps:,} steps.")
        st.selectbox("Optimiser", OPTIMIZERS, **bound("optimizer"))
        st.select_slider("D learning rate", _options_with(LRS, cfg.lr_d), **bound("lr_d"),
                         format_func=lambda v: f"{v:.0e}")
        st.select_slider("G learning rate", _options_with(LRS, cfg.lr_g), **bound("lr_g"),
                         format_func=lambda v: f"{v:.0e}")
        c1, c2 = st.columns(2)
        c1.number_input("kD (D steps)", 0, 20, **bound("k_d"))
        c2.number_input("kG (G steps)", 0, 20, **bound("k_g"))
        st.select_slider("Batch size", _options_with(BATCHES, cfg.batch_size),
                         **bound("batch_size"))


def remedies_ui() -> None:
    with st.expander("Remedies", expanded=False):
        st.slider("Label smoothing (real label = 1 − s)", 0.0, 0.3, step=0.05,
                  **bound("label_smoothing"))
        st.slider("Instance noise σ", 0.0, 0.5, step=0.05, **bound("instance_noise"))
        st.checkbox("Spectral norm on D", **bound("spectral_norm"))
        st.checkbox("Minibatch std feature in D", **bound("minibatch_std"))
        st.checkbox("Feature matching loss for G", **bound("feature_matching"))


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

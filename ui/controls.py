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
from gan_core.i18n import Join, Msg, reason
from gan_core.variants import VARIANTS, config_for, get_variant
from ui.i18n import t, t_data, tr
from ui.widgets import KEPT, hide_upload_hint, lazy_expander  # noqa: F401  (KEPT: pages use C.KEPT)

CUSTOM = "custom"
MAX_UPLOAD_MB = 5
LRS = [1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2]
BATCHES = [32, 64, 128, 256, 512, 1024]
EMAS = [0.0, 0.99, 0.995, 0.999, 0.9995]
WIDTHS = [8, 16, 32, 64, 128, 256, 512]
# Variant knobs, shown for variants whose defaults mention them: field -> (min, max, step).
KNOBS = {
    "gp_lambda": (0.0, 100.0, 0.05),  # 0.1 on the toys, 10 for images
    "clip_value": (0.001, 1.0, 0.005),
    "unroll_steps": (1, 20, 1),
    "pack": (1, 8, 1),
    "n_codes_cont": (0, 8, 1),
    "mixture_components": (1, 200, 1),
    "cycle_lambda": (0.0, 100.0, 1.0),
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


def ask_preset(name: str) -> None:
    """A preset's button: a fresh run, asked first past a few hundred steps trained here."""
    from ui import run_files  # it imports this module
    run_files.asked(Msg("run_files.preset_what", name=t_data("preset", name, name, "name")),
                    "preset", "preset", name)


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
    """'' if the config can train, else the reason (meant for the user: a Msg, written in
    the reader's language by ui.i18n.tr)."""
    try:
        check_basic(cfg)
        get_variant(cfg.variant)
    except ConfigError as err:
        return reason(err)
    return ""


# --------------------------------------------------------------------------- custom data
def read_points(data: bytes, max_mb: int = MAX_UPLOAD_MB) -> np.ndarray:
    """Validated (N, 2) points from an uploaded CSV; raises InvalidData with a message."""
    return parse_points_csv(data, max_bytes=max_mb * 1_000_000)


def checked_points(data: bytes, name: str) -> tuple[np.ndarray | None, Msg | None]:
    """(points, None) from a CSV, or (None, why not) naming it: a Msg, not text, shown
    later in the language of that moment."""
    try:
        return read_points(data), None
    except InvalidData as err:
        return None, Msg("errors.named", name=name, error=reason(err))


def handle_upload(data: bytes | None, name: str = "points.csv", ask: bool = False) -> None:
    """Parse an upload into session state: `pg_points` (and its name) on success,
    `pg_csv_error` on failure, when the last good points stay in use. With `ask`, a run
    of more than a few hundred steps is kept until the user says to discard it
    (ui.run_files.asked)."""
    if data is None:
        return
    points, error = checked_points(data, name)
    if error is not None:
        st.session_state["pg_csv_error"] = error
        return
    st.session_state.pop("pg_csv_error", None)
    if ask:
        from ui import run_files  # it imports this module
        run_files.asked(Msg("run_files.points_what", name=name), "points", "points", points, name)
    else:
        use_points(points, name)


def use_points(points: np.ndarray, name: str) -> None:
    """Train on `points` from now on: a fresh run (new data)."""
    st.session_state["pg_points"] = points
    st.session_state["pg_points_name"] = name
    st.session_state["pg_force_reset"] = True


def points_in_use() -> str:
    """'points.csv, 400 points' for the points a custom run trains on, '' when none."""
    if (pts := st.session_state.get("pg_points")) is None:
        return ""
    name = st.session_state.get("pg_points_name") or t("controls.uploaded_points")
    return t("controls.points_in_use", name=tr(name), n=len(pts))


# --------------------------------------------------------------------------- sidebar helpers
def _options_with(options: list, value) -> list:
    return sorted(set(options) | {value}) if value not in options else options


def presets_ui() -> None:
    st.markdown(t("controls.presets"))
    for name, preset in P.PRESETS.items():
        st.button(t_data("preset", name, name, "name"), key=f"preset_{name}", args=(name,),
                  on_click=ask_preset, help=t_data("preset", name, preset.note, "note"),
                  width="stretch")


def target_ui() -> str:
    names = [*TARGETS, CUSTOM]
    two = "target_b" in VARIANTS[session_config().variant].defaults  # maps A onto B
    custom = t("draw.custom_option")  # not looked up inside format_func: AppTest calls it too
    name = st.selectbox(t("controls.target_a" if two else "controls.target"), names,
                        **bound("target"),
                        format_func=lambda n: custom if n == CUSTOM else n,
                        help=t("controls.target_a.help" if two else "controls.target.help"))
    if name in TARGETS:
        st.caption(("A: " if two else "") + t_data("target", name, TARGETS[name].description))
    if two:
        b = st.selectbox(t("controls.target_b"), list(TARGETS), **bound("target_b"),
                         help=t("controls.target_b.help"))
        st.caption("B: " + t_data("target", b, TARGETS[b].description))
    if name not in TARGETS:
        csv_upload_ui()
    return name


def variant_label(name: str) -> str:
    """Name and year, short enough for the sidebar's box: with the paper's authors,
    "rasgan · Jolicoeur-Martineau 2018" lost its year to the box's edge. The caption
    below names the paper."""
    year = VARIANTS[name].paper.rsplit(" ", 1)[-1]
    return f"{name} · {year}" if year.isdigit() else name


def csv_upload_ui() -> None:
    # Streamlit's own size limit shows its message only on hover: let bigger files through
    # (up to 10x) so read_points refuses them with a message that stays on the page.
    up = st.file_uploader(t("controls.csv", mb=MAX_UPLOAD_MB),
                          type=["csv", "txt"], key="pg_upload", max_upload_size=10 * MAX_UPLOAD_MB)
    hide_upload_hint("pg_upload")
    raw, name = st.session_state.pop("pg_csv_bytes", None), "points.csv"  # tests inject bytes
    if up is not None and st.session_state.get("pg_upload_id") != up.file_id:
        st.session_state["pg_upload_id"] = up.file_id
        raw, name = up.getvalue(), up.name
    elif up is None and raw is None:  # an emptied uploader (or another page since): no stale error
        st.session_state.pop("pg_csv_error", None)
    handle_upload(raw, name, ask=True)
    if st.session_state.get("pg_csv_error"):
        st.error(t("controls.cannot_use", error=tr(st.session_state["pg_csv_error"])))
    using = points_in_use()
    if using:
        still = bool(st.session_state.get("pg_csv_error"))
        st.caption(t("controls.still_using" if still else "controls.using", points=using))


def variant_ui() -> str:
    names = list(VARIANTS)
    name = st.selectbox(t("controls.variant"), names, key="cfg_variant",
                        on_change=on_variant_change, format_func=variant_label,
                        help=t("controls.variant.help"))
    v = VARIANTS[name]
    st.caption(t_data("variant", name, v.summary) + (f"  \n*{v.paper}*" if v.paper else ""))
    return name


NETWORK_FIELDS = ("latent_dim", "prior", "g_depth", "g_width", "d_depth", "d_width",
                  "activation", "g_ema", "seed")
OPTIMISER_FIELDS = ("optimizer", "lr_d", "lr_g", "k_d", "k_g", "batch_size")
REMEDY_FIELDS = ("label_smoothing", "instance_noise", "spectral_norm", "minibatch_std",
                 "feature_matching")


def _section(label: str, key: str, fields, expanded: bool = False):
    """A settings expander that draws its widgets (the Config's `fields`) only while open.
    While it is shut their keys are dropped, so that show_config writes them afresh on
    the run that opens it: a key written in an earlier run reaches the widget's value in
    Python but not the browser, which drew its default (a seed of 0 for a link's 7)."""
    box = lazy_expander(label, key, expanded)
    if not box.open:
        for f in fields:
            st.session_state.pop(f"cfg_{f}", None)
    return box


def options_ui(variant: str) -> None:
    """Latent, networks, optimiser, remedies and the variant's own knobs."""
    networks_ui()
    optimiser_ui()
    remedies_ui()
    knobs = [k for k in KNOBS if k in VARIANTS[variant].defaults]
    if knobs:
        box = _section(t("controls.variant_settings", variant=variant), "pg_exp_knobs", knobs)
        if not box.open:
            return
        with box:
            for k in knobs:
                lo, hi, step = KNOBS[k]
                st.number_input(t(f"controls.knob.{k}"), lo, hi, step=step, **bound(k))


def networks_ui() -> None:
    cfg = session_config()
    box = _section(t("controls.networks"), "pg_exp_networks", NETWORK_FIELDS)
    if not box.open:
        return
    with box:
        st.number_input(t("controls.latent_dim"), 1, 64, **bound("latent_dim"),
                        help=t("controls.latent_dim.help"))
        st.selectbox(t("controls.prior"), PRIORS, **bound("prior"))
        c1, c2 = st.columns(2)
        c1.number_input(t("controls.g_depth"), 1, 8, **bound("g_depth"))
        c2.select_slider(t("controls.g_width"), _options_with(WIDTHS, cfg.g_width),
                         **bound("g_width"))
        c1.number_input(t("controls.d_depth"), 1, 8, **bound("d_depth"))
        c2.select_slider(t("controls.d_width"), _options_with(WIDTHS, cfg.d_width),
                         **bound("d_width"))
        st.selectbox(t("controls.activation"), ACTIVATIONS, **bound("activation"))
        st.select_slider(t("controls.ema"), _options_with(EMAS, cfg.g_ema), **bound("g_ema"),
                         format_func=lambda v: t("controls.off") if v == 0 else f"{v:g}",
                         help=t("controls.ema.help"))
        st.number_input(t("controls.seed"), 0, 10_000, **bound("seed"))


def optimiser_ui() -> None:
    cfg = session_config()
    box = _section(t("controls.optimiser.live"), "pg_exp_optimiser", OPTIMISER_FIELDS,
                   expanded=True)
    if not box.open:
        return
    with box:
        # One caption, with or without the decay: a second one that went away moved the
        # widgets under it up one place, and until a rerun had drawn the next one the page
        # held the old kD/kG pair beside the new (CI once read two kG boxes).
        note = t("controls.optimiser.note")
        if cfg.lr_decay_steps:
            note += "  \n" + t("controls.lr_decay", floor=f"{cfg.lr_floor:g}", steps=cfg.lr_decay_steps)
        st.caption(note)
        st.selectbox(t("controls.optimiser"), OPTIMIZERS, **bound("optimizer"))
        st.select_slider(t("controls.lr_d"), _options_with(LRS, cfg.lr_d), **bound("lr_d"),
                         format_func=lambda v: f"{v:.0e}")
        st.select_slider(t("controls.lr_g"), _options_with(LRS, cfg.lr_g), **bound("lr_g"),
                         format_func=lambda v: f"{v:.0e}")
        c1, c2 = st.columns(2)
        c1.number_input(t("controls.k_d"), 0, 20, **bound("k_d"))
        c2.number_input(t("controls.k_g"), 0, 20, **bound("k_g"))
        st.select_slider(t("controls.batch"), _options_with(BATCHES, cfg.batch_size),
                         **bound("batch_size"))


def remedies_ui() -> None:
    box = _section(t("controls.remedies"), "pg_exp_remedies", REMEDY_FIELDS)
    if not box.open:
        return
    with box:
        st.slider(t("controls.label_smoothing"), 0.0, 0.3, step=0.05, **bound("label_smoothing"))
        st.slider(t("controls.instance_noise"), 0.0, 0.5, step=0.05, **bound("instance_noise"))
        st.checkbox(t("controls.spectral_norm"), **bound("spectral_norm"))
        st.checkbox(t("controls.minibatch_std"), **bound("minibatch_std"))
        st.checkbox(t("controls.feature_matching"), **bound("feature_matching"))


def budget_ui() -> int:
    return int(st.number_input(t("controls.budget"), 0, 1_000_000, step=500,
                               key="pg_budget", help=t("controls.budget.help"),
                               **KEPT))


def watch_ui(trainer) -> None:
    """The chosen preset's promise: what to watch, and by when on this page."""
    preset = P.PRESETS.get(st.session_state.get("pg_preset", ""))
    if preset is None or preset.promise is None:
        return
    p, cfg = preset.promise, preset.config(seed=trainer.cfg.seed)
    if (cfg.target, cfg.variant) != (trainer.cfg.target, trainer.cfg.variant):
        return  # another target or variant since: a different experiment
    # The page trains at >= 70% of the headless speed the promise was measured at.
    changed = t("controls.watch.changed") if trainer.cfg != cfg else ""
    checks = Join((c.describe() for c in p.checks), "common.sep.and")
    st.markdown(t("controls.watch", preset=t_data("preset", preset.name, preset.name, "name"),
                  watch=t_data("preset", preset.name, p.watch, "watch"), checks=tr(checks),
                  seconds=p.seconds / 0.7, changed=changed))

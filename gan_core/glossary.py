"""Every metric the app shows: its label and a one-line meaning. The one source of these
texts: the pages' tooltips, the figures' titles and the README's glossary (a test keeps the
README in step), so a term means the same wherever it appears.

Also which metrics apply to which kind of target (gan_core.quality.floor_kind): a metric
that cannot be measured on the current target is left out, not shown with an excuse.
"""
from __future__ import annotations

from dataclasses import dataclass

from .i18n import Msg


@dataclass(frozen=True)
class Term:
    label: str  # as on the page
    help: str  # one line


# The texts are in the message catalogues (gan_core/locales/<lang>/glossary.json); a Msg is
# its English text as a str, and ui.i18n.tr writes it in the session's language.
GLOSSARY = {key: Term(Msg(f"glossary.{key}.label"), Msg(f"glossary.{key}.help")) for key in (
    "captured", "hq", "coverage", "precision", "reverse_kl", "modes_captured", "tear_score",
    "torn_cells", "tear_threshold", "fold_share", "width_ratio", "alignment", "purity",
    "real_moved", "fake_moved", "gap", "gap_along", "d_loss", "g_loss")}

# The detector's headline figures for each kind of target: modes are counted only where
# the target has known modes, and PRDC carries the verdict on curves and bands.
PANEL_METRICS = {"modes": ("captured", "hq", "coverage"),
                 "manifold": ("coverage", "precision"),
                 "image": ("modes_captured",)}
# The same choice for the detector's history chart (shares over the checks).
HISTORY_METRICS = {"modes": ("coverage_modes", "hq", "coverage"),
                   "manifold": ("coverage", "precision")}


def label(key: str) -> str:
    return GLOSSARY[key].label


def help_text(key: str) -> str:
    return GLOSSARY[key].help


def term_line(key: str) -> str:
    """'**Label**: meaning', for a caption under a figure that shows the term."""
    return f"**{label(key)}**: {help_text(key)}"


def modes_text(row: dict) -> str | None:
    """'6 / 8' from a detector row, the one form of "modes captured"; None without counts."""
    if "captured" not in row or "n_modes" not in row:
        return None
    return f"{float(row['captured']):.0f} / {float(row['n_modes']):.0f}"


def value_text(key: str, row: dict) -> str | None:
    """A detector row's figure for one panel metric, or None when the row lacks it."""
    if key == "captured":
        return modes_text(row)
    if key not in row:
        return None
    v = float(row[key])
    return f"{v:.0f}" if key == "modes_captured" else f"{v:.0%}"


def panel_metrics(kind: str, row: dict) -> list[tuple[str, str]]:
    """(key, value text) of the metrics that apply to a target of this floor kind and that
    the row has, in panel order."""
    shown = ((k, value_text(k, row)) for k in PANEL_METRICS.get(kind, ()))
    return [(k, v) for k, v in shown if v is not None]


# The names live here, not in latent.py, so the plots (which the server imports before it
# listens) do not pull in torch.
def latent_name(i: int) -> str:
    """The one name of latent dim i on sliders, axes, the tear map and the heatmaps:
    z0, z1, ... counted from 0 like the target's own latent map (spiral: θ = 3π·z0)."""
    return f"z{i}"


def code_name(i: int) -> str:
    """InfoGAN's i-th continuous code, counted from 0 like the noise dims."""
    return f"code {i}"

"""Every metric the app shows: its label and a one-line meaning. The one source of these
texts: the pages' tooltips, the figures' titles and the README's glossary (a test keeps the
README in step), so a term means the same wherever it appears.

Also which metrics apply to which kind of target (gan_core.quality.floor_kind): a metric
that cannot be measured on the current target is left out, not shown with an excuse.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    label: str  # as on the page
    help: str  # one line


GLOSSARY = {
    "captured": Term("Modes captured",
                     "Known modes that hold at least a tenth of their fair share of G's HQ "
                     "samples, out of all the target's modes."),
    "hq": Term("HQ (within 3σ)",
               "High quality: the share of G's samples within 3 standard deviations of the "
               "nearest mode."),
    "coverage": Term("Coverage (PRDC)",
                     "Share of real points whose k-nearest-neighbour ball holds one of G's "
                     "samples: how much of the target G reaches (1 = all of it)."),
    "precision": Term("Precision (PRDC)",
                      "Share of G's samples that land inside the real points' k-nearest-neighbour "
                      "balls: how much of G's output looks real (1 = all of it)."),
    "reverse_kl": Term("Reverse KL",
                       "Divergence of the HQ samples' mode histogram from uniform: 0 when every "
                       "mode gets the same share."),
    "modes_captured": Term("Classes captured",
                           "Digit classes the classifier finds among G's images, out of 10."),
    "tear_score": Term("Tear score",
                       "Share of latent grid points where G stretches the plane more than the "
                       "tear threshold: jumps in the mapping."),
    "torn_cells": Term("Torn cells",
                       "Grid cells with a corner stretched past the tear threshold, out of all "
                       "cells."),
    "tear_threshold": Term("Tear threshold σ₁",
                           "σ₁ is G's local stretch (the largest singular value of dG/dz); a "
                           "point is torn where σ₁ exceeds this multiple of the median."),
    "fold_share": Term("Folded share",
                       "Share of the latent plane G lays down the other way round (its "
                       "Jacobian's determinant has the minority sign); 0% when unfolded."),
    "width_ratio": Term("Width ratio",
                        "Spread of G's samples across the spiral's arm over the real spread: "
                        "about 1 is healthy, below 0.5 the output is thin."),
    "alignment": Term("MI / H",
                      "Mutual information of a lever with a true factor over that factor's "
                      "entropy: 1 when the lever alone sets the factor, 0 when unrelated."),
    "purity": Term("Purity",
                   "Share of a lever's effect that goes to the one factor it moves most: 1 "
                   "when it changes a single factor."),
    "real_moved": Term("Real centroid moved",
                       "How far the mean of the real samples' D features moved over the G "
                       "step(s): 0, since G's step leaves D and the real data alone."),
    "fake_moved": Term("Fake centroid moved",
                       "How far the mean of G's samples' D features moved over the G step(s)."),
    "gap": Term("Fake↔real distance",
                "Distance between the real and the fake centroids in D's feature space after "
                "the G step(s); the delta is its change (down is good for G)."),
    "gap_along": Term("Gap along D's direction",
                      "Real minus fake centroid, projected on the direction D's last layer "
                      "scores as 'more real'."),
    "d_loss": Term("D loss", "The discriminator's loss on the last step (its form depends on "
                             "the variant)."),
    "g_loss": Term("G loss", "The generator's loss on the last step (its form depends on the "
                             "variant)."),
}

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

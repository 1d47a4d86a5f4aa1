"""The glossary (gan_core/glossary.py): the README's glossary says what the tooltips say,
and the detector's panel shows only the metrics that apply to the target."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from gan_core import glossary as GL
from gan_core.distributions import TARGETS
from gan_core.quality import floor_kind

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_glossary() -> str:
    text = README.read_text()
    start = text.index("## Glossary")
    return text[start:text.index("\n## ", start + 1)]


def test_readme_glossary_has_every_term_with_the_app_s_text():
    section = _readme_glossary()
    missing = [k for k, t in GL.GLOSSARY.items() if f"| {t.label} | {t.help} |" not in section]
    assert not missing, f"README glossary out of step with gan_core/glossary.py: {missing}"


def test_every_term_is_one_line_and_labels_are_unique():
    labels = [t.label for t in GL.GLOSSARY.values()]
    assert len(set(labels)) == len(labels)
    for key, term in GL.GLOSSARY.items():
        assert term.help.endswith(".") and "\n" not in term.help and len(term.help) < 160, key


def test_modes_read_as_a_count_everywhere():
    assert GL.modes_text({"captured": 16.0, "n_modes": 24.0}) == "16 / 24"
    assert GL.modes_text({"coverage_modes": 0.54}) is None  # a share alone is not the form


ROW = {"captured": 6.0, "n_modes": 8.0, "hq": 0.72, "coverage": 0.9, "precision": 0.85}


def test_a_curve_shows_prdc_and_no_mode_count():
    spiral = floor_kind(TARGETS["spiral"])
    assert spiral == "manifold"
    shown = dict(GL.panel_metrics(spiral, ROW))
    assert shown == {"coverage": "90%", "precision": "85%"}


def test_a_mode_target_shows_its_mode_count_and_hq():
    kind = floor_kind(TARGETS["eight_gaussians"])
    assert kind == "modes"
    shown = dict(GL.panel_metrics(kind, ROW))
    assert shown["captured"] == "6 / 8" and shown["hq"] == "72%" and "precision" not in shown


def test_a_metric_missing_from_the_row_is_left_out():
    assert GL.panel_metrics("modes", {"hq": 0.5}) == [("hq", "50%")]


def test_timeline_reads_modes_as_the_playground_does():
    from types import SimpleNamespace

    from ui.timeline_data import frame_metrics
    frame = SimpleNamespace(metrics={"captured": 6.0, "n_modes": 8.0, "coverage_modes": 0.75},
                            losses={"d_loss": 1.2, "g_loss": 0.7})
    fake = np.zeros((10, 2), np.float32)
    shown = frame_metrics({"target": TARGETS["eight_gaussians"]}, frame, fake)
    assert shown["captured"] == "6 / 8" and shown["d_loss"] == "1.200"
    assert "width_ratio" not in shown  # no arm on eight gaussians
    shown = frame_metrics({"target": TARGETS["one_gaussian"]}, frame, fake)
    assert "captured" not in shown  # one mode: nothing to count

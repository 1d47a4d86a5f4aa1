"""Texts the two inspector pages (Mapping, Discriminator) share, in the session's language."""
from __future__ import annotations

from gan_core import glossary as GL
from gan_core import i18n
from ui.i18n import t, tr


def status_line(source) -> str:
    """'step 1,200 · running' for the model being inspected."""
    state = source.state()
    key = f"playground.state.{state}"
    word = t(key) if key in i18n.catalogue(i18n.DEFAULT) else t("mapping.state.static")
    return t("mapping.status", step=source.step(), state=word)


def term_line(key: str) -> str:
    """'**Label**: meaning' of a glossary term, for a caption under a figure."""
    return t("mapping.term", label=tr(GL.label(key)), text=tr(GL.help_text(key)))

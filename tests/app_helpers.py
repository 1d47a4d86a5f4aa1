"""Helpers for AppTests of the Playground."""
from __future__ import annotations

from ui.sidebar import SETTINGS


def open_settings(app) -> None:
    """Open every settings expander of the sidebar before `app.run()`: a closed one does
    not draw its widgets (ui.widgets.lazy_expander), so a test could not find them."""
    for key in SETTINGS:
        app.session_state[key] = True

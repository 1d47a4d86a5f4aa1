"""Message catalogues for English and Simplified Chinese.

A catalogue is every JSON file under `gan_core/locales/<lang>/`, merged; each file holds
one area's keys (`"lessons.title": "..."`), so two pieces of work rarely edit the same
file. A key missing in a language falls back to English, and the test suite checks that
both catalogues have the same keys. Texts are `str.format` templates.

This module knows no Streamlit: `ui.i18n.t` picks the session's language and calls `text`.
"""
import functools
import json
from pathlib import Path

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT = "en"
LOCALES = Path(__file__).parent / "locales"


def language_or_default(lang) -> str:
    """The language code itself when it is one we have, else the default."""
    return lang if lang in LANGUAGES else DEFAULT


@functools.cache
def catalogue(lang: str) -> dict:
    """All keys of one language; a key defined in two files is a bug, so it raises."""
    merged: dict = {}
    for path in sorted((LOCALES / lang).glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        clash = merged.keys() & entries.keys()
        if clash:
            raise ValueError(f"{path.name} redefines {sorted(clash)}")
        merged.update(entries)
    return merged


def text(key: str, lang: str = DEFAULT, **fields) -> str:
    """The text of `key` in `lang` (English if that language lacks it), formatted."""
    template = catalogue(language_or_default(lang)).get(key)
    if template is None:
        template = catalogue(DEFAULT)[key]  # KeyError: an unknown key is a bug
    return template.format(**fields) if fields else template

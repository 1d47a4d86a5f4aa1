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


def localise(value, lang: str):
    """A Msg or Join in `lang`; any other value unchanged (a number keeps its format spec)."""
    render = getattr(value, "render", None)
    return render(lang) if callable(render) else value


class Msg(str):
    """A text written later in the reader's language: a catalogue key and its fields.

    It is a str (its English text), so code that logs, compares or prints it needs no
    change, while the UI calls `render(lang)` (ui.i18n.tr). A field may itself be a Msg or
    a Join, rendered in the same language. gan_core builds these (detector alerts, verdicts,
    remedies) without knowing the session's language; a background thread can too.
    """

    def __new__(cls, key: str, **fields):
        english = text(key, DEFAULT, **{k: localise(v, DEFAULT) for k, v in fields.items()})
        self = super().__new__(cls, english)
        self.key, self.fields = key, fields
        return self

    def __getnewargs_ex__(self):  # copy and pickle rebuild it from its key, not its text
        return (self.key,), self.fields

    def render(self, lang: str) -> str:
        return text(self.key, lang, **{k: localise(v, lang) for k, v in self.fields.items()})


class Join(str):
    """Texts joined by a separator that is itself a catalogue key ("; " in English, "；" in
    Chinese); the parts may be Msgs. A str (English), like Msg."""

    def __new__(cls, parts, sep: str = "common.sep.semicolon"):
        parts = tuple(parts)
        self = super().__new__(cls, text(sep).join(localise(p, DEFAULT) for p in parts))
        self.parts, self.sep = parts, sep
        return self

    def __getnewargs_ex__(self):
        return (self.parts, self.sep), {}

    def render(self, lang: str) -> str:
        return text(self.sep, lang).join(localise(p, lang) for p in self.parts)


def reason(err: BaseException):
    """What an exception says to a user: the Msg (or Join) it was raised with, so that it
    is written later in the reader's language, else its plain text."""
    first = err.args[0] if len(err.args) == 1 else None
    return first if isinstance(first, (Msg, Join)) else str(err)

"""The message catalogues: same keys in every language, valid templates, fallbacks."""
import string

import pytest

from gan_core import i18n


def _fields(template: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_key():
    keys = {lang: set(i18n.catalogue(lang)) for lang in i18n.LANGUAGES}
    english = keys[i18n.DEFAULT]
    assert english, "the English catalogue is empty"
    for lang, have in keys.items():
        assert have == english, f"{lang}: missing {sorted(english - have)}, extra {sorted(have - english)}"


@pytest.mark.parametrize("lang", sorted(i18n.LANGUAGES))
def test_translations_take_the_same_fields(lang):
    english = i18n.catalogue(i18n.DEFAULT)
    for key, template in i18n.catalogue(lang).items():
        assert _fields(template) == _fields(english[key]), key


def test_unknown_language_falls_back_and_unknown_key_raises():
    assert i18n.text("common.language", "xx") == i18n.text("common.language", "en")
    assert i18n.text("common.language", "zh") != i18n.text("common.language", "en")
    with pytest.raises(KeyError):
        i18n.text("no.such.key")

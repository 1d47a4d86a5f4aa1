"""The session's language and the one function pages call for a user-visible text."""
import streamlit as st

from gan_core import i18n

LANG_KEY = "gl_lang"


def language() -> str:
    """The session's language code ("en" until a switch sets another)."""
    return i18n.language_or_default(st.session_state.get(LANG_KEY, i18n.DEFAULT))


def t(key: str, **fields) -> str:
    """The text of `key` in the session's language."""
    return i18n.text(key, language(), **fields)

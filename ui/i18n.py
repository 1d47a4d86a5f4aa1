"""The session's language, the language switch, and the one function pages call for a
user-visible text.

The language lives in session state (`gl_lang`) and in the URL (`?lang=zh`): a link opens
in its language, and a switch writes the URL back, leaving every other query parameter
alone. Streamlit's own `bind="query-params"` is not used: it names the URL parameter after
the widget key (the session's language must stay under `gl_lang`, which other modules read)
and forbids writing that parameter through `st.query_params`, which the Playground's link
does.
"""
import re

import streamlit as st

from gan_core import i18n

LANG_KEY = "gl_lang"
URL_PARAM = "lang"
_SEEN = "_gl_lang_url"  # the URL's value when last read: a new one (a link) wins once
WIDGET = "gl_lang_pick"


def language() -> str:
    """The session's language code ("en" until a switch or a link sets another)."""
    return i18n.language_or_default(st.session_state.get(LANG_KEY, i18n.DEFAULT))


def t(key: str, **fields) -> str:
    """The text of `key` in the session's language."""
    return i18n.text(key, language(), **fields)


def tr(value) -> str:
    """A gan_core Msg (or Join) in the session's language; any other text unchanged."""
    return i18n.localise(value, language())


def tr_error(err: BaseException) -> str:
    """An exception's message in the session's language (gan_core raises its ConfigError,
    InvalidData and CheckpointError with a Msg); any other exception's own text."""
    return tr(i18n.reason(err))


def error_text(err: BaseException) -> str:
    """A known error (one raised with a Msg) in the session's language; any other with its
    type too, as an unexpected one is reported."""
    why = i18n.reason(err)
    return tr(why) if isinstance(why, (i18n.Msg, i18n.Join)) else f"{type(err).__name__}: {err}"


def read_language() -> str:
    """Take `?lang=` when the URL brings a new one (a link, a reload); call before the first
    text is written."""
    ss = st.session_state
    url = st.query_params.get(URL_PARAM)
    if url != ss.get(_SEEN) and url in i18n.LANGUAGES:
        ss[LANG_KEY] = url
    return language()


def write_language() -> None:
    """Put the session's language in the URL (none for English), leaving every other query
    parameter alone: after a switch, and after a page change (which drops the query string).
    Call after st.navigation: a write made before it, or in the switch's callback, was at
    times lost in the browser (the URL kept the old language)."""
    lang = language()
    if lang == i18n.DEFAULT:
        if URL_PARAM in st.query_params:
            del st.query_params[URL_PARAM]
    elif st.query_params.get(URL_PARAM) != lang:
        st.query_params[URL_PARAM] = lang
    st.session_state[_SEEN] = st.query_params.get(URL_PARAM)


def _switched() -> None:
    st.session_state[LANG_KEY] = st.session_state[WIDGET]


def language_ui() -> None:
    """English / 中文 in the sidebar, on every page. Only labels change with the language,
    never a widget key, so a switch keeps every setting and the run."""
    st.session_state[WIDGET] = language()
    st.segmented_control(t("common.language"), list(i18n.LANGUAGES), key=WIDGET,
                         format_func=i18n.LANGUAGES.get, required=True, on_change=_switched,
                         label_visibility="collapsed")


def t_data(kind: str, name: str, english: str, part: str = "") -> str:
    """The text of a data entry (a target's description, a variant's summary, a preset's
    name/note/watch) from `data.<kind>.<name>[.<part>]`; its own English text while the
    catalogue has no entry for it (a target or preset added since)."""
    key = ".".join(filter(None, ("data", kind, slug(name), part)))
    return t(key) if key in i18n.catalogue(i18n.DEFAULT) else english


def slug(name: str) -> str:
    """'Best: ring8' -> 'best_ring8': a preset's name as part of a key."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")

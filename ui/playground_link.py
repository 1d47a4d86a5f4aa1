"""The Playground's link: read once when a session opens the page (`restore_ui`), kept in
the URL as the user changes things (`sync_url`), and copied with one click (`share_ui`).

What goes in it and how each value is checked is `gan_core.playground_link` (pure). The
state it reads and writes is plain session state: the Config (`pg_config`), the levers
(`pg_lv_<i>`, `pg_lv_class`), the lesson (`gl_lesson`, the lessons page's) and projector
mode (`gl_projector`, `ui.projector`'s, which keeps `projector=` in the URL on every page).
The language (`lang=`) is the i18n switch's: left alone here, and copied with the URL.
"""
from __future__ import annotations

import re
from functools import lru_cache

import streamlit as st

from gan_core import playground_link as PL
from ui import controls as C
from ui import drawing, projector
from ui.i18n import t, tr

LESSON_KEY = "gl_lesson"
READ_KEY = "pg_link_read"  # the URL was read in this session (once: later it is ours)
NOTES_KEY = "pg_link_notes"  # (applied summary or None, [Problem]) until dismissed
PENDING_KEY = "pg_link_levers"  # (values, class) of the link's levers, checked once the run exists
LEVER_NOTES_KEY = "pg_link_lever_notes"  # what that check found, shown by the levers
# projector too: a fragment's rerun starts from the query string its request carried, which
# can predate the toggle's write; its own write must not drop `projector=1` then.
MANAGED = (*PL.CONFIG_FIELDS, PL.LEVERS, PL.LEVER_CLASS, PL.LESSON, PL.PROJECTOR, PL.POINTS)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def _escape(value) -> str:
    """A value from the URL, safe inside a markdown message (no links, no LaTeX, no HTML)."""
    return _MARKDOWN.sub(r"\\\1", str(value))


def message(problem: PL.Problem) -> str:
    fields = {k: _escape(tr(v)) if isinstance(v, str) else v for k, v in problem.fields.items()}
    return t(problem.key, field=_escape(problem.field), **fields)


# --------------------------------------------------------------------------- opening a link
def _apply_levers(link: PL.Link) -> None:
    ss = st.session_state
    for i, value in enumerate(link.levers):
        if value is not None:
            ss[f"pg_lv_{i}"] = float(value)
    if link.levers or link.lever_class is not None:
        ss[PENDING_KEY] = (link.levers, link.lever_class)


def _summary(cfg) -> str:
    changed = len(PL.encode(cfg)) - len(PL.FIXED)
    return t("link.applied", target=cfg.target, variant=cfg.variant, n=changed)


def _drop_unknown() -> None:
    """Refused keys the sync would never rewrite leave the URL, so a copied link is clean."""
    for key in list(st.query_params):
        if key not in MANAGED and key not in PL.NOT_OURS:
            del st.query_params[key]


def restore() -> None:
    """Apply the URL's setup, once per session, before the run is built: the Config (so
    the first visit's pretrained model is not opened instead), the levers, the lesson."""
    ss = st.session_state
    if ss.get(READ_KEY):
        return
    ss[READ_KEY] = True
    link = PL.decode(st.query_params.to_dict())
    if link.config is not None:
        C.set_config(link.config)
        ss["pg_force_reset"] = True  # a run this session already has is rebuilt
    _apply_levers(link)
    if link.lesson is not None:
        ss[LESSON_KEY] = link.lesson
    if link.points is not None:  # ui.drawing hands it to the custom target
        ss[drawing.CODE_KEY] = link.points
    if link.config is not None or link.problems:
        ss[NOTES_KEY] = (link.config, link.problems)
    _drop_unknown()


def notes_ui() -> None:
    """What the link restored and, one by one, what it refused; until dismissed."""
    notes = st.session_state.get(NOTES_KEY)
    if not notes:
        return
    cfg, problems = notes
    with st.container(border=True, key="pg_link_notes"):
        if cfg is not None:
            st.success(_summary(cfg), icon=":material/link:")
        if problems:
            st.warning(t("link.some_refused") + "\n\n" + "\n".join(f"- {message(p)}" for p in problems))
        st.button(t("link.dismiss"), key="pg_link_dismiss", on_click=st.session_state.pop,
                  args=(NOTES_KEY, None))


def restore_ui() -> None:
    restore()
    notes_ui()


def _lever_notes(spec, values: list, lever_class) -> list[tuple[str, dict]]:
    """(message key, fields) for each way the link's levers do not fit this generator:
    kept as keys, so a language switch translates them too."""
    notes = []
    if len(values) > spec.dim:
        notes.append(("link.lever_count", {"n": len(values), "dim": spec.dim}))
    outside = sum(1 for v in values[:spec.dim] if v is not None and not spec.lo <= v <= spec.hi)
    if outside:
        notes.append(("link.lever_clipped", {"n": outside, "lo": spec.lo, "hi": spec.hi}))
    if lever_class is not None and lever_class < spec.n_classes:
        st.session_state["pg_lv_class"] = lever_class
    elif lever_class is not None:
        notes.append(("link.class_range", {"field": PL.LEVER_CLASS, "value": lever_class,
                                           "n": spec.n_classes}))
    return notes


def check_levers(spec) -> None:
    """Call before the levers and the probe are read. Once the run exists, the link's lever
    values are checked against this generator's levers (count, range, class); what does
    not fit is said above the chart until the link's notes are dismissed."""
    ss = st.session_state
    pending = ss.pop(PENDING_KEY, None)
    if pending is not None and spec is not None:
        ss[LEVER_NOTES_KEY] = _lever_notes(spec, *pending)
    if ss.get(NOTES_KEY) is None:
        ss.pop(LEVER_NOTES_KEY, None)
    for key, fields in ss.get(LEVER_NOTES_KEY) or []:
        st.warning(t(key, **{"field": PL.LEVERS, **fields}))


# --------------------------------------------------------------------------- keeping the URL
def _levers(trainer) -> tuple[list, int | None]:
    from ui import samples as V
    spec = V.static(trainer)["spec"] if trainer is not None else None
    if spec is None or not trainer.run.variant.uses_latent:
        return [], None
    ss = st.session_state
    z = [min(max(float(ss.get(f"pg_lv_{i}", 0.0)), spec.lo), spec.hi) for i in range(spec.dim)]
    c = ss.get("pg_lv_class") if spec.n_classes else None
    return (z if any(z) else []), (c or None)


def wanted(trainer) -> dict:
    """The query parameters this session's setup needs (the language aside)."""
    z, c = _levers(trainer)
    return PL.encode(C.session_config(), z, c, st.session_state.get(LESSON_KEY), projector.on(),
                     drawing.link_code())


def sync_url(trainer) -> None:
    """Bring the URL's Playground keys in line with the setup; only when the browser's
    differ, so a rerun that changed nothing sends nothing."""
    want = wanted(trainer)
    params = st.query_params
    have = {k: v for k, v in projector.browser_query().items() if k in MANAGED}
    if have == want:
        return
    for key in (have.keys() | set(params)) - want.keys():
        if key in MANAGED and key in params:
            del params[key]
    params.update(want)  # sent even when the server's copy already holds it


# --------------------------------------------------------------------------- copying it
@lru_cache(maxsize=1)
def _copy_component():
    from ui.live_chart import BUNDLES, frontend_css, frontend_js
    return st.components.v2.component("gan_levers_copy_link", isolate_styles=False,
                                      css=frontend_css("copy_link.css"), js=frontend_js(*BUNDLES["copy_link"]))


def share_ui() -> None:
    """The "Copy link" button: the browser copies the page's URL (kept in sync above) to
    the clipboard, and shows it in a field in case the clipboard is not allowed."""
    _copy_component()(data={"label": t("link.copy"), "copied": t("link.copied"),
                            "failed": t("link.copy_failed"), "help": t("link.copy_help")},
                      key="pg_copy_link")

"""Lessons: one card per lesson (gan_core.lessons), with its claims; "Start" loads its
preset into the Playground, where the lesson's panel checks the claims live (ui.lessons)."""
from __future__ import annotations

import streamlit as st

from gan_core import lessons as LS
from ui import lessons as UL
from ui.i18n import t
from ui.session import through_app


def lesson_card(lesson: LS.Lesson) -> None:
    with st.container(border=True, key=f"gl_card_{lesson.id}"):
        st.subheader(t(lesson.key("title")), anchor=False)
        st.markdown(t(lesson.key("text")))
        st.caption(t("lessons.panel.watch", watch=t(lesson.key("watch"))))
        st.markdown(f"**{t('lessons.page.claims')}**")
        st.markdown("\n".join(
            "- " + t("lessons.page.claim_line", what=t(lesson.key(c.id)), step=f"{c.by_step:,}")
            for c in lesson.claims))
        if lesson.baseline:
            st.caption(t("lessons.page.paired", baseline=t(lesson.key("baseline"))))
        if lesson.tuned is None:
            st.info(t("lessons.page.unmeasured"))
        elif not lesson.tuned:
            st.warning(t("lessons.page.untuned"))
        if st.button(t("lessons.page.start"), key=f"gl_start_{lesson.id}", type="primary",
                     icon=":material/play_arrow:"):
            UL.ask_start(lesson.id)  # past a few hundred steps, the Playground asks first
            st.switch_page("pages/playground.py")


def main() -> None:
    UL.select_from_url()
    st.title(t("lessons.page.title"))
    st.markdown(t("lessons.page.intro"))
    bad = st.session_state.pop("gl_lesson_bad_url", None)
    if bad:
        st.warning(t("lessons.page.unknown", name=bad))
    chosen = UL.current()
    if chosen is not None:
        st.info(t("lessons.page.current", title=t(chosen.key("title"))))
    cols = st.columns(2)
    for i, lesson in enumerate(LS.LESSONS.values()):
        with cols[i % 2]:
            lesson_card(lesson)


through_app()
main()

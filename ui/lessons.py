"""Lessons in the session: which one is chosen, starting it in the Playground, the rows its
claims read, and the compact panel beside the Playground's run.

Session state: `gl_lesson` holds the chosen lesson's id (the link helper puts it in the
URL as `lesson=`), `gl_lesson_role` whether the Playground's run is the lesson's own
("main") or its baseline, `gl_lesson_rows` the measured rows per role. The rows are the
detector's rows plus the lesson's probes (gan_core.lesson_probes), taken by the training
thread at each detector pass (`_hook`), one at least every PROBE_EVERY steps; the claims
are judged by gan_core.lessons.outcomes (pure).
"""
from __future__ import annotations

import functools

import streamlit as st

from gan_core import lesson_probes as LP
from gan_core import lessons as LS
from gan_core.i18n import Msg
from ui import controls as C
from ui.i18n import error_text, t

LESSON_KEY = "gl_lesson"
ROLE_KEY = "gl_lesson_role"
ROWS_KEY = "gl_lesson_rows"
MAIN, BASE = "main", "baseline"
ICONS = {LS.HELD: ":material/check_circle:", LS.PENDING: ":material/hourglass_empty:",
         LS.MISSED: ":material/cancel:"}


def current() -> LS.Lesson | None:
    return LS.LESSONS.get(st.session_state.get(LESSON_KEY) or "")


def select_from_url() -> None:
    """Once per session: `?lesson=<id>` selects that lesson (the link restores the rest)."""
    ss = st.session_state
    if ss.get("gl_lesson_url_read"):
        return
    ss["gl_lesson_url_read"] = True
    if ss.get("pg_link_read"):
        return  # the Playground's link has read `lesson=` already (ui.playground_link)
    wanted = st.query_params.get("lesson")
    if not wanted:
        return
    if wanted in LS.LESSONS:
        ss[LESSON_KEY] = wanted
    else:
        ss["gl_lesson_bad_url"] = str(wanted)[:60]


def ask_start(lesson_id: str, role: str = MAIN, seed: int = 0) -> None:
    """A lesson's Start (or its baseline's): a fresh run, asked first past a few hundred
    steps trained here (ui.run_files.asked), as a preset is."""
    from ui import run_files  # it imports ui.controls, as this module does: kept lazy
    title = t(LS.LESSONS[lesson_id].key("title"))
    run_files.asked(Msg("run_files.lesson_what", title=title), "lesson", "lesson", lesson_id, role, seed)


def start(lesson_id: str, role: str = MAIN, seed: int = 0) -> None:
    """Load the lesson's preset (or its baseline) as the Playground's next run."""
    lesson = LS.LESSONS[lesson_id]
    ss = st.session_state
    cfg = lesson.baseline_config(seed=seed) if role == BASE else lesson.config(seed=seed)
    C.set_config(cfg)
    ss["pg_force_reset"] = True  # a lesson is a fresh run, as a preset is
    ss.pop("pg_preset", None)  # the lesson's panel says what to watch, not a preset's promise
    if ss.get(LESSON_KEY) != lesson_id:
        ss[ROWS_KEY] = {}
    ss[LESSON_KEY], ss[ROLE_KEY] = lesson_id, role
    ss.setdefault(ROWS_KEY, {})[role] = []


def leave() -> None:
    for key in (LESSON_KEY, ROLE_KEY, ROWS_KEY):
        st.session_state.pop(key, None)


# --------------------------------------------------------------------------- rows
def _new_rows(trainer, lesson: LS.Lesson, since: int) -> list[dict]:
    """The detector's rows after step `since`, the latest with the alerts and probes.
    Under the trainer's lock: the training thread appends to the detector's history."""
    def read(run):
        det = trainer.detector
        if det is None or not det.history:
            return []
        fresh = [r for r in list(det.history) if r.get("step", 0) > since and "diverged" not in r]
        if not fresh:
            return []
        rows = [LP.lesson_row(lesson, run, r, probes=False) for r in fresh[:-1]]
        return rows + [LP.lesson_row(lesson, run, fresh[-1], list(trainer.alerts))]
    return trainer.with_models(read)


def collect(trainer, lesson: LS.Lesson) -> dict:
    """This session's rows per role, with the run's new ones added (a reset run starts over)."""
    ss = st.session_state
    role = ss.get(ROLE_KEY, MAIN)
    rows_by_role = ss.setdefault(ROWS_KEY, {})
    rows = rows_by_role.setdefault(role, [])
    step = trainer.status()["step"]
    if rows and step < rows[-1]["step"]:
        rows.clear()  # the run was reset (or replaced) since
    try:
        rows.extend(_new_rows(trainer, lesson, rows[-1]["step"] if rows else 0))
    except Exception as err:  # a probe must never take the page down
        st.caption(f"({error_text(err)})")
    return rows_by_role


# --------------------------------------------------------------------------- the panel
def claim_line(lesson: LS.Lesson, claim: LS.Claim, out: LS.Outcome | None) -> str:
    what = t(lesson.key(claim.id))
    if out is None:
        return ":material/compare_arrows: " + t("lessons.needs_baseline", what=what,
                                                  baseline=t(lesson.key("baseline")),
                                                  step=f"{claim.by_step:,}")
    step = f"{out.step:,}"
    if out.state == LS.HELD:
        return f"{ICONS[out.state]} " + t("lessons.seen", step=step, what=what)
    if out.state == LS.MISSED:
        return f"{ICONS[out.state]} " + t("lessons.missed", step=step, what=what,
                                          hint=t(lesson.key(f"{claim.id}.try")))
    return f"{ICONS[out.state]} " + t("lessons.pending", step=step, what=what)


def role_outcomes(lesson: LS.Lesson, rows_by_role: dict, step: int, role: str) -> list:
    """Each claim's outcome, the run in the Playground being `role` at `step`: the other
    role's rows are what it left when it was last shown (its last row's step)."""
    main, base = rows_by_role.get(MAIN, []), rows_by_role.get(BASE, [])
    on_base = role == BASE
    main_step = (main[-1]["step"] if main else 0) if on_base else step
    base_step = step if on_base else (base[-1]["step"] if base else 0)
    return LS.outcomes(lesson, main, main_step, base or None, base_step)


def claims_panel(trainer, lesson: LS.Lesson) -> None:
    rows_by_role = collect(trainer, lesson)
    step = trainer.status()["step"]
    role = st.session_state.get(ROLE_KEY, MAIN)
    for claim, out in zip(lesson.claims, role_outcomes(lesson, rows_by_role, step, role)):
        st.markdown(claim_line(lesson, claim, out))


def _buttons(lesson: LS.Lesson, seed: int) -> None:
    role = st.session_state.get(ROLE_KEY, MAIN)
    shown = []
    if lesson.baseline and role == MAIN:
        shown.append((t("lessons.panel.train_baseline"), "gl_lesson_base", ask_start, (lesson.id, BASE, seed)))
    elif lesson.baseline:
        shown.append((t("lessons.panel.back"), "gl_lesson_back", ask_start, (lesson.id, MAIN, seed)))
    shown.append((t("lessons.panel.leave"), "gl_lesson_leave", leave, ()))
    for col, (label, key, fn, args) in zip(st.columns([1, 1, 2]), shown):
        col.button(label, key=key, on_click=fn, args=args, width="stretch")


def _notes(trainer, lesson: LS.Lesson) -> bool:
    """The run's relation to the lesson in a caption; False when it is another experiment
    (another target or variant: a shared link, a preset picked since), whose rows would
    say nothing about the lesson's claims."""
    on_base = st.session_state.get(ROLE_KEY) == BASE
    if on_base:
        st.caption(t("lessons.panel.on_baseline", baseline=t(lesson.key("baseline"))))
    seed = trainer.cfg.seed
    want = lesson.baseline_config(seed=seed) if on_base else lesson.config(seed=seed)
    if trainer.cfg == want:
        return True
    if (trainer.cfg.target, trainer.cfg.variant) != (want.target, want.variant):
        st.warning(t("lessons.panel.other_run"))
        st.button(t("lessons.page.start"), key="gl_lesson_restart", type="primary",
                  on_click=ask_start, args=(lesson.id, BASE if on_base else MAIN, seed))
        return False
    st.caption(t("lessons.panel.changed"))
    return True


def _hook(trainer, lesson: LS.Lesson | None) -> None:
    """The lesson's probes on every detector row, taken by the training thread at the
    row's step, with a row at least every PROBE_EVERY steps: a panel refreshed every few
    seconds would probe a fast run a couple of times in a claim's window, and on a slow
    machine many more, so a claim's verdict would follow the machine. None: no lesson."""
    trainer.row_probe = functools.partial(LP.probe_row, lesson) if lesson else None
    trainer.detect_every_steps = LP.PROBE_EVERY if lesson else 0


def lesson_panel(trainer, every: float | None) -> None:
    """The Playground's lesson panel: title, what to watch, each claim as it stands.
    Nothing is drawn when no lesson is chosen."""
    select_from_url()
    lesson = current()
    if trainer is None:
        return
    if lesson is None:
        _hook(trainer, None)
        return
    with st.container(border=True, key="gl_lesson_panel"):
        st.markdown(f"**{t('lessons.panel.heading', title=t(lesson.key('title')))}**")
        st.caption(t("lessons.panel.watch", watch=t(lesson.key("watch"))))
        ours = _notes(trainer, lesson)
        _hook(trainer, lesson if ours else None)
        if ours:
            # the probes read G under the trainer's lock: every 3 s costs training a few %
            st.fragment(run_every=every and max(every, 3.0))(claims_panel)(trainer, lesson)
        _buttons(lesson, trainer.cfg.seed)

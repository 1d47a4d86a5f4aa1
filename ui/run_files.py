"""The Playground's run as a file, and the question before a run is thrown away.

"Save run" downloads the session's run as a .safetensors checkpoint (config, weights,
optimiser state, RNGs, step and loss history: gan_core.checkpoints and gan_core.resume),
the same format `python -m gan_core train` writes. "Open a run" loads such a file back
into the session's trainer, paused, so Train goes on from the step it was saved at.
Reset, opening a file, opening a pretrained model, a preset, a lesson, a detector remedy
and new points (a CSV, a drawing) ask first when they would discard more than `ASK_ABOVE`
steps trained here.
"""
from __future__ import annotations

import streamlit as st

from gan_core import checkpoints
from gan_core.i18n import Msg
from ui import controls as C
from ui import session as S
from ui.i18n import t, tr
from ui.samples import clear_selection
from ui.widgets import hide_upload_hint, size_problem

MAX_RUN_MB = checkpoints.MAX_UPLOAD_MB
ASK_ABOVE = 300  # steps trained in this session that Reset discards without asking
UPLOAD_KEY = "pg_run_upload"
ERROR_KEY = "pg_run_error"
HANDLED = "pg_run_upload_handled"  # the id of the last upload handed to asked()


# --------------------------------------------------------------------------- save
def run_bytes(trainer) -> bytes:
    return checkpoints.to_bytes(trainer.checkpoint({"saved_by": "GAN Levers Playground"}))


def file_name(trainer) -> str:
    s, cfg = trainer.status(), trainer.cfg
    # while training the file holds a later step than the one drawn now
    step = "" if s["state"] == "running" else f"-step{s['step']}"
    return f"{cfg.target}-{cfg.variant}{step}{checkpoints.SUFFIX}"


def save_button(trainer, key: str = "pg_save", label: str = "") -> None:
    # `data` as a function: the checkpoint is built only when the button is clicked
    st.download_button(label or t("run_files.save"), data=lambda: run_bytes(trainer),
                       file_name=file_name(trainer), mime="application/octet-stream", key=key,
                       on_click="ignore", icon=":material/download:", width="stretch",
                       help=t("run_files.save.help"))


# --------------------------------------------------------------------------- open
def open_run(data: bytes, name: str) -> bool:
    """Load a saved run into this session's trainer, paused, and its settings into the
    sidebar. On failure the current run is kept and the reason is left for `open_ui`."""
    ckpt, problem = _read(data, name)
    if problem:
        return _refuse(problem)
    try:
        trainer = S.get_trainer() or S.new_trainer(ckpt.config, ckpt.points)
        trainer.pause()
        trainer.load_checkpoint(ckpt)
    except S.RunLimitReached as err:
        return _refuse(S.limit_message(err))
    except Exception as err:  # a bad file must never take the page down
        return _refuse(Msg("run_files.cannot_open", name=name, error=_reason(err)))
    _opened(ckpt, name)
    return True


def _reason(err: Exception) -> str:
    return (tr(err.args[0]) if isinstance(err, ValueError) and err.args else
            f"{type(err).__name__}: {err}")


def _read(data: bytes, name: str):
    """(the checkpoint, "") or (None, why it cannot be opened here), without touching the
    session's run."""
    problem = size_problem(name, len(data), MAX_RUN_MB)
    if problem:
        return None, problem
    try:
        ckpt = checkpoints.from_bytes(data, name=name)
        _check_playground(ckpt, name)
    except Exception as err:  # a bad file must never take the page down
        return None, Msg("run_files.cannot_open", name=name, error=_reason(err))
    return ckpt, ""


def _ask_open(name: str, data: bytes) -> None:
    """Open a file, asking first for an older run: but a file that cannot be opened is
    refused at once (it asked whether to throw the run away for a file it then refused)."""
    trainer = S.get_trainer()
    if trainer is not None and steps_at_stake(trainer) > ASK_ABOVE:
        problem = _read(data, name)[1]
        if problem:
            _refuse(problem)
            return
    asked(Msg("run_files.opening", name=name), "open", "open", name, data)


def _refuse(message: str) -> bool:
    st.session_state[ERROR_KEY] = message
    st.session_state[ERROR_KEY + "_shown"] = False  # a new error: shown at least once
    return False


def _check_playground(ckpt, name: str) -> None:
    target = ckpt.config.target
    if target not in C.TARGETS and target != C.CUSTOM:
        raise checkpoints.CheckpointError(Msg("run_files.not_2d", target=target))


def _opened(ckpt, name: str) -> None:
    from ui.run_control import train_on_note
    ss = st.session_state
    ss.pop(ERROR_KEY, None)
    ss.pop(ERROR_KEY + "_shown", None)
    ss.pop("pg_preset", None)  # a preset's promise is about a fresh run, not this one
    if ckpt.points is not None:
        ss["pg_points"], ss["pg_points_name"] = ckpt.points, Msg("run_files.points_saved", name=name)
        ss.pop("pg_csv_error", None)
    C.set_config(ckpt.config)
    label = Msg("run_files.opened_label", name=name, target=ckpt.config.target,
                variant=ckpt.config.variant, step=ckpt.step)
    ss["pg_opened"] = (label, ckpt.step, train_on_note(ckpt), "", Msg("run_files.opened"))
    ss[UPLOAD_KEY + "_n"] = ss.get(UPLOAD_KEY + "_n", 0) + 1  # an empty uploader next time
    clear_selection()


def _on_upload(key: str) -> None:
    up = st.session_state.get(key)
    if up is not None:
        st.session_state[HANDLED] = _upload_id(up)
        _ask_open(up.name, up.getvalue())


def _upload_id(up) -> str:
    return str(getattr(up, "file_id", "") or f"{up.name}:{up.size}")


def open_pending() -> None:
    """Bytes a test put in `pg_run_bytes` (AppTest has no file uploads) go through the
    same path as an upload; so does a file in the uploader whose on_change never ran (an
    upload that came with another rerun, such as the detector panel's, can be folded into
    it). Call before the sidebar's widgets draw."""
    pending = st.session_state.pop("pg_run_bytes", None)
    if pending is not None:
        _ask_open(*pending)
        return
    key = f"{UPLOAD_KEY}_{st.session_state.get(UPLOAD_KEY + '_n', 0)}"
    up = st.session_state.get(key)
    if up is not None and st.session_state.get(HANDLED) != _upload_id(up):
        _on_upload(key)


def _current_error(key: str) -> str:
    """The last refusal, while the refused file is still in the uploader (or on the run it
    was made in): an uploader emptied by a page switch takes its stale error with it."""
    ss = st.session_state
    error = ss.get(ERROR_KEY)
    if error and ss.get(key) is None and ss.get(ERROR_KEY + "_shown"):
        ss.pop(ERROR_KEY)
        error = None
    ss[ERROR_KEY + "_shown"] = bool(error)
    return error or ""


def open_ui() -> None:
    key = f"{UPLOAD_KEY}_{st.session_state.get(UPLOAD_KEY + '_n', 0)}"
    error = _current_error(key)
    with st.expander(t("run_files.open"), expanded=bool(error)):
        st.caption(t("run_files.open.note"))
        # Streamlit's own limit is a hover-only message: allow more, check in open_run
        st.file_uploader(t("run_files.upload", mb=MAX_RUN_MB), type=["safetensors"],
                         key=key, on_change=_on_upload, args=(key,),
                         max_upload_size=2 * MAX_RUN_MB)
        hide_upload_hint(UPLOAD_KEY)
        if error:
            st.error(tr(error))


# --------------------------------------------------------------------------- asked first
PENDING = "pg_discard"  # (what, verb, action, args): the step that waits for an answer


def steps_at_stake(trainer) -> int:
    """Steps trained in this session that replacing the run would throw away (an opened
    file or a pretrained model can be opened again, so its own steps do not count)."""
    return max(0, trainer.status()["step"] - trainer.run.start_step)


def _do_reset() -> None:
    S.get_trainer().reset()
    st.session_state.pop("pg_sel", None)


def _do_pretrained(key: str) -> None:
    from ui.run_control import open_pretrained
    open_pretrained(key)


def _do_lesson(lesson_id: str, role: str, seed: int) -> None:
    from ui.lessons import start
    start(lesson_id, role, seed)


def _do_drawing(code: str, points, name: str) -> None:
    from ui.drawing import use_drawing
    use_drawing(code, points, name)


def _keep_drawing() -> None:
    from ui.drawing import keep_drawing
    keep_drawing()


def _keep_upload() -> None:
    """An empty uploader again: the file the user kept the run against goes."""
    st.session_state[UPLOAD_KEY + "_n"] = st.session_state.get(UPLOAD_KEY + "_n", 0) + 1


def _do_remedy(changes: dict, label) -> None:
    from ui.run_control import apply_remedy
    apply_remedy(S.get_trainer(), changes, label)


ACTIONS = {"reset": _do_reset, "open": lambda name, data: open_run(data, name),
           "pretrained": _do_pretrained, "remedy": _do_remedy, "points": C.use_points,
           "preset": C.apply_preset, "lesson": _do_lesson, "drawing": _do_drawing}
KEPT = {"open": _keep_upload, "drawing": _keep_drawing}  # what "Keep the run" undoes
# Asked where its button is: a remedy's at the foot of the page, the others' at the top.
ASKED_BELOW = ("remedy",)


def asked(what: str, verb: str, action: str, *args) -> None:
    """Do `action` now for a young run; past `ASK_ABOVE` steps trained here, leave the
    question for `confirm_ui` instead (a button or upload callback)."""
    trainer = S.get_trainer()
    if trainer is not None and steps_at_stake(trainer) > ASK_ABOVE:
        st.session_state[PENDING] = (what, verb, action, args)
        return
    ACTIONS[action](*args)


def reset(trainer=None) -> None:
    """The Reset button's callback."""
    asked(Msg("run_files.reset"), "reset", "reset")


def remedy(changes: dict, label) -> None:
    """A detector remedy button's callback: the remedy restarts the run."""
    asked(Msg("run_files.remedy_what", label=label), "remedy", "remedy", changes, label)


def _answer(go: bool) -> None:
    what, verb, action, args = st.session_state.pop(PENDING)
    if go:
        ACTIONS[action](*args)
    elif action in KEPT:
        KEPT[action]()


def confirm_ui(trainer, below: bool = False) -> None:
    """The question left by `asked`, with a way to save the run before it goes: at the top
    of the page, or with `below` the question a remedy left (drawn beside its button)."""
    pending = st.session_state.get(PENDING)
    if not pending or (pending[2] in ASKED_BELOW) != below:
        return
    what, verb = pending[:2]
    with st.container(border=True, key="pg_discard_box"):
        st.warning(t("run_files.discard.question", what=tr(what),
                     steps=steps_at_stake(trainer)))
        c1, c2, c3 = st.columns(3)
        c1.button(t(f"run_files.discard.{verb}"), key="pg_discard_confirm", type="primary",
                  on_click=_answer, args=(True,), width="stretch")
        with c2:
            save_button(trainer, key="pg_save_before_discard", label=t("run_files.save_first"))
        c3.button(t("run_files.keep"), key="pg_discard_keep", on_click=_answer, args=(False,),
                  width="stretch")

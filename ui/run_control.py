"""This session's run on the Playground: build it, keep it in line with the session's
Config (`ui.controls.session_config`: live changes at once, structural ones through a
reset, asking first once training has begun), open a pretrained model into it, apply a
detector remedy. Each of those last two sets the session's Config as well as the run's.

The decision of what a change does is `ui.sync.plan_sync` (pure); this module carries it
out and draws the few messages and buttons that go with it.
"""
from __future__ import annotations

import streamlit as st

from gan_core.i18n import Msg, reason

from ui import controls as C
from ui import model_source
from ui import session as S
from ui.i18n import error_text, t, tr
from ui.samples import clear_selection
from ui.sync import plan_sync


def _points(cfg):
    """The uploaded points a custom target trains on (None for the built-in targets)."""
    return st.session_state.get("pg_points") if cfg.target == C.CUSTOM else None


def sync_trainer():
    """This session's trainer, built or brought in line with the session's Config; None while
    there is none to show."""
    desired = C.session_config()
    problem = C.validate(desired)
    if problem:
        st.error(t("run_control.cannot_train", problem=tr(problem)))
    force = st.session_state.pop("pg_force_reset", False)
    trainer = S.get_trainer()
    if trainer is None:
        return None if problem else _first_trainer(desired)
    if problem:
        return trainer
    plan = plan_sync(trainer.cfg, desired, trainer.run.variant.live_fields,
                     trainer.status()["step"], force)
    if plan.live:
        try:
            trainer.set_live(**plan.live)
        except ValueError as err:
            st.error(t("run_control.cannot_live", fields=", ".join(plan.live), error=error_text(err)))
    if (plan.reset or plan.ask) and desired.target == C.CUSTOM and _points(desired) is None:
        st.info(t("draw.needs_points"))
    elif plan.reset:
        _rebuild(trainer, desired)
    elif plan.ask:
        _ask_reset(trainer, plan.structural)
    return trainer


def _rebuild(trainer, desired) -> None:
    try:
        trainer.reset(desired, _points(desired))
    except (ValueError, RuntimeError) as err:
        st.error(t("run_control.cannot_build", error=error_text(err)))
    if st.session_state.get("pg_train"):  # Train was clicked in this same run
        trainer.start()


def _first_trainer(desired):
    if desired.target == C.CUSTOM and _points(desired) is None:
        st.info(t("draw.needs_points"))
        return None
    freed = S.run_was_freed()
    try:
        with st.spinner(t("run_control.building")):
            trainer = S.new_trainer(desired, _points(desired))
    except S.RunLimitReached as err:
        st.warning(tr(S.limit_message(err)))
        return None
    except (ValueError, RuntimeError) as err:
        st.error(t("run_control.cannot_build", error=error_text(err)))
        return None
    if freed:
        st.info(t("run_control.freed", minutes=f"{S.registry().grace / 60:g}"))
    return trainer


def _confirm_reset() -> None:
    st.session_state["pg_force_reset"] = True


def _ask_reset(trainer, structural) -> None:
    with st.container(border=True):
        # A variant's defaults come with it: the user picked one field, not all of these.
        extra = t("run_control.structural.variant") if "variant" in structural else ""
        st.warning(t("run_control.structural", fields=", ".join(structural)) + extra)
        c1, c2 = st.columns(2)
        c1.button(t("run_control.reset_new"), key="pg_confirm", type="primary",
                  on_click=_confirm_reset)
        c2.button(t("run_control.keep"), key="pg_keep", on_click=C.set_config,
                  args=(trainer.cfg,))


def apply_remedy(trainer, changes: dict, label: str = "") -> None:
    """A detector remedy: restart the run with `changes` (a button callback). What changed
    and that the run restarted is said by `remedy_note` until the run changes again."""
    was_running = trainer.status()["state"] == "running"
    lost = trainer.status()["step"]
    try:
        new = trainer.cfg.replace(**changes)
        trainer.reset(new, _points(trainer.cfg))
    except (ValueError, RuntimeError) as err:
        st.session_state["pg_remedy_error"] = reason(err)  # shown by detector_panel, via tr
        return
    C.set_config(new)
    st.session_state["pg_need_full_rerun"] = True
    st.session_state["pg_remedy_note"] = (id(trainer.run), remedy_text(label, changes, lost),
                                          True)
    if was_running:
        trainer.start()


def remedy_text(label: str, changes: dict, lost: int) -> Msg:
    """What a remedy did, as a Msg: shown (in the session's language) until the run changes."""
    what = ", ".join(f"{k} = {v}" for k, v in changes.items())
    head = (Msg("run_control.remedy.head", label=label) if label else
            Msg("run_control.remedy.applied"))
    return Msg("run_control.remedy.text", head=head, what=what, lost=lost)


NOTE_STEPS = 500  # a remedy's note stays up until the restarted run passes this step


def remedy_note(trainer) -> None:
    """The last remedy's message, as long as the run it restarted is the one shown: a toast
    once, and a line that outlives the reruns."""
    note = st.session_state.get("pg_remedy_note")
    # Past a few hundred steps "restarted from step 0" is old news: it stayed up all run.
    if not note or note[0] != id(trainer.run) or trainer.status()["step"] > NOTE_STEPS:
        st.session_state.pop("pg_remedy_note", None)
        return
    run_id, text, fresh = note
    if fresh:  # short, or Streamlit cuts it at "view more": the line below has the rest
        st.toast(tr(Msg("run_control.remedy.toast", head=text.fields["head"])), icon=":material/healing:",
                 duration="long")
        st.session_state["pg_remedy_note"] = (run_id, text, False)
    st.info(tr(text), icon=":material/healing:")


# --------------------------------------------------------------------------- pretrained models
def zoo_choices() -> dict[str, str]:
    """Pretrained 2-D entries this page can train on: key -> label. Working models first;
    a failure on purpose (its label says so) comes last."""
    from gan_core import zoo
    found = [(bool(v.get("failure")), k, zoo.label(v)) for k, v in zoo.entries().items()
             if v["target"] in C.TARGETS]
    return {k: text for _, k, text in sorted(found, key=lambda row: row[0])}


def open_pretrained(key: str) -> None:
    """Load a zoo entry into this session's trainer, paused, and into the widgets.
    Runs before the widgets draw (first visit, or as a button callback)."""
    from gan_core import checkpoints, zoo
    info = zoo.entries().get(key)
    if info is None:
        st.session_state["pg_open_error"] = Msg("run_control.no_such_model", model=repr(key))
        return
    try:
        ckpt = model_source.zoo_checkpoint(key)
        trainer = S.get_trainer() or S.new_trainer(ckpt.config)
        trainer.pause()
        trainer.load_checkpoint(ckpt, detect=False)  # the detector panel runs it, after the chart
    except S.RunLimitReached as err:
        st.session_state["pg_open_error"] = S.limit_message(err)
        return
    except (checkpoints.CheckpointError, ValueError, RuntimeError) as err:
        st.session_state["pg_open_error"] = Msg("run_control.could_not_open", name=zoo.label(info),
                                                error=reason(err))
        return
    C.set_config(ckpt.config)  # Train then continues with the checkpoint's own config
    st.session_state["pg_opened"] = (zoo.label(info), ckpt.step, train_on_note(ckpt),
                                     zoo.note(key, info) if info.get("failure") else "",
                                     Msg("run_control.pretrained"))
    clear_selection()


def train_on_note(ckpt) -> str:
    # Past lr_decay_steps the rates stay at their floor (Run.from_checkpoint): Train
    # polishes the model, where the full starting rate shook the spiral apart within 20 s.
    cfg = ckpt.config
    if cfg.lr_decay_steps and ckpt.step >= cfg.lr_decay_steps:
        return Msg("run_control.train_on", floor=f"{cfg.lr_floor:g}")
    return ""


def first_visit() -> None:
    """A classroom sees a trained spiral in the first second, not a blob at step 0."""
    if C.CONFIG_KEY in st.session_state or S.get_trainer() is not None:
        return
    if S.registry().room() == 0:
        return  # sync_trainer says the server is full
    from gan_core.zoo import FIRST_PAGE
    if FIRST_PAGE in zoo_choices():
        with st.spinner(t("run_control.opening")):
            open_pretrained(FIRST_PAGE)


def opened_banner(step: int) -> None:
    opened = st.session_state.get("pg_opened")
    if not opened or opened[1] != step:
        return
    label, _, train_on, failure, kind = opened
    if failure:  # never presented as a working model
        st.warning(t("run_control.opened_failure", kind=tr(kind), label=tr(label),
                     failure=tr(failure)))
        return
    st.info(t("run_control.opened", kind=tr(kind), label=tr(label), train_on=tr(train_on)))

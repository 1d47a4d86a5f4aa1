"""This session's run on the Playground: build it, keep it in line with the session's
Config (`ui.controls.session_config`: live changes at once, structural ones through a
reset, asking first once training has begun), open a pretrained model into it, apply a
detector remedy. Each of those last two sets the session's Config as well as the run's.

The decision of what a change does is `ui.sync.plan_sync` (pure); this module carries it
out and draws the few messages and buttons that go with it.
"""
from __future__ import annotations

import streamlit as st

from ui import controls as C
from ui import model_source
from ui import session as S
from ui.i18n import t
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
        st.error(f"These settings cannot train: {problem}")
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
            st.error(f"Cannot apply {', '.join(plan.live)} live: {err}")
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
        st.error(f"Cannot build this run: {err}")
    if st.session_state.get("pg_train"):  # Train was clicked in this same run
        trainer.start()


def _first_trainer(desired):
    if desired.target == C.CUSTOM and _points(desired) is None:
        st.info(t("draw.needs_points"))
        return None
    freed = S.run_was_freed()
    try:
        with st.spinner("Building the generator and discriminator…"):
            trainer = S.new_trainer(desired, _points(desired))
    except S.RunLimitReached as err:
        st.warning(S.limit_message(err))
        return None
    except (ValueError, RuntimeError) as err:
        st.error(f"Cannot build this run: {err}")
        return None
    if freed:
        st.info(f"Your earlier run was freed while nobody was watching it (after "
                f"{S.registry().grace / 60:g} minutes, or sooner once the server was full and it "
                "was not training). This is a fresh run with the same settings.")
    return trainer


def _confirm_reset() -> None:
    st.session_state["pg_force_reset"] = True


def _ask_reset(trainer, structural) -> None:
    with st.container(border=True):
        st.warning(f"You changed **{', '.join(structural)}**. That changes the networks "
                   "or the data, so it needs a fresh run: training restarts from step 0.")
        c1, c2 = st.columns(2)
        c1.button("Reset with the new settings", key="pg_confirm", type="primary",
                  on_click=_confirm_reset)
        c2.button("Keep the current run", key="pg_keep", on_click=C.set_config,
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
        st.session_state["pg_remedy_error"] = str(err)
        return
    C.set_config(new)
    st.session_state["pg_need_full_rerun"] = True
    st.session_state["pg_remedy_note"] = (id(trainer.run), remedy_text(label, changes, lost),
                                          True)
    if was_running:
        trainer.start()


def remedy_text(label: str, changes: dict, lost: int) -> str:
    what = ", ".join(f"{k} = {v}" for k, v in changes.items())
    head = f"**Remedy: {label}.** " if label else "**Remedy applied.** "
    return (f"{head}{what}. The run restarted from step 0 with these settings (the previous "
            f"run stopped at step {lost:,}); the sidebar shows them.")


def remedy_note(trainer) -> None:
    """The last remedy's message, as long as the run it restarted is the one shown: a toast
    once, and a line that outlives the reruns."""
    note = st.session_state.get("pg_remedy_note")
    if not note or note[0] != id(trainer.run):
        st.session_state.pop("pg_remedy_note", None)
        return
    run_id, text, fresh = note
    if fresh:
        st.toast(text, icon=":material/healing:", duration="long")
        st.session_state["pg_remedy_note"] = (run_id, text, False)
    st.info(text, icon=":material/healing:")


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
        st.session_state["pg_open_error"] = f"No pretrained model called {key!r} on this server."
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
        st.session_state["pg_open_error"] = f"Could not open {zoo.label(info)}: {err}"
        return
    C.set_config(ckpt.config)  # Train then continues with the checkpoint's own config
    st.session_state["pg_opened"] = (zoo.label(info), ckpt.step, train_on_note(ckpt),
                                     info["note"] if info.get("failure") else "", "Pretrained")
    clear_selection()


def train_on_note(ckpt) -> str:
    # Past lr_decay_steps the rates stay at their floor (Run.from_checkpoint): Train
    # polishes the model, where the full starting rate shook the spiral apart within 20 s.
    cfg = ckpt.config
    if cfg.lr_decay_steps and ckpt.step >= cfg.lr_decay_steps:
        return f" at the learning rate it finished with ({cfg.lr_floor:g}× its starting rate)"
    return ""


def first_visit() -> None:
    """A classroom sees a trained spiral in the first second, not a blob at step 0."""
    if C.CONFIG_KEY in st.session_state or S.get_trainer() is not None:
        return
    if S.registry().room() == 0:
        return  # sync_trainer says the server is full
    from gan_core.zoo import FIRST_PAGE
    if FIRST_PAGE in zoo_choices():
        with st.spinner("Opening a pretrained model…"):
            open_pretrained(FIRST_PAGE)


def opened_banner(step: int) -> None:
    opened = st.session_state.get("pg_opened")
    if not opened or opened[1] != step:
        return
    label, _, train_on, failure, kind = opened
    if failure:  # never presented as a working model
        st.warning(f"**{kind}: {label}.** {failure} Press **Reset** and **Train** to watch "
                   "it go wrong from scratch, or pick a preset on the left.")
        return
    st.info(f"**{kind}: {label}.** Pull the levers below, press **Train** to keep "
            f"training it{train_on}, **Reset** for fresh random weights, or pick a preset on "
            "the left.")

"""The Compare page's glue: its jobs (a server-side registry keyed by an id kept in the
session, as runs are), starting one from the page's choices, and handing a member to the
Playground."""
from __future__ import annotations

import threading
import uuid

import pandas as pd
import streamlit as st

from gan_core.compare import CompareJob, Comparison, member_configs
from gan_core.compare_cli import TABLE_COLUMNS, table_csv
from gan_core.config import ConfigError
from gan_core.ensemble import refusal
from gan_core.i18n import Msg
from gan_core.variants import VARIANTS, config_for
from ui.i18n import error_text, t, tr, tr_error

JOB_KEY = "cmp_job"
IDLE_SECONDS = 120.0  # a job nobody has looked at for this long stops (its results stay)
MAX_JOBS = 6  # across the server: finished ones beyond this are dropped, oldest first
_JOBS: dict[str, CompareJob] = {}
_LOCK = threading.Lock()


def batchable_variants(target: str) -> list[str]:
    """Variants whose default recipe an ensemble can train on this target."""
    return [name for name in VARIANTS if refusal(config_for(name, target=target)) is None]


def current_job() -> CompareJob | None:
    job_id = st.session_state.get(JOB_KEY)
    with _LOCK:
        return _JOBS.get(job_id) if job_id else None


def start(target: str, variants: list[str], seeds: int, steps: int, **overrides) -> str:
    """Build and start a comparison; '' on success, else the message to show."""
    if not 1 <= len(variants) <= 4:
        return t("compare.pick_variants")
    try:
        with st.spinner(t("compare.building", k=len(variants) * seeds)):
            comp = Comparison(member_configs(target, variants, seeds, **overrides), steps)
    except (ConfigError, ValueError) as err:
        return t("compare.cannot_train", error=tr_error(err))
    _adopt(comp)
    return ""


def _adopt(comp: Comparison) -> None:
    """This session's job becomes one running `comp` (an old one is stopped)."""
    old = current_job()
    if old is not None:
        old.stop()
    job_id = uuid.uuid4().hex
    with _LOCK:
        _JOBS[job_id] = CompareJob(comp, idle_timeout=IDLE_SECONDS)
        _evict()
    st.session_state[JOB_KEY] = job_id


def ensemble_bytes(job: CompareJob) -> bytes:
    """Built once per finished job: every rerun of the page offers the same file."""
    from gan_core import ensemble_file
    cached = getattr(job, "file_bytes", None)
    if cached is None or cached[0] != job.comp.step_count:
        job.file_bytes = (job.comp.step_count, ensemble_file.to_bytes(job.comp))
    return job.file_bytes[1]


def open_file(data: bytes, name: str) -> str:
    """Open an ensemble file as this session's comparison; '' or the message to show."""
    from gan_core import checkpoints, ensemble_file
    try:
        comp = ensemble_file.from_bytes(data, name)
    except checkpoints.CheckpointError as err:
        return tr_error(err)
    _adopt(comp)
    return ""


def _evict() -> None:
    finished = [k for k, j in _JOBS.items() if j.state != "running"]
    while len(_JOBS) > MAX_JOBS and finished:
        _JOBS.pop(finished.pop(0)).stop()


def table_frame(table: list[dict]) -> pd.DataFrame:
    """The members' table with its headers and verdicts in the session's language."""
    df = pd.DataFrame(table, columns=[*TABLE_COLUMNS])
    df["verdict"] = [tr(r.get("verdict", "")) for r in table]  # pandas keeps a Msg as a plain str
    return df.rename(columns={c: t(f"compare.col.{c}") for c in TABLE_COLUMNS})


def csv_bytes(table: list[dict]) -> bytes:
    return table_csv(table).encode()


def open_on_playground(job: CompareJob, i: int) -> str:
    """Member i becomes this session's Playground run (through a checkpoint, so it shares
    nothing with the ensemble). Returns '' or an error message."""
    from gan_core import checkpoints
    from ui import controls as C
    from ui import session as S
    try:
        ckpt = checkpoints.from_run(job.member_run(i), {}, {"source": "compare"})
        trainer = S.get_trainer() or S.new_trainer(ckpt.config)
        trainer.pause()
        trainer.load_checkpoint(ckpt)
    except S.RunLimitReached as err:
        return S.limit_message(err)
    except (checkpoints.CheckpointError, ValueError, RuntimeError) as err:
        return t("compare.cannot_open_member", n=i + 1, error=error_text(err))
    C.set_config(ckpt.config)
    cfg = ckpt.config
    st.session_state["pg_opened"] = (Msg("compare.opened_label", n=i + 1, variant=cfg.variant,
                                         seed=cfg.seed, target=cfg.target),
                                     ckpt.step, "", "", Msg("run_files.opened"))
    return ""

"""Compare seeds: many seeds of 1-4 variants trained at once as one batched ensemble
(gan_core.ensemble), each member judged by the detector, and per variant the collapse
rate with its 95% Wilson interval. Widgets and layout only: the engine is gan_core.compare,
the figures gan_core.plots.compare, the jobs and hand-over ui.compare_state."""
from __future__ import annotations

import streamlit as st

from gan_core.compare import MAX_SEEDS
from gan_core.distributions import TARGETS
from gan_core.plots import compare as PC
from ui import projector
from ui import compare_state as CS
from ui.i18n import language, t, tr
from ui.session import through_app
from ui.widgets import KEPT

through_app()
st.title(t("compare.title"))
st.caption(t("compare.intro"))


def choices_ui() -> dict:
    """The comparison's settings; plain values out."""
    c1, c2, c3, c4 = st.columns([1.2, 2.4, 1.2, 1.2])
    targets = [t for t in TARGETS if getattr(TARGETS[t], "dim", 2) == 2]
    target = c1.selectbox(t("compare.target"), targets, index=targets.index("ring8"), key="cmp_target",
                          **KEPT)
    options = CS.batchable_variants(target)
    kept = st.session_state.get("cmp_variants")
    if kept is None or any(v not in options for v in kept):  # the first visit, or another target
        st.session_state["cmp_variants"] = [v for v in kept or ("nsgan", "wgan_gp") if v in options]
    variants = c2.multiselect(t("compare.variants"), options, max_selections=4,
                              key="cmp_variants", help=t("compare.variants.help"), **KEPT)
    seeds = c3.slider(t("compare.seeds"), 1, MAX_SEEDS, 8, key="cmp_seeds", **KEPT)
    steps = c4.number_input(t("compare.steps"), 20, 50_000, 3000, step=500, key="cmp_steps", **KEPT)
    return {"target": target, "variants": variants, "seeds": int(seeds), "steps": int(steps)}


def controls_ui(choices: dict, job) -> None:
    running = job is not None and job.state == "running"
    b1, b2, _ = st.columns([1, 1, 4])
    if b1.button(t("compare.train"), type="primary", key="cmp_train", disabled=running):
        problem = CS.start(**choices)
        if problem:
            st.error(tr(problem))
        else:
            st.rerun()
    if b2.button(t("compare.stop"), key="cmp_stop", disabled=not running):
        job.stop()
        st.rerun()
    k = len(choices["variants"]) * choices["seeds"]
    st.caption(t("compare.plan", k=k, steps=choices["steps"]))


def progress_ui(view: dict, job) -> None:
    step, steps = view["step"], view["steps"]
    text = t(f"compare.progress.{view['state']}", step=step, steps=steps, error=job.error)
    st.progress(min(1.0, step / max(steps, 1)), text=text)


def grid_ui(view: dict, job) -> None:
    comp = job.comp
    labels = [t("compare.panel_label", seed=r["seed"]) for r in view["table"]]  # the variant beside its rows
    flagged = {i for i, r in enumerate(view["table"]) if r["collapsed"]}
    variants = list(dict.fromkeys(r["variant"] for r in view["table"]))
    fig = PC.small_multiples(view["samples"], comp.colours, labels, variants, comp.bounds,
                             flagged)
    st.plotly_chart(projector.styled(fig), key="cmp_grid", config={"displayModeBar": False})
    st.caption(t("compare.grid_caption", n=PC.panel_points(len(labels))))


def rates_ui(view: dict, job) -> None:
    st.plotly_chart(projector.styled(PC.rates_figure(view["summary"], language())), key="cmp_rates",
                    config={"displayModeBar": False})
    st.caption(t("compare.rates_caption"))
    if not any(s["checked"] for s in view["summary"]):
        if view["state"] == "running":
            st.markdown(t("compare.not_checked", every=job.comp.eval_every))
        else:  # stopped (or saved) before the first check: no later check is coming
            st.markdown(t("compare.never_checked", step=job.comp.step_count))
        return
    rows = [t("compare.rate_row", variant=s["variant"], collapsed=s["collapsed"],
              members=s["members"], rate=s["rate"], lo=s["rate_lo"], hi=s["rate_hi"],
              modes=_num(s["modes_mean"], 1), modes_sd=_num(s["modes_sd"], 1),
              hq=_num(s["hq_pct_mean"], 0), hq_sd=_num(s["hq_pct_sd"], 0))
            for s in view["summary"]]
    st.markdown("  \n".join(rows))


def _num(v: float, digits: int) -> str:
    return "–" if v != v else f"{v:.{digits}f}"  # NaN before the first check


def table_ui(view: dict, job) -> None:
    df = CS.table_frame(view["table"])
    picked = st.dataframe(df, hide_index=True, on_select="rerun", selection_mode="single-row",
                          key="cmp_table", placeholder="–", column_config={
                              t("compare.col.hq_pct"): st.column_config.NumberColumn(format="%.1f"),
                              t("compare.col.coverage"): st.column_config.NumberColumn(format="%.2f")})
    rows = picked.selection.rows if picked is not None else []
    c1, c2 = st.columns([2, 1])
    if rows:
        i = int(rows[0])
        if c1.button(t("compare.open_member", n=i + 1), key="cmp_open",
                     help=t("compare.open_member.help")):
            problem = CS.open_on_playground(job, i)
            if problem:
                st.error(tr(problem))
            else:
                st.switch_page("pages/playground.py")
    else:
        c1.caption(t("compare.click_row"))
    c2.download_button(t("compare.download_csv"), CS.csv_bytes(view["table"]),
                       file_name="compare.csv", mime="text/csv", key="cmp_csv")
    if view["state"] != "running":  # the weights are written out only once training ends
        c2.download_button(t("compare.download_file"), CS.ensemble_bytes(job),
                           file_name="ensemble.safetensors", key="cmp_file",
                           help=t("compare.download_file.help"))


def results_ui(job) -> None:
    job.touch()  # someone is watching: the job keeps training
    view = job.latest
    progress_ui(view, job)
    left, right = st.columns([3, 2])
    with left:
        grid_ui(view, job)
    with right:
        rates_ui(view, job)
    table_ui(view, job)
    if view["state"] != "running" and st.session_state.get("cmp_seen_state") == "running":
        st.session_state["cmp_seen_state"] = view["state"]
        st.rerun()  # the whole page: the live timer stops and the buttons update
    st.session_state["cmp_seen_state"] = view["state"]


def open_ui() -> None:
    with st.expander(t("compare.open_file")):
        up = st.file_uploader(t("compare.upload"), type=["safetensors"],
                              key="cmp_upload")
        if up is not None and st.session_state.get("cmp_opened") != up.file_id:
            st.session_state["cmp_opened"] = up.file_id
            problem = CS.open_file(up.getvalue(), up.name)
            if problem:
                st.error(tr(problem))
            else:
                st.rerun()


choices = choices_ui()
open_ui()
job = CS.current_job()
controls_ui(choices, job)
if job is None:
    st.info(t("compare.empty"))
else:
    live = job.state == "running"
    st.fragment(results_ui, run_every=1.0 if live else None)(job)

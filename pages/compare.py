"""Compare seeds: many seeds of 1-4 variants trained at once as one batched ensemble
(gan_core.ensemble), each member judged by the detector, and per variant the collapse
rate with its 95% Wilson interval. Widgets and layout only: the engine is gan_core.compare,
the figures gan_core.plots.compare, the jobs and hand-over ui.compare_state."""
from __future__ import annotations

import streamlit as st

from gan_core.compare import MAX_SEEDS
from gan_core.distributions import TARGETS
from gan_core.plots import compare as PC
from ui import compare_state as CS
from ui.session import through_app

through_app()
st.title("Compare seeds")
st.caption("One run shows one outcome; a GAN's behaviour is a distribution over seeds. "
           "Train many seeds of up to four variants at once (one batched computation) and "
           "compare how often each collapses, with the uncertainty of that rate.")


def choices_ui() -> dict:
    """The comparison's settings; plain values out."""
    c1, c2, c3, c4 = st.columns([1.2, 2.4, 1.2, 1.2])
    targets = [t for t in TARGETS if getattr(TARGETS[t], "dim", 2) == 2]
    target = c1.selectbox("Target", targets, index=targets.index("ring8"), key="cmp_target")
    options = CS.batchable_variants(target)
    default = [v for v in ("nsgan", "wgan_gp") if v in options]
    variants = c2.multiselect("Variants (1 to 4)", options, default=default, max_selections=4,
                              key="cmp_variants",
                              help="Variants whose recipe an ensemble can batch: their "
                              "losses only need D's scores (no clipping, packing or extra nets).")
    seeds = c3.slider("Seeds per variant", 1, MAX_SEEDS, 8, key="cmp_seeds")
    steps = c4.number_input("Steps", 20, 50_000, 3000, step=500, key="cmp_steps")
    return {"target": target, "variants": variants, "seeds": int(seeds), "steps": int(steps)}


def controls_ui(choices: dict, job) -> None:
    running = job is not None and job.state == "running"
    b1, b2, _ = st.columns([1, 1, 4])
    if b1.button("Train all", type="primary", key="cmp_train", disabled=running):
        problem = CS.start(**choices)
        if problem:
            st.error(problem)
        else:
            st.rerun()
    if b2.button("Stop", key="cmp_stop", disabled=not running):
        job.stop()
        st.rerun()
    k = len(choices["variants"]) * choices["seeds"]
    st.caption(f"{k} members × {choices['steps']:,} steps. Each member's verdict is the "
               "mode-collapse detector's, checked about 12 times over the run; *collapsed* "
               "means its collapse alert stands at the last check.")


def progress_ui(view: dict, job) -> None:
    step, steps = view["step"], view["steps"]
    text = {"running": f"Training: step {step:,} of {steps:,}",
            "done": f"Done: {steps:,} steps", "stopped": f"Stopped at step {step:,}",
            "error": f"Stopped by an error at step {step:,}: {job.error}"}[view["state"]]
    st.progress(min(1.0, step / max(steps, 1)), text=text)


def grid_ui(view: dict, job) -> None:
    comp = job.comp
    labels = [f"{r['variant']} · seed {r['seed']}" for r in view["table"]]
    flagged = {i for i, r in enumerate(view["table"]) if r["collapsed"]}
    variants = list(dict.fromkeys(r["variant"] for r in view["table"]))
    fig = PC.small_multiples(view["samples"], comp.colours, labels, variants, comp.bounds,
                             flagged)
    st.plotly_chart(fig, key="cmp_grid", config={"displayModeBar": False})
    st.caption("Each panel is one member's generator (its moving average where the recipe "
               f"keeps one), {PC.panel_points(len(labels))} samples coloured by where they came from in latent space; "
               "a red bold title marks a member the detector calls collapsed.")


def rates_ui(view: dict, job) -> None:
    st.plotly_chart(PC.rates_figure(view["summary"]), key="cmp_rates",
                    config={"displayModeBar": False})
    st.caption("Bars: the share of members that ended collapsed, with its 95% Wilson "
               "interval; modes captured and HQ % as mean ± sd over the members.")
    if not any(s["checked"] for s in view["summary"]):
        st.markdown(f"Not checked yet: the detector first looks at step "
                    f"{job.comp.eval_every:,}, then every {job.comp.eval_every:,} steps.")
        return
    rows = [f"**{s['variant']}**: {s['collapsed']} of {s['members']} collapsed, "
            f"{s['rate']:.0%} (95% Wilson interval {s['rate_lo']:.0%}–{s['rate_hi']:.0%}); "
            f"modes {_num(s['modes_mean'], 1)} ± {_num(s['modes_sd'], 1)}, "
            f"HQ {_num(s['hq_pct_mean'], 0)}% ± {_num(s['hq_pct_sd'], 0)}" for s in view["summary"]]
    st.markdown("  \n".join(rows))


def _num(v: float, digits: int) -> str:
    return "–" if v != v else f"{v:.{digits}f}"  # NaN before the first check


def table_ui(view: dict, job) -> None:
    df = CS.table_frame(view["table"])
    picked = st.dataframe(df, hide_index=True, on_select="rerun", selection_mode="single-row",
                          key="cmp_table", column_config={
                              "HQ %": st.column_config.NumberColumn(format="%.1f"),
                              "coverage": st.column_config.NumberColumn(format="%.2f")})
    rows = picked.selection.rows if picked is not None else []
    c1, c2 = st.columns([2, 1])
    if rows:
        i = int(rows[0])
        if c1.button(f"Open member {i + 1} on the Playground", key="cmp_open",
                     help="Its weights and moving average become your Playground run, "
                     "paused at this step: press Train there to keep training it."):
            problem = CS.open_on_playground(job, i)
            if problem:
                st.error(problem)
            else:
                st.switch_page("pages/playground.py")
    else:
        c1.caption("Click a row to open that member on the Playground.")
    c2.download_button("Download table (CSV)", CS.csv_bytes(view["table"]),
                       file_name="compare.csv", mime="text/csv", key="cmp_csv")
    if view["state"] != "running":  # the weights are written out only once training ends
        c2.download_button("Download the ensemble", CS.ensemble_bytes(job),
                           file_name="ensemble.safetensors", key="cmp_file",
                           help="Every member's weights, configs and this table in one "
                           "file; open it below to see these results again.")


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
    with st.expander("Open an ensemble file"):
        up = st.file_uploader("Ensemble file (.safetensors)", type=["safetensors"],
                              key="cmp_upload")
        if up is not None and st.session_state.get("cmp_opened") != up.file_id:
            st.session_state["cmp_opened"] = up.file_id
            problem = CS.open_file(up.getvalue(), up.name)
            if problem:
                st.error(problem)
            else:
                st.rerun()


choices = choices_ui()
open_ui()
job = CS.current_job()
controls_ui(choices, job)
if job is None:
    st.info("Pick a target, variants and seeds, then press Train all.")
else:
    live = job.state == "running"
    st.fragment(results_ui, run_every=1.0 if live else None)(job)

"""Discriminator inspector: D's opinion over the plane with G's pull on each fake, D's
2-D feature space before and after a generator step (the quadratic-curve tutorial's
plot), the Turing GAN's pair view, and the DeLiGAN mixture in latent space.
Widgets and layout only: the maths is gan_core.inspect / probes, the figures gan_core.plots.
"""
from __future__ import annotations

import dataclasses

import streamlit as st

from gan_core import glossary as GL
from gan_core import inspect as I
from gan_core import plots, probes
from gan_core.plots import discriminator as PD
from ui import projector
from ui.i18n import error_text, language, t, tr
from ui.inspector import status_line
from ui.model_source import memo, model_source_ui
from ui.widgets import KEPT, explain

def _text(view: str) -> tuple[str, str]:
    """A view's one-line caption and its longer explanation."""
    return t(f"discriminator.{view}.short"), t(f"discriminator.{view}.more")


# --------------------------------------------------------------------------- heatmap
def heatmap_section(source, arrows: bool) -> None:
    def compute(run):
        latent = run.eval_latent()
        fake = run.generate(latent)
        bounds = run.out_target.bounds
        field, arr = probes.field_and_arrows(run, latent, bounds, True, arrows, n_arrows=200)
        return dict(fake=fake, colours=plots.hex_colours(run.colours(latent)), bounds=bounds,
                    real=I.real_points(run, 1500), why=probes.field_support(run),
                    field=field, arrows=arr)
    d = memo(source, "heatmap", (arrows,), compute)
    if d["why"]:
        st.info(t("discriminator.no_heatmap", why=tr(d["why"])))
    field = d["field"]
    if field is not None:  # its scale named in the page language
        field = dataclasses.replace(field, label=tr(field.label))
    fig = plots.samples_figure(d["real"], d["fake"], d["colours"], d["bounds"], field=field,
                               arrows=d["arrows"], uirevision="disc_heat",
                               title=t("discriminator.heatmap_title")
                               + (t("discriminator.heatmap_arrows") if d["arrows"] else ""))
    st.plotly_chart(projector.styled(fig), key="disc_heatmap")
    explain(*_text("heatmap"))


# --------------------------------------------------------------------------- G step before/after
def take_g_steps(source, k: int, d_first: int = 0) -> dict:
    """Features before, k generator updates, features after. The live run really takes
    the steps (through the trainer, paused); other sources step a private copy."""
    if source.live:
        ba = I.live_g_steps(source.trainer, k, d_first=d_first)
    else:
        copies = st.session_state.setdefault("disc_copies", {})
        if source.model_id not in copies:
            copies.clear()
            copies[source.model_id] = source.call(I.clone_run)
        ba = I.run_g_steps(copies[source.model_id], k, d_first=d_first)
    return {"model": source.model_id, "before": ba.before, "after": ba.after, "k": k,
            "shift": ba.shift}


def feature_section(source) -> None:
    why = source.call(I.feature_support)
    if why:
        st.info(t("discriminator.no_features", why=tr(why)))
        return
    c1, c2 = st.columns([1, 3])
    with c1:
        k, d_first, clicked = step_controls(source)
    if clicked:
        try:
            with st.spinner(t("discriminator.stepping")):
                st.session_state["disc_ba"] = take_g_steps(source, k, d_first)
        except Exception as err:
            st.error(t("discriminator.step_failed", error=error_text(err)))
    ba = st.session_state.get("disc_ba")
    if ba is not None and ba["model"] != source.model_id:
        ba = None
    now = None if ba is not None else memo(source, "features", (),
                                             lambda r: I.features(r, *I.fixed_batches(r)))
    with c2:
        if ba is None:
            st.plotly_chart(projector.styled(PD.feature_space_figure(now.real, now.fake,
                                                    title=t("discriminator.features_at", step=now.step),
                                                    lang=language())),
                            key="disc_features")
        else:
            before_after(ba)
    explain(*_text("features"))
    pairs = (ba["before"].pairs, ba["after"].pairs) if ba is not None else (now.pairs,)
    if pairs[0] is not None:
        st.subheader(t("discriminator.pairs_heading"))
        st.plotly_chart(projector.styled(PD.pair_view_figure(*pairs, lang=language())), key="disc_pairs")
        explain(*_text("pairs"))


def step_controls(source) -> tuple[int, int, bool]:
    """(G steps, D steps first, whether the button to take them was clicked)."""
    k = st.number_input(t("discriminator.g_steps"), 1, 200, 1, key="disc_k", **KEPT,
                        help=t("discriminator.g_steps.help"))
    d_first = st.number_input(t("discriminator.d_first"), 0, 200, 50, key="disc_dfirst", **KEPT,
                              help=t("discriminator.d_first.help"))
    if source.live and source.running():
        st.caption(t("discriminator.will_pause"))
    if not source.live:
        st.caption(t("discriminator.private_copy"))
    clicked = st.button(t("discriminator.take_step"), key="disc_gstep", type="primary")
    return int(k), int(d_first), clicked


def before_after(ba: dict) -> None:
    b, a = ba["before"], ba["after"]
    st.plotly_chart(projector.styled(PD.feature_space_figure(
        b.real, b.fake, a.real, a.fake,
        title=t("discriminator.before_after", before=b.step, k=ba["k"], after=a.step),
        lang=language())),
        key="disc_features")
    s = ba["shift"]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(tr(GL.label("real_moved")), f"{s['real_moved']:.3g}", help=tr(GL.help_text("real_moved")))
    m2.metric(tr(GL.label("fake_moved")), f"{s['fake_moved']:.3g}", help=tr(GL.help_text("fake_moved")))
    m3.metric(tr(GL.label("gap")), f"{s['gap_after']:.3g}", help=tr(GL.help_text("gap")),
              delta=f"{s['gap_after'] - s['gap_before']:+.3g}", delta_color="inverse")
    if "along_after" in s:
        m4.metric(tr(GL.label("gap_along")), f"{s['along_after']:.3g}", help=tr(GL.help_text("gap_along")),
                  delta=f"{s['along_after'] - s['along_before']:+.3g}", delta_color="inverse")


# --------------------------------------------------------------------------- DeLiGAN
def mixture_section(source) -> None:
    def compute(run):
        mu, sig = I.mixture_components(run)
        latent = run.eval_latent()
        z = latent.z.detach().cpu().numpy()
        return mu, sig, z[:, :2], plots.hex_colours(run.colours(latent))
    mu, sig, z, cols = memo(source, "mixture", (), compute)
    trails = st.session_state.setdefault("disc_trails", {})
    trail = trails.setdefault(source.model_id, {})
    trail[source.step()] = mu
    steps = sorted(trail)[-200:]
    st.plotly_chart(projector.styled(PD.mixture_figure(mu, sig, latents=z, latent_colours=cols,
                                      trails=[trail[s] for s in steps], lang=language())),
                    key="disc_mixture")
    explain(*_text("mixture"))


def main() -> None:
    st.title(t("discriminator.title"))
    st.caption(t("discriminator.intro"))
    source = model_source_ui()
    if source is None:
        return
    with st.sidebar:
        arrows = st.toggle(t("discriminator.arrows"), True, key="disc_arrows",
                           **KEPT)
        auto = source.live and st.toggle(t("discriminator.follow"), False,
                                         key="disc_follow")

    @st.fragment(run_every=2.0 if auto else None)
    def live_views():
        st.caption(status_line(source))
        st.subheader(t("discriminator.heatmap_heading"))
        heatmap_section(source, arrows)
        if source.call(I.has_mixture):
            st.subheader(t("discriminator.mixture_heading"))
            mixture_section(source)
    live_views()
    st.subheader(t("discriminator.features_heading"))
    feature_section(source)


from ui.session import through_app  # noqa: E402

through_app()  # a first visit through a shared link must still get app.py's menu
main()

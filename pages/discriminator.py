"""Discriminator inspector: D's opinion over the plane with G's pull on each fake, D's
2-D feature space before and after a generator step (the quadratic-curve tutorial's
plot), the Turing GAN's pair view, and the DeLiGAN mixture in latent space.
Widgets and layout only: the maths is gan_core.inspect / probes, the figures gan_core.plots.
"""
from __future__ import annotations

import streamlit as st

from gan_core import glossary as GL
from gan_core import inspect as I
from gan_core import plots, probes
from gan_core.plots import discriminator as PD
from ui.model_source import memo, model_source_ui
from ui.widgets import KEPT, explain

TEXT = {
    "heatmap": (
        "D's verdict on every place in the plane (green: looks real, purple: looks fake), with "
        "the real points in grey and G's points in their latent colours.",
        "The background is D evaluated on a grid over the plane: for losses with labels it is "
        "D's probability that a point is real; for Wasserstein-style critics it is the raw "
        "critic value (only differences matter). G's points sit where D currently thinks they "
        "look fake, and the training step moves them uphill on D's landscape. The optional "
        "**arrows** show exactly that: for each fake, the direction of −∇ₓ(G's loss), i.e. "
        "where G's next update would push that sample. Arrows converging on one mode foretell "
        "mode collapse; arrows that vanish mean D has saturated and G gets no signal."),
    "features": (
        "D's last hidden layer has 2 units, so every sample becomes a point in this plane: "
        "blue for real, orange for fake, light before and dark after a generator step.",
        "From the quadratic-curve GAN tutorial: D's body maps each sample to 2 features, and "
        "its final layer is just a line through this plane that separates real from fake. A "
        "generator step cannot move the real features (D's weights are fixed during G's "
        "step, and real data does not depend on G), so the light and dark blue clouds "
        "coincide exactly. The fake features move: G changes its samples so that D encodes "
        "them more like real ones, and the fake centroid (◆) steps towards the real centroid "
        "(×). The black arrow is that step.\n\n"
        "Precisely, a G step moves the fakes along the direction D's last layer scores as "
        "'more real'. That closes the gap when D is currently separating real from fake, "
        "which is why D first takes a few steps of its own (as in the tutorial, which "
        "alternates them). Near equilibrium D barely separates them and one step is tiny or "
        "noisy: that is also a lesson."),
    "pairs": (
        "The Turing critic judges pairs: this is what it sees, E(x_r) − E(x_f) for (real, "
        "fake) pairs, before and after a generator step.",
        "In T-GAN the critic T(x_r, x_f) = H(E(x_r) − E(x_f)) compares a real and a fake "
        "sample through an encoder E. When E has a 2-unit output, each pair is a point in this "
        "plane. If G were perfect, real and fake would be encoded alike and the pairs would "
        "gather symmetrically around 0 (the cross). A G step pulls the mean difference towards 0."),
    "mixture": (
        "DeLiGAN's learnable latent: each dot is a component's mean μ, each ellipse its 1σ "
        "spread, on top of latent samples in their colours.",
        "DeLiGAN replaces the single Gaussian latent with a mixture of N Gaussians whose means "
        "and spreads G learns (z = μᵢ + σᵢ·ε). Components drift to latent regions that G "
        "maps onto the data, and a penalty keeps σ from shrinking to zero. On a live run the "
        "grey trails show how each μ has moved since you opened this page."),
}


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
        st.info(f"No heatmap: {d['why']}. Real and generated points are shown without it.")
    fig = plots.samples_figure(d["real"], d["fake"], d["colours"], d["bounds"], field=d["field"],
                               arrows=d["arrows"], uirevision="disc_heat",
                               title="D over the plane" + (" · arrows: −∇ G-loss" if d["arrows"] else ""))
    st.plotly_chart(fig, key="disc_heatmap")
    explain(*TEXT["heatmap"])


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
        st.info(f"No feature-space view: {why}. Pick **Tutorial model** in the sidebar for a "
                "model built with the tutorial's 2-unit feature layer.")
        return
    c1, c2 = st.columns([1, 3])
    with c1:
        k, d_first, clicked = step_controls(source)
    if clicked:
        try:
            with st.spinner("Taking the generator step…"):
                st.session_state["disc_ba"] = take_g_steps(source, k, d_first)
        except Exception as err:
            st.error(f"Could not take the step: {err}")
    ba = st.session_state.get("disc_ba")
    if ba is not None and ba["model"] != source.model_id:
        ba = None
    now = None if ba is not None else memo(source, "features", (),
                                             lambda r: I.features(r, *I.fixed_batches(r)))
    with c2:
        if ba is None:
            st.plotly_chart(PD.feature_space_figure(now.real, now.fake,
                                                    title=f"D's feature space at step {now.step:,}"),
                            key="disc_features")
        else:
            before_after(ba)
    explain(*TEXT["features"])
    pairs = (ba["before"].pairs, ba["after"].pairs) if ba is not None else (now.pairs,)
    if pairs[0] is not None:
        st.subheader("T-GAN: the critic's view of pairs")
        st.plotly_chart(PD.pair_view_figure(*pairs), key="disc_pairs")
        explain(*TEXT["pairs"])


def step_controls(source) -> tuple[int, int, bool]:
    """(G steps, D steps first, whether the button to take them was clicked)."""
    k = st.number_input("G steps", 1, 200, 1, key="disc_k", **KEPT,
                        help="How many generator updates to take between before and after.")
    d_first = st.number_input("D steps first", 0, 200, 50, key="disc_dfirst", **KEPT,
                              help="Let D catch up with G before 'before' is captured, as the "
                                   "tutorial alternates D and G: then D separates real from "
                                   "fake and G's step visibly closes the gap.")
    if source.live and source.running():
        st.caption("The live run will be paused first.")
    if not source.live:
        st.caption("Steps are taken on a private copy; the original model is unchanged.")
    clicked = st.button("Take G step(s) and show before/after", key="disc_gstep", type="primary")
    return int(k), int(d_first), clicked


def before_after(ba: dict) -> None:
    b, a = ba["before"], ba["after"]
    st.plotly_chart(PD.feature_space_figure(
        b.real, b.fake, a.real, a.fake,
        title=f"before (step {b.step:,}) and after {ba['k']} G step(s) (step {a.step:,})"),
        key="disc_features")
    s = ba["shift"]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(GL.label("real_moved"), f"{s['real_moved']:.3g}", help=GL.help_text("real_moved"))
    m2.metric(GL.label("fake_moved"), f"{s['fake_moved']:.3g}", help=GL.help_text("fake_moved"))
    m3.metric(GL.label("gap"), f"{s['gap_after']:.3g}", help=GL.help_text("gap"),
              delta=f"{s['gap_after'] - s['gap_before']:+.3g}", delta_color="inverse")
    if "along_after" in s:
        m4.metric(GL.label("gap_along"), f"{s['along_after']:.3g}", help=GL.help_text("gap_along"),
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
    st.plotly_chart(PD.mixture_figure(mu, sig, latents=z, latent_colours=cols,
                                      trails=[trail[s] for s in steps]), key="disc_mixture")
    explain(*TEXT["mixture"])


def main() -> None:
    st.title("Discriminator inspector")
    st.caption("What the discriminator believes, how it encodes samples, and how one generator "
               "step changes that.")
    source = model_source_ui()
    if source is None:
        return
    with st.sidebar:
        arrows = st.toggle("Arrows: where G's loss pushes each fake", True, key="disc_arrows",
                           **KEPT)
        auto = source.live and st.toggle("Follow training (refresh every 2 s)", False,
                                         key="disc_follow")

    @st.fragment(run_every=2.0 if auto else None)
    def live_views():
        st.caption(f"step {source.step():,} · {source.state()}")
        st.subheader("D over the plane")
        heatmap_section(source, arrows)
        if source.call(I.has_mixture):
            st.subheader("DeLiGAN mixture components")
            mixture_section(source)
    live_views()
    st.subheader("D's feature space, before and after a G step")
    feature_section(source)


from ui.session import through_app  # noqa: E402

through_app()  # a first visit through a shared link must still get app.py's menu
main()

"""The teaching texts beside each view: one sentence, then more in an expander."""

INTRO = ("A generator G turns random latent numbers z into points; a discriminator D learns "
         "to tell G's points from the real ones, and G learns to fool it. Press **Train** and "
         "watch the coloured points (G's output) flow onto the grey ones (the target).")

VIEWS = {
    "samples": (
        "Grey: real points. Coloured: G(z), each coloured by where its z sits in latent space, "
        "so neighbours in z share a colour.",
        "The colour of a generated point encodes its latent z: hue follows the first latent "
        "coordinate and brightness the second (Lazarou's scheme; a categorical latent colours "
        "by category). A smooth rainbow means a smooth mapping. A sudden jump of colour marks a "
        "**tear**: G sends neighbouring latents to far-apart places. If every colour piles up on "
        "a few spots, G has **collapsed** onto a few modes.\n\n"
        "The background is D's opinion of each place (green: looks real, purple: looks fake); "
        "the arrows show where G's next step pushes each sample: downhill on G's loss, uphill "
        "on D's score. The star is the probe G(z) for the lever values below, and each coloured "
        "curve is where the probe would travel if you swept that one lever end to end."),
    "truemap": (
        "The ideal answer: the target's own latent → sample map, in the same colours.",
        "Some targets are defined by a map from a simple latent (the spiral bends a square of "
        "uniform noise along its arm). Drawn with the same colour scheme, it shows what a "
        "perfect, smooth mapping would look like. Your G does not have to find this map (many "
        "maps give the same points), but comparing the two shows where G folds or tears."),
    "latent": (
        "The latent points G receives, in the same colours: drag a box or lasso here to ring "
        "their images on the left, or select on the left to find their latents here.",
        "Only the first two latent dimensions are drawn. Select a patch of latent space and see "
        "where G sends it: a compact patch landing in two far-apart places is a tear; a large "
        "patch landing on one spot is collapse. Selection works both ways. Training redraws "
        "the views a few times a second, so pause to select comfortably."),
    "losses": (
        "D's and G's losses (left) and the size of their gradients (right) over training.",
        "GAN losses do not go steadily down: the two networks fight, so the curves see-saw. "
        "Warning signs: D's loss near zero with G's gradient vanishing (D wins outright and G "
        "stops learning), or gradients exploding before the run diverges. The gradient norms "
        "are on a log scale."),
    "detector": (
        "The mode-collapse detector measures the samples every few seconds and raises an alert, with "
        "one-click remedies, when a pattern persists.",
        "It compares G's samples with the target: how many modes (or regions) get their share "
        "(**modes captured**), how many samples sit within 3σ of a mode (**HQ**), and how much of "
        "the real data has a generated sample nearby (**coverage**). The thresholds are relative "
        "to what a perfect sampler scores, not to 100%. A remedy restarts the run with the "
        "suggested change, so you can see whether it helps."),
    "levers": (
        "One slider per latent dimension sets a probe z; the star on the samples view is G(z).",
        "This is the 2-D version of the article's lever animation. Each coloured curve traces "
        "G(z) as that one lever runs over its whole range with the others fixed: a short curve "
        "means the lever does little here, a long one means it moves the output a lot, and a "
        "curve that jumps crosses a tear."),
}

PRESS_TRAIN = ("**Press ▶ Train.** What you see now is an untrained generator: every latent "
               "lands near the same spot. Training will spread the colours over the grey target.")


def field_legend(probability: bool, score_label: str) -> str:
    """The D field's colour key, in words: the live chart has no colorbar. `probability`:
    D outputs P(real) (as probes.d_field decides, for variants with labels)."""
    if probability:
        return ("Background: D's verdict, purple where it says fake (D = 0), white at 0.5, "
                "green where it says real (D = 1).")
    return (f"Background: {score_label}, from purple (lowest on this view, looks "
            "fake) through white to green (highest, looks real); the scale is relative.")

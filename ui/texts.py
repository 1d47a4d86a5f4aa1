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

PRESS_TRAIN = ("**Press Train.** What you see now is an untrained generator: every latent "
               "lands near the same spot. Training will spread the colours over the grey target.")


def field_legend(probability: bool, score_label: str) -> str:
    """The D field's colour key, in words: the live chart has no colorbar. `probability`:
    D outputs P(real) (as probes.d_field decides, for variants with labels)."""
    if probability:
        return ("Background: D's verdict, purple where it says fake (D = 0), white at 0.5, "
                "green where it says real (D = 1).")
    return (f"Background: {score_label}, from purple (lowest on this view, looks "
            "fake) through white to green (highest, looks real); the scale is relative.")


# The Training timeline page's views.
TIMELINE = {
    "scrub": (
        "Drag the slider to any recorded step: every view below shows the run as it was then.",
        "While a run trains, the Trainer keeps a snapshot of G's output on a fixed set of "
        "latent points every few steps. To stay within memory on long runs it keeps at most "
        "300: when full it drops every other one and records half as often, so the frames "
        "always cover the whole run evenly. Because the latent points are fixed, each point "
        "keeps its colour across frames, and you can follow a latent region as it migrates, "
        "splits or collapses."),
    "samples": (
        "G's samples at this step, in their latent colours, over the real data in grey.",
        "This is the view the source article turns into its training movie. Early on, G "
        "squeezes every latent onto a small blob; then the blob stretches over the data. Watch "
        "for colours that jump between modes from one frame to the next (mode hopping) and "
        "for the whole rainbow piling onto one mode (collapse)."),
    "morph": (
        "The morph at this step: every point slides from its latent position to where G "
        "put it at this step.",
        "Same as on the Mapping inspector, but with G as it was at the chosen step. Compare an "
        "early step with a late one to see the map unfold."),
    "weights": (
        "G and D rebuilt from the weights saved at this step: the Mapping and Discriminator "
        "inspectors' views, as they were then.",
        "Besides the frames, the Trainer saves copies of all the weights (G, D and a learnable "
        "prior such as DeLiGAN's μ/σ) with the frames, every 50 steps at first. To bound "
        "memory it keeps at most 60 of these keyframes and at most 64 MB of them: when full "
        "it drops every other one and saves half as often, like the frames (the default spiral nets take "
        "~0.3 MB a keyframe, so 60 fit; very wide nets keep fewer). When you pick a step, "
        "the views below are rebuilt on a throwaway copy of the networks loaded with the "
        "nearest keyframe at or before that step; the live run is never touched. Frames are "
        "denser than keyframes, so the step the weights come from is written on each chart; "
        "when it differs from the chosen frame, the samples drawn here are G's at the "
        "keyframe, so they match the D and grid shown with them."),
    "heatmap": (
        "D's verdict over the plane at that step (green: real, purple: fake), with G's "
        "samples then and the direction G's loss pushed each of them.",
        "The same view as on the Discriminator inspector. Scrub from early to late to see D "
        "sharpen around the data, and G's arrows chase D's landscape; a D that saturates "
        "(a flat field, vanishing arrows) shows up as a moment, not just as a loss curve."),
    "warp": (
        "The latent grid pushed through G as it was at that step, torn cells in red; on the "
        "right, the same stretch in latent space.",
        "The same views as on the Mapping inspector, at the chosen step. Early on the sheet "
        "is crumpled into a small blob; later it unfolds over the data, and tears open where "
        "G has to jump between arms or modes. Watch when a tear first appears."),
    "features": (
        "D's 2-unit feature layer at that step: real samples (blue) and fake ones (orange), "
        "with their centroids.",
        "From the quadratic-curve tutorial (pick the preset 'Quadratic tutorial (2-D D "
        "features)' on the Playground). Over training, D's feature map changes and the fake "
        "cloud closes in on the real one. For the before/after of a single G step, use the "
        "Discriminator inspector."),
    "curves": (
        "Losses, gradient norms and the detector's measurements over training; the dashed "
        "line marks the chosen step.",
        "Use these to find an interesting moment - a loss spike, a drop in modes captured - "
        "then scrub to it and look at the samples. The detector's metrics are recorded about "
        "once a second, so they appear on some frames only."),
    "export": (
        "Download the run: a GIF or MP4 movie of the samples over training (20 fps), a "
        "standalone interactive HTML, a PNG of this frame, or the samples as CSV.",
        "Everything is built in memory when you press a button and handed to your browser; "
        "nothing is written on the server. The movie has one frame per recorded snapshot. "
        "The HTML file contains the Plotly library itself, so it opens offline with a play "
        "button and a step slider. Every chart on every page also has a camera icon in its "
        "toolbar (top right, on hover) that saves that chart as a PNG."),
}

"""The detector fires on hand-made failures, stays quiet on a perfect sampler, and only
offers remedies that are real, new, valid config changes."""
import math

import numpy as np
import pytest
import torch

from gan_core.config import Config
from gan_core.detector import Detector, Remedy, arm_curve
from gan_core.distributions import spiral_map
from gan_core.targets import get_target

E8 = get_target("eight_gaussians")
OK_LOSSES, OK_GRADS = {"d_loss": 1.3, "g_loss": 0.8}, {"d": 1.0, "g": 1.0}
N = 1000


def real(target, seed, n=N):
    return target.sample(n, torch.Generator().manual_seed(seed))[0].numpy()


def one_mode(seed, k=0, n=N):
    rng = np.random.default_rng(seed)
    return E8.mode_centers[k] + 0.2 * rng.standard_normal((n, 2))


def run(det, sets, start=1000, every=100, losses=OK_LOSSES, grads=OK_GRADS):
    """Evaluate each set in turn; return the list of alert kinds after each call."""
    return [[a.kind for a in det.evaluate(start + i * every, s, losses, grads)]
            for i, s in enumerate(sets)]


@pytest.fixture
def det():
    return Detector(E8, Config())


def test_perfect_sampler_raises_nothing(det):
    kinds = run(det, [real(E8, s) for s in range(6)])
    assert kinds == [[]] * 6
    row = det.history[-1]
    assert row["captured"] == 8 and 0.97 < row["hq"] < 1.0  # ~98.9%, and that is fine
    assert "floor_sliced_w" in row and len(row["hist"]) == 8


def test_single_mode_collapse_fires_after_patience(det):
    kinds = run(det, [one_mode(s) for s in range(5)])
    assert det.th.collapse_patience == 2
    assert [("collapse" in k) for k in kinds] == [False, True, True, True, True]
    alert = next(a for a in det.alerts if a.kind == "collapse")
    assert alert.severity == "warning" and alert.title.startswith("Mode collapse") and "1 of 8" in alert.title
    assert alert.remedies and all(isinstance(r, Remedy) for r in alert.remedies)
    for r in alert.remedies:
        Config().replace(**r.changes)  # every remedy is a real Config change


def test_no_alert_during_warmup(det):
    kinds = run(det, [one_mode(s) for s in range(5)], start=0, every=50)
    assert all("collapse" not in k for k in kinds)


def test_half_the_modes_is_collapse(det):
    rng = np.random.default_rng(0)
    half = [E8.mode_centers[rng.integers(0, 4, N)] + 0.2 * rng.standard_normal((N, 2)) for _ in range(3)]
    assert "collapse" in run(det, half)[-1]


def modes(weights, seed, n=N, blur=0.2):
    """n points over E8's modes with the given mode weights (normalised), mode sigma `blur`."""
    rng = np.random.default_rng(seed)
    k = rng.choice(8, n, p=np.asarray(weights, float) / np.sum(weights))
    return E8.mode_centers[k] + blur * rng.standard_normal((n, 2))


def test_one_missing_mode_is_partial_collapse(det):
    kinds = run(det, [modes([1] * 7 + [0], s) for s in range(3)])
    assert "collapse" in kinds[-1]
    assert det.history[-1]["captured"] == 7
    alert = next(a for a in det.alerts if a.kind == "collapse")
    assert alert.title == "Partial mode collapse: 7 of 8 modes covered"


def test_an_underweight_mode_is_not_missing(det):
    # 40% of its fair share is uneven, not missing (a mode counts from 10%).
    kinds = run(det, [modes([1] * 7 + [0.4], s) for s in range(4)])
    assert all("collapse" not in k and "mode_hopping" not in k for k in kinds)
    assert det.history[-1]["captured"] == 8


def test_a_missing_mode_for_one_check_is_not_collapse(det):
    sets = [real(E8, 0), modes([1] * 7 + [0], 1), real(E8, 2), real(E8, 3), modes([1] * 7 + [0], 4)]
    assert all("collapse" not in k for k in run(det, sets))


def test_collapse_flashing_full_cover_for_one_check_still_counts(det):
    # 2 of the last 3 checks, this one included: one full-cover check between two
    # collapsed ones does not restart the count, and a recovered run is quiet at once.
    sets = [one_mode(0), real(E8, 1), one_mode(2), real(E8, 3), real(E8, 4)]
    assert [("collapse" in k) for k in run(det, sets)] == [False, False, True, False, False]


def test_blurred_ring_crowding_on_two_modes_is_collapse():
    # ring8 (sigma 0.02): a blurry ring whose few sharp samples all sit on two modes.
    ring = get_target("ring8")
    det = Detector(ring, Config(target="ring8"))
    sets = []
    for s in range(3):
        rng = np.random.default_rng(s)
        ang = rng.uniform(0, 2 * np.pi, N)
        x = np.stack([np.cos(ang), np.sin(ang)], 1) * (2 + 0.3 * rng.standard_normal((N, 1)))
        x[:150] = ring.mode_centers[rng.integers(0, 2, 150)] + 0.02 * rng.standard_normal((150, 2))
        sets.append(x)
    kinds = run(det, sets)[-1]
    row = det.history[-1]
    assert row["hq"] < 0.5 * det.ref.real_stats["hq"]  # not "on target": only the crowding tells
    assert "collapse" in kinds and "off_target" in kinds
    # beside a collapse, the blur alert does not say "this is not collapse"
    why = next(a for a in det.alerts if a.kind == "off_target").explanation
    assert "not collapse" not in why and "misses much of the target" in why


def test_few_sharp_samples_of_a_blur_are_not_crowded():
    # A blur over grid25 leaves ~40 of 1,000 samples within 3 sigma of a mode. Spread over
    # 25 modes by chance their histogram's KL to uniform is ~0.3 (chance level 24/80):
    # judged raw that looks crowded; above chance it is not.
    grid = get_target("grid25")
    det = Detector(grid, Config(target="grid25"))
    sets = [real(grid, s) + 0.5 * np.random.default_rng(s).standard_normal((N, 2)) for s in range(4)]
    kinds = run(det, sets)
    assert all("collapse" not in k for k in kinds) and "off_target" in kinds[-1]
    row = det.history[-1]
    assert 0.03 <= row["hq"] < 0.06 and row["reverse_kl"] > det.th.crowded_kl


def test_excess_kl_is_zero_on_average_for_uniform_draws():
    from gan_core.detector import excess_kl
    from gan_core.metrics import reverse_kl
    rng = np.random.default_rng(0)
    for k, n in ((8, 60), (25, 60), (25, 400)):
        ex = [excess_kl(reverse_kl(np.bincount(rng.integers(0, k, n), minlength=k)), n, k)
              for _ in range(400)]
        assert abs(np.mean(ex)) < 0.25 * (k - 1) / (2 * n)
    assert excess_kl(math.log(8), 1000, 8) == pytest.approx(math.log(8) - 7 / 2000)  # one mode
    assert excess_kl(math.nan, 0, 8) == 0.0


def test_remedies_already_applied_are_skipped():
    cfg = Config(variant="wgan_gp", minibatch_std=True, pack=2, spectral_norm=True)
    det = Detector(E8, cfg)
    run(det, [one_mode(s) for s in range(3)])
    alert = next(a for a in det.alerts if a.kind == "collapse")
    changes = [r.changes for r in alert.remedies]
    assert not any(c.get("variant") == "wgan_gp" or "minibatch_std" in c or "pack" in c
                   or "spectral_norm" in c for c in changes)


def test_mode_hopping_between_single_modes(det):
    kinds = run(det, [one_mode(s, k=(0, 4)[s % 2]) for s in range(5)])
    assert "mode_hopping" in kinds[-1] and "mode_hopping" not in kinds[1]
    assert det.history[-1]["js_prev"] > 0.9


def test_discriminator_wins_and_wgan_is_exempt():
    losses, grads = {"d_loss": 1e-3, "g_loss": 0.0}, {"d": 0.1, "g": 1e-6}
    sets = [real(E8, s) for s in range(3)]
    assert "discriminator_wins" in run(Detector(E8, Config()), sets, losses=losses, grads=grads)[-1]
    saturated = {"d_loss": 1e-3, "g_loss": 9.0}
    assert "discriminator_wins" in run(Detector(E8, Config()), sets, losses=saturated)[-1]
    wgan = Detector(E8, Config(variant="wgan_gp"))
    assert "discriminator_wins" not in run(wgan, sets, losses=losses, grads=grads)[-1]


def test_diverged_is_immediate(det):
    alerts = det.evaluate(10, real(E8, 0), {"d_loss": math.nan, "g_loss": 1.0}, OK_GRADS)
    assert [a.kind for a in alerts] == ["diverged"] and alerts[0].severity == "error"
    assert "d_loss" in alerts[0].explanation
    bad = real(E8, 1)
    bad[3] = np.inf
    assert det.evaluate(20, bad, OK_LOSSES, OK_GRADS)[0].kind == "diverged"


def test_blur_and_junk_are_off_target_not_collapse(det):
    rng = np.random.default_rng(0)
    blurred = [real(E8, s) + 0.4 * rng.standard_normal((N, 2)) for s in range(3)]
    kinds = run(det, blurred)[-1]
    assert "off_target" in kinds and "collapse" not in kinds
    alert = next(a for a in det.alerts if a.kind == "off_target")
    assert alert.severity == "info"  # below 100% HQ is never called a failure
    assert "This is not collapse" in alert.explanation  # every mode is reached, blurred
    junk = Detector(E8, Config())
    sets = []
    for s in range(3):
        x = real(E8, s)
        x[:20] = rng.uniform(-3, 3, (20, 2))  # 2% uniform junk
        sets.append(x)
    assert run(junk, sets)[-1] == ["off_target"]


def test_thin_or_torn_needs_a_generator_and_fires_on_tears():
    spiral = get_target("spiral")
    cfg = Config(target="spiral", prior="uniform")

    def thin(z):  # the true spiral map with the across-arm lever switched off
        return spiral_map(torch.stack([z[:, 0], 0.05 * z[:, 1]], 1))

    z = torch.rand(N, 2, generator=torch.Generator().manual_seed(0)) * 2 - 1
    det = Detector(spiral, cfg)
    fake = thin(z).numpy()
    assert all("thin_or_torn" not in a.kind for a in det.evaluate(1000, fake, OK_LOSSES, OK_GRADS))
    assert det.history[-1]["width_ratio"] < 0.2
    alerts = det.evaluate(1100, fake, OK_LOSSES, OK_GRADS, generator=thin)
    torn = next(a for a in alerts if a.kind == "thin_or_torn")
    assert torn.severity == "warning" and "wide" in torn.explanation
    good = Detector(spiral, cfg)
    alerts = good.evaluate(1000, spiral_map(z).numpy(), OK_LOSSES, OK_GRADS, generator=spiral_map)
    assert "thin_or_torn" not in [a.kind for a in alerts]
    assert good.history[-1]["tear_score"] < 0.03


def test_history_is_bounded_and_eval_every_skips():
    det = Detector(E8, Config(), history_size=3, eval_every=100)
    for step in range(1000, 1600, 50):
        det.evaluate(step, real(E8, step), OK_LOSSES, OK_GRADS)
    assert len(det.history) == 3
    assert [r["step"] for r in det.history] == [1300, 1400, 1500]


def test_region_target_collapse():
    spiral = get_target("spiral")
    det = Detector(spiral, Config(target="spiral"))
    x = real(spiral, 0)
    blob = [x[np.argsort(x[:, 0])[:50]][np.random.default_rng(s).integers(0, 50, N)] for s in range(3)]
    assert "collapse" in run(det, blob)[-1]
    assert run(Detector(spiral, Config(target="spiral")), [real(spiral, s) for s in range(3)])[-1] == []


def test_a_thin_target_slightly_blurred_is_off_target_not_collapse():
    # quadratic: every region covered evenly, but the fakes sit a hair beside the curve,
    # so PRDC coverage is low from blur alone. That once raised "collapse: 16 of 16 covered".
    quad = get_target("quadratic")
    det = Detector(quad, Config(target="quadratic"))
    blur = 0.08 * np.array(quad.scale_xy)
    rng = np.random.default_rng(0)
    kinds = run(det, [real(quad, s) + blur * rng.standard_normal((N, 2)) for s in range(3)])[-1]
    assert "collapse" not in kinds and "off_target" in kinds
    assert det.history[-1]["captured"] == det.history[-1]["n_modes"]
    why = next(a for a in det.alerts if a.kind == "off_target").explanation
    assert "PRDC precision" in why


def test_arm_curve_only_for_the_spiral():
    assert arm_curve(E8) is None
    assert arm_curve(get_target("spiral")).shape == (4000, 2)


def test_detector_plugs_into_the_trainer():
    from engine_helpers import tiny_config
    from gan_core.trainer import Trainer
    trainer = Trainer(tiny_config(eval_size=256), detector=Detector.for_run, detector_interval=0.0,
                      max_steps=3)
    try:
        trainer.start()
        trainer.wait_steps(3, timeout=30)
        trainer.pause()
        snap = trainer.latest()
    finally:
        trainer.stop()
    assert snap.step >= 1 and "detector_error" not in snap.metrics
    assert "hq" in snap.metrics and "floor_mmd" in snap.metrics
    assert isinstance(snap.alerts, list)


def test_a_row_probe_gets_a_detector_row_every_so_many_steps():
    """However fast a run trains, `detect_every_steps` spaces detector rows by steps, and
    `row_probe` is measured into each row by the training thread; a probe that raises is
    recorded on the row and training goes on."""
    from engine_helpers import tiny_config
    from gan_core.trainer import Trainer
    trainer = Trainer(tiny_config(eval_size=256), detector=Detector.for_run,
                      detector_interval=3600.0, max_steps=400)
    calls = []

    def probe(run, row):
        calls.append(run.step_count)
        if len(calls) == 2:
            raise ValueError("a broken probe")
        return {"probe_step": float(run.step_count)}
    trainer.row_probe, trainer.detect_every_steps = probe, 50
    try:
        trainer.start()
        trainer.wait_steps(400, timeout=60)
        trainer.pause()
        rows = list(trainer.detector.history)
    finally:
        trainer.stop()
    assert len(rows) >= 5, [r["step"] for r in rows]  # one an hour without the step rule
    assert all(r.get("probe_step") == r["step"] for r in rows if "probe_error" not in r)
    assert sum("probe_error" in r for r in rows) == 1
    assert calls == [r["step"] for r in rows]


# --------------------------------------------------------------------------- verdicts
def states(det, sets, start=1000, every=100):
    """Evaluate each set in turn; the verdict state after each check. Green (tone "good")
    must go with "healthy" and nothing else, whatever the case."""
    out = []
    for i, s in enumerate(sets):
        det.evaluate(start + i * every, s, OK_LOSSES, OK_GRADS)
        v = det.verdict
        assert (v.tone == "good") == (v.state == "healthy"), v
        out.append(v.state)
    return out


def blurred(sigma, seed, n=N):
    """All 8 modes evenly, each a gaussian of std `sigma` (the real one is 0.2): HQ falls as
    sigma grows (0.3 -> 86%, 0.5 -> 51%) while every mode stays captured."""
    return modes([1] * 8, seed, n, blur=sigma)


def quiet(target, cfg=None):
    """A detector whose collapse and hopping alerts never fire: the verdict alone must
    then keep a below-floor run from looking healthy."""
    from gan_core.detector import Thresholds
    th = Thresholds(collapse_patience=10 ** 6, hop_patience=10 ** 6)
    return Detector(target, cfg or Config(target=target.name), thresholds=th)


def test_a_fresh_run_is_too_early_to_judge(det):
    assert det.verdict.state == "too_early"  # before any check
    assert states(det, [real(E8, s) for s in range(3)], start=0, every=200) == ["too_early"] * 3
    # after warm-up (500 steps) the first check is still too early; the second judges
    assert states(det, [real(E8, 5), real(E8, 6)], start=800) == ["too_early", "healthy"]
    v = Detector(E8, Config()).verdict
    assert v.tone == "neutral" and "modes captured >= 8" in v.text and "HQ" in v.text


def test_healthy_needs_the_floor_on_the_last_checks(det):
    kinds = states(det, [real(E8, s) for s in range(3)])
    assert kinds == ["too_early", "healthy", "healthy"]
    assert det.floor.passes(det.history[-1]) and det.verdict.progress == 1.0
    assert "modes captured 8 of 8" in det.verdict.text
    # one good check after a blurred one is not enough (healthy_patience = 2), and a good
    # run that blurs stops being healthy at once
    again = Detector(E8, Config())
    assert states(again, [blurred(0.4, 0), blurred(0.4, 1), real(E8, 2), real(E8, 3), blurred(0.4, 4)]) == [
        "too_early", "learning", "learning", "healthy", "learning"]


def test_below_floor_and_improving_is_learning():
    det = Detector(E8, Config())
    sigmas = np.linspace(0.5, 0.31, 10)  # HQ ~51% -> ~85%: better every check, never at 90%
    kinds = states(det, [blurred(s, i) for i, s in enumerate(sigmas)])
    assert kinds == ["too_early"] + ["learning"] * 9
    assert not det.floor.passes(det.history[-1])
    v = det.verdict
    assert v.tone == "neutral" and "HQ (within 3σ of a mode) >= 90% (got" in v.text
    assert "in the last 6 checks" in v.text and 0.5 < v.progress < 1.0


def test_below_floor_and_not_improving_is_stalled():
    det = Detector(E8, Config())
    same = blurred(0.35, 0)  # HQ ~77% at every check
    kinds = states(det, [same] * 9)
    w = det.th.stall_checks
    # judged from the 2nd check; stalled once w checks have brought nothing better
    assert kinds == ["too_early"] + ["learning"] * (w - 1) + ["stalled"] * (9 - w)
    v = det.verdict
    assert v.tone == "warning" and "Stalled" in v.title and "HQ" in v.text
    # a real improvement after the stall is learning again
    assert states(det, [real(E8, 9)]) == ["learning"]


@pytest.mark.parametrize("name", sorted(__import__("gan_core.distributions", fromlist=["TARGETS"]).TARGETS))
def test_never_healthy_below_the_floor_on_any_target(name):
    target = get_target(name)
    x = real(target, 0, 4 * N)
    centre = x[0]
    near = x[np.argsort(((x - centre) ** 2).sum(1))[: len(x) // 40]]  # one small piece of it
    collapsed = [near[np.random.default_rng(s).integers(0, len(near), N)] for s in range(4)]
    det = quiet(target)
    kinds = states(det, collapsed)
    assert not det.floor.passes(det.history[-1])
    assert "healthy" not in kinds and kinds[-1] in ("learning", "stalled")
    assert det.verdict.text.count("(got") >= 1  # says which check fails, with the number


@pytest.mark.parametrize("name", sorted(__import__("gan_core.distributions", fromlist=["TARGETS"]).TARGETS))
def test_a_perfect_sampler_is_healthy_on_every_target(name):
    # 2,000 samples, the app's eval batch: the floor is within reach of real data
    target = get_target(name)
    det = Detector(target, Config(target=name))
    assert states(det, [real(target, s, 2000) for s in range(2)]) == ["too_early", "healthy"]


def test_alerts_take_over_the_verdict(det):
    kinds = states(det, [real(E8, 0), real(E8, 1), one_mode(2), one_mode(3)])
    assert kinds == ["too_early", "healthy", "learning", "alert"]  # collapse: 2 checks of 3
    assert det.verdict.tone == "warning" and det.verdict.title.startswith("Mode collapse")
    det.evaluate(1500, real(E8, 4), {"d_loss": math.nan, "g_loss": 1.0}, OK_GRADS)
    assert det.verdict.state == "alert" and det.verdict.tone == "error"
    det.reset()
    assert det.verdict.state == "too_early"


def test_custom_target_says_what_can_be_judged():
    from gan_core.distributions import custom_target
    rng = np.random.default_rng(0)
    pts = np.concatenate([rng.normal((-3, 0), 0.5, (3000, 2)), rng.normal((3, 1), 0.3, (3000, 2))])
    target = custom_target(pts)
    det = Detector(target, Config(target="custom"))
    scope = det.verdict.scope
    assert "PRDC coverage >= 0.8" in scope and "your uploaded points" in scope
    assert "no modes to count" in scope and "no true map" in scope
    fake = [pts[rng.integers(0, len(pts), 2000)] for _ in range(2)]
    assert states(det, fake) == ["too_early", "healthy"]
    half = [pts[:3000][rng.integers(0, 3000, 2000)] for _ in range(3)]  # one blob of two
    assert "healthy" not in states(quiet(target, Config(target="custom")), half)


def test_a_torn_map_on_uploaded_points_is_a_note_not_a_warning():
    # Two blobs need a tear; nothing tells the detector the user's data does not.
    from gan_core.distributions import custom_target
    rng = np.random.default_rng(0)
    pts = np.concatenate([rng.normal((-3, 0), 0.3, (3000, 2)), rng.normal((3, 0), 0.3, (3000, 2))])
    target = custom_target(pts)

    def torn(z):  # (N, 2) -> (N, 2): the sign of z0 picks the blob
        return torch.stack([3 * torch.tanh(20 * z[:, 0]) + 0.3 * z[:, 0], 0.3 * z[:, 1]], 1)

    z = torch.randn(2000, 2, generator=torch.Generator().manual_seed(0))
    det = Detector(target, Config(target="custom"))
    alerts = [det.evaluate(1000 + 100 * i, torn(z).numpy(), OK_LOSSES, OK_GRADS, generator=torn)
              for i in range(2)][-1]
    tear = next(a for a in alerts if a.kind == "thin_or_torn")
    assert tear.severity == "info" and det.verdict.state != "alert"


def test_cyclegan2d_verdict_judges_where_the_map_lands():
    from gan_core.variants import config_for
    cfg = config_for("cyclegan2d", target="spiral", target_b="ring8")
    ring = get_target("ring8")  # the detector sees target B: run.out_target
    det = Detector(ring, cfg)
    scope = det.verdict.scope
    assert "cyclegan2d has no latent" in scope and "points of spiral onto ring8" in scope
    assert "no true spiral->ring8 map" in scope and "modes captured >= 8" in scope
    assert states(det, [real(ring, s) for s in range(2)]) == ["too_early", "healthy"]
    spiral = Detector(get_target("spiral"), Config(target="spiral"))
    assert "no latent" not in spiral.verdict.scope and "no modes to count" in spiral.verdict.scope


@pytest.mark.parametrize("variant", ["wgan", "wgan_gp", "twgan", "hinge"])
def test_unbounded_critics_never_raise_discriminator_wins(variant):
    # Their G loss is D's raw score: D's loss near 0 does not starve G of gradient.
    from gan_core.variants import VARIANTS, config_for
    assert {n for n, v in VARIANTS.items() if v.critic_unbounded} == {"wgan", "wgan_gp", "twgan", "hinge"}
    losses, grads = {"d_loss": 1e-3, "g_loss": 9.0}, {"d": 0.1, "g": 1e-6}
    sets = [real(E8, s) for s in range(3)]
    det = Detector(E8, config_for(variant))
    assert "discriminator_wins" not in run(det, sets, losses=losses, grads=grads)[-1]
    assert "discriminator_wins" in run(Detector(E8, Config()), sets, losses=losses, grads=grads)[-1]


def _offers(cfg):
    """Every distinct change set the detector's alerts could offer a run with `cfg`."""
    from gan_core.detector import REMEDY_OPTIONS, offered_remedies
    seen = {}
    for kind in REMEDY_OPTIONS:
        for remedy in offered_remedies(kind, cfg):
            seen.setdefault(repr(sorted(remedy.changes.items())), remedy)
    return list(seen.values())


@pytest.mark.parametrize("name", sorted(__import__("gan_core.variants", fromlist=["VARIANTS"]).VARIANTS))
def test_every_offered_remedy_builds_a_run_of_that_variant(name):
    """The remedy list reads the variants' declared capabilities: whatever it offers,
    applied to a run of any variant (smoothing its labels or not), trains."""
    from engine_helpers import tiny_config
    from gan_core.run import Run
    from gan_core.variants import VARIANTS
    base = tiny_config(name)
    configs = [base] + ([base.replace(label_smoothing=0.05)] if VARIANTS[name].uses_labels else [])
    for cfg in configs:
        offers = _offers(cfg)
        assert offers
        for remedy in offers:
            run = Run(cfg.replace(**remedy.changes))
            for _ in range(2):
                out = run.step()
            assert all(math.isfinite(v) for v in out.values()), (remedy.label, out)


def test_capabilities_decide_the_refused_remedies():
    from gan_core.variants import config_for
    labels = {r.label for r in _offers(config_for("wgan_gp"))}
    assert not any("Label smoothing" in label for label in labels)
    assert any("Label smoothing" in label for label in {r.label for r in _offers(config_for("nsgan"))})
    cycle = {r.label for r in _offers(config_for("cyclegan2d"))}
    assert not any("Mixture latent" in label for label in cycle)
    # a switch to WGAN-GP drops the label smoothing its loss cannot take
    switch = [r for r in _offers(config_for("nsgan", label_smoothing=0.1))
              if r.changes.get("variant") == "wgan_gp"]
    assert switch and all(r.changes["label_smoothing"] == 0.0 for r in switch)

"""Lessons as data and the pure claim evaluation (gan_core.lessons): every claim can hold
and can miss, on rows built by hand; the probes on tiny runs; every text key exists."""
from __future__ import annotations

import pytest
import torch

from gan_core import i18n
from gan_core import lesson_probes as LP
from gan_core import lessons as LS
from gan_core.quality import Check

CLAIM = LS.Claim("c", (Check("captured", "<", 8),), by_step=1000, after=200, streak=2)


def _rows(values, metric="captured", every=100):
    return [{"step": every * (i + 1), metric: v} for i, v in enumerate(values)]


def test_a_claim_holds_at_the_first_step_of_its_streak_end():
    rows = _rows([8, 5, 8, 5, 4, 8])  # steps 100..600; 200 (5) is alone, 400-500 a streak
    out = LS.outcome(CLAIM, rows, step=600)
    assert (out.state, out.step) == (LS.HELD, 500)


def test_rows_before_after_do_not_count():
    rows = _rows([5, 8, 8, 8])  # the only pass is at step 100, before `after`
    assert LS.outcome(CLAIM, rows, step=400).state == LS.PENDING


def test_a_claim_is_pending_before_its_deadline_and_missed_after_it():
    rows = _rows([8] * 10)
    assert LS.outcome(CLAIM, rows[:5], step=500).state == LS.PENDING
    out = LS.outcome(CLAIM, rows, step=1000)
    assert (out.state, out.step) == (LS.MISSED, 1000)
    assert out.last == {"captured": 8}


def test_a_pass_after_the_deadline_is_still_a_miss():
    rows = _rows([8] * 10 + [3, 3])
    assert LS.outcome(CLAIM, rows, step=1200).state == LS.MISSED


def test_a_missing_metric_never_passes():
    rows = [{"step": 300}, {"step": 400}]
    assert LS.outcome(CLAIM, rows, step=1000).state == LS.MISSED


def test_paired_rows_match_by_step_and_give_gains():
    rows = [{"step": 1000, "captured": 8}, {"step": 2000, "captured": 7}, {"step": 9000, "captured": 8}]
    base = [{"step": 1010, "captured": 3}, {"step": 2000, "captured": 7}]
    paired = LS.paired_rows(rows, base)
    assert [r["step"] for r in paired] == [1000, 2000]  # 9000 has no baseline row near it
    assert paired[0]["gain_captured"] == 5 and paired[0]["base_captured"] == 3
    assert paired[1]["gain_captured"] == 0


def test_a_paired_claim_waits_for_the_baseline_and_can_miss():
    lesson = LS.LESSONS["relativistic"]
    claim = lesson.claims[0]
    rows = _rows([6] * 40, every=100)
    assert LS.outcomes(lesson, rows, 4000) == [None]
    better = LS.outcomes(lesson, rows, 4000, _rows([2] * 40, every=100), 4000)[0]
    assert better.state == LS.HELD and better.step == claim.after
    same = LS.outcomes(lesson, rows, 4000, _rows([6] * 40, every=100), 4000)[0]
    assert same.state == LS.MISSED


def _row_for(claim: LS.Claim, passing: bool) -> dict:
    """A row on which every check of `claim` passes (or every one fails), by its own checks."""
    row = {}
    for c in claim.checks:
        nudge = 1.0 if c.op in (">", ">=") else -1.0
        row[c.metric] = c.value + (nudge if passing else -nudge)
    return row


@pytest.mark.parametrize("lid,cid", [(lesson.id, c.id) for lesson in LS.LESSONS.values()
                                     for c in lesson.claims])
def test_every_shipped_claim_can_hold_and_can_miss(lid, cid):
    claim = next(c for c in LS.LESSONS[lid].claims if c.id == cid)
    steps = range(claim.after, claim.by_step + 1, 250)
    good = [{"step": s, **_row_for(claim, True)} for s in steps]
    bad = [{"step": s, **_row_for(claim, False)} for s in steps]
    assert LS.outcome(claim, good, claim.by_step).state == LS.HELD
    assert LS.outcome(claim, bad, claim.by_step).state == LS.MISSED


@pytest.mark.parametrize("lang", sorted(i18n.LANGUAGES))
def test_every_lesson_text_exists(lang):
    for lesson in LS.LESSONS.values():
        parts = ["title", "text", "watch"] + (["baseline"] if lesson.baseline else [])
        parts += [p for c in lesson.claims for p in (c.id, f"{c.id}.try")]
        for part in parts:
            assert i18n.text(lesson.key(part), lang).strip()


def test_every_lesson_builds_its_configs_and_probes_exist():
    for lesson in LS.LESSONS.values():
        assert lesson.config(seed=3).seed == 3
        if lesson.baseline:
            base = lesson.baseline_config(seed=3)
            assert all(getattr(base, k) == v for k, v in lesson.baseline.items())
        assert set(lesson.probes) <= set(LP.PROBES)


def test_alert_flags_mark_only_raised_kinds():
    class A:
        kind = "collapse"
    flags = LP.alert_flags([A()])
    assert flags["alert_collapse"] == 1.0 and flags["alert_off_target"] == 0.0
    assert "alert_collapse" not in LP.lesson_row(LS.LESSONS["collapse"], None, {"step": 5})


def test_a_row_probed_when_it_was_made_is_not_probed_again():
    lesson = LS.LESSONS["features"]
    made = {"step": 500, "probed": 1.0, "gap_closed": 0.25, "real_moved": 0.0}
    assert LP.lesson_row(lesson, None, made) == made  # run None: a probe would raise
    with pytest.raises(AttributeError):
        LP.lesson_row(lesson, None, {"step": 500})


def _tiny_run(lesson_id: str, steps: int = 30, **over):
    from gan_core.run import Run
    cfg = LS.LESSONS[lesson_id].config(seed=0, **over)
    run = Run(cfg, device=torch.device("cpu"))
    for _ in range(steps):
        run.step()
    return run


def test_g_step_probe_leaves_real_features_still_even_under_no_grad():
    run = _tiny_run("features")
    with torch.no_grad():  # as Trainer.with_models calls it
        got = LP.g_step(run, {})
    assert got["real_moved"] == 0.0
    assert got["fake_moved"] > 0.0
    assert run.step_count == 30  # the step was taken on a copy


def test_condition_probe_sees_an_untrained_cgan_miss_its_modes():
    got = LP.condition(_tiny_run("conditional", steps=1), {})
    assert got["cond_hits"] < 0.5  # a random G does not put class c on mode c


def test_codes_probe_is_low_when_g_ignores_the_code():
    run = _tiny_run("infogan", steps=1)
    with torch.no_grad():  # G that drops the code: zero the one-hot's input weights
        for g in (run.nets.G, run.nets.extra["G_ema"]):  # what is shown is the average
            first = next(m for m in g.modules() if isinstance(m, torch.nn.Linear))
            first.weight[:, run.cfg.latent_dim:] = 0.0
    assert LP.codes(run, {})["code_alignment"] < 0.2


def test_true_map_probe_compares_with_the_true_map():
    got = LP.true_map(_tiny_run("mappings", steps=1), {"tear_score": 0.1, "fold_share": 0.3})
    assert got["true_fold_share"] == 0.0 and got["fold_excess"] == pytest.approx(0.3)


def test_the_panel_judges_each_role_on_its_own_rows():
    from ui import lessons as UL
    lesson = LS.LESSONS["relativistic"]
    main = _rows([7] * 16, every=250)  # RSGAN kept 7 modes to step 4,000
    base = _rows([3] * 8, every=250)  # NS-GAN, shown now, at step 2,000 so far
    outs = UL.role_outcomes(lesson, {UL.MAIN: main, UL.BASE: base}, 2000, UL.BASE)
    assert outs[0].state == LS.HELD and outs[0].step == 1000
    same = UL.role_outcomes(lesson, {UL.MAIN: main, UL.BASE: _rows([7] * 8, every=250)}, 2000,
                            UL.BASE)
    assert same[0].state == LS.PENDING  # the baseline has not reached the deadline yet
    assert UL.role_outcomes(lesson, {UL.MAIN: main}, 4000, UL.MAIN) == [None]


def test_claim_lines_say_held_pending_missed_and_what_to_try():
    from ui import lessons as UL
    lesson = LS.LESSONS["collapse"]
    claim = lesson.claims[0]
    held = UL.claim_line(lesson, claim, LS.Outcome(LS.HELD, 1250, {}))
    assert "seen at step 1,250: " + i18n.text(lesson.key("fewer")) in held
    missed = UL.claim_line(lesson, claim, LS.Outcome(LS.MISSED, 3000, {}))
    assert "not seen by step 3,000" in missed and i18n.text(lesson.key("fewer.try")) in missed
    assert "watching for" in UL.claim_line(lesson, claim, LS.Outcome(LS.PENDING, 3000, {}))


def test_deligan_needs_two_checks_in_a_row_ahead_of_the_normal_prior():
    lesson = LS.LESSONS["deligan"]
    base = _rows([4] * 20, every=250)
    lucky = _rows([4, 4, 4, 4, 5] + [4] * 15, every=250)  # ahead at step 1,250 only
    assert LS.outcomes(lesson, lucky, 5000, base, 5000)[0].state == LS.MISSED
    ahead = _rows([4, 4, 4, 4, 5, 6] + [4] * 14, every=250)  # at 1,250 and 1,500
    out = LS.outcomes(lesson, ahead, 5000, base, 5000)[0]
    assert (out.state, out.step) == (LS.HELD, 1500)


def test_turing_lesson_keeps_the_one_critic_step_its_claim_was_measured_with():
    """T-SGAN's defaults take 3 critic steps (for grid25); the lesson's 5-seed figures were
    measured with 1, and a default must not move them."""
    from gan_core.variants import config_for
    assert config_for("tsgan").k_d > 1
    assert LS.LESSONS["turing"].preset.config(seed=0).k_d == 1

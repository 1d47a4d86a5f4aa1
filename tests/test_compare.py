"""Compare (gan_core/compare.py and the `compare` command): Wilson intervals, per-variant
rates, and the CLI on tiny settings."""
import csv

import numpy as np
import pytest

from gan_core.__main__ import main
from gan_core.compare import Comparison, member_configs, wilson
from gan_core.detector import Alert

TINY_FLAGS = ["--g-width", "16", "--d-width", "16", "--g-depth", "2", "--d-depth", "2",
              "--batch-size", "32", "--eval-size", "64", "--quiet"]


def test_wilson_interval_matches_the_hand_computed_value():
    # 3 of 10, z = 1.96: centre (0.3 + 0.19208) / 1.38416 = 0.35551,
    # half-width 1.96 / 1.38416 * sqrt(0.021 + 0.009604) = 0.24772
    lo, hi = wilson(3, 10)
    assert lo == pytest.approx(0.10779, abs=1e-4)
    assert hi == pytest.approx(0.60323, abs=1e-4)


def test_wilson_interval_is_not_empty_at_the_ends():
    assert wilson(0, 2)[0] == 0.0 and wilson(0, 2)[1] == pytest.approx(3.8415 / 5.8415, abs=1e-4)
    lo, hi = wilson(16, 16)
    assert hi == 1.0 and 0.79 < lo < 0.81  # 1 - z^2 / (n + z^2) = 0.8064
    assert wilson(0, 0) == (0.0, 1.0)


def tiny_comparison(steps=20):
    tiny = dict(g_width=16, d_width=16, g_depth=2, d_depth=2, batch_size=32, eval_size=64)
    return Comparison(member_configs("ring8", ["nsgan", "lsgan"], 3, **tiny), steps, eval_every=10)


def test_rates_count_members_whose_detector_says_collapse():
    comp = tiny_comparison()
    unchecked = comp.summary()[0]
    assert unchecked["checked"] == 0 and np.isnan(unchecked["rate"])  # no rate, not 0%
    comp.advance(20)
    assert comp.done and comp.step_count == 20
    for i in (0, 2, 4):  # two nsgan members, one lsgan member
        comp.detectors[i].alerts = [Alert("collapse", "warning", "Mode collapse", "")]
    rates = {s["variant"]: s for s in comp.summary()}
    assert (rates["nsgan"]["collapsed"], rates["lsgan"]["collapsed"]) == (2, 1)
    assert rates["nsgan"]["rate_lo"] == pytest.approx(wilson(2, 3)[0])
    assert rates["lsgan"]["rate_hi"] == pytest.approx(wilson(1, 3)[1])
    table = comp.table()
    assert [r["seed"] for r in table] == [0, 1, 2, 0, 1, 2]
    assert all(r["modes"].endswith("/8") and r["verdict"] for r in table)


def test_cli_prints_the_table_and_the_rates_and_writes_csv(tmp_path, capsys):
    out_csv = tmp_path / "table.csv"
    code = main(["compare", "--target", "ring8", "--variants", "nsgan,wgan_gp", "--seeds", "2",
                 "--steps", "20", "--csv", str(out_csv), *TINY_FLAGS])
    text = capsys.readouterr().out
    assert code == 0
    assert "95% Wilson interval" in text and "2 batched group(s)" in text
    assert sum("wgan_gp" in line for line in text.splitlines()) == 3  # 2 members + its rate
    rows = list(csv.DictReader(out_csv.open()))
    assert [(r["variant"], r["seed"]) for r in rows] == [
        ("nsgan", "0"), ("nsgan", "1"), ("wgan_gp", "0"), ("wgan_gp", "1")]


@pytest.mark.parametrize("flags,words", [
    (["--variants", "nsgan,nope"], "unknown variant"),
    (["--variants", "nsgan,wgan"], "member 2 (wgan, seed 0)"),
    (["--seeds", "33"], "--seeds must be between 1 and 32"),
    (["--seed", "3"], "use --variants and --seeds"),
])
def test_cli_refuses_bad_flags_with_a_message(flags, words, capsys):
    assert main(["compare", "--steps", "5", "--seeds", "1", *flags, *TINY_FLAGS]) == 2
    assert words in capsys.readouterr().err


def test_an_ensemble_file_opens_as_the_same_comparison():
    from gan_core import ensemble_file as EF
    comp = tiny_comparison()
    comp.advance(20)
    comp.detectors[1].alerts = [Alert("collapse", "warning", "Mode collapse", "")]
    opened = EF.from_bytes(EF.to_bytes(comp), "saved.safetensors")
    assert opened.step_count == 20 and opened.done
    np.testing.assert_array_equal(opened.ensemble.samples(), comp.ensemble.samples())
    assert opened.table() == comp.table()  # modes, HQ, coverage, verdicts, collapsed
    assert opened.summary()[0]["collapsed"] == 1


def test_a_member_from_an_ensemble_file_trains_on_as_it_would_have():
    """The file keeps each member's optimiser moments and RNGs: member 1 taken from the
    opened file and member 1 taken from the live ensemble take the same next 15 steps.
    Without the moments, Adam's first steps differ (the control)."""
    from gan_core import ensemble_file as EF
    from gan_core.checkpoints import Checkpoint
    from gan_core.run import Run
    comp = tiny_comparison()
    comp.advance(20)
    opened = EF.from_bytes(EF.to_bytes(comp), "saved.safetensors")
    live, reopened = comp.ensemble.member_run(1), opened.ensemble.member_run(1)
    weights_only = Run.from_checkpoint(Checkpoint(live.cfg, live.state(), live.step_count))
    assert reopened.opts.g.state and reopened.step_count == live.step_count == 20
    for run in (live, reopened, weights_only):
        for _ in range(15):
            run.step()
    gap = lambda a, b: max(float((a.state()[k] - b.state()[k]).abs().max()) for k in a.state())
    assert gap(live, reopened) < 1e-6
    assert gap(live, weights_only) > 1e-4


def test_an_ensemble_file_without_training_state_still_opens():
    from safetensors.torch import load, save

    from gan_core import checkpoints as C
    from gan_core import ensemble_file as EF
    comp = tiny_comparison()
    comp.advance(20)
    data = EF.to_bytes(comp)
    meta = C._read_metadata(data, "old.safetensors")
    meta.pop("train")
    old = save({k: v for k, v in load(data).items() if ".train." not in k}, metadata=meta)
    opened = EF.from_bytes(old, "old.safetensors")
    np.testing.assert_array_equal(opened.ensemble.samples(), comp.ensemble.samples())
    assert not opened.ensemble.member_run(0).opts.g.state  # fresh moments, as before


@pytest.mark.parametrize("make,words", [
    (lambda good: b"\x00" * 40, "not a checkpoint"),
    (lambda good: good[: len(good) // 2], "damaged"),
    (lambda good: good.replace(b"gan-levers-ensemble", b"gan-levers-checkpnt"),
     "not a GAN Levers ensemble file"),
])
def test_a_bad_ensemble_file_is_refused_with_a_message(make, words):
    from gan_core import ensemble_file as EF
    from gan_core.checkpoints import CheckpointError
    good = EF.to_bytes(tiny_comparison())
    with pytest.raises(CheckpointError, match=words):
        EF.from_bytes(make(good), "bad.safetensors")


def test_a_job_nobody_watches_stops_and_keeps_its_results():
    from gan_core.compare import CompareJob
    comp = tiny_comparison(steps=10**6)
    job = CompareJob(comp, publish_every=0.05, idle_timeout=0.5)
    job.thread.join(120)
    assert not job.thread.is_alive()
    assert job.state == "stopped" and 0 < comp.step_count < comp.steps
    assert job.latest["step"] == comp.step_count and len(job.latest["table"]) == 6


def test_compare_figures_validate_and_draw_every_member():
    import plotly.graph_objects as go

    from gan_core.plots import compare as PC
    comp = tiny_comparison()
    comp.advance(20)
    labels = [f"{c.variant} {c.seed}" for c in comp.configs]
    grid = PC.small_multiples(comp.ensemble.samples(), comp.colours, labels, ["nsgan", "lsgan"],
                              comp.bounds, flagged={1})
    full = go.Figure(grid.to_dict())  # plotly's full validation
    assert len(full.data) == 6 and all(t.type == "scatter" for t in full.data)  # SVG, no WebGL
    assert len({t.xaxis for t in full.data}) == 6
    assert "<b>" in full.layout.annotations[1].text and "<b>" not in full.layout.annotations[0].text
    # one label per variant beside its rows; the rows far enough apart for the titles
    assert [a.text for a in full.layout.annotations[6:]] == ["nsgan", "lsgan"]
    tops = sorted({round(full.layout[f"yaxis{s}"].domain[1], 4) for s in ("", "4")}, reverse=True)
    bottom_of_first = min(full.layout["yaxis"].domain)
    plot_px = full.layout.height - full.layout.margin.t - full.layout.margin.b
    assert (bottom_of_first - tops[1]) * plot_px >= PC.TITLE_PX * 0.99, tops
    rates = go.Figure(PC.rates_figure(comp.summary()).to_dict())
    assert [len(t.x) for t in rates.data] == [2, 2, 2]
    assert list(rates.data[0].error_y.array) == [s["rate_hi"] - s["rate"] for s in comp.summary()]

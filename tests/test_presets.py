"""Presets keep their promises: each states one, in data, with checks on real metrics."""
import pytest

from gan_core.detector import Detector
from gan_core.presets import PRESETS, Promise
from gan_core.quality import NAMES
from gan_core.run import Run


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_states_a_promise(name):
    promise = PRESETS[name].promise
    assert isinstance(promise, Promise), f"{name} has no promise"
    assert promise.watch.strip() and promise.checks
    assert 0 < promise.seconds <= 120
    assert 1 <= promise.seeds <= 5
    for check in promise.checks:
        assert check.metric in NAMES, f"{name}: {check.metric} is not a metric the app shows"


@pytest.mark.parametrize("name", list(PRESETS))
def test_promise_metrics_are_measured_for_the_preset(name):
    """Every checked metric is in the detector's row for that preset's run, so the
    benchmark and the page can judge it (a typo in a metric name fails here)."""
    preset = PRESETS[name]
    run = Run(preset.config(eval_size=256))
    for _ in range(3):
        run.step()
    det = Detector.for_run(run)
    det.evaluate(run.step_count, run.generate(run.eval_latent()), {}, {},
                 generator=run.latent_map())
    row = det.history[-1]
    missing = [c.metric for c in preset.promise.checks if c.metric not in row]
    assert not missing, f"{name}: the detector does not measure {missing}"


def test_a_promise_holds_only_when_every_check_passes():
    from gan_core.quality import Check
    p = Promise("x", 10.0, (Check("captured", ">=", 8), Check("hq", ">=", 0.8)))
    assert p.holds({"captured": 8, "hq": 0.81})
    assert not p.holds({"captured": 7, "hq": 0.99})
    assert not p.holds({"captured": 8})  # a missing metric never passes

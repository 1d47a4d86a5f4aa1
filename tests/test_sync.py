"""ui.sync.plan_sync: what a change of the Playground's settings does to the run."""
from gan_core.variants import config_for
from ui.sync import SyncPlan, plan_sync

LIVE = ("lr_d", "lr_g", "k_d", "k_g")


def _cfg(**kw):
    return config_for("nsgan", **{"target": "spiral", **kw})


def test_unchanged_config_does_nothing():
    plan = plan_sync(_cfg(), _cfg(), LIVE, step=500)
    assert plan == SyncPlan() and plan.idle


def test_a_live_field_changes_live_without_a_reset():
    plan = plan_sync(_cfg(lr_d=1e-3), _cfg(lr_d=5e-4), LIVE, step=500)
    assert plan.live == {"lr_d": 5e-4}
    assert not plan.reset and not plan.ask and plan.structural == () and plan.why == ""


def test_a_structural_field_needs_a_reset_and_asks_once_training_began():
    plan = plan_sync(_cfg(g_width=64), _cfg(g_width=128, lr_g=5e-4), LIVE, step=500)
    assert plan.structural == ("g_width",) and plan.ask and not plan.reset
    assert plan.live == {"lr_g": 5e-4}  # the live part applies at once all the same
    assert "g_width" in plan.why


def test_a_structural_field_at_step_0_resets_without_asking():
    plan = plan_sync(_cfg(target="spiral"), _cfg(target="ring8"), LIVE, step=0)
    assert plan.reset and not plan.ask and plan.structural == ("target",)


def test_force_resets_even_with_nothing_changed():
    plan = plan_sync(_cfg(), _cfg(), LIVE, step=500, force=True)
    assert plan.reset and not plan.ask and plan.why

"""gan_core.playground_link: a Playground setup as query parameters and back. Hostile
values are refused one by one, naming their field, while the rest of the link applies;
decode never raises (fuzzed) and undoes encode (fuzzed)."""
from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gan_core import playground_link as PL
from gan_core.config import Config, check_basic
from gan_core.distributions import TARGETS
from gan_core.lessons import LESSONS
from gan_core.variants import VARIANTS, config_for


def _fields(link) -> list[str]:
    return [p.field for p in link.problems]


# --------------------------------------------------------------------------- encode
def test_a_variants_defaults_encode_to_target_and_variant_only():
    cfg = config_for("wgan_gp", target="spiral")
    assert PL.encode(cfg) == {"target": "spiral", "variant": "wgan_gp"}


def test_only_fields_that_differ_from_the_variants_defaults_are_encoded():
    cfg = config_for("pacgan", target="ring8", lr_g=5e-4, spectral_norm=True, seed=7)
    params = PL.encode(cfg, [0.5, -1.25, 0.0], 3, "collapse", projector=True)
    assert params == {"target": "ring8", "variant": "pacgan", "lr_g": "0.0005", "seed": "7",
                      "spectral_norm": "1", "lv": "0.5,-1.25,0", "lvc": "3",
                      "lesson": "collapse", "projector": "1"}


def test_decode_undoes_encode_for_every_variant():
    for name in VARIANTS:
        cfg = config_for(name, target="grid25", seed=3, g_width=64)
        link = PL.decode(PL.encode(cfg, [1.5, -0.05]))
        assert link.config == cfg and link.levers == [1.5, -0.05] and not link.problems, name


def test_a_link_without_setup_keys_leaves_the_config_alone():
    link = PL.decode({"lang": "zh", "projector": "1", "embed": "true"})
    assert link.config is None and link.projector is True and not link.problems


# --------------------------------------------------------------------------- refusals
@pytest.mark.parametrize("key, value, message", [
    ("lr_g", "nan", "link.not_number"),
    ("lr_g", "inf", "link.not_number"),
    ("lr_g", "1e308", "link.too_big"),
    ("gp_lambda", "1e300", "link.too_big"),
    ("batch_size", "1e9", "link.not_int"),
    ("batch_size", "99999999999999999999999", "link.not_int"),
    ("batch_size", "1000000", "link.out_of_bounds"),
    ("g_width", "4096", "link.out_of_bounds"),  # alone it fits, but not the parameter budget
    ("seed", "-1", "link.out_of_bounds"),
    ("spectral_norm", "maybe", "link.not_flag"),
    ("activation", "sigmoid", "link.out_of_bounds"),
    ("target_b", "moon", "link.unknown_choice"),
    ("latent_dim", "x" * 10_000, "link.too_long"),
])
def test_a_bad_value_is_refused_by_name_and_the_rest_applies(key, value, message):
    params = {"target": "ring8", "variant": "wgan_gp", "seed": "5", key: value}
    if key == "seed":
        params["k_g"] = "2"  # something else to apply
    if key == "g_width":
        params.update(g_depth="16", d_width="4096", d_depth="16")
    link = PL.decode(params)
    refused = [p for p in link.problems if p.field == key]
    assert [p.key for p in refused] == [message], link.problems
    assert link.config.target == "ring8" and link.config.variant == "wgan_gp"
    want_seed = 0 if key == "seed" else 5
    assert link.config.seed == want_seed
    assert getattr(link.config, key) == getattr(config_for("wgan_gp"), key) or key == "g_width"
    check_basic(link.config)


def test_unknown_target_and_variant_fall_back_each_on_its_own():
    link = PL.decode({"target": "moon", "variant": "wgan_gp", "lr_d": "0.0002"})
    assert _fields(link) == ["target"]
    assert (link.config.target, link.config.variant, link.config.lr_d) == (
        Config().target, "wgan_gp", 0.0002)
    link = PL.decode({"target": "spiral", "variant": "<script>", "seed": "2"})
    assert _fields(link) == ["variant"]
    assert (link.config.target, link.config.variant, link.config.seed) == ("spiral", "nsgan", 2)


def test_uploaded_points_cannot_travel_in_a_link():
    link = PL.decode({"target": "custom", "variant": "nsgan"})
    assert [p.key for p in link.problems] == ["link.custom_target"]
    assert link.config.target in TARGETS


def test_fields_that_depend_on_each_other_apply_together_or_one_by_one():
    # pacgan packs 2 by default: batch 99 only fits with the link's own pack=3
    assert PL.decode({"variant": "pacgan", "batch_size": "99", "pack": "3"}).config.batch_size == 99
    link = PL.decode({"variant": "pacgan", "batch_size": "100", "pack": "3"})
    assert _fields(link) == ["pack"]  # 100 fits the default pack 2, then 3 does not fit 100
    assert (link.config.batch_size, link.config.pack) == (100, 2)


def test_unknown_keys_are_named_one_by_one_then_counted():
    params = {f"junk{i}": "1" for i in range(9)}
    link = PL.decode({"target": "spiral", **params})
    assert _fields(link) == [f"junk{i}" for i in range(PL.MAX_NAMED_UNKNOWN)] + ["…"]
    assert link.problems[-1].fields == {"n": 9 - PL.MAX_NAMED_UNKNOWN}
    assert link.config.target == "spiral"


def test_levers_are_refused_value_by_value():
    link = PL.decode({"lv": "0.5,nan,9,abc,,-3"})
    assert link.levers == [0.5, None, None, None, None, -3.0]
    assert [p.fields["n"] for p in link.problems] == [2, 3, 4, 5]
    link = PL.decode({"lv": ",".join(["1"] * 200)})
    assert len(link.levers) == PL.MAX_LEVER_VALUES and _fields(link) == ["lv"]
    assert PL.decode({"lv": "1" * 5000}).levers == [] and _fields(PL.decode({"lv": "1" * 5000})) == ["lv"]


@pytest.mark.parametrize("key, value", [("lvc", "-1"), ("lvc", "1e3"), ("lvc", "5000"),
                                        ("lesson", "<b>x</b>"), ("lesson", "a" * 200),
                                        ("projector", "maybe")])
def test_other_values_are_checked_too(key, value):
    link = PL.decode({key: value})
    assert _fields(link) == [key]
    assert getattr(link, {"lvc": "lever_class"}.get(key, key)) is None


def test_a_repeated_key_counts_once_with_its_last_value():
    link = PL.decode({"target": ["spiral", "ring8"], "seed": ["1", "2"]})
    assert (link.config.target, link.config.seed) == ("ring8", 2)


# --------------------------------------------------------------------------- fuzz
_text = st.text(alphabet=string.printable + "中文∞", max_size=80)
_values = st.one_of(_text, st.lists(_text, max_size=3), st.sampled_from(
    ["nan", "-inf", "1e999", "0", "-1", "1", "true", "custom", "spiral", "wgan_gp", "0.5,nan"]))
_keys = st.one_of(_text, st.sampled_from([*PL.CONFIG_FIELDS, "lv", "lvc", "lesson", "projector"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _values, max_size=12))
def test_decode_never_raises_and_its_config_can_train(params):
    link = PL.decode(params)
    if link.config is not None:
        check_basic(link.config)
        assert link.config.target in TARGETS and link.config.variant in VARIANTS
    assert all(v is None or abs(v) <= PL.LEVER_LIMIT for v in link.levers)


_FIELD_VALUES = {
    "lr_d": st.sampled_from([1e-5, 5e-5, 2e-4, 1e-3, 3.3e-4]), "lr_g": st.floats(1e-6, 1.0),
    "batch_size": st.integers(2, 4096), "g_width": st.integers(1, 512), "d_depth": st.integers(1, 8),
    "seed": st.integers(0, 2**63 - 1), "spectral_norm": st.booleans(), "minibatch_std": st.booleans(),
    "activation": st.sampled_from(["relu", "leaky_relu", "tanh"]), "g_ema": st.sampled_from([0.0, 0.99, 0.999]),
    "label_smoothing": st.floats(0, 0.45), "target_b": st.sampled_from(sorted(TARGETS)),
    "instance_noise": st.floats(0, 10), "latent_dim": st.integers(1, 16),
}


@st.composite
def setups(draw):
    names = draw(st.lists(st.sampled_from(sorted(_FIELD_VALUES)), unique=True, max_size=6))
    changes = {n: draw(_FIELD_VALUES[n]) for n in names}
    cfg = config_for(draw(st.sampled_from(sorted(VARIANTS))), target=draw(st.sampled_from(sorted(TARGETS))),
                     **changes)
    levers = [k * 0.05 for k in draw(st.lists(st.integers(-60, 60), max_size=12))]
    lesson = draw(st.one_of(st.none(), st.sampled_from(sorted(LESSONS))))
    return cfg, levers, draw(st.one_of(st.none(), st.integers(0, 999))), lesson, draw(st.booleans())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setups())
def test_decode_undoes_encode(setup):
    cfg, levers, lever_class, lesson, projector = setup
    try:
        check_basic(cfg)
    except ValueError:
        assume(False)
    link = PL.decode(PL.encode(cfg, levers, lever_class, lesson, projector))
    assert not link.problems
    assert link.config == cfg
    assert link.levers == pytest.approx(levers, abs=1e-9)
    assert (link.lever_class, link.lesson, bool(link.projector)) == (lever_class, lesson, projector)


def test_a_drawn_custom_target_travels_in_the_link_and_a_bad_drawing_is_refused_alone():
    import numpy as np

    from gan_core import pointcode
    code = pointcode.encode(np.array([[1, 2], [3, 4], [200, 100]], np.uint8))
    cfg = config_for("nsgan", target="custom", seed=3)
    link = PL.decode(PL.encode(cfg, points=code))
    assert link.config.target == "custom" and link.points == code and not link.problems
    assert link.config.seed == 3
    bad = PL.decode({**PL.encode(cfg, points=code), "pts": "zzz"})
    assert bad.points is None and bad.config.seed == 3  # the rest of the link still applies
    assert {p.field for p in bad.problems} == {"pts", "target"}
    assert "pts" not in PL.encode(cfg.replace(target="ring8"), points=code)  # only for custom

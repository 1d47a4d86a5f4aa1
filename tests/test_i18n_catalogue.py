"""The message catalogues: same keys in every language, valid templates, fallbacks."""
import ast
import copy
import pickle
import re
import string
from pathlib import Path

import pytest

from gan_core import i18n


def _fields(template: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_key():
    keys = {lang: set(i18n.catalogue(lang)) for lang in i18n.LANGUAGES}
    english = keys[i18n.DEFAULT]
    assert english, "the English catalogue is empty"
    for lang, have in keys.items():
        assert have == english, f"{lang}: missing {sorted(english - have)}, extra {sorted(have - english)}"


@pytest.mark.parametrize("lang", sorted(i18n.LANGUAGES))
def test_translations_take_the_same_fields(lang):
    english = i18n.catalogue(i18n.DEFAULT)
    for key, template in i18n.catalogue(lang).items():
        assert _fields(template) == _fields(english[key]), key


def test_unknown_language_falls_back_and_unknown_key_raises():
    assert i18n.text("common.language", "xx") == i18n.text("common.language", "en")
    assert i18n.text("common.language", "zh") != i18n.text("common.language", "en")
    with pytest.raises(KeyError):
        i18n.text("no.such.key")


# --------------------------------------------------------------------------- keys used by the code
ROOT = Path(__file__).resolve().parent.parent
CODE = sorted([ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"),
               *ROOT.glob("gan_core/**/*.py")])
KEY_FUNCS = {"t", "text", "Msg"}  # their first argument is a catalogue key


def _literal_keys(path: Path):
    """(line, key) of every string literal passed as the key of t(), text() or Msg()."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        first = node.args[0]
        if name in KEY_FUNCS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield node.lineno, first.value


def test_every_key_the_code_names_is_in_the_catalogue():
    known = i18n.catalogue(i18n.DEFAULT)
    missing = [f"{p.relative_to(ROOT)}:{line} {key}" for p in CODE
               for line, key in _literal_keys(p) if key not in known]
    assert not missing, missing


def test_the_scan_finds_the_keys_it_checks():
    # the scan above must see real calls, or it would pass on nothing
    found = {key for p in CODE for _, key in _literal_keys(p)}
    assert {"playground.train", "detector.collapse.why", "controls.seed"} <= found
    assert len(found) > 150


@pytest.mark.parametrize("lang", sorted(i18n.LANGUAGES))
def test_every_template_formats_with_its_own_fields(lang):
    for key, template in i18n.catalogue(lang).items():
        fields = {name.split(".")[0].split("[")[0]: _sample(template, name)
                  for name in _fields(template)}
        i18n.text(key, lang, **fields)  # a bad spec or brace raises here


def _sample(template: str, name: str):
    """A value that fits the field's format spec (a number for ',', '%', 'f')."""
    for _, field, spec, _ in string.Formatter().parse(template):
        if field == name and spec:
            return 0.5
    return "x"


def test_chinese_texts_are_chinese():
    # A zh entry left in English is a missed translation, except names and symbols.
    english = i18n.catalogue("en")
    same = [k for k, v in i18n.catalogue("zh").items()
            if v == english[k] and re.search(r"[A-Za-z]{4,}", _bare(v))]
    assert not same, same


def _bare(template: str) -> str:
    return re.sub(r"\{[^}]*\}|\*\*|#+ ", "", template)


# --------------------------------------------------------------------------- Msg and Join
def test_msg_is_its_english_text_and_renders_in_chinese_with_nested_parts():
    inner = i18n.Msg("quality.missing")
    msg = i18n.Msg("quality.failure", check="HQ >= 90%", got=inner)
    assert msg == "HQ >= 90% (got missing)" and isinstance(msg, str)
    assert msg.render("zh") == "HQ >= 90%（实测 缺失）"
    joined = i18n.Join([msg, "x"], "common.sep.semicolon")
    assert joined == "HQ >= 90% (got missing); x"
    assert joined.render("zh") == "HQ >= 90%（实测 缺失）；x"


def test_msg_survives_pickle_and_copy():
    # alerts cross process boundaries (local workers) and get copied
    msg = i18n.Join([i18n.Msg("detector.collapse.title", n=3, k=8,
                              cells=i18n.Msg("detector.cells.modes"))])
    for twin in (pickle.loads(pickle.dumps(msg)), copy.deepcopy(msg)):
        assert twin == msg and twin.render("zh") == msg.render("zh")
        assert "模式崩溃" in twin.render("zh")


def test_localise_leaves_plain_values_alone():
    assert i18n.localise("plain", "zh") == "plain" and i18n.localise(3, "zh") == 3


def test_every_target_variant_and_preset_has_its_texts():
    # ui.i18n.t_data falls back to English for an entry without texts; the shipped ones
    # must all have theirs, or the Chinese sidebar shows English summaries.
    from gan_core import presets
    from gan_core.distributions import TARGETS
    from gan_core.variants import VARIANTS
    from ui.i18n import slug
    known = i18n.catalogue(i18n.DEFAULT)
    want = [f"data.target.{n}" for n in TARGETS] + [f"data.variant.{n}" for n in VARIANTS]
    for name, preset in presets.PRESETS.items():
        want += [f"data.preset.{slug(name)}.name", f"data.preset.{slug(name)}.note"]
        if preset.promise is not None:
            want.append(f"data.preset.{slug(name)}.watch")
    assert not [k for k in want if k not in known], [k for k in want if k not in known]


def test_the_playground_charts_take_the_language():
    from gan_core import plots
    cols = {"step": [1, 2], "d_loss": [1.0, 0.9], "g_loss": [0.7, 0.8], "d_grad": [1, 1],
            "g_grad": [1, 1]}
    en, zh = plots.losses_figure(cols), plots.losses_figure(cols, lang="zh")
    assert en.layout.xaxis.title.text == "step" and zh.layout.xaxis.title.text == "步数"
    assert [d.name for d in zh.data][:2] == ["D 的损失", "G 的损失"]
    rows = [{"step": 1, "hq": 0.5, "coverage": 0.4, "coverage_modes": 0.5}]
    hist = plots.detector_history_figure(rows, lang="zh")
    assert [d.name for d in hist.data] == ["已捕获模式的比例", "HQ（3σ 以内）", "覆盖率（PRDC）"]


def test_no_template_field_shadows_the_lookup_arguments():
    # t(key, **fields) and text(key, lang, **fields): a field called key or lang would clash
    bad = [k for k, v in i18n.catalogue(i18n.DEFAULT).items() if _fields(v) & {"key", "lang"}]
    assert not bad, bad

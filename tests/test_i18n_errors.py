"""gan_core's errors in the reader's language (issue #17): every ConfigError, InvalidData,
CheckpointError (and the other errors a page shows) is raised with a catalogue Msg, which
stays its English text as a str and is written in Chinese on a Chinese page."""
from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest
from test_playground_app import _stop_all, at  # noqa: F401  (the AppTest fixture)

from gan_core import i18n
from gan_core.i18n import Join, Msg

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
# Errors whose message reaches a page.
# (RunLimitReached builds its own Msg from the number: tested below.)
USER_ERRORS = {"ConfigError", "InvalidData", "CheckpointError", "EnsembleError",
               "PointCodeError", "ExportError"}
# The command line has no language: its messages stay English.
CLI_FILES = {"gan_core/__main__.py", "gan_core/compare_cli.py"}
# A raise that passes on a value the code built as a Msg a few lines up: (file, name).
PASSED_ON = {("gan_core/variants/base.py", "reason")}  # Variant.refusal's Msg


def _error_name(call: ast.Call) -> str | None:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def _is_msg(node) -> bool:
    return isinstance(node, ast.Call) and _error_name(node) in {"Msg", "Join"}


def plain_raises(source: str, rel: str) -> list[str]:
    """'file:line' of each raise of a user-facing error whose message is not a Msg."""
    bad = []
    for node in ast.walk(ast.parse(source)):
        exc = node.exc if isinstance(node, ast.Raise) else None
        if not (isinstance(exc, ast.Call) and _error_name(exc) in USER_ERRORS):
            continue
        first = exc.args[0] if exc.args else None
        passed_on = isinstance(first, ast.Name) and (rel, first.id) in PASSED_ON
        if not (_is_msg(first) or passed_on):
            bad.append(f"{rel}:{node.lineno}")
    return bad


def _sources():
    for path in sorted([*ROOT.glob("gan_core/**/*.py"), *ROOT.glob("ui/*.py"),
                        *ROOT.glob("pages/*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        if rel not in CLI_FILES:
            yield rel, path.read_text(encoding="utf-8")


def test_every_user_facing_error_is_raised_with_a_msg():
    bad = [where for rel, text in _sources() for where in plain_raises(text, rel)]
    assert not bad, bad


def test_the_scan_sees_raises_and_flags_plain_text():
    found = sum(len(re.findall(r"raise (?:\w+\.)?(?:ConfigError|InvalidData|CheckpointError)\(",
                               text)) for _, text in _sources())
    assert found > 80  # the scan looks at the real code, not at nothing
    snippet = ('raise ConfigError(f"x {y}")\nraise C.CheckpointError("plain")\n'
               'raise InvalidData(Msg("errors.file_empty"))\nraise ValueError("not ours")\n')
    assert plain_raises(snippet, "x.py") == ["x.py:1", "x.py:2"]


# --------------------------------------------------------------------------- the messages
def _bad_csv_error(data: bytes):
    from gan_core.distributions import InvalidData, parse_points_csv
    with pytest.raises(InvalidData) as info:
        parse_points_csv(data)
    return info.value


@pytest.mark.parametrize("data, english, chinese", [
    (b"x,y\n1,2,3\n4,5\n", "line 2 has 3 columns; each row needs exactly 2 (x, y)",
     "第 2 行有 3 列"),
    (b"x,y\n1,2\n3,4\n", "file has 2 data rows; need at least 10", "至少需要 10 行"),
    (b"", "file is empty", "文件是空的"),
    (b"\xff\xfe" + "x,y\n1,2\n".encode("utf-16-le") + "é".encode("utf-16-le"),
     "file is not UTF-8 text", "不是 UTF-8 文本"),
])
def test_a_bad_csv_says_what_is_wrong_in_both_languages(data, english, chinese):
    err = _bad_csv_error(data)
    why = i18n.reason(err)
    assert isinstance(why, Msg) and str(err).startswith(english)  # English stays as it was
    assert chinese in why.render("zh") and english not in why.render("zh")


def test_an_error_keeps_its_msg_across_pickle():
    # runs live in worker processes too: their errors come back pickled
    err = pickle.loads(pickle.dumps(_bad_csv_error(b"x,y\n1,2\n")))
    assert "至少需要 10 行" in i18n.reason(err).render("zh")


def test_reason_of_a_plain_error_is_its_text():
    assert i18n.reason(ValueError("plain")) == "plain"
    assert not isinstance(i18n.reason(ValueError("plain")), Msg)
    assert i18n.reason(KeyError("k")) == "'k'"


def test_config_problems_join_in_the_readers_language():
    from gan_core.config import Config, ConfigError, check_basic
    with pytest.raises(ConfigError) as info:
        check_basic(Config(batch_size=1, k_d=0, k_g=0))
    why = i18n.reason(info.value)
    assert isinstance(why, Join)
    assert str(info.value) == "k_d and k_g cannot both be 0; batch_size must be between 2 and 65536"
    assert why.render("zh") == "k_d 和 k_g 不能同时为 0；batch_size 必须在 2 到 65536 之间"


def test_a_variants_refusal_is_a_msg_in_both_languages():
    from gan_core.config import ConfigError
    from gan_core.targets import get_target
    from gan_core.variants import config_for, get_variant
    cfg = config_for("deligan", prior="normal")
    why = get_variant("deligan").refusal(cfg)
    assert why == ("deligan is the mixture prior; prior='normal' would make it plain nsgan "
                   "(set prior to 'mixture')")
    assert "混合先验" in why.render("zh") and "'normal'" in why.render("zh")
    with pytest.raises(ConfigError) as info:
        get_variant("deligan").check(cfg, get_target("ring8"))
    assert isinstance(i18n.reason(info.value), Msg) and i18n.reason(info.value) == why


def test_an_ensemble_refusal_nests_its_reason():
    from gan_core.ensemble import Ensemble, EnsembleError
    from gan_core.variants import config_for
    with pytest.raises(EnsembleError) as info:
        Ensemble([config_for("nsgan", target="ring8", spectral_norm=True)])
    assert str(info.value).startswith("member 1 (nsgan, seed 0): spectral norm is not supported")
    assert i18n.reason(info.value).render("zh").startswith("成员 1（nsgan，随机种子 0）：集成不支持谱归一化")


def test_a_bad_checkpoint_says_so_in_chinese():
    from gan_core import checkpoints
    with pytest.raises(checkpoints.CheckpointError) as info:
        checkpoints.from_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00{}", name="run.safetensors")
    why = i18n.reason(info.value)
    assert str(why) == "run.safetensors is not a checkpoint (or is truncated)"
    assert why.render("zh") == "run.safetensors 不是检查点（或被截断了）"


def test_a_full_server_says_so_in_chinese():
    from gan_core.registry import RunLimitReached
    why = i18n.reason(RunLimitReached(2))
    assert why == "this server is already running its maximum of 2 runs"
    assert why.render("zh") == "这台服务器运行的训练已达上限（2 个）"


# --------------------------------------------------------------------------- pretrained labels
def test_pretrained_labels_and_the_failure_note_in_both_languages():
    from gan_core import zoo
    info = {"target": "grid25", "variant": "nsgan", "steps": 20000, "failure": True}
    label = zoo.label(info)
    assert label == "grid25 · nsgan (20,000 steps) · a failure on purpose"
    assert label.render("zh") == "grid25 · nsgan（20,000 步）· 故意保留的失败例子"
    assert zoo.label({**info, "failure": False}).render("zh") == "grid25 · nsgan（20,000 步）"
    entry = zoo.entries().get("grid25__nsgan")
    if entry is None:
        pytest.skip("no grid25__nsgan in this manifest")
    # the catalogue's English is the manifest's note, so the two cannot drift apart
    assert zoo.note("grid25__nsgan", entry) == entry["note"]
    assert "故意保留的失败例子" in zoo.note("grid25__nsgan", entry).render("zh")


# --------------------------------------------------------------------------- the pages
def test_error_text_renders_known_errors_and_names_unexpected_ones(monkeypatch):
    import streamlit as st

    from gan_core.config import ConfigError
    from ui import i18n as ui_i18n
    monkeypatch.setattr(st, "session_state", {"gl_lang": "zh"})
    known = ConfigError(Msg("errors.lr_positive"))
    assert ui_i18n.tr_error(known) == ui_i18n.error_text(known) == "学习率必须为正数"
    assert ui_i18n.error_text(ZeroDivisionError("boom")) == "ZeroDivisionError: boom"


def _sidebar_errors(app) -> list[str]:
    return [e.value for e in app.sidebar.error]


def test_a_bad_csv_upload_is_refused_in_chinese(at):  # noqa: F811
    at.query_params["lang"] = "zh"
    at.run()
    at.selectbox(key="cfg_target").set_value("custom").run()
    at.session_state["pg_csv_bytes"] = b"x,y\n1,2,3\n4,5\n"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = _sidebar_errors(at)
    assert any("points.csv：第 2 行有 3 列；每行必须恰好有 2 列（x, y）" in e for e in errors), errors
    assert not any("columns" in e for e in errors), errors
    # kept as a Msg, not as text: a switch of language later writes it in the new one
    stored = at.session_state["pg_csv_error"]
    assert isinstance(stored, Msg) and stored.render("en") == (
        "points.csv: line 2 has 3 columns; each row needs exactly 2 (x, y)")
    _stop_all()


def test_a_tiny_drawing_is_refused_in_chinese(at):  # noqa: F811
    import numpy as np

    from gan_core import pointcode as P
    from ui import drawing
    at.query_params["lang"] = "zh"
    at.run()
    at.selectbox(key="cfg_target").set_value("custom").run()
    a = np.linspace(0, 2 * np.pi, 4, endpoint=False)
    at.session_state[drawing.CODE_KEY] = P.encode(P.quantise(
        np.stack([0.5 + 0.3 * np.cos(a), 0.5 + 0.3 * np.sin(a)], 1)))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert any("只有 4 行数据；至少需要 10 行" in e for e in errors), errors
    assert not any("need at least" in e for e in errors), errors
    _stop_all()

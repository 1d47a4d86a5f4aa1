"""The detector's alerts, verdicts and remedies are catalogue keys + fields: English as
plain strings (logs, the CLI, older tests), Chinese when the Playground renders them. The
background thread builds them without knowing anyone's language."""
import re

import numpy as np
import pytest

from gan_core.config import Config
from gan_core.detector import REMEDY_OPTIONS, Detector, judged_by, offered_remedies
from gan_core.quality import floor_for
from gan_core.targets import get_target

CJK = re.compile(r"[\u4e00-\u9fff]")
ROW = {"captured": 3, "n_modes": 8, "spread_ratio": 0.4, "js_prev": 0.6, "hq": 0.5,
       "far": 0.1, "stray": 0.05, "precision": 0.3, "floor_precision": 0.95,
       "tear_score": 0.2, "width_ratio": 0.3, "coverage": 0.4, "coverage_modes": 0.375}


def _check(msg, english_has: str, chinese_has: str) -> None:
    zh = msg.render("zh")
    assert english_has in msg and msg.render("en") == msg
    assert chinese_has in zh and CJK.search(zh), zh
    assert "{" not in zh and "{" not in msg  # every field filled in


@pytest.fixture(scope="module")
def det():
    return Detector(get_target("eight_gaussians"), Config(target="eight_gaussians"))


@pytest.mark.parametrize("kind, en, zh", [
    ("collapse", "Mode collapse", "模式崩溃"),
    ("mode_hopping", "Mode hopping", "模式跳跃"),
    ("discriminator_wins", "discriminator is winning", "判别器"),
    ("off_target", "blurred", "模糊"),
    ("thin_or_torn", "Thin or torn", "撕裂")])
def test_every_alert_reads_in_both_languages(det, kind, en, zh):
    alert = getattr(det, f"_{kind}")(1200, ROW)
    _check(alert.title, en, zh)
    assert CJK.search(alert.explanation.render("zh")) and alert.explanation.render("en")
    assert alert.remedies, kind
    for remedy in alert.remedies:
        assert CJK.search(remedy.label.render("zh")), remedy.label


def test_collapse_counts_survive_translation(det):
    alert = det._collapse(1200, ROW)
    assert alert.title == "Mode collapse: 3 of 8 modes covered"
    assert alert.title.render("zh") == "模式崩溃：8 个模式中只覆盖了 3 个"
    assert "40%" in alert.explanation.render("zh")  # spread ratio, formatted in the template


def test_diverged_names_the_bad_values(det):
    alert = det._diverged(10, {"d_loss": float("nan"), "g_loss": 1.0}, np.zeros((2, 2)))
    _check(alert.title, "diverged", "发散")
    assert alert.explanation.startswith("d_loss became NaN")
    assert alert.explanation.render("zh").startswith("d_loss 变成了 NaN")


def test_every_remedy_option_has_both_texts():
    cfg = Config()
    for kind in REMEDY_OPTIONS:
        for remedy in offered_remedies(kind, cfg):
            assert remedy.label.render("zh") != remedy.label.render("en")


def test_verdicts_read_in_both_languages():
    det = Detector(get_target("eight_gaussians"), Config(target="eight_gaussians"))
    _check(det.verdict.title, "Too early", "尚无法判断")
    _check(det.verdict.text, "Step 0", "第 0 步")
    rng = np.random.default_rng(0)
    one_mode = det.target.mode_centers[0] + 0.2 * rng.standard_normal((1000, 2))
    for i in range(4):  # a collapse that persists turns the verdict into an alert
        det.evaluate(1000 + 100 * i, one_mode, {"d_loss": 1.3, "g_loss": 0.8}, {"d": 1, "g": 1})
    assert det.verdict.state == "alert"
    _check(det.verdict.title, "collapse", "模式崩溃")
    _check(det.verdict.text, "Not healthy", "不健康")
    _check(det.verdict.scope, "Judged by", "评判标准")


def test_scope_and_floor_in_chinese():
    target = get_target("spiral")
    scope = judged_by(target, Config(), floor_for(target))
    assert scope.startswith("Judged by PRDC coverage >= 0.8 and PRDC precision >= 0.8")
    zh = scope.render("zh")
    assert "PRDC 覆盖率 >= 0.8 且 PRDC 精确率 >= 0.8" in zh and zh.endswith("。")


def test_alerts_built_in_another_thread_render_later():
    import threading
    out = []
    det = Detector(get_target("ring8"), Config(target="ring8"))
    th = threading.Thread(target=lambda: out.append(det._mode_hopping(5, ROW)))
    th.start()
    th.join()
    assert out[0].title.render("zh") == "模式跳跃：生成器在模式之间来回跳"

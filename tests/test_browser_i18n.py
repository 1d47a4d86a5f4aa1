"""The Playground in Chinese, in Chromium: ?lang=zh opens it in Chinese, the CJK glyphs
render (a real font, not empty boxes: `make fonts` installs fonts-noto-cjk), and the
switch in the sidebar changes the language and the URL but keeps the run.

Screenshots: test-artifacts/i18n_playground_zh.png, i18n_playground_en.png,
i18n_levers_zh.png."""
from __future__ import annotations

import re
import time

import pytest

from browser_helpers import shot, wait_until

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
# Draw two different CJK characters in the heading's own font. Without a CJK font both come
# out as the same empty box (or nothing); with one they differ and leave ink.
GLYPHS_JS = """() => {
  const h = document.querySelector('h1');
  const font = getComputedStyle(h).fontFamily;
  const ink = (ch) => {
    const c = document.createElement('canvas'); c.width = 64; c.height = 64;
    const g = c.getContext('2d'); g.font = `48px ${font}`; g.fillStyle = '#000';
    g.fillText(ch, 4, 52);
    return Array.from(g.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3));
  };
  const a = ink('实'), b = ink('验'), box = ink('\\u{10FFFD}');
  const same = (x, y) => x.every((v, i) => v === y[i]);
  return {font, ink: a.filter(v => v > 0).length, sameAsOther: same(a, b),
          sameAsMissing: same(a, box)};
}"""
RUN_ID = re.compile(r"diag-run=(\S+)")


def _wait(page, cond, timeout: float, what: str):
    return wait_until(page, cond, timeout, what, 0.3, "i18n_failure")


def _idle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def _heading(page) -> str:
    h = page.locator("h1")
    return h.first.inner_text() if h.count() else ""


def _run_id(page, label: str) -> str:
    """The session's run id, from the sidebar's Diagnostics expander (opened if shut)."""
    exp = page.locator('[data-testid="stSidebar"] [data-testid="stExpander"]', has_text=label)

    def found():
        m = RUN_ID.search(exp.first.text_content() or "")
        if m:
            return m.group(1)
        if not exp.locator("details[open]").count():  # shut (or a click lost in a rerun)
            _idle(page)
            exp.locator("summary").first.click()
        return None
    return _wait(page, found, 60, f"the run id in the {label} expander")


def _pick(page, label: str) -> None:
    _idle(page)  # a click while a rerun is under way may be taken by the old widget
    page.locator('[data-testid="stSidebar"] [data-testid="stButtonGroup"] button',
                 has_text=label).first.click()


def test_playground_in_chinese_renders_cjk_and_switches(page, app_url):
    page.goto(app_url + "/?lang=zh", wait_until="domcontentloaded")
    _wait(page, lambda: _heading(page) == "GAN Levers · 实验场", 120, "the Chinese heading")
    page.get_by_text("预训练模型：").first.wait_for(timeout=90_000)  # the opened spiral's banner
    _idle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert len(CJK.findall(main)) > 300, main[:500]
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "实验场" in sidebar and "GAN 变体" in sidebar  # menu and settings too
    glyphs = page.evaluate(GLYPHS_JS)
    assert glyphs["ink"] > 50 and not glyphs["sameAsOther"] and not glyphs["sameAsMissing"], glyphs
    shot(page, "i18n_playground_zh")
    run = _run_id(page, "诊断")

    _pick(page, "English")
    _wait(page, lambda: _heading(page) == "GAN Levers · Playground", 60, "the English heading")
    _wait(page, lambda: "lang=" not in page.url, 60, "lang to leave the URL")
    _idle(page)
    assert _run_id(page, "Diagnostics") == run  # the same run: a switch changes labels, not the run
    shot(page, "i18n_playground_en")

    _pick(page, "中文")
    _wait(page, lambda: _heading(page) == "GAN Levers · 实验场", 60, "the Chinese heading again")
    _wait(page, lambda: "lang=zh" in page.url, 60, "lang=zh back in the URL")
    _idle(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text="杠杆").first.click()
    seen = set()  # (url, heading) on the way: says which half failed, if it does
    end = time.time() + 120
    while time.time() < end and not ("/levers" in page.url and _heading(page) == "杠杆"):
        seen.add((page.url, _heading(page)))
        time.sleep(0.3)
    assert "/levers" in page.url and _heading(page) == "杠杆", seen
    _idle(page)
    _wait(page, lambda: "lang=zh" in page.url, 60, "lang=zh in the Levers page's URL")
    assert "实验场" in page.locator('[data-testid="stSidebarNav"]').inner_text()
    shot(page, "i18n_levers_zh")

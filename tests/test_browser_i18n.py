"""The Playground in Chinese, in Chromium: ?lang=zh opens it in Chinese, the CJK glyphs
render (a real font, not empty boxes: `make fonts` installs fonts-noto-cjk), and the
switch in the sidebar changes the language and the URL but keeps the run.

The Mapping and Discriminator inspectors and the Compare page (a tiny ensemble trained)
open in Chinese too.

Screenshots: test-artifacts/i18n_playground_zh.png, i18n_playground_en.png,
i18n_levers_zh.png, i18n_mapping_zh.png, i18n_discriminator_zh.png, i18n_compare_zh.png."""
from __future__ import annotations

import re
import time

import pytest

from browser_helpers import shot, wait_until
from gan_core import i18n

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
RUN_ID = re.compile(r"diag-run=([A-Za-z0-9_-]{16})")  # secrets.token_urlsafe(12): the text after it is the runs table


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


def _overview_words(page) -> tuple:
    """The overview graph's generator and D-loss node titles, as drawn."""
    return tuple(page.evaluate("""() => ['G', 'dloss'].map(id => {
        const g = document.querySelector(`div.ov-root g[data-node="${id}"] text.ov-label`);
        return g ? g.textContent : null; })"""))


def test_playground_in_chinese_renders_cjk_and_switches(page, app_url):
    page.goto(app_url + "/?lang=zh", wait_until="domcontentloaded")
    _wait(page, lambda: _heading(page) == "GAN Levers · 实验场", 120, "the Chinese heading")
    page.get_by_text("预训练模型：").first.wait_for(timeout=90_000)  # the opened spiral's banner
    _idle(page)
    main = lambda: page.locator('[data-testid="stMain"]').inner_text()  # noqa: E731
    # the page fills in over a few runs (the detector and lessons panels come after the chart)
    _wait(page, lambda: len(CJK.findall(main())) > 300, 60, "the Chinese page text")
    sidebar = lambda: page.locator('[data-testid="stSidebar"]').inner_text()  # noqa: E731
    _wait(page, lambda: "实验场" in sidebar() and "GAN 变体" in sidebar(), 60,
          "the menu and the settings in Chinese")
    glyphs = page.evaluate(GLYPHS_JS)
    assert glyphs["ink"] > 50 and not glyphs["sameAsOther"] and not glyphs["sameAsMissing"], glyphs
    shot(page, "i18n_playground_zh")
    run = _run_id(page, "诊断")

    _pick(page, "English")
    _wait(page, lambda: _heading(page) == "GAN Levers · Playground", 60, "the English heading")
    _wait(page, lambda: "lang=" not in page.url, 60, "lang to leave the URL")
    _idle(page)
    assert _run_id(page, "Diagnostics") == run  # the same run: a switch changes labels, not the run
    # the overview graph (a component built once) is redrawn in the new words
    _wait(page, lambda: _overview_words(page) == (i18n.text("overview.G_label", "en"),
                                                   i18n.text("overview.dloss_label", "en")),
          60, "the overview graph in English")
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


PLOTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(p => {
  const d = p._fullData || p.data || [];
  return d.reduce((n, t) => n + (t.x ? t.x.length : (t.z ? t.z.length : 0)), 0);
})"""


def _page_in_chinese(page, url: str, heading: str, plots: int) -> str:
    """Open `url` with ?lang=zh, wait for its Chinese heading, `plots` charts holding data and
    an idle app; check the glyphs render; the main area's text."""
    page.set_viewport_size({"width": 1500, "height": 1100})
    page.goto(url, wait_until="domcontentloaded")
    _wait(page, lambda: _heading(page) == heading, 120, f"the heading {heading}")
    _wait(page, lambda: sum(n > 0 for n in page.evaluate(PLOTS_JS)) >= plots, 180,
          f"{plots} charts with data")
    _idle(page)
    glyphs = page.evaluate(GLYPHS_JS)
    assert glyphs["ink"] > 50 and not glyphs["sameAsOther"] and not glyphs["sameAsMissing"], glyphs
    return page.locator('[data-testid="stMain"]').inner_text()


def test_inspector_pages_in_chinese(page, app_url):
    main = _page_in_chinese(page, app_url + "/mapping?lang=zh", "映射检查器", 7)
    assert len(CJK.findall(main)) > 150 and "撕裂分数" in main, main[:500]
    assert "Mapping inspector" not in main and "Latent-grid warp" not in main
    shot(page, "i18n_mapping_zh")
    main = _page_in_chinese(page, app_url + "/discriminator?lang=zh", "判别器检查器", 1)
    assert len(CJK.findall(main)) > 100 and "平面上的 D" in main, main[:500]
    shot(page, "i18n_discriminator_zh")
    sidebar = page.locator('[data-testid="stSidebar"]')  # the tutorial model: D's 2-D features
    sidebar.get_by_text("教程模型").click()
    sidebar.get_by_role("button", name="训练它").click()
    step = page.get_by_role("button", name="执行 G 更新并显示前后对比")
    step.wait_for(timeout=300_000)
    _idle(page)
    step.click()
    main = page.locator('[data-testid="stMain"]')
    _wait(page, lambda: "真实质心的移动" in main.inner_text(), 120, "the before/after metrics")
    _idle(page)
    assert "Real centroid" not in main.inner_text()
    shot(page, "i18n_discriminator_steps_zh")


def test_compare_page_in_chinese_trains(page, app_url):
    _page_in_chinese(page, app_url + "/compare?lang=zh", "比较随机种子", 0)
    seeds = page.locator(".st-key-cmp_seeds input")
    seeds.focus()
    for _ in range(7):
        seeds.press("ArrowLeft")
    page.get_by_text("2 个成员 × 3,000 步").wait_for()  # nsgan + wgan_gp, one seed each
    steps = page.locator(".st-key-cmp_steps input")
    steps.fill("20")
    steps.press("Enter")
    page.get_by_text("2 个成员 × 20 步").wait_for()
    _idle(page)
    page.get_by_role("button", name="全部训练").click()
    page.get_by_text("完成：20 步").wait_for(timeout=180_000)
    _wait(page, lambda: sum(n > 0 for n in page.evaluate(PLOTS_JS)) >= 2, 60, "the two charts")
    _idle(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "点击一行" in main and "Train all" not in main, main[:800]
    shot(page, "i18n_compare_zh")

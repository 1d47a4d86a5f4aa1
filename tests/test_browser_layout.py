"""Browser checks of the layout fixes from issue #14, measured on the drawn page (element
boxes, not pixels): the loss legend clear of the "step" titles, the morph's slider value
clear of Play/Pause, D's colourbar next to its plot, the lock chips inside their column,
no truncated variant name or button label.

Screenshots: test-artifacts/layout_*.png.
"""
from __future__ import annotations

import pytest

from browser_helpers import ARTIFACTS, shot, wait_until

pytestmark = pytest.mark.browser

IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
BOXES_JS = """([root, css]) => Array.from(document.querySelectorAll(root + ' ' + css)).map(e => {
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""
# Text cut by an ellipsis or hidden overflow: the text is wider than its box.
CUT_JS = """(css) => Array.from(document.querySelectorAll(css)).filter(
  e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


def _element_shot(locator, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _boxes(page, root: str, css: str) -> list[list[float]]:
    return page.evaluate(BOXES_JS, [root, css])


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _open(page, url: str, ready: str) -> None:
    page.goto(url, wait_until="load")
    page.locator(ready).first.wait_for(timeout=120_000)
    page.wait_for_function(IDLE, timeout=120_000)


def _plot_drawn(page, root: str, css: str) -> None:
    page.wait_for_function("([r, c]) => document.querySelector(r + ' ' + c)", arg=[root, css],
                           timeout=120_000)


def _open_the_variant_box(page) -> None:
    """Click the variant box until its options show: on a busy machine a rerun can redraw
    the box under the first click, which then opens nothing."""
    def opened():
        page.locator(".st-key-cfg_variant input").click()
        try:
            page.locator('[role="option"]').nth(5).wait_for(timeout=5_000)
            return True
        except Exception:
            page.keyboard.press("Escape")
            return False
    wait_until(page, opened, 120, "the variant box's options", poll=0.5, shot_name="layout_failure")


def test_playground_names_are_not_cut(page, app_url):
    _open(page, app_url, ".st-key-cfg_variant input")
    _open_the_variant_box(page)
    shot(page, "layout_variant_options")
    cut = page.evaluate(CUT_JS, '[role="option"] div, [role="option"] span')
    assert not cut, f"variant names cut short: {cut}"
    longest = max(page.locator('[role="option"]').all_inner_texts(), key=len)
    page.locator('[role="option"]', has_text=longest).first.click()
    page.wait_for_function("(v) => document.querySelector('.st-key-cfg_variant input').value === v",
                           arg=longest, timeout=60_000)
    page.wait_for_function(IDLE, timeout=120_000)
    cut = page.evaluate(CUT_JS, '[data-testid="stButton"] button p, .st-key-cfg_variant div')
    assert not cut, f"labels cut short: {cut}"


def test_loss_legend_clear_of_the_step_titles(page, app_url):
    _open(page, app_url, ".st-key-pg_train button")
    page.get_by_role("button", name="Train", exact=True).click()
    root = '[data-testid="stMain"]'
    _plot_drawn(page, root, "text.x2title")  # the loss chart appears with the first steps
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Train", exact=True).wait_for()
    legend = _boxes(page, root, ".js-plotly-plot:has(text.x2title) g.legend")
    titles = _boxes(page, root, ".js-plotly-plot:has(text.x2title) text.xtitle, "
                                ".js-plotly-plot:has(text.x2title) text.x2title")
    _element_shot(page.locator(".js-plotly-plot:has(text.x2title)").first, "layout_losses")
    assert legend and len(titles) == 2
    assert not any(_overlap(legend[0], t) for t in titles), (legend, titles)


def test_morph_slider_value_clear_of_play_pause(page, app_url):
    _open(page, app_url + "/mapping", ".st-key-map_morph")
    root = ".st-key-map_morph"
    _plot_drawn(page, root, "g.slider-group > text.slider-label")
    value = _boxes(page, root, "g.slider-group > text.slider-label")
    buttons = _boxes(page, root, "g.updatemenu-button")
    ticks = _boxes(page, root, ".xtick text")
    _element_shot(page.locator(root), "layout_morph")
    assert value and len(buttons) == 2 and ticks
    assert not any(_overlap(value[0], b) for b in buttons), (value, buttons)
    assert not any(_overlap(t, b) for t in ticks for b in buttons), (ticks, buttons)


def test_discriminator_colourbar_next_to_its_plot(page, app_url):
    _open(page, app_url + "/discriminator", ".js-plotly-plot")
    root = ".js-plotly-plot"
    _plot_drawn(page, "", ".js-plotly-plot g.colorbar")
    plot = _boxes(page, "", ".js-plotly-plot:has(g.colorbar) rect.nsewdrag")[0]
    bar = _boxes(page, "", ".js-plotly-plot g.colorbar rect.cbbg")[0]
    _element_shot(page.locator(root).first, "layout_disc")
    gap_x = max(bar[0] - plot[2], plot[0] - bar[2], 0)
    gap_y = max(bar[1] - plot[3], plot[1] - bar[3], 0)
    assert gap_x < 40 and gap_y < 80, (plot, bar)


def test_lock_chips_all_show_inside_the_page(page, app_url):
    _open(page, app_url + "/levers", ".st-key-levers_locks")
    box = page.locator(".st-key-levers_locks")
    page.wait_for_function("() => document.querySelectorAll('.st-key-levers_locks button')"
                           ".length >= 16", timeout=120_000)  # digits: 16 levers
    box.get_by_role("button", name="z15", exact=True).click()  # the last one can be clicked
    page.wait_for_function(IDLE, timeout=60_000)
    _element_shot(box, "layout_locks")
    area = _boxes(page, "", ".st-key-levers_locks")[0]
    chips = _boxes(page, ".st-key-levers_locks", "button:not([data-testid=stTooltipHoverTarget])")
    names = page.evaluate(CUT_JS, ".st-key-levers_locks div")
    assert len(chips) >= 16
    assert all(c[2] <= area[2] + 1 for c in chips), (area, chips)
    assert not names, f"the chips' row is cut: {names}"


def test_lever_charts_keep_their_tick_labels(page, app_url):
    """A 2-D model's levers: every tick label inside its chart (the minus of "-1" was cut
    at a 10 px margin), and the sweep chart's "lever value" clear of its tick labels."""
    _open(page, app_url + "/levers?model=spiral__nsgan", ".js-plotly-plot")
    root = '[data-testid="stMain"]'
    _plot_drawn(page, root, ".js-plotly-plot text.xtitle")
    svgs = _boxes(page, root, ".js-plotly-plot .main-svg:first-child")
    for t in _boxes(page, root, ".js-plotly-plot .ytick text, .js-plotly-plot .xtick text"):
        assert any(s[0] <= t[0] + 0.5 and t[2] <= s[2] + 0.5 and s[1] <= t[1] + 0.5
                   and t[3] <= s[3] + 0.5 for s in svgs), ("a tick label cut by its chart", t, svgs)
    sweep = ".js-plotly-plot:has(text.xtitle)"
    title = _boxes(page, root, f"{sweep} text.xtitle")
    xticks = _boxes(page, root, f"{sweep} .xtick text")
    _element_shot(page.locator(sweep).first, "layout_lever_sweeps")
    assert title and xticks
    assert not any(_overlap(title[0], t) for t in xticks), (title, xticks)

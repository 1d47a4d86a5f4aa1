"""Browser test of the Compare page: 2 variants x 4 seeds train; the small multiples (one
SVG figure, 8 panels with points) and the rate chart render, the step shown moves on as
they train (waited for, not timed), Stop ends it, member 2 opens on the Playground, and
the downloaded ensemble file opens again in a new browser session with the same table.
Screenshots: test-artifacts/compare_live.png, compare_stopped.png,
compare_member_on_playground.png, compare_reopened.png."""
from __future__ import annotations

import pytest

from browser_helpers import shot, wait_until

pytestmark = pytest.mark.browser

GRID = ".st-key-cmp_grid .js-plotly-plot"
RATES = ".st-key-cmp_rates .js-plotly-plot"


def _step(page) -> int:
    text = page.locator('[data-testid="stProgress"]').inner_text()
    digits = text.split("step ")[-1].split(" ")[0].replace(",", "")
    return int(digits) if digits.isdigit() else -1


# A fragment rerun can briefly leave the old chart beside the new one: read the last drawn.
LAST = "(sel) => [...document.querySelectorAll(sel)].filter(e => e.data).pop()"


def _panels_with_points(page) -> int:
    return page.evaluate(f"""() => {{
        const g = ({LAST})('{GRID}');
        return g ? g.data.filter(t => t.type === 'scatter' && t.x.length > 0).length : 0;
    }}""")


def test_two_variants_four_seeds_train_live(page, app_url, browser, tmp_path):
    page.goto(app_url + "/compare", wait_until="networkidle")
    page.get_by_role("button", name="Train all").wait_for()
    seeds = page.locator(".st-key-cmp_seeds input")
    seeds.focus()
    for _ in range(4):
        seeds.press("ArrowLeft")
    page.get_by_text("8 members × 3,000 steps").wait_for()  # the slider's value reached the server
    page.get_by_role("button", name="Train all").click()
    page.wait_for_function(f"() => {{ const g = ({LAST})('{GRID}'); return g && g.data.length === 8; }}",
                           timeout=120_000)
    page.wait_for_function(f"() => {{ const r = ({LAST})('{RATES}'); return r && r.data.length === 3; }}")
    # The 8 panels are drawn before the members' first samples reach them.
    wait_until(page, lambda: _panels_with_points(page) == 8, 120, "samples in all 8 panels",
               shot_name="compare_failure")
    titles = page.evaluate(f"() => [...({LAST})('{GRID}').querySelectorAll('.annotation-text')]"
                           ".map(e => e.textContent)")
    # each panel its seed; each variant named once, beside its row
    assert sum(t.startswith("seed ") for t in titles) == 8, titles
    assert titles.count("nsgan") == 1 and titles.count("wgan_gp") == 1, titles
    first = _step(page)
    page.wait_for_function(  # the fragment keeps redrawing: the step shown moves on
        f"() => /step (\\d[\\d,]*)/.test(document.querySelector('[data-testid=\"stProgress\"]')"
        f".innerText) && parseInt(document.querySelector('[data-testid=\"stProgress\"]')"
        f".innerText.match(/step (\\d[\\d,]*)/)[1].replace(/,/g, '')) > {first}",
        timeout=120_000)
    shot(page, "compare_live")
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("Stopped at step").wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "compare_stopped")
    saved = _download_ensemble(page, tmp_path)
    table = _table_text(page)
    assert "None" not in table  # a member not yet checked shows a dash
    _open_member_two(page)
    _reopen(browser, app_url, saved, table)


def _table_text(page) -> str:
    """The member table's cells as the grid's accessible text (its canvas has an a11y DOM)."""
    grid = page.locator(".st-key-cmp_table [data-testid=stDataFrameResizable]")
    grid.scroll_into_view_if_needed()
    return grid.locator("table").inner_text()


def _download_ensemble(page, tmp_path):
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Download the ensemble").click()
    path = tmp_path / "ensemble.safetensors"
    dl.value.save_as(path)
    assert path.stat().st_size > 1000
    return path


def _reopen(browser, app_url, saved, table: str) -> None:
    """A new browser session opens the file: the same members and results, no training."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(app_url + "/compare", wait_until="networkidle")
        page.get_by_text("Open an ensemble file").click()
        page.locator(".st-key-cmp_upload input[type=file]").set_input_files(str(saved))
        page.locator(".st-key-cmp_table [data-testid=stDataFrameResizable]").wait_for(timeout=60_000)
        page.wait_for_function(f"() => {{ const g = ({LAST})('{GRID}'); return g && g.data.length === 8; }}",
                               timeout=60_000)
        assert _table_text(page) == table
        assert page.locator('[data-testid="stException"]').count() == 0
        shot(page, "compare_reopened")
    finally:
        context.close()


def _open_member_two(page) -> None:
    """Click row 2's marker in the table (a canvas grid: by position), then open it."""
    grid = page.locator(".st-key-cmp_table [data-testid=stDataFrameResizable]")
    grid.scroll_into_view_if_needed()
    page.wait_for_function("() => { const r = document.querySelector("
                           "'.st-key-cmp_table [data-testid=stDataFrameResizable]')"
                           ".getBoundingClientRect(); return r.top >= 0 && r.height > 100; }")
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 * 2 + 17)  # header 35 px, then 35 px rows
    page.get_by_role("button", name="Open member 2 on the Playground").click()
    page.get_by_text("member 2 of a comparison (nsgan, seed 1, ring8)").wait_for(timeout=120_000)
    page.locator(".st-key-pg_samples .js-plotly-plot").wait_for(timeout=120_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "compare_member_on_playground")

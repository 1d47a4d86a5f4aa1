"""Browser round trip of a run through a file, in the system Chromium: train from fresh
weights past the point where Reset asks, pause, Save run (a real download), reset
(answering the question), then open the file in a new session: the same step, the same
eval-batch samples in the chart, and Train goes on from there. A file that is not a
checkpoint is refused with a message on the page. Screenshots: test-artifacts/run_files_*.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from browser_helpers import shot, wait_until
from test_browser_playground import _step

pytestmark = pytest.mark.browser

# Every point of the chart's eval batch ("generated"), from Plotly's decoded data.
POINTS_JS = """() => {
  const plot = document.querySelector('.st-key-pg_samples .js-plotly-plot');
  const data = plot && (plot._fullData || plot.data);
  const t = data && data.find(d => d.name === 'generated');
  const title = plot && plot._fullLayout && plot._fullLayout.title;
  return t && t.x ? {x: Array.from(t.x), y: Array.from(t.y),
                     title: title ? String(title.text) : ''} : null;
}"""


def _wait(page, cond, timeout: float, what: str, poll: float = 0.3):
    return wait_until(page, cond, timeout, what, poll, "run_files_failure")


def _idle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def _open_app(browser, app_url):
    context = browser.new_context(viewport={"width": 1500, "height": 1100},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_text("Pretrained:").first.wait_for(timeout=90_000)
    _idle(page)
    return page


def _points_at(page, step: int):
    """The chart's eval batch once it is drawn for `step` (its title names the step)."""
    pts = _wait(page, lambda: (lambda p: p if p and f"{step:,}" in p["title"] else None)(
        page.evaluate(POINTS_JS)), 60, f"the chart drawn at step {step}")
    return np.array([pts["x"], pts["y"]], np.float64)


def _train_then_pause(page, past: int) -> int:
    page.get_by_role("button", name="Train", exact=True).click()
    page.mouse.move(900, 5)
    _wait(page, lambda: _step(page) > past, 240, f"the step counter to pass {past}")
    page.get_by_role("button", name="Pause", exact=True).click()
    _wait(page, lambda: page.get_by_role("button", name="Train", exact=True).count() > 0, 60, "paused")
    _idle(page)

    def steady():  # the counter has caught up with the paused run
        a = _step(page)
        time.sleep(1.0)
        return a if a == _step(page) > past else None
    return _wait(page, steady, 30, "the step to hold still")


def _save(page, tmp_path):
    button = page.get_by_role("button", name="Save run", exact=True)
    _wait(page, lambda: button.count() == 1, 30, "one Save run button")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def _reset_with_the_question(page) -> None:
    page.get_by_role("button", name="Reset", exact=True).click()
    box = page.locator(".st-key-pg_discard_box")
    box.wait_for()
    assert "Reset throws away" in box.inner_text()
    shot(page, "run_files_reset_asks")
    page.get_by_role("button", name="Discard and reset").click()
    _wait(page, lambda: _step(page) == 0, 60, "step 0 after the reset")
    box.wait_for(state="detached")


def _open_file(page, path) -> None:
    # Not while the page is about to rerun: a new session's detector panel reruns the page
    # once the model's first check is in (seconds later on a busy machine), and an upload
    # set on the file input as that rerun lands was lost in CI (2 runs in a row).
    _wait(page, lambda: page.get_by_text("first check of this model is running").count() == 0,
          120, "the detector's first check")
    _idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator("summary", has_text="Open a saved run").click()
    sidebar.locator('.st-key-pg_run_upload_0 input[type="file"]').set_input_files(str(path))


def test_save_reset_and_open_a_run_in_a_new_session(browser, app_url, tmp_path):
    from gan_core import checkpoints
    page = _open_app(browser, app_url)
    page.get_by_role("button", name="Reset", exact=True).click()  # the pretrained spiral: no question
    _wait(page, lambda: _step(page) == 0, 60, "fresh weights at step 0")
    step = _train_then_pause(page, 400)
    before = _points_at(page, step)
    path = _save(page, tmp_path)
    assert path.name == f"spiral-nsgan-step{step}.safetensors"
    saved = checkpoints.load(path)
    assert saved.step == step and saved.train_state and saved.history["rows"]
    _reset_with_the_question(page)
    page.context.close()

    page = _open_app(browser, app_url)  # a new session
    _open_file(page, path)
    try:
        page.get_by_text(f"Opened: {path.name}").first.wait_for(timeout=90_000)
    except Exception:
        shot(page, "run_files_open_failure")
        raise
    _wait(page, lambda: _step(page) == step, 60, f"step {step} after opening")
    after = _points_at(page, step)
    np.testing.assert_allclose(after, before, rtol=0, atol=1e-5)
    shot(page, "run_files_opened")
    _train_then_pause(page, step + 50)
    shot(page, "run_files_trained_on")
    page.context.close()


def test_a_file_that_is_not_a_run_is_refused_on_the_page(browser, app_url, tmp_path):
    page = _open_app(browser, app_url)
    before = _step(page)
    bad = tmp_path / "holiday.safetensors"
    bad.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00not json")
    _open_file(page, bad)
    err = page.locator('[data-testid="stSidebar"] [data-testid="stAlertContentError"]')
    err.first.wait_for(timeout=60_000)
    text = err.first.inner_text()
    assert text.startswith("Cannot open holiday.safetensors:") and "Traceback" not in text
    assert _step(page) == before
    shot(page, "run_files_refused")
    page.context.close()


def _sidebar_text(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def _sidebar_shot(page, name: str) -> None:
    """The sidebar as seen with the CSV uploader in view (a full-page shot shows its top)."""
    from browser_helpers import ARTIFACTS
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("using: pts.csv").first.scroll_into_view_if_needed()
    sidebar.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _pick(page, box, text: str) -> None:
    """Choose `text` in a selectbox by typing it, as a user can; retried while a rerun
    redraws the box under the keyboard."""
    def chosen():
        if not box.input_value().startswith(text):
            box.click()
            box.fill(text)
            page.keyboard.press("Enter")
            page.mouse.move(900, 5)
        return box.input_value().startswith(text)
    _wait(page, chosen, 60, f"{text!r} chosen", poll=1.0)


def _upload_csv(page, path) -> None:
    page.locator('.st-key-pg_upload input[type="file"]').set_input_files(str(path))


def test_csv_limit_and_the_points_in_use_are_said_on_the_page(browser, app_url, tmp_path):
    """An over-limit CSV gets a message on the page (not Streamlit's hover-only one), the
    good points still in use are named, and after a page switch the stale error is gone."""
    from ui.controls import MAX_UPLOAD_MB
    good, big = tmp_path / "pts.csv", tmp_path / "huge.csv"
    good.write_text("x,y\n" + "".join(f"{i % 20},{(i * 7) % 13}\n" for i in range(400)))
    big.write_bytes(b"x,y\n" + b"1.000000,2.000000\n" * (MAX_UPLOAD_MB * 1_200_000 // 18))
    page = _open_app(browser, app_url)
    sidebar = page.locator('[data-testid="stSidebar"]')
    _pick(page, sidebar.locator(".st-key-cfg_target input"), "custom")
    _upload_csv(page, good)
    _wait(page, lambda: "Using: pts.csv, 400 points." in _sidebar_text(page), 60, "points in use")
    hint = page.locator('.st-key-pg_upload [data-testid="stFileUploaderDropzoneInstructions"]')
    assert not hint.is_visible()  # Streamlit's own "50MB per file" would contradict "≤ 5 MB"
    _upload_csv(page, big)
    _wait(page, lambda: f"the limit is {MAX_UPLOAD_MB} MB" in _sidebar_text(page), 90,
          "the size message")
    assert "Still using: pts.csv, 400 points." in _sidebar_text(page)
    _sidebar_shot(page, "run_files_csv_limit")
    # Past the uploader's own limit (10x) Streamlit refuses the file in the browser; its
    # message is shown under the file, not only in a tooltip.
    huge = tmp_path / "huger.csv"
    with huge.open("wb") as f:
        f.write(b"x,y\n")
        f.write(b"1.000000,2.000000\n" * (MAX_UPLOAD_MB * 10_500_000 // 18))
    _upload_csv(page, huge)
    refused = page.locator('.st-key-pg_upload [data-testid="stFileChip"] > span',
                           has_text="File must be")
    refused.wait_for(timeout=60_000)
    assert refused.bounding_box()["width"] > 100, "Streamlit's size message is still hidden"
    _sidebar_shot(page, "run_files_csv_refused_by_streamlit")
    page.get_by_role("link", name="Levers").click()
    page.get_by_role("heading", name="Levers").first.wait_for()
    page.get_by_role("link", name="Playground").click()
    _wait(page, lambda: "Using: pts.csv, 400 points." in _sidebar_text(page), 60,
          "the points in use after a page switch")
    assert "Cannot use" not in _sidebar_text(page)
    _sidebar_shot(page, "run_files_csv_after_switch")
    page.context.close()


def test_a_remedy_says_on_the_page_what_it_changed(browser, app_url):
    """The first page's pretrained spiral carries a detector alert with remedies: one
    click restarts the run, and the page says which settings changed and that it restarted
    (a toast, and a line that is still there after the reruns)."""
    page = _open_app(browser, app_url)
    button = page.locator('[class*="st-key-pg_remedy_"] button').first
    button.wait_for(timeout=90_000)
    label = button.locator('[data-testid="stMarkdownContainer"]').inner_text().strip()  # not the icon's name
    button.click()
    toast = page.locator('[data-testid="stToast"]', has_text="restarted from step 0")
    toast.first.wait_for(timeout=60_000)  # it fades after ~10 s: look at it first
    assert f"Remedy: {label}." in toast.first.inner_text()
    assert toast.first.get_by_text("view more").count() == 0  # short enough to show whole
    note = page.locator('[data-testid="stAlertContentInfo"]', has_text=f"Remedy: {label}.")
    note.first.wait_for(timeout=60_000)
    _wait(page, lambda: _step(page) < 20_000, 60, "the restarted run's step")
    text = note.first.inner_text()
    assert "restarted from step 0" in text and "stopped at step 20,000" in text, text
    shot(page, "run_files_remedy_note")
    before = _step(page)
    page.get_by_role("button", name="Step both").click()  # a full rerun: the line stays
    _wait(page, lambda: _step(page) > before, 60, "one more step")
    _idle(page)
    assert note.count() == 1
    page.context.close()

"""A run survives a dropped websocket (issue #13, part 1).

An init script keeps a reference to every WebSocket the page opens (Streamlit's frontend
holds its own privately), so the test can close the live one mid-training, the way a
network blip does. Streamlit then reconnects with the same session id: the page must come
back on the same run (same id in Diagnostics), still running, its step counter going on
from where it was instead of starting again at 0. Screenshots: test-artifacts/.
"""
from __future__ import annotations

import re
import time

import pytest

from browser_helpers import RUN_GRACE, shot, wait_until

pytestmark = pytest.mark.browser

STEP_RE = re.compile(r"step ([\d,]+) · [^\n]* · (\w+)")
RUN_RE = re.compile(r"diag-run=([A-Za-z0-9_-]{16})")  # secrets.token_urlsafe(12)

KEEP_SOCKETS = """(() => {
  const Native = window.WebSocket;
  window.__glSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__glSockets.push(this); }
  };
})();"""

DROP_SOCKETS = """() => {
  const open = window.__glSockets.filter(s => s.readyState === WebSocket.OPEN);
  open.forEach(s => s.close());
  return {closed: open.length, total: window.__glSockets.length};
}"""

# The step of the newest frame the live chart's feed (ui/live_feed.py) drew without a rerun.
FEED_STEP = """() => {
  const d = document.querySelector('.st-key-pg_samples div.gl-live');
  return d && d.__liveFrame ? d.__liveFrame.step : -1;
}"""

RECONNECTED = """(n) => window.__glSockets.length > n
  && window.__glSockets[window.__glSockets.length - 1].readyState === WebSocket.OPEN"""


def _status(page):
    """(step, state) from the Playground's status line, or None while it is not drawn."""
    m = STEP_RE.search(page.locator('[data-testid="stMain"]').inner_text())
    return (int(m.group(1).replace(",", "")), m.group(2)) if m else None


def _wait(page, cond, timeout: float, what: str, poll: float = 0.3):
    return wait_until(page, cond, timeout, what, poll, "reconnect_failure")


def _run_id(page) -> str | None:
    exp = page.locator('[data-testid="stSidebar"] [data-testid="stExpander"]', has_text="Diagnostics")
    if not exp.locator("details[open]").count() and not exp.get_attribute("open"):
        exp.locator("summary").click()
    try:
        text = exp.get_by_text(RUN_RE).inner_text(timeout=15_000)
    except Exception:  # no run id shown (the code before the registry)
        return None
    return RUN_RE.search(text).group(1)


def _train(page) -> tuple[int, str | None]:
    page.goto(page.app_url, wait_until="domcontentloaded")
    page.get_by_text("Pretrained:").first.wait_for(timeout=90_000)
    start = _wait(page, lambda: _status(page), 60, "the status line")[0]
    page.get_by_role("button", name="Train", exact=True).click()
    page.mouse.move(900, 5)
    _wait(page, lambda: (s := _status(page)) and s[1] == "running" and s[0] > start + 300,
          180, "training to pass 300 steps")
    return start, _run_id(page)


def _keeps_going(page, before: int) -> int:
    """Polls the counter: it must never fall below `before`, and must move past it."""
    def check():
        s = _status(page)
        if s and s[0] < before:
            shot(page, "reconnect_failure")
            pytest.fail(f"the run was lost: step {before:,} before the drop, {s[0]:,} ({s[1]}) after")
        return s if s and s[1] == "running" and s[0] > before + 200 else None
    return _wait(page, check, 120, "the step counter to go on after the reconnect")[0]


def test_a_dropped_websocket_keeps_the_run(browser, app_url):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    context.add_init_script(KEEP_SOCKETS)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.app_url = app_url
    try:
        _, run_before = _train(page)
        n = page.evaluate("() => window.__glSockets.length")
        step_before = _status(page)[0]
        dropped = page.evaluate(DROP_SOCKETS)
        assert dropped["closed"] >= 1, dropped
        page.wait_for_function(RECONNECTED, arg=n, timeout=60_000)
        step_after = _keeps_going(page, step_before)
        # the chart's feed found the same run again too: frames past the drop, no restart
        feed = _wait(page, lambda: (v := page.evaluate(FEED_STEP)) > step_after and v, 60,
                     "a live frame from after the drop")
        shot(page, "reconnect_after_drop")
        run_after = _run_id(page)
        assert run_before is not None and run_after == run_before, (run_before, run_after)
        print(f"step {step_before:,} at the drop, {step_after:,} after it (feed frame {feed:,}); "
              f"run {run_after}")
    finally:
        context.close()


def test_an_open_paused_page_keeps_its_run_past_the_grace_period(browser, app_url):
    """Nothing reruns on a paused page, so nothing touches its run: the reaper must see
    that the session is still connected (Streamlit's Runtime.is_active_session)."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        page.get_by_text("Pretrained:").first.wait_for(timeout=90_000)
        step, state = _wait(page, lambda: _status(page), 60, "the status line")
        assert state in ("idle", "paused"), state
        run_id = _run_id(page)
        # Not a synchronisation sleep: the claim is about what happens over this time.
        # (A reaper slowed by a busy machine could only let the test pass, never fail it.)
        time.sleep(RUN_GRACE + 2 * RUN_GRACE / 5 + 2)
        page.get_by_role("button", name="Step both").click()

        def stepped():
            s = _status(page)
            if s and s[0] < step:  # a fresh run at step 0 took its place
                shot(page, "reconnect_failure")
                pytest.fail(f"the paused run was freed while its page was open: step {step:,} -> {s[0]:,}")
            return s and s[0] > step
        _wait(page, stepped, 60, "the single step")
        assert _run_id(page) == run_id
        assert page.get_by_text("earlier run was freed").count() == 0
        shot(page, "reconnect_paused_page_kept")
    finally:
        context.close()

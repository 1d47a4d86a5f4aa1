"""Browser test of the lessons: the Lessons page lists them; "Start" on D's feature space
(the quickest claim: it can hold from step 200) opens the Playground with the lesson's
panel; Train; the claim's "seen at step N" line appears. Screenshots: test-artifacts/
lessons_page.png, lessons_panel_pending.png, lessons_panel_seen.png."""
from __future__ import annotations

import re

import pytest

from browser_helpers import shot, wait_until
from gan_core import i18n

pytestmark = pytest.mark.browser

SEEN = re.compile(r"seen at step ([\d,]+): " + re.escape(i18n.text("lessons.features.centroid")))


def test_pick_a_lesson_train_and_see_its_claim_hold(page, app_url):
    page.goto(app_url + "/lessons", wait_until="domcontentloaded")
    card = page.locator(".st-key-gl_card_features")
    card.wait_for(timeout=120_000)
    page.get_by_text(i18n.text("lessons.turing.title")).wait_for()  # the last card drawn
    shot(page, "lessons_page")
    card.get_by_role("button", name=i18n.text("lessons.page.start")).click()
    panel = page.locator(".st-key-gl_lesson_panel")
    panel.wait_for(timeout=120_000)
    wait_until(page, lambda: "watching for" in panel.inner_text(), 60,
               "the claim, pending", shot_name="lessons_failure")
    shot(page, "lessons_panel_pending")
    page.get_by_role("button", name="Train", exact=True).click()
    # Settled either way: a missed claim fails now, with the panel's text, not at the timeout.
    text = wait_until(page, lambda: (lambda t: t if SEEN.search(t) or "not seen" in t else None)(
        panel.inner_text()), 180, "the claim's 'seen at step' line", poll=1.0,
        shot_name="lessons_failure")
    assert SEEN.search(text), text
    step = int(SEEN.search(text).group(1).replace(",", ""))
    assert 200 <= step <= 2000  # within the claim's window (after 200, by 2,000)
    page.get_by_role("button", name="Pause").click()
    shot(page, "lessons_panel_seen")

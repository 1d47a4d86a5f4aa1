"""Browser tests of the model overview graph and slow motion (issue 19, parts 1 and 4) in
the system Chromium: the graph updates from the live feed while training; at 1 step/s the
highlight goes D -> G and the fakes glide on the samples view; Step D / Step G light their
paths; hovering a node picks its layer out on the samples view. Every wait is on a
condition. Screenshots: test-artifacts/overview_*.png."""
from __future__ import annotations

import time

import pytest

from browser_helpers import shot, wait_until

pytestmark = pytest.mark.browser

OV = """() => { const r = document.querySelector('div.ov-root');
  if (!r) return null;
  const img = (id) => { const i = r.querySelector(`image[data-view="${id}"]`);
                        return i ? i.getAttribute('href') || '' : ''; };
  return {phase: r.dataset.phase || '', step: Number(r.dataset.step || -1),
          frames: Number(r.dataset.frames || 0), emphasis: r.dataset.emphasis || '',
          fake: img('fake'), map: img('D'),
          lit: Array.from(r.querySelectorAll('path[class*="lit-"]')).map(p => p.dataset.edge),
          dloss: (r.querySelector('text[data-loss="dloss"]') || {}).textContent || '',
          spark: ((r.querySelector('polyline[data-spark="dloss"]') || {getAttribute: () => ''})
                  .getAttribute('points') || '').trim().split(/\s+/).filter(Boolean).length}; }"""

# Waits in the page for the next live frame of a G update, then samples the chart's overlay
# on each animation frame until the next live frame: distinct pictures mean the points moved
# between frames from the server, i.e. they glided.
GLIDE_JS = """async () => {
  const d = document.querySelector('.st-key-pg_samples div.gl-live');
  const f0 = d && d.__liveFrame, t0 = performance.now();
  let f = null;
  while (performance.now() - t0 < 15000) {
    const g = d.__liveFrame;
    if (g && g !== f0 && g.phase === 'g' && g.before) { f = g; break; }
    await new Promise(r => requestAnimationFrame(r));
  }
  if (!f) return null;
  const seen = new Set();
  for (let n = 0; n < 40 && d.__liveFrame === f; n++) {
    const c = d.querySelector('canvas.gl-overlay');
    if (c) seen.add(c.toDataURL());
    await new Promise(r => requestAnimationFrame(r));
  }
  const b = f.before.generated, t = f.traces.generated;
  // A browser lagging behind the server gets the next frame at once: try another G frame.
  if (seen.size < 2) return null;
  return {distinct: seen.size, speed: f.speed, same: b.x.bdata === t.x.bdata && b.y.bdata === t.y.bdata};
}"""


# The overview's phase changes as they happen ([phase, step] each), until n or 30 s. The
# whole page is observed and the graph's root looked up on each change: a full rerun may
# mount the graph afresh (even its element's container), and an observer on the old node
# would see nothing more.
PHASES_JS = """(n) => new Promise((done) => {
  const out = [];
  const obs = new MutationObserver(() => {
    const r = document.querySelector('div.ov-root');
    if (!r || !r.dataset.phase) return;
    const last = out[out.length - 1], now = [r.dataset.phase, Number(r.dataset.step)];
    if (!last || last[0] !== now[0]) out.push(now);
    if (out.length >= n) { obs.disconnect(); done(out); }
  });
  obs.observe(document.body, {attributes: true, subtree: true,
                              attributeFilter: ['data-phase', 'data-step']});
  setTimeout(() => { obs.disconnect(); done(out); }, 30000);
})"""


def _open(page, app_url):
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_text("Pretrained:").first.wait_for(timeout=120_000)
    # Generous: on a machine shared with other jobs the first page has taken over a minute.
    return wait_until(page, lambda: (lambda o: o if o.get("fake") else None)(_ov(page)), 120,
                      "the overview's first views", shot_name="overview_failure")


def _ov(page):
    return page.evaluate(OV) or {}


def _wait_phase(page, phase: str, timeout: float = 60):
    return wait_until(page, lambda: _ov(page).get("phase") == phase and _ov(page), timeout,
                      f"the overview to show phase {phase!r}", poll=0.05,
                      shot_name="overview_failure")


def _shot_region(page, name: str):
    """The overview and the samples view under it, in one picture (test-artifacts/)."""
    box = page.evaluate("""() => { const a = document.querySelector('.st-key-pg_overview')
        .getBoundingClientRect(), b = document.querySelector('.st-key-pg_samples').getBoundingClientRect();
      return {x: Math.min(a.left, b.left), y: Math.max(0, a.top), w: Math.max(a.right, b.right) - Math.min(a.left, b.left),
              h: Math.min(window.innerHeight, b.bottom) - Math.max(0, a.top)}; }""")
    path = shot(page, name)
    if box["w"] > 0 and box["h"] > 0:  # else (a rerun moved the view off screen) the page shot
        page.screenshot(path=str(path), clip={"x": box["x"], "y": box["y"], "width": box["w"],
                                              "height": box["h"]})


def _soon(page, js: str, want: str, seconds: float = 3.0) -> bool:
    """Whether `js` gives `want` within `seconds` (no failure when it does not)."""
    end = time.time() + seconds
    while time.time() < end:
        if page.evaluate(js) == want:
            return True
        time.sleep(0.1)
    return False


def _shot_overview(page, name: str):
    """The overview alone. A clip of the page, not an element shot: a rerun can replace the
    element while Playwright waits for it to hold still."""
    box = wait_until(page, lambda: page.evaluate("""() => {
        const e = document.querySelector('.st-key-pg_overview'), r = e && e.getBoundingClientRect();
        e && e.scrollIntoView({block: 'nearest'});  // a rerun may have moved it off screen
        return r && r.width > 0 && r.bottom > 0 && r.top < window.innerHeight ? {x: r.left, y: Math.max(0, r.top), width: r.width,
                                   height: Math.min(window.innerHeight, r.bottom) - Math.max(0, r.top)} : null; }"""),
                     30, "the overview on screen", shot_name="overview_failure")
    path = shot(page, name)
    if box["height"] > 0:  # else it moved again meanwhile: the page shot above stays
        page.screenshot(path=str(path), clip=box)


def _scroll_to_overview(page):
    page.evaluate("() => document.querySelector('.st-key-pg_overview').scrollIntoView({block: 'center'})")


def test_the_overview_updates_live_while_training(page, app_url):
    first = _open(page, app_url)
    assert first["map"].startswith("data:image/png")  # D's decision map is drawn
    # the pretrained model's recorded losses, before it takes a step
    assert any(ch.isdigit() for ch in first["dloss"]) and first["spark"] > 10, first
    page.get_by_role("button", name="Train").click()
    start = wait_until(page, lambda: _ov(page).get("phase") == "both" and _ov(page), 60,
                       "training to reach the overview", shot_name="overview_failure")
    # Frames keep coming from the feed: new steps, new fakes, both paths lit.
    later = wait_until(page, lambda: (lambda o: o if o.get("frames", 0) >= start["frames"] + 5
                                      and o["step"] > start["step"] and o["fake"] != first["fake"]
                                      else None)(_ov(page)),
                       60, "five more overview frames with new fakes", shot_name="overview_failure")
    assert {"real-D", "grad-D", "grad-G", "D-gloss"} <= set(later["lit"])
    assert any(ch.isdigit() for ch in later["dloss"])
    _scroll_to_overview(page)
    _shot_region(page, "overview_training")
    page.get_by_role("button", name="Pause").click()


def test_step_d_and_step_g_light_their_own_paths(page, app_url):
    """On a fresh run: after Reset the graph once kept the pretrained model's step 20,000
    as the newest it had drawn, and ignored every frame of the new run."""
    _open(page, app_url)
    page.get_by_role("button", name="Reset", exact=True).click()
    wait_until(page, lambda: _ov(page).get("step") == 0, 60, "the overview at step 0 after Reset",
               shot_name="overview_failure")
    _scroll_to_overview(page)
    page.get_by_role("button", name="Step D").click()
    d = _wait_phase(page, "d")
    assert "grad-D" in d["lit"] and "grad-G" not in d["lit"] and "real-D" in d["lit"]
    _shot_overview(page, "overview_step_d")
    page.get_by_role("button", name="Step G").click()
    g = _wait_phase(page, "g")
    assert "grad-G" in g["lit"] and "grad-D" not in g["lit"] and "real-D" not in g["lit"]
    assert g["step"] == 2, g  # the new run's own steps
    _shot_overview(page, "overview_step_g")


def test_slow_motion_shows_d_then_g_and_the_fakes_glide(page, app_url):
    _open(page, app_url)
    thumb = page.locator(".st-key-pg_speed input[type=range]")
    thumb.focus()
    thumb.press("End")  # the slowest: 1 step/s
    wait_until(page, lambda: thumb.get_attribute("aria-valuetext") == "1/s", 30,
               "the speed control at 1 step/s", shot_name="overview_failure")
    # The server has the new speed once the page has rerun with it.
    wait_until(page, lambda: page.locator(".st-key-pg_speed").get_attribute("data-stale") == "false",
               30, "the page's rerun", shot_name="overview_failure")
    page.get_by_role("button", name="Train").click()
    _wait_phase(page, "d")
    t0 = time.monotonic()
    seen = page.evaluate(PHASES_JS, 6)
    elapsed = time.monotonic() - t0
    assert len(seen) >= 4, seen
    # The highlight goes D, G, D, G... (a busy browser may skip frames, never reorder them):
    # G's update counts the step, D's (the first half of the next step) does not.
    for (p0, s0), (p1, s1) in zip(seen, seen[1:]):
        assert {p0, p1} == {"d", "g"}, seen
        assert s1 > s0 if p1 == "g" else s1 >= s0, seen
    assert seen[-1][1] - seen[0][1] <= elapsed + 2, (seen, elapsed)  # 1 step/s at most
    glide = wait_until(page, lambda: page.evaluate(GLIDE_JS), 90,
                       "a G frame of slow motion drawn on its way", shot_name="overview_failure")
    assert glide["speed"] == 1 and not glide["same"]  # G's update moved the fakes
    _scroll_to_overview(page)
    _wait_phase(page, "d")
    _shot_region(page, "overview_slow_d")
    _wait_phase(page, "g")
    _shot_region(page, "overview_slow_g")
    page.get_by_role("button", name="Pause").click()


def test_hovering_a_node_picks_its_layer_out_on_the_samples_view(page, app_url):
    _open(page, app_url)
    _scroll_to_overview(page)
    layer = """() => { const c = document.querySelector('.st-key-pg_samples canvas.gl-emph');
                       return c ? c.dataset.layer : ''; }"""
    def hovered(node: str, want: str) -> bool:
        # From off the graph each time: a graph mounted afresh by a rerun (which clears the
        # emphasis) under a resting mouse gets no new mouseenter.
        page.mouse.move(5, 5)
        page.locator(f'g[data-node="{node}"]').hover()
        return _soon(page, layer, want)

    for node, want in [("D", "field"), ("real", "real"), ("fake", "fake")]:
        wait_until(page, lambda n=node, w=want: hovered(n, w), 30, f"{node} to pick out {want}",
                   poll=0.1, shot_name="overview_failure")
        _shot_region(page, f"overview_hover_{node}")
    page.mouse.move(5, 5)
    wait_until(page, lambda: page.evaluate(layer) == "", 20, "the emphasis to go",
               shot_name="overview_failure")
    page.locator('g[data-node="D"]').click()  # a click keeps it
    page.mouse.move(5, 5)
    assert page.evaluate(layer) == "field"

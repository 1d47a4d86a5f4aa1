"""What the live feed (ui.live_feed) adds to each frame for the model overview graph and
slow motion: the update's phase, the fakes from before it (the chart glides them), the
losses, and D's decision map, computed by the training thread with each snapshot.

Kept apart from live_feed so that the feed's own file changes by a line or two. No torch
at import: app.py imports the feed as the server starts (see live_feed.probe_extra).
"""
from __future__ import annotations

import math

from gan_core import plots


def extra(run) -> dict:
    """Run by the training thread with each snapshot while a session shows the overview."""
    from gan_core import overview
    return {"dmap": overview.decision_map(run, run.out_target.bounds)}


def finite_losses(losses: dict) -> dict:
    return {k: float(v) for k, v in losses.items() if math.isfinite(v)}


def frame_part(snap, trainer, extra: dict, highlight: list, f4) -> dict:
    """The frame's phase, speed and losses; the fakes before a single update (as the
    moving traces they were, so the browser matches them by name); D's map when made."""
    out = {"phase": snap.phase, "speed": float(getattr(trainer, "speed", 0.0)),
           "losses": finite_losses(snap.losses)}
    if snap.before is not None and len(snap.before) == len(snap.fake):
        moving = plots.moving_traces(snap.before, highlight=highlight or None)
        out["before"] = {name: {"x": f4(v["x"]), "y": f4(v["y"])} for name, v in moving.items()}
    if extra.get("dmap") is not None:
        out["dmap"] = extra["dmap"]
    return out

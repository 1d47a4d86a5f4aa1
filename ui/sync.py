"""What a change of the Playground's settings does to the running model: which fields
the running optimisers take at once, and whether the networks must be rebuilt.

Pure: configs in, a plain decision out, so it is tested without Streamlit
(`ui.run_control.sync_trainer` carries the decision out).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SyncPlan:
    live: dict = field(default_factory=dict)  # field -> new value, applied without a reset
    structural: tuple[str, ...] = ()  # changed fields the running networks cannot take
    reset: bool = False  # rebuild the run now with the desired config
    ask: bool = False  # a reset is needed but training has begun: ask the user first
    why: str = ""  # why a reset is needed ('' when it is not)

    @property
    def idle(self) -> bool:
        """Nothing to do."""
        return not (self.live or self.reset or self.ask)


def split_changes(current, desired, live_fields) -> tuple[dict, dict]:
    """(live, structural): fields that differ, split by whether the running
    optimisers can take them without a reset."""
    a, b = dataclasses.asdict(current), dataclasses.asdict(desired)
    diff = {k: b[k] for k in b if a[k] != b[k]}
    live = {k: v for k, v in diff.items() if k in live_fields}
    return live, {k: v for k, v in diff.items() if k not in live}


def plan_sync(current, desired, live_fields, step: int, force: bool = False) -> SyncPlan:
    """How to bring a run built from `current`, now at `step`, in line with `desired`.
    `force` (a preset, a confirmed reset, new data) rebuilds even with no structural
    change. A run still at step 0 is rebuilt without asking: there is nothing to lose."""
    if desired == current and not force:
        return SyncPlan()
    live, structural = split_changes(current, desired, live_fields)
    names = tuple(sorted(structural))
    if force:
        return SyncPlan(live, names, reset=True, why="a fresh run was asked for")
    if not structural:
        return SyncPlan(live)
    why = f"{', '.join(names)} changes the networks or the data"
    return SyncPlan(live, names, reset=step == 0, ask=step != 0, why=why)

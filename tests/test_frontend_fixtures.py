"""Fixtures for the JavaScript tests (tests/frontend, run by `node --test`): the Python
references computed here, written as JSON for node to check ui/frontend against. Also
the components' joined bundles (ui.live_chart.frontend_js), for node to load.

`make frontend` runs this file before `node --test`; the node tests fail, saying so, when
the fixtures are missing."""
import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from plotly.io.json import to_json_plotly

from gan_core import levers as L
from gan_core.lever_figures import strip_ink
from gan_core.trainer import Run
from gan_core.variants import config_for
from ui.live_chart import BUNDLES, frontend_js, plan_payload
from ui.live_feed import _f4

torch.set_num_threads(1)
OUT = Path(__file__).resolve().parents[1] / "test-artifacts" / "frontend"
# (variant, config extras): a plain G, one with a class suffix, one with folded BatchNorm
# and leaky ReLU under a tanh output.
PLANS = [("nsgan", {}), ("cgan", {}),
         ("nsgan", {"g_batchnorm": True, "activation": "leaky_relu", "g_output": "tanh"})]


def _write(name: str, obj) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_text(obj if isinstance(obj, str) else json.dumps(obj))


def _plan_case(variant: str, extra: dict, seed: int) -> dict:
    """A trained-a-little G as the browser gets it (plan_payload) and plan_forward's answer."""
    run = Run(config_for(variant, target="eight_gaussians", g_width=32, d_width=32, seed=seed,
                         **extra))
    for _ in range(3):
        run.step()  # moves BatchNorm's running statistics away from their start
    spec = L.lever_spec(run)
    plan = L.mlp_plan(run, 1 if spec.n_classes else None)
    z = np.random.default_rng(seed).uniform(spec.lo, spec.hi, (9, spec.dim)).astype(np.float32)
    _, body = plan_payload(plan)
    return {"name": f"{variant} {extra}", "plan": body, "dz": spec.dim,
            "z": z.ravel().tolist(), "want": L.plan_forward(plan, z).ravel().tolist(),
            "acts": [act for _, _, act in plan["layers"]]}


def test_plan_fixtures():
    cases = [_plan_case(v, extra, seed) for seed, (v, extra) in enumerate(PLANS)]
    acts = {a for c in cases for a in c["acts"]}
    assert {"relu", "leaky_relu", "tanh", ""} <= acts  # every activation the JS knows
    assert any(c["plan"]["suffix"] for c in cases)  # and a class suffix
    _write("plans.json", cases)


def test_sweep_and_pixel_fixtures():
    z0 = np.array([0.5, -1.25, 2.0, 0.0], np.float32)
    values = L.lever_values(-3, 3, 5)
    dims = [2, 0, 3]
    rows = np.concatenate([z0[None], L.all_sweeps(z0, values, dims)])
    pixels = np.linspace(-1.3, 1.3, 25)  # a 5x5 tile, past both ends: clipped
    _write("sweeps.json", {"z": z0.tolist(), "dims": dims, "values": values.tolist(),
                           "want": rows.ravel().tolist()})
    _write("pixels.json", {"x": pixels.tolist(),
                           "want": strip_ink(pixels[None, None], 5).ravel().tolist()})


def test_column_fixtures():
    """The live feed sends float32 arrays in plotly.js's {dtype: "f4", bdata} form; plotly.py
    sends plain lists."""
    xs = np.random.default_rng(0).normal(size=50).astype(np.float32)
    trace = json.loads(to_json_plotly(go.Scattergl(y=[1.0, 2.0, 3.0])))
    trace["x"] = _f4(xs)
    _write("columns.json", {"trace": trace, "x": xs.tolist(), "y": [1.0, 2.0, 3.0]})


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_bundles_are_one_module(name):
    """Each component's joined source: no sibling import left, one default export, last."""
    js = frontend_js(*BUNDLES[name])
    lines = js.splitlines()
    assert not [ln for ln in lines if ln.startswith("import ")]
    exports = [i for i, ln in enumerate(lines) if ln.startswith("export ")]
    assert len(exports) == 1 and lines[exports[0]].startswith("export default function")
    assert exports[0] > max(i for i, ln in enumerate(lines) if ln.startswith("// ---- "))
    _write(f"bundle_{name}.mjs", js)

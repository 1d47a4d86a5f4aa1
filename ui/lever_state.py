"""The Levers page's state: the slider values (`lv_<i>`), locks and class, kept in the
URL (st.query_params) so that a link reproduces exactly this generator and setting;
and the lever report, cached across sessions for a pretrained generator."""
from __future__ import annotations

import numpy as np
import streamlit as st

from ui.i18n import t

from gan_core import levers as L


def _parse_floats(text: str, n: int, lo: float, hi: float) -> np.ndarray | None:
    try:
        vals = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        return None
    if len(vals) != n or not all(np.isfinite(vals)):
        return None
    return np.clip(np.asarray(vals, np.float32), lo, hi)


def _url_model(source) -> str:
    """How the URL names `source`: a live run's id changes with every reset, so 'live'."""
    return "live" if source.model_id.startswith("live:") else source.model_id


def init_state(source, spec: L.LeverSpec) -> None:
    """On a new generator, or when the levers' values were lost (a run that did not draw
    them ended): levers from the URL when it names this generator, else 0."""
    if st.session_state.get("levers_model") == source.model_id and "lv_0" in st.session_state:
        return
    st.session_state["levers_model"] = source.model_id
    z = np.zeros(spec.dim, np.float32)
    if st.query_params.get("model", "") == _url_model(source):
        parsed = _parse_floats(st.query_params.get("z", ""), spec.dim, spec.lo, spec.hi)
        if parsed is not None:
            z = parsed
    _set_z(z)
    st.session_state["levers_locks"] = []
    if spec.n_classes:
        c = st.query_params.get("c", "0")
        st.session_state["lv_class"] = int(c) if c.isdigit() and int(c) < spec.n_classes else 0


def _set_z(z) -> None:
    for i, v in enumerate(z):
        st.session_state[f"lv_{i}"] = float(round(float(v), 2))


def current_z(spec: L.LeverSpec) -> np.ndarray:
    return np.array([st.session_state.get(f"lv_{i}", 0.0) for i in range(spec.dim)], np.float32)


def locked(spec: L.LeverSpec) -> list[bool]:
    names = set(st.session_state.get("levers_locks") or [])
    return [n in names for n in spec.names]


def randomise(spec: L.LeverSpec) -> None:
    st.session_state["levers_seed"] = st.session_state.get("levers_seed", 0) + 1
    prior = "uniform" if spec.lo >= -1 and spec.hi <= 1 else "normal"
    _set_z(L.randomise(current_z(spec), locked(spec), spec.lo, spec.hi,
                       st.session_state["levers_seed"], prior))


def reset(spec: L.LeverSpec) -> None:
    for i, lock in enumerate(locked(spec)):
        if not lock:
            st.session_state[f"lv_{i}"] = 0.0


def write_url(source, z: np.ndarray, c) -> None:
    want = {"model": _url_model(source), "z": ",".join(f"{v:.2f}" for v in z)}
    if c is not None:
        want["c"] = str(int(c))
    if any(st.query_params.get(k) != v for k, v in want.items()):
        st.query_params.update(want)
    if c is None and "c" in st.query_params:
        del st.query_params["c"]


# --------------------------------------------------------------------------- the lever report
@st.cache_resource(show_spinner=False)
def classifier(target_name: str):
    from gan_core.classifier import classifier_for
    return classifier_for(target_name)


def report(call, c) -> tuple:
    """(matrix, lever names, factor names, method, summary, entanglement) of the lever
    report on the generator behind `call`."""
    def fn(run):
        clf = classifier(run.out_target.name) if getattr(run.out_target, "side", 0) else None
        return L.lever_report(run, clf, c)
    rep = call(fn)
    return rep.matrix, rep.lever_names, rep.factor_names, rep.method, rep.summary(), rep.entanglement()


@st.cache_data(show_spinner="Computing the lever report…", max_entries=32)
def cached_report(model_id: str, c, _call):
    """`report` for a generator that never changes (a pretrained one), by its id."""
    return report(_call, c)


def classifier_reading(x) -> None:
    from gan_core.classifier import predict_probs
    clf = classifier(st.session_state.get("levers_target", "digits"))
    probs = predict_probs(clf, x[None])[0]
    order = np.argsort(-probs)[:3]
    st.markdown(t("levers.classifier", digit=int(order[0]), p=float(probs[order[0]]),
                  rest=" · ".join(f"{k}: {probs[k]:.0%}" for k in order[1:])))

"""AppTest of the Compare page on a tiny ensemble (K = 2, 20 steps), and the hand-over of
a member to the Playground."""
from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _run_until_done(at: AppTest, timeout: float = 240) -> None:
    """Timers do not fire in AppTest: rerun until the job's thread has finished."""
    from ui import compare_state as CS
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = CS._JOBS.get(at.session_state["cmp_job"])
        if job is not None and job.state != "running":
            at.run()
            return
        time.sleep(0.3)
    raise AssertionError("the comparison did not finish in time")


def _trained_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/compare.py"), default_timeout=120)
    at.session_state["gl_lang"] = lang
    at.run()
    _ok(at)
    at.multiselect(key="cmp_variants").set_value(["nsgan"])
    at.slider(key="cmp_seeds").set_value(2)
    at.number_input(key="cmp_steps").set_value(20)
    at.button(key="cmp_train").click().run()
    _ok(at)
    _run_until_done(at)
    _ok(at)
    return at


def test_compare_page_trains_a_tiny_ensemble_and_shows_its_results():
    at = _trained_page()
    assert "Done: 20 steps" in at.get("progress")[0].proto.text
    assert len(at.get("plotly_chart")) == 2  # small multiples + rates
    table = at.dataframe[0].value
    assert list(table["seed"]) == [0, 1] and set(table["variant"]) == {"nsgan"}
    assert (table["step"] == 20).all()
    assert any("nsgan**: 0 of 2 collapsed" in m.value for m in at.markdown)
    assert len(at.get("download_button")) == 2  # the CSV and the ensemble file


def test_compare_page_in_chinese():
    at = _trained_page("zh")  # the same widget keys drive it in either language
    assert at.title[0].value == "比较随机种子"
    assert "完成：20 步" in at.get("progress")[0].proto.text
    table = at.dataframe[0].value
    assert list(table["种子"]) == [0, 1] and set(table["变体"]) == {"nsgan"}
    assert not any(v.isascii() for v in table["结论"]), list(table["结论"])  # the detector's words
    assert any("nsgan**：2 个中有 0 个崩溃" in m.value for m in at.markdown)
    assert at.button(key="cmp_train").label == "全部训练"


def test_a_member_opens_as_the_playground_run():
    at = _trained_page()
    from ui import compare_state as CS
    from ui import session as S
    job = CS._JOBS[at.session_state["cmp_job"]]
    member = job.member_run(1)
    want = member.state()
    moments = {k: v["exp_avg"].clone() for k, v in member.opts.g.state_dict()["state"].items()}

    def script():
        import streamlit as st

        from ui import compare_state as CS
        job = CS._JOBS[st.session_state["cmp_job"]]
        st.write(CS.open_on_playground(job, 1) or "opened")

    probe = AppTest.from_function(script, default_timeout=60)
    probe.session_state["cmp_job"] = at.session_state["cmp_job"]
    probe.run()
    _ok(probe)
    assert probe.markdown[0].value == "opened"
    assert probe.session_state["pg_config"].seed == 1
    trainer = S.registry().get(probe.session_state[S.RUN_KEY])
    assert trainer is not None, "the session has no Playground run"
    assert trainer.run.cfg.seed == 1 and trainer.run.step_count == 20
    got = trainer.run.state()
    assert all(bool((got[k] == want[k]).all()) for k in want)
    # Adam's moments come along: the run trains on as it would have in the ensemble
    got_moments = trainer.run.opts.g.state_dict()["state"]
    assert moments and set(got_moments) == set(moments)
    assert all(bool((got_moments[k]["exp_avg"] == m).all()) for k, m in moments.items())


def test_the_settings_are_kept_through_a_visit_to_another_page():
    """Streamlit drops an undrawn widget's value on a page switch: the Compare page came
    back at ring8, nsgan + wgan_gp, 8 seeds and 3,000 steps, beside results made otherwise."""
    from ui import session
    session.registry().clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/compare.py").run()
    _ok(at)
    at.selectbox(key="cmp_target").set_value("spiral")
    at.multiselect(key="cmp_variants").set_value(["lsgan"])
    at.slider(key="cmp_seeds").set_value(3)
    at.number_input(key="cmp_steps").set_value(500).run()
    at.switch_page("pages/playground.py").run()
    at.switch_page("pages/compare.py").run()
    _ok(at)
    assert at.selectbox(key="cmp_target").value == "spiral"
    assert at.multiselect(key="cmp_variants").value == ["lsgan"]
    assert (at.slider(key="cmp_seeds").value, at.number_input(key="cmp_steps").value) == (3, 500)
    session.registry().clear()

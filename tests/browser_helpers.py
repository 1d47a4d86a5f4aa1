"""Helpers for the browser tests and the browser benchmarks: a Streamlit server on a
free port, the system Chromium's flags, and `shot(page, name)` for screenshots in
test-artifacts/. Plain functions, so a test or a benchmark imports them by name."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
RUN_GRACE = 15  # s: the test server frees a run nobody has looked at for this long
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(proc: subprocess.Popen, n: int = 3000) -> str:
    path = getattr(proc, "log_path", None)
    if not path or not Path(path).exists():
        return ""
    return f"\n--- last lines of {path} ---\n" + Path(path).read_text(errors="replace")[-n:]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited early with code {proc.returncode}" + _log_tail(proc))
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within {timeout:.0f} s"
                       + _log_tail(proc))


def start_streamlit(script: str = "app.py", extra_env: dict | None = None):
    port = free_port()
    # The served app trains in its worker processes, as it does for its users; the
    # in-process tests' GAN_LEVERS_WORKERS=0 (conftest) is theirs alone.
    env = {k: v for k, v in os.environ.items() if k != "GAN_LEVERS_WORKERS"}
    env = {**env, "PYTHONPATH": str(ROOT), "GAN_LEVERS_THREADS": "1", **(extra_env or {})}
    log = open(ARTIFACTS / f"streamlit-{port}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()  # the child keeps its own copy of the descriptor
    proc.log_path = log.name
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
    except Exception:
        stop_process(proc)
        raise
    return proc, url


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def shot(pg, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def wait_until(page, cond, timeout: float, what: str, poll: float = 0.3,
               shot_name: str = "failure"):
    """Poll `cond` until it returns something truthy and return that; past `timeout`
    seconds take a screenshot (when there is a page) and fail, naming what was awaited."""
    end = time.time() + timeout
    value = None
    while time.time() < end:
        value = cond()
        if value:
            return value
        time.sleep(poll)
    if page is not None:
        shot(page, shot_name)
    import pytest
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last: {value!r})")

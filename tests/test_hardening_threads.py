"""Issue #15: forgotten trainers, interpreter exit and atomic writes."""
import gc
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from engine_helpers import tiny_config
from gan_core.trainer import Trainer

ROOT = Path(__file__).resolve().parents[1]


def _trainer_threads():
    return [t for t in threading.enumerate() if t.name == "gan-levers-trainer" and t.is_alive()]


def test_a_dropped_trainer_does_not_keep_its_thread():
    trainer = Trainer(tiny_config())
    trainer.start()
    trainer.wait_steps(3)
    thread = trainer._thread
    del trainer
    gc.collect()
    thread.join(5)
    assert not thread.is_alive()


def test_a_leftover_trainer_started_here():
    # deliberately not stopped: the conftest fixture must stop it after this test
    Trainer(tiny_config()).start()
    globals()["_LEFTOVER"] = Trainer(tiny_config())
    globals()["_LEFTOVER"].start()


def test_the_fixture_stopped_the_leftover_trainers():
    deadline = time.time() + 5
    while _trainer_threads() and time.time() < deadline:
        time.sleep(0.05)
    assert _trainer_threads() == []


EXIT_WHILE_TRAINING = """
import sys
sys.path.insert(0, {root!r})
import torch
torch.set_num_threads(1)
import gan_core.trainer as T
from gan_core.variants import config_for
T.configure_threads = lambda: None  # it imports POT and sklearn: 2 s a child
t = T.Trainer(config_for("nsgan", g_width=16, d_width=16, g_depth=2, d_depth=2, batch_size=32,
                       eval_size=64))
t.start()
t.wait_steps(5)
# exit with the thread mid-step, never stopped
"""


def _exit_code(_):
    code = EXIT_WHILE_TRAINING.format(root=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stderr[-300:]


def test_interpreter_exit_while_training_is_clean():
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(_exit_code, range(10)))
    assert [code for code, _ in results] == [0] * 10, results


def test_the_classifier_file_is_written_atomically(tmp_path, monkeypatch):
    from gan_core import checkpoints, classifier
    written = []
    real = checkpoints.write_atomic
    monkeypatch.setattr(checkpoints, "write_atomic",
                        lambda path, data: written.append(path) or real(path, data))
    monkeypatch.setattr(classifier, "train_classifier",
                        lambda x, y, **k: classifier.DigitClassifier(x.shape[1], 8))
    path = tmp_path / "clf.safetensors"
    classifier.build_pretrained(path)
    assert written == [path]
    assert classifier.load_classifier(path).hidden == 8
    assert [p.name for p in tmp_path.iterdir()] == ["clf.safetensors"]

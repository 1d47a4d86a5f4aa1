"""`python -m gan_core.worker_boot ARGS`: a training worker (`gan_core.run_host ARGS`)
that does its imports at a low priority.

The first worker boots as the server starts, beside the server's own imports and its first
visitors' pages: torch, torch._dynamo, POT and scikit-learn, ~3.5 s of a core. At normal
priority it cost a page either way on a 2-core machine (benchmarks/cold_start.py): booted
with the server's imports, the first visitor's chart came 0.9 s later (6.3 -> 7.2 s);
booted after them, the next visitor's did, still sharing the CPU with it (2.4 -> 3.4 s).
Here the imports run in a thread at nice +10 (on Linux a thread has its own nice value),
so they use the CPU the pages leave. The worker then serves and trains from its main
thread, and the threads that one starts, at normal priority.
"""
from __future__ import annotations

import os
import sys
import threading

NICE = 10


def _import_quietly(argv: list[str]) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
    except (AttributeError, OSError):  # not Linux: the imports run at normal priority
        pass
    from gan_core import run_host
    from gan_core.device import configure_threads
    configure_threads(run_host.parse_flags(argv).threads)  # before PRELOAD, as run_host.main does
    run_host.preload()


def main(argv: list[str]) -> None:
    boot = threading.Thread(target=_import_quietly, args=(argv,), name="gan-levers-boot")
    boot.start()
    boot.join()
    from gan_core import run_host  # a failed import above fails here again, with its traceback
    run_host.main(argv, preload=False)


if __name__ == "__main__":
    main(sys.argv[1:])

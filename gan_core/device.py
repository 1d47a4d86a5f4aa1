"""The one place that decides where tensors live and how many CPU threads torch uses."""
from __future__ import annotations

import os

import torch


def pick_device() -> torch.device:
    """CUDA, then Apple's MPS, then CPU. Override with GAN_LEVERS_DEVICE=cpu|cuda|mps."""
    forced = os.environ.get("GAN_LEVERS_DEVICE")
    if forced:
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


_pool_limit: int | None = None  # the bound configure_threads chose, for pools loaded later


def configure_threads(limit: int | None = None) -> int:
    """Bound torch's intra-op threads. Leave one core free: the UI server needs it, and on a
    busy 2-core machine two spin-waiting OpenMP threads ran 10-50x slower than one."""
    global _pool_limit
    if limit is None:
        cores = os.cpu_count() or 1
        limit = int(os.environ.get("GAN_LEVERS_THREADS", "0")) or min(max(cores - 1, 1), 4)
    limit = max(1, limit)
    if torch.get_num_threads() != limit:
        torch.set_num_threads(limit)
    _pool_limit = limit
    limit_native_pools()
    return limit


def limit_native_pools() -> None:
    """The same bound for the thread pools of numpy/scipy (OpenBLAS) and scikit-learn/POT
    (OpenMP), which the detector's metrics use. Each starts one thread per core; beside
    the training thread on 2 busy cores a detector pass took 320 ms instead of 60. Only
    loaded libraries can be bounded, and POT, scipy and scikit-learn take ~3 s to import,
    so gan_core.metrics imports them on first use and calls this again then."""
    if _pool_limit is None:  # nobody asked for a bound: leave the pools as they start
        return
    from threadpoolctl import threadpool_limits
    threadpool_limits(limits=_pool_limit)

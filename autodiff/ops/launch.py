"""Run a 1-D elementwise kernel, split over two threads for large arrays.

Kernels are ``nogil``: two halves run at once on the two cores without Numba's
``parallel=True`` machinery, whose compiled kernels load from cache several times
slower and whose thread start-up costs more than the work on small arrays.
"""
from concurrent.futures import ThreadPoolExecutor
import os

import numpy as np

PARALLEL_MIN = 1 << 17          # below this many elements one thread is faster
_THREADS = max(1, min(int(os.environ.get('AUTODIFF_NUM_THREADS', os.cpu_count() or 1)), 8))
_pool = None


def _executor():
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=_THREADS - 1, thread_name_prefix='autodiff')
    return _pool


def launch(kernel, code, *args):
    """Call ``kernel(code, *args)``; the last arg is the output, its length sets the split."""
    n = args[-1].shape[0]
    if n < PARALLEL_MIN or _THREADS == 1:
        kernel(code, *args)
        return
    bounds = np.linspace(0, n, _THREADS + 1).astype(np.int64) // 64 * 64
    bounds[-1] = n
    parts = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        parts.append([a[lo:hi] if isinstance(a, np.ndarray) and a.ndim == 1 and a.shape[0] == n
                      else a for a in args])
    pool = _executor()
    futures = [pool.submit(kernel, code, *p) for p in parts[1:]]
    kernel(code, *parts[0])
    for f in futures:
        f.result()

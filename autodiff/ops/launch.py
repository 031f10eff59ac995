"""Run a 1-D elementwise kernel, split over two threads for large arrays.

Kernels are ``nogil``: two halves run at once on the two cores without Numba's
``parallel=True`` machinery, whose compiled kernels load from cache several times
slower and whose thread start-up costs more than the work on small arrays.
"""
from concurrent.futures import ThreadPoolExecutor
import os

import numpy as np

# Below this many elements one thread is faster: handing half the work to the pool thread
# costs ~50-60 us here (waking it), which a cheap loop (relu, multiply) only wins back on
# millions of elements and tanh from ~2^18.  (Measured 2026-11-26; 2^17 before made W3's
# 131,072-element relu 5x slower.)
PARALLEL_MIN = 1 << 19
THREADS = max(1, min(int(os.environ.get('AUTODIFF_NUM_THREADS', os.cpu_count() or 1)), 8))
_pool = None
_ndarray = np.ndarray


def _executor():
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=THREADS - 1, thread_name_prefix='autodiff')
    return _pool


def split_bounds(n, parts=THREADS, align=64):
    """``parts + 1`` increasing bounds from 0 to ``n``, inner ones multiples of ``align``.

    Integer arithmetic only (``np.linspace`` costs ~50 µs a call).
    """
    step = n // parts
    return [0] + [(k * step) // align * align for k in range(1, parts)] + [n]


def run_split(fn, n, *args):
    """Call ``fn(lo, hi, *args)`` on ``THREADS`` consecutive pieces of ``range(n)`` at once.

    ``fn`` must release the GIL (a ``nogil`` kernel) for the pieces to overlap.  Returns
    the list of the pieces' return values, in order.
    """
    b = split_bounds(n)
    pool = _executor()
    futures = [pool.submit(fn, b[k], b[k + 1], *args) for k in range(1, len(b) - 1)]
    first = fn(b[0], b[1], *args)
    return [first] + [f.result() for f in futures]


def share(task, pieces, parts=THREADS):
    """``[task(k) for k in range(pieces)]``, the pieces handed out one at a time to the
    caller and up to ``parts - 1`` pool threads, whichever asks first.

    One hand-off per call, not per piece.  A pool thread that has not started when the
    caller has run out of pieces is cancelled instead of waited for, so on a busy machine
    (the pool thread not scheduled for milliseconds) the call costs what one thread
    doing every piece costs, plus the submission (~10 us); it cannot deadlock when the
    caller is itself a pool thread.  ``task`` must release the GIL for most of its time
    (nogil kernels, BLAS) for the pieces to overlap.  The results are in piece order,
    whichever thread computed them, so sums over them are deterministic."""
    out = [None] * pieces

    def run(k, _):
        out[k] = task(k)
    _hand_out(run, pieces, parts, None)
    return out


def share_acc(task, pieces, make_acc, parts=THREADS):
    """``task(k, acc)`` for ``k`` in ``range(pieces)``, handed out as ``share`` does; each
    thread that takes part passes its own ``acc = make_acc()`` (e.g. a partial sum).
    Returns the accs, the caller's first; a pool thread cancelled before it started
    made none."""
    return _hand_out(task, pieces, parts, make_acc)


def _hand_out(task, pieces, parts, make_acc):
    """The loop of ``share`` / ``share_acc``: the threads' accs (None without ``make_acc``)."""
    order = iter(range(pieces))     # (next() on it is atomic under the GIL)

    def worker():
        acc = make_acc() if make_acc is not None else None
        for k in order:
            task(k, acc)
        return acc

    if parts < 2 or pieces < 2:
        return [worker()]
    pool = _executor()
    futures = [pool.submit(worker) for _ in range(min(parts, pieces) - 1)]
    accs = []
    try:
        accs.append(worker())
    finally:                        # (also on an error: no thread still writes afterwards)
        for f in futures:
            if not f.cancel():
                accs.append(f.result())
    return accs


def run(kernel, *args):
    """Call ``kernel(*args)``; the last arg is the output, its length sets the split (1-D
    arrays of that length are cut into pieces, everything else is passed whole)."""
    n = args[-1].shape[0]
    if n < PARALLEL_MIN or THREADS == 1:
        kernel(*args)
        return

    def piece(lo, hi):
        kernel(*[a[lo:hi] if isinstance(a, _ndarray) and a.ndim == 1 and a.shape[0] == n
                 else a for a in args])
    run_split(piece, n)


def launch(kernel, code, *args):
    """``run(kernel, code, *args)``: a kernel that selects its operation by an opcode."""
    run(kernel, code, *args)

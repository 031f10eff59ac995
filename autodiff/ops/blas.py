"""Small matrix products on one BLAS thread.

NumPy's OpenBLAS runs a product on all its threads once ``M*N*K`` passes 262,144.  For
the products of a small network (LeNet's 64x256 @ 256x120) the second thread costs more
than it saves, and on a busy 2-core machine much more: waking it took milliseconds (W6's
nine FC products took ~35 ms of a 50 ms step with two threads, the whole step ~25 ms
with one; 2026-12).  ``matmul(a, b)`` here runs ``numpy.matmul`` with OpenBLAS limited to
one thread when the product has at most ``SMALL_GEMM`` multiply-adds, and as NumPy does
otherwise.

The thread count is OpenBLAS's process-wide setting (``openblas_set_num_threads``, found
with ctypes in the library NumPy loaded, as ``threadpoolctl`` does): it is lowered for
the duration of the small product and restored after the last concurrent one (a counter
under a lock).  A large product that another thread starts meanwhile runs on one thread
(slower, never wrong).  Without OpenBLAS (MKL, Accelerate) nothing is changed.
"""
import ctypes
import glob
import os
import threading

import numpy as _onp

# At most this many multiply-adds go to one BLAS thread (W6's largest FC product is 2M,
# W3's small ones 1.3M; W3's 256x784x512 = 103M keeps both threads).
SMALL_GEMM = 1 << 22
# OpenBLAS itself runs a GEMM on one thread up to M*N*K = 65536 * GEMM_MULTITHREAD_THRESHOLD
# (4 by default; interface/gemm.c): below that lowering the thread count changes nothing and
# its lock and two ctypes calls (~1-1.5 us) were most of a 4x4 product's cost (W9).
ONE_THREAD_ANYWAY = 1 << 18

_PREFIXES = ('scipy_openblas', 'openblas')
_SUFFIXES = ('64_', '')


def _candidates():
    """Paths of the OpenBLAS libraries loaded in this process (NumPy's first)."""
    paths = []
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                path = line.rsplit(None, 1)[-1] if '/' in line else ''
                if 'openblas' in os.path.basename(path).lower() and path not in paths:
                    paths.append(path)
    except OSError:
        pass
    here = os.path.dirname(os.path.dirname(_onp.__file__))
    for pattern in ('numpy.libs/*openblas*', 'numpy/.dylibs/*openblas*'):
        paths += [p for p in glob.glob(os.path.join(here, pattern)) if p not in paths]
    return paths


def _find():
    """``(get, set)`` for OpenBLAS's thread count, or ``(None, None)``."""
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in _SUFFIXES:
                get = getattr(lib, f'{prefix}_get_num_threads{suffix}', None)
                put = getattr(lib, f'{prefix}_set_num_threads{suffix}', None)
                if get is not None and put is not None:
                    get.restype, get.argtypes = ctypes.c_int, []
                    put.restype, put.argtypes = None, [ctypes.c_int]
                    return get, put
    return None, None


_get, _set = _find()
_lock = threading.Lock()
_active = 0
_saved = 1


def _enter():
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = _get()
            if _saved > 1:
                _set(1)
        _active += 1


def _exit():
    global _active
    with _lock:
        _active -= 1
        if _active == 0 and _saved > 1:
            _set(_saved)


def one_thread_available():
    """True when the OpenBLAS thread count could be found (small products use it)."""
    return _set is not None


def matmul(a, b, macs=None, limit=SMALL_GEMM, out=None):
    """``numpy.matmul(a, b, out=out)``, on one BLAS thread when the product has at most
    ``limit`` multiply-adds (``macs``; computed from the shapes when None)."""
    if _set is None:
        return _product(a, b, out)
    if macs is None:
        if a.ndim == 2 and b.ndim == 2:
            macs = a.size * b.shape[1]
        else:
            m = a.shape[-2] if a.ndim > 1 else 1
            n = b.shape[-1] if b.ndim > 1 else 1
            k = max(a.shape[-1], 1)
            batch = max(a.size // max(m * k, 1), b.size // max(k * n, 1), 1)
            macs = batch * m * k * n
    if macs > limit or macs <= ONE_THREAD_ANYWAY:
        return _product(a, b, out)
    _enter()
    try:
        return _product(a, b, out)
    finally:
        _exit()


def _product(a, b, out):
    return _onp.matmul(a, b) if out is None else _onp.matmul(a, b, out=out)

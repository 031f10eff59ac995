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

``gemm`` is the one BLAS call NumPy does not offer: ``C = alpha * op(A) @ B + beta * C``
into an existing (strided) ``C``, which lets a sum of products accumulate in place (the
implicit-GEMM convolution).  It calls the CBLAS ``?gemm`` of the same library through
ctypes (ILP64 symbols with the ``64_`` suffix only, whose integer width is known), and
NumPy (a product into a temporary, then added) when there is none.
"""
import ctypes
import glob
import os
import threading

import numpy as _onp

from .launch import THREADS, _executor

# At most this many multiply-adds go to one BLAS thread (W6's largest FC product is 2M,
# W3's small ones 1.3M; W3's 256x784x512 = 103M keeps both threads).
SMALL_GEMM = 1 << 22
# OpenBLAS itself runs a GEMM on one thread up to M*N*K = 65536 * GEMM_MULTITHREAD_THRESHOLD
# (4 by default; interface/gemm.c): below that lowering the thread count changes nothing and
# its lock and two ctypes calls (~1-1.5 us) were most of a 4x4 product's cost (W9).
ONE_THREAD_ANYWAY = 1 << 18

# Batched products (``matmul_batched``) of more multiply-adds than this are split by samples
# over the threads (W6's convolutions, 5-10M, stay on one thread).
SPLIT_BATCH = 1 << 24

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

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112


def _find_gemm():
    """``{dtype: cblas ?gemm}`` for float32 / float64 from the OpenBLAS NumPy loaded, or {}."""
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ('scipy_cblas_', 'cblas_'):
            found = {}
            for letter, real, dtype in (('s', ctypes.c_float, _onp.float32),
                                        ('d', ctypes.c_double, _onp.float64)):
                fn = getattr(lib, f'{prefix}{letter}gemm64_', None)
                if fn is None:
                    break
                i64, ptr = ctypes.c_int64, ctypes.c_void_p
                fn.restype = None
                fn.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, i64, i64, i64, real,
                               ptr, i64, ptr, i64, real, ptr, i64]
                found[_onp.dtype(dtype)] = fn
            if len(found) == 2:
                return found
    return {}


_GEMM = _find_gemm()


def gemm_available(dtype):
    """True when ``gemm`` calls BLAS directly for ``dtype`` (else it uses NumPy)."""
    return _onp.dtype(dtype) in _GEMM


def gemm(a, b, c, beta, trans_a=False, use_blas=True):
    """``c[...] = op(a) @ b + beta * c`` in place (``op(a)`` is ``a.T`` when ``trans_a``);
    ``beta`` 0 or 1.  ``a``, ``b``, ``c``: 2-D views of one float dtype with unit stride
    along their rows (any row stride), as slices of larger row-major arrays are.

    The CBLAS call runs on OpenBLAS's current thread count and releases the GIL;
    ``use_blas=False`` (and a missing CBLAS) take NumPy's route."""
    fn = _GEMM.get(c.dtype) if use_blas else None
    if fn is None:
        p = _onp.matmul(a.T if trans_a else a, b)
        if beta:
            c += p
        else:
            c[...] = p
        return
    size = c.itemsize
    m, n = c.shape
    k = a.shape[0] if trans_a else a.shape[1]
    fn(_ROW_MAJOR, _TRANS if trans_a else _NO_TRANS, _NO_TRANS, m, n, k, 1.0,
       a.ctypes.data, a.strides[0] // size, b.ctypes.data, b.strides[0] // size, float(beta),
       c.ctypes.data, c.strides[0] // size)


class RowGemm:
    """Many ``gemm`` calls on blocks of three fixed 2-D arrays ``a``, ``b``, ``c`` (C-contiguous):
    ``c[cr:cr+m, cc:cc+n] = op(a block) @ b[br:br+k, bc:bc+n] + beta * c[...]``, the ``a``
    block ``a[ar:ar+m, ac:ac+k]`` (or, with ``trans_a``, ``a[ar:ar+k, ac:ac+m]`` transposed).

    The CBLAS call gets addresses computed from the arrays' base pointers (3 us a call;
    making the views and reading their ``ctypes.data`` each time cost 11 us, ~1,400 calls
    per W6b step); without CBLAS the same blocks go through ``gemm``'s NumPy route."""

    def __init__(self, a, b, c, trans_a=False):
        if not all(m.ndim == 2 and m.flags.c_contiguous and m.dtype == c.dtype
                   for m in (a, b, c)):
            raise ValueError("RowGemm: a, b and c must be C-contiguous 2-D arrays of one dtype")
        self.a, self.b, self.c, self.trans_a = a, b, c, trans_a
        self.fn = _GEMM.get(c.dtype)
        if self.fn is not None:
            self.size = c.itemsize
            self.ptrs = (a.ctypes.data, b.ctypes.data, c.ctypes.data)
            self.lds = (a.shape[1], b.shape[1], c.shape[1])
            self.trans = _TRANS if trans_a else _NO_TRANS

    def __call__(self, ar, ac, br, bc, cr, cc, m, n, k, beta):
        fn = self.fn
        if fn is None:
            rows, cols = (k, m) if self.trans_a else (m, k)
            gemm(self.a[ar:ar + rows, ac:ac + cols], self.b[br:br + k, bc:bc + n],
                 self.c[cr:cr + m, cc:cc + n], beta, self.trans_a, use_blas=False)
            return
        pa, pb, pc = self.ptrs
        la, lb, lc = self.lds
        s = self.size
        fn(_ROW_MAJOR, self.trans, _NO_TRANS, m, n, k, 1.0, pa + (ar * la + ac) * s, la,
           pb + (br * lb + bc) * s, lb, float(beta), pc + (cr * lc + cc) * s, lc)


class one_thread:
    """``with blas.one_thread():`` OpenBLAS on one thread inside (as the small products
    here; restored after the last concurrent user).  For callers that split their own
    work over threads."""

    def __enter__(self):
        if _set is not None:
            _enter()
        return self

    def __exit__(self, *exc):
        if _set is not None:
            _exit()
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


def matmul_batched(a, b, macs, out):
    """``numpy.matmul(a, b, out=out)`` for stacks whose batch is the first axis of ``out``
    (an operand with fewer axes broadcasts): products of more than ``SPLIT_BATCH``
    multiply-adds are split by samples over the threads, each share on one OpenBLAS
    thread; smaller ones go to ``matmul`` (one BLAS thread).

    Each item of such a stack is one BLAS call: left to OpenBLAS, every large item woke
    its threads again (a 32-sample stride-2 convolution took 490-740 ms CPU against
    290-300 with one big GEMM; split by samples 2026-12)."""
    batch = out.shape[0]
    if macs <= SPLIT_BATCH or THREADS < 2 or batch < 2:
        return matmul(a, b, macs, SPLIT_BATCH, out)
    parts = min(THREADS, batch)
    bounds = [batch * k // parts for k in range(parts + 1)]

    def piece(lo, hi):
        _onp.matmul(a[lo:hi] if a.ndim == out.ndim else a,
                    b[lo:hi] if b.ndim == out.ndim else b, out=out[lo:hi])

    with one_thread():
        pool = _executor()
        futures = [pool.submit(piece, bounds[k], bounds[k + 1]) for k in range(1, parts)]
        piece(bounds[0], bounds[1])
        for f in futures:
            f.result()
    return out


def _product(a, b, out):
    return _onp.matmul(a, b) if out is None else _onp.matmul(a, b, out=out)

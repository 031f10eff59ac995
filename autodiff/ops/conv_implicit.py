"""Implicit-GEMM convolution (stride 1): no im2col, the GEMMs read the padded input in place.

On a zero-padded, channels-last copy of the input flattened to rows ``X (N*Dp*Hp*Wp, C)``
(``kernels/gemm_pack.to_grid``), the input rows a kernel offset ``t = (i, j, k)`` reads
for the outputs at rows ``r`` are the rows ``r + off_t``, ``off_t = (i*dd*Hp + j*dh)*Wp +
k*dw``: one contiguous range.  So, with ``W_t (C/G, O/G)`` the weight at that offset,

    out[r] = sum_t X[r + off_t] @ W_t        (per group: a column range of X and out)

over the rows ``r < L = rows - off_last``; rows whose window wraps across a row or a
sample are computed and discarded (``from_grid`` reads only the valid corner of each
sample's grid).  The weight gradient is ``dW_t = X[off_t : off_t + L].T @ G[:L]``, with
the output gradient ``G`` placed on the padded grid and zeros at the discarded rows.
(The data gradient is the convolution of the output gradient with the flipped weight,
``ops/conv.conv_transpose_data``, so it takes this path too.)

The sums accumulate in place with BLAS's ``beta = 1`` (``blas.gemm``), in blocks of
``BLOCK_ROWS`` rows so that a block's output stays in cache across the offsets; the
blocks are split over the threads (OpenBLAS on one thread meanwhile).  ``usable`` is the
rule that picks this path over im2col.
"""
import math
import threading

import numpy as _onp

from ..kernels import gemm_pack as KP
from . import blas
from . import window as win
from .launch import THREADS, _executor

# Each group's GEMM has the channels as its contraction (forward) or output width: below
# this many channels per group im2col's long contraction C*K wins (LeNet's 1 and 6).
MIN_CHANNELS = 16
# The padded input and output grids together at most this many bytes (else im2col, which
# works in chunks of samples).
MAX_BYTES = 1 << 29
# Rows per block: a block's output (2048 x 64 float32: 0.5 MB) stays in L2 across the
# kernel offsets.
BLOCK_ROWS = 2048
# The grid copies run on the threads (by samples) from this many values (W6b's: 6.4M, ~8 ms
# each on one thread; waking the pool thread costs ~0.05 ms quiet, milliseconds busy).
SPLIT_VALUES = 1 << 21
# Grids up to this size are kept per thread between calls (fresh memory costs its page
# faults on every call).
SCRATCH_BYTES = 1 << 26


def usable(x_shape, out_channels, g, itemsize):
    """Whether the convolution of data ``x_shape`` to ``out_channels`` channels with Geometry
    ``g`` takes the implicit GEMM: stride 1, at least ``MIN_CHANNELS`` input and output
    channels per group, grids within ``MAX_BYTES``."""
    if any(s != 1 for s in g.stride):
        return False
    if min(x_shape[1], out_channels) // g.num_group < MIN_CHANNELS:
        return False
    rows = x_shape[0] * math.prod(s + 2 * p for s, p in zip(x_shape[2:], g.pad))
    return rows * (x_shape[1] + out_channels) * itemsize <= MAX_BYTES


_LOCAL = threading.local()


def _scratch(role, shape, dtype):
    """An uninitialised array, reused per thread and ``role`` when small enough."""
    size = math.prod(shape) * _onp.dtype(dtype).itemsize
    if size > SCRATCH_BYTES:
        return _onp.empty(shape, dtype)
    cache = getattr(_LOCAL, 'buffers', None)
    if cache is None:
        cache = _LOCAL.buffers = {}
    key = (role, _onp.dtype(dtype))
    buf = cache.get(key)
    if buf is None or buf.size < math.prod(shape):
        buf = cache[key] = _onp.empty(math.prod(shape), dtype)
    return buf[:math.prod(shape)].reshape(shape)


class _Plan:
    """The grid of one convolution: padded extent, row offsets of the kernel taps, rows."""

    def __init__(self, x_shape, g):
        self.n = x_shape[0]
        self.extent = tuple(s + 2 * p for s, p in zip(win.to3(x_shape[2:], 1),
                                                      win.to3(g.pad, 0)))
        self.at = win.to3(g.pad, 0)
        kd, kh, kw = win.to3(g.kernel, 1)
        dd, dh, dw = win.to3(g.dilate, 1)
        _, hp, wp = self.extent
        self.offsets = [(i * dd * hp + j * dh) * wp + k * dw
                        for i in range(kd) for j in range(kh) for k in range(kw)]
        self.rows = self.n * math.prod(self.extent)
        self.used = self.rows - self.offsets[-1]          # rows computed
        self.out = tuple(e - d * (k - 1) for e, d, k in zip(self.extent, (dd, dh, dw),
                                                            (kd, kh, kw)))

    def grid(self, role, a, at):
        """``a (N, ch, *sp)`` copied into a zero grid of this plan's extent at ``at``."""
        ch = a.shape[1]
        grid = _scratch(role, (self.n,) + self.extent + (ch,), a.dtype)
        _by_samples(KP.to_grid, _onp.ascontiguousarray(win.as5(a)), grid, at)
        return grid.reshape(self.rows, ch)


def _by_samples(kern, a, b, *args):
    """``kern(a, b, *args)`` with the samples (first axis of both) shared out over the
    threads when there are many values (the layout kernels are nogil)."""
    n = a.shape[0]
    parts = min(THREADS, n)
    if parts < 2 or a.size < SPLIT_VALUES:
        kern(a, b, *args)
        return
    bounds = [n * k // parts for k in range(parts + 1)]
    pool = _executor()
    futures = [pool.submit(kern, a[bounds[k]:bounds[k + 1]], b[bounds[k]:bounds[k + 1]], *args)
               for k in range(1, parts)]
    kern(a[:bounds[1]], b[:bounds[1]], *args)
    for f in futures:
        f.result()


def _split_rows(work, used):
    """``work(lo, hi)`` over row ranges covering ``[0, used)``, one per thread (block
    aligned), OpenBLAS on one thread meanwhile; returns the pieces' results."""
    blocks = -(-used // BLOCK_ROWS)
    parts = max(1, min(THREADS, blocks))
    bounds = [min(used, (blocks * k // parts) * BLOCK_ROWS) for k in range(parts + 1)]
    with blas.one_thread():
        if parts == 1:
            return [work(0, used)]
        pool = _executor()
        futures = [pool.submit(work, bounds[k], bounds[k + 1]) for k in range(1, parts)]
        return [work(bounds[0], bounds[1])] + [f.result() for f in futures]


def conv_forward(x, w, b, g):
    """Convolution of C-contiguous ``x (N, C, *sp)`` with ``w (O, C/G, *k)`` plus ``b`` (or
    None), stride 1, by the implicit GEMM."""
    plan = _Plan(x.shape, g)
    G, O = g.num_group, w.shape[0]
    Cg, Og = w.shape[1], O // G
    taps = len(plan.offsets)
    # W_t per group: wk[t, g] (C/G, O/G)
    wk = _onp.ascontiguousarray(w.reshape(G, Og, Cg, taps).transpose(3, 0, 2, 1))
    X = plan.grid('in', x, plan.at)
    out = _scratch('out', (plan.rows, O), x.dtype)
    offsets = plan.offsets
    product = blas.RowGemm(X, wk.reshape(taps * G * Cg, Og), out)

    def work(lo, hi):
        for r0 in range(lo, hi, BLOCK_ROWS):
            m = min(hi, r0 + BLOCK_ROWS) - r0
            for gi in range(G):
                for t, off in enumerate(offsets):
                    product(r0 + off, gi * Cg, (t * G + gi) * Cg, 0, r0, gi * Og, m, Og, Cg,
                            1 if t else 0)

    _split_rows(work, plan.used)
    y = _onp.empty((x.shape[0], O) + plan.out, x.dtype)
    _by_samples(KP.from_grid, out.reshape((plan.n,) + plan.extent + (O,)), y,
                _onp.zeros(O, x.dtype) if b is None else _onp.ascontiguousarray(b),
                b is not None)
    return y.reshape((x.shape[0], O) + tuple(plan.out[3 - (x.ndim - 2):]))


def conv_weight(x, gy, g):
    """The weight gradient ``(O, C/G, *k)`` of the stride-1 convolution of ``x`` for output
    gradient ``gy``, by the implicit GEMM (``dW_t = X[off_t:].T @ G``)."""
    plan = _Plan(x.shape, g)
    G, O = g.num_group, gy.shape[1]
    Cg, Og = x.shape[1] // G, O // G
    taps = len(plan.offsets)
    X = plan.grid('in', x, plan.at)
    D = plan.grid('out', gy, (0, 0, 0))
    offsets = plan.offsets

    def work(lo, hi):
        dwk = _onp.zeros((taps, G, Cg, Og), x.dtype)
        product = blas.RowGemm(X, D, dwk.reshape(taps * G * Cg, Og), trans_a=True)
        for r0 in range(lo, hi, BLOCK_ROWS):
            k = min(hi, r0 + BLOCK_ROWS) - r0
            for gi in range(G):
                for t, off in enumerate(offsets):
                    product(r0 + off, gi * Cg, r0, gi * Og, (t * G + gi) * Cg, 0, Cg, Og, k, 1)
        return dwk

    parts = _split_rows(work, plan.used)
    dwk = parts[0]
    for p in parts[1:]:
        dwk += p
    # dwk[t, g, c, o] = dW[g*Og + o, c, t]
    dw = dwk.transpose(1, 3, 2, 0).reshape((O, Cg) + tuple(g.kernel))
    return _onp.ascontiguousarray(dw)

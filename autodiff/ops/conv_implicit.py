"""Implicit-GEMM convolution (stride 1): no im2col, the GEMMs read the padded input in place.

On a zero-padded, channels-last copy of the input flattened to rows ``X (N*Dp*Hp*Wp, C)``
(``kernels/gemm_pack.to_grid``), the input rows a kernel offset ``t = (i, j, k)`` reads
for the outputs at rows ``r`` are the rows ``r + off_t``, ``off_t = (i*dd*Hp + j*dh)*Wp +
k*dw``: one contiguous range.  So, with ``W_t (C/G, O/G)`` the weight at that offset,

    out[r] = sum_t X[r + off_t] @ W_t        (per group: a column range of X and out)

over the rows ``r < L = rows - off_last``; rows whose window wraps across a row or a
sample are computed and discarded (``from_grid_rows`` reads only the valid corner of each
sample's grid).  The weight gradient is ``dW_t = X[off_t : off_t + L].T @ G[:L]``, with
the output gradient ``G`` placed on the padded grid and zeros at the discarded rows.
(The data gradient is the convolution of the output gradient with the flipped weight,
``ops/conv.conv_transpose_data``, so it takes this path too.)

The sums accumulate in place with BLAS's ``beta = 1`` (``blas.gemm``), in blocks of at
most ``BLOCK_ROWS`` rows so that a block's output stays in cache across the offsets (the
blocks cover each sample's first ``out_h`` grid rows only, ``_Plan.blocks``: the rows
below hold discarded outputs and zeros of ``G``); the
blocks are handed out to the threads one at a time as each becomes free (OpenBLAS on one
thread meanwhile), so a thread slowed by another process takes fewer blocks instead of
holding the pass up.  ``usable`` is the rule that picks this path over im2col.

Each grid is packed once per training step (``Kept``, ``backward_grids``): a recorded
forward keeps its padded grid of ``x`` for the weight gradient (on the node, released by
the backward or with the node, within ``KEEP_BYTES`` in all), and inside the backward rule
the output gradient's padded grid, packed for the data gradient (a convolution of it), is
the weight gradient's ``G`` too when the two grids have one extent (a 'same' convolution,
``d(k-1) = 2p``): ``G`` is the same rows shifted by the pad's row offset.
"""
import contextlib
import math
import threading

import numpy as _onp

from .._state import state
from ..kernels import gemm_pack as KP
from . import blas
from . import window as win
from .launch import THREADS, share, share_acc

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
# At most this many bytes of forward grids are held by recorded nodes for their weight
# gradients at once (beyond it a forward keeps none and the backward packs again).
KEEP_BYTES = 1 << 28
# The grid copies are handed out in pieces of at least this many values (one sample of W6b
# is 200K: 4 samples a piece, 8 pieces).
PIECE_VALUES = 1 << 19


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


_keep_lock = threading.RLock()   # (re-entrant: a Kept collected by the GC inside it)
_held = [0]          # bytes of grids held by Kept objects
_spares = {}         # dtype -> one grid buffer a backward gave back, for the next forward


class Kept:
    """The padded grid of a convolution's input, made by its recorded forward for the
    node's weight gradient (``conv_forward(..., keep=)``), taken by the first backward
    through the node (``backward_grids``) or dropped with the node; the buffer then serves
    the next forward's grid.  Valid only for the array it was packed from, at the same
    plan (``source`` is compared by identity: a recorded input written in place is
    refused by the engine before a backward runs)."""
    __slots__ = ('source', 'grid', 'extent', 'at')

    def __init__(self):
        self.source = self.grid = self.extent = self.at = None

    def _fill(self, source, grid, plan):
        self.source, self.grid, self.extent, self.at = source, grid, plan.extent, plan.at

    def take(self, source, plan):
        """The grid (rows, C) when it was packed from ``source`` at ``plan``, else None; the
        grid is given up either way (one use)."""
        grid = self.grid
        ok = (grid is not None and source is self.source and self.extent == plan.extent
              and self.at == plan.at and grid.shape[0] == plan.rows)
        return grid if ok else None

    def release(self):
        """Give the grid up (its buffer goes back for the next forward)."""
        grid, self.grid, self.source = self.grid, None, None
        if grid is not None:
            with _keep_lock:
                _held[0] -= grid.nbytes
                _give_back(grid)

    def __del__(self):
        try:
            self.release()
        except Exception:       # (interpreter shutdown)
            pass


def wants_keep(w):
    """Whether a convolution with weight ``w`` (an ndarray) about to run should keep its
    grid: recording eagerly (no ``autograd.compile`` tracer, whose replays recompute the
    forward) and ``w`` has history, so a weight gradient may follow."""
    st = state
    return st.recording and st.tracer is None and w._node is not None


def held_bytes():
    """Bytes of forward grids held now by recorded nodes (``Kept``)."""
    return _held[0]


def _give_back(grid):
    """Keep ``grid``'s buffer for the next kept grid (one per dtype; under ``_keep_lock``)."""
    base = grid.base if grid.base is not None else grid
    if base.nbytes <= SCRATCH_BYTES:
        old = _spares.get(base.dtype)
        if old is None or old.size < base.size:
            _spares[base.dtype] = base


def _keep_buffer(shape, dtype):
    """A buffer for a kept grid of ``shape`` (a given-back one when large enough), counted
    in ``held_bytes``, or None when ``KEEP_BYTES`` would be passed."""
    size = math.prod(shape)
    nbytes = size * _onp.dtype(dtype).itemsize
    with _keep_lock:
        if _held[0] + nbytes > KEEP_BYTES:
            return None
        _held[0] += nbytes
        buf = _spares.get(_onp.dtype(dtype))
        if buf is not None and buf.size >= size:
            _spares.pop(_onp.dtype(dtype), None)
        else:
            buf = None
    if buf is None:
        buf = _onp.empty(size, dtype)
    return buf[:size].reshape(shape)


class _Scope:
    __slots__ = ('x', 'kept', 'gy', 'gy_grid')


@contextlib.contextmanager
def backward_grids(kept, x, gy):
    """Inside: a convolution node's backward rule for data ``x`` and output gradient ``gy``
    (NumPy buffers).  The weight gradient of ``x`` reads ``kept``'s grid (a ``Kept`` or
    None) instead of packing ``x`` again, and the first grid packed from ``gy`` (the data
    gradient's) serves the weight gradient too when its extent fits.  The kept grid is
    released at the end (a later backward through a retained graph packs again)."""
    scope = _Scope()
    scope.x, scope.kept, scope.gy, scope.gy_grid = x, kept, gy, None
    outer = getattr(_LOCAL, 'scope', None)
    _LOCAL.scope = scope
    try:
        yield
    finally:
        _LOCAL.scope = outer
        if kept is not None:
            kept.release()


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
        self.blocks = self._blocks()

    def _blocks(self):
        """``(r0, m, plane, h0, h1)`` row blocks covering the rows of valid outputs: per
        sample and depth (``plane``), the first ``out_h`` grid rows (the rows below hold
        only discarded outputs, and zeros of the output gradient: W6b's 2 of 58), cut at
        whole grid rows ``h0 <= h < h1`` into near-equal blocks of at most ``BLOCK_ROWS``
        rows (a single grid row when it is longer)."""
        gd, hp, wp = self.extent
        od, oh, _ = self.out
        cuts = -(-oh // max(1, BLOCK_ROWS // wp))
        blocks = []
        for plane in range(self.n * gd):
            if plane % gd >= od:
                continue
            start = plane * hp * wp
            for k in range(cuts):
                h0, h1 = oh * k // cuts, oh * (k + 1) // cuts
                lo, hi = start + h0 * wp, min(self.used, start + h1 * wp)
                if hi > lo:
                    blocks.append((lo, hi - lo, plane, h0, h1))
        return blocks

    def grid(self, role, a, at, into=None):
        """``a (N, ch, *sp)`` copied into a zero grid of this plan's extent at ``at`` (the
        per-thread scratch of ``role``, or ``into``).  Inside ``backward_grids`` the first
        grid of the output gradient is remembered for the weight gradient."""
        ch = a.shape[1]
        shape = (self.n,) + self.extent + (ch,)
        grid = _scratch(role, shape, a.dtype) if into is None else into.reshape(shape)
        _by_samples(KP.to_grid, _onp.ascontiguousarray(win.as5(a)), grid, at)
        rows = grid.reshape(self.rows, ch)
        scope = getattr(_LOCAL, 'scope', None)
        if scope is not None and a is scope.gy and scope.gy_grid is None and into is None:
            scope.gy_grid = (rows, self.extent, tuple(at), role)
        return rows

    def shift(self, at):
        """The row offset of grid position ``at`` (a 3-tuple)."""
        _, hp, wp = self.extent
        return (at[0] * hp + at[1]) * wp + at[2]


def _by_samples(kern, a, b, *args):
    """``kern(a, b, *args)`` on pieces of the samples (first axis of both) when there are
    many values, each thread taking the next piece as it becomes free (``launch.share``;
    the layout kernels are nogil)."""
    n = a.shape[0]
    if min(THREADS, n) < 2 or a.size < SPLIT_VALUES:
        kern(a, b, *args)
        return
    per = max(1, min(-(-n // THREADS), PIECE_VALUES * n // a.size))

    def piece(i):
        lo, hi = i * per, min(n, (i + 1) * per)
        kern(a[lo:hi], b[lo:hi], *args)
    share(piece, -(-n // per))


def _split_rows(block, blocks, make_acc=None):
    """``block(blk, acc)`` for the row blocks ``blocks`` (``_Plan.blocks``), handed out
    one at a time to the threads as each becomes free (a thread the machine slows takes
    fewer; ``launch.share_acc``), OpenBLAS on one thread meanwhile.  ``acc`` is each
    thread's own ``make_acc()`` (or None); returns the threads' accs."""
    with blas.one_thread():
        return share_acc(lambda i, acc: block(blocks[i], acc), len(blocks), make_acc)


def conv_forward(x, w, b, g, keep=None):
    """Convolution of C-contiguous ``x (N, C, *sp)`` with ``w (O, C/G, *k)`` plus ``b`` (or
    None), stride 1, by the implicit GEMM.  With ``keep`` (a ``Kept``) the padded grid of
    ``x`` is packed into a buffer of its own and left in ``keep`` for the weight gradient
    (unless ``KEEP_BYTES`` would be passed)."""
    plan = _Plan(x.shape, g)
    G, O = g.num_group, w.shape[0]
    Cg, Og = w.shape[1], O // G
    taps = len(plan.offsets)
    # W_t per group: wk[t, g] (C/G, O/G)
    wk = _onp.ascontiguousarray(w.reshape(G, Og, Cg, taps).transpose(3, 0, 2, 1))
    into = None
    if keep is not None:
        into = _keep_buffer((plan.rows, x.shape[1]), x.dtype)
        if into is not None:
            keep._fill(x, into, plan)          # (counted in held_bytes from here)
    X = plan.grid('in', x, plan.at, into)
    out = _scratch('out', (plan.rows, O), x.dtype)
    offsets = plan.offsets
    product = blas.RowGemm(X, wk.reshape(taps * G * Cg, Og), out)
    y = _onp.empty((x.shape[0], O) + plan.out, x.dtype)
    grid_out = out.reshape((plan.n,) + plan.extent + (O,))
    bias = _onp.zeros(O, x.dtype) if b is None else _onp.ascontiguousarray(b)
    with_bias = b is not None
    epilogue = KP.from_grid_rows

    def block(blk, _acc):
        r0, m, plane, h0, h1 = blk
        for gi in range(G):
            for t, off in enumerate(offsets):
                product(r0 + off, gi * Cg, (t * G + gi) * Cg, 0, r0, gi * Og, m, Og, Cg,
                        1 if t else 0)
        # the block's outputs to channels-first while they are in cache
        epilogue(grid_out, y, bias, with_bias, plane, h0, h1)

    _split_rows(block, plan.blocks)
    return y.reshape((x.shape[0], O) + tuple(plan.out[3 - (x.ndim - 2):]))


def _grids(plan, x, gy):
    """The weight gradient's grids ``X`` (of ``x``) and ``D`` (of ``gy``, its rows from
    ``shift`` on), taken from ``backward_grids``'s scope where they fit, else packed."""
    scope = getattr(_LOCAL, 'scope', None)
    X = D = None
    shift, d_role = 0, None
    if scope is not None and gy is scope.gy and scope.gy_grid is not None:
        rows, extent, at, role = scope.gy_grid
        s = plan.shift(at)
        # same extent: G's rows are the data gradient's grid rows moved by the pad's offset
        # (its zero border falls where G has its zeros); s + used <= rows as s <= off_last
        if extent == plan.extent and rows.shape[0] == plan.rows and s <= plan.offsets[-1]:
            D, shift, d_role = rows, s, role
    if scope is not None and x is scope.x and scope.kept is not None:
        X = scope.kept.take(x, plan)
    if X is None:
        X = plan.grid('out' if d_role == 'in' else 'in', x, plan.at)
    if D is None:
        D = plan.grid('out', gy, (0, 0, 0))
    return X, D, shift


def conv_weight(x, gy, g):
    """The weight gradient ``(O, C/G, *k)`` of the stride-1 convolution of ``x`` for output
    gradient ``gy``, by the implicit GEMM (``dW_t = X[off_t:].T @ G``).  Inside
    ``backward_grids`` it reads the kept grid of ``x`` and the output gradient's grid
    already packed for the data gradient when they fit (``_grids``)."""
    plan = _Plan(x.shape, g)
    G, O = g.num_group, gy.shape[1]
    Cg, Og = x.shape[1] // G, O // G
    taps = len(plan.offsets)
    X, D, shift = _grids(plan, x, gy)
    offsets = plan.offsets

    def make_acc():
        dwk = _onp.zeros((taps, G, Cg, Og), x.dtype)
        return dwk, blas.RowGemm(X, D, dwk.reshape(taps * G * Cg, Og), trans_a=True)

    def block(blk, acc):
        r0, k = blk[0], blk[1]
        product = acc[1]
        for gi in range(G):
            for t, off in enumerate(offsets):
                product(r0 + off, gi * Cg, r0 + shift, gi * Og, (t * G + gi) * Cg, 0, Cg, Og,
                        k, 1)

    parts = [acc[0] for acc in _split_rows(block, plan.blocks, make_acc)]
    dwk = parts[0]
    for p in parts[1:]:
        dwk += p
    # dwk[t, g, c, o] = dW[g*Og + o, c, t]
    dw = dwk.transpose(1, 3, 2, 0).reshape((O, Cg) + tuple(g.kernel))
    return _onp.ascontiguousarray(dw)

"""``npx.convolution`` and ``npx.deconvolution`` (MXNet 1.9.1): im2col + BLAS GEMM.

Three ops, each the others' adjoints, so every backward is written with them and
gradients of any order follow:

- ``convolution(x, w)``: ``y = W @ im2col(x)``;
- ``deconvolution(y, w)``: ``x = col2im(W.T @ y)``, the data gradient of a convolution
  (with stride 1 computed as the convolution of ``y`` with the flipped, transposed weight);
- ``convolution_weight_grad(x, gy)``: ``dW = sum_n gy[n] @ im2col(x)[n].T``.

The columns are laid out per sample, ``(samples, C*K, positions)``: a batched GEMM per
group writes the output in batch order and reads the output gradient as it is.  The
packing (with implicit zero padding), col2im and the bias epilogue are Numba kernels
(``kernels/conv.py``); the GEMMs are NumPy's matmul (BLAS on one thread).  From
``SPLIT_MACS`` multiply-adds a pass is shared out by samples over the two threads, each
piece packing, multiplying and unpacking its own samples (``_by_samples``).  Stride-1
convolutions with many channels skip im2col: ``ops/conv_implicit.py`` (its rule,
``implicit.usable``, is checked first in ``conv_data`` and ``conv_weight_data``).
"""
import math
import threading
from collections import namedtuple

import numpy as _onp

from ..errors import ShapeError
from ..kernels import conv as K
from .core import defop, result
from .convert import as_array
from .launch import THREADS, _executor, share
from . import blas
from . import conv_implicit as implicit
from . import window as win

# (all tuples have one entry per spatial dimension)
Geometry = namedtuple('Geometry', 'kernel stride dilate pad num_group')

# Samples packed at once: their columns hold at most this many values (64 MB in float32),
# so the packed copy of a large input never has to exist whole.  Larger chunks make larger
# GEMMs: W6b's forward took 1.0 s with 2^22 and 0.7 s with 2^24 (2026-12, busy machine).
CHUNK_VALUES = 1 << 24
# Pack / unpack on the two cores once a chunk has this many values (the kernels are nogil).
# Waking the pool thread costs 50-60 us on a quiet machine and milliseconds on a busy one;
# W6's packings (0.6-0.9M values, 0.15-0.3 ms on one thread) stay on one (2026-12: 2^17
# before, when im2col took ~1 ms for them).
SPLIT_VALUES = 1 << 21
# Convolutions (one pass: forward, data or weight gradient) of at least this many
# multiply-adds share their samples out over the threads, each thread packing its own
# columns and running their GEMMs (``_by_samples``).  Measured 2026-12-02 on this 2-core
# machine: handing work to the pool thread costs 12 us min / 30 us median when it is
# busy-ish, 27 / 76 us when it had slept 2 ms (idle machine), and the split adds ~0.2 ms
# of CPU per LeNet pass (pieces, cache traffic between the cores); a pass runs at ~20
# multiply-adds per ns on one thread (LeNet: 5.5-9.8M, 0.3-0.7 ms), so halving it pays
# from ~4M (0.2 ms).  LeNet's five passes per step, quiet minutes: one thread 2.4-2.6 ms
# wall (min), split 1.7-1.8 ms (2 pieces per thread; 4: 1.8-2.1, 1: 1.7-1.8).
SPLIT_MACS = 1 << 22
# Pieces per thread: a pool thread that starts late still takes a share, and one that is
# descheduled mid-piece holds up the caller for at most one piece (1/4 of the pass).
PIECES_PER_THREAD = 2
# (The GEMMs' threads otherwise: ``blas.matmul_batched``.  OpenBLAS on two threads took
# 5-11 ms for LeNet's first convolution on the busy machine, 0.5 ms on one; 2026-12.)
# The stride-1 data gradient is a convolution of the output gradient when the input has at
# most this many times the output's positions (padded 'same' convolutions: 1).
ADJOINT_GROWTH = 1.25


def out_lengths(spatial, g):
    """Convolution output lengths: ``floor((x + 2p - d(k-1) - 1) / s) + 1`` per dimension."""
    return tuple((x + 2 * p - d * (k - 1) - 1) // s + 1
                 for x, k, s, p, d in zip(spatial, g.kernel, g.stride, g.pad, g.dilate))


def _geometry3(g, out):
    return (win.to3(g.kernel, 1), win.to3(g.stride, 1), win.to3(g.pad, 0),
            win.to3(g.dilate, 1), win.to3(out, 1))


_LOCAL = threading.local()


def _workspace(shape, dtype, role=0):
    """An uninitialised scratch array of ``shape`` (contents undefined), reused between
    calls on this thread: fresh 64 MB columns cost their page faults on every chunk
    (im2col of a W6b chunk took 20 ms into new memory, 14 ms into reused).  Only
    scratch that never leaves the op may live here; at most ``CHUNK_VALUES`` values are
    kept per dtype, ``role`` (0: columns; 1: ``ops/conv_pool``'s activations) and thread."""
    size = math.prod(shape)
    dtype = _onp.dtype(dtype)
    if size > CHUNK_VALUES:
        return _onp.empty(shape, dtype)
    cache = getattr(_LOCAL, 'buffers', None)
    if cache is None:
        cache = _LOCAL.buffers = {}
    buf = cache.get((dtype, role))
    if buf is None or buf.size < size:
        buf = cache[(dtype, role)] = _onp.empty(
            CHUNK_VALUES if size > CHUNK_VALUES // 4 else size, dtype)
    return buf[:size].reshape(shape)


# The block ``_prime_allocator`` frees (glibc's dynamic mmap threshold stops at 32 MB).
PRIME_BYTES = 16 << 20
_primed = []


def _prime_allocator():
    """Once per process: allocate and free one ``PRIME_BYTES`` block.

    glibc serves allocations above its mmap threshold (128 KB at start) with fresh pages,
    which fault on first touch, every time; freeing such a block raises the threshold to
    its size (glibc's own adaptive rule, which any program freeing a large array
    triggers).  Until that happens every convolution output, gradient and GEMM temporary
    of W6 (0.2-0.9 MB) cost its page faults: ~1,100 faults and 1.5-2 ms of a 9-10 ms step
    (2026-12).  The block is never touched (no memory is used)."""
    if not _primed:
        _primed.append(True)
        _onp.empty(PRIME_BYTES, _onp.uint8)     # (freed at once)


def _by_samples(n, per_sample, macs, task):
    """``[task(lo, hi, alone) for each piece of the samples]``: the convolution's whole
    work per piece (packing, GEMMs, unpacking), its columns at most ``CHUNK_VALUES``.

    From ``SPLIT_MACS`` multiply-adds on, the pieces (at least ``PIECES_PER_THREAD`` per
    thread) are shared out over the threads (``launch.share``: one hand-off per
    convolution, a pool thread that has not started by the end is cancelled, so a busy
    machine costs the one-thread time) with OpenBLAS on one thread; ``alone`` is then
    True: ``task`` runs its kernels and GEMMs on its own thread.  Below, the pieces run
    in this thread, their kernels and GEMMs left to ``_run`` / ``_matmul`` (which split
    only large ones)."""
    if n == 0:
        return []
    per = max(1, min(n, CHUNK_VALUES // max(per_sample, 1)))
    pieces = -(-n // per)
    split = THREADS > 1 and n > 1 and macs >= SPLIT_MACS
    if split:
        pieces = max(pieces, min(n, PIECES_PER_THREAD * THREADS))
    bounds = [n * k // pieces for k in range(pieces + 1)]
    if not split:
        return [task(bounds[k], bounds[k + 1], False) for k in range(pieces)]
    with blas.one_thread():
        return share(lambda k: task(bounds[k], bounds[k + 1], True), pieces)


def _run(kern, a, b, geo, channels, alone=False):
    """``kern(a, b, *geo, c0, c1)`` over the channels, split over the threads when large
    (the kernels are nogil; each thread writes its own channels) unless ``alone``."""
    parts = min(THREADS, channels)
    if alone or parts < 2 or a.size + b.size < SPLIT_VALUES:
        kern(a, b, *geo, 0, channels)
        return
    bounds = [channels * k // parts for k in range(parts + 1)]
    pool = _executor()
    futures = [pool.submit(kern, a, b, *geo, bounds[k], bounds[k + 1]) for k in range(1, parts)]
    kern(a, b, *geo, bounds[0], bounds[1])
    for f in futures:
        f.result()


def _c(d):
    """A C-contiguous, writeable buffer (one Numba signature per dtype)."""
    f = d.flags
    return d if f.c_contiguous and f.writeable else _onp.array(d, order='C')


def _matmul(a, b, out=None, alone=False):
    """``a @ b`` for stacks (``(..., M, K) @ (..., K, N)``, broadcast; the samples first):
    BLAS on one thread when small, split by samples over the threads when large
    (``blas.matmul_batched``); into ``out`` when given.  ``alone``: as NumPy does, on
    this thread (the caller has set OpenBLAS to one thread: ``_by_samples``)."""
    if out is None:
        out = _onp.empty(_onp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
                         + (a.shape[-2], b.shape[-1]), _onp.result_type(a, b))
    if alone:
        return _onp.matmul(a, b, out=out)
    macs = max(a.size // a.shape[-1], 1) * a.shape[-1] * b.shape[-1]
    if b.ndim > a.ndim:
        macs *= math.prod(b.shape[:b.ndim - a.ndim])
    return blas.matmul_batched(a, b, macs, out)


# ---- the three computations on NumPy buffers ---------------------------------------------
# The columns are per sample, (n, C*K, P): the batched GEMM W @ col[n] writes y[n] in place
# and W.T @ gy[n] reads the output gradient as it is (W6's convolutions: 3-4x faster than
# one (O, C*K) @ (C*K, n*P) GEMM on columns laid out (C*K, n, P), whose output and output
# gradient had to be transposed to and from batch order; 2026-12).

def conv_data(x, w, b, g, keep=None):
    """Convolution of ``x (N, C, *sp)`` with ``w (O, C/G, *k)`` plus ``b (O,)`` (or None):
    per piece of samples (``_by_samples``), im2col, one batched GEMM per group and the
    bias added in place (stride 1 with many channels: the implicit GEMM,
    ``ops/conv_implicit.py``, which leaves its grid of ``x`` in ``keep``, an
    ``implicit.Kept``, when given)."""
    _prime_allocator()
    x = _c(x)
    if implicit.usable(x.shape, w.shape[0], g, x.itemsize):
        return implicit.conv_forward(x, w, b, g, keep)
    N, C = x.shape[:2]
    O, G = w.shape[0], g.num_group
    osp = out_lengths(x.shape[2:], g)
    P, CK = math.prod(osp), C * math.prod(g.kernel)
    w3 = w.reshape(G, O // G, CK // G)
    y = _onp.empty((N, O, P), x.dtype)
    geo, x5 = _geometry3(g, osp), win.as5(x)
    bias = None if b is None else _c(b)

    def piece(lo, hi, alone):
        n = hi - lo
        col = _workspace((n, CK, P), x.dtype)
        _run(K.im2col, x5[lo:hi], col, geo, C, alone)
        _matmul(w3, col.reshape(n, G, CK // G, P), y[lo:hi].reshape(n, G, O // G, P), alone)
        if bias is not None:
            K.add_bias(y[lo:hi], bias)      # (while the piece's output is in cache)
    _by_samples(N, CK * P, N * O * P * (CK // G), piece)
    return y.reshape((N, O) + osp)


def _flipped_transpose(w, groups):
    """``w (O, C/G, *k)`` as the weight ``(C, O/G, *k)`` of the adjoint convolution: input
    and output channels swapped within each group, every spatial axis reversed."""
    O, Cg = w.shape[:2]
    k = w.shape[2:]
    wt = w.reshape((groups, O // groups, Cg) + k).swapaxes(1, 2)
    wt = wt[(Ellipsis,) + (slice(None, None, -1),) * len(k)]
    return _onp.ascontiguousarray(wt).reshape((groups * Cg, O // groups) + k)


def _adjoint_geometry(g, osp, spatial):
    """With stride 1 the data gradient is itself a convolution of ``gy`` (the flipped,
    transposed weight, pad ``d(k-1) - p``): its Geometry, or None when that does not hold."""
    if any(s != 1 for s in g.stride):
        return None
    pad = tuple(d * (k - 1) - p for k, d, p in zip(g.kernel, g.dilate, g.pad))
    if any(p < 0 for p in pad):
        return None
    g2 = g._replace(pad=pad)
    if out_lengths(osp, g2) != tuple(spatial):
        return None
    # it multiplies over every input position, the col2im path over the output positions:
    # with a 'valid' convolution (LeNet's 12x12 -> 8x8) that is 2.25x the GEMM
    return g2 if math.prod(spatial) <= ADJOINT_GROWTH * math.prod(osp) else None


def conv_transpose_data(gy, w, b, g, spatial):
    """The data gradient of a convolution: ``gy (N, O, *osp)`` to ``(N, C, *spatial)``.

    Stride 1: the convolution of ``gy`` with the flipped, transposed weight (its GEMM has
    the long contraction ``O*K`` and writes the result in place; W6b's data gradient went
    from W.T @ g + col2im to this).  Otherwise one batched GEMM per group, then col2im."""
    g2 = _adjoint_geometry(g, gy.shape[2:], spatial)
    if g2 is not None:
        return conv_data(gy, _flipped_transpose(w, g.num_group), b, g2)
    N, O = gy.shape[:2]
    G = g.num_group
    C = w.shape[1] * G
    P, CK = math.prod(gy.shape[2:]), C * math.prod(g.kernel)
    wt = w.reshape(G, O // G, CK // G).transpose(0, 2, 1)
    gy4 = gy.reshape(N, G, O // G, P)
    x = _onp.zeros((N, C) + tuple(spatial), gy.dtype)
    geo, x5 = _geometry3(g, gy.shape[2:]), win.as5(x)

    def piece(lo, hi, alone):
        n = hi - lo
        col = _workspace((n, CK, P), gy.dtype)
        _matmul(wt, gy4[lo:hi], col.reshape(n, G, CK // G, P), alone)
        _run(K.col2im, col, x5[lo:hi], geo, C, alone)
        if bias is not None:
            K.add_bias(x3[lo:hi], bias)
    x3, bias = x.reshape(N, C, math.prod(spatial)), None if b is None else _c(b)
    _by_samples(N, CK * P, N * O * P * (CK // G), piece)
    return x


def conv_weight_data(x, gy, g):
    """The weight gradient of a convolution: ``sum_n gy[n] @ im2col(x)[n].T`` (stride 1
    with many channels: the implicit GEMM)."""
    x = _c(x)
    N, C = x.shape[:2]
    O, G = gy.shape[1], g.num_group
    if implicit.usable(x.shape, O, g, x.itemsize):
        return implicit.conv_weight(x, _c(gy), g)
    P, CK = math.prod(gy.shape[2:]), C * math.prod(g.kernel)
    gy4 = gy.reshape(N, G, O // G, P)
    geo, x5 = _geometry3(g, gy.shape[2:]), win.as5(x)

    def piece(lo, hi, alone):
        n = hi - lo
        c = _workspace((n, CK, P), x.dtype)
        _run(K.im2col, x5[lo:hi], c, geo, C, alone)
        # dW.T[n] = col[n] @ gy[n].T, summed over the piece's samples (col @ gy.T measured
        # faster than gy @ col.T on LeNet's second convolution)
        return _matmul(c.reshape(n, G, CK // G, P), gy4[lo:hi].transpose(0, 1, 3, 2),
                       alone=alone).sum(axis=0)
    dwt = _onp.zeros((G, CK // G, O // G), x.dtype)
    for part in _by_samples(N, CK * P, N * O * P * (CK // G), piece):
        dwt += part                 # (in piece order, whichever thread computed it)
    return _onp.ascontiguousarray(dwt.transpose(0, 2, 1)).reshape((O, C // G) + tuple(g.kernel))


# ---- the ops and their backward rules (written with the ops themselves) -----------------
def _bias_grad(gy):
    """``gy`` summed over all axes but the channels: one pass, no transposing copy
    (``ops/reduce``'s outer-and-inner run sum; W6b's took 25 ms through a transpose, then
    5-6 ms as two sums, 0.8 ms now, 2026-12)."""
    return gy.sum(axis=(0,) + tuple(range(2, gy.ndim)))


def _geometry(node):
    """The node's Geometry (its attrs hold the fields one by one, so graphs show them)."""
    return Geometry(*node.attrs[:len(Geometry._fields)])


def _conv_backward(node, grads, needs):
    x, w = node.inputs[0], node.inputs[1]
    g, gy = _geometry(node), grads[0]
    # (the implicit GEMM's grids: x's kept by the forward, gy's packed once for both)
    kept = node.attrs[len(Geometry._fields)] if len(node.attrs) > len(Geometry._fields) else None
    with implicit.backward_grids(kept, x._data, gy._data):
        dx = conv_transpose(gy, w, None, g, x.shape[2:]) if needs[0] else None
        dw = conv_weight(x, gy, g) if needs[1] else None
    if len(node.inputs) == 2:
        return dx, dw
    return dx, dw, (_bias_grad(gy) if needs[2] else None)


def _deconv_backward(node, grads, needs):
    x, w = node.inputs[0], node.inputs[1]
    g, gy = _geometry(node), grads[0]
    dx = conv(gy, w, None, g) if needs[0] else None
    dw = conv_weight(gy, x, g) if needs[1] else None
    if len(node.inputs) == 2:
        return dx, dw
    return dx, dw, (_bias_grad(gy) if needs[2] else None)


def _weight_grad_backward(node, grads, needs):
    x, gy = node.inputs
    g, h = _geometry(node), grads[0]
    return (conv_transpose(gy, h, None, g, x.shape[2:]) if needs[0] else None,
            conv(x, h, None, g) if needs[1] else None)


_conv_op = defop('convolution', _conv_backward, params=Geometry._fields)
_deconv_op = defop('deconvolution', _deconv_backward, params=Geometry._fields + ('spatial',))
_weight_op = defop('convolution_weight_grad', _weight_grad_backward, params=Geometry._fields)


def _inputs(x, w, b):
    return (x, w) if b is None else (x, w, b)


def conv(x, w, b, g):
    """Convolution of channels-first arrays with checked geometry ``g`` (differentiable).
    Recorded eagerly with a weight that has history, the node's attrs end with an
    ``implicit.Kept`` (the forward's grid of ``x`` for the weight gradient)."""
    keep = implicit.Kept() if implicit.wants_keep(w) else None
    data = conv_data(x._data, w._data, None if b is None else b._data, g, keep)
    return result(_conv_op, _inputs(x, w, b), data,
                  tuple(g) if keep is None or keep.grid is None else tuple(g) + (keep,))


def conv_transpose(x, w, b, g, spatial):
    """Deconvolution of channels-first ``x`` to spatial size ``spatial`` (differentiable)."""
    data = conv_transpose_data(x._data, w._data, None if b is None else b._data, g, spatial)
    return result(_deconv_op, _inputs(x, w, b), data, tuple(g) + (tuple(spatial),))


def conv_weight(x, gy, g):
    """The weight gradient of ``conv(x, ., g)`` for output gradient ``gy`` (differentiable)."""
    if tuple(gy.shape[2:]) != out_lengths(x.shape[2:], g) or gy.shape[0] != x.shape[0]:
        raise ShapeError(f"convolution_weight_grad: output gradient of shape {gy.shape} does "
                         f"not fit data of shape {x.shape}")
    return result(_weight_op, (x, gy), conv_weight_data(x._data, gy._data, g), tuple(g))


# ---- public functions: MXNet's arguments, checked ----------------------------------------
def _common(name, data, weight, bias, kernel, stride, dilate, pad, num_filter, num_group,
            no_bias, layout, out):
    if out is not None:
        raise NotImplementedError(f"{name}: out= is not supported; use the returned array")
    k = win.kernel_dims(kernel, name)
    nd = len(k)
    x, w = as_array(data), as_array(weight)
    b = None
    if no_bias:
        if bias is not None:
            raise ValueError(f"{name}: bias was given but no_bias=True; pass bias=None or "
                             "no_bias=False")
    else:
        if bias is None:
            raise ValueError(f"{name}: no_bias=False needs a bias array (or pass no_bias=True)")
        b = as_array(bias)
    win.check_data(x, nd, name)
    last = win.channels_last(layout, nd, name)
    if w.ndim != nd + 2:
        raise ShapeError(f"{name}: weight of shape {w.shape} must be {nd + 2}-D for a {nd}-D "
                         "kernel")
    win.float_dtype([('data', x), ('weight', w)] + ([('bias', b)] if b is not None else []), name)
    if num_filter is None:
        raise ValueError(f"{name}: the parameter num_filter is required")
    groups = int(num_group)
    if int(num_filter) < 1 or groups < 1:
        raise ValueError(f"{name}: num_filter and num_group must be >= 1, got "
                         f"num_filter={num_filter}, num_group={num_group}")
    g = Geometry(k, win.spatial(stride, nd, name, 'stride', 1),
                 win.spatial(dilate, nd, name, 'dilate', 1),
                 win.spatial(pad, nd, name, 'pad', 0, minimum=0), groups)
    if last:
        x, w = win.first(x), win.first(w)
    return x, w, b, g, last


def _check_channels(name, arg, channels, groups):
    if channels % groups:
        raise ShapeError(f"{name}: {arg} ({channels}) is not divisible by num_group ({groups})")


def _check_bias(name, b, n):
    if b is not None and b.shape != (n,):
        raise ShapeError(f"{name}: bias has shape {b.shape}, expected ({n},) (num_filter)")


def convolution(data=None, weight=None, bias=None, kernel=None, stride=None, dilate=None,
                pad=None, num_filter=None, num_group=1, workspace=1024, no_bias=False,
                cudnn_tune=None, cudnn_off=False, layout=None, out=None, name=None):
    """N-D convolution (cross-correlation) as MXNet's ``npx.convolution``.

    ``data`` is ``(N, C, *spatial)`` (or channels-last with ``layout='NWC'/'NHWC'/'NDHWC'``,
    the weight then ``(num_filter, *kernel, C/num_group)``), ``weight``
    ``(num_filter, C/num_group, *kernel)``, ``bias`` ``(num_filter,)`` unless
    ``no_bias=True``.  Output length per dimension ``floor((x + 2p - d(k-1) - 1)/s) + 1``.
    ``workspace``, ``cudnn_tune``, ``cudnn_off`` and ``name`` are accepted and ignored.
    """
    op = 'convolution'
    x, w, b, g, last = _common(op, data, weight, bias, kernel, stride, dilate, pad, num_filter,
                               num_group, no_bias, layout, out)
    C, O, G = x.shape[1], int(num_filter), g.num_group
    _check_channels(op, 'the data\'s channel count', C, G)
    _check_channels(op, 'num_filter', O, G)
    want = (O, C // G) + g.kernel
    if w.shape != want:
        raise ShapeError(f"{op}: weight has shape {w.shape if not last else win.last(w).shape},"
                         f" expected {want if not last else (O,) + g.kernel + (C // G,)} "
                         f"(num_filter, channels / num_group, *kernel)")
    _check_bias(op, b, O)
    for i, (xs, k, p, d) in enumerate(zip(x.shape[2:], g.kernel, g.pad, g.dilate)):
        if d * (k - 1) + 1 > xs + 2 * p:
            raise ShapeError(f"{op}: kernel={g.kernel} (dilated to {d * (k - 1) + 1} in "
                             f"dimension {i}) is larger than the padded input ({xs} padded to "
                             f"{xs + 2 * p}); data shape {x.shape}")
    y = conv(x, w, b, g)
    return win.last(y) if last else y


def _deconv_pad_adj(name, x, g, adj, target_shape):
    """MXNet's deconvolution padding: ``target_shape`` (when set) decides pad and adj."""
    nd = len(g.kernel)
    adj = win.spatial(adj, nd, name, 'adj', 0, minimum=0)
    pad = g.pad
    full = tuple(s * (i - 1) + d * (k - 1) + 1
                 for i, k, s, d in zip(x.shape[2:], g.kernel, g.stride, g.dilate))
    if target_shape is not None and len(target_shape) and any(target_shape):
        t = win.spatial(target_shape, nd, name, 'target_shape')
        for i in range(nd):
            if full[i] < t[i]:
                raise ShapeError(f"{name}: target_shape={t} is too big: dimension {i} can "
                                 f"reach at most {full[i]} with this input, kernel and stride")
        extra = tuple(f - t_ for f, t_ in zip(full, t))
        adj = tuple(e % 2 for e in extra)
        pad = tuple((e + 1) // 2 for e in extra)
    for i in range(nd):
        if adj[i] >= g.stride[i]:
            raise ValueError(f"{name}: adj={adj} must be smaller than stride={g.stride} in "
                             f"every dimension")
    spatial = tuple(f - 2 * p + a for f, p, a in zip(full, pad, adj))
    if any(s < 1 for s in spatial):
        raise ShapeError(f"{name}: pad={pad} leaves an empty output (length {spatial}) for "
                         f"data of shape {x.shape}")
    return g._replace(pad=pad), spatial


def deconvolution(data=None, weight=None, bias=None, kernel=None, stride=None, dilate=None,
                  pad=None, adj=None, target_shape=None, num_filter=None, num_group=1,
                  workspace=512, no_bias=True, cudnn_tune=None, cudnn_off=False, layout=None,
                  out=None, name=None):
    """Transposed convolution as MXNet's ``npx.deconvolution`` (the data gradient of a
    convolution with the same parameters).

    ``data`` ``(N, C, *spatial)``, ``weight`` ``(C, num_filter/num_group, *kernel)``;
    ``no_bias`` defaults to True (MXNet 1.9.1).  Output length
    ``s(x - 1) + d(k - 1) + 1 - 2p + adj``; with ``target_shape`` the pad and adj that
    reach it are used instead (MXNet's rule).  Channels-first layouts only.
    """
    op = 'deconvolution'
    if layout is not None:
        win.channels_last(layout, len(win.kernel_dims(kernel, op)), op, allowed_last=False)
    x, w, b, g, _ = _common(op, data, weight, bias, kernel, stride, dilate, pad, num_filter,
                            num_group, no_bias, layout, out)
    C, O, G = x.shape[1], int(num_filter), g.num_group
    _check_channels(op, 'the data\'s channel count', C, G)
    _check_channels(op, 'num_filter', O, G)
    want = (C, O // G) + g.kernel
    if w.shape != want:
        raise ShapeError(f"{op}: weight has shape {w.shape}, expected {want} "
                         "(channels, num_filter / num_group, *kernel)")
    _check_bias(op, b, O)
    g, spatial = _deconv_pad_adj(op, x, g, adj, target_shape)
    return conv_transpose(x, w, b, g, spatial)

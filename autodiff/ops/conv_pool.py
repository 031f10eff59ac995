"""Convolution (+ bias) -> relu -> max pooling as one op, ``conv_relu_pooling``: the step
``autograd.compile`` runs for that chain when nothing else reads the convolution's or the
relu's output (``compile/window_fusion.py``; LeNet's two layers).

Forward, per piece of samples (``conv._by_samples``: the pieces shared out over the two
threads as a convolution's are): im2col, the batched GEMM and the bias into a per-thread
scratch activation, then the relu and max pooling of it (``pool.max_planes``) while it is
in cache.  The activation never exists whole (LeNet's first: 0.9 MB written and read back
per step unfused), and the pooling runs on both threads.

Backward, unrecorded (the compiled program's step): per piece, the output gradient's
scatter gated by the pooled output (the relu-then-max rule, ``pool.relu_pool``) into the
activation gradient, the weight gradient's im2col and GEMM and the data gradient's GEMM
and col2im while that piece is in cache, in one hand-off (two unfused); then the bias
gradient.  Under ``create_graph`` the same rule written with the ops
(``pool.max_scatter`` gated, ``conv.conv_transpose``, ``conv.conv_weight``), so any order
of derivative follows.  Values and gradients are the unfused ops' bit for bit (the same
pieces, GEMMs and sums).

``usable`` is the rule: the convolution's passes take im2col (not the implicit GEMM) and
its data gradient the col2im route (not the adjoint convolution).
"""
import math

import numpy as _onp

from .._state import state
from ..kernels import conv as KC
from ..kernels import pool as KP
from . import conv as _conv
from . import conv_implicit as implicit
from . import pool as _pool
from . import window as win
from .core import defop, result, wrap

Geometry, Pool = _conv.Geometry, _pool.Pool
_NG, _NP = len(Geometry._fields), len(Pool._fields)


def usable(x_shape, w_shape, g, itemsize):
    """Whether the convolution of ``x_shape`` by ``w_shape`` with Geometry ``g`` runs its
    forward, weight and data gradients by im2col (what the fused passes compute)."""
    if implicit.usable(x_shape, w_shape[0], g, itemsize):
        return False
    osp = _conv.out_lengths(x_shape[2:], g)
    return _conv._adjoint_geometry(g, osp, x_shape[2:]) is None


def _shapes(x, w, g):
    N, C = x.shape[:2]
    O, G = w.shape[0], g.num_group
    osp = _conv.out_lengths(x.shape[2:], g)
    return N, C, O, G, osp, math.prod(osp), C * math.prod(g.kernel)


def forward_data(x, w, b, g, pl):
    """``(y, idx)``: the max pooling ``pl`` of ``relu(conv(x, w) + b)`` (NumPy buffers; ``b``
    may be None) and its first-maximum positions ``(N * O, pooled positions)``."""
    _conv._prime_allocator()
    x = _conv._c(x)
    N, C, O, G, osp, P, CK = _shapes(x, w, g)
    w3 = w.reshape(G, O // G, CK // G)
    Q = math.prod(pl.out)
    y = _onp.empty((N, O) + tuple(pl.out), x.dtype)
    idx = _onp.empty((N * O, Q), _onp.int64)
    geo, x5 = _conv._geometry3(g, osp), win.as5(x)
    bias = None if b is None else _conv._c(b)
    out3 = win.to3(pl.out, 1)

    def piece(lo, hi, alone):
        n = hi - lo
        col = _conv._workspace((n, CK, P), x.dtype)
        act = _conv._workspace((n, O, P), x.dtype, role=1)
        _conv._run(KC.im2col, x5[lo:hi], col, geo, C, alone)
        _conv._matmul(w3, col.reshape(n, G, CK // G, P), act.reshape(n, G, O // G, P), alone)
        if bias is not None:
            KC.add_bias(act, bias)
        planes = win.as5(act.reshape((n, O) + osp))
        planes = planes.reshape((n * O,) + planes.shape[2:])
        _pool.max_planes(planes, pl, True, y[lo:hi].reshape((n * O,) + out3),
                         idx[lo * O:hi * O].reshape((n * O,) + out3))
    _conv._by_samples(N, CK * P, N * O * P * (CK // G), piece)
    return y, idx


def backward_data(x, w, gy, y, idx, g, pl, needs):
    """``(dx, dw, db)`` (NumPy buffers, None where ``needs`` is false) of the fused op for
    the pooled output's gradient ``gy``, from its output ``y`` and positions ``idx``.

    The activation's gradient is scattered piece by piece into one buffer, and the pieces
    are those of ``conv.conv_weight_data`` / ``conv_transpose_data``, so the weight
    gradient's partial sums, the data gradient and the bias gradient (one sum over that
    buffer, as ``conv._bias_grad``) are the unfused ops' bit for bit."""
    x = _conv._c(x)
    N, C, O, G, osp, P, CK = _shapes(x, w, g)
    Q = math.prod(pl.out)
    gy2 = _onp.ascontiguousarray(gy).reshape(N * O, Q)
    y2 = _onp.ascontiguousarray(y).reshape(N * O, Q)
    wt = w.reshape(G, O // G, CK // G).transpose(0, 2, 1)
    gc = _onp.zeros((N, O, P), x.dtype)
    dx = _onp.zeros(x.shape, x.dtype) if needs[0] else None
    geo, x5 = _conv._geometry3(g, osp), win.as5(x)
    dx5 = win.as5(dx) if dx is not None else None

    def piece(lo, hi, alone):
        n = hi - lo
        act = gc[lo:hi]
        KP.scatter_at_gated(gy2[lo * O:hi * O], y2[lo * O:hi * O], idx[lo * O:hi * O],
                            act.reshape(n * O, P))
        col = _conv._workspace((n, CK, P), x.dtype)
        a4 = act.reshape(n, G, O // G, P)
        dwt = None
        if needs[1]:
            _conv._run(KC.im2col, x5[lo:hi], col, geo, C, alone)
            # (as conv_weight_data: col @ gy.T per sample, summed over the piece)
            dwt = _conv._matmul(col.reshape(n, G, CK // G, P), a4.transpose(0, 1, 3, 2),
                                alone=alone).sum(axis=0)
        if dx is not None:
            _conv._matmul(wt, a4, col.reshape(n, G, CK // G, P), alone)
            _conv._run(KC.col2im, col, dx5[lo:hi], geo, C, alone)
        return dwt
    parts = _conv._by_samples(N, CK * P, N * O * P * (CK // G), piece)
    dw = db = None
    if needs[1]:
        dwt = _onp.zeros((G, CK // G, O // G), x.dtype)
        for part in parts:
            dwt += part                 # (in piece order, whichever thread computed it)
        dw = _onp.ascontiguousarray(dwt.transpose(0, 2, 1)).reshape(w.shape)
    if needs[2]:
        db = _conv._bias_grad(wrap(gc.reshape((N, O) + osp)))._data
    return dx, dw, db


def _attrs(node):
    a = node.attrs
    return Geometry(*a[:_NG]), Pool(*a[_NG:_NG + _NP]), a[_NG + _NP]


def _backward(node, grads, needs):
    x, w = node.inputs[0], node.inputs[1]
    g, pl, idx = _attrs(node)
    has_bias = len(node.inputs) > 2
    need = (bool(needs[0]), bool(needs[1]), has_bias and bool(needs[2]))
    if not state.recording:             # (the compiled program's step: one pass per piece)
        dx, dw, db = backward_data(x._data, w._data, grads[0]._data, node.outputs[0], idx,
                                   g, pl, need)
        out = tuple(None if d is None else wrap(d) for d in (dx, dw, db))
    else:                               # (create_graph: the rule written with the ops)
        shape = (x.shape[0], w.shape[0]) + _conv.out_lengths(x.shape[2:], g)
        gc = _pool.max_scatter(grads[0], idx, shape, gate=node.outputs[0])
        out = (_conv.conv_transpose(gc, w, None, g, x.shape[2:]) if need[0] else None,
               _conv.conv_weight(x, gc, g) if need[1] else None,
               _conv._bias_grad(gc) if need[2] else None)
    return out if has_bias else out[:2]


_op = defop('conv_relu_pooling', _backward, params=Geometry._fields + Pool._fields)


def conv_relu_pool(x, w, b, g, pl):
    """``pool.pool(relu(conv.conv(x, w, b, g)), pl)`` for max pooling ``pl`` as one op
    (differentiable; ``b`` may be None)."""
    if pl.pool_type != 'max':
        raise ValueError(f"conv_relu_pooling: pool_type must be 'max', got {pl.pool_type!r}")
    y, idx = forward_data(x._data, w._data, None if b is None else b._data, g, pl)
    inputs = (x, w) if b is None else (x, w, b)
    return result(_op, inputs, y, tuple(g) + tuple(pl) + (idx,))

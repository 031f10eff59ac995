"""``npx.pooling`` (MXNet 1.9.1): max, avg, sum and Lp pooling, 1-D to 3-D.

Max pooling keeps the position of each window's first maximum; its gradient is a
scatter to those positions (op ``pooling_max_scatter``), whose adjoint is a gather
(``pooling_max_gather``) and back.  Sum and average pooling are linear: their gradient
is the adjoint map (``pooling_adjoint``), whose own gradient is the pooling again.  Lp
pooling's gradient is written from those with the library's arithmetic, so every
order of derivative is available.

``relu_pool`` (op ``relu_pooling``) is max pooling of ``relu(x)`` in one pass, the step
``autograd.compile`` runs for a relu that only a max pooling reads: its gradient is the
max scatter gated by its output (``> 0`` where the window's maximum was positive), whose
adjoint is the gather gated alike.
"""
import math
from collections import namedtuple

import numpy as _onp

from ..errors import ShapeError
from ..kernels import pool as K
from .core import defop, result, output
from .convert import as_array
from . import window as win

# kernel, stride, pad (leading), pad_hi (trailing): one entry per spatial dimension;
# out: output lengths; pool_type: 'max', 'avg', 'sum' or 'lp'; mode: the kernels' divisor
# mode; p_value: the Lp power (1 for sum and avg)
Pool = namedtuple('Pool', 'kernel stride pad pad_hi out pool_type mode p_value')
_NP = len(Pool._fields)


def _geometry3(pl):
    return (win.to3(pl.kernel, 1), win.to3(pl.stride, 1), win.to3(pl.pad, 0))


def _planes(d):
    """``(N, C, *spatial)`` buffer as C-contiguous ``(N * C, D, H, W)``."""
    d = d if d.flags.c_contiguous and d.flags.writeable else _onp.array(d, order='C')
    d5 = win.as5(d)
    return d5.reshape((d.shape[0] * d.shape[1],) + d5.shape[2:])   # (explicit: may be empty)


def _tiles(shape4, k3, s3, p3, out3):
    """The rule for ``K.pool_max_tiles``: 1-D or 2-D windows (one depth) that tile the
    plane: kernel == stride, no padding, every window inside the input."""
    _, D, H, W = shape4
    return (D == 1 and k3[0] == 1 and out3[0] == 1 and k3 == s3 and not any(p3)
            and out3[1] * k3[1] <= H and out3[2] * k3[2] <= W and out3[1] * out3[2] > 0)


def max_planes(x4, pl, relu, y, idx):
    """Max pooling ``pl`` of C-contiguous planes ``x4 (M, D, H, W)`` into ``y`` and its
    first-maximum positions ``idx`` (both ``(M, OD, OH, OW)``); ``relu``: of ``relu(x4)``,
    exactly as pooling the relu's output (the 2x2 kernel applies it inline)."""
    out3 = win.to3(pl.out, 1)
    k3, s3, p3 = _geometry3(pl)
    tiles = _tiles(x4.shape, k3, s3, p3, out3)
    if relu and not (tiles and k3[1] == k3[2] == 2):    # (the relu's output, then pool)
        r = _onp.empty_like(x4)
        K.relu_into(x4.reshape(-1), r.reshape(-1))
        x4 = r
    if tiles:
        planes = (x4.reshape(x4.shape[0], x4.shape[2], x4.shape[3]),
                  y.reshape(y.shape[0], out3[1], out3[2]),
                  idx.reshape(y.shape[0], out3[1], out3[2]))
        if k3[1] == k3[2] == 2:         # (unrolled: LeNet's pools, 1.9-2.1x faster)
            K.pool_max_2x2(*planes, relu)
        else:
            K.pool_max_tiles(*planes, k3[1], k3[2])
    else:
        K.pool_max(x4, y, idx, k3, s3, p3, out3, x4.dtype.type(_onp.finfo(x4.dtype).min))


def _forward_data(d, pl, relu=False):
    """``(y, argmax)`` of pooling buffer ``d`` (argmax None unless max pooling); ``relu``
    (max pooling only): pool ``relu(d)`` instead, exactly as pooling the relu's output."""
    x4 = _planes(d)
    out3 = win.to3(pl.out, 1)
    y = _onp.empty((x4.shape[0],) + out3, d.dtype)
    idx = None
    if pl.pool_type == 'max':
        idx = _onp.empty(y.shape, _onp.int64)
        max_planes(x4, pl, relu, y, idx)
        idx = idx.reshape(idx.shape[0], math.prod(pl.out))
    else:
        k3, s3, p3 = _geometry3(pl)
        K.pool_sum(x4, y, k3, s3, p3, win.to3(pl.pad_hi, 0), out3, pl.mode, pl.p_value)
    return y.reshape(d.shape[:2] + pl.out), idx


def _adjoint_data(g, pl, spatial):
    g4 = _planes(g)
    dx = _onp.zeros((g4.shape[0],) + win.to3(spatial, 1), g.dtype)
    k3, s3, p3 = _geometry3(pl)
    K.pool_sum_adjoint(g4, dx, k3, s3, p3, win.to3(pl.pad_hi, 0), win.to3(pl.out, 1), pl.mode)
    return dx.reshape(g.shape[:2] + tuple(spatial))


# ---- ops --------------------------------------------------------------------------------
def _pool_backward(node, grads, needs):
    x, g = node.inputs[0], grads[0]
    pl, idx = Pool(*node.attrs[:_NP]), node.attrs[_NP]
    if pl.pool_type == 'max':
        return (max_scatter(g, idx, x.shape),)
    if pl.pool_type != 'lp' or pl.p_value == 1:
        return (adjoint(g, pl, x.shape[2:]),)
    y = output(node)
    summed = pl._replace(pool_type='sum', mode=K.SUM, p_value=1)
    if pl.p_value == 2:                      # d sqrt(sum x^2) / dx = x / y
        return (adjoint(g / y, summed, x.shape[2:]) * x,)
    return (adjoint(g / (y * y), summed, x.shape[2:]) * (x * x),)    # cbrt(sum x^3)


def _adjoint_backward(node, grads, needs):
    return (pool(grads[0], Pool(*node.attrs[:_NP])),)


def _relu_pool_backward(node, grads, needs):
    # d relu(max(window)) = the window maximum's position, where that maximum is positive:
    # the scatter gated by the output (relu' = 0 elsewhere, and at 0: the relu rule's mask)
    idx = node.attrs[_NP]
    return (max_scatter(grads[0], idx, node.inputs[0].shape, gate=node.outputs[0]),)


def _scatter_backward(node, grads, needs):
    return (max_gather(grads[0], node.attrs[0], node.inputs[0].shape, _gate(node)),)


def _gather_backward(node, grads, needs):
    return (max_scatter(grads[0], node.attrs[0], node.inputs[0].shape, _gate(node)),)


def _gate(node):
    return node.attrs[2] if len(node.attrs) > 2 else None


# (the max positions follow the named parameters in the attrs: saved for backward, not drawn)
_pool_op = defop('pooling', _pool_backward, params=Pool._fields)
_relu_pool_op = defop('relu_pooling', _relu_pool_backward, params=Pool._fields)
_adjoint_op = defop('pooling_adjoint', _adjoint_backward, params=Pool._fields + ('spatial',))
_scatter_op = defop('pooling_max_scatter', _scatter_backward, params=('argmax', 'shape'))
_gather_op = defop('pooling_max_gather', _gather_backward, params=('argmax', 'shape'))


def pool(x, pl):
    """Pooling of channels-first ``x`` with checked parameters ``pl`` (differentiable)."""
    y, idx = _forward_data(x._data, pl)
    return result(_pool_op, (x,), y, tuple(pl) + (idx,))


def relu_pool(x, pl):
    """Max pooling ``pl`` of ``relu(x)`` in one pass (differentiable; op ``relu_pooling``):
    the values, positions and gradients of ``pool(relu(x), pl)``, without the relu's
    output.  ``autograd.compile`` runs it where a program pools a relu that nothing else
    reads (``compile/window_fusion.py``)."""
    if pl.pool_type != 'max':
        raise ValueError(f"relu_pooling: pool_type must be 'max', got {pl.pool_type!r}")
    y, idx = _forward_data(x._data, pl, relu=True)
    return result(_relu_pool_op, (x,), y, tuple(pl) + (idx,))


def adjoint(g, pl, spatial):
    """The adjoint of sum / average pooling ``pl``: ``g`` spread back over input ``spatial``."""
    return result(_adjoint_op, (g,), _adjoint_data(g._data, pl, spatial),
                  tuple(pl) + (tuple(spatial),))


def max_scatter(g, idx, shape, gate=None):
    """Zeros of ``shape`` with each entry of ``g`` added at its window's maximum ``idx``;
    with ``gate`` (a NumPy array of ``g``'s shape: ``relu_pool``'s output) each entry
    times ``gate > 0`` first."""
    planes = idx.shape[0]
    dx = _onp.zeros((planes, math.prod(shape[2:])), g.dtype)
    g2 = _onp.ascontiguousarray(g._data).reshape(idx.shape)
    if gate is None:
        K.scatter_at(g2, idx, dx)
        attrs = (idx, tuple(shape))
    else:
        K.scatter_at_gated(g2, _onp.ascontiguousarray(gate).reshape(idx.shape), idx, dx)
        attrs = (idx, tuple(shape), gate)
    return result(_scatter_op, (g,), dx.reshape(shape), attrs)


def max_gather(h, idx, out_shape, gate=None):
    """``h`` read at each window's maximum ``idx`` (times ``gate > 0`` with ``gate``): the
    adjoint of ``max_scatter``."""
    planes = idx.shape[0]
    out = _onp.empty(idx.shape, h.dtype)
    h2 = _onp.ascontiguousarray(h._data).reshape(planes, math.prod(h.shape[2:]))
    if gate is None:
        K.gather_at(h2, idx, out)
        attrs = (idx, tuple(out_shape))
    else:
        K.gather_at_gated(h2, _onp.ascontiguousarray(gate).reshape(idx.shape), idx, out)
        attrs = (idx, tuple(out_shape), gate)
    return result(_gather_op, (h,), out.reshape(out_shape), attrs)


# ---- the public function ----------------------------------------------------------------
_KINDS = ('max', 'avg', 'sum', 'lp')
_CONVENTIONS = ('valid', 'full', 'same')


def _lengths(name, spatial, kernel, stride, pad, convention):
    """(out, pad_lo, pad_hi) per dimension for the pooling convention."""
    out, lo, hi = [], [], []
    for i, (x, k, s, p) in enumerate(zip(spatial, kernel, stride, pad)):
        if convention == 'same':                    # TensorFlow's SAME: ceil(x / s) outputs
            n = -(-x // s)
            total = max((n - 1) * s + k - x, 0)
            out.append(n)
            lo.append(total // 2)
            hi.append(total - total // 2)
            continue
        if k > x + 2 * p:
            raise ShapeError(f"{name}: kernel={tuple(kernel)} is larger than the padded input "
                             f"in dimension {i} ({x} padded to {x + 2 * p})")
        span = x + 2 * p - k
        out.append(span // s + 1 if convention == 'valid' else -(-span // s) + 1)
        lo.append(p)
        hi.append(p)
    return tuple(out), tuple(lo), tuple(hi)


def pooling(data=None, kernel=None, pool_type='max', global_pool=False, cudnn_off=False,
            pooling_convention='valid', stride=None, pad=None, p_value=None,
            count_include_pad=None, layout=None, out=None, name=None):
    """Pooling as MXNet's ``npx.pooling``: ``pool_type`` 'max', 'avg', 'sum' or 'lp'
    (``p_value`` 1, 2 or 3: ``(sum x^p)^(1/p)``), 1-D to 3-D.

    ``pooling_convention``: 'valid' (``floor((x + 2p - k)/s) + 1`` outputs), 'full'
    (``ceil``; a window may reach past the padding) or 'same' (``ceil(x / s)`` outputs,
    padded evenly, more at the end; ``pad`` must be 0).  ``count_include_pad`` (average
    pooling, default True) divides by the window's size within the padded input instead
    of its number of inputs.  ``global_pool`` pools each whole plane (kernel, stride and
    pad ignored).  Max pooling ignores the padding; at ties the first maximum (in scan
    order) gets the gradient; a window with no input gives the dtype's lowest value.
    ``layout``: NCW/NCHW/NCDHW (default) or NWC/NHWC/NDHWC.
    """
    op = 'pooling'
    if out is not None:
        raise NotImplementedError(f"{op}: out= is not supported; use the returned array")
    x = as_array(data)
    if pool_type not in _KINDS:
        raise ValueError(f"{op}: pool_type={pool_type!r} must be one of {_KINDS}")
    if pooling_convention not in _CONVENTIONS:
        raise ValueError(f"{op}: pooling_convention={pooling_convention!r} must be one of "
                         f"{_CONVENTIONS}")
    win.float_dtype([('data', x)], op)
    if global_pool:
        if not 3 <= x.ndim <= 5:
            raise ShapeError(f"{op}: data of shape {x.shape} must be 3-D, 4-D or 5-D "
                             "(batch, channel, 1 to 3 spatial dimensions)")
        nd = x.ndim - 2
    else:
        nd = len(win.kernel_dims(kernel, op))
    win.check_data(x, nd, op)
    if win.channels_last(layout, nd, op):
        return win.last(pooling(win.first(x), kernel, pool_type, global_pool, cudnn_off,
                                pooling_convention, stride, pad, p_value, count_include_pad))
    p = 1
    if pool_type == 'lp':
        if p_value not in (1, 2, 3):
            raise ValueError(f"{op}: pool_type='lp' needs p_value 1, 2 or 3, got {p_value!r}")
        p = int(p_value)
    spatial = x.shape[2:]
    if global_pool:
        k, s, pd, convention = spatial, (1,) * nd, (0,) * nd, 'valid'
    else:
        k = win.kernel_dims(kernel, op)
        s = win.spatial(stride, nd, op, 'stride', 1)
        pd = win.spatial(pad, nd, op, 'pad', 0, minimum=0)
        convention = pooling_convention
        if convention == 'same' and any(pd):
            raise ValueError(f"{op}: pooling_convention='same' computes its own padding; "
                             f"pad must be 0, got pad={pd}")
        for i in range(nd):
            if pd[i] >= k[i]:
                raise ValueError(f"{op}: pad={pd} must be smaller than kernel={k} in every "
                                 "dimension")
    outs, lo, hi = _lengths(op, spatial, k, s, pd, convention)
    mode = K.SUM
    if pool_type == 'avg':
        include = True if count_include_pad is None else bool(count_include_pad)
        mode = K.AVG_INCLUDE_PAD if include else K.AVG_EXCLUDE_PAD
    pl = Pool(tuple(k), tuple(s), lo, hi, outs, pool_type, mode, p)
    return pool(x, pl)

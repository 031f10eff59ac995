"""Reductions (sum, mean, max, min, prod, argmax, argmin) and ``unbroadcast``.

The reduced axes are moved last (a free reshape when they already are) and one
2-D kernel reduces the rows; a sum over leading axes uses a column-sum kernel
instead of a transposing copy (the bias-gradient pattern).
"""
import math

import numpy as _onp

from .. import dtypes
from ..errors import AxisError
from ..kernels import reduce as K
from .core import defop, result, output, wrap
from .convert import as_array


def normalize_axes(axis, ndim, name):
    """``axis`` (None, int, negative, tuple) as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for ax in items:
        if not isinstance(ax, (int, _onp.integer)) or isinstance(ax, bool):
            raise TypeError(f"{name}: axis must be an int or a tuple of ints, got {ax!r}")
        if not -ndim <= ax < ndim:
            raise AxisError(f"{name}: axis {ax} is out of bounds for array of dimension {ndim}")
        out.append(int(ax) % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {axis!r}")
    return tuple(sorted(out))


def _reduced_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def _as_rows(d, axes):
    """2-D C-contiguous view/copy whose rows are the slices to reduce."""
    nd = d.ndim
    keep = [i for i in range(nd) if i not in axes]
    inner = math.prod(d.shape[i] for i in axes)
    if tuple(axes) != tuple(range(nd - len(axes), nd)):
        d = d.transpose(keep + list(axes))
    return _onp.ascontiguousarray(d).reshape(-1, inner) if d.size else d.reshape(-1, inner)


def reduce_data(code, d, axes, out_dtype):
    """Reduce NumPy buffer ``d`` over ``axes`` with kernel ``code``; returns the kept shape."""
    nd = d.ndim
    kept = tuple(s for i, s in enumerate(d.shape) if i not in axes)
    out = _onp.empty(math.prod(kept), out_dtype)
    if code == K.SUM and axes and axes == tuple(range(len(axes))) and len(axes) < nd \
            and d.flags.c_contiguous and d.size:
        K.sum_first(d.reshape(math.prod(d.shape[i] for i in axes), -1), out)
    elif out.size:
        rows = _as_rows(d, axes)
        if rows.shape[1] == 0:
            out.fill(0 if code == K.SUM else 1)
        else:
            K.reduce_last(code, rows, out)
    return out.reshape(kept)


def _sum_dtype(dt):
    return dt if dt.kind == 'f' else _onp.dtype(_onp.int64)


def _make_reduction(name, code, vjp):
    def backward(node, grads, needs):
        x = node.inputs[0]
        axes, keepdims = node.attrs
        g = grads[0]
        kd = _reduced_shape(x.shape, axes, True)
        return (vjp(g.reshape(kd), output(node).reshape(kd), x, axes),)
    op = defop(name, backward, params=('axis', 'keepdims'))

    def apply(a, axis=None, keepdims=False):
        x = as_array(a)
        d = x._data
        axes = normalize_axes(axis, d.ndim, name)
        if code in (K.MAX, K.MIN) and any(d.shape[i] == 0 for i in axes):
            raise ValueError(f"{name}: zero-size array to reduction operation {name} "
                             "which has no identity")
        if name == 'mean':
            out_dt = d.dtype if d.dtype.kind == 'f' else dtypes.DEFAULT
            n = math.prod(d.shape[i] for i in axes)
            out = reduce_data(K.SUM, d.astype(out_dt, copy=False), axes, out_dt)
            out = (out / n if n else out * _onp.nan).astype(out_dt, copy=False)
        else:
            out_dt = _sum_dtype(d.dtype) if code in (K.SUM, K.PROD) else d.dtype
            out = reduce_data(code, d, axes, out_dt)
        if keepdims:
            out = out.reshape(_reduced_shape(d.shape, axes, True))
        return result(op, (x,), out, (axes, keepdims))
    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"{name.capitalize()} over ``axis`` (None, int or tuple), with ``keepdims``."
    return apply


def _count(x, axes):
    return math.prod(x.shape[i] for i in axes)


# vjp(g, ans, x, axes): g and ans already have the keepdims shape
sum = _make_reduction('sum', K.SUM, lambda g, ans, x, axes: broadcast_to(g, x.shape))
mean = _make_reduction('mean', K.SUM,
                       lambda g, ans, x, axes: broadcast_to(g, x.shape) / _count(x, axes))
# every tied extremum gets the full upstream gradient (MXNet)
max = _make_reduction('max', K.MAX, lambda g, ans, x, axes: g * (x == ans))
min = _make_reduction('min', K.MIN, lambda g, ans, x, axes: g * (x == ans))
prod = _make_reduction('prod', K.PROD, lambda g, ans, x, axes: g * ans / x)
amax, amin = max, min


def _arg(name, is_max):
    def apply(a, axis=None):
        x = as_array(a)
        d = x._data
        if d.size == 0:
            raise ValueError(f"{name}: attempt to get {name} of an empty sequence")
        if axis is None:
            rows = _onp.ascontiguousarray(d).reshape(1, -1)
            out = _onp.empty(1, _onp.int64)
            K.arg_last(is_max, rows, out)
            return wrap(out.reshape(()))
        (ax,) = normalize_axes(axis, d.ndim, name)
        out = _onp.empty(rows_count(d, ax), _onp.int64)
        K.arg_last(is_max, _as_rows(d, (ax,)), out)
        return wrap(out.reshape(tuple(s for i, s in enumerate(d.shape) if i != ax)))
    apply.__name__ = name
    apply.__doc__ = f"Index of the first {'maximum' if is_max else 'minimum'} (not differentiable)."
    return apply


def rows_count(d, ax):
    return d.size // d.shape[ax]


argmax = _arg('argmax', True)
argmin = _arg('argmin', False)


def unbroadcast(g, shape):
    """Sum ``g`` over the axes that broadcasting added or stretched, so it has ``shape``."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    r = sum(g, axes) if axes else g
    return r.reshape(shape) if r.shape != shape else r


from .shape import broadcast_to  # noqa: E402  (shape ops use unbroadcast too)

"""Running sums and products along an axis: ``cumsum``, ``nancumsum``, ``nancumprod``.

The axis is moved last and one kernel (``kernels/reduce.py: scan_last``) scans the rows.
``cumsum``'s VJP is the reversed running sum of the upstream gradient; ``cumprod`` (an
internal op: MXNet 1.9.1's ``np`` has no ``cumprod``; ``nancumprod`` is built on it) has
``reversed_cumsum(g * ans) / x`` away from zeros and, for slices holding zeros, the running
products with each element in turn replaced by 1 (O(n^2), as ``prod``'s rule does).
Dtypes follow MXNet 1.9.1: integers keep their type, bools count in int64, ``dtype=`` casts
first.
"""
import numpy as _onp

from .. import dtypes
from ..errors import AxisError
from ..kernels import reduce as K
from .axes import normalize_axis
from .binary import where
from .convert import as_array
from .core import defop, output, result
from .reduce import _as_rows
from .shape import broadcast_to, expand_dims, flip, moveaxis, reshape
from .unary import isnan


def _scan_data(code, d, ax):
    """Running sums (or products) of NumPy buffer ``d`` along axis ``ax``."""
    out_dt = _onp.dtype(_onp.int64) if d.dtype == _onp.bool_ else d.dtype
    last = _onp.moveaxis(d, ax, -1)
    out = _onp.empty(last.shape, out_dt)
    if d.size:
        rows = _as_rows(last, (last.ndim - 1,))
        flat = out.reshape(rows.shape)
        if out_dt.kind == 'f':
            K.scan_last(code, rows, flat)
        else:                       # integers accumulate exactly in their own type
            K.scan_last(code, rows.astype(out_dt, copy=False), flat, out_dt.type(0))
    return _onp.moveaxis(out, -1, ax).copy()


def _prepare(name, a, axis, dtype):
    """The input as an array (flattened for ``axis=None``, cast to ``dtype``) and its axis."""
    x = as_array(a)
    if dtype is not None:
        x = x.astype(dtypes.check(dtype, name))
    if axis is None:
        return reshape(x, (-1,)), 0
    if x.ndim == 0:
        raise AxisError(f"{name}: axis {axis!r} is out of bounds for a 0-d array (use axis=None)")
    return x, normalize_axis(axis, x.ndim, name)


def _reversed_cumsum(g, ax):
    return flip(cumsum(flip(g, ax), ax), ax)


_cumsum_op = defop('cumsum', lambda node, grads, needs: (
    _reversed_cumsum(grads[0], node.attrs[0]),), params=('axis',))


def cumsum(a, axis=None, dtype=None):
    """Running sum along ``axis`` (None: of the flattened array); differentiable.

    Integers keep their dtype, bools sum in int64 (MXNet 1.9.1); ``dtype=`` casts first.
    """
    x, ax = _prepare('cumsum', a, axis, dtype)
    return result(_cumsum_op, (x,), _scan_data(K.SUM, x._data, ax), (ax,))


def _cumprod_backward(node, grads, needs):
    x, ax = node.inputs[0], node.attrs[0]
    g = grads[0]
    if not (x == 0)._data.any():
        return (_reversed_cumsum(g * output(node), ax) / x,)
    return (_cumprod_vjp_with_zeros(g, x, ax),)


def _cumprod_vjp_with_zeros(g, x, ax):
    """sum over k >= i of g[k] * prod_{j <= k, j != i} x[j], with library ops (any order)."""
    xl, gl = moveaxis(x, ax, -1), moveaxis(g, ax, -1)
    n = xl.shape[-1]
    copies = broadcast_to(expand_dims(xl, -2), xl.shape + (n,))   # [..., i, j] = x[j]
    others = cumprod(where(_onp.eye(n, dtype=bool), 1.0, copies), -1)
    later = _onp.triu(_onp.ones((n, n), dtype=bool))               # k >= i
    terms = where(later, others * expand_dims(gl, -2), 0.0)
    return moveaxis(terms.sum(-1), -1, ax)


_cumprod_op = defop('cumprod', _cumprod_backward, params=('axis',))


def cumprod(a, axis=None, dtype=None):
    """Running product along ``axis`` (None: flattened); differentiable, also at zeros."""
    x, ax = _prepare('cumprod', a, axis, dtype)
    return result(_cumprod_op, (x,), _scan_data(K.PROD, x._data, ax), (ax,))


def _nan_to(x, value):
    """``x`` with its NaNs replaced by ``value`` (their gradient is zero)."""
    if x.dtype.kind != 'f':
        return x
    return where(isnan(x), value, x)


def nancumsum(a, axis=None, dtype=None):
    """Running sum treating NaNs as zero (their gradient is zero)."""
    x, ax = _prepare('nancumsum', a, axis, dtype)
    return cumsum(_nan_to(x, 0.0), ax)


def nancumprod(a, axis=None, dtype=None):
    """Running product treating NaNs as one (their gradient is zero)."""
    x, ax = _prepare('nancumprod', a, axis, dtype)
    return cumprod(_nan_to(x, 1.0), ax)

"""Softmax and log-softmax along an axis (max-shifted kernels: finite for large inputs)."""
import numpy as _onp

from .. import dtypes
from ..kernels import nn as K
from .core import defop, result, output
from .convert import as_array
from .reduce import normalize_axes, normalize_axis


def _last_axis_rows(d, ax):
    moved = _onp.moveaxis(d, ax, -1)
    # explicit row count: reshape(-1, n) is ambiguous when the array is empty
    rows = d.size // d.shape[ax] if d.shape[ax] else 0
    return _onp.ascontiguousarray(moved).reshape(rows, d.shape[ax]), moved.shape


def _apply(op, log, data, axis):
    x = as_array(data)
    d = x._data if x.dtype.kind == 'f' else x._data.astype(dtypes.DEFAULT)
    if d.ndim == 0:
        # one value along axis 0 / -1, as MXNet: softmax 1, log_softmax 0 (NaN if not finite)
        normalize_axes(axis, 0, op.name, reduction=True)
        out = _onp.empty((1, 1), d.dtype)
        K.softmax_last(d.reshape(1, 1), out, log)
        return result(op, (x,), out.reshape(()), (None,))
    ax = normalize_axis(axis, d.ndim, op.name)
    rows, moved_shape = _last_axis_rows(d, ax)
    out = _onp.empty_like(rows)
    if rows.size:
        K.softmax_last(rows, out, log)
    out = _onp.moveaxis(out.reshape(moved_shape), -1, ax)
    return result(op, (x,), _onp.ascontiguousarray(out), (ax,))


def _softmax_backward(node, grads, needs):
    y, g = output(node), grads[0]
    gy = g * y
    return (gy - y * gy.sum(axis=node.attrs[0], keepdims=True),)


def _log_softmax_backward(node, grads, needs):
    y, g = output(node), grads[0]
    from .unary import exp
    return (g - exp(y) * g.sum(axis=node.attrs[0], keepdims=True),)


_softmax_op = defop('softmax', _softmax_backward, params=('axis',))
_log_softmax_op = defop('log_softmax', _log_softmax_backward, params=('axis',))


def softmax(data, axis=-1):
    """Softmax along ``axis``."""
    return _apply(_softmax_op, False, data, axis)


def log_softmax(data, axis=-1):
    """Log-softmax along ``axis``."""
    return _apply(_log_softmax_op, True, data, axis)

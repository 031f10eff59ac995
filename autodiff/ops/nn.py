"""Softmax and log-softmax along an axis (max-shifted kernels: finite for large inputs).

MXNet 1.9.1's options are compositions around the one kernel op, so their gradients
(and the compiler) need nothing new: ``dtype`` is a cast first, ``temperature`` t a
division by t, ``length`` (with ``use_length``) a mask: entries at or past a row's
length enter as -inf and leave as 0.
"""
import numbers

import numpy as _onp

from .. import dtypes
from ..errors import DTypeError, ShapeError
from ..kernels import nn as K
from .binary import where
from .core import defop, result, output
from .convert import as_array
from .reduce import normalize_axes, normalize_axis
from .unary import exp


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
    return (g - exp(y) * g.sum(axis=node.attrs[0], keepdims=True),)


_softmax_op = defop('softmax', _softmax_backward, params=('axis',))
_log_softmax_op = defop('log_softmax', _log_softmax_backward, params=('axis',))


def _options(name, data, axis, temperature, dtype):
    """``data`` cast to ``dtype`` and divided by ``temperature`` (recorded ops)."""
    x = as_array(data)
    if dtype is not None:
        dt = dtypes.check(dtype, name)
        if dt.kind != 'f':
            raise DTypeError(f"{name}: dtype must be a float type (float32 or float64), "
                             f"got {dt}")
        if x.dtype != dt:
            x = x.astype(dt)
    if temperature is not None:
        if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
            raise TypeError(f"{name}: temperature must be a real number or None, got "
                            f"{type(temperature).__name__}")
        if temperature == 0:
            raise ValueError(f"{name}: temperature must be non-zero")
        if temperature != 1:
            x = x / float(temperature)
    return x


def _length_mask(name, x, axis, length):
    """(mask, fill): True before each row's length along ``axis``; the value masked entries
    enter with (-inf, or 0 in an empty row so it stays finite before it is zeroed)."""
    if x.ndim == 0:
        raise ShapeError(f"{name}: use_length needs data with at least one axis")
    ax = normalize_axis(axis, x.ndim, name)
    n = x.shape[ax]
    lens = as_array(length)._data
    if lens.dtype.kind not in 'iu':
        raise DTypeError(f"{name}: length must be an integer array (as MXNet), got "
                         f"{lens.dtype}")
    want = x.shape[:ax] + x.shape[ax + 1:]
    if lens.shape != want:
        raise ShapeError(f"{name}: length must have shape {want} (data's shape {x.shape} "
                         f"without axis {ax}), got {lens.shape}")
    if lens.size and (lens.min() < 0 or lens.max() > n):
        raise ValueError(f"{name}: length values must lie in [0, {n}] (the size of axis "
                         f"{ax}), got values from {lens.min()} to {lens.max()}")
    lens = _onp.expand_dims(lens, ax)
    pos = _onp.arange(n).reshape((n,) + (1,) * (x.ndim - 1 - ax))
    mask = pos < lens
    fill = _onp.where(lens > 0, -_onp.inf, 0.0).astype(x.dtype)
    return mask, _onp.broadcast_to(fill, mask.shape)


def _with_options(name, op, log, data, axis, length, temperature, dtype, use_length):
    if length is not None and not use_length:
        raise ValueError(f"{name}: length is given but use_length is False (pass "
                         f"use_length=True to mask with it)")
    if use_length and length is None:
        raise ValueError(f"{name}: use_length=True needs the length array")
    x = _options(name, data, axis, temperature, dtype)
    if not use_length:
        return _apply(op, log, x, axis)
    mask, fill = _length_mask(name, x, axis, length)
    y = _apply(op, log, where(mask, x, fill), axis)
    return where(mask, y, _onp.zeros((), y.dtype))


def softmax(data, length=None, axis=-1, temperature=None, dtype=None, use_length=False):
    """Softmax along ``axis``: ``exp(x/t) / sum(exp(x/t))`` (MXNet 1.9.1's ``npx.softmax``).

    ``temperature`` t (None: 1); ``dtype``: the output (and computing) float type;
    ``use_length=True`` with an integer ``length`` array (data's shape without ``axis``)
    takes only the first ``length`` entries of each row, the rest of the row is 0.
    """
    return _with_options('softmax', _softmax_op, False, data, axis, length, temperature,
                         dtype, use_length)


def log_softmax(data, axis=-1, temperature=None, dtype=None, use_length=False, length=None):
    """Log-softmax along ``axis``: ``x/t - log(sum(exp(x/t)))`` (MXNet 1.9.1's options).

    As ``softmax``; with ``use_length`` the entries past a row's length are 0 (MXNet's
    masked kernel).  ``length`` is a keyword here (1.9.1's Python signature lacks it, so
    its ``use_length=True`` cannot be used there).
    """
    return _with_options('log_softmax', _log_softmax_op, True, data, axis, length,
                         temperature, dtype, use_length)

"""Index-style ``npx`` ops: ``pick``, ``topk``, ``gather_nd``, ``sequence_mask``, ``one_hot``,
``nonzero`` (MXNet 1.9.1 semantics).

The differentiable ones are library indexing (``getitem``, whose adjoint is the Numba
scatter-add) or ``where``, so their gradients of every order come from those ops;
``one_hot``, ``nonzero`` and ``topk``'s indices and masks are not differentiable.
"""
import numpy as _onp

from .. import dtypes
from .._state import off_tape
from ..errors import ShapeError, DTypeError
from .core import wrap
from .convert import as_array
from .binary import where
from .indexing import getitem
from .reduce import normalize_axis


def _int_indices(a, name, arg):
    """An index array as int64 (floats are truncated toward zero, as MXNet casts them)."""
    d = a._data
    if d.dtype.kind not in 'biuf':
        raise DTypeError(f"{name}: {arg} must hold numeric indices, got dtype {d.dtype}")
    if d.dtype.kind == 'f':
        if not _onp.isfinite(d).all():
            raise ValueError(f"{name}: {arg} holds NaN or inf")
        return _onp.trunc(d).astype(_onp.int64)
    return d.astype(_onp.int64)


def _along(shape, ax, idx):
    """A getitem key selecting ``idx`` (an int array of ``shape`` with axis ``ax`` of any
    length) along axis ``ax`` and every position along the other axes."""
    nd = len(shape)
    key = []
    for i in range(nd):
        if i == ax:
            key.append(idx)
        else:
            view = [1] * nd
            view[i] = shape[i]
            key.append(_onp.arange(shape[i]).reshape(view))
    return tuple(key)


# ---- pick -----------------------------------------------------------------------------------
def pick(data, index, axis=-1, keepdims=False, mode='clip'):
    """``data[i0, .., index[i0, ..], ..]``: one element along ``axis`` per position of the other
    axes (MXNet 1.9.1's ``npx.pick``).  ``index`` has ``data``'s shape without ``axis`` (or
    with length 1 there); ``mode='clip'`` clips out-of-range indices (-1 becomes 0),
    ``'wrap'`` wraps them.  Differentiable in ``data``."""
    name = 'pick'
    x, ix = as_array(data), as_array(index)
    if axis is None:
        raise ValueError(f"{name}: axis=None is not supported (as in MXNet 1.9.1); "
                         "give an axis")
    if mode not in ('clip', 'wrap'):
        raise ValueError(f"{name}: mode must be 'clip' or 'wrap', got {mode!r}")
    if x.ndim == 0:
        raise ShapeError(f"{name}: data must have at least one axis")
    ax = normalize_axis(axis, x.ndim, name)
    want = x.shape[:ax] + x.shape[ax + 1:]
    idx = _int_indices(ix, name, 'index')
    if idx.shape == x.shape[:ax] + (1,) + x.shape[ax + 1:]:
        idx = idx.reshape(want)
    if idx.shape != want:
        raise ShapeError(f"{name}: index must have shape {want} (data's shape {x.shape} "
                         f"without axis {ax}), got {idx.shape}")
    n = x.shape[ax]
    idx = _onp.clip(idx, 0, n - 1) if mode == 'clip' else _onp.mod(idx, n)
    kept = x.shape[:ax] + (1,) + x.shape[ax + 1:]
    out = getitem(x, _along(kept, ax, idx.reshape(kept)))
    return out if keepdims else out.reshape(want)


# ---- topk -----------------------------------------------------------------------------------
_RET = ('indices', 'value', 'both', 'mask')


def topk(data, axis=-1, k=1, ret_typ='indices', is_ascend=False, dtype='float32'):
    """The ``k`` largest (``is_ascend=False``) or smallest elements along ``axis``, sorted (MXNet
    1.9.1's ``npx.topk``).  ``axis=None`` uses the flattened array; ``k < 1`` sorts the whole
    axis.  Ties keep the lower index first.  ``ret_typ``: 'indices' (of ``dtype``, float32 by
    default, as MXNet 1.9.1), 'value', 'both' ([values, indices]) or 'mask' (1 at the chosen
    positions, 0 elsewhere, data's dtype).  Values are differentiable."""
    name = 'topk'
    x = as_array(data)
    if ret_typ not in _RET:
        raise ValueError(f"{name}: ret_typ must be one of {_RET}, got {ret_typ!r}")
    if isinstance(k, bool) or not isinstance(k, (int, _onp.integer)):
        raise TypeError(f"{name}: k must be an int, got {k!r}")
    idt = dtypes.check(dtype)
    src = x.reshape((-1,)) if axis is None or x.ndim == 0 else x
    ax = src.ndim - 1 if axis is None else normalize_axis(axis, src.ndim, name)
    n = src.shape[ax]
    kk = n if k < 1 else int(k)
    if kk > n:
        raise ValueError(f"{name}: k={k} is larger than the length {n} of axis {ax}")
    d = src._data
    key = d if is_ascend else -d.astype(_onp.float64) if d.dtype.kind in 'iub' else -d
    order = _onp.argsort(key, axis=ax, kind='stable')
    chosen = _onp.take(order, _onp.arange(kk), axis=ax)
    if ret_typ == 'mask':
        mask = _onp.zeros(d.shape, x.dtype)
        _onp.put_along_axis(mask, chosen, 1, axis=ax)
        return off_tape(name, (x,), wrap(mask.reshape(x.shape) if axis is None else mask))
    if idt.kind != 'f' and n > _onp.iinfo(idt).max + 1:
        raise DTypeError(f"{name}: dtype {idt} cannot represent the indices of an axis of "
                         f"length {n}")
    indices = off_tape(name, (x,), wrap(chosen.astype(idt)))
    if ret_typ == 'indices':
        return indices
    values = getitem(src, _along(src.shape, ax, chosen))
    return values if ret_typ == 'value' else [values, indices]


# ---- gather_nd ------------------------------------------------------------------------------
def gather_nd(data, indices):
    """``data[indices[0], ..., indices[M-1]]``: ``indices`` (M, Y0, ..) picks elements (M ==
    data.ndim) or slices (M < data.ndim); the result has shape (Y0, .., X_M, ..)
    (MXNet 1.9.1's ``npx.gather_nd``; negative indices count from the end).  Differentiable
    in ``data``; repeated indices accumulate in the gradient."""
    name = 'gather_nd'
    x, ix = as_array(data), as_array(indices)
    if ix.ndim == 0:
        raise ShapeError(f"{name}: indices must have at least one axis (M, ...), got a 0-d array")
    idx = _int_indices(ix, name, 'indices')
    M = idx.shape[0]
    if M > x.ndim:
        raise ShapeError(f"{name}: indices.shape[0] = {M} is larger than data's number of "
                         f"axes {x.ndim}")
    for i in range(M):
        n = x.shape[i]
        if ((idx[i] < -n) | (idx[i] >= n)).any():
            raise IndexError(f"{name}: indices[{i}] holds values out of range for axis {i} of "
                             f"length {n}")
    return getitem(x, tuple(idx[i] for i in range(M)))


# ---- sequence_mask --------------------------------------------------------------------------
def sequence_mask(data, sequence_length=None, use_sequence_length=False, value=0.0, axis=0):
    """Set the steps at or beyond each sequence's length to ``value`` (MXNet 1.9.1's
    ``npx.sequence_mask``).  ``data`` is (T, batch, ...) for ``axis=0`` or (batch, T, ...)
    for ``axis=1``; ``sequence_length`` (batch,) is used only with
    ``use_sequence_length=True`` (otherwise the op is a copy); lengths are
    truncated to integers.  Differentiable in ``data``."""
    name = 'sequence_mask'
    x = as_array(data)
    if axis not in (0, 1):
        raise ValueError(f"{name}: axis must be 0 or 1, got {axis!r}")
    if x.ndim < 2:
        raise ShapeError(f"{name}: data must have at least 2 axes, got shape {x.shape}")
    if not use_sequence_length:
        return x.copy()            # a new array, as MXNet's (writing to it leaves data alone)
    if sequence_length is None:
        raise TypeError(f"{name}: sequence_length is required with use_sequence_length=True")
    lens = _int_indices(as_array(sequence_length), name, 'sequence_length')
    T, batch = x.shape[axis], x.shape[1 - axis]
    if lens.shape != (batch,):
        raise ShapeError(f"{name}: sequence_length must have shape ({batch},), got {lens.shape}")
    steps = _onp.arange(T)
    keep = steps[:, None] < lens[None, :] if axis == 0 else steps[None, :] < lens[:, None]
    keep = keep.reshape(keep.shape + (1,) * (x.ndim - 2))
    return where(wrap(keep), x, float(value))


# ---- one_hot and nonzero (not differentiable) ----------------------------------------------
def one_hot(indices, depth, on_value=1.0, off_value=0.0, dtype='float32'):
    """An array of shape ``indices.shape + (depth,)`` holding ``on_value`` at each index and
    ``off_value`` elsewhere; an index outside [0, depth) gives a row of ``off_value``
    (MXNet 1.9.1's ``npx.one_hot``).  Not differentiable."""
    name = 'one_hot'
    ix = as_array(indices)
    if isinstance(depth, bool) or not isinstance(depth, (int, _onp.integer)) or depth < 0:
        raise ValueError(f"{name}: depth must be a non-negative int, got {depth!r}")
    dt = dtypes.check(dtype)
    idx = _int_indices(ix, name, 'indices')
    out = _onp.full(idx.shape + (int(depth),), off_value, dt)
    ok = (idx >= 0) & (idx < depth)
    pos = _onp.nonzero(ok)
    out[pos + (idx[pos],)] = on_value
    return off_tape(name, (ix,), wrap(out))


def nonzero(a):
    """The indices of the non-zero elements, one row each, in C order: int64 of shape
    (count, a.ndim), i.e. ``transpose(numpy.nonzero(a))`` (MXNet 1.9.1's ``npx.nonzero``)."""
    x = as_array(a)
    d = x._data if x.ndim else x._data.reshape(1)
    return off_tape('nonzero', (x,), wrap(_onp.ascontiguousarray(
        _onp.transpose(_onp.nonzero(d))).astype(_onp.int64)))

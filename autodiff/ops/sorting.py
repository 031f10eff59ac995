"""Sorting and searching: ``sort``, ``msort``, ``partition`` (differentiable), ``argsort``,
``argpartition``, ``lexsort``, ``searchsorted``, ``nonzero``, ``argwhere``, ``flatnonzero``,
``digitize``, ``unique``.

The orderings themselves are library algorithms: NumPy's sorts, selections and binary
searches compute them.  The values of ``sort``/``partition`` are a gather of the input by
that permutation, so their gradient scatters the upstream gradient back by it
(``indexing.scatter_add``, whose own gradient is the gather again: every order).
Index results are int64 and not differentiable (MXNet 1.9.1).
"""
import numpy as _onp

from ..errors import AxisError, ShapeError
from ..ndarray import wrap
from .axes import normalize_axis
from .convert import as_array
from .core import defop, nondiff, result
from .indexing import scatter_add
from .shape import reshape

_KINDS = (None, 'quicksort', 'mergesort', 'heapsort', 'stable')


def along_axis_key(idx, ax):
    """The NumPy index that gathers ``x`` by ``idx`` along axis ``ax`` (``idx`` has x's
    shape there, or any length along ``ax``): ``x[key]`` is ``take_along_axis(x, idx, ax)``."""
    nd = idx.ndim
    key = [_onp.arange(n).reshape((n,) + (1,) * (nd - 1 - i)) if i != ax else idx
           for i, n in enumerate(idx.shape)]
    return tuple(key)


def _gather_backward(node, grads, needs):
    return (scatter_add(grads[0], node.attrs[0], node.inputs[0].shape),)


_sort_op = defop('sort', _gather_backward, params=('key',))
_partition_op = defop('partition', _gather_backward, params=('key',))


def _flat_or_axis(name, a, axis):
    x = as_array(a)
    if axis is None:
        return reshape(x, (-1,)), 0
    if x.ndim == 0:
        raise AxisError(f"{name}: axis {axis!r} is out of bounds for a 0-d array (use axis=None)")
    return x, normalize_axis(axis, x.ndim, name)


def _check_kind(name, kind, order):
    if kind not in _KINDS and kind != 'introselect':
        raise ValueError(f"{name}: kind must be one of {_KINDS[1:]}, got {kind!r}")
    if order is not None:
        raise NotImplementedError(f"{name}: order={order!r} (structured arrays) is not supported")


def _argsort_data(d, ax):
    return _onp.argsort(d, axis=ax, kind='stable').astype(_onp.int64, copy=False)


def sort(a, axis=-1, kind=None, order=None):
    """A sorted copy along ``axis`` (None: flattened); differentiable (the gradient goes back
    to where each value came from; ties keep their order)."""
    _check_kind('sort', kind, order)
    x, ax = _flat_or_axis('sort', a, axis)
    key = along_axis_key(_argsort_data(x._data, ax), ax)
    return result(_sort_op, (x,), x._data[key], (key,))


def msort(a):
    """``sort(a, axis=0)``."""
    return sort(a, axis=0)


def argsort(a, axis=-1, kind=None, order=None):
    """The int64 indices that sort ``a`` along ``axis`` (stable; not differentiable)."""
    _check_kind('argsort', kind, order)
    x, ax = _flat_or_axis('argsort', a, axis)
    return nondiff('argsort', (x,), wrap(_argsort_data(x._data, ax)))


def _kth(name, kth, n):
    ks = _onp.atleast_1d(_onp.asarray(kth._data if hasattr(kth, '_data') else kth))
    if ks.dtype.kind not in 'iu':
        raise TypeError(f"{name}: kth must be an integer or a sequence of integers, got {kth!r}")
    for k in ks:
        if not -n <= k < n:
            raise ValueError(f"{name}: kth(={int(k)}) out of bounds ({n})")
    return ks


def partition(a, kth, axis=-1, kind='introselect', order=None):
    """A copy with the ``kth`` element(s) in sorted position, smaller ones before, larger
    after (along ``axis``); differentiable as ``sort``."""
    _check_kind('partition', kind, order)
    x, ax = _flat_or_axis('partition', a, axis)
    ks = _kth('partition', kth, x.shape[ax])
    idx = _onp.argpartition(x._data, ks, axis=ax).astype(_onp.int64, copy=False)
    key = along_axis_key(idx, ax)
    return result(_partition_op, (x,), x._data[key], (key,))


def argpartition(a, kth, axis=-1, kind='introselect', order=None):
    """The int64 indices that would partition ``a`` (see ``partition``)."""
    _check_kind('argpartition', kind, order)
    x, ax = _flat_or_axis('argpartition', a, axis)
    ks = _kth('argpartition', kth, x.shape[ax])
    return nondiff('argpartition', (x,),
                   wrap(_onp.argpartition(x._data, ks, axis=ax).astype(_onp.int64)))


def lexsort(keys, axis=-1):
    """Indices (int64) sorting by several keys, the last key primary (not differentiable)."""
    arrays = [as_array(k) for k in keys] if not hasattr(keys, '_data') else [
        as_array(keys)[i] for i in range(keys.shape[0])]
    if not arrays:
        raise ValueError("lexsort: need at least one key")
    shape = arrays[0].shape
    for i, k in enumerate(arrays):
        if k.shape != shape:
            raise ShapeError(f"lexsort: all keys need the same shape; key {i} has {k.shape}, "
                             f"key 0 has {shape}")
    if arrays[0].ndim == 0:
        raise ValueError("lexsort: keys must be at least 1-D")
    ax = normalize_axis(axis, arrays[0].ndim, 'lexsort')
    out = _onp.lexsort([k._data for k in arrays], axis=ax).astype(_onp.int64)
    return nondiff('lexsort', tuple(arrays), wrap(out))


def searchsorted(a, v, side='left', sorter=None):
    """Int64 insertion indices of ``v`` into the sorted 1-D ``a`` (binary search)."""
    x, y = as_array(a), as_array(v)
    if x.ndim != 1:
        raise ShapeError(f"searchsorted: a must be 1-D, got shape {x.shape}")
    if side not in ('left', 'right'):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    srt = None
    if sorter is not None:
        srt = _onp.asarray(sorter._data if hasattr(sorter, '_data') else sorter)
        if srt.shape != x.shape or srt.dtype.kind not in 'iu':
            raise ValueError(f"searchsorted: sorter must be integer indices of a's shape "
                             f"{x.shape}")
    out = _onp.asarray(_onp.searchsorted(x._data, y._data, side, srt), _onp.int64)
    return nondiff('searchsorted', (x, y), wrap(out))


def digitize(x, bins, right=False):
    """Int64 indices of the bins (monotonic ``bins``) that each value of ``x`` falls in."""
    xs, b = as_array(x), as_array(bins)
    if b.ndim != 1:
        raise ShapeError(f"digitize: bins must be 1-D, got shape {b.shape}")
    try:
        out = _onp.digitize(xs._data, b._data, right)
    except ValueError as e:
        raise ValueError(f"digitize: {e}") from None
    return nondiff('digitize', (xs, b), wrap(_onp.asarray(out, _onp.int64)))


def nonzero(a):
    """A tuple of int64 index arrays, one per dimension, of the non-zero elements (a 0-d
    input counts as 1-D, as MXNet 1.9.1 does)."""
    x = as_array(a)
    d = x._data.reshape(1) if x.ndim == 0 else x._data
    return tuple(nondiff('nonzero', (x,), wrap(i.astype(_onp.int64))) for i in _onp.nonzero(d))


def argwhere(a):
    """The (N, ndim) int64 indices of the non-zero elements."""
    x = as_array(a)
    return nondiff('argwhere', (x,), wrap(_onp.argwhere(x._data).astype(_onp.int64)))


def flatnonzero(a):
    """Int64 indices of the non-zero elements of the flattened array."""
    x = as_array(a)
    return nondiff('flatnonzero', (x,), wrap(_onp.flatnonzero(x._data).astype(_onp.int64)))


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
    """The sorted unique elements (of the flattened array, or slices along ``axis``), and
    optionally int64 first indices, inverse indices and counts (not differentiable)."""
    x = as_array(ar)
    if axis is not None:
        if x.ndim == 0:
            raise ValueError("unique: axis given for a 0-d array")
        axis = normalize_axis(axis, x.ndim, 'unique')
    r = _onp.unique(x._data, return_index, return_inverse, return_counts, axis)
    if not isinstance(r, tuple):
        return nondiff('unique', (x,), wrap(r))
    vals = [nondiff('unique', (x,), wrap(r[0]))]
    for extra in r[1:]:
        if axis is None and extra.ndim > 1:             # NumPy 2 keeps the input's shape
            extra = extra.reshape(-1)
        vals.append(nondiff('unique', (x,), wrap(extra.astype(_onp.int64))))
    return tuple(vals)

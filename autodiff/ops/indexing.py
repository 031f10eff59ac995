"""``x[key]`` (ints, slices with steps, None, Ellipsis, integer arrays, bool masks) and its adjoint.

The gradient of indexing is a scatter-add into zeros; repeated indices accumulate.
The scatter is an op of its own whose backward is indexing again, so indexing has
gradients of every order.
"""
import numpy as _onp

from .. import versions
from .._state import state
from ..kernels import indexing as K
from ..ndarray import ndarray
from ..tape import tick
from .core import defop, record, result
from .convert import as_array
from .shape import unbroadcast


def _normalize_key(key):
    """Array keys to NumPy arrays (ints stay ints, bools stay masks); lists too."""
    if isinstance(key, tuple):
        return tuple(_normalize_key(k) for k in key)
    if isinstance(key, ndarray):
        return key._data
    if isinstance(key, list):
        # an empty list selects nothing along an axis, as in NumPy (not a float index)
        return _onp.asarray(key) if key else _onp.zeros(0, _onp.int64)
    return key


def _is_basic(key):
    items = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (slice, int, _onp.integer))
               for k in items)


def _take(d, key, shape_for_error):
    try:
        r = d[key]
        if type(r) is not _onp.ndarray:
            # a full integer index gives a NumPy scalar: take the 0-d view instead
            r = d[(key if isinstance(key, tuple) else (key,)) + (Ellipsis,)]
        return r
    except IndexError as e:
        raise IndexError(f"indexing array of shape {shape_for_error} with {key!r}: {e}") from None


def _as_mxnet_shares(r, d, key):
    """The result MXNet 1.9.1 gives: basic indexing shares memory when the selected
    elements are one contiguous run of the (C-contiguous) buffer (``x[1]``, ``x[2:5]``,
    ``x[1, 2:4]``, ``x[...]``); otherwise (a column, a step, integer or bool arrays) a copy.
    Backward rules (``state.views``) keep NumPy's views."""
    if state.views or r.base is None:
        return r
    if r.flags.c_contiguous and d.flags.c_contiguous and _is_basic(key):
        return r
    return r.copy()


def _getitem_backward(node, grads, needs):
    x = node.inputs[0]
    return (scatter_add(grads[0], node.attrs[0], x.shape),)


_getitem_op = defop('getitem', _getitem_backward, params=('key',))


def getitem(a, key):
    """``a[key]``; differentiable (basic and advanced indexing).  Shares memory with ``a``
    when MXNet 1.9.1 does (a contiguous run of basic indexing), else a copy."""
    x = as_array(a)
    key = _normalize_key(key)
    if isinstance(key, _onp.ndarray) and key.dtype.kind == 'f':
        raise IndexError(f"arrays used as indices must be of integer or boolean type, not {key.dtype}")
    d = x._data
    return result(_getitem_op, (x,), _as_mxnet_shares(_take(d, key, x.shape), d, key), (key,))


def _scatter_backward(node, grads, needs):
    return (getitem(grads[0], node.attrs[0]),)


_scatter_op = defop('scatter_add', _scatter_backward, params=('key', 'shape'))


def scatter_add(g, key, shape):
    """Zeros of ``shape`` with ``g`` added at ``key`` (repeats accumulate): indexing's adjoint."""
    g = as_array(g)
    out = _onp.zeros(shape, g.dtype)
    if _is_basic(key):
        out[key] = g._data
    else:
        selected = _onp.arange(out.size, dtype=_onp.int64).reshape(shape)[key]
        src = _onp.ascontiguousarray(_onp.broadcast_to(g._data, selected.shape))
        K.scatter_add_rows(out.reshape(-1, 1), selected.reshape(-1), src.reshape(-1, 1))
    return result(_scatter_op, (g,), out, (key, shape))


def _setitem_backward(node, grads, needs):
    v = node.inputs[0]
    g = getitem(grads[0], node.attrs[0])                  # the gradient of the region
    if g.ndim < v.ndim:
        g = g.reshape((1,) * (v.ndim - g.ndim) + g.shape)
    g = unbroadcast(g, v.shape)                           # value was broadcast into it
    return (g if g.dtype == v.dtype else g.astype(v.dtype),)


_setitem_op = defop('setitem', _setitem_backward, params=('key',))


def setitem(a, key, value):
    """``a[key] = value`` in place.  While recording, a ``value`` with history is recorded
    (``a``, which has none, becomes the op's output; as MXNet does), so the gradient
    reaches ``value``; ``ndarray.__setitem__`` refuses a target already in a graph."""
    key = _normalize_key(key)
    v = value._data if isinstance(value, ndarray) else value
    try:
        a._data[key] = v
    except ValueError as e:
        raise ValueError(f"setitem: cannot assign value of shape {_onp.shape(v)} to "
                         f"a[{key!r}] of array with shape {a.shape}: {e}") from None
    except IndexError as e:
        raise IndexError(f"setitem: index {key!r} for array of shape {a.shape}: {e}") from None
    versions.stamp(a._data, tick())            # (before the node: the write is not after it)
    if isinstance(value, ndarray) and value._node is not None:
        record(_setitem_op, (value,), (a,), (a._data,), (key,))


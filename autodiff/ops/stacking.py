"""Stacking and splitting (``hstack`` ... ``dsplit``, ``atleast_nd``, ``broadcast_arrays``,
``append``, ``insert``, ``delete``, ``resize``).

Most are compositions of ``ops/shape.py``'s differentiable ``reshape``, ``concatenate``,
``split`` and ``broadcast_to`` (their gradients come from there); ``insert``, ``delete``
and ``resize`` move elements with NumPy (``numpy.insert``...) and share the scatter-add
backward of ``ops/gather.py``.  Every result is a new array, as in MXNet.
"""
import numpy as _onp

from ..errors import AxisError, ShapeError
from ..ndarray import ndarray
from .convert import as_array
from .gather import defgather, gather
from .indexing import getitem
from .shape import broadcast_to, concatenate, int_tuple, reshape, split, copy as _copy
from .axes import normalize_axis


# ---- at least n dimensions ---------------------------------------------------------------
def _atleast(arys, nd, place):
    out = []
    for a in arys:
        x = as_array(a)
        out.append(reshape(x, place(x.shape)) if x.ndim < nd else _copy(x))
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys):
    """Each input viewed with at least one dimension (a 0-d array becomes shape (1,))."""
    return _atleast(arys, 1, lambda s: (1,))


def atleast_2d(*arys):
    """At least two dimensions: (n,) becomes (1, n), a 0-d array (1, 1)."""
    return _atleast(arys, 2, lambda s: (1,) * (2 - len(s)) + s)


def atleast_3d(*arys):
    """At least three dimensions: (n,) becomes (1, n, 1), (m, n) becomes (m, n, 1)."""
    def place(s):
        if len(s) == 0:
            return (1, 1, 1)
        if len(s) == 1:
            return (1,) + s + (1,)
        return s + (1,)
    return _atleast(arys, 3, place)


def _listed(arrays, name):
    """The sequence of arrays to join; an array is the sequence of its rows (as in MXNet)."""
    if isinstance(arrays, ndarray):
        if arrays.ndim == 0:
            raise TypeError(f"{name}: arrays must be a sequence of arrays, got a 0-d array")
        arrays = [getitem(arrays, i) for i in range(arrays.shape[0])]
    elif not isinstance(arrays, (list, tuple)):
        raise TypeError(f"{name}: arrays must be a list or tuple of arrays, got "
                        f"{type(arrays).__name__}")
    if not arrays:
        raise ValueError(f"{name}: need at least one array to stack")
    return [as_array(a) for a in arrays]


# ---- stacking ----------------------------------------------------------------------------
def hstack(arrays):
    """Join along the second axis (the first for 1-D arrays)."""
    xs = [atleast_1d(a) for a in _listed(arrays, 'hstack')]
    return concatenate(xs, axis=0 if xs[0].ndim == 1 else 1)


def vstack(arrays):
    """Join along the first axis after making 1-D arrays rows (1, n)."""
    return concatenate([atleast_2d(a) for a in _listed(arrays, 'vstack')], axis=0)


row_stack = vstack


def dstack(arrays):
    """Join along the third axis after ``atleast_3d``."""
    return concatenate([atleast_3d(a) for a in _listed(arrays, 'dstack')], axis=2)


def column_stack(tup):
    """Join 1-D arrays as the columns of a matrix (2-D arrays are joined as they are)."""
    xs = _listed(tup, 'column_stack')
    return concatenate([reshape(a, (-1, 1)) if a.ndim < 2 else a for a in xs], axis=1)


# ---- splitting -----------------------------------------------------------------------------
def array_split(ary, indices_or_sections, axis=0):
    """``split`` that allows sections of unequal length (the first ones one longer)."""
    x = as_array(ary)
    ax = normalize_axis(axis, x.ndim, 'array_split')
    if isinstance(indices_or_sections, (int, _onp.integer)):
        n = int(indices_or_sections)
        if n < 1:
            raise ValueError(f"array_split: the number of sections must be at least 1, got {n}")
        each, extra = divmod(x.shape[ax], n)
        sizes = [each + 1] * extra + [each] * (n - extra)
        indices = list(_onp.cumsum(sizes)[:-1])
    else:
        indices = list(int_tuple(indices_or_sections, 'array_split', 'indices_or_sections'))
    return split(x, [int(i) for i in indices], axis=ax)


def _split_on(ary, indices_or_sections, axis, name, min_nd):
    x = as_array(ary)
    if x.ndim < min_nd:
        raise ShapeError(f"{name}: only works on arrays of {min_nd} or more dimensions, got "
                         f"shape {x.shape}")
    return split(x, indices_or_sections, axis=axis)


def hsplit(ary, indices_or_sections):
    """Split along the second axis (the first for 1-D arrays)."""
    x = as_array(ary)
    return _split_on(x, indices_or_sections, 1 if x.ndim > 1 else 0, 'hsplit', 1)


def vsplit(ary, indices_or_sections):
    """Split along the first axis (arrays of 2 or more dimensions)."""
    return _split_on(ary, indices_or_sections, 0, 'vsplit', 2)


def dsplit(ary, indices_or_sections):
    """Split along the third axis (arrays of 3 or more dimensions)."""
    return _split_on(ary, indices_or_sections, 2, 'dsplit', 3)


def broadcast_arrays(*args):
    """The inputs broadcast to their common shape (new arrays; gradients sum back)."""
    xs = [as_array(a) for a in args]
    try:
        shape = _onp.broadcast_shapes(*(x.shape for x in xs))
    except ValueError:
        raise ShapeError("broadcast_arrays: shapes " + ", ".join(str(x.shape) for x in xs)
                         + " cannot be broadcast together") from None
    return [broadcast_to(x, shape) for x in xs]


# ---- append, insert, delete, resize --------------------------------------------------------
def append(arr, values, axis=None):
    """``values`` joined to the end of ``arr`` along ``axis`` (both flattened when None)."""
    x, v = as_array(arr), as_array(values)
    if axis is None:
        return concatenate([reshape(x, (-1,)), reshape(v, (-1,))], axis=0)
    if x.ndim != v.ndim:
        raise ShapeError(f"append: arr and values must have the same number of dimensions "
                         f"along axis {axis}, got shapes {x.shape} and {v.shape}")
    return concatenate([x, v], axis=axis)


def _positions(obj, name):
    """``obj`` of insert/delete as NumPy understands it (a slice, an int or an int array)."""
    if isinstance(obj, slice):
        return obj
    if isinstance(obj, ndarray):
        obj = obj._data
    o = _onp.asarray(obj)
    if o.dtype.kind == 'b' and name == 'delete':
        return o
    if o.dtype.kind not in 'iu' and o.size:
        raise TypeError(f"{name}: obj must be an int, a slice or integer indices, got "
                        f"dtype {o.dtype}")
    return o.astype(_onp.int64) if o.ndim else int(o)


def _axis_or_flat(x, axis, name):
    if axis is None:
        return None
    if x.ndim == 0:
        raise AxisError(f"{name}: axis {axis} is out of bounds for array of dimension 0")
    return normalize_axis(axis, x.ndim, name)


_insert_op = defgather('insert')


def insert(arr, obj, values, axis=None):
    """``values`` inserted before the positions ``obj`` along ``axis`` (flattened when
    None); ``values`` are cast to ``arr``'s dtype.  Differentiable in ``arr`` and ``values``."""
    x, v = as_array(arr), as_array(values)
    ax = _axis_or_flat(x, axis, 'insert')
    pos = _positions(obj, 'insert')

    def move(bufs, labels):
        a, b = bufs
        try:
            return _onp.insert(a, pos, b if labels else b.astype(a.dtype), axis=ax)
        except (IndexError, ValueError) as e:
            raise ShapeError(f"insert: cannot insert values of shape {v.shape} at {obj!r} "
                             f"into shape {x.shape} along axis {axis}: {e}") from None
    return gather(_insert_op, (x, v), move)


_delete_op = defgather('delete')


def delete(arr, obj, axis=None):
    """A copy without the entries ``obj`` (an int, a slice, indices) along ``axis``."""
    x = as_array(arr)
    ax = _axis_or_flat(x, axis, 'delete')
    pos = _positions(obj, 'delete')

    def move(bufs, labels):
        try:
            return _onp.delete(bufs[0], pos, axis=ax)
        except IndexError as e:
            raise IndexError(f"delete: {e} (shape {x.shape}, axis {axis})") from None
    return gather(_delete_op, (x,), move)


_resize_op = defgather('resize')


def resize(a, new_shape):
    """An array of ``new_shape`` filled with ``a``'s elements in order, repeated as needed."""
    x = as_array(a)
    shape = int_tuple(new_shape, 'resize', 'new_shape')
    if any(s < 0 for s in shape):
        raise ValueError(f"resize: all entries of new_shape must be non-negative, got {shape}")
    return gather(_resize_op, (x,), lambda bufs, labels: _onp.resize(bufs[0], shape))


def copy(a):
    """A copy of ``a`` that keeps its history (``out=`` writes into an array)."""
    return _copy(a)

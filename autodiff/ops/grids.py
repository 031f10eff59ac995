"""Grids and functions of functions: ``meshgrid``, ``indices``, ``ix_``, ``unravel_index``,
``logspace``, ``apply_along_axis``, ``apply_over_axes``.

``meshgrid`` is ``reshape`` + ``broadcast_to`` (differentiable); ``apply_along_axis`` and
``apply_over_axes`` call the user's function on the library's arrays and join the results
with ``stack``/``expand_dims``, so they are differentiable whenever the function is.
``indices``, ``ix_``, ``unravel_index`` (NumPy's) and ``logspace`` create constants.
"""
import itertools

import numpy as _onp

from .. import dtypes
from ..device import place
from ..errors import AxisError, ShapeError
from ..ndarray import ndarray, wrap
from .convert import as_array
from .core import nondiff
from .creation import _shape
from .shape import broadcast_to, expand_dims, reshape, stack, transpose, moveaxis
from .axes import normalize_axis
from .indexing import getitem


def meshgrid(*xi, **kwargs):
    """Coordinate arrays from 1-D coordinate vectors (inputs are flattened).
    ``indexing``: 'xy' (default, Cartesian: the first two axes swapped) or 'ij';
    ``sparse=True`` returns the broadcastable shapes only; results are copies."""
    indexing = kwargs.pop('indexing', 'xy')
    sparse = kwargs.pop('sparse', False)
    kwargs.pop('copy', True)
    if kwargs:
        raise TypeError(f"meshgrid: unexpected keyword arguments {sorted(kwargs)}")
    if indexing not in ('xy', 'ij'):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xs = [reshape(as_array(x), (-1,)) for x in xi]
    n = len(xs)
    shapes = []
    for i in range(n):
        s = [1] * n
        s[i] = -1
        if indexing == 'xy' and n > 1 and i < 2:
            s[0], s[1] = s[1], s[0]
        shapes.append(tuple(s))
    parts = [reshape(x, s) for x, s in zip(xs, shapes)]
    if sparse or n == 0:
        return parts
    full = _onp.broadcast_shapes(*(p.shape for p in parts))
    return [broadcast_to(p, full) for p in parts]


def indices(dimensions, dtype=_onp.int32, ctx=None, device=None):
    """The grid of indices of an array of shape ``dimensions``: shape (len(dimensions),
    *dimensions), int32 by default (MXNet 1.9.1)."""
    dims = _shape(dimensions)
    return place(wrap(_onp.indices(dims, dtypes.check(dtype))), 'indices', ctx, device)


def ix_(*args):
    """Open-mesh index arrays from 1-D sequences (bool sequences become their true positions);
    lists of ints give int64 arrays, arrays keep their dtype (as MXNet 1.9.1, by NumPy)."""
    out = []
    n = len(args)
    for k, a in enumerate(args):
        d = a._data if isinstance(a, ndarray) else _onp.asarray(a)
        if d.ndim != 1:
            raise ShapeError(f"ix_: every argument must be 1-D, argument {k} has shape {d.shape}")
        if d.dtype.kind == 'b':
            d = d.nonzero()[0]
        elif d.size == 0 and not isinstance(a, ndarray):
            d = d.astype(_onp.intp)
        shape = (1,) * k + (d.size,) + (1,) * (n - k - 1)
        r = wrap(d.reshape(shape).copy())
        out.append(nondiff('ix_', (a,), r) if isinstance(a, ndarray) else r)
    return tuple(out)


def unravel_index(indices, shape, order='C'):
    """The coordinates in an array of ``shape`` of flat ``indices``: a tuple of int64 arrays
    (of Python ints for a scalar index).  Float arrays must hold whole numbers."""
    dims = _shape(shape)
    scalar = not isinstance(indices, (ndarray, _onp.ndarray, list, tuple))
    d = indices._data if isinstance(indices, ndarray) else _onp.asarray(indices)
    if d.dtype.kind == 'f':
        if not (_onp.isfinite(d).all() and (d == _onp.trunc(d)).all()):
            raise TypeError("unravel_index: indices must be integers")
        d = d.astype(_onp.int64)
    elif d.dtype.kind not in 'iu':
        raise TypeError(f"unravel_index: indices must be integers, got dtype {d.dtype}")
    total = int(_onp.prod(dims, dtype=_onp.int64))
    if d.size and (d.min() < 0 or d.max() >= total):
        raise ValueError(f"unravel_index: an index is out of bounds for an array of shape "
                         f"{dims} (size {total})")
    if order not in ('C', 'F'):
        raise ValueError(f"unravel_index: order must be 'C' or 'F', got {order!r}")
    coords = _onp.unravel_index(d, dims, order=order)
    if scalar:
        return tuple(int(c) for c in coords)
    return tuple(wrap(_onp.asarray(c, dtype=_onp.int64)) for c in coords)


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0, ctx=None,
             device=None):
    """``base ** linspace(start, stop, num)`` (float32 by default)."""
    if not isinstance(num, (int, _onp.integer)) or num < 0:
        raise ValueError(f"logspace: num must be a non-negative int, got {num!r}")
    out = _onp.logspace(start, stop, num, endpoint=endpoint, base=base, axis=axis)
    dt = dtypes.DEFAULT if dtype is None else dtypes.check(dtype)
    return place(wrap(_onp.asarray(out).astype(dt)), 'logspace', ctx, device)


def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    """``func1d`` applied to every 1-D slice of ``arr`` along ``axis``; the slices' results
    (all of one shape) take that axis's place.  Differentiable when ``func1d`` is."""
    x = as_array(arr)
    ax = normalize_axis(axis, x.ndim, 'apply_along_axis')
    xt = moveaxis(x, ax, -1)
    outer = xt.shape[:-1]
    if 0 in outer:
        raise ValueError("apply_along_axis: cannot apply along an axis when another dimension "
                         f"is 0 (shape {x.shape})")
    res = [as_array(func1d(getitem(xt, idx), *args, **kwargs))
           for idx in itertools.product(*(range(n) for n in outer))]
    first = res[0].shape
    for r in res:
        if r.shape != first:
            raise ShapeError(f"apply_along_axis: func1d returned results of shapes {first} "
                             f"and {r.shape}; they must all have one shape")
    out = reshape(stack(res, axis=0), outer + first)
    k = len(first)
    lead = list(range(ax))
    perm = lead + list(range(len(outer), len(outer) + k)) + list(range(ax, len(outer)))
    return transpose(out, tuple(perm)) if perm != list(range(len(perm))) else out


def apply_over_axes(func, a, axes):
    """``func(a, axis)`` applied for each axis in turn; a result that lost the axis gets it
    back (length 1), so the rank stays.  Differentiable when ``func`` is."""
    out = as_array(a)
    n = out.ndim
    for axis in ([axes] if isinstance(axes, (int, _onp.integer)) else list(axes)):
        if not -n <= axis < n:
            raise AxisError(f"apply_over_axes: axis {axis} is out of bounds for array of "
                            f"dimension {n}")
        axis = axis % n
        r = as_array(func(out, axis))
        if r.ndim == n:
            out = r
        elif r.ndim == n - 1:
            out = expand_dims(r, axis)
        else:
            raise ValueError("apply_over_axes: function is not returning an array of the "
                             "correct shape")
    return out

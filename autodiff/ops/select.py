"""Picking elements: ``take``, ``take_along_axis``, ``choose``, ``compress``, ``extract``,
``select``, ``piecewise``.

The first six move elements with NumPy (``numpy.take``...) and share the scatter-add
backward of ``ops/gather.py`` (repeated picks accumulate); ``piecewise`` is a composition
of indexing, the user's functions and ``where``.  Indices may be float arrays holding
whole numbers (MXNet's default dtype makes ``np.array([0, 2])`` float32); MXNet 1.9.1's
``take`` truncates such floats, and so does ours.
"""
import numpy as _onp

from ..errors import ShapeError
from ..ndarray import ndarray
from .convert import as_array
from .gather import defgather, gather
from .indexing import getitem, scatter_add
from .binary import where
from .axes import normalize_axis
from .creation import zeros_like


def _raw(v):
    return v._data if isinstance(v, ndarray) else _onp.asarray(v)


def int_indices(indices, name, arg='indices', truncate=False):
    """``indices`` as an int64 NumPy array; float arrays must hold whole numbers (or are
    truncated, ``truncate=True``, as MXNet's ``take`` does)."""
    d = _raw(indices)
    if d.dtype.kind in 'iu':
        return d.astype(_onp.int64, copy=False)
    if d.dtype.kind == 'f':
        if not truncate and not (_onp.isfinite(d).all() and (d == _onp.trunc(d)).all()):
            raise IndexError(f"{name}: {arg} must be integers, got non-integral values of "
                             f"dtype {d.dtype}")
        return d.astype(_onp.int64)
    if d.dtype.kind == 'b' and not d.ndim:
        return d.astype(_onp.int64)
    raise IndexError(f"{name}: {arg} must be an integer array, got dtype {d.dtype}")


def _bool_mask(condition):
    return _raw(condition).astype(bool)


_take_op = defgather('take')
_MODES = ('raise', 'wrap', 'clip')


def take(a, indices, axis=None, mode='raise'):
    """Elements of ``a`` at ``indices`` along ``axis`` (of the flattened array when None).
    ``mode``: 'raise' (out-of-range indices are an error), 'wrap' or 'clip'."""
    x = as_array(a)
    idx = int_indices(indices, 'take', truncate=True)
    if mode not in _MODES:
        raise ValueError(f"take: mode must be one of {_MODES}, got {mode!r}")
    ax = None if axis is None else normalize_axis(axis, x.ndim, 'take')
    n = x.size if ax is None else x.shape[ax]
    if mode == 'raise' and idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"take: an index is out of bounds for {'size' if ax is None else 'axis'} "
                         f"{n if ax is None else ax} (indices from {idx.min()} to "
                         f"{idx.max()}, length {n})")
    if n == 0 and idx.size and mode != 'raise':
        raise IndexError("take: cannot take from an empty axis")
    return gather(_take_op, (x,), lambda bufs, labels: _onp.take(bufs[0], idx, ax, mode=mode))


_take_along_op = defgather('take_along_axis')


def take_along_axis(arr, indices, axis):
    """``arr``'s elements at ``indices`` (of ``arr``'s rank) along ``axis`` (flattened: None)."""
    x = as_array(arr)
    idx = int_indices(indices, 'take_along_axis')
    if axis is not None:
        ax = normalize_axis(axis, x.ndim, 'take_along_axis')
        if idx.ndim != x.ndim:
            raise ShapeError(f"take_along_axis: indices (shape {idx.shape}) and arr (shape "
                             f"{x.shape}) must have the same number of dimensions")
    else:
        ax = None

    def move(bufs, labels):
        try:
            return _onp.take_along_axis(bufs[0], idx, ax)
        except (IndexError, ValueError) as e:
            raise IndexError(f"take_along_axis: {e}") from None
    return gather(_take_along_op, (x,), move)


_choose_op = defgather('choose')


def choose(a, choices, mode='raise'):
    """Element i of the result is ``choices[a[i]][i]`` (all broadcast together); mode as in
    ``take``.  Differentiable in the choices."""
    idx = int_indices(a, 'choose', 'a')
    cs = tuple(as_array(c) for c in choices)
    if not cs:
        raise ValueError("choose: choices must not be empty")
    if mode not in _MODES:
        raise ValueError(f"choose: mode must be one of {_MODES}, got {mode!r}")

    def move(bufs, labels):
        try:
            return _onp.choose(idx, bufs, mode=mode)
        except ValueError as e:
            raise ShapeError(f"choose: {e}") from None
    return gather(_choose_op, cs, move)


_compress_op = defgather('compress')


def compress(condition, a, axis=None):
    """The slices of ``a`` along ``axis`` (elements of the flattened array: None) where
    ``condition`` is true."""
    x = as_array(a)
    cond = _bool_mask(condition)
    if cond.ndim != 1:
        raise ShapeError(f"compress: condition must be 1-D, got shape {cond.shape}")
    ax = None if axis is None else normalize_axis(axis, x.ndim, 'compress')
    n = x.size if ax is None else x.shape[ax]
    if cond.size > n:
        raise IndexError(f"compress: condition has {cond.size} entries but the axis has "
                         f"length {n}")
    return gather(_compress_op, (x,), lambda bufs, labels: _onp.compress(cond, bufs[0], ax))


_extract_op = defgather('extract')


def extract(condition, arr):
    """The elements of ``arr`` where ``condition`` (of the same size) is true, flattened."""
    x = as_array(arr)
    cond = _bool_mask(condition)
    if cond.size != x.size:
        raise ShapeError(f"extract: condition (size {cond.size}) and arr (size {x.size}) must "
                         "have the same size")
    return gather(_extract_op, (x,), lambda bufs, labels: _onp.extract(cond, bufs[0]))


_select_op = defgather('select')


def select(condlist, choicelist, default=0):
    """Element-wise the entry of the first choice whose condition holds, else ``default``
    (a scalar).  Differentiable in the choices."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: condlist ({len(condlist)}) and choicelist "
                         f"({len(choicelist)}) must have the same length")
    if not condlist:
        raise ValueError("select: condlist must not be empty")
    if isinstance(default, ndarray) and default.ndim:
        raise NotImplementedError("select: only a scalar default is supported")
    dflt = default.item() if isinstance(default, ndarray) else default
    conds = [_bool_mask(c) for c in condlist]
    cs = tuple(as_array(c) for c in choicelist)

    def move(bufs, labels):
        try:
            return _onp.select(conds, bufs, 0 if labels else dflt)
        except ValueError as e:
            raise ShapeError(f"select: {e}") from None
    return gather(_select_op, cs, move)


def piecewise(x, condlist, funclist, *args, **kw):
    """``funclist[i]`` applied where ``condlist[i]`` holds (a later condition wins; a callable
    gets ``x[condlist[i]]``, anything else is a constant); one extra function is the default
    for where no condition holds; elsewhere 0.  Differentiable through the functions."""
    a = as_array(x)
    if isinstance(condlist, (ndarray, _onp.ndarray)) and _raw(condlist).ndim == a.ndim \
            and a.ndim > 0:
        condlist = [condlist]
    if isinstance(condlist, (bool, ndarray)) and _raw(condlist).ndim == 0:
        condlist = [condlist]
    conds = [_onp.broadcast_to(_bool_mask(c), a.shape) for c in condlist]
    funcs = list(funclist)
    if len(funcs) == len(conds) + 1:
        rest = ~_onp.any(conds, axis=0) if conds else _onp.ones(a.shape, bool)
        conds.append(rest)
    elif len(funcs) != len(conds):
        raise ValueError(f"piecewise: funclist has {len(funcs)} entries; it must have as many as "
                         f"condlist ({len(conds)}) or one more")
    out = zeros_like(a)
    for c, f in zip(conds, funcs):
        if not c.any():
            continue
        if callable(f):
            vals = as_array(f(getitem(a, c), *args, **kw))
            if vals.dtype != a.dtype:
                vals = vals.astype(a.dtype)
            out = where(c, scatter_add(vals, c, a.shape), out)
        else:
            out = where(c, _onp.asarray(f, dtype=a.dtype), out)
    return out

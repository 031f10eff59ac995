"""Order statistics: ``quantile``, ``percentile``, ``nanquantile``, ``nanpercentile``,
``nanmedian``; differentiable through the selected (or interpolated) sorted elements.

The values along the reduced axes are sorted (``sorting.sort``, whose gradient scatters
back), the positions ``q * (n - 1)`` are looked up in the sorted slice and, for
``interpolation='linear'`` / ``'midpoint'``, the two neighbours are mixed.  The NaN-aware
versions count only the non-NaN values of each slice (NaNs sort last); an all-NaN slice
gives NaN.  ``'nearest'`` rounds a position halfway between two elements up, as MXNet
1.9.1 does (NumPy rounds it to the even one).
"""
import math

import numpy as _onp

from .. import dtypes
from ..ndarray import wrap
from .axes import normalize_axes
from .binary import where
from .convert import as_array
from .shape import reshape, transpose
from .sorting import sort

_METHODS = ('linear', 'lower', 'higher', 'midpoint', 'nearest')


def _front(x, axes):
    """``x`` with the reduced ``axes`` flattened into a new first axis: (n,) + kept shape."""
    keep = [i for i in range(x.ndim) if i not in axes]
    n = math.prod(x.shape[i] for i in axes)
    t = transpose(x, tuple(list(axes) + keep)) if x.ndim else x
    return reshape(t, (n,) + tuple(x.shape[i] for i in keep))


def _positions(qs, counts, method):
    """Low and high sorted positions and the weight of the high one, shaped q + kept."""
    last = _onp.maximum(counts - 1, 0).astype(_onp.float64)
    pos = qs.reshape(qs.shape + (1,) * counts.ndim) * last
    lo = _onp.floor(pos)
    if method == 'lower':
        hi, frac = lo, _onp.zeros_like(pos)
    elif method == 'higher':
        lo = hi = _onp.ceil(pos)
        frac = _onp.zeros_like(pos)
    elif method == 'nearest':
        lo = hi = _onp.floor(pos + 0.5)                 # halves up (MXNet 1.9.1)
        frac = _onp.zeros_like(pos)
    else:
        hi = _onp.minimum(lo + 1, last)
        frac = _onp.full_like(pos, 0.5) if method == 'midpoint' else pos - lo
        frac = _onp.where(hi == lo, 0.0, frac)
    return lo.astype(_onp.int64), hi.astype(_onp.int64), frac


def _gather(s, idx):
    """``s[idx[q..., k...], k...]``: the sorted (n,) + kept array at positions ``idx``."""
    kept = s.shape[1:]
    key = [idx]
    for i, m in enumerate(kept):
        key.append(_onp.arange(m).reshape((m,) + (1,) * (len(kept) - 1 - i)))
    return s[tuple(key)]


def _quantile(name, a, q, axis, method, keepdims, skip_nan):
    if method not in _METHODS:
        raise ValueError(f"{name}: interpolation must be one of {_METHODS}, got {method!r}")
    x = as_array(a)
    if x.dtype.kind != 'f':
        x = x.astype(dtypes.DEFAULT)
    qs = _onp.asarray(q._data if hasattr(q, '_data') else q, _onp.float64)
    scale = 100.0 if 'percentile' in name else 1.0
    qs = qs / scale
    if _onp.any((qs < 0) | (qs > 1)) or _onp.any(_onp.isnan(qs)):
        bound = '[0, 100]' if scale == 100.0 else '[0, 1]'
        raise ValueError(f"{name}: q must be in the range {bound}, got {q!r}")
    axes = normalize_axes(axis, x.ndim, name, reduction=True)
    s = sort(_front(x, axes), axis=0)
    n = s.shape[0]
    if n == 0:
        raise ValueError(f"{name}: cannot take a quantile of an empty selection (shape "
                         f"{x.shape}, axis {axis!r})")
    nan = _onp.isnan(s._data)
    counts = (n - nan.sum(0)) if skip_nan else _onp.full(s.shape[1:], n)
    lo, hi, frac = _positions(qs, _onp.asarray(counts), method)
    low = _gather(s, lo)
    r = low if method in ('lower', 'higher', 'nearest') else \
        low + (_gather(s, hi) - low) * wrap(frac.astype(s.dtype))
    bad = (counts == 0) if skip_nan else nan.any(0)
    if bad.any():                                      # NaN results: all-NaN / any-NaN slices
        r = where(_onp.broadcast_to(bad, r.shape), _onp.nan, r)
    if keepdims:
        shape = qs.shape + tuple(1 if i in axes else m for i, m in enumerate(x.shape))
        r = reshape(r, shape)
    return r


def quantile(a, q, axis=None, overwrite_input=None, interpolation='linear', keepdims=False):
    """The ``q``-th quantile(s) (``q`` in [0, 1], scalar or array: its dimensions come
    first) over ``axis``; differentiable.  Int inputs give float32 (MXNet 1.9.1)."""
    return _quantile('quantile', a, q, axis, interpolation, keepdims, False)


def percentile(a, q, axis=None, overwrite_input=None, interpolation='linear',
               keepdims=False):
    """The ``q``-th percentile(s) (``q`` in [0, 100]); see ``quantile``."""
    return _quantile('percentile', a, q, axis, interpolation, keepdims, False)


def nanquantile(a, q, axis=None, overwrite_input=False, interpolation='linear',
                keepdims=False):
    """``quantile`` ignoring NaNs (an all-NaN slice gives NaN)."""
    return _quantile('nanquantile', a, q, axis, interpolation, keepdims, True)


def nanpercentile(a, q, axis=None, overwrite_input=False, interpolation='linear',
                  keepdims=False):
    """``percentile`` ignoring NaNs (an all-NaN slice gives NaN)."""
    return _quantile('nanpercentile', a, q, axis, interpolation, keepdims, True)


def nanmedian(a, axis=None, overwrite_input=False, keepdims=False):
    """The median ignoring NaNs (the 0.5 quantile, averaging the two middle values)."""
    return _quantile('nanmedian', a, 0.5, axis, 'linear', keepdims, True)

"""NaN-ignoring reductions: ``nanmax``, ``nanmin``, ``nanprod``, ``nanargmax``, ``nanargmin``.

Each replaces the NaNs by the reduction's neutral value (``where``, so their gradient is
zero) and reduces with the ordinary op.  An all-NaN slice gives NaN for ``nanmax`` /
``nanmin`` (as NumPy, without its warning) and a ValueError for the arg versions.
"""
import numpy as _onp

from .axes import normalize_axes
from .binary import where
from .convert import as_array
from .reduce import argmax, argmin, max as _max, min as _min, prod as _prod
from .unary import isnan


def _extremum(name, reduce, neutral):
    def apply(a, axis=None, keepdims=False):
        x = as_array(a)
        if x.dtype.kind != 'f':
            return reduce(x, axis, keepdims)
        axes = normalize_axes(axis, x.ndim, name, reduction=True)
        nan = isnan(x)
        r = reduce(where(nan, neutral, x), axis, keepdims)
        every = _onp.all(nan._data, axis=axes, keepdims=keepdims)
        if _onp.any(every):                            # all-NaN slices stay NaN
            r = where(_onp.broadcast_to(every, r.shape), _onp.nan, r)
        return r
    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = (f"{'Maximum' if reduce is _max else 'Minimum'} over ``axis`` ignoring "
                     "NaNs; differentiable (zero gradient at the NaNs).")
    return apply


nanmax = _extremum('nanmax', _max, -_onp.inf)
nanmin = _extremum('nanmin', _min, _onp.inf)


def nanprod(a, axis=None, dtype=None, keepdims=False):
    """Product over ``axis`` treating NaNs as one; differentiable (zero gradient at NaNs)."""
    x = as_array(a)
    if dtype is not None:
        x = x.astype(dtype)
    if x.dtype.kind == 'f':
        x = where(isnan(x), 1.0, x)
    return _prod(x, axis, keepdims)


def _arg(name, arg, neutral):
    def apply(a, axis=None):
        x = as_array(a)
        if x.dtype.kind != 'f':
            return arg(x, axis)
        nan = x._data != x._data
        if axis is None:
            every = nan.all() if nan.size else False
        else:
            (ax,) = normalize_axes(axis, max(x.ndim, 1), name)
            every = nan.all(axis=ax).any() if x.ndim else nan.all()
        if every:
            raise ValueError(f"{name}: All-NaN slice encountered")
        return arg(where(isnan(x), neutral, x), axis)
    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = (f"Index (int64) of the first {'maximum' if arg is argmax else 'minimum'} "
                     "ignoring NaNs (not differentiable); an all-NaN slice is an error.")
    return apply


nanargmax = _arg('nanargmax', argmax, -_onp.inf)
nanargmin = _arg('nanargmin', argmin, _onp.inf)

"""Axis arguments: normalizing ``axis=`` (an int, a tuple, None) against an array's rank."""
import numpy as _onp

from ..errors import AxisError


def normalize_axes(axis, ndim, name, reduction=False):
    """``axis`` (None, int, negative, tuple) as a sorted tuple of non-negative ints.

    With ``reduction=True`` a 0-d array accepts axis 0 or -1 and reduces over
    nothing, as NumPy and MXNet do (``np.sum(np.array(3.), axis=0)`` is 3).
    """
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for ax in items:
        if not isinstance(ax, (int, _onp.integer)) or isinstance(ax, bool):
            raise TypeError(f"{name}: axis must be an int or a tuple of ints, got {ax!r}")
        if not -ndim <= ax < ndim:
            if reduction and ndim == 0 and ax in (0, -1):
                continue
            raise AxisError(f"{name}: axis {ax} is out of bounds for array of dimension {ndim}")
        out.append(int(ax) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {axis!r}")
    return tuple(sorted(out))


def normalize_axis(axis, ndim, name):
    """A single ``axis`` (int, may be negative) as a non-negative int; tuples are refused."""
    if isinstance(axis, (tuple, list)) or axis is None:
        raise TypeError(f"{name}: axis must be an int, got {axis!r}")
    return normalize_axes(axis, ndim, name)[0]

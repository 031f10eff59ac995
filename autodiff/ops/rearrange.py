"""Rearranging elements: ``pad``, ``roll``, ``rollaxis``, ``rot90``, ``fliplr``, ``flipud``.

``pad`` (its moving modes), ``roll`` and ``rot90`` are NumPy's movements with the shared
scatter-add backward of ``ops/gather.py``; ``pad``'s ``maximum``/``minimum`` modes are
compositions of the library's ``max``/``min``, ``broadcast_to`` and ``concatenate``;
``rollaxis``, ``fliplr`` and ``flipud`` are ``transpose`` and ``flip``.

Deviations from MXNet 1.9.1, following NumPy and the math: ``pad`` honours
``constant_values`` (MXNet 1.9.1 ignores it) and takes an int ``pad_width`` (MXNet wants a
tuple); ``rot90``'s gradient is the inverse rotation for every ``k`` (MXNet 1.9.1's is
wrong for odd ``k``).
"""
import numpy as _onp

from ..errors import AxisError, ShapeError
from .convert import as_array
from .gather import defgather, gather
from .shape import broadcast_to, concatenate, flip, int_tuple, transpose
from .axes import normalize_axes, normalize_axis
from .reduce import max as _max, min as _min

_pad_op = defgather('pad')
_MOVING = ('constant', 'edge', 'reflect', 'symmetric', 'wrap')
_NOT_SUPPORTED = ('linear_ramp', 'mean', 'median', 'empty')


def _pad_pairs(pad_width, nd):
    """``pad_width`` (an int, (n,), (before, after), or one pair per axis) as nd pairs."""
    try:
        w = _onp.asarray(pad_width)
        if w.dtype.kind not in 'iu':
            raise TypeError
        pairs = _onp.broadcast_to(w, (nd, 2)).astype(_onp.int64)
    except (TypeError, ValueError):
        raise ValueError(f"pad: pad_width must be an int, a pair or one (before, after) pair "
                         f"per axis of the array's {nd} axes, got {pad_width!r}") from None
    if (pairs < 0).any():
        raise ValueError(f"pad: pad_width must be non-negative, got {pad_width!r}")
    return [tuple(int(v) for v in p) for p in pairs]


def pad(x, pad_width=None, mode='constant', **kwargs):
    """Pad ``x`` by ``pad_width`` ((before, after) per axis) with ``mode``: 'constant'
    (``constant_values``, default 0), 'edge', 'reflect', 'symmetric', 'wrap', 'maximum' or
    'minimum'.  Differentiable in ``x`` (the padded copies send their gradient back)."""
    a = as_array(x)
    if pad_width is None:
        raise ValueError("pad: pad_width is required")
    if callable(mode) or mode in _NOT_SUPPORTED:
        raise NotImplementedError(f"pad: mode={mode!r} is not supported (MXNet 1.9.1 does not "
                                  "support it either)")
    if mode not in _MOVING + ('maximum', 'minimum'):
        raise ValueError(f"pad: mode must be one of {_MOVING + ('maximum', 'minimum')}, "
                         f"got {mode!r}")
    reflect_type = kwargs.pop('reflect_type', 'even')
    if reflect_type != 'even':
        raise NotImplementedError(f"pad: reflect_type={reflect_type!r} is not supported "
                                  "(only 'even', as in MXNet 1.9.1)")
    constant = kwargs.pop('constant_values', 0)
    for k in kwargs:
        raise NotImplementedError(f"pad: the keyword {k}= is not supported (MXNet 1.9.1 does "
                                  "not support it either)")
    pairs = _pad_pairs(pad_width, a.ndim)
    if mode in ('maximum', 'minimum'):
        return _pad_extreme(a, pairs, _max if mode == 'maximum' else _min)
    if mode != 'constant':
        for i, (b, e) in enumerate(pairs):
            if a.shape[i] == 0 and (b or e):
                raise ValueError(f"pad: cannot pad the empty axis {i} in mode {mode!r}")
    if mode == 'constant':
        return gather(_pad_op, (a,), lambda bufs, labels: _onp.pad(
            bufs[0], pairs, 'constant', constant_values=0 if labels else constant))
    return gather(_pad_op, (a,), lambda bufs, labels: _onp.pad(bufs[0], pairs, mode))


def _pad_extreme(a, pairs, reduce):
    """Axis after axis (as NumPy), the pads hold the maximum (minimum) of each vector."""
    out = a
    for i, (b, e) in enumerate(pairs):
        if not (b or e):
            continue
        if out.shape[i] == 0:
            raise ValueError(f"pad: cannot take the extreme of the empty axis {i}")
        m = reduce(out, axis=i, keepdims=True)
        parts = []
        for n in (b, None, e):
            if n is None:
                parts.append(out)
            elif n:
                parts.append(broadcast_to(m, out.shape[:i] + (n,) + out.shape[i + 1:]))
        out = concatenate(parts, axis=i)
    return out


_roll_op = defgather('roll')


def roll(a, shift, axis=None):
    """Elements shifted by ``shift`` along ``axis`` (of the flattened array when None),
    wrapping around."""
    x = as_array(a)
    shift_t = int_tuple(shift, 'roll', 'shift')
    if axis is None:
        if len(shift_t) != 1:
            raise ValueError(f"roll: shift must be an int when axis is None, got {shift!r}")
        ax = None
        shift_v = shift_t[0]
    else:
        axes = int_tuple(axis, 'roll', 'axis')
        ax = tuple(normalize_axis(v, x.ndim, 'roll') for v in axes)
        if len(shift_t) != len(ax) and len(shift_t) != 1 and len(ax) != 1:
            raise ValueError(f"roll: shift {shift!r} and axis {axis!r} must have the same "
                             "length (or one of them be a single int)")
        shift_v = shift_t if len(shift_t) > 1 else shift_t[0]
    return gather(_roll_op, (x,), lambda bufs, labels: _onp.roll(bufs[0], shift_v, ax))


def rollaxis(a, axis, start=0):
    """Axis ``axis`` moved to stand before position ``start`` (a transposed copy)."""
    x = as_array(a)
    n = x.ndim
    ax = normalize_axis(axis, n, 'rollaxis')
    if not isinstance(start, (int, _onp.integer)) or not -n <= start <= n:
        raise AxisError(f"rollaxis: start {start!r} must be an int in [{-n}, {n}]")
    start = start % (n + 1) if start < 0 else start
    if ax < start:
        start -= 1
    perm = [i for i in range(n) if i != ax]
    perm.insert(start, ax)
    return transpose(x, tuple(perm))


_rot90_op = defgather('rot90')


def rot90(m, k=1, axes=(0, 1)):
    """Rotated by 90 degrees ``k`` times in the plane of ``axes`` (from the first axis towards
    the second).  The gradient rotates back (MXNet 1.9.1's is wrong for odd ``k``)."""
    x = as_array(m)
    axes_t = int_tuple(axes, 'rot90', 'axes')
    if len(axes_t) != 2:
        raise ValueError(f"rot90: axes must hold two axes, got {axes!r}")
    if x.ndim < 2:
        raise ShapeError(f"rot90: the array must have at least 2 dimensions, got shape {x.shape}")
    ax = normalize_axes(axes_t[0], x.ndim, 'rot90') + normalize_axes(axes_t[1], x.ndim, 'rot90')
    if ax[0] == ax[1]:
        raise ValueError(f"rot90: the two axes must differ, got {axes!r}")
    if not isinstance(k, (int, _onp.integer)) or isinstance(k, bool):
        raise TypeError(f"rot90: k must be an int, got {k!r}")
    return gather(_rot90_op, (x,), lambda bufs, labels: _onp.rot90(bufs[0], int(k), axes_t))


def fliplr(m):
    """Columns reversed (axis 1; the array needs at least 2 dimensions)."""
    x = as_array(m)
    if x.ndim < 2:
        raise ShapeError(f"fliplr: the array must have at least 2 dimensions, got shape {x.shape}")
    return flip(x, 1)


def flipud(m):
    """Rows reversed (axis 0; the array needs at least 1 dimension)."""
    x = as_array(m)
    if x.ndim < 1:
        raise ShapeError("flipud: the array must have at least 1 dimension, got a 0-d array")
    return flip(x, 0)

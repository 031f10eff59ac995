"""Shape-style ``npx`` ops: ``reshape`` (MXNet's special codes), ``reshape_like``, ``slice``,
``cast``, ``arange_like``, ``shape_array`` (MXNet 1.9.1 semantics).

The differentiable ones work out a shape or a key and call the library's ``reshape``,
``getitem`` or ``astype``, so their gradients (any order) come from those ops.
"""
import builtins
import math
from operator import index as _index

import numpy as _onp

from .. import dtypes
from .._state import off_tape
from ..errors import ShapeError
from .core import wrap
from .convert import as_array
from .axes import normalize_axis
from .indexing import getitem
from .shape import reshape as _reshape, astype as _astype, int_tuple


# ---- reshape with special codes ---------------------------------------------------------------
def _bad(src, codes, reverse, why):
    raise ShapeError(f"npx.reshape: cannot reshape array of shape {tuple(src)} into shape "
                     f"{tuple(codes)} (reverse={bool(reverse)}): {why}")


def reshape_codes(shape, newshape, reverse=False):
    """The shape ``npx.reshape`` gives an array of ``shape`` for ``newshape`` (MXNet 1.9.1's
    numpy-mode codes).  Positive entries (and -1) take one input axis; -1 is inferred; -2
    copies an axis; -3 drops an axis of length 1; -4 copies all remaining axes; -5
    multiplies two consecutive axes; -6 splits an axis into the two entries that follow it
    (one may be -1).  ``reverse=True`` reads both shapes from the right."""
    src = list(shape)
    codes = list(int_tuple(newshape, 'npx.reshape', 'newshape'))
    size = math.prod(src)
    if all(c >= 0 for c in codes):
        if math.prod(codes) != size:
            _bad(shape, codes, reverse, f"size {size} does not match")
        return tuple(codes)
    if reverse:
        src, codes = src[::-1], codes[::-1]
    out, unknown, known, j, i = [], -1, 1, 0, 0

    def need(count=1):
        if j + count > len(src):
            _bad(shape, newshape, reverse, "not enough input axes for the codes")
    while i < len(codes):
        c = codes[i]
        if c < -6:
            _bad(shape, newshape, reverse, f"code {c} is below -6")
        if c == -1:
            if unknown >= 0:
                _bad(shape, newshape, reverse, "only one axis can be inferred (-1)")
            unknown = len(out)
            out.append(-1)
            j += 1
        elif c == -2:
            need()
            known *= src[j]
            out.append(src[j])
            j += 1
        elif c == -3:
            need()
            if src[j] != 1:
                _bad(shape, newshape, reverse, f"-3 skips only axes of length 1, got {src[j]}")
            j += 1
        elif c == -4:
            while j < len(src):
                known *= src[j]
                out.append(src[j])
                j += 1
        elif c == -5:
            need(2)
            known *= src[j] * src[j + 1]
            out.append(src[j] * src[j + 1])
            j += 2
        elif c == -6:
            need()
            if i + 2 >= len(codes):
                _bad(shape, newshape, reverse, "-6 must be followed by two entries")
            d0, d1, d2 = src[j], codes[i + 1], codes[i + 2]
            j, i = j + 1, i + 2
            if d1 == -1 and d2 == -1:
                _bad(shape, newshape, reverse, "split entries after -6 cannot both be -1")
            if d1 < -1 or d2 < -1 or d1 == 0 or d2 == 0:
                _bad(shape, newshape, reverse, "the entries after -6 must be positive or -1")
            d1 = d0 // d2 if d1 == -1 else d1
            d2 = d0 // d1 if d2 == -1 else d2
            if d1 * d2 != d0:
                _bad(shape, newshape, reverse, f"split entries {d1}, {d2} do not divide {d0}")
            known *= d0
            out += [d1, d2]
        else:
            known *= c
            out.append(c)
            j += 1
        i += 1
    if unknown >= 0:
        if known == 0 or size % known:
            _bad(shape, newshape, reverse, "the inferred axis (-1) has no integer length")
        out[unknown] = size // known
    if math.prod(out) != size:
        _bad(shape, newshape, reverse, f"size {size} does not match {tuple(out)}")
    return tuple(out[::-1] if reverse else out)


def reshape(a, newshape, reverse=False, order='C'):
    """Reshape with MXNet 1.9.1's numpy-mode special codes (see ``reshape_codes``);
    differentiable.  Only ``order='C'``."""
    x = as_array(a)
    if order != 'C':
        raise ValueError("npx.reshape: only order='C' is supported")
    return _reshape(x, reshape_codes(x.shape, newshape, reverse))


def _range_bound(v, nd, name, arg, default):
    if v is None:
        return default
    try:
        v = _index(v)
    except TypeError:
        raise TypeError(f"reshape_like: {name}_{arg} must be an int or None, got {v!r}") from None
    if not -nd <= v <= nd:
        raise ValueError(f"reshape_like: {name}_{arg}={v} is out of range for {nd} axes")
    return v % nd if v < 0 else v


def reshape_like(lhs, rhs, lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None):
    """Reshape axes ``[lhs_begin, lhs_end)`` of ``lhs`` into axes ``[rhs_begin, rhs_end)`` of
    ``rhs``' shape (all axes by default; negative bounds count from the end); differentiable
    in ``lhs`` (MXNet 1.9.1's ``npx.reshape_like``)."""
    x, y = as_array(lhs), as_array(rhs)
    lb = _range_bound(lhs_begin, x.ndim, 'lhs', 'begin', 0)
    le = _range_bound(lhs_end, x.ndim, 'lhs', 'end', x.ndim)
    rb = _range_bound(rhs_begin, y.ndim, 'rhs', 'begin', 0)
    re = _range_bound(rhs_end, y.ndim, 'rhs', 'end', y.ndim)
    if le < lb or re < rb:
        raise ValueError(f"reshape_like: empty or reversed axis range (lhs [{lb}, {le}), "
                         f"rhs [{rb}, {re}))")
    shape = x.shape[:lb] + y.shape[rb:re] + x.shape[le:]
    if math.prod(shape) != x.size:
        raise ShapeError(f"reshape_like: cannot reshape lhs of shape {x.shape} into {shape} "
                         f"(axes [{lb}, {le}) of lhs to axes [{rb}, {re}) of rhs {y.shape})")
    return _reshape(x, shape)


# ---- slice -----------------------------------------------------------------------------------
def _opt_ints(v, name):
    if v is None:
        return ()
    items = v if isinstance(v, (tuple, list)) else (v,)
    out = []
    for e in items:
        if e is None:
            out.append(None)
            continue
        try:
            out.append(_index(e))
        except TypeError:
            raise TypeError(f"slice: {name} must hold ints or None, got {v!r}") from None
    return tuple(out)


def slice(data, begin, end, step=()):
    """``data[b0:e0:s0, b1:e1:s1, ...]`` over the first ``len(begin)`` axes; None entries take
    the defaults of a Python slice (MXNet 1.9.1's ``npx.slice``).  Differentiable."""
    x = as_array(data)
    b, e, s = _opt_ints(begin, 'begin'), _opt_ints(end, 'end'), _opt_ints(step, 'step')
    if len(b) != len(e):
        raise ValueError(f"slice: begin and end must have the same length, got {len(b)} "
                         f"and {len(e)}")
    if s and len(s) != len(b):
        raise ValueError(f"slice: step must be empty or have begin's length {len(b)}, "
                         f"got {len(s)}")
    if len(b) > x.ndim:
        raise ShapeError(f"slice: {len(b)} begin/end entries for an array of {x.ndim} axes")
    if any(v == 0 for v in s):
        raise ValueError("slice: step must not be 0")
    s = s or (None,) * len(b)
    return getitem(x, tuple(builtins.slice(bi, ei, si) for bi, ei, si in zip(b, e, s)))


# ---- cast, arange_like, shape_array --------------------------------------------------------
def cast(data, dtype):
    """Cast to ``dtype`` (the gradient is cast back to the input's dtype); MXNet 1.9.1's
    ``npx.cast``."""
    return _astype(as_array(data), dtypes.check(dtype))


def arange_like(data, start=0.0, step=1.0, repeat=1, ctx=None, axis=None):
    """``start + step * (i // repeat)`` in ``data``'s shape (``axis=None``) or along one of its
    axes (a 1-D array of that axis' length), in ``data``'s dtype (MXNet 1.9.1's
    ``npx.arange_like``).  Not differentiable."""
    x = as_array(data)
    if isinstance(repeat, bool) or not isinstance(repeat, (int, _onp.integer)) or repeat < 1:
        raise ValueError(f"arange_like: repeat must be a positive int, got {repeat!r}")
    if axis is None:
        shape = x.shape
    else:
        shape = (x.shape[normalize_axis(axis, x.ndim, 'arange_like')],)
    n = math.prod(shape)
    values = start + step * (_onp.arange(n, dtype=_onp.float64) // int(repeat))
    return off_tape('arange_like', (x,), wrap(values.astype(x.dtype).reshape(shape)))


def shape_array(data):
    """The shape of ``data`` as a 1-D int64 array (MXNet 1.9.1's ``npx.shape_array``)."""
    x = as_array(data)
    return off_tape('shape_array', (x,), wrap(_onp.array(x.shape, _onp.int64)))

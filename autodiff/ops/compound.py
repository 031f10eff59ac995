"""Elementwise functions with several results or with parameters, composed of the rows.

``float_power``, ``nan_to_num`` and ``modf`` are written with the elementwise rows (so they
are differentiable, to any order, through them).  ``frexp``, ``divmod`` and ``i0`` are not
differentiable in MXNet 1.9.1 either (it runs NumPy's for them); here too they are NumPy's
ufuncs, recorded as non-differentiable results.  Dtypes are MXNet 1.9.1's (checked with the
oracle): ``float_power`` gives float64, ``frexp``'s exponents are int32, ``i0`` keeps a
float dtype and gives float64 for integers.
"""
import numpy as _onp

from .. import dtypes
from ..ndarray import wrap
from .binary import power, subtract, where
from .convert import as_array
from .core import nondiff
from .shape import copy as _copy
from .unary import isnan, isneginf, isposinf, trunc


def _float(x):
    """``x`` as an array of a float dtype (integers and bools become the default float32)."""
    x = as_array(x)
    return x if x.dtype.kind == 'f' else x.astype(dtypes.DEFAULT)


def float_power(x1, x2):
    """``x1 ** x2`` computed in float64, whatever the operands' dtypes (differentiable)."""
    a, b = as_array(x1), as_array(x2)
    return power(a.astype(_onp.float64), b.astype(_onp.float64))


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """``x`` with NaN replaced by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (by
    default the largest and smallest finite values of the dtype).  Differentiable: the
    gradient passes where ``x`` is finite and is zero at the replaced entries.  Integer
    arrays have nothing to replace.  ``copy=False`` writes the result into ``x``."""
    x = as_array(x)
    if x.dtype.kind != 'f':
        return _copy(x) if copy else x
    info = _onp.finfo(x.dtype)
    hi = info.max if posinf is None else posinf
    lo = info.min if neginf is None else neginf
    y = where(isnan(x), x.dtype.type(nan),
              where(isposinf(x), x.dtype.type(hi), where(isneginf(x), x.dtype.type(lo), x)))
    if copy:
        return y
    x[...] = y
    return x


def modf(x):
    """``(fractional part, integral part)`` of ``x``, both with its sign (float results;
    the fractional part is differentiable, its gradient is 1)."""
    x = _float(x)
    whole = trunc(x)
    return subtract(x, whole), whole


def frexp(x):
    """``(mantissa, exponent)`` with ``x = mantissa * 2 ** exponent`` and
    ``0.5 <= |mantissa| < 1``; the exponents are int32 (not differentiable)."""
    x = _float(x)
    m, e = _onp.frexp(x._data)
    return (nondiff('frexp', (x,), wrap(m.astype(x.dtype))),
            nondiff('frexp', (x,), wrap(e.astype(_onp.int32))))


def divmod(x1, x2):      # noqa: A001  (NumPy's name)
    """``(x1 // x2, x1 % x2)``, Python's floor division and its remainder (not
    differentiable, as MXNet 1.9.1's)."""
    a, b = as_array(x1), as_array(x2)
    if b.dtype.kind in 'iub' and (b._data == 0).any() and a.dtype.kind in 'iub':
        raise ZeroDivisionError("divmod: integer division by zero")
    q, r = _onp.divmod(a._data, b._data)
    return nondiff('divmod', (a, b), wrap(q)), nondiff('divmod', (a, b), wrap(r))


def i0(x):
    """The modified Bessel function of the first kind, order 0 (not differentiable, as
    MXNet 1.9.1's); float inputs keep their dtype, integers give float64."""
    x = as_array(x)
    d = _onp.i0(x._data)
    return nondiff('i0', (x,), wrap(d.astype(x.dtype) if x.dtype.kind == 'f' else d))


__all__ = ['float_power', 'nan_to_num', 'modf', 'frexp', 'divmod', 'i0']

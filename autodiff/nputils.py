"""``np``'s utilities and constants that are not ops: dtype rules, memory checks, printing.

MXNet 1.9.1 takes most of these from NumPy (``finfo``, ``promote_types``, ``min_scalar_type``,
the constants; ``np.bool`` is Python's ``bool``), so they are NumPy's here too.  Where an
array is an argument (``result_type``, ``may_share_memory``, ``shares_memory``, ``real``)
autodiff's arrays are read through their buffers: MXNet 1.9.1's ``result_type`` raises a
TypeError on its own arrays, a defect not copied.
"""
import builtins as _builtins

import numpy as _onp

from .ndarray import ndarray
from .ops.convert import as_array as _as_array
from .ops.creation import array as _array
from .ops.shape import copy as _copy

bool = _builtins.bool                       # (MXNet 1.9.1's np.bool is Python's bool)
NAN = NaN = float('nan')
NINF, PINF = float('-inf'), float('inf')
NZERO, PZERO = -0.0, 0.0

finfo = _onp.finfo
promote_types = _onp.promote_types
min_scalar_type = _onp.min_scalar_type


def _buffer(a, name, arg):
    if isinstance(a, ndarray):
        return a._data
    if isinstance(a, _onp.ndarray):
        return a
    raise TypeError(f"{name}: {arg} must be an array, got {type(a).__name__}")


def result_type(*arrays_and_dtypes):
    """The dtype NumPy's promotion rules give for these arrays, dtypes and scalars
    (``numpy.result_type``; an autodiff array counts as its dtype)."""
    return _onp.result_type(*(a.dtype if isinstance(a, ndarray) else a
                              for a in arrays_and_dtypes))


def may_share_memory(a, b, max_work=None):
    """Whether arrays ``a`` and ``b`` might share memory (their buffers' bounds overlap).
    Which results share memory follows MXNet 1.9.1: basic slices along the first axis do,
    column slices and ``reshape`` copy."""
    return _builtins.bool(_onp.may_share_memory(_buffer(a, 'may_share_memory', 'a'),
                                                _buffer(b, 'may_share_memory', 'b'), max_work))


def shares_memory(a, b, max_work=None):
    """Whether arrays ``a`` and ``b`` share at least one element's memory (exact)."""
    return _builtins.bool(_onp.shares_memory(_buffer(a, 'shares_memory', 'a'),
                                             _buffer(b, 'shares_memory', 'b'), max_work))


def set_printoptions(precision=None, threshold=None, **kwarg):
    """Set how arrays print: ``precision`` (digits) and ``threshold`` (the element count
    above which arrays are summarised).  As in MXNet 1.9.1 other options raise
    NotImplementedError; the setting is NumPy's, for the whole process."""
    if kwarg:
        raise NotImplementedError(f"set_printoptions: only precision and threshold are "
                                  f"supported (as in MXNet 1.9.1), got {sorted(kwarg)}")
    _onp.set_printoptions(precision=precision, threshold=threshold)


def genfromtxt(*args, **kwargs):
    """``numpy.genfromtxt``'s table as an array (keeping NumPy's dtype, float64 by default, as
    MXNet 1.9.1 does); ``ctx=`` / ``device=`` place it."""
    ctx, device = kwargs.pop('ctx', None), kwargs.pop('device', None)
    data = _onp.genfromtxt(*args, **kwargs)
    return _array(data, dtype=data.dtype, ctx=ctx, device=device)


def real(val):
    """The real part: a copy of ``val`` (arrays here are real; differentiable)."""
    return _copy(_as_array(val))


"""Dtype rules of MXNet's numpy mode.

Python scalars and lists become the default dtype (float32), even lists of ints or
bools; NumPy arrays keep their dtype (MXNet 1.9.1); ``dtype=`` always wins.
"""
import numbers

import numpy as _onp

from .errors import DTypeError

float32 = _onp.dtype(_onp.float32)
float64 = _onp.dtype(_onp.float64)
DEFAULT = float32

float16 = _onp.dtype(_onp.float16)

# float16 is stored as float16 and computed in float32 (see kernels/_jit.py)
SUPPORTED = frozenset(_onp.dtype(t) for t in (
    _onp.float16, _onp.float32, _onp.float64, _onp.int8, _onp.int16, _onp.int32, _onp.int64,
    _onp.uint8, _onp.uint16, _onp.uint32, _onp.uint64, _onp.bool_))


def check(dtype, what='array'):
    """Return ``dtype`` as a NumPy dtype, or raise DTypeError naming it."""
    try:
        dt = _onp.dtype(dtype)
    except TypeError as e:
        raise DTypeError(f"{what}: {dtype!r} is not a dtype") from e
    if dt not in SUPPORTED:
        raise DTypeError(
            f"{what}: dtype {dt} is not supported (use float16, float32, float64, an integer "
            "type or bool)")
    return dt


def to_numpy(obj, dtype=None, copy=False):
    """Convert ``obj`` (NumPy array, scalar, nested list) to a NumPy array with MXNet's dtype rules."""
    if isinstance(obj, _onp.ndarray) or isinstance(obj, _onp.generic):
        if obj.dtype.kind not in 'biuf':
            # refuse before any cast: complex -> float would drop the imaginary part
            check(obj.dtype)
        dt = check(obj.dtype) if dtype is None else check(dtype)
        data = _onp.array(obj, dtype=dt, copy=copy or None)
        return data
    if dtype is not None:
        dt = check(dtype)
    else:
        dt = DEFAULT
    try:
        probe = _onp.asarray(obj)
    except (ValueError, TypeError) as e:
        raise DTypeError(f"cannot make an array from {type(obj).__name__}: {e}") from e
    if probe.dtype.kind not in 'biuf':
        raise DTypeError(
            f"cannot make an array from {type(obj).__name__} holding {probe.dtype} values "
            f"({probe.dtype.kind!r} kind); only numbers and bools are supported")
    if dtype is None and probe.dtype.kind in 'biuf':
        dt = DEFAULT
    return probe.astype(dt, copy=True)


def scalar_result(arr_dtype, scalar):
    """Dtype of ``array (op) python_scalar``: a float array keeps its dtype; int with float gives float32."""
    if arr_dtype.kind == 'f':
        return arr_dtype
    if isinstance(scalar, (float, _onp.floating)) or isinstance(scalar, numbers.Real) and not isinstance(scalar, numbers.Integral):
        return DEFAULT
    if arr_dtype.kind == 'b':
        return _onp.dtype(_onp.int64) if not isinstance(scalar, bool) else arr_dtype
    return arr_dtype


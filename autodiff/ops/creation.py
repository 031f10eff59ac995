"""Array creation with MXNet's default dtype (float32)."""
import numpy as _onp

from .. import dtypes
from ..device import place
from .._state import off_tape, value_read
from ..errors import DTypeError, ShapeError
from ..ndarray import ndarray, wrap
from .convert import as_array


def _dt(dtype):
    return dtypes.DEFAULT if dtype is None else dtypes.check(dtype)


def _dim(s):
    if not isinstance(s, (int, _onp.integer)) or isinstance(s, bool):
        raise TypeError
    return int(s)


def _shape(shape):
    if isinstance(shape, (int, _onp.integer)):
        return (int(shape),)
    try:
        if isinstance(shape, (str, bytes)):
            raise TypeError
        shape = tuple(_dim(s) for s in shape)
    except TypeError:
        raise TypeError(f"shape must be an int or a tuple of ints, got {shape!r}") from None
    if any(s < 0 for s in shape):
        raise ValueError(f"negative dimensions are not allowed: {shape}")
    return shape


def array(object, dtype=None, copy=True, ctx=None, device=None):
    """A new array from a list, scalar, NumPy array or array (lists and scalars become float32)."""
    if isinstance(object, ndarray):
        d = object._data if dtype is None else object._data.astype(dtypes.check(dtype))
        out = off_tape('array', (object,), wrap(d.copy() if copy and d is object._data else d))
        if object._node is not None:
            out._why = ("np.array() copies the values without their history (use the array "
                        "itself, or .copy(), which is recorded)")
        return place(out, 'array', ctx, device)
    return place(wrap(dtypes.to_numpy(object, dtype, copy=True)), 'array', ctx, device)


def asarray(a, dtype=None, ctx=None, device=None):
    """Like ``array`` but without a copy when ``a`` already is an array of that dtype."""
    out = as_array(a, dtype)
    if ctx is None and device is None:
        return out
    return out if out is a else place(out, 'asarray', ctx, device)


def _c_order(name, order):
    """Only C order exists here (MXNet 1.9.1 raises NotImplementedError for 'F' too)."""
    if order != 'C':
        raise NotImplementedError(f"{name}: order={order!r} is not supported (only order='C')")


def zeros(shape, dtype=None, order='C', ctx=None, device=None):
    """An array of zeros (float32 by default)."""
    _c_order('zeros', order)
    return place(wrap(_onp.zeros(_shape(shape), _dt(dtype))), 'zeros', ctx, device)


def ones(shape, dtype=None, order='C', ctx=None, device=None):
    """An array of ones (float32 by default)."""
    _c_order('ones', order)
    return place(wrap(_onp.ones(_shape(shape), _dt(dtype))), 'ones', ctx, device)


def empty(shape, dtype=None, order='C', ctx=None, device=None):
    """An uninitialized array (float32 by default)."""
    _c_order('empty', order)
    return place(wrap(_onp.empty(_shape(shape), _dt(dtype))), 'empty', ctx, device)


def full(shape, fill_value, dtype=None, order='C', ctx=None, device=None):
    """An array filled with ``fill_value`` (float32 by default)."""
    _c_order('full', order)
    if isinstance(fill_value, ndarray):
        value_read('full', (fill_value,))     # (an autograd.compile recording: a value read)
        fill_value = fill_value._data
    shape, dt = _shape(shape), _dt(dtype)
    fv = _onp.asarray(fill_value)
    if fv.dtype.kind not in 'biuf':
        raise DTypeError(f"full: fill_value must be a number, got {fill_value!r}")
    try:
        out = wrap(_onp.full(shape, fv, dt))
    except ValueError:
        raise ShapeError(f"full: fill_value of shape {fv.shape} does not broadcast to "
                         f"shape {shape}") from None
    return place(out, 'full', ctx, device)


def _like(a, dtype):
    a = as_array(a)
    return a.shape, (a.dtype if dtype is None else dtypes.check(dtype))


def zeros_like(a, dtype=None, ctx=None, device=None):
    """Zeros with the shape and dtype of ``a``."""
    return place(wrap(_onp.zeros(*_like(a, dtype))), 'zeros_like', ctx, device)


def ones_like(a, dtype=None, ctx=None, device=None):
    """Ones with the shape and dtype of ``a``."""
    return place(wrap(_onp.ones(*_like(a, dtype))), 'ones_like', ctx, device)


def full_like(a, fill_value, dtype=None, ctx=None, device=None):
    """``fill_value`` with the shape and dtype of ``a``."""
    shape, dt = _like(a, dtype)
    return full(shape, fill_value, dt, ctx=ctx, device=device)


def empty_like(a, dtype=None, ctx=None, device=None):
    """Uninitialized, with the shape and dtype of ``a``."""
    return place(wrap(_onp.empty(*_like(a, dtype))), 'empty_like', ctx, device)


def arange(start, stop=None, step=1, dtype=None, ctx=None, device=None):
    """Evenly spaced values in [start, stop) (float32 by default, as in MXNet)."""
    return place(wrap(_onp.arange(start, stop, step).astype(_dt(dtype))), 'arange', ctx, device)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, ctx=None,
             device=None):
    """``num`` evenly spaced values from start to stop (float32 by default)."""
    out = _onp.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, axis=axis)
    if retstep:
        return place(wrap(out[0].astype(_dt(dtype))), 'linspace', ctx, device), out[1]
    return place(wrap(out.astype(_dt(dtype))), 'linspace', ctx, device)


def eye(N, M=None, k=0, dtype=None, ctx=None, device=None):
    """An identity-like matrix (float32 by default)."""
    return place(wrap(_onp.eye(N, M, k, dtype=_dt(dtype))), 'eye', ctx, device)


def identity(n, dtype=None, ctx=None, device=None):
    """The n×n identity matrix."""
    return eye(n, dtype=dtype, ctx=ctx, device=device)

"""``mx.test_utils``: the helpers MXNet 1.9.1's own unit tests use most, with its signatures.

``assert_almost_equal(a, b, rtol=None, atol=None, names=('a', 'b'), equal_nan=False,
use_broadcast=True, mismatches=(10, 10))`` takes autodiff arrays, NumPy arrays and numbers;
``None`` tolerances are MXNet's per-dtype defaults (the larger of the two operands':
float16 1e-2 / 1e-1, float32 1e-4 / 1e-3, float64 1e-5 / 1e-20, integers and bool exact),
and a failure raises AssertionError with MXNet's message: ``Error <r> exceeds tolerance
rtol=<rtol>, atol=<atol> (mismatch <p>%).`` and ``Location of maximum error: (i, j),
a=<v>, b=<v>``, followed by both arrays.  ``almost_equal`` is MXNet's too, with its fixed
defaults (rtol 1e-5, atol 1e-20).  MXNet's ``check_numeric_gradient`` takes a Symbol and
is not here (tests use ``tests/helpers/gradcheck.py``).
"""
import numbers as _numbers

import numpy as _onp
import numpy.testing as _npt

from . import device as _device
from .ndarray import ndarray as _ndarray
from .ops.creation import array as _array

_RTOLS = {'float16': 1e-2, 'float32': 1e-4, 'float64': 1e-5}
_ATOLS = {'float16': 1e-1, 'float32': 1e-3, 'float64': 1e-20}


def _plain(a):
    if isinstance(a, _ndarray):
        return a.asnumpy()
    return _onp.asarray(a)


def default_rtols():
    """MXNet's default relative tolerance per dtype (integers and bool: 0)."""
    return {_onp.dtype(k): v for k, v in _RTOLS.items()}


def default_atols():
    """MXNet's default absolute tolerance per dtype (integers and bool: 0)."""
    return {_onp.dtype(k): v for k, v in _ATOLS.items()}


def effective_dtype(dat):
    """The dtype whose default tolerances apply to ``dat`` (its own on the CPU)."""
    return _onp.dtype(dat.dtype)


def get_tolerance(dat, tol, default_tol):
    """``tol`` when it is a number, else ``tol[dtype]`` (a dict) or ``default_tol[dtype]``."""
    if isinstance(tol, _numbers.Number):
        return tol
    dtype = effective_dtype(dat)
    return (tol or {}).get(dtype, default_tol.get(dtype, 0))


def get_tols(x, y, rtol, atol):
    """The (rtol, atol) for comparing ``x`` with ``y``: the larger of their dtypes' values."""
    x = _onp.array(x) if isinstance(x, _numbers.Number) else x
    y = _onp.array(y) if isinstance(y, _numbers.Number) else y
    return (max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols())),
            max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols())))


def get_rtol(rtol=None, dtype=_onp.dtype(_onp.float64)):
    """``rtol``, or MXNet's default for ``dtype`` (float64: 1e-5)."""
    return default_rtols().get(_onp.dtype(dtype), 0) if rtol is None else rtol


def get_atol(atol=None, dtype=_onp.dtype(_onp.float64)):
    """``atol``, or MXNet's default for ``dtype`` (float64: 1e-20)."""
    return default_atols().get(_onp.dtype(dtype), 0) if atol is None else atol


def default_context():
    """The default device (``cpu(0)`` unless set)."""
    return _device.current_context()


def set_default_context(ctx):
    """Make ``ctx`` the default device of this thread (as MXNet keeps it); a GPU raises
    DeviceError."""
    _device._default.ctx = _device.resolve('set_default_context', ctx)  # (device's own slot)


def default_dtype():
    """float32, the default dtype of numpy mode."""
    return _onp.float32


def same(a, b):
    """Whether ``a`` and ``b`` have the same shape and elements."""
    return _onp.array_equal(_plain(a), _plain(b))


def _check_shapes(a, b):
    if a.shape != b.shape:
        raise AssertionError(_npt.build_err_msg(
            [a, b], err_msg=f"a.shape = {a.shape} and b.shape = {b.shape} are not equal"))


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """``numpy.allclose`` with MXNet's fixed defaults (rtol 1e-5, atol 1e-20)."""
    a, b = _plain(a), _plain(b)
    if not use_broadcast:
        _check_shapes(a, b)
    return bool(_onp.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol),
                              equal_nan=equal_nan))


def _max_violation(a, b, rtol, atol):
    absdiff = _onp.where(_onp.equal(a, b), 0, _onp.abs(a - b))
    violation = absdiff / (atol + rtol * _onp.abs(b) + 1e-20)
    violation = _onp.where(_onp.isnan(violation), _onp.inf, violation)
    idx = tuple(int(i) for i in _onp.unravel_index(_onp.argmax(violation), violation.shape))
    return idx, _onp.max(violation)


def _location(a, b, index, names, maximum=False):
    which = "maximum " if maximum else ""
    return (f"Location of {which}error: {index}, {names[0]}={a[index]:.8f}, "
            f"{names[1]}={b[index]:.8f}")


def assert_almost_equal(a, b, rtol=None, atol=None, names=('a', 'b'), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Raise AssertionError unless ``|a - b| <= atol + rtol * |b|`` everywhere (MXNet's
    message and defaults: see the module docstring).  ``mismatches[1]`` bounds how many
    mismatches are counted for the reported share."""
    a, b = _plain(a), _plain(b)
    rtol, atol = get_tols(a, b, rtol, atol)
    if not use_broadcast:
        _check_shapes(a, b)
    if a.dtype == _onp.bool_ and b.dtype == _onp.bool_:
        _npt.assert_equal(a, b)
        return
    if _onp.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    shown_a, shown_b = a, b
    dt = _onp.result_type(a.dtype, b.dtype, _onp.float16)     # (errors in the operands' dtype)
    a, b = _onp.broadcast_arrays(a.astype(dt), b.astype(dt))
    if equal_nan:
        both = _onp.isnan(a) & _onp.isnan(b)
        a, b = _onp.where(both, 0, a), _onp.where(both, 0, b)
    index, rel = _max_violation(a, b, rtol, atol)
    close = _onp.isclose(a, b, rtol=rtol, atol=atol)
    count = int((~close).sum())
    limit = mismatches[1]            # (MXNet counts mismatches up to limit + 1)
    degree = "at least " if 0 < limit < count else ""
    shown = limit + 1 if 0 < limit < count else count
    msg = (f"Error {rel:f} exceeds tolerance rtol={rtol:e}, atol={atol:e} (mismatch "
           f"{degree}{100 * shown / a.size:f}%).\n"
           f"{_location(a, b, index, names, maximum=True)}")
    with _onp.printoptions(threshold=4, suppress=True):
        raise AssertionError(_npt.build_err_msg([shown_a, shown_b], err_msg=msg))


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    """``assert_almost_equal`` with NumPy's ``assert_allclose`` defaults."""
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=('a', 'b')):
    """``assert_almost_equal`` with every position that is NaN in either array ignored."""
    a, b = _onp.array(_plain(a), copy=True), _onp.array(_plain(b), copy=True)
    mask = _onp.isnan(a) | _onp.isnan(b)
    a[mask] = 0
    b[mask] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def assert_exception(f, exception_type, *args, **kwargs):
    """Raise AssertionError unless ``f(*args, **kwargs)`` raises ``exception_type``."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError(f"{getattr(f, '__name__', f)} did not raise {exception_type.__name__}")


def same_array(array1, array2):
    """Whether two arrays share memory (a write into one shows in the other)."""
    return bool(_onp.shares_memory(array1._data, array2._data))


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random shape of ``num_dim`` axes, each of length 1..``dim`` (0.. with
    ``allow_zero_size``), drawn from NumPy's global generator as MXNet does."""
    low = 0 if allow_zero_size else 1
    return tuple(int(n) for n in _onp.random.randint(low, dim + 1, size=num_dim))


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    """A random 2-D shape (see ``rand_shape_nd``)."""
    low = 0 if allow_zero_size else 1
    return int(_onp.random.randint(low, dim0 + 1)), int(_onp.random.randint(low, dim1 + 1))


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    """A random 3-D shape (see ``rand_shape_nd``)."""
    low = 0 if allow_zero_size else 1
    return tuple(int(_onp.random.randint(low, d + 1)) for d in (dim0, dim1, dim2))


def rand_ndarray(shape, stype='default', density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """An array of ``shape`` with values uniform in [-1, 1) (MXNet's ``random_arrays``),
    float32 unless ``dtype``; only ``stype='default'`` (no sparse storage here)."""
    if stype != 'default':
        raise NotImplementedError(f"rand_ndarray: stype={stype!r} (sparse storage) is not "
                                  f"supported")
    values = _onp.random.uniform(-1.0, 1.0, size=shape)
    if modifier_func is not None:
        values = modifier_func(values)
    return _array(values, dtype=dtype or _onp.float32, ctx=ctx)

"""Inputs in several memory layouts and comparison of results against NumPy references."""
import numpy as onp

from autodiff import np
from autodiff.ndarray import ndarray

FLOATS = (onp.float32, onp.float64)

# (rtol, atol) per dtype for results of the same formula computed by NumPy and by a kernel
TOL = {onp.dtype(onp.float32): (2e-6, 1e-7), onp.dtype(onp.float64): (1e-12, 1e-300)}

LAYOUTS = ('contiguous', 'transposed', 'strided', 'reversed', 'broadcast')


def sample(shape, dtype=onp.float64, low=-2.0, high=2.0, seed=0):
    """Uniform draws in [low, high) of ``shape`` and ``dtype`` (a NumPy array)."""
    r = onp.random.default_rng(seed)
    return r.uniform(low, high, size=shape).astype(dtype)


def layout_pair(values, layout):
    """``(ref, x)``: a NumPy array and an autodiff array with equal values and shape.

    ``x``'s buffer has the requested memory layout.  User-level ops return contiguous
    arrays (MXNet 1.9.1 copies on ``.T``, step slices, ``broadcast_to``), so ``x`` wraps a
    NumPy view (``np.asarray`` keeps it, as users can do) -- the layouts backward rules
    hand the kernels too; ``ref`` holds the same values for the NumPy reference.
    ``values`` gives the shape and (except for 'broadcast', which repeats its first
    entries along the last axis) the values.
    """
    values = onp.asarray(values)
    if layout == 'contiguous' or values.ndim == 0:
        x = np.asarray(values.copy())
    elif layout == 'transposed':
        x = np.asarray(onp.ascontiguousarray(values.T).T)
    elif layout == 'strided':
        buf = onp.zeros(values.shape[:-1] + (2 * values.shape[-1],), values.dtype)
        buf[..., ::2] = values
        x = np.asarray(buf[..., ::2])
    elif layout == 'reversed':
        x = np.asarray(onp.ascontiguousarray(values[..., ::-1])[..., ::-1])
    elif layout == 'broadcast':
        x = np.asarray(onp.broadcast_to(onp.ascontiguousarray(values[..., :1]), values.shape))
    else:
        raise ValueError(layout)
    ref = x._data.copy()
    if layout != 'broadcast':
        onp.testing.assert_array_equal(ref, values)
    return ref, x


def _check_array(actual):
    assert isinstance(actual, ndarray), f"expected an autodiff ndarray, got {type(actual).__name__}"
    # a NumPy scalar in place of a 0-d buffer breaks in-place ops, setitem and kernels
    assert isinstance(actual._data, onp.ndarray), \
        f"the array's buffer is a {type(actual._data).__name__}, not a NumPy array"


def assert_same(actual, expected, dtype=None):
    """Exact comparison (NaN equal to NaN), including shape and dtype."""
    _check_array(actual)
    expected = onp.asarray(expected)
    dt = onp.dtype(dtype) if dtype is not None else expected.dtype
    assert actual.shape == expected.shape, f"shape {actual.shape} != expected {expected.shape}"
    assert actual.dtype == dt, f"dtype {actual.dtype} != expected {dt}"
    onp.testing.assert_array_equal(actual._data, expected)


def assert_close(actual, expected, dtype=None, rtol=None, atol=None):
    """Compare an autodiff result with a NumPy reference: type, shape, dtype and values.

    NaN must appear where the reference has NaN, and infinities must match in sign.
    ``dtype`` defaults to the reference's dtype.
    """
    _check_array(actual)
    expected = onp.asarray(expected)
    dt = onp.dtype(dtype) if dtype is not None else expected.dtype
    assert actual.shape == expected.shape, f"shape {actual.shape} != expected {expected.shape}"
    assert actual.dtype == dt, f"dtype {actual.dtype} != expected {dt}"
    r, a = TOL.get(dt, (0, 0))
    onp.testing.assert_allclose(actual._data, expected.astype(dt),
                                rtol=r if rtol is None else rtol,
                                atol=a if atol is None else atol, equal_nan=True)

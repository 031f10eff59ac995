"""The small-operand fast paths of ``x * y`` and ``x.sum()`` (issue 18, W9) against NumPy.

Each route the fast paths choose between -- 1-D buffers that own their memory (passed to
the kernel as they are), views (sliced, strided, read-only), other ranks, 0-d -- must give
NumPy's value; the routes only differ in cost.  Float32 and float64 only, 1-D contiguous
kernels (signatures the rest of the suite compiles anyway), except one read-only buffer.
"""
import numpy as onp
import pytest

from autodiff import autograd, np
from autodiff.ops.core import wrap


def _pair(dtype):
    rng = onp.random.default_rng(18)
    return rng.uniform(-2, 2, 12).astype(dtype), rng.uniform(-2, 2, 12).astype(dtype)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_multiply_routes_match_numpy(dtype):
    a, b = _pair(dtype)
    x, y = np.array(a), np.array(b)
    assert x._data.base is None                      # the owned 1-D route
    onp.testing.assert_array_equal((x * y).asnumpy(), a * b)
    # basic slices share memory: a strided and a contiguous view take the general route
    onp.testing.assert_array_equal((x[::2] * y[1::2]).asnumpy(), a[::2] * b[1::2])
    onp.testing.assert_array_equal((x[2:6] * y[:4]).asnumpy(), a[2:6] * b[:4])
    # another rank
    onp.testing.assert_array_equal((x.reshape((3, 4)) * y.reshape((3, 4))).asnumpy(),
                                   (a * b).reshape(3, 4))
    assert (x * y).dtype == onp.dtype(dtype) and (x * y).shape == (12,)


def test_multiply_of_a_read_only_owned_buffer():
    a, b = _pair('float64')
    ro = a.copy()
    ro.setflags(write=False)                         # owns its memory, cannot be written
    x = wrap(ro)
    out = (x * np.array(b)).asnumpy()
    onp.testing.assert_array_equal(out, a * b)
    onp.testing.assert_array_equal(ro, a)            # the operand is untouched


def test_array_operators_are_the_ops():
    """``x * y`` is the row's function itself; its name stays the op's."""
    from autodiff.ndarray import ndarray
    assert np.multiply.__name__ == 'multiply'
    assert ndarray.__mul__.__qualname__ == 'multiply'
    assert ndarray.__rmul__.__qualname__ == 'ndarray.__rmul__'


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_sum_routes_match_numpy(dtype):
    a, _ = _pair(dtype)
    x = np.array(a)
    expect = a.astype(onp.float64).sum().astype(dtype)   # float64 accumulation, cast
    for arr, ref in ((x, expect), (x.reshape((3, 4)), expect),
                     (x[::3], a[::3].astype(onp.float64).sum().astype(dtype)),
                     (np.array(a[5]), a[5])):
        s = arr.sum()
        assert s.shape == () and s.dtype == onp.dtype(dtype)
        assert s.asnumpy() == ref
    assert np.sum(x).asnumpy() == expect
    assert np.sum(x, dtype='float64').dtype == onp.float64
    assert x.sum(axis=0).asnumpy() == expect
    assert x.sum(keepdims=True).shape == (1,)


def test_sum_method_keywords():
    """``ndarray.sum`` takes ``out`` (MXNet 1.9.1's signature has no ``initial``)."""
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match='initial'):
        x.sum(initial=1.0)
    out = np.zeros(())
    assert x.sum(out=out) is out and float(out) == 6.0


def test_fast_paths_record_their_gradients():
    a, b = _pair('float32')
    x, y = np.array(a), np.array(b)
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        s = (x * y).sum()
    s.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), b)
    onp.testing.assert_array_equal(y.grad.asnumpy(), a)

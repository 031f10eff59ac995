"""float_power, nan_to_num, modf, frexp, divmod, i0 (autodiff/ops/compound.py) against NumPy;
dtypes as MXNet 1.9.1 gives them (oracle, 2026-12: float_power -> float64, frexp's exponents
int32, i0 of int32 -> float64, of float32 -> float32, nan_to_num's inf -> float32 max)."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import DTypeError
from helpers.gradcheck import check_grads

X = onp.array([1.5, -2.25, 0.5, 3.0], onp.float32)
Y = onp.array([2.0, 3.0, -1.0, 0.5], onp.float32)


def test_forward_values_and_dtypes_match_numpy_and_mxnet():
    r = np.float_power(np.array(X), np.array(Y))
    assert r.dtype == onp.float64
    onp.testing.assert_allclose(r.asnumpy(), onp.float_power(X, Y), rtol=1e-12)
    frac, whole = np.modf(np.array(X))
    want_f, want_w = onp.modf(X)
    assert frac.dtype == whole.dtype == onp.float32
    onp.testing.assert_array_equal(frac.asnumpy(), want_f)
    onp.testing.assert_array_equal(whole.asnumpy(), want_w)
    m, e = np.frexp(np.array(X))
    want_m, want_e = onp.frexp(X)
    assert m.dtype == onp.float32 and e.dtype == onp.int32
    onp.testing.assert_array_equal(m.asnumpy(), want_m)
    onp.testing.assert_array_equal(e.asnumpy(), want_e)
    q, rem = np.divmod(np.array(X), np.array(Y))
    want_q, want_r = onp.divmod(X, Y)
    onp.testing.assert_array_equal(q.asnumpy(), want_q)
    onp.testing.assert_array_equal(rem.asnumpy(), want_r)
    qi, ri = np.divmod(np.array([7, -7], dtype='int64'), np.array([2, 2], dtype='int64'))
    assert qi.asnumpy().tolist() == [3, -4] and ri.asnumpy().tolist() == [1, 1]
    assert np.i0(np.array(X)).dtype == onp.float32
    onp.testing.assert_allclose(np.i0(np.array(X)).asnumpy(), onp.i0(X), rtol=1e-6)
    assert np.i0(np.array([1, 2], dtype='int32')).dtype == onp.float64


def test_nan_to_num_replaces_as_mxnet():
    x = onp.array([1.0, onp.nan, onp.inf, -onp.inf], onp.float32)
    got = np.nan_to_num(np.array(x)).asnumpy()
    # MXNet 1.9.1: [1, 0, 3.4028235e+38, -3.4028235e+38] (float32)
    onp.testing.assert_array_equal(got, onp.array([1, 0, onp.finfo(onp.float32).max,
                                                   onp.finfo(onp.float32).min], onp.float32))
    got = np.nan_to_num(np.array(x), nan=-1.0, posinf=9.0, neginf=-9.0).asnumpy()
    onp.testing.assert_array_equal(got, [1.0, -1.0, 9.0, -9.0])
    a = np.array(x)
    assert np.nan_to_num(a, copy=False) is a and not onp.isnan(a.asnumpy()).any()
    i = np.array([1, 2], dtype='int32')
    assert np.nan_to_num(i).asnumpy().tolist() == [1, 2]


def test_gradients_against_central_differences():
    check_grads(lambda a, b: np.float_power(a, b), onp.abs(X) + 0.5, Y)
    check_grads(lambda a: np.modf(a)[0] * a, X + 0.1)
    check_grads(lambda a: np.nan_to_num(a) * a, X)


def test_nan_to_num_passes_no_gradient_to_replaced_entries():
    x = np.array([1.0, onp.nan, 2.0, onp.inf])
    x.attach_grad()
    with autograd.record():
        y = np.nan_to_num(x) * 3
    y.backward()
    assert x.grad.asnumpy().tolist() == [3.0, 0.0, 3.0, 0.0]


def test_non_differentiable_ones_give_zero_gradients_and_errors_say_what_is_wrong():
    x = np.array(X)
    x.attach_grad()
    with autograd.record():
        y = np.frexp(x)[0] + np.i0(x) + np.divmod(x, 2.0)[1] + x
    y.backward()
    assert x.grad.asnumpy().tolist() == [1.0] * 4
    with pytest.raises(ZeroDivisionError, match='divmod'):
        np.divmod(np.array([1], dtype='int32'), np.array([0], dtype='int32'))
    with pytest.raises(DTypeError, match='complex128 is not supported'):
        np.i0(onp.array([1j]))

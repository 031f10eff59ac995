"""Values of the binary rows added in issue 13 against MXNet 1.9.1, written down from its
oracle run (``from mxnet import np, npx, autograd; npx.set_np()``, 2026-12), at the points
central differences cannot check: zeros, signed zeros, the pole of arctan2 and hypot."""
import numpy as onp

from autodiff import np, autograd

A = [1., -2., 0., 0., 3., -0.]
B = [2., 3., 0., -1., -0., 2.]
NAN = onp.nan


def _grads(f, a, b):
    x, y = np.array(a), np.array(b)
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        z = f(x, y)
    z.backward()
    return z._data, x.grad._data, y.grad._data


def test_arctan2_values_and_gradients_as_mxnet():
    z, ga, gb = _grads(np.arctan2, A, B)
    onp.testing.assert_allclose(z, [0.4636476, -0.5880026, 0., 3.1415927, 1.5707964, -0.],
                                rtol=1e-6)
    onp.testing.assert_allclose(ga, [0.4, 0.23076923, NAN, -1., -0., 0.5], rtol=1e-6)
    onp.testing.assert_allclose(gb, [-0.2, 0.15384616, NAN, -0., -0.33333334, 0.], rtol=1e-6)


def test_arctan2_scalar_forms_follow_the_math():
    """MXNet 1.9.1 gives arctan2(x, 2.) the gradient [0.4, 0.25, 0.15384616] (as here) but
    arctan2(2., x) [-0.2, 0.25, -0.23076923], which is wrong (a known MXNet defect):
    d/dx arctan2(2, x) = -2 / (4 + x^2)."""
    x = np.array([1., -2., 3.])
    x.attach_grad()
    with autograd.record():
        y = np.arctan2(x, 2.)
    y.backward()
    onp.testing.assert_allclose(x.grad._data, [0.4, 0.25, 0.15384616], rtol=1e-6)
    with autograd.record():
        y = np.arctan2(2., x)
    y.backward()
    onp.testing.assert_allclose(y._data, [1.1071488, 2.3561945, 0.5880026], rtol=1e-6)
    onp.testing.assert_allclose(x.grad._data, [-0.4, -0.25, -2 / 13], rtol=1e-6)


def test_hypot_values_and_gradients_as_mxnet():
    z, ga, gb = _grads(np.hypot, A, B)
    onp.testing.assert_allclose(z, [2.236068, 3.6055512, 0., 1., 3., 2.], rtol=1e-6)
    onp.testing.assert_allclose(ga, [0.4472136, -0.5547002, NAN, 0., 1., -0.], rtol=1e-6)
    onp.testing.assert_allclose(gb, [0.8944272, 0.8320503, NAN, -1., -0., 1.], rtol=1e-6)
    x = np.array([1., -2., 3.])
    x.attach_grad()
    with autograd.record():
        y = np.hypot(2., x) + np.hypot(x, 2.)
    y.backward()
    onp.testing.assert_allclose(x.grad._data, 2 * onp.array([0.4472136, -0.70710677, 0.8320503]),
                                rtol=1e-6)


def test_copysign_gradients_as_mxnet_and_signed_zeros_as_numpy():
    """MXNet 1.9.1: d/da = [1, -1, 1, -1, 1, 1], d/db = 0.  It treats -0. as positive
    (copysign(3, -0.) = 3 there); here the forward is NumPy's (-3) and d/da follows the
    sign bits, so the last two entries differ from MXNet on purpose."""
    z, ga, gb = _grads(np.copysign, A, B)
    onp.testing.assert_array_equal(z, onp.copysign(onp.float32(A), onp.float32(B)))
    onp.testing.assert_array_equal(ga, [1., -1., 1., -1., -1., -1.])
    onp.testing.assert_array_equal(gb, onp.zeros(6))
    i = np.copysign(np.array(onp.array([1, 2, 3])), np.array(onp.array([2, -3, 4])))
    assert i.dtype == onp.int64                         # MXNet 1.9.1 keeps int64
    onp.testing.assert_array_equal(i._data, [1, -2, 3])


def test_logaddexp_is_exact_at_large_and_equal_arguments():
    """Not in MXNet 1.9.1 (NumPy's name): NumPy's values, overflow-free."""
    a = onp.array([1000., -1000., 0., onp.inf, -onp.inf, onp.nan], onp.float32)
    b = onp.array([1000., -999., 0., onp.inf, -onp.inf, 1.], onp.float32)
    with onp.errstate(invalid='ignore'):
        expected = onp.logaddexp(a, b)
    onp.testing.assert_array_equal(np.logaddexp(np.array(a), np.array(b))._data, expected)

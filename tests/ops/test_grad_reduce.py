"""Gradient checks of reductions (every axis form, keepdims), softmax and log_softmax."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from helpers import check_grads

CASES = [((), None), ((7,), None), ((7,), 0), ((7,), -1), ((4, 5), None), ((4, 5), 0), ((4, 5), 1),
         ((4, 5), (0, 1)), ((2, 3, 4), 1), ((2, 3, 4), (0, 2)), ((2, 3, 4), (-1, 0)),
         ((2, 3, 4), (1, 2)), ((2, 3, 4), ()), ((2, 1, 3), 1)]
REDUCTIONS = {'sum': np.sum, 'mean': np.mean, 'max': np.max, 'min': np.min, 'prod': np.prod}


@pytest.mark.parametrize('keepdims', [False, True])
@pytest.mark.parametrize('shape,axis', CASES, ids=str)
@pytest.mark.parametrize('name', list(REDUCTIONS))
def test_reduction_gradients(name, shape, axis, keepdims):
    # distinct values (no ties for max/min), away from zero (prod divides by x)
    x = onp.random.default_rng(len(shape)).permutation(onp.arange(1, 1 + int(onp.prod(shape))))
    x = (0.5 + x / x.size if x.size else x).reshape(shape)
    check_grads(lambda a: REDUCTIONS[name](a, axis=axis, keepdims=keepdims), x)


@pytest.mark.parametrize('name', list(REDUCTIONS))
def test_method_forms(name):
    x = onp.random.default_rng(0).uniform(0.5, 1.5, (3, 4))
    check_grads(lambda a: getattr(a, name)(axis=1), x)
    check_grads(lambda a: getattr(a, name)(), x)


@pytest.mark.parametrize('x,axis', [([[2.0, 0.0, 3.0], [1.0, 4.0, 5.0]], 1),
                                    ([[0.0, 0.0, 3.0], [1.0, 0.0, 5.0]], 1),
                                    ([[0.0, 2.0], [0.0, 3.0]], None)], ids=str)
def test_prod_gradient_with_zeros(x, axis):
    """d prod / d x_i is the product of the other elements, also where x has zeros
    (ans / x would give NaN there)."""
    x = onp.array(x)
    a = np.array(x, dtype='float64')
    a.attach_grad()
    with autograd.record():
        y = np.prod(a, axis=axis)
    y.backward()
    expected = onp.zeros_like(x)
    flat = x.reshape(-1) if axis is None else None
    if axis is None:
        for i in range(flat.size):
            expected.reshape(-1)[i] = onp.prod(onp.delete(flat, i))
    else:
        for r in range(x.shape[0]):
            for c in range(x.shape[1]):
                expected[r, c] = onp.prod(onp.delete(x[r], c))
    onp.testing.assert_allclose(a.grad._data, expected)
    check_grads(lambda t: np.prod(t, axis=axis), x)


SOFTMAX_CASES = [((5,), -1), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), -3), ((3, 1), -1)]


@pytest.mark.parametrize('shape,axis', SOFTMAX_CASES, ids=str)
@pytest.mark.parametrize('fn', [npx.softmax, npx.log_softmax], ids=['softmax', 'log_softmax'])
def test_softmax_gradients(fn, shape, axis):
    x = onp.random.default_rng(len(shape)).uniform(-3, 3, shape)
    check_grads(lambda a: fn(a, axis=axis), x)


def test_log_softmax_gradient_at_large_inputs_is_finite():
    x = np.array(onp.array([[1000.0, 0.0, -1000.0]]), dtype='float64')
    x.attach_grad()
    with autograd.record():
        y = npx.log_softmax(x)[0, 1]
    y.backward()
    onp.testing.assert_allclose(x.grad._data, [[-1.0, 1.0, 0.0]], atol=1e-12)


def test_sum_of_empty_has_zero_gradient():
    x = np.zeros((0, 3), dtype='float64')
    x.attach_grad()
    with autograd.record():
        y = x.sum(axis=0)
    y.backward()
    assert x.grad.shape == (0, 3)

"""Gradients at kinks and ties, as MXNet 1.9.1 computes them (values written down from MXNet).

max/min reductions: every tied element gets the full gradient; maximum/minimum: a tie goes
to the first operand (with a Python scalar, to the array); abs'(0) = relu'(0) = 0; clip
passes the gradient at exactly a_min / a_max.
"""
import numpy as onp
import pytest

from autodiff import np, npx, autograd


def grads(f, *values, head=None):
    xs = [np.array(v, dtype='float64') for v in values]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = f(*xs)
    y.backward(None if head is None else np.array(head, dtype='float64'))
    return [x.grad._data.tolist() for x in xs]


@pytest.mark.parametrize('f,values,expected', [
    (lambda x: np.max(x), [[0.0, 1.0, 2.0, 2.0]], [[0.0, 0.0, 1.0, 1.0]]),
    (lambda x: np.min(x), [[3.0, 1.0, 1.0, 2.0]], [[0.0, 1.0, 1.0, 0.0]]),
    (lambda x: np.max(x, axis=1).sum(), [[[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]],
     [[[0.0, 1.0, 1.0], [1.0, 1.0, 1.0]]]),
    (lambda x: (np.max(x, axis=0, keepdims=True) * np.array([[1.0, 2.0, 3.0]], dtype='float64')).sum(),
     [[[1.0, 3.0, 3.0], [1.0, 2.0, 3.0]]], [[[1.0, 2.0, 3.0], [1.0, 0.0, 3.0]]]),
    (lambda x: x.max(axis=(0, 1)), [[[5.0, 5.0], [1.0, 5.0]]], [[[1.0, 1.0], [0.0, 1.0]]]),
    (lambda x: np.max(x), [[1.0, onp.nan]], [[0.0, 0.0]]),
], ids=['max', 'min', 'max-axis', 'max-keepdims', 'max-tuple-axis', 'max-nan'])
def test_reduction_ties_all_get_the_gradient(f, values, expected):
    assert grads(f, *values) == expected


@pytest.mark.parametrize('f,values,expected', [
    (lambda x, z: np.maximum(x, z).sum(), [[0.0, 1.0, 2.0], [1.0, 1.0, 1.0]],
     [[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]),
    (lambda x, z: np.minimum(x, z).sum(), [[0.0, 1.0, 2.0], [1.0, 1.0, 1.0]],
     [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
    (lambda x, z: np.maximum(z, x).sum(), [[0.0, 1.0, 2.0], [1.0, 1.0, 1.0]],
     [[0.0, 0.0, 1.0], [1.0, 1.0, 0.0]]),
    (lambda x, z: np.maximum(x, z).sum(), [[[1.0, 2.0], [2.0, 3.0]], [2.0]],
     [[[0.0, 1.0], [1.0, 1.0]], [1.0]]),
    (lambda x: np.maximum(x, 1.0).sum(), [[0.0, 1.0, 2.0, 3.0]], [[0.0, 1.0, 1.0, 1.0]]),
    (lambda x: np.minimum(x, 1.0).sum(), [[0.0, 1.0, 2.0, 3.0]], [[1.0, 1.0, 0.0, 0.0]]),
    (lambda x: np.maximum(1.0, x).sum(), [[0.0, 1.0, 2.0, 3.0]], [[0.0, 1.0, 1.0, 1.0]]),
    (lambda x: np.minimum(1.0, x).sum(), [[0.0, 1.0, 2.0]], [[1.0, 1.0, 0.0]]),
    (lambda x: np.maximum(x, x).sum(), [[1.0, 2.0]], [[1.0, 1.0]]),
], ids=['maximum', 'minimum', 'maximum-swapped', 'maximum-broadcast', 'maximum-scalar',
        'minimum-scalar', 'maximum-scalar-left', 'minimum-scalar-left', 'maximum-self'])
def test_elementwise_ties_go_to_the_first_operand(f, values, expected):
    assert grads(f, *values) == expected


@pytest.mark.parametrize('f,values,expected', [
    (lambda x: np.abs(x).sum(), [[-1.0, 0.0, 1.0]], [[-1.0, 0.0, 1.0]]),
    (lambda x: np.abs(x).sum(), [[-0.0]], [[0.0]]),
    (lambda x: abs(x).sum(), [[0.0, -2.0]], [[0.0, -1.0]]),
    (lambda x: npx.relu(x).sum(), [[-1.0, 0.0, 1.0]], [[0.0, 0.0, 1.0]]),
    (lambda x: np.clip(x, 1.0, 2.0).sum(), [[0.0, 1.0, 2.0, 3.0]], [[0.0, 1.0, 1.0, 0.0]]),
    (lambda x: np.clip(x, 1.0, None).sum(), [[0.0, 1.0, 2.0]], [[0.0, 1.0, 1.0]]),
    (lambda x: np.clip(x, None, 1.0).sum(), [[0.0, 1.0, 2.0]], [[1.0, 1.0, 0.0]]),
    (lambda x: x.clip(0.5, 0.5).sum(), [[0.0, 0.5, 1.0]], [[0.0, 1.0, 0.0]]),
    (lambda x: (np.sign(x) + np.floor(x) + np.ceil(x) + np.round(x)).sum(), [[0.0, 1.0, 2.5, -0.5]],
     [[0.0, 0.0, 0.0, 0.0]]),
    (lambda x: (x ** 2.0).sum(), [[0.0, 2.0]], [[0.0, 4.0]]),
    (lambda x: (x ** 2).sum(), [[0.0, -3.0]], [[0.0, -6.0]]),
    (lambda x: np.sqrt(x).sum(), [[0.0, 4.0]], [[onp.inf, 0.25]]),
    (lambda x: np.log(x).sum(), [[0.0]], [[onp.inf]]),
], ids=['abs', 'abs-negzero', 'abs-dunder', 'relu', 'clip', 'clip-min', 'clip-max', 'clip-equal',
        'piecewise-constant', 'pow-float-at-0', 'pow-int-at-0', 'sqrt-at-0', 'log-at-0'])
def test_kinks(f, values, expected):
    assert grads(f, *values) == expected


def test_prod_with_zero_is_the_product_of_the_others():
    # MXNet 1.9.1 gives NaN here (ans / x); the product of the other elements is exact
    assert grads(lambda x: np.prod(x), [2.0, 0.0, 3.0]) == [[0.0, 6.0, 0.0]]


def test_where_with_equal_branches_routes_by_condition():
    assert grads(lambda a, b: np.where(np.array([True, False]), a, b).sum(),
                 [1.0, 1.0], [1.0, 1.0]) == [[1.0, 0.0], [0.0, 1.0]]

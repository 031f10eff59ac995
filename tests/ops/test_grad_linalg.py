"""Gradient checks of dot / matmul / outer over every rank combination and batch broadcasting."""
import numpy as onp
import pytest

from autodiff import np
from helpers import check_grads

SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (5, 3, 4)),
          ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((2, 1, 2, 3), (4, 3, 2)), ((5, 2, 3), (3,)),
          ((3,), (5, 3, 4)), ((1, 3), (3, 1)), ((1, 2, 3), (4, 3, 2))]


@pytest.mark.parametrize('sa,sb', SHAPES, ids=str)
def test_matmul_gradients(sa, sb):
    r = onp.random.default_rng(len(sa) * 7 + len(sb))
    check_grads(np.matmul, r.standard_normal(sa), r.standard_normal(sb))


@pytest.mark.parametrize('sa,sb', [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                                   ((), (2, 3)), ((2, 3), ()), ((4, 2, 3), (3,))], ids=str)
def test_dot_gradients(sa, sb):
    r = onp.random.default_rng(1)
    check_grads(np.dot, r.standard_normal(sa), r.standard_normal(sb))


def test_outer_and_operator_gradients():
    r = onp.random.default_rng(2)
    check_grads(np.outer, r.standard_normal(3), r.standard_normal(4))
    check_grads(lambda a, b: a @ b, r.standard_normal((2, 3)), r.standard_normal((3, 2)))
    check_grads(lambda a: a @ a.T, r.standard_normal((2, 3)))
    check_grads(lambda a: a.T @ a[:, ::2], r.standard_normal((4, 3)))


def test_two_layer_network_gradient():
    """A small MLP: matmul, broadcast bias, activation, softmax loss."""
    from autodiff import npx
    r = onp.random.default_rng(3)
    x = r.standard_normal((5, 4))
    check_grads(lambda w1, b1, w2: npx.log_softmax(npx.relu(np.dot(x, w1) + b1) @ w2).sum(axis=0),
                r.standard_normal((4, 6)), r.uniform(0.5, 1, 6), r.standard_normal((6, 3)))

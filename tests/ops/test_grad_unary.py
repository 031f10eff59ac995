"""Gradient checks of every elementwise unary op: backward vs central differences (float64)."""
import numpy as onp
import pytest

from autodiff import np, autograd
from helpers import UNARY, ZERO_GRAD, check_grads

SHAPES = [(), (5,), (3, 4), (2, 3, 2)]
IDS = [u.name for u in UNARY]


@pytest.mark.parametrize('shape', SHAPES, ids=str)
@pytest.mark.parametrize('u', UNARY, ids=IDS)
def test_unary_gradients(u, shape):
    grads = check_grads(u.fn, u.points(shape, seed=len(shape)))
    if u.name in ZERO_GRAD:
        assert not grads[0].any(), f"{u.name} is piecewise constant: its gradient must be 0"


@pytest.mark.parametrize('u', UNARY, ids=IDS)
def test_unary_gradient_of_non_contiguous_input(u):
    """The op applied to a transposed / step-sliced view: the gradient lands in the right places."""
    check_grads(lambda x: u.fn(x.T[::2]), u.points((4, 6), seed=3))


@pytest.mark.parametrize('u', UNARY, ids=IDS)
def test_float32_gradient_is_float32(u):
    x = np.array(u.points((3,)), dtype='float32')
    x.attach_grad()
    with autograd.record():
        y = u.fn(x)
    y.backward()
    assert x.grad.dtype == onp.float32 and x.grad.shape == (3,)
    assert onp.isfinite(x.grad._data).all()


def test_gradient_of_empty_input():
    x = np.zeros((0, 3))
    x.attach_grad()
    with autograd.record():
        y = np.exp(x).sum()
    y.backward()
    assert x.grad.shape == (0, 3)

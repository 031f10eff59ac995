"""The gradient checker itself must catch wrong gradients (a check that cannot fail checks nothing)."""
import numpy as onp
import pytest

from autodiff import np, autograd
from helpers import check_grads


class WrongSquare(autograd.Function):
    """forward x**2 with a backward off by a factor."""

    def forward(self, x):
        self.save_for_backward(x)
        return x * x

    def backward(self, dy):
        (x,) = self.saved_tensors
        return dy * x * 2.001


class RightSquare(WrongSquare):
    def backward(self, dy):
        (x,) = self.saved_tensors
        return dy * x * 2


class SwappedGrads(autograd.Function):
    """forward x * y**2; backward hands x's gradient to y and y's to x."""

    def forward(self, x, y):
        self.save_for_backward(x, y)
        return x * y * y

    def backward(self, dy):
        x, y = self.saved_tensors
        return dy * 2 * x * y, dy * y * y


def test_detects_a_slightly_wrong_gradient():
    with pytest.raises(AssertionError, match='central differences'):
        check_grads(lambda x: WrongSquare()(x), onp.linspace(0.5, 2, 6))


def test_accepts_the_right_gradient():
    grads = check_grads(lambda x: RightSquare()(x), onp.linspace(0.5, 2, 6))
    onp.testing.assert_allclose(grads[0].shape, (6,))


def test_detects_gradients_given_to_the_wrong_input():
    with pytest.raises(AssertionError, match='central differences'):
        check_grads(lambda x, y: SwappedGrads()(x, y), onp.linspace(0.5, 2, 4),
                    onp.linspace(1.5, 3, 4))


def test_detects_a_wrong_gradient_shape():
    class Bad(autograd.Function):
        def forward(self, x):
            return x * 1
        def backward(self, dy):
            return dy.sum()
    with pytest.raises(Exception):
        check_grads(lambda x: Bad()(x), onp.ones(3))


def test_detects_a_float32_result_from_float64_inputs():
    with pytest.raises(AssertionError, match='float64 inputs'):
        check_grads(lambda x: x.astype('float32') * 2, onp.ones(3))


class WrongFastSine(autograd.Function):
    """sin(x**3) near x = 20 (varies too fast for the default step) with a backward off by
    0.1%: the refined reference must still catch it."""

    def forward(self, x):
        self.save_for_backward(x)
        return np.sin(x * x * x)

    def backward(self, dy):
        (x,) = self.saved_tensors
        return dy * np.cos(x * x * x) * 3 * x * x * 1.001


class RightFastSine(WrongFastSine):
    def backward(self, dy):
        (x,) = self.saved_tensors
        return dy * np.cos(x * x * x) * 3 * x * x


def test_refined_reference_accepts_a_fast_varying_function_and_catches_an_error_there():
    point = onp.linspace(19.0, 21.0, 3)
    check_grads(lambda x: RightFastSine()(x), point)
    with pytest.raises(AssertionError, match='central differences'):
        check_grads(lambda x: WrongFastSine()(x), point)


class Shifted(autograd.Function):
    """forward 1e7 + x * 1e-9 (a large value with a tiny slope); backward ``slope * dy``."""
    slope = 1e-9

    def forward(self, x):
        return x * 1e-9 + 1e7

    def backward(self, dy):
        return dy * self.slope


def test_a_tiny_slope_beside_a_large_value_is_judged_by_the_stencils_rounding():
    """Central differences cannot resolve 1e-9 beside 1e7 (their rounding is ~1e-4 here):
    the right slope passes; one off by far more than that rounding still fails."""
    check_grads(lambda x: Shifted()(x), onp.linspace(0.5, 2, 4))

    class Wrong(Shifted):
        slope = 1e-1
    with pytest.raises(AssertionError, match='central differences'):
        check_grads(lambda x: Wrong()(x), onp.linspace(0.5, 2, 4))

"""Custom ``autograd.Function``: MXNet's semantics, the checks on what backward returns,
and differentiating through a Function with ``create_graph=True``."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import FunctionError, GraphError
from helpers.seed_examples import My_First_Custom_Operation


def leaf(values):
    x = np.array(values)
    x.attach_grad()
    return x


class DivMul(autograd.Function):
    """MXNet's test_function: outputs x / y and x * y."""
    def forward(self, x, y):
        self.save_for_backward(x, y)
        return x / y, x * y

    def backward(self, dm, dn):
        x, y = self.saved_tensors
        return dm / y + dn * y, dn * x - dm * x / y / y


def test_function_matches_built_in_autograd():
    rng = onp.random.default_rng(0)
    x, y = leaf(rng.uniform(.5, 1, 10)), leaf(rng.uniform(.5, 1, 10))
    with autograd.record():
        m, n = DivMul()(x, y)
        autograd.backward([m, n])
    dx1, dy1 = x.grad.asnumpy(), y.grad.asnumpy()
    with autograd.record():
        autograd.backward([x / y, x * y])
    onp.testing.assert_allclose(x.grad.asnumpy(), dx1, rtol=1e-6, atol=1e-6)
    onp.testing.assert_allclose(y.grad.asnumpy(), dy1, rtol=1e-6, atol=1e-6)
    onp.testing.assert_allclose(m.asnumpy(), x.asnumpy() / y.asnumpy(), rtol=1e-7)


def test_forward_runs_with_recording_paused_and_training_unchanged():
    seen = {}

    class Probe(autograd.Function):
        def forward(self, x):
            seen['flags'] = (autograd.is_recording(), autograd.is_training())
            y = x * 2
            seen['recorded'] = y._node is not None
            return y

        def backward(self, dy):
            return dy * 2

    x = leaf([1.0])
    with autograd.record():
        out = Probe()(x)
        assert autograd.is_recording()
    assert seen == {'flags': (False, True), 'recorded': False}
    out.backward()
    assert x.grad.item() == 2.0


def test_one_call_per_instance():
    class Id(autograd.Function):
        def forward(self, x):
            return x * 1

        def backward(self, dy):
            return dy

    f = Id()
    f(np.ones(2))
    with pytest.raises(FunctionError, match='only be called once'):
        f(np.ones(2))


def test_save_for_backward_single_output_and_single_gradient():
    class Square(autograd.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x

        def backward(self, dy):
            (x,) = self.saved_tensors
            return 2 * x * dy                     # one input: a bare array is fine

    x = leaf([1.0, -3.0])
    with autograd.record():
        y = Square()(x)
    assert isinstance(y, np.ndarray)
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [2.0, -6.0])


def test_several_inputs_and_outputs_and_unused_output_gradient():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    with autograd.record():
        m, n = DivMul()(x, y)
    n.backward()                                  # dm is zeros
    onp.testing.assert_allclose(x.grad.asnumpy(), [3.0, 4.0])
    onp.testing.assert_allclose(y.grad.asnumpy(), [1.0, 2.0])


def test_backward_may_return_none_for_an_input():
    class Scale(autograd.Function):
        def forward(self, x, s):
            return x * s

        def backward(self, dy):
            return dy * 5, None

    x, s = leaf([1.0, 2.0]), leaf([5.0, 5.0])
    s.grad[:] = 9
    with autograd.record():
        y = Scale()(x, s)
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [5.0, 5.0])
    onp.testing.assert_array_equal(s.grad.asnumpy(), [0.0, 0.0])   # reached, nothing flowed


def test_chained_functions_on_an_unmarked_input():
    """MXNet's test_function1: nothing has history, so nothing is recorded (no error)."""
    class Foo(autograd.Function):
        def forward(self, X):
            return X + 1

        def backward(self, dY):
            return dY

    with autograd.record():
        X = np.zeros((3, 4))
        for _ in range(5):
            X = Foo()(X)
    onp.testing.assert_array_equal(X.asnumpy(), onp.full((3, 4), 5.0))
    assert X._node is None


def test_chained_functions_on_a_marked_input():
    class Plus1Times2(autograd.Function):
        def forward(self, X):
            return (X + 1) * 2

        def backward(self, dY):
            return dY * 2

    x = leaf([0.0, 1.0])
    with autograd.record():
        X = x
        for _ in range(4):
            X = Plus1Times2()(X)
    X.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [16.0, 16.0])


def test_function_outside_record_is_not_recorded():
    x = leaf([1.0])
    m, n = DivMul()(x, leaf([2.0]))
    assert m._node is None and n._node is None
    with pytest.raises(GraphError, match='no recorded history'):
        m.backward()


def test_backward_returns_the_wrong_number_of_gradients():
    class Bad(autograd.Function):
        def forward(self, x, y):
            return x + y

        def backward(self, dz):
            return (dz,)

    x, y = leaf([1.0]), leaf([2.0])
    with autograd.record():
        z = Bad()(x, y)
    with pytest.raises(FunctionError, match='Bad.backward returned 1 gradients, but forward '
                                            'took 2 inputs'):
        z.backward()


def test_backward_returns_a_gradient_of_the_wrong_shape():
    class Bad(autograd.Function):
        def forward(self, x, y):
            return x + y

        def backward(self, dz):
            return dz, dz.sum()

    x, y = leaf([1.0, 2.0]), leaf([2.0, 3.0])
    with autograd.record():
        z = Bad()(x, y)
    with pytest.raises(FunctionError, match=r'gradient 1 has shape \(\) but input 1 has '
                                            r'shape \(2,\)'):
        z.backward()


def test_backward_returns_something_that_is_not_an_array():
    class Bad(autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            return dy.asnumpy()

    x = leaf([1.0])
    with autograd.record():
        y = Bad()(x)
    with pytest.raises(FunctionError, match='gradient 0 is a numpy.ndarray, not an autodiff array'):
        y.backward()


def test_forward_misuse():
    class NotArray(autograd.Function):
        def forward(self, x):
            return [1.0]

        def backward(self, dy):
            return dy

    with pytest.raises(TypeError, match=r'NotArray.forward: output 0 is a float'):
        NotArray()(np.ones(1))
    with pytest.raises(TypeError, match='input 1 is a float'):
        DivMul()(np.ones(1), 2.0)

    class NoForward(autograd.Function):
        pass

    with pytest.raises(NotImplementedError, match='NoForward must define forward'):
        NoForward()(np.ones(1))


def test_subclass_without_super_init_still_works():
    class NoInit(autograd.Function):
        def __init__(self, k):
            self.k = k

        def forward(self, x):
            return x * self.k

        def backward(self, dy):
            return dy * self.k

    x = leaf([1.0])
    f = NoInit(3.0)
    with autograd.record():
        y = f(x)
    y.backward()
    assert x.grad.item() == 3.0
    with pytest.raises(FunctionError, match='only be called once'):
        f(x)


def test_retain_graph_with_a_function_replays_its_backward():
    """The seed page's last cell: the custom backward returns the saved inputs."""
    x, y = leaf([0.5, -0.25]), leaf([0.75, 0.125])
    with autograd.record():
        z1, z2, z3 = My_First_Custom_Operation()(x, y)
        z1 = z1 + z2
        z3 = z2 + z3
    z1.backward(retain_graph=True)
    onp.testing.assert_array_equal(x.grad.asnumpy(), x.asnumpy())
    onp.testing.assert_array_equal(y.grad.asnumpy(), y.asnumpy())
    z3.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), x.asnumpy())
    with pytest.raises(GraphError, match='retain_graph=True'):
        z1.backward()


# ---- create_graph through a Function -----------------------------------------------------------
class Cube(autograd.Function):
    """x**3 with a backward written with library ops on the saved input."""
    def forward(self, x):
        self.save_for_backward(x)
        return x * x * x

    def backward(self, dy):
        (x,) = self.saved_tensors
        return dy * 3 * x * x


class Exp(autograd.Function):
    """exp(x), saving its output (replaced by the recorded output under create_graph)."""
    def forward(self, x):
        y = np.exp(x)
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        (y,) = self.saved_tensors
        return dy * y


def test_function_is_twice_differentiable_when_backward_uses_library_ops():
    x = leaf([0.5, -2.0])
    with autograd.record():
        y = Cube()(x)
    (g1,) = autograd.grad(y, [x], create_graph=True)
    (g2,) = autograd.grad(g1, [x], create_graph=True)
    (g3,) = autograd.grad(g2, [x])
    xs = x.asnumpy()
    onp.testing.assert_allclose(g1.asnumpy(), 3 * xs ** 2, rtol=1e-6)
    onp.testing.assert_allclose(g2.asnumpy(), 6 * xs, rtol=1e-6)
    onp.testing.assert_allclose(g3.asnumpy(), [6.0, 6.0], rtol=1e-6)


def test_saved_outputs_are_tracked_under_create_graph():
    x = leaf([0.5, -1.0])
    with autograd.record():
        y = Exp()(x) * 2
    (g1,) = autograd.grad(y, [x], create_graph=True)
    g1.backward()
    e = onp.exp(x.asnumpy())
    onp.testing.assert_allclose(g1.asnumpy(), 2 * e, rtol=1e-6)
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * e, rtol=1e-6)


def test_function_inside_a_chain_second_order():
    """f(x) = sin(Cube(x)): f'' = -sin(x^3) 9x^4 + cos(x^3) 6x."""
    x = leaf([0.7, -0.4])
    with autograd.record():
        y = np.sin(Cube()(x))
    (g1,) = autograd.grad(y, [x], create_graph=True)
    (g2,) = autograd.grad(g1, [x])
    xs = x.asnumpy().astype(onp.float64)
    onp.testing.assert_allclose(g2.asnumpy(), -onp.sin(xs ** 3) * 9 * xs ** 4
                                + onp.cos(xs ** 3) * 6 * xs, rtol=1e-5)


def test_once_differentiable_refuses_to_be_differentiated_twice():
    class Once(Cube):
        once_differentiable = True

    x = leaf([1.0, 2.0])
    with autograd.record():
        y = Once()(x) * x                                # x^4
    (g1,) = autograd.grad(y, [x], create_graph=True)     # first order: fine
    onp.testing.assert_allclose(g1.asnumpy(), [4.0, 32.0])
    with pytest.raises(FunctionError, match='cannot differentiate through Once.backward: '
                                            'Once is marked once_differentiable'):
        autograd.grad(g1, [x])
    with pytest.raises(FunctionError, match='once_differentiable'):
        g1.backward()
    with autograd.record():
        y = Once()(x)
    (g,) = autograd.grad(y, [x])                         # plain first order
    onp.testing.assert_allclose(g.asnumpy(), [3.0, 12.0])


def test_once_differentiable_elsewhere_in_the_graph_does_not_matter():
    class Once(Cube):
        once_differentiable = True

    x, w = leaf([1.0, 2.0]), leaf([0.5, 0.5])
    with autograd.record():
        y = Once()(w) + x * x * x
    gx, gw = autograd.grad(y, [x, w], create_graph=True)
    (gxx,) = autograd.grad(gx, [x])                      # never touches Once's gradient
    onp.testing.assert_allclose(gxx.asnumpy(), [6.0, 12.0])
    onp.testing.assert_allclose(gw.asnumpy(), [0.75, 0.75])


def test_saved_forward_intermediate_refuses_to_be_differentiated_twice():
    class Sigmoid(autograd.Function):
        def forward(self, x):
            s = 1 / (1 + np.exp(-x))
            self.save_for_backward(s * 1)                # not the output itself
            return s

        def backward(self, dy):
            (s,) = self.saved_tensors
            return dy * s * (1 - s)

    x = leaf([0.0, 1.0])
    s = 1 / (1 + onp.exp(-x.asnumpy()))
    with autograd.record():
        y = Sigmoid()(x)
    (g1,) = autograd.grad(y, [x], create_graph=True)
    onp.testing.assert_allclose(g1.asnumpy(), s * (1 - s), rtol=1e-6)
    with pytest.raises(FunctionError, match=r'saved_tensors\[0\] was computed inside forward'):
        g1.backward()
    with autograd.record():
        y = Sigmoid()(x)
    y.backward()                                         # first order is fine
    onp.testing.assert_allclose(x.grad.asnumpy(), s * (1 - s), rtol=1e-6)


def test_saved_constants_that_are_not_float_are_allowed():
    class Relu(autograd.Function):
        def forward(self, x):
            self.save_for_backward(x > 0)                # a bool mask: never differentiable
            return x * (x > 0)

        def backward(self, dy):
            (mask,) = self.saved_tensors
            return dy * mask

    x = leaf([-1.0, 2.0])
    with autograd.record():
        y = Relu()(x) * x                                # x * relu(x)
    (g1,) = autograd.grad(y, [x], create_graph=True)
    (g2,) = autograd.grad(g1, [x])
    onp.testing.assert_array_equal(g1.asnumpy(), [0.0, 4.0])
    onp.testing.assert_array_equal(g2.asnumpy(), [0.0, 2.0])


def test_backward_that_leaves_the_library_refuses_to_be_differentiated_twice():
    class ViaNumpy(autograd.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x

        def backward(self, dy):
            (x,) = self.saved_tensors
            return np.array(2 * x.asnumpy() * dy.asnumpy())

    x = leaf([1.0, 2.0])
    with autograd.record():
        y = ViaNumpy()(x)
        z = np.sin(y)                  # the gradient reaching ViaNumpy has history
    (g1,) = autograd.grad(z, [x], create_graph=True)
    xs = x.asnumpy()
    onp.testing.assert_allclose(g1.asnumpy(), onp.cos(xs * xs) * 2 * xs, rtol=1e-6)
    with pytest.raises(FunctionError, match='gradient 0 has no history'):
        autograd.grad(g1, [x])

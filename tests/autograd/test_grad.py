"""``autograd.grad`` (MXNet's signature and behaviour), ``attach_grad`` on intermediates
(MXNet 1.9.1: a new leaf, the history cut) and ``drop_grad``."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import GraphError, ShapeError, DTypeError


def leaf(values, req='write'):
    x = np.array(values)
    x.attach_grad(req)
    return x


# ---- autograd.grad ---------------------------------------------------------------------------
def test_grad_returns_a_list_and_leaves_dot_grad_alone():
    """MXNet 1.9.1 returns a list even for a single variable; .grad stays zero."""
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * x
    g = autograd.grad(y, x)
    assert isinstance(g, list) and len(g) == 1
    onp.testing.assert_array_equal(g[0].asnumpy(), [2.0, 4.0])
    onp.testing.assert_array_equal(x.grad.asnumpy(), [0.0, 0.0])


def test_grad_several_heads_variables_and_head_grads():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    with autograd.record():
        a = x * w
        b = x + w * w
    gx, gw = autograd.grad([a, b], [x, w], head_grads=[np.array([1.0, 2.0]), None])
    onp.testing.assert_array_equal(gx.asnumpy(), [3.0 + 1, 8.0 + 1])
    onp.testing.assert_array_equal(gw.asnumpy(), [1.0 + 6, 4.0 + 8])


def test_grad_retain_graph_defaults_to_create_graph():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * x
    autograd.grad(y, [x])
    with pytest.raises(GraphError, match='retain_graph=True'):     # freed (MXNet too)
        autograd.grad(y, [x])
    with autograd.record():
        y = x * x
    autograd.grad(y, [x], create_graph=True)
    (g,) = autograd.grad(y, [x])                                    # retained
    onp.testing.assert_array_equal(g.asnumpy(), [2.0, 4.0])
    with autograd.record():
        y = x * x
    autograd.grad(y, [x], retain_graph=True)
    autograd.grad(y, [x], retain_graph=True)
    autograd.grad(y, [x])


def test_grad_of_an_unreached_variable_is_zeros():
    """MXNet raises 'unreachable' here, and its own higher-order tests work around it
    (``autograd_grad_ex``: 'returns zeros is more reasonable'); we return zeros."""
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0, 5.0])
    with autograd.record():
        y = x * 2
    gx, gw = autograd.grad(y, [x, w])
    onp.testing.assert_array_equal(gx.asnumpy(), [2.0, 2.0])
    onp.testing.assert_array_equal(gw.asnumpy(), [0.0, 0.0, 0.0])
    assert gw.dtype == w.dtype


def test_grad_in_the_variable_dtype():
    x = leaf([1.0, 2.0])
    c = np.array(onp.array([3.0, 4.0]))               # float64 constant: y is float64
    with autograd.record():
        y = x * c
    (g,) = autograd.grad(y, x, head_grads=np.array(onp.ones(2)))
    assert g.dtype == onp.float32
    onp.testing.assert_array_equal(g.asnumpy(), [3.0, 4.0])


def test_grad_with_respect_to_a_variable_that_was_never_marked():
    x = leaf([1.0, 2.0])
    u = np.array([1.0, 2.0])
    with autograd.record():
        y = x * u
    with pytest.raises(GraphError, match=r'with respect to the 2-th variable \(variables\[1\]\) '
                                         r'because it does not require gradient'):
        autograd.grad(y, [x, u])


def test_grad_with_respect_to_an_intermediate_that_was_not_marked():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * 3
        z = y * y
    with pytest.raises(GraphError, match=r'1-th variable .* does not require gradient'):
        autograd.grad(z, [y])


def test_grad_empty_variable_list():
    x = leaf([1.0])
    with autograd.record():
        y = x * 2
    with pytest.raises(ValueError, match='variables cannot be an empty list'):
        autograd.grad(y, [])


def test_grad_heads_and_head_grads_of_different_lengths():
    x = leaf([1.0])
    with autograd.record():
        y = x * 2
    with pytest.raises(ValueError, match='same length: 1 heads, 2 head gradients'):
        autograd.grad([y], [x], head_grads=[None, None])


def test_grad_head_gradient_of_wrong_shape_or_dtype():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * 2
    with pytest.raises(ShapeError, match=r'head gradient 0 has shape \(3,\)'):
        autograd.grad(y, [x], head_grads=np.ones((3,)), retain_graph=True)
    with pytest.raises(DTypeError, match='head gradient 0 has dtype float64'):
        autograd.grad(y, [x], head_grads=np.array(onp.ones(2)), retain_graph=True)


def test_grad_on_an_array_without_history():
    x = leaf([1.0])
    with pytest.raises(GraphError, match='no recorded history'):
        autograd.grad(x * 2, [x])


def test_grad_inside_record_without_create_graph_is_not_recorded():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * x
        (g,) = autograd.grad(y, [x])
        assert autograd.is_recording()
    assert g._node is None


# ---- create_graph ------------------------------------------------------------------------------
def test_grad_create_graph_then_backward_gives_second_derivative():
    """MXNet's test_gradient: d/dx (exp(x) + x) = e + 1, then backward: e."""
    x = leaf([1.0])
    with autograd.record():
        z = np.exp(x) + x
    (dx,) = autograd.grad(z, [x], create_graph=True)
    assert abs(dx.item() - 3.71828175) < 1e-6
    dx.backward()
    assert abs(x.grad.item() - 2.71828175) < 1e-6


def test_create_graph_to_fifth_order():
    x = leaf([0.3, -1.2])
    g = None
    with autograd.record():
        g = x ** 5
    expected = [5 * x.asnumpy() ** 4, 20 * x.asnumpy() ** 3, 60 * x.asnumpy() ** 2,
                120 * x.asnumpy(), onp.full(2, 120.0), onp.zeros(2)]
    for e in expected:
        (g,) = autograd.grad(g, [x], create_graph=True)
        onp.testing.assert_allclose(g.asnumpy(), e, rtol=1e-5)


def test_a_constant_derivative_can_be_differentiated_again():
    """relu'(x) = (x > 0) does not depend on x; under create_graph it is still tied to x,
    so its derivative is zeros (MXNet's test_relu) rather than a 'no history' error."""
    x = leaf([-1.0, 2.0])
    with autograd.record():
        y = npx.relu(x) + 3 * x
    (g1,) = autograd.grad(y, [x], create_graph=True)
    onp.testing.assert_array_equal(g1.asnumpy(), [3.0, 4.0])
    (g2,) = autograd.grad(g1, [x], create_graph=True)
    onp.testing.assert_array_equal(g2.asnumpy(), [0.0, 0.0])
    x.grad[:] = 7
    g2.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [0.0, 0.0])   # reached: 'write' zeros


def test_create_graph_gradient_records_into_the_graph():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = (x ** 3).sum()
    (g,) = autograd.grad(y, [x], create_graph=True)     # 3 x^2
    with autograd.record():
        loss = (g * g).sum()                            # 9 sum x^4
    loss.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), 36 * x.asnumpy() ** 3, rtol=1e-6)


def test_create_graph_without_retain_frees_the_forward_graph():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * x * x
    (g,) = autograd.grad(y, [x], create_graph=True, retain_graph=False)
    with pytest.raises(GraphError, match='retain_graph=True'):
        autograd.grad(g, [x])


def test_gradient_graph_is_freed_but_the_retained_forward_graph_is_not():
    """A backward through a gradient graph frees that graph; the forward graph it was
    built from was retained (create_graph), so it stays differentiable."""
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = np.sin(x) * x
    (g,) = autograd.grad(y, [x], create_graph=True)
    g.backward()
    with pytest.raises(GraphError, match='retain_graph=True'):
        g.backward()
    (g1,) = autograd.grad(y, [x])
    xs = x.asnumpy()
    onp.testing.assert_allclose(g1.asnumpy(), onp.cos(xs) * xs + onp.sin(xs), rtol=1e-6)


def test_first_order_after_create_graph_matches_plain_backward():
    x = leaf([0.5, 1.5])
    with autograd.record():
        y = np.tanh(x) * np.log(x)
    (g,) = autograd.grad(y, [x], create_graph=True)
    y.backward()
    onp.testing.assert_array_equal(g.asnumpy(), x.grad.asnumpy())


# ---- attach_grad on intermediates (a new leaf, as in MXNet 1.9.1) and drop_grad ---------------
# Expected values in this section come from MXNet 1.9.1 (run 2026-12): attach_grad() on an
# intermediate replaces its history by a fresh leaf; ops recorded through the array before
# the mark keep the old path.
def test_attach_grad_on_intermediates_after_recording():
    """MXNet 2.x's test_retain_grad_drop_grad scenario, with MXNet 1.9.1's answers: z marked
    after recording is a new leaf, so z.backward() only fills z.grad."""
    x, y = leaf([1.0, 2.0, 3.0, 4.0]), leaf([5.0, 6.0, 7.0, 8.0])
    with autograd.record():
        u = x * y
        z = u * x
    u.attach_grad()
    z.attach_grad()
    og = np.array([10.0, 10.0, 10.0, 10.0])
    z.backward(og, retain_graph=True)
    onp.testing.assert_array_equal(z.grad.asnumpy(), og.asnumpy())
    for a in (u, x, y):
        onp.testing.assert_array_equal(a.grad.asnumpy(), [0.0] * 4)

    z.drop_grad()                     # no longer a variable, and without history
    assert z.grad is None and z._node is None
    with pytest.raises(GraphError, match='no recorded history'):
        z.backward(og)


def test_attach_grad_on_an_intermediate_inside_record_cuts_its_history():
    x = leaf([1.0, 2.0])
    with autograd.record():
        h = x * 3
        h.attach_grad()
        out = h * h
    out.backward()
    onp.testing.assert_array_equal(h.grad.asnumpy(), [6.0, 12.0])    # MXNet 1.9.1
    onp.testing.assert_array_equal(x.grad.asnumpy(), [0.0, 0.0])     # MXNet 1.9.1


def test_intermediate_used_before_and_after_its_mark():
    x = leaf([1.0, 2.0])
    with autograd.record():
        h = x * 2
        a = h * 5                    # recorded before the mark: through x
        h.attach_grad()
        b = h * h                    # after: from the new leaf h
        out = a + b
    out.backward()
    onp.testing.assert_array_equal(h.grad.asnumpy(), [4.0, 8.0])     # MXNet 1.9.1
    onp.testing.assert_array_equal(x.grad.asnumpy(), [10.0, 10.0])   # MXNet 1.9.1


def test_a_marked_intermediate_and_its_leaf_both_used_after_the_mark():
    x = leaf([1.0, 2.0])
    with autograd.record():
        h = x * 3
        h.attach_grad()
        out = (h * x).sum()
    out.backward()
    onp.testing.assert_array_equal(h.grad.asnumpy(), [1.0, 2.0])     # MXNet 1.9.1
    onp.testing.assert_array_equal(x.grad.asnumpy(), [3.0, 6.0])     # MXNet 1.9.1: h only


def test_grad_with_respect_to_a_marked_intermediate():
    x = leaf([1.0, 2.0])
    with autograd.record():
        h = np.exp(x)
    h.attach_grad()
    with autograd.record():
        out = (h * h).sum()
    gh, gx = autograd.grad(out, [h, x])
    e = onp.exp(x.asnumpy())
    onp.testing.assert_allclose(gh.asnumpy(), 2 * e, rtol=1e-6)
    onp.testing.assert_array_equal(gx.asnumpy(), [0.0, 0.0])   # cut: x is unreachable
    assert h.grad.asnumpy().sum() == 0


def test_intermediate_marked_after_its_consumers_gets_nothing():
    x = leaf([1.0, 2.0])
    with autograd.record():
        h = x * 2
        out = h * 3
    h.attach_grad('add')
    out.backward(retain_graph=True)
    out.backward(retain_graph=True)
    onp.testing.assert_array_equal(h.grad.asnumpy(), [0.0, 0.0])     # MXNet 1.9.1
    onp.testing.assert_array_equal(x.grad.asnumpy(), [6.0, 6.0])     # MXNet 1.9.1


def test_attach_grad_on_one_output_of_a_multi_output_op():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    with autograd.record():
        a, b = np.split(x, 2)
        out = (a * 2).sum() + (b * b).sum()
    b.attach_grad()
    out.backward()
    onp.testing.assert_array_equal(b.grad.asnumpy(), [0.0, 0.0])               # MXNet 1.9.1
    onp.testing.assert_array_equal(x.grad.asnumpy(), [2.0, 2.0, 6.0, 8.0])     # MXNet 1.9.1
    assert a.grad is None


def test_drop_grad_on_a_leaf_makes_it_a_constant():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    w.drop_grad()
    assert w.grad is None and w._node is None
    with autograd.record():
        y = x * w
    assert y._node is not None
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [3.0, 4.0])
    with autograd.record():
        y = x * w
    with pytest.raises(GraphError, match='does not require gradient'):
        autograd.grad(y, [w])
    np.array([1.0]).drop_grad()          # a no-op on an unmarked array


def test_grad_train_mode_argument():
    seen = []

    class Probe(autograd.Function):
        def forward(self, x):
            return x * 1

        def backward(self, dy):
            seen.append(autograd.is_training())
            return dy

    x = leaf([1.0])
    for tm in (True, False):
        with autograd.record():
            y = Probe()(x)
        autograd.grad(y, [x], train_mode=tm)
    assert seen == [True, False]


def test_a_retained_forward_graph_survives_a_backward_through_its_gradient_graph():
    """Both mixed derivatives of a dense layer reuse the forward's ``w.T`` node; freeing
    the first gradient graph must not free it under the second (see the engine docs)."""
    x, w = leaf([[1.0, 2.0]]), leaf([[3.0, 4.0]])
    with autograd.record():
        y = x @ w.T
    (gx,) = autograd.grad(y, [x], create_graph=True)         # = w
    (gxw,) = autograd.grad(gx, [w])                           # frees gx's graph
    (gw,) = autograd.grad(y, [w], create_graph=True)          # y's graph still alive: = x
    onp.testing.assert_array_equal(gxw.asnumpy(), [[1.0, 1.0]])
    onp.testing.assert_array_equal(gw.asnumpy(), [[1.0, 2.0]])

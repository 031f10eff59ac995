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


# ---- gradients of column-major (transposed) operands in their own layout (W10, issue 18) ----
@pytest.mark.parametrize('fun', [lambda a, b: a.T @ b, lambda a, b: a @ b.T,
                                 lambda a, b: a.T @ b.T], ids=['aT@b', 'a@bT', 'aT@bT'])
def test_matmul_gradients_of_transposed_operands(fun):
    """The unrecorded pass computes a column-major operand's gradient as a transposed
    product (``ops/linalg._column_major``): the values still match central differences."""
    r = onp.random.default_rng(4)
    check_grads(fun, r.standard_normal((4, 4)), r.standard_normal((4, 4)))
    check_grads(lambda a, b: fun(a, b) * 2.0, r.standard_normal((3, 3)), r.standard_normal((3, 3)))


def test_transposed_operand_gradient_comes_out_row_major():
    """``h.T @ dz`` as ``grad(..., create_graph=True)`` records it (``h.T`` a column-major
    view): the unrecorded rule computes the gradient for ``h.T`` as ``(dz @ g.T).T``, so the
    transpose op hands ``h`` a row-major gradient (it was a column-major view, copied element
    by element where contributions were summed); a recorded pass keeps the plain rule."""
    from autodiff import autograd
    from autodiff._state import state
    from autodiff.ops.linalg import _matmul_backward
    r = onp.random.default_rng(5)
    h0, w0, dz0, g0 = (r.standard_normal(s).astype(onp.float32)
                       for s in ((6, 5), (5, 3), (6, 3), (5, 3)))
    h, w = np.array(h0), np.array(w0)
    h.attach_grad()
    w.attach_grad()
    with autograd.record():
        gw, = autograd.grad(h @ w, [w], head_grads=np.array(dz0), create_graph=True)
    node = gw._node                            # gw = matmul(h.T view, dz)
    assert node.inputs[0]._data.flags.f_contiguous and not node.inputs[0]._data.flags.c_contiguous
    saved, state.views = state.views, True     # as inside a backward pass (rules' views)
    try:
        ga, gb = _matmul_backward(node, (np.array(g0),), (True, True))
        with autograd.record():                # recorded (create_graph): the plain product
            ga_rec, _ = _matmul_backward(node, (np.array(g0),), (True, True))
    finally:
        state.views = saved
    assert ga._data.flags.f_contiguous and not ga._data.flags.c_contiguous
    onp.testing.assert_allclose(ga.asnumpy(), g0 @ dz0.T, rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(gb.asnumpy(), h0 @ g0, rtol=1e-5, atol=1e-6)
    assert ga_rec._data.flags.c_contiguous
    onp.testing.assert_allclose(ga_rec.asnumpy(), g0 @ dz0.T, rtol=1e-5, atol=1e-6)
    gw.backward(np.array(g0))                  # through the transpose op: h's gradient
    assert h.grad._data.flags.c_contiguous
    onp.testing.assert_allclose(h.grad.asnumpy(), dz0 @ g0.T, rtol=1e-5, atol=1e-6)


def test_hessian_vector_product_through_transposed_operands_matches_torch():
    """W10's pattern at a small size: grad with ``create_graph`` (its rules record
    ``h.T @ dz``), then backward of its dot with a vector (unrecorded, the layout rule)."""
    import torch
    from autodiff import autograd, npx
    r = onp.random.default_rng(6)
    x0, w10, w20, v10, v20 = (r.standard_normal(s) for s in ((5, 4), (4, 6), (6, 3), (4, 6), (6, 3)))
    x, w1, w2, v1, v2 = (np.array(a) for a in (x0, w10, w20, v10, v20))
    w1.attach_grad()
    w2.attach_grad()
    with autograd.record():
        loss = npx.log_softmax(np.tanh(x @ w1) @ w2, axis=-1).sum()
        g1, g2 = autograd.grad(loss, [w1, w2], create_graph=True)
        s = (g1 * v1).sum() + (g2 * v2).sum()
    s.backward()
    tx, tw1, tw2, tv1, tv2 = (torch.tensor(a) for a in (x0, w10, w20, v10, v20))
    tw1.requires_grad_(True)
    tw2.requires_grad_(True)
    tl = torch.log_softmax(torch.tanh(tx @ tw1) @ tw2, dim=-1).sum()
    t1, t2 = torch.autograd.grad(tl, [tw1, tw2], create_graph=True)
    ((t1 * tv1).sum() + (t2 * tv2).sum()).backward()
    onp.testing.assert_allclose(w1.grad.asnumpy(), tw1.grad.numpy(), rtol=1e-10, atol=1e-12)
    onp.testing.assert_allclose(w2.grad.asnumpy(), tw2.grad.numpy(), rtol=1e-10, atol=1e-12)

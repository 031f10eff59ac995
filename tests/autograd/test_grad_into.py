"""Gradients computed straight into a 'write' leaf's ``.grad`` (the engine's destination offer,
``ops/core.destination``; matmul's rule takes it): values against central differences and
NumPy, ``.grad`` identity, 'add' mode, a leaf reached by two edges, ``create_graph``, and the
cases where the old ``.grad`` is still read by the graph (no offer may be taken there)."""
import numpy as onp
import pytest

from autodiff import autograd, np, npx
import autodiff.engine as engine
from autodiff.ndarray import wrap
from tests.helpers.gradcheck import check_grads

RNG = onp.random.default_rng(18)
X = RNG.standard_normal((4, 3))
W = RNG.standard_normal((3, 5))
W2 = RNG.standard_normal((5, 2))


@pytest.fixture
def delivered(monkeypatch):
    """Records, per delivery into ``.grad``, the leaf's ``.grad`` and whether the gradient
    handed over was ``.grad`` itself (computed in place: nothing to copy)."""
    seen = []
    deliver = engine._deliver

    def spy(var, g, wanted):
        seen.append((var.grad, g is var.grad))
        return deliver(var, g, wanted)

    monkeypatch.setattr(engine, '_deliver', spy)
    return seen


def _mlp(x, w, w2):
    return (npx.relu(x @ w) @ w2).sum()


def test_mlp_gradients_match_central_differences():
    check_grads(lambda w, w2: _mlp(np.array(X), w, w2), W, W2)


def test_weight_gradient_is_written_into_grad_itself(delivered):
    x, w, w2 = np.array(X), np.array(W), np.array(W2)
    w.attach_grad()
    w2.attach_grad()
    g_w, g_w2 = w.grad, w2.grad
    buf = w.grad._data
    for _ in range(2):                               # 'write': the second pass overwrites
        with autograd.record():
            loss = _mlp(x, w, w2)
        loss.backward()
    assert w.grad is g_w and w2.grad is g_w2 and w.grad._data is buf
    h = X @ W
    ref_w2 = onp.maximum(h, 0).T @ onp.ones((4, 2))
    ref_w = X.T @ ((onp.ones((4, 2)) @ W2.T) * (h > 0))
    onp.testing.assert_allclose(w2.grad.asnumpy(), ref_w2, rtol=1e-12)
    onp.testing.assert_allclose(w.grad.asnumpy(), ref_w, rtol=1e-12)
    assert [f for _, f in delivered] == [True, True, True, True]     # both GEMMs wrote into .grad, twice


def test_add_mode_accumulates(delivered):
    x, w = np.array(X), np.array(W)
    w.attach_grad(grad_req='add')
    for _ in range(2):
        with autograd.record():
            loss = (x @ w).sum()
        loss.backward()
    onp.testing.assert_allclose(w.grad.asnumpy(), 2 * X.T @ onp.ones((4, 5)), rtol=1e-12)
    assert [f for _, f in delivered] == [False, False]               # 'add' is never offered


def test_leaf_reached_by_two_edges_gets_both_contributions(delivered):
    a = RNG.standard_normal((3, 3))
    w = np.array(a)
    w.attach_grad()
    with autograd.record():
        loss = (w @ w).sum() + (np.array(X) @ w).sum()
    loss.backward()
    ones = onp.ones((3, 3))
    ref = ones @ a.T + a.T @ ones + X.T @ onp.ones((4, 3))
    onp.testing.assert_allclose(w.grad.asnumpy(), ref, rtol=1e-12)
    check_grads(lambda v: (v @ v).sum() + (np.array(X) @ v).sum(), a)


def test_create_graph_gradients_keep_history():
    x, w = np.array(X), np.array(W)
    w.attach_grad()
    with autograd.record():
        loss = ((x @ w) ** 2).sum()
        (gw,) = autograd.grad([loss], [w], create_graph=True)
        z = (gw * gw).sum()
    assert gw._node is not None
    z.backward()                                     # d/dw |2 x^T x w|^2 = 8 (x^T x)^2 w
    xtx = X.T @ X
    onp.testing.assert_allclose(w.grad.asnumpy(), 8 * xtx @ xtx @ W, rtol=1e-10)


def test_old_grad_read_by_the_graph_is_not_overwritten_first(delivered):
    x, w, u = np.array(X), np.array(W), np.array(RNG.standard_normal((2, 3)))
    v = np.array(RNG.standard_normal((2, 2)))
    w.attach_grad()
    u.attach_grad()
    v.attach_grad()
    with autograd.record():
        (x @ w).sum().backward()
    old = w.grad.asnumpy().copy()
    delivered.clear()
    with autograd.record():
        # u's and v's gradients read w.grad (the old one; v's through a view) in matmul's rule
        loss = (x @ w).sum() + (u @ w.grad).sum() + (v @ w.grad[1:, :]).sum()
    loss.backward()
    onp.testing.assert_allclose(u.grad.asnumpy(), onp.ones((2, 5)) @ old.T, rtol=1e-12)
    onp.testing.assert_allclose(v.grad.asnumpy(), onp.ones((2, 5)) @ old[1:].T, rtol=1e-12)
    onp.testing.assert_allclose(w.grad.asnumpy(), X.T @ onp.ones((4, 5)), rtol=1e-12)
    assert [f for g, f in delivered if g is w.grad] == [False]
    assert [f for g, f in delivered if g is not w.grad] == [True, True]    # u's and v's


def test_head_gradient_that_is_the_old_grad():
    a = RNG.standard_normal((3, 3))
    x, w = np.array(a), np.array(RNG.standard_normal((3, 3)))
    w.attach_grad()
    w.grad[:] = np.array(onp.arange(9.0).reshape(3, 3))
    with autograd.record():
        y = x @ w
    y.backward(w.grad)
    onp.testing.assert_allclose(w.grad.asnumpy(), a.T @ onp.arange(9.0).reshape(3, 3),
                                rtol=1e-12)


def test_a_grad_of_another_dtype_or_layout_falls_back_to_a_copy(delivered):
    x = np.array(X.astype(onp.float32))
    w = np.array(W.astype(onp.float32))
    w.attach_grad()
    g = wrap(onp.zeros((3, 5), onp.float32, order='F'))  # not C-contiguous: no GEMM into it
    autograd.mark_variables([w], [g])
    with autograd.record():
        loss = (x @ w).sum()
    loss.backward()
    assert w.grad is g
    onp.testing.assert_allclose(g.asnumpy(), X.T @ onp.ones((4, 5)), rtol=1e-5)
    assert [f for _, f in delivered] == [False]

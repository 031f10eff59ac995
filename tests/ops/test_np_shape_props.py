"""Property test of the element-moving ops (ops/gather.py): on random shapes and
parameters, the forward equals NumPy's and the gradient of ``<h, f(x)>`` equals ``J^T h``,
with the Jacobian J built column by column from NumPy's ``f`` applied to unit vectors
(these ops are linear, so that is an independent reference)."""
import numpy as onp
from hypothesis import HealthCheck, given, settings, strategies as st

from autodiff import np, autograd

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def cases(draw):
    nd = draw(st.integers(2, 3))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=nd, max_size=nd)))
    kind = draw(st.sampled_from(['roll', 'rot90', 'pad', 'take', 'diagonal', 'tril', 'resize',
                                 'delete']))
    ax = draw(st.integers(-nd, nd - 1))
    if kind == 'roll':
        s = draw(st.integers(-6, 6))
        return shape, lambda m, x: m.roll(x, s, axis=ax)
    if kind == 'rot90':
        k = draw(st.integers(-3, 4))
        return shape, lambda m, x: m.rot90(x, k, axes=(0, ax % nd) if ax % nd else (0, 1))
    if kind == 'pad':
        mode = draw(st.sampled_from(['constant', 'edge', 'symmetric', 'wrap']))
        w = tuple((draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(nd))
        return shape, lambda m, x: m.pad(x, w, mode=mode)
    if kind == 'take':
        n = shape[ax]
        idx = onp.asarray(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=6)))
        return shape, lambda m, x: m.take(x, idx, axis=ax)
    if kind == 'diagonal':
        off = draw(st.integers(-2, 2))
        return shape, lambda m, x: m.diagonal(x, off, 0, ax % nd if ax % nd else 1)
    if kind == 'tril':
        k = draw(st.integers(-2, 2))
        return shape, lambda m, x: m.tril(x, k)
    if kind == 'resize':
        new = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
        return shape, lambda m, x: m.resize(x, new)
    n = shape[ax]
    drop = onp.asarray(draw(st.lists(st.integers(0, n - 1), max_size=n)), dtype=onp.int64)
    return shape, lambda m, x: m.delete(x, drop, axis=ax)


@settings(max_examples=40, **SETTINGS)
@given(cases(), st.integers(0, 2**31 - 1))
def test_moves_equal_numpy_and_their_adjoint(case, seed):
    shape, f = case
    rng = onp.random.default_rng(seed)
    x = rng.standard_normal(shape)
    want = f(onp, x)
    h = rng.standard_normal(want.shape)
    size = x.size
    jac = onp.stack([f(onp, onp.eye(size)[j].reshape(shape)).ravel() for j in range(size)], 1)
    a = np.array(x)
    a.attach_grad()
    with autograd.record():
        y = f(np, a)
    onp.testing.assert_array_equal(y.asnumpy(), want)
    y.backward(np.array(h))
    onp.testing.assert_allclose(a.grad.asnumpy().ravel(), jac.T @ h.ravel(), rtol=1e-12,
                                atol=1e-12)

"""The fused backward rows of sin and cos (``ops/unary.py``): forward values against NumPy.

Their gradients (any order) are checked against central differences in
tests/autograd/test_higher_order_ops.py (``FUSED``).
"""
import numpy as onp
import pytest

from autodiff import np
from autodiff.ops import unary

RNG = onp.random.default_rng(18)
G = RNG.uniform(-2, 2, (3, 4))
X = RNG.uniform(-3, 3, (3, 4))


@pytest.mark.parametrize('fn, ref', [(unary.sin_grad, lambda g, x: g * onp.cos(x)),
                                     (unary.cos_grad, lambda g, x: -g * onp.sin(x))])
def test_fused_rule_matches_numpy(fn, ref):
    got = fn(np.array(G, dtype='float64'), np.array(X, dtype='float64'))
    onp.testing.assert_allclose(got.asnumpy(), ref(G, X), rtol=1e-12)
    # float32, with a stride-0 upstream gradient (as sum's backward hands on)
    g32 = onp.broadcast_to(onp.float32(1.5), X.shape)
    got = fn(np.array(g32), np.array(X.astype(onp.float32)))
    assert got.dtype == onp.float32
    onp.testing.assert_allclose(got.asnumpy(), ref(1.5, X.astype(onp.float32)), rtol=1e-6)


def test_integer_input_computes_in_float32():
    x = onp.array([0, 1, 2], dtype=onp.int64)
    got = unary.sin_grad(np.array(onp.ones(3, onp.float32)), np.array(x))
    assert got.dtype == onp.float32
    onp.testing.assert_allclose(got.asnumpy(), onp.cos(x), rtol=1e-6)


def test_sin_and_cos_record_their_fused_rule():
    from autodiff import autograd
    x = np.array([0.5, -1.0])
    x.attach_grad()
    with autograd.record():
        y = (np.sin(x) + np.cos(x)).sum()
        g, = autograd.grad(y, [x], create_graph=True)
    # one recorded op per rule (the gradient is the sum of the two rules' results)
    parents = {e[0].op.name for e in g._node.edges if e is not None}
    assert parents == {'sin_grad', 'cos_grad'}
    onp.testing.assert_allclose(g.asnumpy(), onp.cos([0.5, -1.0]) - onp.sin([0.5, -1.0]),
                                rtol=1e-6)

"""Non-differentiable helpers: array_equal, array_equiv, allclose, isclose, isnan/isinf/isfinite,
comparisons and logical ops; bool results, never recorded."""
import numpy as onp
import pytest

from autodiff import np, autograd
from helpers import assert_same

V = onp.array([0.0, 1.0, -1.0, onp.nan, onp.inf, -onp.inf, 1e-9, 2.0], onp.float32)


@pytest.mark.parametrize('name', ['isnan', 'isinf', 'isfinite'])
@pytest.mark.parametrize('dtype', [onp.float32, onp.float64, onp.int64, onp.bool_])
def test_predicates(name, dtype):
    x = V.astype(dtype) if dtype not in (onp.int64, onp.bool_) else onp.array([0, 1, 2], dtype)
    assert_same(getattr(np, name)(np.asarray(x)), getattr(onp, name)(x))


def test_predicates_on_0d_and_empty():
    assert_same(np.isnan(np.array(onp.nan)), onp.array(True))
    assert_same(np.isfinite(np.zeros((0, 2))), onp.zeros((0, 2), bool))


def test_logical_ops():
    a = onp.array([0.0, 1.0, 2.0, 0.0])
    b = onp.array([0.0, 0.0, 3.0, onp.nan])
    x, y = np.asarray(a), np.asarray(b)
    assert_same(np.logical_and(x, y), onp.logical_and(a, b))
    assert_same(np.logical_or(x, y), onp.logical_or(a, b))
    assert_same(np.logical_xor(x, y), onp.logical_xor(a, b))
    assert_same(np.logical_not(x), onp.logical_not(a))
    m, n = x > 0.5, y > 0.5
    assert_same(m & n, (a > 0.5) & (b > 0.5))
    assert_same(m | n, (a > 0.5) | (b > 0.5))
    assert_same(m ^ n, (a > 0.5) ^ (b > 0.5))
    assert_same(~m, ~(a > 0.5))


@pytest.mark.parametrize('a,b,kw', [
    ([1.0, 2.0], [1.0, 2.0], {}), ([1.0, 2.0], [1.0, 2.1], {}), ([1.0, onp.nan], [1.0, onp.nan], {}),
    ([1.0, onp.nan], [1.0, onp.nan], {'equal_nan': True}), ([1.0], [1.0, 1.0], {}),
    ([[1.0, 2.0]], [1.0, 2.0], {}), ([onp.inf], [onp.inf], {}), ([], [], {})], ids=str)
def test_array_equal(a, b, kw):
    a, b = onp.array(a), onp.array(b)
    assert np.array_equal(np.asarray(a), np.asarray(b), **kw) is onp.array_equal(a, b, **kw)
    assert np.array_equal(a, np.asarray(b), **kw) == onp.array_equal(a, b, **kw)


@pytest.mark.parametrize('a,b', [([1.0, 2.0], [1.0, 2.0]), ([1.0, 1.0], [1.0]),
                                 ([[1.0, 2.0], [1.0, 2.0]], [1.0, 2.0]), ([1.0, 2.0], [1.0, 2.0, 3.0]),
                                 ([1.0, 2.0], [2.0, 1.0])], ids=str)
def test_array_equiv(a, b):
    a, b = onp.array(a), onp.array(b)
    assert np.array_equiv(np.asarray(a), np.asarray(b)) is bool(onp.array_equiv(a, b))


@pytest.mark.parametrize('kw', [{}, {'rtol': 0.1}, {'atol': 1e-3}, {'equal_nan': True}], ids=str)
def test_isclose_and_allclose(kw):
    a = onp.array([1.0, 1.0001, 1e-10, onp.nan, onp.inf, -onp.inf, onp.inf, 0.0, 100.0])
    b = onp.array([1.0, 1.0, 0.0, onp.nan, onp.inf, onp.inf, 1.0, 1e-9, 101.0])
    assert_same(np.isclose(np.asarray(a), np.asarray(b), **kw), onp.isclose(a, b, **kw))
    assert np.allclose(np.asarray(a), np.asarray(b), **kw) is bool(onp.allclose(a, b, **kw))
    assert np.allclose(np.asarray(a[:3]), np.asarray(b[:3]), atol=1e-3) is True


def test_isclose_broadcasts():
    a = onp.array([[1.0], [2.0]])
    b = onp.array([1.0, 2.0, 2.0000001])
    assert_same(np.isclose(np.asarray(a), np.asarray(b)), onp.isclose(a, b))


def test_helpers_are_recorded_as_non_differentiable_nodes():
    """Recorded so that a backward through them reaches x with a zero gradient (MXNet
    1.9.1), as nodes toward which no gradient is computed (``nondiff``)."""
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        outs = [x > 1, x == x, np.isnan(x), np.logical_and(x, x), np.isclose(x, x),
                np.argmax(x), ~(x > 1)]
    for o in outs:
        assert o._node is not None and o._node.nondiff
        assert o.dtype in (onp.bool_, onp.int64)
        x.grad[:] = 3.0
        o.backward(retain_graph=True)
        onp.testing.assert_array_equal(x.grad.asnumpy(), [0.0, 0.0])
    y = np.array([1.0, 2.0])                   # no input with history: nothing recorded
    with autograd.record():
        assert (y > 1)._node is None and np.argmax(y)._node is None

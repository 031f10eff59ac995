"""``ops/pool.relu_pool`` (op ``relu_pooling``: max pooling of relu(x) in one pass, what
``autograd.compile`` fuses): the same values, positions and gradients as ``pooling`` of
``relu``'s output, bit for bit, on the unrolled 2x2 kernel and the general ones; its
gradient against central differences; the gated scatter and gather are adjoints."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.ops import pool
from helpers import check_grads, sample


def _params(x, kernel, stride, pad):
    """The checked Pool of ``npx.pooling`` for these arguments (from its recorded node)."""
    a = np.array(x)
    a.attach_grad()
    with autograd.record():
        y = npx.pooling(a, kernel=kernel, stride=stride, pad=pad, pool_type='max')
    return pool.Pool(*y._node.attrs[:len(pool.Pool._fields)])


def _unfused(x, pl):
    a = np.array(x)
    a.attach_grad()
    with autograd.record():
        y = pool.pool(npx.relu(a), pl)
    y.backward(np.array(onp.linspace(-2, 3, y.size).reshape(y.shape).astype(x.dtype)))
    return y.asnumpy(), y._node.attrs[-1], a.grad.asnumpy()


def _fused(x, pl):
    a = np.array(x)
    a.attach_grad()
    with autograd.record():
        y = pool.relu_pool(a, pl)
    y.backward(np.array(onp.linspace(-2, 3, y.size).reshape(y.shape).astype(x.dtype)))
    return y.asnumpy(), y._node.attrs[-1], a.grad.asnumpy()


# 2x2 tiles (unrolled kernel), 3x2 tiles, overlapping padded windows (general kernel)
WINDOWS = [((2, 2), (2, 2), (0, 0)), ((3, 2), (3, 2), (0, 0)), ((3, 3), (2, 1), (1, 1))]


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('kernel, stride, pad', WINDOWS, ids=str)
def test_relu_pool_is_pooling_of_relu_bit_for_bit(kernel, stride, pad, dtype):
    x = sample((2, 3, 7, 6), dtype, -1.0, 0.6, seed=1)
    x[0, 0, :2, :2] = onp.nan                        # NaN kept by relu
    x[0, 1, :3, :3] = -0.0                           # -0.0 and ties
    x[1, 2, 2:5, 2:4] = 0.25                         # ties of a positive value
    pl = _params(x, kernel, stride, pad)
    for a, b in zip(_fused(x, pl), _unfused(x, pl)):
        onp.testing.assert_array_equal(a, b)


def test_relu_pool_gradient_by_central_differences():
    x = sample((1, 2, 5, 4), low=-1.0, high=1.0, seed=2)
    pl = _params(x, (2, 2), (2, 2), (0, 0))
    check_grads(lambda a: pool.relu_pool(a * 1.5, pl), x)


def test_relu_pool_takes_max_pooling_only():
    x = sample((1, 1, 4, 4), seed=3)
    pl = _params(x, (2, 2), (2, 2), (0, 0))._replace(pool_type='avg')
    with pytest.raises(ValueError, match='relu_pooling: pool_type'):
        pool.relu_pool(np.array(x), pl)


def test_gated_scatter_and_gather_are_adjoints():
    rng = onp.random.default_rng(4)
    idx = onp.array([[0, 3, 5, 5], [1, 1, 2, -1]])
    gate = onp.array([[1., 0., 2., -1.], [3., 0.5, -0.0, 1.]]).reshape(2, 1, 2, 2)
    g = rng.uniform(-1, 1, (2, 1, 2, 2))
    h = rng.uniform(-1, 1, (2, 1, 2, 3))
    s = pool.max_scatter(np.array(g), idx, (2, 1, 2, 3), gate=gate).asnumpy()
    t = pool.max_gather(np.array(h), idx, (2, 1, 2, 2), gate=gate).asnumpy()
    assert onp.isclose((s * h).sum(), (g * t).sum(), rtol=1e-14)
    want = onp.zeros((2, 6))                             # the scatter, written out
    for m in range(2):
        for q in range(4):
            if idx[m, q] >= 0 and gate.reshape(2, 4)[m, q] > 0:
                want[m, idx[m, q]] += g.reshape(2, 4)[m, q]
    onp.testing.assert_array_equal(s.reshape(2, 6), want)

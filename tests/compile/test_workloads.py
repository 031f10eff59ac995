"""autograd.compile on the benchmark workloads W1 and W2: fused, and equal to eager mode."""
import numpy as onp
import pytest

from autodiff import np, autograd
from .helpers import marked, eager, compiled_run, assert_close


def chain(x):
    y = x
    for _ in range(100):
        y = y * 1.01 + 0.1
    return y.sum()


def w2(b):
    return (np.tanh(b * 0.5 + 0.1) * b).sum()


def test_w1_chain_is_fused_and_matches_eager_and_float64():
    data = onp.random.default_rng(1).uniform(-1, 1, (2, 3))
    cf = autograd.compile(chain)
    first = compiled_run(cf, data)           # the recording call (eager inside)
    assert cf.compiled, cf.fallback_reason
    assert cf.fallback_reason is None
    second = compiled_run(cf, data)          # the fused kernel
    ev, (eg,) = eager(chain, data)
    for v, (g,) in (first, second):
        assert_close(v, ev, what='loss')
        assert_close(g, eg, what='grad')
    # independent float64 values: y_100 = 1.01^100 x + 0.1 * sum_k 1.01^k
    y = data.astype(onp.float64)
    for _ in range(100):
        y = y * 1.01 + 0.1
    assert_close(second[0], y.sum(), rtol=1e-5)
    assert_close(second[1][0], onp.full((2, 3), 1.01 ** 100), rtol=1e-5)


@pytest.mark.parametrize('shape', [(7,), (600, 500)], ids=['small', '300k'])
def test_w2_expression_matches_eager_and_float64(shape):
    b = onp.random.default_rng(2).standard_normal(shape).astype(onp.float32)
    cf = autograd.compile(w2)
    compiled_run(cf, b)
    v, (g,) = compiled_run(cf, b)
    assert cf.compiled, cf.fallback_reason
    ev, (eg,) = eager(w2, b)
    assert_close(v, ev, rtol=1e-6, what='loss vs eager')
    assert_close(g, eg, rtol=1e-6, what='grad vs eager')
    b64 = b.astype(onp.float64)
    t = onp.tanh(b64 * 0.5 + 0.1)
    assert_close(v, (t * b64).sum(), rtol=1e-5, what='loss vs float64')
    assert_close(g, t + b64 * 0.5 * (1 - t * t), rtol=1e-5, what='grad vs float64')


def test_compiled_kernel_runs_on_new_values_of_the_same_shape():
    rng = onp.random.default_rng(3)
    cf = autograd.compile(w2)
    compiled_run(cf, rng.standard_normal((3, 4)))
    for _ in range(3):
        b = rng.standard_normal((3, 4))
        v, (g,) = compiled_run(cf, b)
        ev, (eg,) = eager(w2, b)
        assert cf.compiled
        assert_close(v, ev, what='loss')
        assert_close(g, eg, what='grad')

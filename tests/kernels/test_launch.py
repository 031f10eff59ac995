"""Arrays big enough for the two-thread split give the same result as NumPy (seams included)."""
import numpy as onp
import pytest

from autodiff import np, npx
from autodiff.ops.launch import PARALLEL_MIN
from helpers import assert_close

SIZES = [PARALLEL_MIN, PARALLEL_MIN + 1, PARALLEL_MIN + 63, 3 * PARALLEL_MIN + 17]


@pytest.mark.parametrize('n', SIZES)
def test_split_elementwise_ops(n):
    r = onp.random.default_rng(n)
    x = r.uniform(0.5, 2.0, n).astype(onp.float32)
    y = r.uniform(0.5, 2.0, n).astype(onp.float32)
    a, b = np.asarray(x), np.asarray(y)
    assert_close(np.exp(a), onp.exp(x))
    assert_close(npx.sigmoid(a), (1 / (1 + onp.exp(-x.astype(onp.float64)))).astype(onp.float32))
    assert_close(a * b, x * y)
    assert_close(a - 1.5, x - onp.float32(1.5))
    assert_close(2.0 / a, onp.float32(2.0) / x)
    assert_close(np.maximum(a, b), onp.maximum(x, y))
    assert_close(np.clip(a, 0.8, 1.2), onp.clip(x, onp.float32(0.8), onp.float32(1.2)))
    assert_close(a ** 2, x ** 2)

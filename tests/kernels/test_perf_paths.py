"""The fast paths added for the benchmarks give the same answers as NumPy (float64 references):
the fused tanh/sigmoid backward rows, the vectorized full sum (and its two-thread split),
the integer split bounds, and summing a leaf's gradient contributions straight into ``.grad``."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.kernels import reduce as KR
from autodiff.ops import launch as L, reduce as R, unary as U
from helpers import assert_close

SIZES = [1, 7, 1000, L.PARALLEL_MIN + 17]


@pytest.mark.parametrize('n', SIZES)
@pytest.mark.parametrize('dt', [onp.float32, onp.float64])
def test_fused_tanh_sigmoid_backward_rows_match_numpy(n, dt):
    """The tanh_grad / sigmoid_grad rows (one pass over g and ans), also split over threads
    (the largest size) and with a broadcast (scalar) upstream gradient."""
    r = onp.random.default_rng(n)
    g = r.standard_normal(n).astype(dt)
    a = r.uniform(-1, 1, n).astype(dt)
    g64, a64 = g.astype(onp.float64), a.astype(onp.float64)
    tol = dict(rtol=1e-5 if dt == onp.float32 else 1e-12, atol=1e-6 if dt == onp.float32 else 1e-14)
    for fn, ref in ((U.tanh_grad, lambda g: g * (1 - a64 * a64)),
                    (U.sigmoid_grad, lambda g: g * a64 * (1 - a64))):
        out = fn(np.array(g), np.array(a))._data
        assert out.dtype == dt
        onp.testing.assert_allclose(out, ref(g64), **tol)
        g_s = np.array(onp.broadcast_to(g[:1], (n,)))      # stride-0: read as a scalar
        onp.testing.assert_allclose(fn(g_s, np.array(a))._data, ref(g64[0]), **tol)


def test_fused_backward_propagates_nan_and_inf():
    g = onp.array([onp.nan, 1, onp.inf, 2], onp.float32)
    a = onp.array([0.5, onp.nan, 0.5, 1], onp.float32)
    out = U.tanh_grad(np.array(g), np.array(a))._data
    expected = g.astype(onp.float64) * (1 - a.astype(onp.float64) ** 2)
    onp.testing.assert_array_equal(onp.isnan(out), onp.isnan(expected))
    assert out[2] == onp.inf and out[3] == 0


def test_tanh_backward_through_a_sum_uses_the_broadcast_gradient():
    """(tanh(x)).sum() hands a stride-0 gradient to tanh's fused backward."""
    x0 = onp.random.default_rng(0).uniform(-2, 2, (300, 7)).astype(onp.float32)
    x = np.array(x0)
    x.attach_grad()
    with autograd.record():
        y = np.tanh(x).sum() + npx.sigmoid(x).sum() * 3
    y.backward()
    x64 = x0.astype(onp.float64)
    s = 1 / (1 + onp.exp(-x64))
    assert_close(x.grad, (1 - onp.tanh(x64) ** 2 + 3 * s * (1 - s)).astype(onp.float32))


@pytest.mark.parametrize('n', [1, 2, 63, 64, 1000, 10**6 + 3])
def test_split_bounds_cover_range_in_order(n):
    for parts in (1, 2, 3, 8):
        b = L.split_bounds(n, parts)
        assert b[0] == 0 and b[-1] == n and len(b) == parts + 1
        assert all(lo <= hi for lo, hi in zip(b, b[1:]))
        assert all(x % 64 == 0 for x in b[1:-1])


@pytest.mark.parametrize('split', [False, True])
def test_full_sum_matches_float64_reference(monkeypatch, split):
    if split:          # exercise the two-thread partial sums on a small array
        monkeypatch.setattr(R, 'SUM_PARALLEL_MIN', 1000)
    r = onp.random.default_rng(3)
    x = r.standard_normal(250_001).astype(onp.float32) + 1
    got = np.array(x).sum()
    assert got.dtype == onp.float32
    onp.testing.assert_allclose(float(got), x.astype(onp.float64).sum(), rtol=1e-6)
    xs = x.copy()
    xs[123_456] = onp.nan
    assert onp.isnan(float(np.array(xs).sum()))
    xs[123_456] = onp.inf
    assert float(np.array(xs).sum()) == onp.inf
    xs[7] = -onp.inf
    assert onp.isnan(float(np.array(xs).sum()))
    big = onp.full(500, 2**53, onp.int64)                # exact in int64, beyond float64
    big[0] += 1
    assert int(np.array(big).sum()) == 500 * 2**53 + 1


@pytest.mark.parametrize('req', ['write', 'add'])
def test_leaf_gradient_contributions_summed_into_grad(req):
    """x reaches the head by three paths; .grad (the same array object) gets their sum."""
    x0 = onp.random.default_rng(5).uniform(0.5, 2, (40, 50)).astype(onp.float32)
    x = np.array(x0)
    x.attach_grad(grad_req=req)
    grad_obj = x.grad
    x.grad[:] = 10.0
    with autograd.record():
        y = (x * 2 + np.tanh(x) + x * x).sum()
    y.backward()
    x64 = x0.astype(onp.float64)
    expected = 2 + (1 - onp.tanh(x64) ** 2) + 2 * x64 + (10.0 if req == 'add' else 0.0)
    assert x.grad is grad_obj
    assert_close(x.grad, expected.astype(onp.float32))


def test_leaf_gradient_with_head_gradient_aliasing_grad():
    """The head gradient is x.grad itself and flows to x three times unchanged."""
    x = np.array(onp.zeros((3, 4), onp.float32))
    x.attach_grad()
    x.grad[:] = onp.arange(12, dtype=onp.float32).reshape(3, 4)
    with autograd.record():
        y = x + x + x
    y.backward(x.grad)
    assert_close(x.grad, 3 * onp.arange(12, dtype=onp.float32).reshape(3, 4))


def test_fused_grad_falls_back_for_mixed_dtypes():
    g = np.array(onp.array([1.0, 2.0], onp.float64))
    a = np.array(onp.array([0.5, -0.5], onp.float32))
    out = U.tanh_grad(g, a)
    assert_close(out, onp.array([1.0, 2.0]) * (1 - onp.array([0.5, -0.5], onp.float32) ** 2))

"""Normalization kernels (``kernels/norm.py``) against float64 NumPy references, for the three
statistics layouts of the 3-D view (A, C, B): per channel (batch norm), per (a, b) (layer
norm) and per (a, c) (instance / group norm)."""
import numpy as onp
import pytest
from hypothesis import given, settings, strategies as st

from autodiff.kernels import norm as K

LAYOUTS = {'batch': (0, 2), 'layer': (1,), 'instance': (2,)}


def stat_shape(shape3, axes):
    return tuple(1 if i in axes else s for i, s in enumerate(shape3))


def moments(x, axes):
    mean = onp.zeros(stat_shape(x.shape, axes))
    var = onp.zeros_like(mean)
    K.moments3(x, mean, var)
    return mean, var


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('layout', list(LAYOUTS))
@pytest.mark.parametrize('shape3', [(2, 3, 4), (1, 5, 1), (4, 1, 3), (3, 2, 1)], ids=str)
def test_moments_match_numpy(shape3, layout, dtype):
    axes = LAYOUTS[layout]
    x = onp.random.default_rng(0).normal(3.0, 2.0, shape3).astype(dtype)
    mean, var = moments(x, axes)
    x64 = x.astype(onp.float64)
    onp.testing.assert_allclose(mean, x64.mean(axis=axes, keepdims=True), rtol=1e-12, atol=1e-12)
    onp.testing.assert_allclose(var, x64.var(axis=axes, keepdims=True), rtol=1e-12, atol=1e-12)


def test_variance_is_accurate_for_a_large_mean():
    """Two passes: the variance of 1e4 + small deviations is not lost to cancellation."""
    x = (1e4 + onp.random.default_rng(1).normal(0, 1e-2, (1, 1, 1000))).astype(onp.float32)
    mean, var = moments(x, (0, 1, 2))
    onp.testing.assert_allclose(var.item(), x.astype(onp.float64).var(), rtol=1e-9)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('layout', list(LAYOUTS))
def test_normalize_matches_numpy(layout, dtype):
    rng = onp.random.default_rng(2)
    axes = LAYOUTS[layout]
    x = rng.normal(1.0, 3.0, (3, 4, 5)).astype(dtype)
    gamma, beta = rng.uniform(.5, 2, 4).astype(dtype), rng.uniform(-1, 1, 4).astype(dtype)
    mean, var = moments(x, axes)
    inv = 1 / onp.sqrt(var + 1e-3)
    out = onp.empty_like(x)
    K.normalize3(x, mean, inv, gamma, beta, out)
    x64 = x.astype(onp.float64)
    want = ((x64 - x64.mean(axis=axes, keepdims=True))
            / onp.sqrt(x64.var(axis=axes, keepdims=True) + 1e-3)
            * gamma.astype(onp.float64)[None, :, None] + beta.astype(onp.float64)[None, :, None])
    tol = 1e-6 if dtype == 'float32' else 1e-13
    onp.testing.assert_allclose(out, want, rtol=tol, atol=tol)
    assert out.dtype == x.dtype


@pytest.mark.parametrize('layout', list(LAYOUTS))
def test_pair_sums_match_numpy(layout):
    rng = onp.random.default_rng(3)
    axes = LAYOUTS[layout]
    g, h = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4))
    s_g = onp.zeros(stat_shape(g.shape, axes))
    s_gh = onp.zeros_like(s_g)
    K.pair_sums3(g, h, s_g, s_gh)
    onp.testing.assert_allclose(s_g, g.sum(axis=axes, keepdims=True), rtol=1e-12)
    onp.testing.assert_allclose(s_gh, (g * h).sum(axis=axes, keepdims=True), rtol=1e-12)


def test_nan_and_inf_propagate():
    x = onp.array([[[1.0, onp.nan, 2.0]], [[1.0, 2.0, onp.inf]]])
    mean, var = moments(x, (2,))
    assert onp.isnan(mean[0, 0, 0]) and onp.isnan(var[0, 0, 0])
    assert onp.isinf(mean[1, 0, 0]) and onp.isnan(var[1, 0, 0])   # inf - inf


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.sampled_from(list(LAYOUTS)),
       st.integers(0, 2 ** 16))
def test_moments_hypothesis(A, C, B, layout, seed):
    axes = LAYOUTS[layout]
    x = onp.random.default_rng(seed).uniform(-5, 5, (A, C, B))
    mean, var = moments(x, axes)
    onp.testing.assert_allclose(mean, x.mean(axis=axes, keepdims=True), rtol=1e-10, atol=1e-12)
    onp.testing.assert_allclose(var, x.var(axis=axes, keepdims=True), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize('fixed', [False, True])
@pytest.mark.parametrize('layout', list(LAYOUTS))
def test_backward_kernels_match_numpy(layout, fixed):
    rng = onp.random.default_rng(4)
    axes = LAYOUTS[layout]
    x, g = rng.normal(1, 2, (3, 4, 5)), rng.normal(size=(3, 4, 5))
    gamma = rng.uniform(.5, 2, 4)
    mean, var = moments(x, axes)
    inv = 1 / onp.sqrt(var + 1e-3)
    s_gg, s_ggh = onp.zeros_like(mean), onp.zeros_like(mean)
    c_g, c_gh = onp.zeros(4), onp.zeros(4)
    K.backward_sums3(x, g, mean, inv, gamma, s_gg, s_ggh, c_g, c_gh)
    xhat = (x - mean) * inv
    gg = g * gamma[None, :, None]
    onp.testing.assert_allclose(s_gg, gg.sum(axis=axes, keepdims=True), rtol=1e-12, atol=1e-12)
    onp.testing.assert_allclose(s_ggh, (gg * xhat).sum(axis=axes, keepdims=True), rtol=1e-12,
                                atol=1e-12)
    onp.testing.assert_allclose(c_g, g.sum(axis=(0, 2)), rtol=1e-12)
    onp.testing.assert_allclose(c_gh, (g * xhat).sum(axis=(0, 2)), rtol=1e-12)
    dx = onp.empty_like(x)
    n = x.size // mean.size
    K.backward_dx3(x, g, mean, inv, gamma, s_gg, s_ggh, float(n), fixed, dx)
    want = gg * inv if fixed else (gg - s_gg / n - xhat * s_ggh / n) * inv
    onp.testing.assert_allclose(dx, want, rtol=1e-12, atol=1e-12)

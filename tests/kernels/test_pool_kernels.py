"""Pooling kernels (max with positions, sum / average / Lp, adjoint, scatter, gather) against
direct NumPy loops."""
import itertools

import numpy as onp
import pytest

from autodiff.kernels import pool as K
from helpers import FLOATS, sample

# (planes shape (M, D, H, W), ksize, stride, pad_lo, pad_hi, out)
GEOMETRIES = [
    ((3, 1, 1, 7), (1, 1, 3), (1, 1, 2), (0, 0, 1), (0, 0, 1), (1, 1, 4)),     # 1-D padded
    ((2, 1, 5, 6), (1, 2, 3), (1, 2, 2), (0, 1, 1), (0, 1, 1), (1, 4, 4)),     # 'full': past pad
    ((2, 3, 4, 5), (2, 2, 2), (1, 2, 2), (1, 0, 1), (1, 0, 1), (4, 2, 3)),     # 3-D
    ((1, 1, 5, 5), (1, 2, 2), (1, 2, 2), (0, 1, 1), (0, 1, 1), (1, 4, 4)),     # empty windows
    ((1, 1, 1, 6), (1, 1, 3), (1, 1, 2), (0, 0, 0), (0, 0, 1), (1, 1, 3)),     # 'same' padding
]


def _windows(shape, k, s, lo, out):
    """(output index, start, [clipped ranges]) for every window."""
    for o in itertools.product(*map(range, out)):
        start = [o[i] * s[i] - lo[i] for i in range(3)]
        yield o, start, [(max(a, 0), min(a + k[i], shape[1 + i])) for i, a in enumerate(start)]


def _max_loop(x, k, s, lo, out):
    y = onp.empty((x.shape[0],) + out)
    idx = onp.empty((x.shape[0],) + out, onp.int64)
    for m in range(x.shape[0]):
        for o, _, r in _windows(x.shape, k, s, lo, out):
            best, where = None, -1
            for pos in itertools.product(*[range(a, b) for a, b in r]):
                if best is None or x[(m,) + pos] > best:
                    best, where = x[(m,) + pos], (pos[0] * x.shape[2] + pos[1]) * x.shape[3] + pos[2]
            y[(m,) + o] = onp.finfo(x.dtype).min if best is None else best
            idx[(m,) + o] = where
    return y, idx


def _sum_loop(x, k, s, lo, hi, out, mode, p):
    y = onp.empty((x.shape[0],) + out)
    for m in range(x.shape[0]):
        for o, start, r in _windows(x.shape, k, s, lo, out):
            vals = [x[(m,) + pos] for pos in itertools.product(*[range(a, b) for a, b in r])]
            t = sum(float(v) ** p for v in vals)
            t = t if p == 1 else onp.sqrt(t) if p == 2 else onp.cbrt(t)
            if mode == K.AVG_INCLUDE_PAD:
                n = onp.prod([max(min(a + k[i], x.shape[1 + i] + hi[i]) - a, 0)
                              for i, a in enumerate(start)])
            elif mode == K.AVG_EXCLUDE_PAD:
                n = len(vals)
            else:
                n = 1
            y[(m,) + o] = t / n if n else 0.0
    return y


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shape,k,s,lo,hi,out', GEOMETRIES, ids=str)
def test_pool_max_values_and_first_max_positions(shape, k, s, lo, hi, out, dtype):
    x = onp.round(sample(shape, dtype) * 2) / 2            # many ties
    y = onp.empty((shape[0],) + out, dtype)
    idx = onp.empty(y.shape, onp.int64)
    K.pool_max(x, y, idx, k, s, lo, out, dtype(onp.finfo(dtype).min))
    want_y, want_idx = _max_loop(x, k, s, lo, out)
    onp.testing.assert_array_equal(y, want_y.astype(dtype))
    onp.testing.assert_array_equal(idx, want_idx)


@pytest.mark.parametrize('p', [1, 2, 3])
@pytest.mark.parametrize('mode', [K.SUM, K.AVG_INCLUDE_PAD, K.AVG_EXCLUDE_PAD])
@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shape,k,s,lo,hi,out', GEOMETRIES, ids=str)
def test_pool_sum_modes_and_powers(shape, k, s, lo, hi, out, dtype, mode, p):
    x = sample(shape, dtype, 0.1, 2.0)
    y = onp.empty((shape[0],) + out, dtype)
    K.pool_sum(x, y, k, s, lo, hi, out, mode, p)
    tol = 1e-6 if dtype == onp.float32 else 1e-13
    onp.testing.assert_allclose(y, _sum_loop(x, k, s, lo, hi, out, mode, p), rtol=tol, atol=tol)


@pytest.mark.parametrize('mode', [K.SUM, K.AVG_INCLUDE_PAD, K.AVG_EXCLUDE_PAD])
@pytest.mark.parametrize('shape,k,s,lo,hi,out', GEOMETRIES, ids=str)
def test_pool_sum_adjoint_is_the_transpose(shape, k, s, lo, hi, out, mode):
    """<pool(x), g> == <x, adjoint(g)> for random x and g, and adjoint adds to dx."""
    x = sample(shape, seed=1)
    g = sample((shape[0],) + out, seed=2)
    y = onp.empty(g.shape)
    K.pool_sum(x, y, k, s, lo, hi, out, mode, 1)
    dx = onp.zeros(shape)
    K.pool_sum_adjoint(g, dx, k, s, lo, hi, out, mode)
    assert onp.isclose(onp.sum(y * g), onp.sum(x * dx), rtol=1e-12)
    # column by column: the adjoint of a unit output is the window's weights
    base = sample(shape, seed=3)
    dx2 = base.copy()
    K.pool_sum_adjoint(g, dx2, k, s, lo, hi, out, mode)
    onp.testing.assert_allclose(dx2 - base, dx, rtol=1e-12, atol=1e-14)


def test_pool_sum_negative_lp3_is_the_real_cube_root():
    x = onp.array([1.0, -2.0, -3.0]).reshape(1, 1, 1, 3)
    y = onp.empty((1, 1, 1, 1))
    K.pool_sum(x, y, (1, 1, 3), (1, 1, 1), (0, 0, 0), (0, 0, 0), (1, 1, 1), K.SUM, 3)
    assert onp.isclose(y.item(), -onp.cbrt(34.0))


def test_scatter_and_gather():
    g = sample((2, 4), seed=4)
    idx = onp.array([[0, 2, 2, -1], [5, 5, 1, 0]], onp.int64)
    dx = onp.zeros((2, 6))
    K.scatter_at(g, idx, dx)
    want = onp.zeros((2, 6))
    for m in range(2):
        for q in range(4):
            if idx[m, q] >= 0:
                want[m, idx[m, q]] += g[m, q]
    onp.testing.assert_allclose(dx, want, rtol=1e-15)
    h = sample((2, 6), seed=5)
    out = onp.empty((2, 4))
    K.gather_at(h, idx, out)
    onp.testing.assert_array_equal(out, onp.where(idx >= 0, onp.take_along_axis(h, onp.maximum(idx, 0), 1), 0))
    assert onp.isclose(onp.sum(dx * h), onp.sum(g * out))           # adjoints


@pytest.mark.parametrize('shape,k', [((3, 1, 8, 8), (1, 2, 2)), ((2, 1, 7, 9), (1, 3, 2)),
                                     ((2, 1, 1, 7), (1, 1, 3))], ids=str)
def test_pool_max_tiles_matches_the_direct_loop(shape, k):
    """Tiling windows (kernel == stride, no pad; odd sizes leave a remainder unread):
    values and first-max positions as the direct loop, with many ties."""
    x = onp.round(sample(shape, onp.float32) * 2) / 2
    out = (1, shape[2] // k[1], shape[3] // k[2])
    y = onp.empty((shape[0], out[1], out[2]), onp.float32)
    idx = onp.empty(y.shape, onp.int64)
    K.pool_max_tiles(x[:, 0], y, idx, k[1], k[2])
    want_y, want_idx = _max_loop(x, k, k, (0, 0, 0), out)
    onp.testing.assert_array_equal(y, want_y[:, 0].astype(onp.float32))
    onp.testing.assert_array_equal(idx, want_idx[:, 0])


@pytest.mark.parametrize('shape', [(3, 1, 8, 8), (2, 1, 7, 9), (1, 1, 2, 2)], ids=str)
@pytest.mark.parametrize('dtype', [onp.float32, onp.float64])
def test_pool_max_2x2_matches_the_direct_loop(shape, dtype):
    """The unrolled 2x2 kernel: values and first-max positions as the direct loop (many
    ties; odd sizes leave a remainder unread); a NaN is kept only where the window's
    first value is one (the scan's strict ``>``, as ``pool_max_tiles``)."""
    x = (onp.round(sample(shape, onp.float64) * 2) / 2).astype(dtype)
    x[0, 0, 0, 0] = onp.nan                 # first of its window: kept
    if shape[3] > 3:
        x[0, 0, 0, 3] = onp.nan             # second of its window: skipped
    out = (1, shape[2] // 2, shape[3] // 2)
    y = onp.empty((shape[0], out[1], out[2]), dtype)
    idx = onp.empty(y.shape, onp.int64)
    K.pool_max_2x2(x[:, 0], y, idx, False)          # (relu=True: tests/ops/test_relu_pool.py)
    y2, idx2 = onp.empty_like(y), onp.empty_like(idx)
    K.pool_max_tiles(x[:, 0], y2, idx2, 2, 2)
    onp.testing.assert_array_equal(y, y2)
    onp.testing.assert_array_equal(idx, idx2)
    want_y, want_idx = _max_loop(x, (1, 2, 2), (1, 2, 2), (0, 0, 0), out)
    assert onp.isnan(y[0, 0, 0]) and idx[0, 0, 0] == 0
    if shape[3] > 3:
        assert not onp.isnan(y[0, 0, 1])
    onp.testing.assert_array_equal(y, want_y[:, 0].astype(dtype))
    onp.testing.assert_array_equal(idx, want_idx[:, 0])

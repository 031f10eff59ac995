"""Convolution kernels (im2col, col2im, add_bias) against direct NumPy loops.

``col`` is ``(N, C*K, P)`` (samples, rows, output positions); ``c0, c1`` the channels done."""
import itertools

import numpy as onp
import pytest

from autodiff.kernels import conv as K
from helpers import FLOATS, sample
from helpers.window_ref import im2col_ref

# (x shape (N, C, D, H, W), ksize, stride, pad, dilate)
GEOMETRIES = [
    ((2, 3, 1, 1, 7), (1, 1, 3), (1, 1, 1), (0, 0, 0), (1, 1, 1)),      # 1-D
    ((2, 2, 1, 5, 6), (1, 3, 2), (1, 2, 1), (0, 1, 2), (1, 1, 2)),      # 2-D, pads > 0
    ((1, 2, 4, 5, 3), (2, 3, 2), (2, 1, 2), (1, 0, 1), (1, 2, 1)),      # 3-D
    ((1, 1, 1, 4, 4), (1, 4, 4), (1, 3, 3), (0, 3, 3), (1, 1, 1)),      # windows all padding
]


def _out(shape, k, s, p, d):
    return tuple((x + 2 * q - dd * (kk - 1) - 1) // ss + 1
                 for x, kk, ss, q, dd in zip(shape[2:], k, s, p, d))


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shape,k,s,p,d', GEOMETRIES, ids=str)
def test_im2col_matches_slicing_of_a_padded_copy(shape, k, s, p, d, dtype):
    x = sample(shape, dtype)
    out = _out(shape, k, s, p, d)
    col = onp.full((shape[0], shape[1] * int(onp.prod(k)), int(onp.prod(out))), onp.nan, dtype)
    K.im2col(x, col, k, s, p, d, out, 0, shape[1])
    onp.testing.assert_array_equal(col, im2col_ref(x, k, s, p, d, out))


def test_im2col_and_col2im_do_only_their_channels():
    shape, k, s, p, d = GEOMETRIES[2]
    out = _out(shape, k, s, p, d)
    x = sample(shape)
    K3 = int(onp.prod(k))
    col = onp.full((shape[0], shape[1] * K3, int(onp.prod(out))), onp.nan)
    K.im2col(x, col, k, s, p, d, out, 1, 2)
    assert onp.isnan(col[:, :K3]).all()
    onp.testing.assert_array_equal(col[:, K3:], im2col_ref(x, k, s, p, d, out)[:, K3:])
    dx = onp.zeros(shape)
    K.col2im(onp.ones_like(col), dx, k, s, p, d, out, 1, 2)
    assert not dx[:, 0].any() and dx[:, 1].any()


def _col2im_loop(col, shape, k, s, p, d, out):
    """Each column entry added into the input position it reads (skipping padding)."""
    x = onp.zeros(shape)
    N, C = shape[:2]
    for n in range(N):
        row = 0
        for c in range(C):
            for off in itertools.product(*map(range, k)):
                for j, o in enumerate(itertools.product(*map(range, out))):
                    pos = tuple(o[i] * s[i] - p[i] + off[i] * d[i] for i in range(3))
                    if all(0 <= pos[i] < shape[2 + i] for i in range(3)):
                        x[(n, c) + pos] += col[n, row, j]
                row += 1
    return x


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shape,k,s,p,d', GEOMETRIES, ids=str)
def test_col2im_matches_a_loop_and_is_the_adjoint(shape, k, s, p, d, dtype):
    out = _out(shape, k, s, p, d)
    col = sample((shape[0], shape[1] * int(onp.prod(k)), int(onp.prod(out))), dtype, seed=1)
    x = onp.zeros(shape, dtype)
    K.col2im(col, x, k, s, p, d, out, 0, shape[1])
    tol = 1e-5 if dtype == onp.float32 else 1e-12
    onp.testing.assert_allclose(x, _col2im_loop(col, shape, k, s, p, d, out), rtol=tol, atol=tol)
    # adjoint: <im2col(v), col> == <v, col2im(col)>
    v = sample(shape, onp.float64, seed=2)
    cv = onp.empty(col.shape)
    K.im2col(v, cv, k, s, p, d, out, 0, shape[1])
    assert onp.isclose(onp.sum(cv * col), onp.sum(v * x), rtol=tol)


def test_col2im_adds_to_what_is_there():
    shape, k, s, p, d = GEOMETRIES[1]
    out = _out(shape, k, s, p, d)
    col = sample((shape[0], shape[1] * 6, int(onp.prod(out))), seed=3)
    base = sample(shape, seed=4)
    x = base.copy()
    K.col2im(col, x, k, s, p, d, out, 0, shape[1])
    onp.testing.assert_allclose(x, base + _col2im_loop(col, shape, k, s, p, d, out), rtol=1e-12)


@pytest.mark.parametrize('dtype', FLOATS)
def test_add_bias(dtype):
    y = sample((2, 3, 5), dtype)
    b = sample((3,), dtype, seed=5)
    want = y + b[None, :, None]
    K.add_bias(y, b)
    onp.testing.assert_array_equal(y, want)


def test_im2col_nan_and_inf_pass_through():
    x = onp.array([onp.nan, onp.inf, -onp.inf, 1.0]).reshape(1, 1, 1, 1, 4)
    col = onp.empty((1, 2, 4))
    K.im2col(x, col, (1, 1, 2), (1, 1, 1), (0, 0, 1), (1, 1, 1), (1, 1, 4), 0, 1)
    onp.testing.assert_array_equal(col[0, 0], [0, onp.nan, onp.inf, -onp.inf])
    onp.testing.assert_array_equal(col[0, 1], [onp.nan, onp.inf, -onp.inf, 1.0])

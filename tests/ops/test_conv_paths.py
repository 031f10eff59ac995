"""The convolution's fast paths against independent references: the implicit GEMM
(stride 1, ``ops/conv_implicit.py``), its layout kernels (``kernels/gemm_pack.py``), the
in-place BLAS products (``blas.gemm``, ``blas.RowGemm``), the rule choosing between
implicit GEMM and im2col, and batched products split by samples.

References are NumPy loops over the kernel taps of a zero-padded copy (independent of
both the im2col and the implicit formulation) and central differences."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.kernels import gemm_pack as KP
from autodiff.ops import blas, conv as C, conv_implicit as I
from helpers import check_grads, sample
from helpers.window_ref import conv_ref, conv_weight_ref as _weight_grad_ref


@pytest.fixture
def any_channels(monkeypatch):
    """Let the implicit GEMM take small channel counts (so that small cases test it)."""
    monkeypatch.setattr(I, 'MIN_CHANNELS', 1)


# (data shape, num_filter, kernel, pad, dilate, groups): stride 1 throughout
IMPLICIT = [
    ((2, 3, 9), 4, (3,), (0,), (1,), 1),                          # 1-D, pad 0
    ((2, 4, 6, 5), 6, (3, 2), (1, 1), (2, 1), 2),                 # 2-D, pad 1, dilation, groups
    ((1, 2, 4, 5, 4), 3, (2, 3, 2), (2, 1, 2), (1, 1, 2), 1),     # 3-D, pad 2
]


@pytest.mark.parametrize('dtype', [onp.float32, onp.float64])
@pytest.mark.parametrize('case', IMPLICIT, ids=str)
def test_implicit_gemm_forward_and_weight_gradient(any_channels, case, dtype):
    shape, nf, k, p, d, groups = case
    x = sample(shape, dtype)
    w = sample((nf, shape[1] // groups) + k, dtype, seed=1)
    b = sample((nf,), dtype, seed=2)
    g = C.Geometry(k, (1,) * len(k), d, p, groups)
    assert I.usable(x.shape, nf, g, x.itemsize)
    y = I.conv_forward(x, w, b, g)
    want = conv_ref(x, w, b, None, p, d, groups)
    tol = 1e-5 if dtype == onp.float32 else 1e-12
    assert y.dtype == dtype and y.shape == want.shape
    onp.testing.assert_allclose(y, want, rtol=tol, atol=tol)
    gy = sample(want.shape, dtype, seed=3)
    dw = I.conv_weight(x, gy, g)
    assert dw.dtype == dtype and dw.shape == w.shape
    onp.testing.assert_allclose(dw, _weight_grad_ref(x, gy, k, p, d, groups), rtol=tol, atol=tol)


def test_implicit_gemm_gradients_by_central_differences(any_channels):
    shape, nf, k, p, d, groups = IMPLICIT[1]
    x, w, b = (sample(shape, seed=4), sample((nf, shape[1] // groups) + k, seed=5),
               sample((nf,), seed=6))
    g = C.Geometry(k, (1, 1), d, p, groups)
    assert I.usable(x.shape, nf, g, 8)
    check_grads(lambda x, w, b: npx.convolution(x, w, b, kernel=k, pad=p, dilate=d,
                                                num_filter=nf, num_group=groups), x, w, b)


def test_the_rule_picks_implicit_gemm_for_stride_one_and_many_channels(monkeypatch):
    g = C.Geometry((3, 3), (1, 1), (1, 1), (1, 1), 1)
    assert I.usable((32, 64, 56, 56), 64, g, 4)                      # W6b
    assert not I.usable((32, 64, 56, 56), 64, g._replace(stride=(2, 2)), 4)
    assert not I.usable((64, 6, 12, 12), 16, g, 4)                   # LeNet's conv2: few channels
    assert not I.usable((4, 32, 8, 8), 64, g._replace(num_group=4), 4)   # 8 per group
    monkeypatch.setattr(I, 'MAX_BYTES', 1000)
    assert not I.usable((32, 64, 56, 56), 64, g, 4)                  # grids over the budget


def test_default_rule_end_to_end_matches_the_im2col_path(monkeypatch):
    """16 channels take the implicit GEMM by default; forward and all three gradients
    agree with the same convolution forced onto im2col and with the direct loop."""
    x, w, b = sample((2, 16, 5, 4), onp.float32), sample((16, 16, 3, 3), onp.float32, seed=1), \
        sample((16,), onp.float32, seed=2)
    gy = sample((2, 16, 5, 4), onp.float32, seed=3)

    def run():
        xs, ws, bs = (np.array(a) for a in (x, w, b))
        for a in (xs, ws, bs):
            a.attach_grad()
        with autograd.record():
            y = npx.convolution(xs, ws, bs, kernel=(3, 3), pad=(1, 1), num_filter=16)
        y.backward(np.array(gy))
        return [a.asnumpy() for a in (y, xs.grad, ws.grad, bs.grad)]

    assert I.usable(x.shape, 16, C.Geometry((3, 3), (1, 1), (1, 1), (1, 1), 1), 4)
    fast = run()
    monkeypatch.setattr(I, 'MIN_CHANNELS', 10 ** 9)
    slow = run()
    onp.testing.assert_allclose(fast[0], conv_ref(x, w, b, None, (1, 1)), rtol=1e-5, atol=1e-5)
    for a, c in zip(fast, slow):
        onp.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-5)


def test_implicit_gemm_without_cblas_uses_numpy(any_channels, monkeypatch):
    shape, nf, k, p, d, groups = IMPLICIT[1]
    x, w = sample(shape), sample((nf, shape[1] // groups) + k, seed=1)
    g = C.Geometry(k, (1, 1), d, p, groups)
    monkeypatch.setattr(blas, '_GEMM', {})
    onp.testing.assert_allclose(I.conv_forward(x, w, None, g), conv_ref(x, w, None, None, p, d,
                                                                        groups), rtol=1e-12)


# ---- layout kernels -----------------------------------------------------------------------
@pytest.mark.parametrize('dtype', [onp.float32, onp.float64])
def test_to_grid_and_from_grid_rows(dtype):
    x = sample((2, 3, 2, 3, 4), dtype)
    grid = onp.full((2, 4, 5, 7, 3), onp.nan, dtype)
    KP.to_grid(x, grid, (1, 2, 0))
    want = onp.zeros(grid.shape, dtype)
    want[:, 1:3, 2:5, 0:4, :] = x.transpose(0, 2, 3, 4, 1)
    onp.testing.assert_array_equal(grid, want)
    b = sample((3,), dtype, seed=1)
    y = onp.empty((2, 3, 3, 4, 5), dtype)
    for with_bias in (True, False):
        for plane in range(2 * 4):      # every (n, d) plane, all rows (d = 3: none)
            KP.from_grid_rows(grid, y, b, with_bias, plane, 0, 5)
        want_y = grid[:, :3, :4, :5].transpose(0, 4, 1, 2, 3)
        onp.testing.assert_array_equal(y, want_y + b[:, None, None, None] if with_bias
                                       else want_y)


# ---- the in-place product -----------------------------------------------------------------
@pytest.mark.parametrize('use_blas', [True, False])
@pytest.mark.parametrize('dtype', [onp.float32, onp.float64])
def test_gemm_accumulates_into_strided_views(dtype, use_blas):
    a, b = sample((9, 12), dtype), sample((6, 8), dtype, seed=1)
    c = sample((7, 10), dtype, seed=2)
    want = c.astype(onp.float64)
    want[1:6, 2:8] += a[2:7, 3:7].astype(onp.float64) @ b[1:5, 1:7]
    blas.gemm(a[2:7, 3:7], b[1:5, 1:7], c[1:6, 2:8], 1, use_blas=use_blas)
    tol = 1e-5 if dtype == onp.float32 else 1e-12
    onp.testing.assert_allclose(c, want, rtol=tol, atol=tol)
    blas.gemm(a[1:5, 0:5], b[0:4, 2:8], c[0:5, 4:10], 0, trans_a=True, use_blas=use_blas)
    onp.testing.assert_allclose(c[0:5, 4:10], a[1:5, 0:5].T @ b[0:4, 2:8], rtol=tol, atol=tol)
    onp.testing.assert_allclose(c[5:], want[5:], rtol=tol, atol=tol)     # rows left alone


def test_batched_products_split_by_samples(monkeypatch):
    """Large batched products run as sample shares on the threads (forced here for small
    ones); the result is NumPy's, with the 3-D operand broadcast."""
    monkeypatch.setattr(blas, 'SPLIT_BATCH', 0)
    w, col = sample((1, 4, 6)), sample((5, 1, 6, 7), seed=1)
    out = onp.empty((5, 1, 4, 7))
    blas.matmul_batched(w, col, w.size * 7 * 5, out)
    onp.testing.assert_allclose(out, onp.matmul(w, col), rtol=1e-12)
    a = sample((5, 1, 6, 7), seed=2)
    out2 = onp.empty((5, 1, 6, 6))
    blas.matmul_batched(a, col.transpose(0, 1, 3, 2), a.size * 6, out2)
    onp.testing.assert_allclose(out2, onp.matmul(a, col.transpose(0, 1, 3, 2)), rtol=1e-12)


@pytest.mark.parametrize('cblas', [True, False])
def test_row_gemm_blocks(cblas, monkeypatch):
    if not cblas:
        monkeypatch.setattr(blas, '_GEMM', {})
    a, b, c = sample((8, 6), onp.float32), sample((5, 7), onp.float32, seed=1), \
        sample((9, 8), onp.float32, seed=2)
    want = c.astype(onp.float64)
    want[2:5, 1:5] += a[3:6, 1:5].astype(onp.float64) @ b[1:5, 3:7]
    blas.RowGemm(a, b, c)(3, 1, 1, 3, 2, 1, 3, 4, 4, 1)
    onp.testing.assert_allclose(c, want, rtol=1e-5, atol=1e-5)
    blas.RowGemm(a, b, c, trans_a=True)(0, 2, 0, 0, 4, 0, 3, 7, 5, 0)   # a[0:5, 2:5].T @ b
    onp.testing.assert_allclose(c[4:7, 0:7], a[0:5, 2:5].T @ b, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match='C-contiguous'):
        blas.RowGemm(a[:, ::2], b, c)


def test_implicit_gemm_shares_rows_and_samples_over_the_threads(any_channels, monkeypatch):
    """Small cases forced onto the split paths (row blocks and grid copies by samples)."""
    monkeypatch.setattr(I, 'SPLIT_VALUES', 0)
    monkeypatch.setattr(I, 'BLOCK_ROWS', 8)
    shape, nf, k, p, d, groups = IMPLICIT[1]
    x, w, b = (sample(shape), sample((nf, shape[1] // groups) + k, seed=1),
               sample((nf,), seed=2))
    g = C.Geometry(k, (1, 1), d, p, groups)
    want = conv_ref(x, w, b, None, p, d, groups)
    onp.testing.assert_allclose(I.conv_forward(x, w, b, g), want, rtol=1e-12, atol=1e-12)
    gy = sample(want.shape, seed=3)
    onp.testing.assert_allclose(I.conv_weight(x, gy, g), _weight_grad_ref(x, gy, k, p, d, groups),
                                rtol=1e-12, atol=1e-12)

"""``ops/blas.matmul``: NumPy's matmul, on one OpenBLAS thread for small products.

Values against a float64 loop one term at a time; the thread count is checked to be
lowered during a small product only and restored after (also with concurrent callers)."""
import threading

import numpy as onp
import pytest

from autodiff.ops import blas
from helpers import FLOATS, sample


def _gemm_loop(a, b):
    """out[g, i, j] = sum_k a[g, i, k] * b[g, k, j], one term at a time (float64)."""
    G, M, Kk = a.shape
    out = onp.zeros((G, M, b.shape[2]))
    for g in range(G):
        for i in range(M):
            for k in range(Kk):
                out[g, i] += float(a[g, i, k]) * b[g, k].astype(onp.float64)
    return out


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shape', [(1, 6, 25, 37), (2, 3, 1, 5), (3, 1, 7, 1), (1, 0, 3, 4),
                                   (1, 2, 0, 3)], ids=str)
@pytest.mark.parametrize('transposed', [False, True])
def test_small_products_match_a_loop(shape, dtype, transposed):
    G, M, Kk, N = shape
    a, b = sample((G, M, Kk), dtype, seed=8), sample((G, Kk, N), dtype, seed=9)
    if transposed:        # a transposed view, as the convolution's weight gradient passes
        b = onp.ascontiguousarray(b.transpose(0, 2, 1)).transpose(0, 2, 1)
    want = _gemm_loop(a, b)
    tol = 1e-5 if dtype == onp.float32 else 1e-12
    out = blas.matmul(a, b)
    assert out.dtype == dtype and out.shape == (G, M, N)
    onp.testing.assert_allclose(out, want, rtol=tol, atol=tol)


def test_one_and_two_dimensional_operands():
    a, b = sample((4,), onp.float64, seed=1), sample((4, 3), onp.float64, seed=2)
    onp.testing.assert_allclose(blas.matmul(a, b), onp.matmul(a, b), rtol=1e-14)
    onp.testing.assert_allclose(blas.matmul(b.T, a), onp.matmul(b.T, a), rtol=1e-14)
    onp.testing.assert_allclose(blas.matmul(a, a), onp.dot(a, a), rtol=1e-14)


def test_nan_and_inf_propagate():
    a = onp.array([[1.0, onp.nan], [2.0, 0.0], [onp.inf, 1.0]])
    b = onp.array([[1.0, 2.0], [3.0, 4.0]])
    with onp.errstate(invalid='ignore'):          # inf * 0 is NaN, as intended here
        out = blas.matmul(a, b)
    assert onp.isnan(out[0]).all() and onp.isinf(out[2]).all()
    onp.testing.assert_array_equal(out[1], [2.0, 4.0])


needs_openblas = pytest.mark.skipif(not blas.one_thread_available(),
                                    reason="NumPy's BLAS is not OpenBLAS: no thread count to set")


@needs_openblas
def test_thread_count_is_lowered_for_small_products_only_and_restored():
    before = blas._get()
    seen = []
    real = blas._onp.matmul

    def spy(a, b):
        seen.append(blas._get())
        return real(a, b)

    blas._onp.matmul = spy
    try:
        tiny = onp.ones((8, 8))
        blas.matmul(tiny, tiny)                      # 512: OpenBLAS uses one thread anyway
        small = onp.ones((100, 100))
        blas.matmul(small, small)                    # 1M multiply-adds: lowered to one
        big = onp.ones((256, 256))
        blas.matmul(big, big)                        # 16.7M multiply-adds: all threads
        blas.matmul(big, big, limit=1 << 30)         # a larger limit: one thread
    finally:
        blas._onp.matmul = real
    assert seen == [before, 1, before, 1]
    assert blas._get() == before


@needs_openblas
def test_thread_count_restored_after_concurrent_and_failing_calls():
    before = blas._get()
    a = onp.ones((80, 80))                           # 512,000 multiply-adds: lowered

    def work():
        for _ in range(200):
            blas.matmul(a, a)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with pytest.raises(ValueError):
        blas.matmul(onp.ones((2, 3)), onp.ones((4, 2)), macs=1 << 20)
    assert blas._get() == before and blas._active == 0

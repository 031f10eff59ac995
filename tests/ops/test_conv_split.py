"""Convolutions shared out by samples over the threads (``ops/conv._by_samples``) and the
hand-out they use (``launch.share``).

The split path (forced on small cases with ``SPLIT_MACS = 0``) must give what the
one-thread path gives and what direct-loop NumPy references give (``helpers.window_ref``;
the weight gradient from its definition, one kernel tap at a time): forward, data
gradient (col2im and adjoint-convolution routes) and weight gradient, odd batch sizes,
batch 1, more memory chunks than pieces."""
import threading

import numpy as onp
import pytest

from autodiff.ops import conv as C, launch
from helpers import sample
from helpers.window_ref import conv_ref, conv_weight_ref, deconv_ref


def _weight_grad_ref(x, gy, kernel, stride, pad, dilate, groups):
    """The weight gradient in float64 (``window_ref.conv_weight_ref`` with a stride)."""
    return conv_weight_ref(x, gy, kernel, pad, dilate, groups, stride)


def _data_grad_ref(gy, w, spatial, stride, pad, dilate, groups):
    """The data gradient as the transposed convolution of ``gy`` (``adj`` fills ``spatial``)."""
    k = w.shape[2:]
    adj = tuple(x - (s * (o - 1) + d * (kk - 1) + 1 - 2 * p)
                for x, o, kk, s, p, d in zip(spatial, gy.shape[2:], k, stride, pad, dilate))
    return deconv_ref(gy, w, None, stride, pad, dilate, adj, groups)


# (batch, channels, spatial, num_filter, kernel, stride, pad, dilate, groups)
CASES = [
    (5, 1, (12, 11), 3, (3, 3), (1, 1), (0, 0), (1, 1), 1),   # LeNet-like 'valid': col2im
    (7, 4, (9, 8), 6, (3, 2), (2, 1), (1, 0), (1, 2), 2),     # stride 2, groups, dilation
    (3, 2, (7, 7), 4, (3, 3), (1, 1), (1, 1), (1, 1), 1),     # 'same': adjoint convolution
    (1, 2, (6, 6), 2, (2, 2), (1, 1), (0, 0), (1, 1), 1),     # batch 1 (never split)
    (6, 2, (11,), 3, (4,), (3,), (2,), (1,), 1),              # 1-D
]


def _three(x, w, gy, g):
    return (C.conv_data(x, w, None, g), C.conv_transpose_data(gy, w, None, g, x.shape[2:]),
            C.conv_weight_data(x, gy, g))


@pytest.mark.parametrize('case', CASES, ids=str)
def test_split_convolution_equals_one_thread_and_references(case, monkeypatch):
    n, c, sp, nf, k, s, p, d, groups = case
    x = sample((n, c) + sp)
    w = sample((nf, c // groups) + k, seed=1)
    g = C.Geometry(k, s, d, p, groups)
    gy = sample((n, nf) + C.out_lengths(sp, g), seed=2)
    monkeypatch.setattr(C, 'SPLIT_MACS', 1 << 62)
    one = _three(x, w, gy, g)
    monkeypatch.setattr(C, 'SPLIT_MACS', 0)
    split = _three(x, w, gy, g)
    monkeypatch.setattr(C, 'CHUNK_VALUES', 2 * c * onp.prod(k) * onp.prod(gy.shape[2:]))
    chunked = _three(x, w, gy, g)           # (two samples per memory chunk)
    refs = (conv_ref(x, w, None, s, p, d, groups),
            _data_grad_ref(gy, w, sp, s, p, d, groups),
            _weight_grad_ref(x, gy, k, s, p, d, groups))
    for a, b, e, ref in zip(one, split, chunked, refs):
        assert a.shape == b.shape == e.shape == ref.shape
        onp.testing.assert_allclose(b, ref, rtol=1e-12, atol=1e-12)
        onp.testing.assert_allclose(e, ref, rtol=1e-12, atol=1e-12)
        onp.testing.assert_allclose(a, ref, rtol=1e-12, atol=1e-12)


def test_split_convolution_float32_with_bias(monkeypatch):
    """LeNet's second convolution at batch 9, float32, with the bias epilogue."""
    monkeypatch.setattr(C, 'SPLIT_MACS', 0)
    x, w, b = (sample((9, 6, 12, 12), onp.float32), sample((16, 6, 5, 5), onp.float32, seed=1),
               sample((16,), onp.float32, seed=2))
    g = C.Geometry((5, 5), (1, 1), (1, 1), (0, 0), 1)
    y = C.conv_data(x, w, b, g)
    assert y.dtype == onp.float32
    onp.testing.assert_allclose(y, conv_ref(x, w, b), rtol=1e-5, atol=1e-5)
    gy = sample(y.shape, onp.float32, seed=3)
    dw = C.conv_weight_data(x, gy, g)
    assert dw.dtype == onp.float32
    onp.testing.assert_allclose(dw, _weight_grad_ref(x, gy, (5, 5), (1, 1), (0, 0), (1, 1), 1),
                                rtol=1e-4, atol=1e-4)


def test_split_deconvolution_with_bias(monkeypatch):
    """The col2im route (stride 2) with the bias added per piece."""
    monkeypatch.setattr(C, 'SPLIT_MACS', 0)
    x, w, b = sample((5, 4, 3, 4)), sample((4, 3, 3, 3), seed=1), sample((3,), seed=2)
    g = C.Geometry((3, 3), (2, 2), (1, 1), (1, 1), 1)
    got = C.conv_transpose_data(x, w, b, g, (5, 7))
    onp.testing.assert_allclose(got, deconv_ref(x, w, b, (2, 2), (1, 1), (1, 1)),
                                rtol=1e-12, atol=1e-12)


def test_empty_batch(monkeypatch):
    monkeypatch.setattr(C, 'SPLIT_MACS', 0)
    x, w = onp.zeros((0, 2, 5, 5)), sample((3, 2, 3, 3))
    g = C.Geometry((3, 3), (1, 1), (1, 1), (0, 0), 1)
    assert C.conv_data(x, w, None, g).shape == (0, 3, 3, 3)
    dw = C.conv_weight_data(x, onp.zeros((0, 3, 3, 3)), g)
    assert dw.shape == w.shape and not dw.any()


# ---- launch.share ------------------------------------------------------------------------
def test_share_returns_every_piece_in_order():
    seen = []
    out = launch.share(lambda k: seen.append(threading.current_thread().name) or k * k, 9)
    assert out == [k * k for k in range(9)] and len(seen) == 9
    assert launch.share(lambda k: k, 3, parts=1) == [0, 1, 2]
    assert launch.share(lambda k: k, 0) == []


@pytest.mark.skipif(launch.THREADS < 2, reason="needs the pool thread (AUTODIFF_NUM_THREADS=1)")
def test_share_does_not_wait_for_a_pool_thread_that_never_started():
    """With the pool thread busy elsewhere, the caller does every piece and returns
    without waiting (the busy-machine rule); the pending hand-off is cancelled."""
    release, started = threading.Event(), threading.Event()

    def block():
        started.set()
        release.wait(30)
    blocker = launch._executor().submit(block)
    try:
        assert started.wait(10)
        names = launch.share(lambda k: threading.current_thread().name, 4)
        assert names == [threading.current_thread().name] * 4
        assert not blocker.done()        # (share returned while the pool thread was busy)
    finally:
        release.set()
        blocker.result()


def test_share_raises_the_pieces_error():
    def task(k):
        if k == 2:
            raise ValueError("piece 2")
        return k
    with pytest.raises(ValueError, match="piece 2"):
        launch.share(task, 5)

"""Softmax / log-softmax kernels against a float64 NumPy reference, large values and -inf."""
import numpy as onp
import pytest

from autodiff import np, npx
from autodiff.kernels import nn as K
from helpers import FLOATS, LAYOUTS, assert_close, layout_pair, sample


def softmax_ref(x, axis):
    x64 = x.astype(onp.float64)
    e = onp.exp(x64 - x64.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(x.dtype)


def log_softmax_ref(x, axis):
    x64 = x.astype(onp.float64)
    s = x64 - x64.max(axis=axis, keepdims=True)
    return (s - onp.log(onp.exp(s).sum(axis=axis, keepdims=True))).astype(x.dtype)


FUNCS = {'softmax': (npx.softmax, softmax_ref), 'log_softmax': (npx.log_softmax, log_softmax_ref)}


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shape,axis', [((5,), -1), ((5,), 0), ((3, 4), -1), ((3, 4), 0),
                                        ((2, 3, 4), 1), ((2, 3, 4), -3), ((1, 1), -1),
                                        ((0, 4), -1), ((4, 0), 0), ((3, 1), -1)], ids=str)
@pytest.mark.parametrize('name', list(FUNCS))
def test_matches_reference(name, shape, axis, dtype):
    f, ref = FUNCS[name]
    x = sample(shape, dtype, -3, 3)
    assert_close(f(np.asarray(x), axis=axis), ref(x, axis), rtol=1e-5 if dtype == onp.float32 else 1e-12)


@pytest.mark.parametrize('layout', LAYOUTS[1:])
@pytest.mark.parametrize('name', list(FUNCS))
def test_non_contiguous(name, layout):
    f, ref = FUNCS[name]
    r, x = layout_pair(sample((3, 4, 6), onp.float64), layout)
    for axis in (-1, 0, 1):
        assert_close(f(x, axis=axis), ref(r, axis))


@pytest.mark.parametrize('dtype', FLOATS)
def test_large_values_stay_finite(dtype):
    """No overflow for inputs far beyond exp's range: max-shifted."""
    x = onp.array([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.0], [3e4, 0.0, -3e4]], dtype)
    s = npx.softmax(np.asarray(x))._data
    ls = npx.log_softmax(np.asarray(x))._data
    assert onp.isfinite(s).all() and onp.isfinite(ls).all()
    onp.testing.assert_allclose(s, softmax_ref(x, -1), rtol=1e-5)
    onp.testing.assert_allclose(ls, log_softmax_ref(x, -1), rtol=1e-5)
    onp.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-6)


@pytest.mark.parametrize('dtype', FLOATS)
def test_minus_inf_entries(dtype):
    """-inf entries get probability 0 (log-probability -inf); the rest normalise."""
    x = onp.array([[-onp.inf, 1.0, 2.0], [0.0, -onp.inf, -onp.inf]], dtype)
    s = npx.softmax(np.asarray(x))
    assert_close(s, onp.array([[0.0, 1 / (1 + onp.e), onp.e / (1 + onp.e)], [1.0, 0.0, 0.0]]).astype(dtype))
    ls = npx.log_softmax(np.asarray(x))._data
    assert ls[0, 0] == -onp.inf and ls[1, 1] == -onp.inf and ls[1, 2] == -onp.inf
    assert ls[1, 0] == 0.0
    onp.testing.assert_allclose(ls[0, 1:], onp.log(s._data[0, 1:]), rtol=1e-6)


def test_degenerate_rows_as_mxnet():
    """All -inf: NaN (0/0), as MXNet 1.9.1 and PyTorch; a +inf entry: NaN there, 0 elsewhere (MXNet)."""
    out = npx.softmax(np.array([[-onp.inf, -onp.inf], [onp.inf, 1.0]]))._data
    assert onp.isnan(out[0]).all()
    assert onp.isnan(out[1, 0]) and out[1, 1] == 0.0


def test_nan_poisons_its_row_only():
    x = onp.array([[1.0, onp.nan, 2.0], [1.0, 2.0, 3.0]], onp.float32)
    out = npx.softmax(np.asarray(x))._data
    assert onp.isnan(out[0]).all()
    onp.testing.assert_allclose(out[1], softmax_ref(x[1], -1), rtol=1e-6)


@pytest.mark.parametrize('log', [False, True])
def test_kernel_direct(log):
    a = sample((4, 5), onp.float32)
    out = onp.empty_like(a)
    K.softmax_last(a, out, log)
    ref = log_softmax_ref(a, -1) if log else softmax_ref(a, -1)
    onp.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-7)

"""Reduction kernels against NumPy: every axis form, keepdims, 0-d, empty, strided, NaN and inf."""
import numpy as onp
import pytest

from autodiff import np
from autodiff.kernels import reduce as K
from helpers import FLOATS, LAYOUTS, assert_close, assert_same, layout_pair, sample

REDUCTIONS = {'sum': (np.sum, onp.sum), 'mean': (np.mean, onp.mean), 'max': (np.max, onp.max),
              'min': (np.min, onp.min), 'prod': (np.prod, onp.prod)}
CASES = [((), None), ((), ()), ((7,), None), ((7,), 0), ((7,), -1), ((4, 5), None), ((4, 5), 0),
         ((4, 5), 1), ((4, 5), -1), ((4, 5), (0, 1)), ((2, 3, 4), 1), ((2, 3, 4), (0, 2)),
         ((2, 3, 4), (-1, 0)), ((2, 3, 4), (0, 1)), ((2, 3, 4), (1, 2)), ((2, 3, 4), ()),
         ((1, 1), None), ((2, 1, 3), 1), ((3, 2, 2, 2), (1, 3))]


def _ref(name, x, axis, keepdims):
    # float32 references are computed in float64 (the kernels accumulate in float64)
    f = REDUCTIONS[name][1]
    return f(x.astype(onp.float64), axis=axis, keepdims=keepdims).astype(x.dtype)


@pytest.mark.parametrize('keepdims', [False, True])
@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shape,axis', CASES, ids=str)
@pytest.mark.parametrize('name', list(REDUCTIONS))
def test_reductions_match_numpy(name, shape, axis, dtype, keepdims):
    x = sample(shape, dtype, 0.5, 1.5)
    out = REDUCTIONS[name][0](np.asarray(x), axis=axis, keepdims=keepdims)
    assert_close(out, _ref(name, x, axis, keepdims))


@pytest.mark.parametrize('layout', LAYOUTS[1:])
@pytest.mark.parametrize('axis', [None, 0, 1, -1, (0, 1), (1, 2), (0, 2)], ids=str)
@pytest.mark.parametrize('name', list(REDUCTIONS))
def test_reductions_non_contiguous(name, axis, layout):
    ref, x = layout_pair(sample((3, 4, 6), onp.float64, 0.5, 1.5), layout)
    assert_close(REDUCTIONS[name][0](x, axis=axis), _ref(name, ref, axis, False))


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shape,axis', [((0,), None), ((0, 3), 0), ((0, 3), None), ((3, 0), 1),
                                        ((3, 0), 0), ((2, 0, 3), (0, 2)), ((0,), 0)], ids=str)
@pytest.mark.parametrize('name', ['sum', 'prod'])
def test_sum_and_prod_of_empty(name, shape, axis, dtype):
    """Empty reductions give the identity (0 or 1); empty results are empty."""
    x = onp.zeros(shape, dtype)
    assert_close(REDUCTIONS[name][0](np.asarray(x), axis=axis), _ref(name, x, axis, False))


@pytest.mark.parametrize('shape,axis,out_shape', [((0,), None, ()), ((0, 3), 0, (3,)),
                                                  ((3, 0), 1, (3,))], ids=str)
def test_mean_of_empty_is_nan(shape, axis, out_shape):
    # NumPy: NaN (with a warning); MXNet 1.9.1 gives 0, which hides the empty input
    assert_close(np.mean(np.zeros(shape), axis=axis), onp.full(out_shape, onp.nan, onp.float32))


@pytest.mark.parametrize('name', ['max', 'min'])
def test_max_min_of_empty_result_is_empty(name):
    # reducing a non-empty axis of an empty array is fine: the result is empty
    assert_close(REDUCTIONS[name][0](np.zeros((0, 3)), axis=1), onp.zeros((0,), onp.float32))


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('name', list(REDUCTIONS))
def test_nan_and_inf_propagate(name, dtype):
    """NaN anywhere in a slice gives NaN (first, middle or last); infinities as NumPy."""
    rows = onp.array([[onp.nan, 1.0, 2.0], [1.0, onp.nan, 2.0], [1.0, 2.0, onp.nan],
                      [onp.inf, 1.0, -onp.inf], [onp.inf, 1.0, 2.0], [-onp.inf, 1.0, 2.0],
                      [0.0, onp.inf, 1.0], [1.0, 2.0, 3.0], [onp.nan, onp.inf, onp.nan]], dtype)
    for axis in (1, 0, None):
        with onp.errstate(all='ignore'):
            expected = _ref(name, rows, axis, False)
        assert_close(REDUCTIONS[name][0](np.asarray(rows), axis=axis), expected)


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('name,ref', [('argmax', onp.argmax), ('argmin', onp.argmin)])
def test_argmax_argmin(name, ref, dtype):
    f = getattr(np, name)
    r = onp.random.default_rng(0)
    x = r.integers(0, 3, size=(4, 5, 6)).astype(dtype)         # many ties: the first wins
    for axis in (None, 0, 1, 2, -1, -3):
        assert_same(f(np.asarray(x), axis=axis), ref(x, axis=axis))
    ref_t, xt = layout_pair(x, 'transposed')
    for axis in (None, 0, 2):
        assert_same(f(xt, axis=axis), ref(ref_t, axis=axis))
        assert_same(getattr(xt, name)(axis=axis), ref(ref_t, axis=axis))


@pytest.mark.parametrize('name,ref', [('argmax', onp.argmax), ('argmin', onp.argmin)])
def test_argmax_argmin_nan_and_inf(name, ref):
    """The first NaN wins, as in NumPy; infinities are ordinary extremes."""
    f = getattr(np, name)
    x = onp.array([[1.0, onp.nan, 3.0, onp.nan], [onp.nan, 1.0, 2.0, 0.0],
                   [1.0, onp.inf, -onp.inf, onp.inf], [-onp.inf, -onp.inf, 0.0, 0.0]],
                  onp.float32)
    for axis in (None, 0, 1):
        assert_same(f(np.asarray(x), axis=axis), ref(x, axis=axis))


def test_argmax_of_0d():
    assert_same(np.argmax(np.array(3.0)), onp.argmax(onp.float32(3.0)))


@pytest.mark.parametrize('dtype', [onp.int64, onp.int32, onp.uint8, onp.bool_])
@pytest.mark.parametrize('name', ['sum', 'prod', 'max', 'min'])
def test_integer_reductions(name, dtype):
    """Integer sums and products are exact in the integer result type (as NumPy's)."""
    r = onp.random.default_rng(0)
    x = r.integers(0, 4, size=(3, 5)).astype(dtype)
    for axis in (None, 0, 1):
        assert_same(REDUCTIONS[name][0](np.asarray(x), axis=axis),
                    REDUCTIONS[name][1](x, axis=axis))


def test_int64_sum_is_exact_beyond_float64_precision():
    x = onp.array([[2 ** 60, 1, 1], [3, 2 ** 55, -1]], onp.int64)
    for axis in (None, 0, 1):
        assert_same(np.sum(np.asarray(x), axis=axis), onp.sum(x, axis=axis))
    assert_same(np.prod(np.asarray(onp.array([3 ** 20, 3 ** 18], onp.int64))),
                onp.int64(3 ** 38))


def test_float32_sum_accumulates_accurately():
    """A float32 sum of many values is within a few ulps of the exact (float64) sum."""
    x = onp.full(1_000_003, 0.1, onp.float32)
    out = np.sum(np.asarray(x))
    exact = onp.sum(x.astype(onp.float64))
    assert out.dtype == onp.float32
    assert abs(float(out) - exact) <= 4 * onp.spacing(onp.float32(exact))
    cols = np.sum(np.asarray(x[:1_000_000].reshape(1000, 1000)), axis=0)   # sum_first path
    onp.testing.assert_allclose(cols._data, onp.full(1000, 1000 * onp.float64(onp.float32(0.1))),
                                rtol=1e-7)


# ---- the kernels called directly ------------------------------------------------------------
@pytest.mark.parametrize('dtype', FLOATS)
def test_kernels_direct(dtype):
    a = sample((5, 7), dtype)
    for code, ref in ((K.SUM, onp.sum), (K.PROD, onp.prod), (K.MAX, onp.max), (K.MIN, onp.min)):
        out = onp.empty(5, dtype)
        K.reduce_last(code, a, out)
        onp.testing.assert_allclose(out, ref(a.astype(onp.float64), axis=1), rtol=1e-6)
    out = onp.empty(7, dtype)
    K.sum_first(a, out, onp.full(7, onp.nan))     # (the accumulator row: any contents)
    onp.testing.assert_allclose(out, a.astype(onp.float64).sum(axis=0), rtol=1e-6)
    idx = onp.empty(5, onp.int64)
    K.arg_last(True, a, idx)
    onp.testing.assert_array_equal(idx, a.argmax(axis=1))
    K.arg_last(False, a, idx)
    onp.testing.assert_array_equal(idx, a.argmin(axis=1))


# ---- sums over runs of axes (no transposing copy) --------------------------------------------
RUNS = [((3, 4, 5, 6), (0, 2, 3)), ((3, 4, 5, 6), (1, 2)), ((3, 4, 5, 6), (2, 3)),
        ((3, 4, 5, 6), (0, 1)), ((3, 4, 5, 6), (0, 2)), ((3, 1, 5, 1), (0, 2)),
        ((3, 1, 5), (1,)), ((1, 4, 1), (0, 2)), ((2, 3, 4, 5, 6), (0, 2, 4))]


@pytest.mark.parametrize('shape,axis', RUNS, ids=str)
def test_sum_over_axis_runs_matches_numpy(shape, axis):
    """Every run pattern (rows, columns, outer+inner, middle, length-1 axes, four runs)."""
    x = sample(shape, onp.float32)
    assert_close(np.sum(np.asarray(x), axis=axis),
                 x.astype(onp.float64).sum(axis=axis).astype(onp.float32))
    xi = (x * 100).astype(onp.int32)
    assert_same(np.sum(np.asarray(xi), axis=axis), xi.sum(axis=axis))
    assert_close(np.sum(np.asarray(x.transpose(1, 0, *range(2, x.ndim))), axis=axis),
                 x.transpose(1, 0, *range(2, x.ndim)).astype(onp.float64).sum(axis=axis)
                 .astype(onp.float32))


def test_run_sum_kernels_direct_with_nan_and_inf():
    a = sample((3, 4, 37), onp.float32)
    a[1, 2, 5] = onp.nan
    a[2, 1, 7] = onp.inf
    zero = onp.float64(0)
    out = onp.empty(4, onp.float32)
    K.sum_outer_inner(a, out, zero, onp.full(4, 7.0))    # (scratch rows: any contents)
    ref = a.astype(onp.float64).sum(axis=(0, 2))
    assert onp.isnan(out[2]) and out[1] == onp.inf
    onp.testing.assert_allclose(out[[0, 3]], ref[[0, 3]], rtol=1e-6)
    out = onp.empty((3, 37), onp.float32)
    K.sum_middle(a, out, zero, onp.full(37, -3.0))
    onp.testing.assert_allclose(out, a.astype(onp.float64).sum(axis=1), rtol=1e-6)
    out = onp.empty(12, onp.float32)
    K.sum_rows(a.reshape(12, 37), out, zero)
    onp.testing.assert_allclose(out, a.reshape(12, 37).astype(onp.float64).sum(axis=1),
                                rtol=1e-6)

"""Sorting and searching, set operations, histograms, bincount and the financial functions
(issue #14, np-stats): forward against NumPy (results and dtypes), the gradient of the
permuting ops against central differences, MXNet 1.9.1's values where it differs (from the
oracle), documented examples for the financial functions, one bad-input test per error."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import AxisError, DTypeError, ShapeError
from helpers import check_grads

RNG = onp.random.default_rng(41)
X = RNG.permutation(12).reshape(3, 4) * 0.5 - 2.0        # distinct values
V = onp.array([3., 1, 3, 2, 7, 1])
B = onp.array([-1., 0.5, 2, 4])


def _in(a):
    return np.array(a, dtype='float64') if a.dtype.kind == 'f' else np.array(a)


# id -> (autodiff function, NumPy reference, args, kwargs); every result compared with its
# dtype (index results int64, as MXNet 1.9.1)
FORWARD = {
    'sort': (np.sort, onp.sort, [X], {}),
    'sort axis 0': (np.sort, onp.sort, [X], dict(axis=0)),
    'sort flat': (np.sort, onp.sort, [X], dict(axis=None)),
    'sort bool': (np.sort, onp.sort, [X > 0], {}),
    'msort': (np.msort, lambda a: onp.sort(a, axis=0), [X], {}),
    'argsort': (np.argsort, lambda a, **k: onp.argsort(a, kind='stable', **k).astype('int64'),
                [V], {}),
    'argsort axis 0': (np.argsort, lambda a, **k: onp.argsort(a, **k).astype('int64'), [X],
                       dict(axis=0)),
    'lexsort': (np.lexsort, lambda k: onp.lexsort(k).astype('int64'),
                [(V, V[::-1] % 2)], {}),
    'searchsorted': (np.searchsorted, lambda a, v, **k: onp.searchsorted(a, v, **k)
                     .astype('int64'), [B, V], dict(side='right')),
    'searchsorted sorter': (np.searchsorted, lambda a, v, **k: onp.searchsorted(a, v, **k)
                            .astype('int64'), [V, onp.array([2., 5])],
                            dict(sorter=onp.argsort(V))),
    'digitize': (np.digitize, lambda x, b, **k: onp.digitize(x, b, **k).astype('int64'),
                 [V, B], dict(right=True)),
    'argwhere': (np.argwhere, lambda a: onp.argwhere(a).astype('int64'), [X > 0], {}),
    'flatnonzero': (np.flatnonzero, lambda a: onp.flatnonzero(a).astype('int64'), [X], {}),
    'unique': (np.unique, onp.unique, [V], {}),
    'unique axis': (np.unique, onp.unique, [onp.array([[1., 2], [1, 2], [0, 1]])], dict(axis=0)),
    'in1d': (np.in1d, lambda a, b, **k: onp.isin(a.reshape(-1), b, **k), [X, V], {}),
    'isin invert': (np.isin, onp.isin, [X, V], dict(invert=True)),
    'intersect1d': (np.intersect1d, onp.intersect1d, [V, B * 2], {}),
    'setdiff1d': (np.setdiff1d, onp.setdiff1d, [V, B * 2], {}),
    'setxor1d': (np.setxor1d, onp.setxor1d, [V, B * 2], {}),
    'union1d': (np.union1d, onp.union1d, [V, B], {}),
    'histogram_bin_edges': (np.histogram_bin_edges, onp.histogram_bin_edges, [V], dict(bins=4)),
    'bincount': (np.bincount, lambda a, **k: onp.bincount(a, **k).astype('int64'),
                 [onp.array([0, 3, 1, 3])], dict(minlength=6)),
    'bincount weights': (np.bincount, onp.bincount, [onp.array([0, 3, 1, 3]), V[:4]], {}),
}


def _args(args):
    return [tuple(_in(k) for k in a) if isinstance(a, tuple) else _in(a) for a in args]


@pytest.mark.parametrize('name', list(FORWARD))
def test_forward_matches_numpy(name):
    fn, ref, args, kwargs = FORWARD[name]
    kw = {k: (_in(v) if isinstance(v, onp.ndarray) and k != 'sorter' else v)
          for k, v in kwargs.items()}
    got, want = fn(*_args(args), **kw), ref(*args, **kwargs)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    onp.testing.assert_array_equal(got.asnumpy(), want)


def test_partition_puts_kth_in_place():
    p = np.partition(_in(X), (1, 3), axis=1).asnumpy()
    s = onp.sort(X, axis=1)
    onp.testing.assert_array_equal(p[:, [1, 3]], s[:, [1, 3]])
    assert (p[:, :1] <= p[:, 1:2]).all() and (p[:, 2:3] <= p[:, 3:]).all()
    onp.testing.assert_array_equal(onp.sort(p, axis=1), s)
    idx = np.argpartition(_in(X), 2, axis=0)
    assert idx.dtype == onp.int64
    onp.testing.assert_array_equal(onp.take_along_axis(X, idx.asnumpy(), 0)[2], onp.sort(X, 0)[2])


def test_multi_output_forms():
    """unique's optional results, nonzero's tuple, histograms: values and dtypes."""
    r = np.unique(_in(V), return_index=True, return_inverse=True, return_counts=True)
    for got, want in zip(r, onp.unique(V, True, True, True)):
        assert got.dtype == (V.dtype if want.dtype.kind == 'f' else onp.int64)
        onp.testing.assert_array_equal(got.asnumpy(), want)
    nz = np.nonzero(_in(X))
    assert all(a.dtype == onp.int64 for a in nz)
    for got, want in zip(nz, onp.nonzero(X)):
        onp.testing.assert_array_equal(got.asnumpy(), want)
    vals, i, j = np.intersect1d(_in(V), _in(B * 2), return_indices=True)
    for got, want in zip((vals, i, j), onp.intersect1d(V, B * 2, return_indices=True)):
        onp.testing.assert_array_equal(got.asnumpy(), want)
    h, e = np.histogram(_in(V), bins=3, range=(0, 9), weights=_in(V), density=True)
    hw, ew = onp.histogram(V, bins=3, range=(0, 9), weights=V, density=True)
    onp.testing.assert_allclose(h.asnumpy(), hw)
    onp.testing.assert_array_equal(e.asnumpy(), ew)
    h2 = np.histogram2d(_in(V), _in(V[::-1]), bins=(2, 3))
    for got, want in zip(h2, onp.histogram2d(V, V[::-1], bins=(2, 3))):
        onp.testing.assert_array_equal(got.asnumpy(), want)
    hd, edges = np.histogramdd(_in(X[:, :2]), bins=2)
    hdw, edgesw = onp.histogramdd(X[:, :2], bins=2)
    onp.testing.assert_array_equal(hd.asnumpy(), hdw)
    for got, want in zip(edges, edgesw):
        onp.testing.assert_array_equal(got.asnumpy(), want)


GRADS = {
    'sort': (lambda x: np.sort(x, axis=0), [X]),
    'sort flat': (lambda x: np.sort(x, axis=None), [X]),
    'msort': (np.msort, [X]),
    'partition': (lambda x: np.partition(x, 2, axis=1), [X]),
}


@pytest.mark.parametrize('name', list(GRADS))
def test_gradients_match_central_differences(name):
    fn, args = GRADS[name]
    check_grads(fn, *args)


def test_index_results_are_not_differentiable():
    x = _in(X)
    x.attach_grad()
    with autograd.record():
        i = np.argsort(x)
        y = (x * 2).sum()
    assert i.dtype == onp.int64
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), onp.full(X.shape, 2.0))


# ------------------------------------------------ MXNet 1.9.1 values (from the oracle)

def test_mxnet_values():
    u = np.unique(np.array([3., 1, 3, 2]), return_index=True, return_inverse=True,
                  return_counts=True)
    assert [a.tolist() for a in u] == [[1., 2., 3.], [1, 3, 0], [2, 0, 2, 1], [1, 1, 2]]
    inv = np.unique(np.array([[1., 2], [2, 3]]), return_inverse=True)[1]
    assert inv.tolist() == [0, 1, 1, 2]                       # flat, as MXNet 1.9.1
    (nz,) = np.nonzero(np.array(3.))                           # a 0-d input counts as 1-D
    assert nz.tolist() == [0] and nz.dtype == onp.int64
    assert np.argsort(np.array([[3., 1, 2], [0, 4, 6]]), axis=None).tolist() == [3, 1, 2, 0, 4, 5]
    h, e = np.histogram(np.array([1., 2, 2, 3, 5]), bins=3, range=(0, 6))
    assert h.dtype == onp.int64 and h.tolist() == [1, 3, 1]
    assert e.dtype == onp.float32 and e.tolist() == [0., 2., 4., 6.]
    w = np.bincount(np.array(onp.array([0, 1, 1])), weights=np.array(onp.array([1., 2, 3])))
    assert w.dtype == onp.float64 and w.tolist() == [1., 5.]


def test_financial_documented_examples():
    """The examples of NumPy 1.17's (numpy_financial's) documentation."""
    onp.testing.assert_allclose(float(np.npv(0.281, [-100, 39, 59, 55, 20])),
                                -0.0084785916384548798, rtol=1e-12)
    onp.testing.assert_allclose(float(np.pv(0.05 / 12, 10 * 12, -100, 15692.93)),
                                -100.00067131625819, rtol=1e-12)
    onp.testing.assert_allclose(float(np.rate(10, 0, -3500, 10000)), 0.1106908537142689,
                                rtol=1e-9)
    onp.testing.assert_allclose(
        float(np.mirr([-4500, -800, 800, 800, 600, 600, 800, 800, 700, 3000], 0.08, 0.055)),
        0.066597175031553548, rtol=1e-12)
    # a 2500 loan over 12 months at 8.24% a year: the principal parts sum to the loan
    p = np.ppmt(0.0824 / 12, onp.arange(1, 13), 12, 2500).asnumpy()
    onp.testing.assert_allclose(p[0], -200.58, atol=5e-3)
    onp.testing.assert_allclose(p.sum(), -2500, rtol=1e-12)
    begin = np.ppmt(0.0824 / 12, onp.arange(1, 13), 12, 2500, when='begin').asnumpy()
    onp.testing.assert_allclose(begin.sum(), -2500, rtol=1e-12)
    assert onp.isnan(float(np.mirr([1, 2, 3], 0.1, 0.1)))           # no negative flow
    assert onp.isnan(float(np.rate(10, 0, -3500, 10000, maxiter=1)))


# ------------------------------------------------ bad input

BAD = [
    (lambda: np.sort(np.array(X), axis=2), AxisError, 'out of bounds'),
    (lambda: np.sort(np.array(3.)), AxisError, '0-d array'),
    (lambda: np.sort(np.array(X), kind='bogo'), ValueError, 'kind'),
    (lambda: np.argsort(np.array(X), order='f'), NotImplementedError, 'order'),
    (lambda: np.partition(np.array(X), 4), ValueError, r'kth\(=4\) out of bounds'),
    (lambda: np.partition(np.array(X), 1.5), TypeError, 'kth must be an integer'),
    (lambda: np.lexsort((np.array([1., 2]), np.array([1., 2, 3]))), ShapeError, 'same shape'),
    (lambda: np.searchsorted(np.array(X), 1.0), ShapeError, '1-D'),
    (lambda: np.searchsorted(np.array(B), 1.0, side='middle'), ValueError, 'side'),
    (lambda: np.digitize(np.array(V), np.array([3., 1, 2])), ValueError, 'monotonic'),
    (lambda: np.bincount(np.array([0., 1])), DTypeError, 'integers'),
    (lambda: np.bincount(np.array(onp.array([0, -1]))), ValueError, 'negative'),
    (lambda: np.histogram(np.array(V), bins=-2), ValueError, 'histogram'),
    (lambda: np.histogram(np.array(V), weights=np.array([1., 2])), ShapeError, 'weights'),
    (lambda: np.histogram2d(np.array(V), np.array(B)), ShapeError, 'one length'),
    (lambda: np.pv(0.1, 10, -100, when='later'), ValueError, 'when must be'),
]


@pytest.mark.parametrize('i', range(len(BAD)))
def test_bad_input(i):
    call, error, message = BAD[i]
    with pytest.raises(error, match=message):
        call()

"""Statistics, running sums, NaN-reductions and quantiles (issue #14, np-stats): forward
against NumPy, gradients against central differences, MXNet 1.9.1's own values where it
differs from NumPy (marked: from the oracle), and one bad-input test per distinct error."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import AxisError, ShapeError
from helpers import check_grads

RNG = onp.random.default_rng(14)
X = RNG.uniform(-2, 2, (3, 4))
XN = X.copy()
XN[0, 1] = XN[2, 3] = onp.nan
W4 = RNG.uniform(.5, 2, 4)
XI = onp.array([[3, 1, 2], [0, 4, 6]], dtype=onp.int32)


def _f64(a):
    return np.array(onp.asarray(a, onp.float64), dtype='float64')


# id -> (autodiff function, NumPy reference, positional args (arrays), keyword args)
FORWARD = {
    'std': (np.std, onp.std, [X], {}),
    'std axis ddof keepdims': (np.std, onp.std, [X], dict(axis=1, ddof=1, keepdims=True)),
    'var axes': (np.var, onp.var, [X], dict(axis=(0, 1))),
    'average weights axis': (np.average, onp.average, [X], dict(axis=1, weights=W4)),
    'average full weights': (np.average, onp.average, [X], dict(axis=0, weights=X * X)),
    'ptp axis': (np.ptp, onp.ptp, [X], dict(axis=0)),
    'cumsum': (np.cumsum, onp.cumsum, [X], {}),
    'cumsum axis': (np.cumsum, onp.cumsum, [X], dict(axis=0)),
    'nancumsum': (np.nancumsum, onp.nancumsum, [XN], dict(axis=1)),
    'nancumprod': (np.nancumprod, onp.nancumprod, [XN], dict(axis=0)),
    'nanmax': (np.nanmax, onp.nanmax, [XN], dict(axis=1)),
    'nanmin keepdims': (np.nanmin, onp.nanmin, [XN], dict(axis=0, keepdims=True)),
    'nanprod': (np.nanprod, onp.nanprod, [XN], dict(axis=1)),
    'nanargmax': (np.nanargmax, onp.nanargmax, [XN], dict(axis=1)),
    'nanargmin': (np.nanargmin, onp.nanargmin, [XN], {}),
    'quantile': (np.quantile, onp.quantile, [X, .3], dict(axis=1)),
    'quantile q array keepdims': (np.quantile, onp.quantile, [X, [.1, .5, 1.]],
                                  dict(axis=0, keepdims=True)),
    'percentile axes': (np.percentile, onp.percentile, [X, 40], dict(axis=(0, 1))),
    'percentile lower': (lambda a, q: np.percentile(a, q, axis=1, interpolation='lower'),
                         lambda a, q: onp.percentile(a, q, axis=1, method='lower'), [X, 30], {}),
    'percentile higher': (lambda a, q: np.percentile(a, q, interpolation='higher'),
                          lambda a, q: onp.percentile(a, q, method='higher'), [X, 30], {}),
    'percentile midpoint': (lambda a, q: np.percentile(a, q, axis=0, interpolation='midpoint'),
                            lambda a, q: onp.percentile(a, q, axis=0, method='midpoint'),
                            [X, 30], {}),
    'nanquantile': (np.nanquantile, onp.nanquantile, [XN, [.2, .7]], dict(axis=1)),
    'nanpercentile': (np.nanpercentile, onp.nanpercentile, [XN, 60], {}),
    'nanmedian': (np.nanmedian, onp.nanmedian, [XN], dict(axis=0)),
    'cov': (np.cov, onp.cov, [X], {}),
    'cov y rowvar bias': (np.cov, onp.cov, [X, X[::-1] ** 2], dict(rowvar=False, bias=True)),
    'cov weights ddof': (np.cov, onp.cov, [X], dict(fweights=onp.array([1, 2, 1, 3]),
                                                    aweights=W4, ddof=1)),
    'corrcoef': (np.corrcoef, onp.corrcoef, [X], {}),
    'correlate valid': (np.correlate, onp.correlate, [X[0], X[1, :3]], {}),
    'correlate same': (np.correlate, onp.correlate, [X[0], X[1, :3]], dict(mode='same')),
    'correlate full short a': (np.correlate, onp.correlate, [X[0, :2], X[1]], dict(mode='full')),
    'correlate valid short a': (np.correlate, onp.correlate, [X[0, :2], X[1]], {}),
    'diff': (np.diff, onp.diff, [X], {}),
    'diff n2 axis0 prepend append': (np.diff, onp.diff, [X], dict(
        n=2, axis=0, prepend=onp.zeros((1, 4)), append=X[:1])),
    'ediff1d': (np.ediff1d, onp.ediff1d, [X], dict(to_begin=[7.0, 8.0], to_end=9.0)),
    'trapz dx': (np.trapz, onp.trapezoid, [X], dict(dx=.5, axis=0)),
    'trapz x': (np.trapz, onp.trapezoid, [X, onp.array([0., .5, 2., 3.])], {}),
    'all axis': (np.all, onp.all, [X > -1], dict(axis=1)),
    'any keepdims': (np.any, onp.any, [X > 1], dict(axis=0, keepdims=True)),
    'count_nonzero axis': (np.count_nonzero, onp.count_nonzero, [X > 0], dict(axis=1)),
}


@pytest.mark.parametrize('name', list(FORWARD))
def test_forward_matches_numpy(name):
    fn, ref, args, kwargs = FORWARD[name]
    got = fn(*[_f64(a) if isinstance(a, onp.ndarray) and a.dtype != bool else
               (np.array(a) if isinstance(a, onp.ndarray) else a) for a in args], **kwargs)
    want = ref(*args, **kwargs)
    onp.testing.assert_allclose(got.asnumpy(), want, rtol=1e-12, atol=1e-12)
    assert got.shape == onp.shape(want)
    assert got.dtype == onp.asarray(want).dtype


# Differentiable functions: id -> (function of float64 arrays, inputs).  Values distinct
# (sort orders and extrema fixed under the perturbation).
GRADS = {
    'std axis': (lambda x: np.std(x, axis=0), [X]),
    'var ddof keepdims': (lambda x: np.var(x, axis=1, ddof=1, keepdims=True), [X]),
    'average weights': (lambda x, w: np.average(x, axis=1, weights=w), [X, W4]),
    'average returned': (lambda x, w: np.average(x, axis=0, weights=w, returned=True),
                         [X, X * X]),
    'ptp': (lambda x: np.ptp(x, axis=1), [X]),
    'cumsum': (lambda x: np.cumsum(x, axis=1), [X]),
    'cumsum flat': (np.cumsum, [X]),
    'nancumsum': (lambda x: np.nancumsum(x, axis=0), [XN]),
    'nancumprod': (lambda x: np.nancumprod(x, axis=1), [XN]),
    'nanmax': (lambda x: np.nanmax(x, axis=1), [XN]),
    'nanmin': (np.nanmin, [XN]),
    'nanprod': (lambda x: np.nanprod(x, axis=0), [XN]),
    'quantile linear': (lambda x: np.quantile(x, [.3, .8], axis=1), [X]),
    'percentile midpoint': (lambda x: np.percentile(x, 30, axis=0, interpolation='midpoint'),
                            [X]),
    'percentile nearest': (lambda x: np.percentile(x, 50, interpolation='nearest'), [X]),
    'nanquantile': (lambda x: np.nanquantile(x, .6, axis=1), [XN]),
    'nanmedian': (np.nanmedian, [XN]),
    'cov weighted': (lambda x, a: np.cov(x, aweights=a), [X, W4]),
    'cov two': (lambda x, y: np.cov(x, y), [X[0], X[1]]),
    'corrcoef': (np.corrcoef, [X]),
    'correlate full': (lambda a, v: np.correlate(a, v, mode='full'), [X[0], X[1, :3]]),
    'correlate same': (lambda a, v: np.correlate(a, v, mode='same'), [X[0, :2], X[1]]),
    'diff n2 prepend': (lambda x, p: np.diff(x, n=2, axis=0, prepend=p), [X, X[:1] * 3]),
    'ediff1d': (lambda x, e: np.ediff1d(x, to_end=e), [X, X[0]]),
    'trapz x': (lambda y, x: np.trapz(y, x), [X, onp.array([0., .5, 2., 3.])]),
}


@pytest.mark.parametrize('name', list(GRADS))
def test_gradients_match_central_differences(name):
    fn, args = GRADS[name]
    check_grads(fn, *args)


def test_nan_positions_get_zero_gradient():
    x = _f64(XN)
    x.attach_grad()
    with autograd.record():
        y = np.nanmax(x, axis=1) + np.nancumsum(x).sum() + np.nanquantile(x, .5, axis=0).sum()
    y.backward()
    g = x.grad.asnumpy()
    assert g[0, 1] == 0 and g[2, 3] == 0
    assert onp.isfinite(g).all()


def test_std_var_gradient_follows_the_math():
    """MXNet 1.9.1 gives zeros here (a known defect); d var / d x = 2 (x - mean) / (N - ddof)."""
    x = _f64([1.0, 2.0, 4.0])
    x.attach_grad()
    with autograd.record():
        v = np.var(x, ddof=1)
    v.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * (onp.array([1., 2, 4]) - 7 / 3) / 2)


def test_sort_gradient_scatters_back_by_the_permutation():
    """The value MXNet 1.9.1 gives: grad of sum(sort(x) * [1, 2, 3]) (from the oracle)."""
    x = np.array([[3., 1, 2], [0.5, 4, 6]])
    x.attach_grad()
    with autograd.record():
        y = np.sort(x) * np.array([1., 2, 3])
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [[3, 1, 2], [1, 2, 3]])


def test_cumsum_gradient_is_mxnets():
    """From the MXNet 1.9.1 oracle: grad of sum(cumsum(x, 1) * [1, 2, 3])."""
    x = np.array([[3., 1, 2], [0.5, 4, 6]])
    x.attach_grad()
    with autograd.record():
        y = np.cumsum(x, axis=1) * np.array([1., 2, 3])
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [[6, 5, 3], [6, 5, 3]])


def test_compiled_std_and_average_match_eager():
    """These compose ops of the compiler's table: the compiled gradient equals eager mode."""
    def f(x, w):
        return np.std(x, axis=1) * np.average(x, axis=1, weights=w)
    cf = autograd.compile(f)
    grads = []
    for data in (X, X * 0.5 + 1):
        for run in (cf, None):
            xs = [np.array(data), np.array(W4)]
            for v in xs:
                v.attach_grad()
            if run is None:
                with autograd.record():
                    y = f(*xs)
                y.backward()
            else:
                cf(*xs)
            grads.append([v.grad.asnumpy() for v in xs])
    assert cf.compiled, cf.fallback_reason
    for got, want in zip(grads[2], grads[3]):
        onp.testing.assert_allclose(got, want, rtol=1e-5)


# ------------------------------------------------ MXNet 1.9.1 values (from the oracle)

def test_mxnet_dtypes():
    xi = np.array(XI)
    assert np.cumsum(xi).dtype == onp.int32
    b = np.cumsum(np.array(onp.array([True, False, True, False, False, True])))
    assert b.dtype == onp.int64 and b.tolist() == [1, 1, 2, 2, 2, 3]
    q = np.quantile(xi, np.array([.25, .5]), axis=0)
    assert q.dtype == onp.float32
    onp.testing.assert_allclose(q.asnumpy(), [[.75, 1.75, 3.], [1.5, 2.5, 4.]])
    assert np.percentile(xi, 50).dtype == onp.float32
    assert np.mean(xi, dtype='float64').dtype == onp.float64
    assert np.sum(xi, dtype='float32').dtype == onp.float32
    assert np.all(np.array([1., 0.])).dtype == onp.bool_
    c = np.count_nonzero(xi)
    assert type(c) is int and c == 5
    assert np.nanargmax(np.array(XN), axis=0).dtype == onp.int64


def test_integer_std_var_average_give_float32():
    """Deviation: MXNet 1.9.1 returns these in the input's integer type (std 2, var 4,
    average 2: truncated); here they are float32 like ``mean``."""
    xi = np.array(XI)
    for fn, ref in ((np.std, onp.std), (np.var, onp.var), (np.average, onp.average)):
        r = fn(xi)
        assert r.dtype == onp.float32
        onp.testing.assert_allclose(r.asnumpy(), ref(XI), rtol=1e-6)


def test_percentile_nearest_rounds_halves_up():
    """MXNet 1.9.1: positions 0.5, 2.5, 4.5 go up (NumPy rounds to even: 0, 2, 4)."""
    x = np.array([0., 1, 2, 3, 4, 6])
    got = [float(np.percentile(x, q, interpolation='nearest')) for q in (10, 50, 90)]
    assert got == [1.0, 3.0, 6.0]


def test_average_returned_and_zero_weights_are_mxnets():
    xf = np.array([[3., 1, 2], [0., 4, 6]])
    avg, scale = np.average(xf, axis=0, weights=np.array([1., 3]), returned=True)
    onp.testing.assert_allclose(avg.asnumpy(), [.75, 3.25, 5.])
    assert scale.shape == () and float(scale) == 4.0
    avg, scale = np.average(xf, axis=1, weights=np.array([[1., 3, 1], [1, 1, 1]]), returned=True)
    onp.testing.assert_allclose(scale.asnumpy(), [5., 3.])
    assert onp.isnan(np.average(xf, axis=1, weights=np.array([0., 0, 0])).asnumpy()).all()
    assert float(np.var(np.array([1., 2]), ddof=2)) == onp.inf


def test_out_and_dtype_keywords():
    out = np.zeros((3,), dtype='float64')
    r = np.std(_f64(X), axis=1, out=out)
    assert r is out
    onp.testing.assert_allclose(out.asnumpy(), onp.std(X, axis=1))
    onp.testing.assert_allclose(np.var(np.array(X), dtype='float64').asnumpy(), onp.var(X))
    with pytest.raises(NotImplementedError, match='initial'):
        np.nanmax(np.array(X), initial=3.0)


# ------------------------------------------------ bad input

BAD = [
    (lambda: np.std(np.array(X), axis=2), AxisError, 'axis 2 is out of bounds'),
    (lambda: np.average(np.array(X), weights=np.array([1., 2])), TypeError, 'axis must be'),
    (lambda: np.average(np.array(X), axis=1, weights=np.array([1., 2])), ShapeError,
     'length of weights'),
    (lambda: np.quantile(np.array(X), 1.5), ValueError, r'range \[0, 1\]'),
    (lambda: np.percentile(np.array(X), -1), ValueError, r'range \[0, 100\]'),
    (lambda: np.quantile(np.array(X), .5, interpolation='cubic'), ValueError, 'interpolation'),
    (lambda: np.nanargmax(np.array([onp.nan, onp.nan])), ValueError, 'All-NaN'),
    (lambda: np.correlate(np.array(X), np.array([1., 2])), ShapeError, '1-D'),
    (lambda: np.correlate(np.array([1., 2]), np.array([1., 2]), mode='wide'), ValueError, 'mode'),
    (lambda: np.cov(np.zeros((2, 2, 2))), ShapeError, 'more than 2'),
    (lambda: np.cov(np.array(X), fweights=onp.array([1, 2])), ShapeError, 'fweights'),
    (lambda: np.diff(np.array(X), n=-1), ValueError, 'non-negative'),
    (lambda: np.trapz(np.array(X), np.array([1., 2])), ShapeError, 'x has 2 points'),
    (lambda: np.cumsum(np.array(3.), axis=0), AxisError, '0-d'),
    (lambda: np.ptp(np.zeros((2, 0)), axis=1), ValueError, 'ptp: zero-size'),
]


@pytest.mark.parametrize('i', range(len(BAD)))
def test_bad_input(i):
    call, error, message = BAD[i]
    with pytest.raises(error, match=message):
        call()

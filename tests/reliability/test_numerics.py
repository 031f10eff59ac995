"""Numerics on large inputs (±1e4): where the math is finite, forward values and gradients
are finite and match stable float64 references computed here with NumPy.

Kinks (abs, maximum, minimum, relu, clip) are covered by tests/ops/test_kinks.py."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd

BIG = onp.array([[-1e4, 0.0, 1e4],
                 [1e4, 1e4 - 1.0, -1e4],
                 [-1e4, -1e4, -1e4 + 2.0],
                 [3.0, -2.0, 0.5]])
TOL = {'float32': dict(rtol=2e-6, atol=1e-7), 'float64': dict(rtol=1e-12, atol=1e-300)}


def _softmax_ref(v):
    e = onp.exp(v - v.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _run(f, v, dtype, head):
    x = np.array(v, dtype=dtype)
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward(np.array(head, dtype=dtype))
    return y.asnumpy(), x.grad.asnumpy()


def _check(f, ref, vjp, v, dtype, seed=0):
    head = onp.random.default_rng(seed).standard_normal(f(np.array(v, dtype=dtype)).shape)
    head = head.astype(dtype)
    y, g = _run(f, v, dtype, head)
    assert onp.isfinite(y).all() and onp.isfinite(g).all(), (y, g)
    # references in float64 at the values the kernel saw (v rounded to dtype)
    v64, h64 = v.astype(dtype).astype(onp.float64), head.astype(onp.float64)
    onp.testing.assert_allclose(y, ref(v64), **TOL[dtype])
    onp.testing.assert_allclose(g, vjp(v64, h64), **TOL[dtype])


DTYPES = ['float32', 'float64']


@pytest.mark.parametrize('dtype', DTYPES)
def test_softmax(dtype):
    def vjp(v, h):
        s = _softmax_ref(v)
        return s * (h - (h * s).sum(-1, keepdims=True))
    _check(npx.softmax, _softmax_ref, vjp, BIG, dtype)


@pytest.mark.parametrize('dtype', DTYPES)
def test_log_softmax(dtype):
    def ref(v):
        m = v.max(-1, keepdims=True)
        return v - m - onp.log(onp.exp(v - m).sum(-1, keepdims=True))

    def vjp(v, h):
        return h - _softmax_ref(v) * h.sum(-1, keepdims=True)
    _check(npx.log_softmax, ref, vjp, BIG, dtype)


@pytest.mark.parametrize('dtype', DTYPES)
def test_sigmoid(dtype):
    def ref(v):
        return onp.where(v >= 0, 1 / (1 + onp.exp(-onp.abs(v))),
                         onp.exp(-onp.abs(v)) / (1 + onp.exp(-onp.abs(v))))

    def vjp(v, h):
        s = ref(v)
        return h * s * (1 - s)
    _check(npx.sigmoid, ref, vjp, BIG, dtype)


@pytest.mark.parametrize('dtype', DTYPES)
def test_log1p_on_its_domain(dtype):
    """log1p is finite for x > -1: large (1e4), tiny (accuracy where log(1 + x) loses it)
    and close to -1."""
    v = onp.array([1e4, 1e-10, -1e-10, 0.0, -0.5, -0.999, 123.0])
    _check(np.log1p, lambda v: onp.log1p(v), lambda v, h: h / (1 + v), v, dtype)
    y, _ = _run(np.log1p, onp.array([1e-10]), dtype, onp.ones(1, dtype))
    assert y[0] != 0 and abs(y[0] - 1e-10) <= 1e-10 * 1e-6      # not log(1 + 1e-10) == 0


@pytest.mark.parametrize('dtype', DTYPES)
def test_expm1_where_finite(dtype):
    """expm1 is finite for x below log(max float): -1e4 gives -1 with gradient 0."""
    top = 80.0 if dtype == 'float32' else 700.0
    v = onp.array([-1e4, -50.0, 1e-10, -1e-10, 0.0, 1.0, top])
    _check(np.expm1, lambda v: onp.expm1(v), lambda v, h: h * onp.exp(v), v, dtype)
    y, _ = _run(np.expm1, onp.array([1e-10]), dtype, onp.ones(1, dtype))
    assert abs(y[0] - 1e-10) <= 1e-10 * 1e-6


def _logsumexp(x):
    """The usual max-shifted logsumexp written with the library's ops."""
    m = x.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True))).reshape((x.shape[0],))


@pytest.mark.parametrize('dtype', DTYPES)
def test_logsumexp_by_max_shift(dtype):
    def ref(v):
        m = v.max(-1)
        return m + onp.log(onp.exp(v - m[:, None]).sum(-1))
    _check(_logsumexp, ref, lambda v, h: h[:, None] * _softmax_ref(v), BIG, dtype)


@pytest.mark.parametrize('dtype', DTYPES)
def test_logsumexp_through_log_softmax(dtype):
    """logsumexp(x) = x_0 - log_softmax(x)_0, a second way with the same gradient."""
    def lse(x):
        return (x - npx.log_softmax(x))[:, 0]

    def ref(v):
        m = v.max(-1)
        return m + onp.log(onp.exp(v - m[:, None]).sum(-1))
    _check(lse, ref, lambda v, h: h[:, None] * _softmax_ref(v), BIG, dtype)


@pytest.mark.parametrize('dtype', DTYPES)
def test_naive_forms_would_overflow(dtype):
    """The inputs really are hard: the naive formulas overflow on them in NumPy."""
    with onp.errstate(all='ignore'):
        naive = onp.exp(BIG.astype(dtype)) / onp.exp(BIG.astype(dtype)).sum(-1, keepdims=True)
    assert not onp.isfinite(naive).all()

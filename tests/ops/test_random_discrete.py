"""np.random's choice, multinomial and multivariate_normal, and seeding of every draw.

Dtypes and shapes were measured with MXNet 1.9.1 (``choice`` of an int and ``multinomial``
give int64, ``choice`` of an array keeps its dtype, ``multivariate_normal`` the mean's);
frequencies are checked within a few standard errors with fixed seeds."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import ShapeError

R = np.random


def test_choice_of_an_int():
    R.seed(0)
    x = R.choice(5, 3)
    assert x.dtype == onp.int64 and x.shape == (3,)
    assert R.choice(5).shape == () and R.choice(5, (2, 3)).shape == (2, 3)
    v = R.choice(4, 40000, p=np.array([0.1, 0.0, 0.3, 0.6])).asnumpy()
    freq = onp.bincount(v, minlength=4) / v.size
    onp.testing.assert_allclose(freq, [0.1, 0.0, 0.3, 0.6], atol=5 * onp.sqrt(0.25 / v.size))
    assert set(R.choice(6, 6, replace=False).asnumpy()) == set(range(6))


def test_choice_of_an_array_keeps_its_dtype_and_is_differentiable():
    a = np.array(onp.array([1, 2, 3], dtype='int32'))
    assert R.choice(a, 4).dtype == onp.int32
    w = np.array([10.0, 20.0, 30.0])
    w.attach_grad()
    R.seed(1)
    with autograd.record():
        y = R.choice(w, 5)
        z = (y * y).sum()
    z.backward()
    picked = (y.asnumpy() / 10).astype(int) - 1
    counts = onp.bincount(picked, minlength=3)
    onp.testing.assert_allclose(w.grad.asnumpy(), 2 * w.asnumpy() * counts)
    # MXNet 1.9.1 takes whole rows of a 2-D array
    rows = R.choice(np.array([[1.0, 2.0], [3.0, 4.0]]), 3)
    assert rows.shape == (3, 2) and set(rows.asnumpy()[:, 0]) <= {1.0, 3.0}


@pytest.mark.parametrize('call, error, message', [
    (lambda: R.choice(0, 2), ValueError, 'a must be positive'),
    (lambda: R.choice(2.5, 2), TypeError, 'a must be an int or an array'),
    (lambda: R.choice(5, 6, replace=False), ValueError, 'without replacement'),
    (lambda: R.choice(3, 2, p=[0.5, 0.5]), ShapeError, 'length 3'),
    (lambda: R.choice(2, 2, p=[0.7, 0.7]), ValueError, 'sum to 1'),
    (lambda: R.choice(2, 2, p=[1.5, -0.5]), ValueError, r'in \[0, 1\]'),
])
def test_choice_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_multinomial():
    R.seed(2)
    x = R.multinomial(10, [0.2, 0.3, 0.5])
    assert x.dtype == onp.int64 and x.shape == (3,) and int(x.asnumpy().sum()) == 10
    many = R.multinomial(100, np.array([0.2, 0.3, 0.5]), size=(400,)).asnumpy()
    assert many.shape == (400, 3) and onp.all(many.sum(1) == 100)
    p = onp.array([0.2, 0.3, 0.5])
    assert onp.all(abs(many.mean(0) - 100 * p) < 5 * onp.sqrt(100 * p * (1 - p) / 400))
    assert R.multinomial(5, [0.5, 0.5], size=(2, 3)).shape == (2, 3, 2)


def test_multinomial_bad_input():
    with pytest.raises(ValueError, match='n must be an int >= 0'):
        R.multinomial(-1, [0.2, 0.8])      # (MXNet 1.9.1 returns zeros)
    with pytest.raises(ValueError, match='sum to 1'):
        R.multinomial(10, [0.6, 0.3, 0.5])     # (MXNet 1.9.1 crashes the process)
    with pytest.raises(ShapeError, match='1-D'):
        R.multinomial(10, [[0.5, 0.5]])


def test_multivariate_normal_law_and_shapes():
    R.seed(3)
    mean = np.array([1.0, -2.0])
    cov = onp.array([[2.0, 0.6], [0.6, 1.0]])
    x = R.multivariate_normal(mean, np.array(cov), size=20000)
    assert x.shape == (20000, 2) and x.dtype == onp.float32
    v = x.asnumpy().astype(onp.float64)
    onp.testing.assert_allclose(v.mean(0), [1.0, -2.0], atol=5 * onp.sqrt(2.0 / 20000))
    onp.testing.assert_allclose(onp.cov(v.T), cov, atol=0.06)      # ~5 standard errors
    # batches broadcast: mean (3, 2) with one cov (MXNet 1.9.1's docstring example)
    b = R.multivariate_normal(np.zeros((3, 2)), np.array([[1.0, 0.0], [0.0, 100.0]]))
    assert b.shape == (3, 2)
    assert R.multivariate_normal(mean, np.array(cov), size=(4, 5)).shape == (4, 5, 2)
    f64 = R.multivariate_normal(np.zeros(2, dtype='float64'), np.eye(2, dtype='float64'))
    assert f64.dtype == onp.float64
    # a singular (positive semi-definite) cov is fine, as NumPy's
    s = R.multivariate_normal(np.zeros(2), np.array([[1.0, 1.0], [1.0, 1.0]]), size=5).asnumpy()
    onp.testing.assert_allclose(s[:, 0], s[:, 1], atol=1e-5)


def test_multivariate_normal_gradient_and_errors():
    mean, cov = np.array([1.0, 2.0]), np.array([[1.0, 0.0], [0.0, 1.0]])
    mean.attach_grad()
    with autograd.record():
        y = R.multivariate_normal(mean, cov, size=(3,))
    y.backward()
    onp.testing.assert_array_equal(mean.grad.asnumpy(), [3.0, 3.0])   # y = mean + A z
    cov.attach_grad()
    with autograd.record():
        y = R.multivariate_normal(mean, cov)
    with pytest.raises(NotImplementedError, match='respect to cov'):
        y.backward()
    with pytest.raises(ShapeError, match=r'\(\.\.\., N, N\)'):
        R.multivariate_normal(np.zeros(3), np.eye(2))
    with pytest.raises(NotImplementedError, match='check_valid'):
        R.multivariate_normal(np.zeros(2), np.eye(2), check_valid='raise')


DRAWS = [
    lambda: R.beta(2.0, 3.0, size=4), lambda: R.chisquare(3.0, size=4),
    lambda: R.choice(10, 4), lambda: R.exponential(size=4), lambda: R.gamma(2.0, size=4),
    lambda: R.gumbel(size=4), lambda: R.logistic(size=4), lambda: R.lognormal(size=4),
    lambda: R.multinomial(20, [0.5, 0.5], size=4),
    lambda: R.multivariate_normal(np.zeros(2), np.eye(2), size=4),
    lambda: R.pareto(2.0, size=4), lambda: R.power(2.0, size=4), lambda: R.rayleigh(size=4),
    lambda: R.weibull(2.0, size=4)]


@pytest.mark.parametrize('k', range(len(DRAWS)))
def test_seed_repeats_every_draw(k):
    R.seed(42)
    a = DRAWS[k]().asnumpy()
    b = DRAWS[k]().asnumpy()
    R.seed(42)
    onp.testing.assert_array_equal(DRAWS[k]().asnumpy(), a)
    assert not onp.array_equal(a, b)


def test_shuffle_permutes_rows_in_place():
    R.seed(8)
    x = np.array(onp.arange(12.0).reshape(6, 2))
    R.shuffle(x)
    rows = x.asnumpy()
    assert sorted(rows[:, 0].tolist()) == [0, 2, 4, 6, 8, 10]
    onp.testing.assert_array_equal(rows[:, 1], rows[:, 0] + 1)
    with pytest.raises(TypeError, match='autodiff array'):
        R.shuffle([1, 2, 3])

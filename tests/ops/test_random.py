"""np.random: seeding repeats draws; ranges, shapes and dtypes as MXNet's (float32 default)."""
import numpy as onp
import pytest

from autodiff import np


@pytest.mark.parametrize('draw', [
    lambda: np.random.uniform(size=(3, 4)), lambda: np.random.normal(size=(5,)),
    lambda: np.random.randint(0, 10, size=(6,)), lambda: np.random.uniform(-1, 1, (2, 2)),
    lambda: np.random.rand(3, 2), lambda: np.random.randn(4)])
def test_seed_repeats_draws(draw):
    np.random.seed(42)
    a = draw()
    b = draw()
    np.random.seed(42)
    c = draw()
    onp.testing.assert_array_equal(a._data, c._data)
    assert not onp.array_equal(a._data, b._data)


def test_uniform_range_shape_dtype():
    np.random.seed(0)
    x = np.random.uniform(-2, 3, size=(1000,))
    assert x.shape == (1000,) and x.dtype == onp.float32
    assert x._data.min() >= -2 and x._data.max() < 3
    assert abs(float(x._data.mean()) - 0.5) < 0.2
    assert np.random.uniform(size=(2,), dtype='float64').dtype == onp.float64
    assert np.random.uniform().shape == ()
    assert np.random.uniform(size=5).shape == (5,)


def test_normal_moments_shape_dtype():
    np.random.seed(1)
    x = np.random.normal(3.0, 2.0, size=(20000,))
    assert x.dtype == onp.float32
    assert abs(float(x._data.mean()) - 3.0) < 0.1
    assert abs(float(x._data.std()) - 2.0) < 0.1
    assert np.random.normal(size=(2, 3)).shape == (2, 3)


def test_randint_range_and_dtype():
    np.random.seed(2)
    x = np.random.randint(3, 7, size=(2000,))
    assert x.dtype == onp.int64
    assert set(onp.unique(x._data)) == {3, 4, 5, 6}
    assert np.random.randint(5, size=(3,), dtype='int32').dtype == onp.int32
    y = np.random.randint(5, size=(100,))
    assert y._data.min() >= 0 and y._data.max() < 5


def test_draws_are_fresh_arrays_without_history():
    x = np.random.uniform(size=(3,))
    assert x._node is None

"""The scatter-add kernel (indexing's adjoint): repeated indices accumulate, like np.add.at."""
import numpy as onp
import pytest

from autodiff.kernels import indexing as K
from helpers import FLOATS


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('cols', [1, 3])
def test_scatter_add_rows_matches_add_at(dtype, cols):
    r = onp.random.default_rng(0)
    index = onp.array([0, 2, 2, 4, 0, 2], onp.int64)
    src = r.standard_normal((index.size, cols)).astype(dtype)
    out = onp.zeros((5, cols), dtype)
    K.scatter_add_rows(out, index, src)
    expected = onp.zeros((5, cols), dtype)
    onp.add.at(expected, index, src)
    onp.testing.assert_allclose(out, expected, rtol=1e-6)


def test_scatter_add_rows_empty_index():
    out = onp.ones((3, 2))
    K.scatter_add_rows(out, onp.zeros(0, onp.int64), onp.zeros((0, 2)))
    onp.testing.assert_array_equal(out, onp.ones((3, 2)))

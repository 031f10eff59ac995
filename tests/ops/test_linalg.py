"""dot / matmul / outer against NumPy: every rank combination, batched with broadcasting."""
import numpy as onp
import pytest

from autodiff import np
from helpers import FLOATS, assert_close, layout_pair, sample

MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)),
                 ((2, 1, 2, 3), (4, 3, 2)), ((5, 2, 3), (3,)), ((3,), (5, 3, 4)),
                 ((1, 3), (3, 1)), ((0, 3), (3, 4)), ((2, 0), (0, 4)), ((2, 3), (3, 0))]


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('sa,sb', MATMUL_SHAPES, ids=str)
def test_matmul(sa, sb, dtype):
    a, b = sample(sa, dtype), sample(sb, dtype, seed=1)
    assert_close(np.matmul(np.asarray(a), np.asarray(b)), onp.matmul(a, b), rtol=1e-5 if dtype == onp.float32 else 1e-12)
    assert_close(np.asarray(a) @ np.asarray(b), a @ b, rtol=1e-5 if dtype == onp.float32 else 1e-12)


@pytest.mark.parametrize('sa,sb', [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                                   ((), (2, 3)), ((2, 3), ()), ((), ()), ((4, 2, 3), (3,))], ids=str)
def test_dot(sa, sb):
    a, b = sample(sa), sample(sb, seed=1)
    assert_close(np.dot(np.asarray(a), np.asarray(b)), onp.dot(a, b))
    assert_close(np.asarray(a).dot(np.asarray(b)), onp.dot(a, b))


def test_outer():
    a, b = sample((3,)), sample((2, 2), seed=1)
    assert_close(np.outer(np.asarray(a), np.asarray(b)), onp.outer(a, b))


@pytest.mark.parametrize('layout', ['transposed', 'strided', 'reversed'])
def test_matmul_non_contiguous(layout):
    ra, a = layout_pair(sample((4, 6)), layout)
    rb, b = layout_pair(sample((6, 4), seed=1), layout)
    assert_close(a @ b, ra @ rb)
    assert_close(a.T @ a, ra.T @ ra)


def test_rmatmul_with_numpy_operand():
    """A NumPy array on the left defers to the autodiff array (``__rmatmul__``)."""
    a = sample((2, 3))
    b = sample((3, 2), seed=1)
    assert_close(a @ np.asarray(b), a @ b)
    assert_close(np.asarray(a) @ b, a @ b)

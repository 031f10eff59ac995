"""Gradient checks of indexing: basic, advanced (repeated indices accumulate), boolean masks."""
import numpy as onp
import pytest

from autodiff import np, autograd
from helpers import check_grads

X = onp.random.default_rng(0).standard_normal((4, 5, 6))
KEYS = [0, -1, (1, 2), (1, 2, 3), slice(1, 3), slice(None, None, 2), slice(None, None, -1),
        slice(3, 0, -2), (slice(None), 1), (Ellipsis, 2), (None, 1), (slice(None), None, 2),
        (0, slice(1, 4), slice(None, None, 3)), [0, 2], [3, 3, 0, 3], (Ellipsis, [0, 0, 5]),
        ([0, 1], [2, 3]), ([[0, 1], [2, 2]],), (slice(None), [4, 0, 4]), ([1, 1], slice(None), [0, 5]),
        (0, [1, 1, 2]), (slice(10, 20),)]


@pytest.mark.parametrize('key', KEYS, ids=repr)
def test_indexing_gradients(key):
    check_grads(lambda a: a[key], X)


def test_boolean_mask_gradients():
    mask = X > 0
    check_grads(lambda a: a[mask], X)
    row_mask = onp.array([True, False, True, True])
    check_grads(lambda a: a[row_mask], X)
    check_grads(lambda a: a[np.array(row_mask)][:, 1:3], X)
    check_grads(lambda a: a[:, :, onp.array([True, False] * 3)], X)


def test_repeated_indices_accumulate():
    """x[[0, 0, 2, 0]].sum() gives x[0] a gradient of 3: each use adds."""
    x = np.array([10.0, 20.0, 30.0])
    x.attach_grad()
    with autograd.record():
        y = x[[0, 0, 2, 0]]
    y.backward(np.array([1.0, 2.0, 3.0, 4.0]))
    onp.testing.assert_array_equal(x.grad._data, [7.0, 0.0, 3.0])


def test_repeated_index_pairs_accumulate_in_2d():
    x = np.zeros((3, 3))
    x.attach_grad()
    with autograd.record():
        y = x[onp.array([1, 1, 2]), onp.array([0, 0, 2])]
    y.backward(np.array([1.0, 2.0, 5.0]))
    expected = onp.zeros((3, 3))
    expected[1, 0] = 3.0
    expected[2, 2] = 5.0
    onp.testing.assert_array_equal(x.grad._data, expected)


def test_iteration_rows_get_their_gradients():
    def f(a):
        rows = list(a)
        return rows[0] * rows[2] + rows[0]
    check_grads(f, X[:3, :, 0])


def test_index_of_0d_and_of_int_array_index():
    check_grads(lambda a: a[()], onp.array(1.5))
    idx = np.array(onp.array([2, 0, 2]))                  # int64 autodiff array as index
    check_grads(lambda a: a[idx], X[:, 0, 0])

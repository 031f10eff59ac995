"""``x[key]`` and ``x[key] = v`` against NumPy: basic, advanced and boolean indexing."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import GraphError
from helpers import assert_same, layout_pair, sample

X = sample((4, 5, 6))

KEYS = [
    0, -1, 3, (1, 2), (1, 2, 3), (-1, -2, -3), slice(None), slice(1, 3), slice(None, None, 2),
    slice(None, None, -1), slice(3, 0, -2), (slice(None), 1), (Ellipsis, 2), (1, Ellipsis),
    (None,), (None, 1), (slice(None), None, 2), (Ellipsis, None), (0, slice(1, 4), slice(None, None, 3)),
    slice(10, 20), (slice(None), slice(2, 2)),
]
ADVANCED = [
    [0, 2], [3, 3, 0, 3], [-1, 0], (Ellipsis, [0, 0, 5]), ([0, 1], [2, 3]), ([[0, 1], [2, 3]],),
    (slice(None), [4, 0, 4]), ([1, 1], slice(None), [0, 5]), (0, [1, 1, 2]),
    (onp.array([0, 2]), onp.array([[1], [3]])),
]


@pytest.mark.parametrize('key', KEYS, ids=repr)
def test_basic_indexing(key):
    assert_same(np.asarray(X)[key], X[key])


@pytest.mark.parametrize('key', ADVANCED, ids=repr)
def test_integer_array_indexing(key):
    ref = X[tuple(onp.asarray(k) if isinstance(k, list) else k for k in key)
            if isinstance(key, tuple) else onp.asarray(key)]
    assert_same(np.asarray(X)[key], ref)
    # the index given as an autodiff int64 array (NumPy arrays keep their dtype)
    if isinstance(key, list):
        assert_same(np.asarray(X)[np.array(onp.array(key))], ref)


@pytest.mark.parametrize('mask_of', ['first', 'all', 'first_two', 'last'])
def test_boolean_masks(mask_of):
    r = onp.random.default_rng(0)
    if mask_of == 'first':
        mask = r.random(4) > 0.5
    elif mask_of == 'all':
        mask = X > 0
    elif mask_of == 'first_two':
        mask = r.random((4, 5)) > 0.5
    else:
        mask = (slice(None), slice(None), r.random(6) > 0.5)
    assert_same(np.asarray(X)[mask], X[mask])
    if not isinstance(mask, tuple):
        assert_same(np.asarray(X)[np.asarray(mask)], X[mask])


def test_mask_from_a_comparison():
    x = np.asarray(X)
    assert_same(x[x > 0.5], X[X > 0.5])
    assert_same(x[(x > 0.5) & (x < 1.0)], X[(X > 0.5) & (X < 1.0)])


def test_indexing_0d_and_empty():
    s = np.array(3.0)
    assert_same(s[()], onp.array(3.0, onp.float32))
    assert_same(s[None], onp.array([3.0], onp.float32))
    assert_same(s[...], onp.array(3.0, onp.float32))
    e = np.zeros((0, 3))
    assert_same(e[:, 1], onp.zeros((0,), onp.float32))
    assert_same(np.asarray(X)[[]], X[onp.array([], onp.int64)])


@pytest.mark.parametrize('layout', ['transposed', 'strided', 'reversed', 'broadcast'])
def test_indexing_non_contiguous(layout):
    r, x = layout_pair(sample((4, 6)), layout)
    assert_same(x[1], r[1])
    assert_same(x[:, ::2], r[:, ::2])
    assert_same(x[[0, 0, 3]], r[[0, 0, 3]])
    assert_same(x[x > 0], r[r > 0])


def test_getitem_result_dtype_follows_source():
    x = np.asarray(onp.arange(6, dtype=onp.int32))
    assert x[1:3].dtype == onp.int32
    assert x[[1, 1]].dtype == onp.int32


def test_iteration_yields_rows():
    rows = list(np.asarray(X[:, :, 0]))
    assert len(rows) == 4
    for r, ref in zip(rows, X[:, :, 0]):
        assert_same(r, ref)


@pytest.mark.parametrize('key,value', [(0, 1.0), ((1, 2), onp.arange(6.0)), (slice(None, None, 2), -1.0),
                                       ([0, 2], 5.0), (Ellipsis, 0.0)], ids=repr)
def test_setitem(key, value):
    x = np.asarray(X.copy())
    ref = X.copy()
    x[key] = value
    ref[key] = value
    assert_same(x, ref)


def test_setitem_with_arrays_and_masks():
    x = np.asarray(X.copy())
    ref = X.copy()
    x[x > 0] = 0.0
    ref[ref > 0] = 0.0
    assert_same(x, ref)
    x[1] = np.ones((5, 6))
    ref[1] = 1.0
    assert_same(x, ref)


def test_setitem_refused_on_recorded_array():
    x = np.ones(3)
    x.attach_grad()
    with autograd.record():
        y = x * 2
        with pytest.raises(GraphError, match='computational graph'):
            y[0] = 5.0

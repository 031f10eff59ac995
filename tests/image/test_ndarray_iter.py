"""``autodiff.io.NDArrayIter`` (MXNet's ``mx.io.NDArrayIter``, used by its crash course and
d2l; it lives beside ``ImageIter`` because both are ``io.DataIter``s).

The expected batches came from MXNet 1.9.1 (``mx.io.NDArrayIter`` on the same arrays in the
oracle environment, 2026-12-02): X = arange(20).reshape(10, 2), Y = arange(10), batch 3.
"""
import numpy as onp
import pytest

import autodiff as mx
from autodiff import np
from autodiff.errors import ShapeError

X = onp.arange(20, dtype=onp.float32).reshape(10, 2)
Y = onp.arange(10, dtype=onp.float32)


def _epoch(it):
    """(first data column, labels, pad) per batch of one epoch, then reset()."""
    out = []
    for b in it:
        assert isinstance(b.data[0], np.ndarray) and b.data[0].shape[0] == it.batch_size
        out.append((b.data[0].asnumpy()[:, 0].tolist(), b.label[0].asnumpy().tolist(), b.pad))
    it.reset()
    return out


_E = [([0, 2, 4], [0, 1, 2], 0), ([6, 8, 10], [3, 4, 5], 0), ([12, 14, 16], [6, 7, 8], 0)]
# MXNet 1.9.1, three epochs with reset() between
MXNET_EPOCHS = {
    'pad': [_E + [([18, 0, 2], [9, 0, 1], 2)]] * 3,
    'discard': [_E] * 3,
    'roll_over': [_E,
                  [([18, 0, 2], [9, 0, 1], 1), ([4, 6, 8], [2, 3, 4], 0),
                   ([10, 12, 14], [5, 6, 7], 0)],
                  [([16, 18, 0], [8, 9, 0], 2), ([2, 4, 6], [1, 2, 3], 0),
                   ([8, 10, 12], [4, 5, 6], 0), ([14, 16, 18], [7, 8, 9], 0)]],
}


@pytest.mark.parametrize('handle', ['pad', 'discard', 'roll_over'])
def test_last_batch_handle_matches_mxnet(handle):
    it = mx.io.NDArrayIter(X, Y, 3, last_batch_handle=handle)
    assert [_epoch(it) for _ in range(3)] == MXNET_EPOCHS[handle]


def test_pad_tiles_when_the_batch_exceeds_the_data():
    it = mx.io.NDArrayIter(X[:2], Y[:2], 5)
    assert _epoch(it) == [([0, 2, 0, 2, 0], [0, 1, 0, 1, 0], 3)]      # MXNet 1.9.1


def test_names_dtypes_and_provide_data():
    it = mx.io.NDArrayIter(X, Y, 3, data_name='x', label_name='y')
    assert [(d.name, d.shape, d.dtype) for d in it.provide_data] == [('x', (3, 2), onp.float32)]
    assert [(d.name, d.shape) for d in it.provide_label] == [('y', (3,))]
    # MXNet 1.9.1: a dict is sorted by name; a list is named _0_<name>, _1_<name>
    it = mx.io.NDArrayIter({'b': X, 'a': Y}, [Y, Y], 3)
    assert [(d.name, d.shape) for d in it.provide_data] == [('a', (3,)), ('b', (3, 2))]
    assert [d.name for d in it.provide_label] == ['_0_softmax_label', '_1_softmax_label']
    # MXNet 1.9.1: NumPy arrays of any dtype become float32; no label gives label == []
    it = mx.io.NDArrayIter(onp.arange(6), None, 4)
    b = it.next()
    assert b.data[0].dtype == onp.float32 and b.label == [] and it.provide_label == []
    assert b.data[0].asnumpy().tolist() == [0, 1, 2, 3]
    # the batch axis follows layout (MXNet 1.9.1: provide_data (2, 2, 3) for 'TNC')
    it = mx.io.NDArrayIter(onp.arange(24).reshape(2, 4, 3), None, 2, layout='TNC')
    assert it.provide_data[0].shape == (2, 2, 3)
    onp.testing.assert_array_equal(it.next().data[0].asnumpy(),
                                   onp.arange(24).reshape(2, 4, 3)[:, :2])


def test_autodiff_arrays_keep_their_dtype():
    # (MXNet 1.9.1 fails on an mx.np array here: 'ndarray object has no attribute slice_axis')
    it = mx.io.NDArrayIter(np.array(onp.arange(4, dtype=onp.int32)), batch_size=2)
    b = it.next()
    assert b.data[0].dtype == onp.int32 and b.data[0].asnumpy().tolist() == [0, 1]


def test_shuffle_with_a_seed_is_a_reproducible_permutation():
    def epochs():
        mx.random.seed(3)
        it = mx.io.NDArrayIter(X, Y, 5, shuffle=True)
        return [_epoch(it) for _ in range(2)]
    first = epochs()
    assert first == epochs()
    for epoch in first:
        labels = [y for _, ys, _ in epoch for y in ys]
        assert sorted(labels) == list(range(10))
        for xs, ys, _ in epoch:                       # rows stay with their labels
            assert xs == [2 * y for y in ys]
    assert [y for _, ys, _ in first[0] for y in ys] != list(range(10))   # seed 3 shuffles


def test_hard_reset_drops_the_rolled_over_samples():
    it = mx.io.NDArrayIter(X, Y, 3, last_batch_handle='roll_over')
    list(it)
    it.hard_reset()
    assert _epoch(it) == MXNET_EPOCHS['roll_over'][0]


def test_bad_input_names_the_argument():
    with pytest.raises(ShapeError, match='same number of samples'):
        mx.io.NDArrayIter(X, Y[:5], 3)       # (MXNet 1.9.1 accepts this silently)
    with pytest.raises(ValueError, match='last_batch_handle'):
        mx.io.NDArrayIter(X, Y, 3, last_batch_handle='wrap')
    with pytest.raises(ValueError, match='batch_size'):
        mx.io.NDArrayIter(X, Y, 0)
    with pytest.raises(ValueError, match='data must be given'):
        mx.io.NDArrayIter(None)
    with pytest.raises(ShapeError, match="'_0_data' is a scalar"):
        mx.io.NDArrayIter([1.0, 2.0], batch_size=1)      # a list holds arrays, as in MXNet


def _labels(it):
    return [(b.label[0].asnumpy().tolist(), b.pad) for b in it]


def test_resize_iter_matches_mxnet():
    # MXNet 1.9.1: 5 batches of 4 out of 10 samples, the wrapped iterator restarted inside
    want = [([0, 1, 2, 3], 0), ([4, 5, 6, 7], 0), ([8, 9, 0, 1], 2), ([0, 1, 2, 3], 0),
            ([4, 5, 6, 7], 0)]
    it = mx.io.ResizeIter(mx.io.NDArrayIter(X, Y, 4), 5)
    assert it.provide_data == it.data_iter.provide_data and it.batch_size == 4
    assert _labels(it) == want
    it.reset()
    assert _labels(it) == want
    it = mx.io.ResizeIter(mx.io.NDArrayIter(X, Y, 4), 2, reset_internal=False)
    assert [ys for ys, _ in _labels(it)] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    it.reset()
    assert [ys for ys, _ in _labels(it)] == [[8, 9, 0, 1], [0, 1, 2, 3]]   # MXNet 1.9.1


def test_prefetching_iter_matches_mxnet():
    p = mx.io.PrefetchingIter([mx.io.NDArrayIter({'data': X}, Y, 4),
                               mx.io.NDArrayIter({'data': X * 10}, None, 4)],
                              rename_data=[{'data': 'd1'}, {'data': 'd2'}])
    assert [(d.name, d.shape) for d in p.provide_data] == [('d1', (4, 2)), ('d2', (4, 2))]
    assert [d.name for d in p.provide_label] == ['softmax_label'] and p.batch_size == 4
    # MXNet 1.9.1, two epochs with reset() between
    want = [([[0, 2, 4, 6], [0, 20, 40, 60]], [[0, 1, 2, 3]], 0),
            ([[8, 10, 12, 14], [80, 100, 120, 140]], [[4, 5, 6, 7]], 0),
            ([[16, 18, 0, 2], [160, 180, 0, 20]], [[8, 9, 0, 1]], 2)]
    for _ in range(2):
        got = [([d.asnumpy()[:, 0].tolist() for d in b.data],
                [lab.asnumpy().tolist() for lab in b.label], b.pad) for b in p]
        assert got == want
        p.reset()
    with pytest.raises(ValueError, match="no new name for 'data'"):
        mx.io.PrefetchingIter([mx.io.NDArrayIter(X, Y, 4)], rename_data=[{'x': 'y'}])
    p = mx.io.PrefetchingIter([mx.io.NDArrayIter(X, Y, 4), mx.io.NDArrayIter(X[:4], Y[:4], 4)])
    p.next()
    with pytest.raises(ValueError, match='do not line up'):
        p.next()

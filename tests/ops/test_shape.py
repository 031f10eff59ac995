"""Shape ops against NumPy: values, shapes, dtypes; views where NumPy makes views."""
import numpy as onp
import pytest

from autodiff import np
from helpers import assert_same, layout_pair, sample

X = sample((2, 3, 4))


def a():
    return np.asarray(X.copy())


@pytest.mark.parametrize('shape', [(6, 4), (24,), (-1,), (4, -1), (2, 3, 4), (1, 24, 1), (-1, 2, 2)],
                         ids=str)
def test_reshape(shape):
    assert_same(np.reshape(a(), shape), X.reshape(shape))
    assert_same(a().reshape(shape), X.reshape(shape))
    assert_same(a().reshape(*shape), X.reshape(shape))


def test_reshape_of_0d_and_empty():
    assert_same(np.array(3.0).reshape(1, 1), onp.ones((1, 1), onp.float32) * 3)
    assert_same(np.zeros((0, 3)).reshape(3, 0), onp.zeros((3, 0), onp.float32))
    assert_same(np.ones((1,)).reshape(()), onp.ones((), onp.float32))


@pytest.mark.parametrize('axes', [None, (0, 1, 2), (2, 0, 1), (1, 0, 2), (-1, 0, 1)], ids=str)
def test_transpose(axes):
    assert_same(np.transpose(a(), axes), onp.transpose(X, axes))
    if axes is not None:
        assert_same(a().transpose(*axes), onp.transpose(X, axes))
        assert_same(a().transpose(axes), onp.transpose(X, axes))
    assert_same(a().T, X.T)


@pytest.mark.parametrize('i,j', [(0, 1), (0, 2), (-1, 0), (1, 1)])
def test_swapaxes(i, j):
    assert_same(np.swapaxes(a(), i, j), onp.swapaxes(X, i, j))
    assert_same(a().swapaxes(i, j), onp.swapaxes(X, i, j))


@pytest.mark.parametrize('src,dst', [(0, 2), (2, 0), (-1, 1)])
def test_moveaxis(src, dst):
    assert_same(np.moveaxis(a(), src, dst), onp.moveaxis(X, src, dst))


@pytest.mark.parametrize('axis', [0, 1, 3, -1, -4])
def test_expand_dims(axis):
    assert_same(np.expand_dims(a(), axis), onp.expand_dims(X, axis))
    assert_same(a().expand_dims(axis), onp.expand_dims(X, axis))


@pytest.mark.parametrize('shape,axis', [((1, 3, 1), None), ((1, 3, 1), 0), ((1, 3, 1), -1),
                                        ((1, 3, 1), (0, 2)), ((1,), None), ((1, 1), None),
                                        ((3,), None)], ids=str)
def test_squeeze(shape, axis):
    x = sample(shape)
    assert_same(np.squeeze(np.asarray(x), axis), onp.squeeze(x, axis))
    assert_same(np.asarray(x).squeeze(axis), onp.squeeze(x, axis))


@pytest.mark.parametrize('axis', [0, 1, 2, -1])
def test_concatenate(axis):
    parts = [sample((2, 3, 4), seed=s) for s in range(3)]
    assert_same(np.concatenate([np.asarray(p) for p in parts], axis=axis),
                onp.concatenate(parts, axis=axis))


def test_concatenate_mixed_sizes_and_dtypes():
    p, q = sample((2, 3)), sample((4, 3), onp.float32, seed=1)
    assert_same(np.concatenate([np.asarray(p), np.asarray(q)]), onp.concatenate([p, q]))
    assert_same(np.concatenate((np.asarray(p), np.zeros((0, 3), dtype='float64'))), p)
    assert_same(np.concatenate([np.asarray(p)], axis=1), p)


@pytest.mark.parametrize('axis', [0, 1, 2, -1, -3])
def test_stack(axis):
    parts = [sample((2, 3), seed=s) for s in range(4)]
    assert_same(np.stack([np.asarray(p) for p in parts], axis=axis), onp.stack(parts, axis=axis))


def test_stack_of_0d():
    assert_same(np.stack([np.array(1.0), np.array(2.0)]), onp.array([1.0, 2.0], onp.float32))


@pytest.mark.parametrize('spec,axis', [(2, 0), (3, 1), (4, 2), (1, 0), ([1, 3], 2), ([1], 1),
                                       ([0, 0, 2], 1), (2, -3), ([2, 10], 2)], ids=str)
def test_split(spec, axis):
    outs = np.split(a(), spec, axis=axis)
    refs = onp.split(X, spec, axis=axis)
    assert len(outs) == len(refs)
    for o, r in zip(outs, refs):
        assert_same(o, r)


@pytest.mark.parametrize('shape', [(2, 3, 4), (5, 2, 3, 4), (2, 1, 4), (1, 1, 1, 4)], ids=str)
def test_broadcast_to(shape):
    x = sample((1, 4))
    assert_same(np.broadcast_to(np.asarray(x), shape), onp.broadcast_to(x, shape))


def test_broadcast_to_from_0d_and_int_shape():
    assert_same(np.broadcast_to(np.array(2.0), (2, 2)), onp.full((2, 2), 2.0, onp.float32))
    assert_same(np.broadcast_to(np.ones(1), 3), onp.ones(3, onp.float32))


@pytest.mark.parametrize('axis', [None, 0, 1, -1, (0, 2)], ids=str)
def test_flip(axis):
    assert_same(np.flip(a(), axis), onp.flip(X, axis))


@pytest.mark.parametrize('reps', [2, (2,), (1, 2), (2, 1, 1), (2, 2, 2, 2), (0, 1), 1], ids=str)
def test_tile(reps):
    x = sample((2, 3))
    assert_same(np.tile(np.asarray(x), reps), onp.tile(x, reps))
    assert_same(np.asarray(x).tile(reps), onp.tile(x, reps))


@pytest.mark.parametrize('repeats,axis', [(2, None), (3, 0), (2, 1), (1, -1), (0, 0)], ids=str)
def test_repeat(repeats, axis):
    x = sample((2, 3))
    assert_same(np.repeat(np.asarray(x), repeats, axis), onp.repeat(x, repeats, axis))
    assert_same(np.asarray(x).repeat(repeats, axis), onp.repeat(x, repeats, axis))


def test_ravel_and_flatten():
    assert_same(np.ravel(a()), X.ravel())
    assert_same(a().flatten(), X.flatten())
    assert_same(np.array(2.0).flatten(), onp.array([2.0], onp.float32))


@pytest.mark.parametrize('layout', ['transposed', 'strided', 'reversed', 'broadcast'])
def test_shape_ops_on_non_contiguous(layout):
    r, x = layout_pair(sample((3, 4)), layout)
    assert_same(x.reshape(-1), r.reshape(-1))
    assert_same(x.T.reshape(2, 6), r.T.reshape(2, 6))
    assert_same(np.concatenate([x, x], axis=1), onp.concatenate([r, r], axis=1))
    assert_same(np.flip(x, 1), onp.flip(r, 1))
    assert_same(np.tile(x, 2), onp.tile(r, 2))
    assert_same(np.repeat(x, 2, 0), onp.repeat(r, 2, 0))


def test_reshape_of_a_view_does_not_alias_wrongly():
    """Writing into a reshaped non-contiguous array never changes the source silently."""
    x = np.asarray(onp.arange(12.0).reshape(3, 4))
    y = x.T.reshape(-1)
    assert_same(y, onp.arange(12.0).reshape(3, 4).T.reshape(-1))

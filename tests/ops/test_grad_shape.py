"""Gradient checks of shape ops (the backward is the inverse data movement)."""
import numpy as onp
import pytest

from autodiff import np
from helpers import check_grads

R = onp.random.default_rng(0)
X = R.standard_normal((2, 3, 4))

CASES = {
    'reshape': lambda a: a.reshape(4, 6),
    'reshape_-1': lambda a: np.reshape(a, (-1, 2)),
    'transpose': lambda a: np.transpose(a),
    'transpose_axes': lambda a: np.transpose(a, (1, 2, 0)),
    'T': lambda a: a.T,
    'swapaxes': lambda a: np.swapaxes(a, 0, 2),
    'moveaxis': lambda a: np.moveaxis(a, 0, -1),
    'expand_dims': lambda a: np.expand_dims(a, 1),
    'expand_squeeze': lambda a: np.squeeze(np.expand_dims(a, -1)),
    'squeeze_axis': lambda a: np.squeeze(a[:, :1], axis=1),
    'flip': lambda a: np.flip(a, 1),
    'flip_all': lambda a: np.flip(a),
    'flip_tuple': lambda a: np.flip(a, (0, 2)),
    'broadcast_to': lambda a: np.broadcast_to(a[:, :1], (5, 2, 3, 4)),
    'tile': lambda a: np.tile(a, (2, 1, 3)),
    'tile_more_dims': lambda a: np.tile(a, (2, 1, 1, 2)),
    'tile_int': lambda a: np.tile(a, 2),
    'repeat_flat': lambda a: np.repeat(a, 2),
    'repeat_axis': lambda a: np.repeat(a, 3, axis=1),
    'repeat_last': lambda a: a.repeat(2, axis=-1),
    'ravel': lambda a: np.ravel(a),
    'flatten': lambda a: a.flatten(),
    'copy': lambda a: a.copy() * 1.0,
    'astype': lambda a: a.astype('float64') * 2,
}


@pytest.mark.parametrize('name', list(CASES))
def test_shape_op_gradients(name):
    check_grads(CASES[name], X)


@pytest.mark.parametrize('axis', [0, 1, -1])
def test_concatenate_gradients(axis):
    r = onp.random.default_rng(1)
    a, b, c = r.standard_normal((2, 3)), r.standard_normal((2, 3)), r.standard_normal((2, 3))
    check_grads(lambda x, y, z: np.concatenate([x, y, z], axis=axis), a, b, c)


def test_concatenate_unequal_sizes_and_constants():
    r = onp.random.default_rng(2)
    const = np.array(onp.ones((1, 3)), dtype='float64')
    check_grads(lambda x, y: np.concatenate([x, const, y, x]), r.standard_normal((2, 3)),
                r.standard_normal((4, 3)))


@pytest.mark.parametrize('axis', [0, 1, 2, -1])
def test_stack_gradients(axis):
    r = onp.random.default_rng(3)
    check_grads(lambda x, y: np.stack([x, y, x], axis=axis), r.standard_normal((2, 3)),
                r.standard_normal((2, 3)))


@pytest.mark.parametrize('spec,axis', [(2, 0), (3, 1), ([1, 3], 2), ([0, 0, 2], 1), ([2, 10], 2)],
                         ids=str)
def test_split_gradients(spec, axis):
    check_grads(lambda a: np.split(a, spec, axis=axis), X)


def test_split_with_unused_outputs():
    """Only some outputs reach the head: the others contribute zero gradient."""
    check_grads(lambda a: np.split(a, 3, axis=1)[1] * 2, X)
    check_grads(lambda a: np.split(a, [1], axis=2)[0].sum() + np.split(a, 2)[1].sum(), X)


def test_0d_shape_gradients():
    check_grads(lambda a: a.reshape(1, 1), onp.array(2.0))
    check_grads(lambda a: np.expand_dims(a, 0), onp.array(2.0))
    check_grads(lambda a: np.broadcast_to(a, (2, 3)), onp.array(2.0))
    check_grads(lambda a: np.stack([a, a * 2]), onp.array(2.0))

"""Creation functions against NumPy: values, shapes and MXNet's float32 default dtype."""
import numpy as onp
import pytest

from autodiff import np
from autodiff.errors import DTypeError
from helpers import assert_same

f32 = onp.float32


def test_array_from_nested_lists_and_scalars():
    assert_same(np.array([[1, 2], [3, 4]]), onp.array([[1, 2], [3, 4]], f32))
    assert_same(np.array(5), onp.array(5, f32))
    assert_same(np.array([]), onp.array([], f32))
    assert_same(np.array([[True, False]]), onp.array([[1.0, 0.0]], f32))
    assert_same(np.array(onp.arange(6).reshape(2, 3)), onp.arange(6).reshape(2, 3))


def test_array_copies_and_asarray_does_not():
    base = onp.arange(3.0)
    a = np.array(base)
    base[0] = 7
    assert a._data[0] == 0                        # array copies
    b = np.asarray(base)
    base[1] = 9
    assert b._data[1] == 9                        # asarray shares a NumPy array of the same dtype
    x = np.array([1.0, 2.0])
    assert np.asarray(x) is x
    y = np.array(x)
    assert y is not x and not onp.shares_memory(y._data, x._data)
    assert np.asarray(x, dtype='float64').dtype == onp.float64


@pytest.mark.parametrize('fn,ref', [(np.zeros, onp.zeros), (np.ones, onp.ones)])
@pytest.mark.parametrize('shape', [3, (), (0,), (2, 3), (2, 0, 4), [2, 2]], ids=str)
def test_zeros_ones(fn, ref, shape):
    assert_same(fn(shape), ref(shape, f32))
    assert_same(fn(shape, dtype='int32'), ref(shape, onp.int32))
    assert_same(fn(shape, dtype=onp.float64), ref(shape, onp.float64))


def test_full():
    assert_same(np.full((2, 3), 7), onp.full((2, 3), 7, f32))
    assert_same(np.full(2, 1.5, dtype='float64'), onp.full(2, 1.5))
    assert_same(np.full((), onp.nan), onp.full((), onp.nan, f32))
    assert_same(np.full((2,), 3, dtype='int64'), onp.full((2,), 3, onp.int64))
    assert_same(np.full((2, 2), np.array([1.0, 2.0])), onp.full((2, 2), [1.0, 2.0], f32))


def test_empty_has_shape_and_dtype():
    e = np.empty((2, 3))
    assert e.shape == (2, 3) and e.dtype == f32
    e = np.empty(4, dtype='int64')
    assert e.shape == (4,) and e.dtype == onp.int64


@pytest.mark.parametrize('dtype', [onp.float32, onp.float64, onp.int64])
def test_like_functions_keep_shape_and_dtype(dtype):
    x = np.asarray(onp.arange(6, dtype=dtype).reshape(2, 3))
    assert_same(np.zeros_like(x), onp.zeros((2, 3), dtype))
    assert_same(np.ones_like(x), onp.ones((2, 3), dtype))
    assert_same(np.full_like(x, 4), onp.full((2, 3), 4, dtype))
    assert_same(np.zeros_like(x, dtype='float64'), onp.zeros((2, 3)))
    assert np.empty_like(x).shape == (2, 3) and np.empty_like(x).dtype == dtype


def test_like_functions_have_no_history():
    from autodiff import autograd
    x = np.ones(3)
    x.attach_grad()
    with autograd.record():
        z = np.zeros_like(x)
    assert z._node is None


@pytest.mark.parametrize('args,kwargs', [((5,), {}), ((2, 7), {}), ((0, 1, 0.25), {}),
                                         ((5, 1, -1), {}), ((3,), {'dtype': 'int64'}),
                                         ((1.5, 4.0, 0.5), {}), ((0,), {})], ids=str)
def test_arange(args, kwargs):
    dtype = kwargs.get('dtype', f32)
    assert_same(np.arange(*args, **kwargs), onp.arange(*args).astype(dtype))


@pytest.mark.parametrize('args,kwargs', [((0, 1), {}), ((0, 1, 5), {}), ((2, -3, 7), {}),
                                         ((0, 1, 4), {'endpoint': False}), ((0, 1, 1), {}),
                                         ((0, 10, 5), {'dtype': 'float64'}), ((0, 1, 0), {})], ids=str)
def test_linspace(args, kwargs):
    dtype = kwargs.pop('dtype', f32)
    assert_same(np.linspace(*args, **kwargs, dtype=dtype),
                onp.linspace(*args, **kwargs).astype(dtype))


def test_linspace_retstep():
    out, step = np.linspace(0, 1, 5, retstep=True)
    assert_same(out, onp.linspace(0, 1, 5).astype(f32))
    assert step == 0.25


@pytest.mark.parametrize('args', [(3,), (2, 4), (4, 3, 1), (3, 3, -1), (0,)], ids=str)
def test_eye(args):
    assert_same(np.eye(*args), onp.eye(*args, dtype=f32))
    assert_same(np.eye(*args, dtype='int32'), onp.eye(*args, dtype=onp.int32))
    assert_same(np.identity(3), onp.identity(3, f32))


@pytest.mark.parametrize('fn', [np.zeros, np.ones, np.empty, lambda s, dtype: np.full(s, 1, dtype)])
@pytest.mark.parametrize('dtype', ['complex64', 'str', object])
def test_unsupported_dtype_names_the_dtype(fn, dtype):
    with pytest.raises(DTypeError) as info:
        fn((2,), dtype=dtype)
    text = str(info.value)
    assert 'dtype' in text or 'not supported' in text


def test_negative_shape_is_a_value_error():
    with pytest.raises(ValueError, match='negative dimensions'):
        np.zeros((2, -1))
    with pytest.raises(TypeError, match='shape'):
        np.ones('abc')

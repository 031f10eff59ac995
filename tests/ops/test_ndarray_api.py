"""ndarray methods and dunders against NumPy: conversions, operators, in-place forms, repr."""
import operator

import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import GraphError
from helpers import assert_close, assert_same, sample

A = sample((2, 3), onp.float32, 0.5, 2.0)
B = sample((3,), onp.float32, 0.5, 2.0, seed=1)


def x():
    return np.asarray(A.copy())


def test_attributes():
    a = x()
    assert a.shape == (2, 3) and a.ndim == 2 and a.size == 6 and a.dtype == onp.float32
    assert_same(a.T, A.T)
    assert len(a) == 2


def test_astype_and_copy():
    a = x()
    assert_same(a.astype('float64'), A.astype(onp.float64))
    assert_same(a.astype(onp.int32), A.astype(onp.int32))
    c = a.copy()
    assert_same(c, A)
    c[0, 0] = 100
    assert a._data[0, 0] == A[0, 0]
    assert a.astype('float32', copy=False) is a


def test_conversions():
    a = x()
    assert a.tolist() == A.tolist()
    assert onp.array_equal(onp.asarray(a), A)
    assert onp.asarray(a, dtype=onp.float64).dtype == onp.float64
    assert a.asnumpy() is not a._data and onp.array_equal(a.asnumpy(), A)
    s = np.array([2.5])
    assert s.item() == 2.5 and float(s) == 2.5 and int(s) == 2 and bool(s) is True
    assert bool(np.array(0.0)) is False
    assert int(np.array(onp.array([7]))) == 7
    assert a.item(1) == A.item(1)
    assert np.array(onp.array(3)).__index__() == 3


def test_size1_conversions_refuse_larger_arrays():
    a = x()
    with pytest.raises(TypeError, match='size-1'):
        float(a)
    with pytest.raises(TypeError, match='size-1'):
        int(a)
    with pytest.raises(ValueError, match='ambiguous'):
        bool(a)
    with pytest.raises(TypeError, match='0-d'):
        len(np.array(1.0))
    with pytest.raises(TypeError, match='0-d'):
        iter(np.array(1.0)).__next__()


def test_flatten_and_squeeze():
    assert_same(x().flatten(), A.flatten())
    assert_same(np.ones((1, 3, 1)).squeeze(), onp.ones(3, onp.float32))
    assert_same(np.ones((1, 3, 1)).squeeze(0), onp.ones((3, 1), onp.float32))


OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow, operator.mod]


@pytest.mark.parametrize('op', OPS, ids=lambda o: o.__name__)
def test_forward_and_reflected_operators(op):
    assert_close(op(x(), np.asarray(B)), op(A, B))
    assert_close(op(x(), 1.5), op(A, onp.float32(1.5)))
    assert_close(op(1.5, x()), op(onp.float32(1.5), A))
    assert_close(op(x(), 2), op(A, onp.float32(2)))
    assert_close(op(2, x()), op(onp.float32(2), A))
    # a NumPy array on the left defers to the autodiff array
    out = op(B, x())
    assert_close(out, op(B, A))


@pytest.mark.parametrize('op,iop', [(operator.add, operator.iadd), (operator.sub, operator.isub),
                                    (operator.mul, operator.imul), (operator.truediv, operator.itruediv),
                                    (operator.pow, operator.ipow), (operator.mod, operator.imod)],
                         ids=lambda o: o.__name__)
def test_in_place_operators(op, iop):
    for other, ref_other in ((1.5, onp.float32(1.5)), (np.asarray(B), B)):
        a = x()
        buf = a._data
        b = iop(a, other)
        assert b is a and a._data is buf                      # really in place
        assert_close(a, op(A, ref_other))


def test_in_place_keeps_dtype_and_refuses_shape_change():
    a = np.asarray(onp.array([1, 2, 3]))
    a += 1
    assert_same(a, onp.array([2, 3, 4]))
    with pytest.raises(ValueError, match='shape'):
        b = np.ones(3)
        b += np.ones((2, 3))


def test_in_place_refused_inside_record_on_graph_arrays():
    a = np.ones(3)
    a.attach_grad()
    with autograd.record():
        with pytest.raises(GraphError, match='computational graph'):
            a += 1


def test_unary_dunders():
    assert_same(-x(), -A)
    assert_same(+x(), A)
    assert_same(abs(np.asarray(-A)), A)
    assert_close(x() ** 2, A ** 2)
    assert_close(2 ** x(), onp.float32(2) ** A)
    assert_close(x() // 0.7, onp.floor(A / onp.float32(0.7)))


def test_matmul_operator():
    m = sample((3, 4), onp.float32, seed=2)
    assert_close(x() @ np.asarray(m), A @ m, rtol=1e-6)
    assert_close(x() @ np.asarray(B), A @ B, rtol=1e-6)


@pytest.mark.parametrize('op', [operator.eq, operator.ne, operator.lt, operator.le, operator.gt,
                                operator.ge], ids=lambda o: o.__name__)
def test_comparison_operators(op):
    assert_same(op(x(), np.asarray(B)), op(A, B))
    assert_same(op(x(), 1.0), op(A, onp.float32(1.0)))
    assert_same(op(1.0, x()), op(onp.float32(1.0), A))


def test_arrays_are_unhashable():
    with pytest.raises(TypeError):
        hash(x())


def test_reduction_and_shape_methods():
    a = x()
    assert_close(a.sum(), A.astype(onp.float64).sum().astype(onp.float32))
    assert_close(a.mean(axis=0), A.mean(axis=0))
    assert_close(a.max(axis=1, keepdims=True), A.max(axis=1, keepdims=True))
    assert_close(a.min(), A.min())
    assert_close(a.prod(axis=-1), A.prod(axis=-1), rtol=1e-6)
    assert_same(a.argmax(axis=1), A.argmax(axis=1))
    assert_same(a.argmin(), A.argmin())
    assert_same(a.clip(0.7, 1.5), onp.clip(A, 0.7, 1.5))
    assert_same(a.reshape((3, 2)), A.reshape(3, 2))
    assert_same(a.transpose(), A.T)
    assert_same(a.swapaxes(0, 1), A.swapaxes(0, 1))
    assert_same(a.repeat(2), A.repeat(2))
    assert_same(a.tile((2, 1)), onp.tile(A, (2, 1)))
    assert_same(a.expand_dims(0), A[None])


@pytest.mark.parametrize('value,text', [
    (onp.array([[1.0, 2.0], [3.0, 4.0]], onp.float32), 'array([[1., 2.],\n       [3., 4.]])'),
    (onp.array([1.5], onp.float64), 'array([1.5], dtype=float64)'),
    (onp.array([1, 2], onp.int64), 'array([1, 2], dtype=int64)'),
    (onp.array([True, False]), 'array([ True, False])'),
    (onp.array(2.0, onp.float32), 'array(2.)'),
    (onp.zeros((0,), onp.float32), 'array([])'),
    (onp.zeros((0, 2), onp.float64), 'array([], shape=(0, 2), dtype=float64)'),
    (onp.array([1, 2], onp.int32), 'array([1, 2], dtype=int32)'),
], ids=str)
def test_repr_as_mxnet(value, text):
    assert repr(np.asarray(value)) == text


def test_str_is_numpy_str():
    assert str(x()) == str(A)

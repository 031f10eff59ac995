"""Gradient checks of binary ops: broadcasting pairs (gradients summed back), Python scalars on
either side, where, clip, mixed float32/float64 operands."""
import operator

import numpy as onp
import pytest

from autodiff import np, autograd
from helpers import BINARY, check_grads

PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)), ((3, 1), (1, 4)), ((3, 4), ()),
         ((), (3, 4)), ((2, 3, 4), (3, 1)), ((2, 1, 4), (1, 3, 1)), ((1,), (2, 2)), ((), ())]


IDS = [b.name for b in BINARY]


@pytest.mark.parametrize('sa,sb', PAIRS, ids=str)
@pytest.mark.parametrize('row', BINARY, ids=IDS)
def test_binary_gradients_with_broadcasting(row, sa, sb):
    a, b = row.points(sa, sb, seed=len(sa) + 3 * len(sb))
    check_grads(row.fn, a, b)


@pytest.mark.parametrize('row', BINARY, ids=IDS)
def test_same_array_on_both_sides(row):
    """``f(x, x)``: both gradient contributions accumulate into x."""
    a, b = row.points((5,), (5,))
    if row.name == 'mod':
        a = onp.linspace(1.0, 2.0, 5)
    check_grads(lambda x: row.fn(x, x), b if row.name in ('power', 'divide') else a)


@pytest.mark.parametrize('row', BINARY, ids=IDS)
def test_python_scalar_on_either_side(row):
    """``f(x, s)`` and ``f(s, x)``: the scalar is an op parameter; x is drawn as the operand
    it replaces."""
    a, b = row.points((3, 4), (3, 4), seed=1)
    check_grads(lambda x: row.fn(x, row.right), a)
    check_grads(lambda x: row.fn(row.left, x), b)


OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow]


@pytest.mark.parametrize('op', OPERATORS, ids=lambda o: o.__name__)
def test_operator_forms(op):
    r = onp.random.default_rng(4)
    a, b = r.uniform(0.5, 2, (2, 3)), r.uniform(0.5, 2, (3,))
    check_grads(lambda x, y: op(x, y), a, b)
    check_grads(lambda x: op(x, 1.7), a)
    check_grads(lambda x: op(1.7, x), a)


def test_negative_base_integer_exponent():
    """x ** 3 and x ** 2 for negative x are smooth (no log of a negative number involved)."""
    x = onp.array([-1.5, -0.7, 0.4, 1.2])
    check_grads(lambda a: a ** 3, x)
    check_grads(lambda a: a ** 2, x)
    check_grads(lambda a: np.square(a) * a, x)


@pytest.mark.parametrize('shapes', [((3, 4),) * 3, ((3, 1), (1, 4), ()), ((4,), (3, 4), (3, 1)),
                                    ((), (2,), (2,))], ids=str)
def test_where_gradients(shapes):
    sc, sa, sb = shapes
    cond = np.array(onp.random.default_rng(0).random(sc) > 0.5)
    r = onp.random.default_rng(1)
    grads = check_grads(lambda a, b: np.where(cond, a, b), r.standard_normal(sa), r.standard_normal(sb))
    assert grads[0].shape == sa and grads[1].shape == sb


def test_where_gradient_values():
    """The selected branch gets the upstream gradient, the other gets zero."""
    cond = np.array(onp.array([True, False, True]))
    a, b = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = np.where(cond, a, b)
    y.backward(np.array([10.0, 20.0, 30.0]))
    onp.testing.assert_array_equal(a.grad._data, [10.0, 0.0, 30.0])
    onp.testing.assert_array_equal(b.grad._data, [0.0, 20.0, 0.0])


@pytest.mark.parametrize('lo,hi', [(-1.0, 1.0), (None, 0.5), (-0.5, None)], ids=str)
def test_clip_gradients(lo, hi):
    x = onp.array([-1.7, -0.8, -0.3, 0.2, 0.7, 1.4, 2.0])     # none within 0.05 of a bound
    grads = check_grads(lambda a: np.clip(a, lo, hi), x)
    lo_, hi_ = -onp.inf if lo is None else lo, onp.inf if hi is None else hi
    assert grads[0].shape == x.shape
    assert not grads[0][(x < lo_) | (x > hi_)].any()


def test_mixed_precision_gradients_have_each_leafs_dtype():
    """float32 and float64 leaves in one graph: each gradient has its own leaf's dtype."""
    a = np.array([1.0, 2.0, 3.0])                              # float32
    b = np.array(onp.array([0.5, 1.5, 2.5]))                   # float64
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = (a * b + a).sum()
    assert y.dtype == onp.float64
    y.backward()
    assert a.grad.dtype == onp.float32 and b.grad.dtype == onp.float64
    onp.testing.assert_allclose(a.grad._data, [1.5, 2.5, 3.5])
    onp.testing.assert_allclose(b.grad._data, [1.0, 2.0, 3.0])


def test_gradient_flows_through_an_integer_constant():
    """An int64 operand is a constant: the float leaf still gets its gradient."""
    a = np.array([1.0, 2.0, 3.0])
    k = np.array(onp.array([2, 3, 4]))
    a.attach_grad()
    with autograd.record():
        y = (a * k).sum()
    y.backward()
    assert a.grad.dtype == onp.float32
    onp.testing.assert_array_equal(a.grad._data, [2.0, 3.0, 4.0])

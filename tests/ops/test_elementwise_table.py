"""Tests generated from the elementwise op tables (``tests/helpers/optable.py``), one row per op.

Unary rows: forward values against NumPy (float32/float64, 0-d to 2-D, empty), every
non-contiguous layout, special values (NaN, ±inf, ±0, huge, tiny; signed zeros), integer and
bool inputs (kept dtype or float32), float16, gradients against central differences
(float64; zero for piecewise-constant ops), float32 gradients, bad input.  Predicates:
values and bool dtype.  Binary rows: integer dtype rules and bad input here; values over
broadcast pairs and special-value pairs in ``tests/kernels/test_binary_kernels.py``,
gradients (broadcasting, scalar forms) in ``test_grad_binary.py``; second order for every
row in ``tests/autograd/test_higher_order_ops.py``.
"""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import DTypeError, ShapeError
from helpers import (FLOATS, LAYOUTS, UNARY, ZERO_GRAD, SPECIAL, BINARY, PREDICATES,
                     NONDIFF_BINARY, assert_close, assert_same, layout_pair, check_grads)

U_IDS = [u.name for u in UNARY]
B_IDS = [b.name for b in BINARY]
P_IDS = [p.name for p in PREDICATES]


def _ref(f, *x):
    with onp.errstate(all='ignore'):
        return f(*x)


# ---- unary rows ------------------------------------------------------------------------------
@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('u', UNARY, ids=U_IDS)
def test_unary_values_match_numpy(u, dtype):
    for shape in [(), (0,), (7,), (3, 4)]:
        x = u.points(shape).astype(dtype)
        assert_close(u.fn(np.asarray(x)), _ref(u.ref, x))


@pytest.mark.parametrize('u', UNARY, ids=U_IDS)
def test_unary_non_contiguous_inputs(u):
    for layout in LAYOUTS[1:]:
        ref, a = layout_pair(u.points((4, 6)).astype(onp.float32), layout)
        assert not a._data.flags.c_contiguous          # the test really exercises the layout
        assert_close(u.fn(a), _ref(u.ref, ref))


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('u', UNARY, ids=U_IDS)
def test_unary_special_values(u, dtype):
    """NaN, ±inf, ±0, huge and tiny inputs give what NumPy gives, signed zeros included."""
    x = onp.array(SPECIAL, dtype=dtype)
    out = u.fn(np.asarray(x))
    expected = _ref(u.ref, x)
    assert_close(out, expected)
    zero = expected == 0
    onp.testing.assert_array_equal(onp.signbit(out._data[zero]), onp.signbit(expected[zero]))


@pytest.mark.parametrize('u', UNARY, ids=U_IDS)
def test_unary_integer_and_bool_inputs(u):
    """Integer inputs keep their dtype for the ops NumPy and MXNet compute in integers (bools
    become int64); the others compute in float32 (MXNet 1.9.1 truncates those to int)."""
    i = onp.array([-3, -1, 0, 2, 5], onp.int32)
    if u.name in ('log', 'log2', 'log10', 'sqrt', 'arccosh', 'reciprocal'):
        i = onp.array([1, 2, 3, 5, 9], onp.int32)
    if u.name in ('arcsin', 'arccos', 'arctanh', 'log1p'):
        i = onp.array([0, 0, 0, 0, 0], onp.int32)
    out = u.fn(np.array(i))
    if u.keeps_int:
        assert_same(out, u.ref(i).astype(onp.int32) if u.name != 'relu' else onp.maximum(i, 0))
        assert u.fn(np.array(onp.array([True, False]))).dtype == onp.int64
    else:
        assert_close(out, _ref(u.ref, i.astype(onp.float32)), dtype=onp.float32)


@pytest.mark.parametrize('u', UNARY, ids=U_IDS)
def test_unary_float16_is_stored_as_float16(u):
    x = u.points((5,)).astype(onp.float16)
    out = u.fn(np.asarray(x))
    assert out.dtype == onp.float16
    onp.testing.assert_allclose(out._data.astype(onp.float64),
                                _ref(u.ref, x.astype(onp.float32)).astype(onp.float16),
                                rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize('u', UNARY, ids=U_IDS)
def test_unary_gradients(u):
    for shape in [(), (3, 4)]:
        grads = check_grads(u.fn, u.points(shape, seed=len(shape)))
        if u.name in ZERO_GRAD:
            assert not grads[0].any(), f"{u.name} is piecewise constant: its gradient must be 0"
    # a transposed, step-sliced view: the gradient lands in the right places
    check_grads(lambda x: u.fn(x.T[::2]), u.points((4, 6), seed=3))


@pytest.mark.parametrize('u', UNARY, ids=U_IDS)
def test_unary_float32_gradient_is_float32(u):
    x = np.array(u.points((3,)), dtype='float32')
    x.attach_grad()
    with autograd.record():
        y = u.fn(x)
    y.backward()
    assert x.grad.dtype == onp.float32 and x.grad.shape == (3,)
    assert onp.isfinite(x.grad._data).all()


@pytest.mark.parametrize('u', UNARY, ids=U_IDS)
def test_unary_bad_input(u):
    with pytest.raises(DTypeError):
        u.fn(['a', 'b'])


def test_gradient_of_empty_input():
    x = np.zeros((0, 3))
    x.attach_grad()
    with autograd.record():
        y = np.exp(x).sum()
    y.backward()
    assert x.grad.shape == (0, 3)


# ---- predicates ------------------------------------------------------------------------------
@pytest.mark.parametrize('p', PREDICATES, ids=P_IDS)
def test_predicate_values(p):
    for dt in FLOATS:
        x = onp.array(SPECIAL, dt)
        assert_same(p.fn(np.asarray(x)), p.ref(x))
        ref, a = layout_pair(x.reshape(2, 11), 'transposed')
        assert_same(p.fn(a), p.ref(ref))
    i = onp.array([-2, 0, 3], onp.int64)
    assert_same(p.fn(np.array(i)), p.ref(i))
    b = onp.array([True, False])
    assert_same(p.fn(np.array(b, dtype='bool')), p.ref(b))


# ---- binary rows: dtype rules and bad input --------------------------------------------------
@pytest.mark.parametrize('b', BINARY, ids=B_IDS)
def test_binary_integer_operands(b):
    """Two integer arrays: 'keep' rows compute exactly in the integer dtype (as NumPy), 'float'
    rows in float32; an integer array with a Python int keeps the dtype too, with a float
    it becomes float32."""
    x = onp.array([3, 7, 2, 9], onp.int64)
    y = onp.array([2, 3, 1, 4], onp.int64)
    out = b.fn(np.array(x), np.array(y))
    if b.ints == 'keep':
        assert_same(out, b.ref(x, y))
        assert_same(b.fn(np.array(x), 2), b.ref(x, onp.int64(2)))
    else:
        assert_close(out, b.ref(x.astype(onp.float32), y.astype(onp.float32)))
    assert b.fn(np.array(x), 1.5).dtype == onp.float32


@pytest.mark.parametrize('b', BINARY, ids=B_IDS)
def test_binary_float_with_integer_keeps_the_float(b):
    """float32 with int64 gives float32 (MXNet 1.9.1), either order."""
    x = np.array([1.5, 2.5])
    k = np.array(onp.array([2, 3]))
    assert b.fn(x, k).dtype == onp.float32 and b.fn(k, x).dtype == onp.float32


@pytest.mark.parametrize('b', BINARY, ids=B_IDS)
def test_binary_bad_shapes_name_the_op(b):
    with pytest.raises(ShapeError, match=b.name):
        b.fn(np.ones((2, 3)), np.ones((4,)))


def test_bool_subtract_is_refused_as_numpy_does():
    t = np.array(onp.array([True, False]))
    with pytest.raises(DTypeError, match='boolean subtract'):
        np.subtract(t, t)


def test_integer_to_negative_integer_power_is_refused():
    k = np.array(onp.array([2, 3]))
    with pytest.raises(ValueError, match='negative integer powers'):
        k ** -1
    with pytest.raises(ValueError, match='negative integer powers'):
        np.power(k, np.array(onp.array([1, -2])))


# ---- not differentiable: heaviside, integer-only and bitwise ops -----------------------------
@pytest.mark.parametrize('name,fn,ref,floats', NONDIFF_BINARY, ids=[r[0] for r in NONDIFF_BINARY])
def test_nondiff_binary_values(name, fn, ref, floats):
    """Integers keep their dtype (heaviside: float32); float operands are refused by the
    integer-only ops; a backward through them gives zero gradients (MXNet: none)."""
    x = onp.array([[4, 6, -3, 0], [12, -8, 5, 7]], onp.int64)
    y = onp.array([6, 4, 2, 0], onp.int64)
    got = fn(np.array(x), np.array(y))
    if floats:
        f = onp.array([-1.5, 0., 3., -0., onp.nan, onp.inf], onp.float32)
        assert_same(fn(np.array(f), 0.5), ref(f, onp.float32(0.5)))
        assert_same(fn(np.array(f), np.array(f[::-1].copy())), ref(f, f[::-1]))
        assert_same(got, ref(x, y).astype(onp.float32))
        return
    assert_same(got, ref(x, y))
    assert_same(fn(np.array(x), 3), ref(x, onp.int64(3)))
    assert_same(fn(3, np.array(x)), ref(onp.int64(3), x))
    t = onp.array([True, False, True])
    if name != 'lcm':
        assert_same(fn(np.array(t, dtype='bool'), np.array(t[::-1].copy(), dtype='bool')),
                    ref(t, t[::-1]))
    with pytest.raises(DTypeError, match=name):
        fn(np.array([1.5]), np.array([2.5]))


def test_invert_of_integers_and_bools():
    i = onp.array([-3, 0, 5], onp.int32)
    assert_same(np.invert(np.array(i)), onp.invert(i))
    assert_same(np.bitwise_not(np.array(onp.array([True, False]))), onp.array([False, True]))
    with pytest.raises(DTypeError, match='invert'):
        np.invert(np.array([1.5]))


def test_around_and_round_are_round():
    x = np.array([0.5, 1.5, 2.5, -0.5, 1.25])
    assert_same(np.around(x), onp.around(onp.float32([0.5, 1.5, 2.5, -0.5, 1.25])))
    assert_same(np.round_(x), np.round(x)._data)
    with pytest.raises(NotImplementedError, match='decimals'):
        np.around(x, decimals=1)


def test_rows_know_whether_their_rule_reads_ans():
    """``Row.uses_ans`` (a raw bytecode scan, ``reads_local``) against ``dis``: the rule
    builds ``output(node)`` only when the VJP reads ``ans``."""
    import dis
    from autodiff.ops.elementwise import ROWS
    rows = [r for r in ROWS.values() if r.vjp is not None]
    ref = {r.name: any(i.opname.startswith('LOAD_FAST') and i.argval == 'ans'
                       for i in dis.get_instructions(r.vjp)) for r in rows}
    assert {r.name: r.uses_ans for r in rows} == ref and 0 < sum(ref.values()) < len(ref)

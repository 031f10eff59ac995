"""Binary ops against NumPy: every arithmetic row of the table, comparisons, where and clip.

Through the public ops over broadcast shape pairs, Python scalars on either side,
non-contiguous inputs, every pair of special values; and the kernels called directly.
"""
import operator

import numpy as onp
import pytest

from autodiff import np
from autodiff.kernels import binary as K
from helpers import (FLOATS, LAYOUTS, SPECIAL, BINARY, BINARY_BY_NAME, assert_close, assert_same,
                     layout_pair, sample)

ARITH = {b.name: (b.fn, b.ref) for b in BINARY}      # the table's rows (helpers/optable.py)
COMPARE = {
    'equal': (np.equal, onp.equal), 'not_equal': (np.not_equal, onp.not_equal),
    'less': (np.less, onp.less), 'less_equal': (np.less_equal, onp.less_equal),
    'greater': (np.greater, onp.greater), 'greater_equal': (np.greater_equal, onp.greater_equal),
    'logical_and': (np.logical_and, onp.logical_and), 'logical_or': (np.logical_or, onp.logical_or),
    'logical_xor': (np.logical_xor, onp.logical_xor),
}
# shape pairs: equal, scalar-like on either side, mutual broadcasting, 0-d, empty
PAIRS = [((3, 4), (3, 4)), ((3, 4), (1,)), ((1,), (3, 4)), ((3, 4), ()), ((), (3, 4)),
         ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((4,), (2, 3, 4)), ((2, 1, 4), (3, 1)),
         ((), ()), ((0,), (0,)), ((0, 3), (3,)), ((2, 0), (1,)), ((5,), (1, 5))]


def _inputs(name, sa, sb, dtype, seed=0):
    a, b = BINARY_BY_NAME[name].points(sa, sb, seed)
    return onp.asarray(a).astype(dtype), onp.asarray(b).astype(dtype)


def _ref(f, *args):
    with onp.errstate(all='ignore'):
        return f(*args)


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('sa,sb', PAIRS, ids=str)
@pytest.mark.parametrize('name', list(ARITH))
def test_arith_broadcasting(name, sa, sb, dtype):
    f, ref = ARITH[name]
    a, b = _inputs(name, sa, sb, dtype)
    assert_close(f(np.asarray(a), np.asarray(b)), _ref(ref, a, b))


@pytest.mark.parametrize('layout', LAYOUTS[1:])
@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('name', list(ARITH))
def test_arith_non_contiguous(name, dtype, layout):
    f, ref = ARITH[name]
    a, b = _inputs(name, (4, 6), (4, 6), dtype)
    ra, xa = layout_pair(a, layout)
    rb, xb = layout_pair(b, 'contiguous')
    assert_close(f(xa, xb), _ref(ref, ra, rb))
    assert_close(f(xb, xa), _ref(ref, rb, ra))
    # both operands non-contiguous, and broadcast against a row
    rc, xc = layout_pair(b[:1], 'contiguous')
    assert_close(f(xa, xa), _ref(ref, ra, ra))
    assert_close(f(xa, xc), _ref(ref, ra, rc))


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('name', list(ARITH))
def test_arith_special_value_pairs(name, dtype):
    """Every pair of special values (NaN, ±inf, ±0, huge, tiny) as NumPy computes it."""
    f, ref = ARITH[name]
    vals = onp.array(SPECIAL, dtype)
    a, b = onp.repeat(vals, len(vals)), onp.tile(vals, len(vals))
    assert_close(f(np.asarray(a), np.asarray(b)), _ref(ref, a, b))
    # the scalar-operand kernels see the same pairs
    for s in (onp.nan, onp.inf, -onp.inf, 0.0, -0.0, 2.5):
        assert_close(f(np.asarray(vals), s), _ref(ref, vals, vals.dtype.type(s)))
        assert_close(f(s, np.asarray(vals)), _ref(ref, vals.dtype.type(s), vals))


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('scalar', [2, 0.5, -1.5, 3, True])
@pytest.mark.parametrize('name', list(ARITH))
def test_python_scalar_either_side(name, scalar, dtype):
    """``x op s`` and ``s op x`` keep x's float dtype (the scalar is cast, as in MXNet)."""
    f, ref = ARITH[name]
    x = sample((3, 4), dtype, 0.5, 2.0)
    s = dtype(scalar)
    assert_close(f(np.asarray(x), scalar), _ref(ref, x, s))
    assert_close(f(scalar, np.asarray(x)), _ref(ref, s, x))


OPERATORS = {'+': operator.add, '-': operator.sub, '*': operator.mul, '/': operator.truediv,
             '**': operator.pow, '%': operator.mod}


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('sym', list(OPERATORS))
def test_dunders_with_scalars_and_arrays(sym, dtype):
    op = OPERATORS[sym]
    x = sample((2, 3), dtype, 0.5, 2.0)
    y = sample((3,), dtype, 0.5, 2.0, seed=1)
    s = dtype(1.5)
    assert_close(op(np.asarray(x), np.asarray(y)), _ref(op, x, y))
    assert_close(op(np.asarray(x), 1.5), _ref(op, x, s))
    assert_close(op(1.5, np.asarray(x)), _ref(op, s, x))


@pytest.mark.parametrize('dtype', FLOATS + (onp.int64,))
@pytest.mark.parametrize('sa,sb', PAIRS[:10], ids=str)
@pytest.mark.parametrize('name', list(COMPARE))
def test_comparisons(name, sa, sb, dtype):
    f, ref = COMPARE[name]
    r = onp.random.default_rng(3)
    a = r.integers(-2, 3, size=sa).astype(dtype)      # small integers: many ties
    b = r.integers(-2, 3, size=sb).astype(dtype)
    assert_same(f(np.asarray(a), np.asarray(b)), ref(a, b))
    assert_same(f(np.asarray(a), 1), ref(a, dtype(1)))
    assert_same(f(1, np.asarray(a)), ref(dtype(1), a))


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('name', list(COMPARE))
def test_comparisons_with_nan_and_inf(name, dtype):
    f, ref = COMPARE[name]
    vals = onp.array(SPECIAL, dtype)
    a, b = onp.repeat(vals, len(vals)), onp.tile(vals, len(vals))
    assert_same(f(np.asarray(a), np.asarray(b)), ref(a, b))
    assert_same(f(np.asarray(vals), onp.nan), ref(vals, dtype(onp.nan)))


@pytest.mark.parametrize('layout', LAYOUTS[1:])
def test_comparisons_non_contiguous(layout):
    ra, xa = layout_pair(sample((4, 6)), layout)
    assert_same(xa < 0.5, ra < 0.5)
    assert_same(xa >= xa[:1], ra >= ra[:1])


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shapes', [((3, 4),) * 3, ((3, 1), (1, 4), ()), ((4,), (3, 4), (3, 1)),
                                    ((), (), ()), ((0, 2), (2,), (1,))], ids=str)
def test_where(shapes, dtype):
    sc, sa, sb = shapes
    r = onp.random.default_rng(1)
    c = r.random(sc) > 0.5
    a, b = sample(sa, dtype), sample(sb, dtype, seed=2)
    assert_same(np.where(np.asarray(c), np.asarray(a), np.asarray(b)), onp.where(c, a, b))


@pytest.mark.parametrize('layout', LAYOUTS[1:])
def test_where_non_contiguous(layout):
    rc, c = layout_pair(sample((4, 6)) > 0, layout)
    ra, a = layout_pair(sample((4, 6), seed=1), layout)
    assert_same(np.where(c, a, -a), onp.where(rc, ra, -ra))


def test_where_nan_passes_through():
    a = onp.array([onp.nan, 1.0, onp.inf], onp.float32)
    b = onp.array([0.0, onp.nan, -onp.inf], onp.float32)
    c = onp.array([True, False, True])
    assert_same(np.where(np.asarray(c), np.asarray(a), np.asarray(b)), onp.where(c, a, b))


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('lo,hi', [(-1.0, 1.0), (None, 0.5), (-0.5, None), (0.0, 0.0),
                                   (-onp.inf, onp.inf), (1.0, -1.0)], ids=str)
def test_clip(lo, hi, dtype):
    x = onp.array(SPECIAL, dtype)
    assert_same(np.clip(np.asarray(x), lo, hi), onp.clip(x, lo, hi))


@pytest.mark.parametrize('layout', LAYOUTS[1:])
def test_clip_non_contiguous(layout):
    ra, a = layout_pair(sample((4, 6)), layout)
    assert_same(np.clip(a, -1, 0.5), onp.clip(ra, -1, 0.5).astype(onp.float64))
    assert_same(a.clip(-1, 0.5), onp.clip(ra, -1, 0.5).astype(onp.float64))


# ---- the selection kernels called directly ------------------------------------------------
def test_clip_and_where_kernels_direct():
    a = onp.array([-2.0, -0.5, onp.nan, 0.5, 2.0], onp.float32)
    out = onp.empty_like(a)
    K.clip(a, onp.float32(-1), onp.float32(1), out)
    onp.testing.assert_array_equal(out, onp.clip(a, -1, 1))
    c = onp.array([True, False, True, False, True])
    K.where(c, a, -a, out)
    onp.testing.assert_array_equal(out, onp.where(c, a, -a))

"""Result dtypes as MXNet 1.9.1's numpy mode gives them (see DESIGN.md), written down as a table.

Where MXNet 1.9.1 truncates silently (``int_array * 1.5`` is int64 there, ``np.exp`` of an
int array is int64), this library gives float32, the default float; those rows say so.
"""
import numpy as onp
import pytest

from autodiff import np, npx
from autodiff.errors import DTypeError

f32, f64, i32, i64, u8, b_ = (onp.dtype(t) for t in (onp.float32, onp.float64, onp.int32,
                                                    onp.int64, onp.uint8, onp.bool_))


def arr(dtype, values=(1, 2, 3)):
    return np.asarray(onp.array(values, dtype=dtype))


@pytest.mark.parametrize('make,expected', [
    (lambda: np.array([1, 2]), f32),                    # lists of ints become float32
    (lambda: np.array([True, False]), f32),             # ... even lists of bools
    (lambda: np.array(3), f32),                         # Python scalars too
    (lambda: np.array(2.5), f32),
    (lambda: np.array([[1.5]]), f32),
    (lambda: np.array(onp.ones(2)), f64),               # NumPy arrays keep their dtype
    (lambda: np.array(onp.ones(2, onp.int64)), i64),
    (lambda: np.array(onp.ones(2, onp.uint8)), u8),
    (lambda: np.array(onp.ones(2, onp.bool_)), b_),
    (lambda: np.array(onp.float64(2.0)), f64),          # NumPy scalars too
    (lambda: np.array([1, 2], dtype='int32'), i32),     # dtype= always wins
    (lambda: np.array(onp.ones(2), dtype=onp.float32), f32),
    (lambda: np.asarray([1, 2]), f32),
    (lambda: np.asarray(onp.ones(2, onp.int32)), i32),
    (lambda: np.array(np.array([1.0]), dtype='float64'), f64),
], ids=lambda v: '' if callable(v) else str(v))
def test_array_creation_dtype(make, expected):
    assert make().dtype == expected


@pytest.mark.parametrize('ta,tb,expected', [
    (f32, f32, f32), (f32, f64, f64), (f64, f32, f64),
    (f32, i64, f32), (i64, f32, f32), (f32, i32, f32), (f64, i64, f64),   # float wins (MXNet)
    (f32, b_, f32), (b_, f64, f64), (f32, u8, f32),
    (i32, i64, i64), (i64, i64, i64), (u8, i64, i64), (u8, u8, u8), (b_, i32, i32),
], ids=str)
@pytest.mark.parametrize('name', ['add', 'subtract', 'multiply', 'maximum', 'minimum', 'mod'])
def test_array_array_promotion(name, ta, tb, expected):
    out = getattr(np, name)(arr(ta), arr(tb))
    assert out.dtype == expected


@pytest.mark.parametrize('ta,tb,expected', [
    (i64, i64, f32), (i32, i64, f32), (b_, b_, f32), (u8, i32, f32),     # int / int -> float32
    (f32, i64, f32), (f64, f64, f64), (f32, f64, f64)], ids=str)
def test_division_dtype(ta, tb, expected):
    assert (arr(ta) / arr(tb)).dtype == expected
    assert np.divide(arr(ta), arr(tb)).dtype == expected


@pytest.mark.parametrize('name,expected', [('add', b_), ('multiply', b_), ('maximum', b_),
                                           ('minimum', b_), ('power', i64), ('mod', i64)])
def test_bool_with_bool(name, expected):
    a, b = arr(b_, (True, False, True)), arr(b_, (True, True, False))
    out = getattr(np, name)(a, b)
    assert out.dtype == expected
    with onp.errstate(all='ignore'):
        onp.testing.assert_array_equal(out._data, getattr(onp, name)(a._data, b._data))


def test_bool_subtract_is_refused_as_in_numpy():
    a = arr(b_, (True, False))
    with pytest.raises(TypeError, match='boolean subtract'):
        a - a
    with pytest.raises(TypeError, match='boolean subtract'):
        a - True


@pytest.mark.parametrize('ta,scalar,expected', [
    (f32, 2, f32), (f32, 2.5, f32), (f32, True, f32), (f32, onp.float64(2.5), f32),
    (f64, 2, f64), (f64, 2.5, f64),
    (i64, 2, i64), (i32, 2, i32), (u8, 2, u8), (b_, 2, i64), (b_, True, b_),
    (i64, 2.5, f32), (i32, 0.5, f32), (b_, 2.5, f32),       # an int array with a float: float32
], ids=str)
@pytest.mark.parametrize('name', ['add', 'multiply', 'power', 'maximum', 'minimum', 'mod'])
def test_array_scalar_dtype(name, ta, scalar, expected):
    f = getattr(np, name)
    if name in ('power', 'mod') and ta == b_ and isinstance(scalar, bool):
        expected = i64                 # NumPy: int8; no bool power or remainder exists
    assert f(arr(ta), scalar).dtype == expected
    assert f(scalar, arr(ta)).dtype == expected


@pytest.mark.parametrize('ta,scalar,expected', [(f32, 2, f32), (f64, 2, f64), (i64, 2, f32),
                                                (i64, 2.5, f32), (b_, 2, f32)], ids=str)
def test_scalar_division_dtype(ta, scalar, expected):
    assert (arr(ta) / scalar).dtype == expected
    assert (scalar / arr(ta)).dtype == expected


@pytest.mark.parametrize('dtype', [i64, i32, u8])
def test_integer_arithmetic_values(dtype):
    a, b = onp.array([7, 8, 9], dtype), onp.array([2, 3, 4], dtype)
    x, y = np.asarray(a), np.asarray(b)
    for ours, ref in ((x + y, a + b), (x * y, a * b), (x % y, a % b), (x ** y, a ** b),
                      (x % 3, a % 3), (10 % x, 10 % a), (np.maximum(x, 8), onp.maximum(a, 8)),
                      (x - 1, a - 1), (x * 2, a * 2)):
        assert ours.dtype == ref.dtype
        onp.testing.assert_array_equal(ours._data, ref)
    onp.testing.assert_allclose((x / y)._data, (a / b).astype(onp.float32))


def test_integer_to_negative_power_is_refused_as_in_numpy():
    with pytest.raises(ValueError, match='negative integer powers'):
        arr(i64) ** -1
    with pytest.raises(ValueError, match='negative integer powers'):
        arr(i64) ** arr(i64, (1, -2, 3))
    with pytest.raises(ValueError, match='negative integer powers'):
        2 ** arr(i64, (1, -2, 3))


def test_integer_mod_by_zero_gives_zero_as_numpy():
    with onp.errstate(all='ignore'):
        expected = onp.mod(onp.array([5, -5, 0]), 0)
    out = arr(i64, (5, -5, 0)) % 0
    onp.testing.assert_array_equal(out._data, expected)
    out = arr(i64, (5, -5, 0)) % arr(i64, (0, 0, 0))
    onp.testing.assert_array_equal(out._data, expected)


@pytest.mark.parametrize('name', ['negative', 'abs', 'sign', 'square', 'floor', 'ceil', 'round'])
@pytest.mark.parametrize('dtype', [i64, i32, u8])
def test_unary_keeps_integer_dtype(name, dtype):
    """As NumPy and MXNet: these ops compute in the integer type (uint8 wraps like NumPy's)."""
    a = onp.array([0, 1, 2, 3, 250 if dtype == u8 else -7], dtype)
    out = getattr(np, name)(np.asarray(a))
    ref = getattr(onp, name)(a)
    assert out.dtype == ref.dtype == dtype
    onp.testing.assert_array_equal(out._data, ref)


def test_relu_keeps_integer_dtype():
    out = npx.relu(arr(i64, (-2, 0, 3)))
    assert out.dtype == i64
    onp.testing.assert_array_equal(out._data, [0, 0, 3])


@pytest.mark.parametrize('name', ['exp', 'log', 'sqrt', 'sin', 'tanh', 'log1p', 'reciprocal'])
@pytest.mark.parametrize('dtype', [i64, i32, u8, b_])
def test_unary_of_integers_is_float32(name, dtype):
    """Transcendental functions of integers are float32 (MXNet 1.9.1 truncates to the int type)."""
    a = onp.array([1, 2, 3, 1], dtype)
    out = getattr(np, name)(np.asarray(a))
    assert out.dtype == f32
    onp.testing.assert_allclose(out._data, getattr(onp, name)(a.astype(onp.float32)), rtol=1e-6)


def test_sigmoid_of_integers_is_float32():
    out = npx.sigmoid(arr(i64, (-1, 0, 1)))
    assert out.dtype == f32
    onp.testing.assert_allclose(out._data, 1 / (1 + onp.exp(-onp.array([-1.0, 0.0, 1.0]))), rtol=1e-6)


def test_negative_of_bool_counts_as_int64():
    out = -arr(b_, (True, False))
    assert out.dtype == i64
    onp.testing.assert_array_equal(out._data, [-1, 0])


@pytest.mark.parametrize('name,dtype,expected', [
    ('sum', i32, i64), ('sum', u8, onp.dtype(onp.uint64)), ('sum', b_, i64), ('sum', f32, f32),
    ('prod', i32, i64), ('prod', u8, onp.dtype(onp.uint64)), ('mean', i64, f32), ('mean', b_, f32),
    ('mean', f64, f64), ('max', u8, u8), ('max', b_, b_), ('min', i32, i32),
    ('argmax', f32, i64), ('argmin', u8, i64)], ids=str)
def test_reduction_dtypes(name, dtype, expected):
    assert getattr(np, name)(arr(dtype)).dtype == expected
    assert getattr(np, name)(arr(dtype), axis=0).dtype == expected


def test_comparisons_are_bool():
    for out in (arr(f32) < 2, arr(i64) == arr(f64), 2 >= arr(u8), np.isnan(arr(f32)),
                np.logical_and(arr(f32), arr(i64))):
        assert out.dtype == b_


def test_matmul_promotes_like_elementwise_ops():
    assert np.matmul(arr(f32), arr(f64)).dtype == f64
    assert np.dot(arr(f32), arr(i64)).dtype == f32
    assert (arr(i64) @ arr(i64)).dtype == i64


def test_where_dtype():
    c = arr(b_, (True, False, True))
    assert np.where(c, arr(f32), arr(f64)).dtype == f64
    assert np.where(c, arr(i64), arr(f32)).dtype == f32
    assert np.where(c, 1, 2).dtype == f32
    assert np.where(c, arr(i64), 0).dtype == i64
    assert np.where(c, arr(i64), 0.5).dtype == f32
    assert np.where(c, arr(f64), 0.5).dtype == f64


def test_unsupported_dtypes_are_refused_by_name():
    for bad in (onp.complex64, 'U3', object):
        with pytest.raises(DTypeError, match='dtype|not supported|not a dtype'):
            np.zeros(2, dtype=bad)


def test_clip_of_integers_with_float_bounds_is_float32():
    out = np.clip(arr(i64, (0, 1, 2, 3)), onp.float32(0.5), 2.5)
    assert out.dtype == f32
    onp.testing.assert_array_equal(out._data, [0.5, 1.0, 2.0, 2.5])
    out = np.clip(arr(i64, (0, 1, 2, 3)), 1, 2)
    assert out.dtype == i64
    onp.testing.assert_array_equal(out._data, [1, 1, 2, 2])


def test_python_lists_and_scalars_as_op_inputs_are_float32():
    assert np.exp([1, 2]).dtype == f32
    assert np.exp(1).dtype == f32 and np.exp(1).shape == ()
    assert np.add([1, 2], 3).dtype == f32
    assert np.sum([1, 2]).dtype == f32
    assert np.maximum([1, 2], [[0], [3]]).shape == (2, 2)

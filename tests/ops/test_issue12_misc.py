"""Issue 12 (misc): memory sharing as MXNet 1.9.1, exact integer power, MXNet's argument rules.

Every expected value marked "MXNet 1.9.1" was produced by running the MXNet 1.9.1 oracle
(``from mxnet import np, npx; npx.set_np()``) on the same input.
"""
import operator

import numpy as onp
import pytest

from autodiff import autograd, np, npx
from autodiff.errors import AxisError, ShapeError

npx.set_np()


def _x():
    return np.arange(24).reshape(4, 6)


def _x3():
    return np.arange(24).reshape(2, 3, 4)


# ---- which results share memory with their source (MXNet 1.9.1) -----------------------------
# name -> (make the source, make the result, shares?)  The "shares?" column is what MXNet 1.9.1
# printed when each result was overwritten with -1 and the source inspected.
SHARING = {
    'reshape': (_x, lambda x: x.reshape(3, 8), False),
    'reshape same shape': (_x, lambda x: x.reshape(4, 6), False),
    'reshape tuple': (_x, lambda x: x.reshape((3, 8)), False),
    'reshape newshape=': (_x, lambda x: x.reshape(newshape=(3, 8)), False),
    'np.reshape': (_x, lambda x: np.reshape(x, (3, 8)), False),
    'np.ravel': (_x, lambda x: np.ravel(x), False),
    'flatten': (_x, lambda x: x.flatten(), False),
    'transpose()': (_x, lambda x: x.transpose(), False),
    'transpose(None)': (_x, lambda x: x.transpose(None), False),
    'np.transpose': (_x, lambda x: np.transpose(x), False),
    '.T': (_x, lambda x: x.T, False),
    'swapaxes': (_x, lambda x: x.swapaxes(0, 1), False),
    'np.swapaxes': (_x, lambda x: np.swapaxes(x, 0, 1), False),
    'np.moveaxis': (_x, lambda x: np.moveaxis(x, 0, 1), False),
    'np.expand_dims': (_x, lambda x: np.expand_dims(x, 0), False),
    'np.squeeze': (lambda: np.arange(6).reshape(1, 6), lambda x: np.squeeze(x), False),
    'squeeze method': (lambda: np.arange(6).reshape(1, 6), lambda x: x.squeeze(), False),
    'squeeze nothing': (_x, lambda x: np.squeeze(x), False),
    'broadcast_to': (_x, lambda x: np.broadcast_to(x, (2, 4, 6)), False),
    'broadcast_to same shape': (_x, lambda x: np.broadcast_to(x, (4, 6)), False),
    'np.flip': (_x, lambda x: np.flip(x, 0), False),
    'split axis 0': (_x, lambda x: np.split(x, 2, axis=0)[0], False),
    'split axis 1': (_x, lambda x: np.split(x, 2, axis=1)[0], False),
    'stack': (_x, lambda x: np.stack([x])[0], False),
    'concatenate': (_x, lambda x: np.concatenate([x]), False),
    'tile': (_x, lambda x: np.tile(x, 1), False),
    'repeat': (_x, lambda x: np.repeat(x, 1, axis=0), False),
    'copy': (_x, lambda x: x.copy(), False),
    'np.array': (_x, lambda x: np.array(x), False),
    'astype copy': (_x, lambda x: x.astype(x.dtype), False),
    'astype(copy=False)': (_x, lambda x: x.astype(x.dtype, copy=False), True),
    'detach': (_x, lambda x: x.detach(), True),
    'x[1:3]': (_x, lambda x: x[1:3], True),
    'x[::2]': (_x, lambda x: x[::2], False),
    'x[1]': (_x, lambda x: x[1], True),
    'x[-1]': (_x, lambda x: x[-1], True),
    'x[1, 2:4]': (_x, lambda x: x[1, 2:4], True),
    'x[:, 1:3]': (_x, lambda x: x[:, 1:3], False),
    'x[:, 1]': (_x, lambda x: x[:, 1], False),
    'x[...]': (_x, lambda x: x[...], True),
    'x[..., 1]': (_x, lambda x: x[..., 1], False),
    'x[:]': (_x, lambda x: x[:], True),
    'x[None]': (_x, lambda x: x[None], True),
    'x[int array]': (_x, lambda x: x[np.array([0, 1], dtype='int32')], False),
    'x[bool mask]': (_x, lambda x: x[x > 5], False),
    'next(iter(x))': (_x, lambda x: next(iter(x)), True),
    'x3[1, 2]': (_x3, lambda x: x[1, 2], True),
    'x3[1:2, 2]': (_x3, lambda x: x[1:2, 2], True),
    'x3[:, 2]': (_x3, lambda x: x[:, 2], False),
    'x3[1, :, 1:3]': (_x3, lambda x: x[1, :, 1:3], False),
    'x3[1, 1:3, :]': (_x3, lambda x: x[1, 1:3, :], True),
    'x3[1:0:-1]': (_x3, lambda x: x[1:0:-1], True),
    'x3[::-1]': (_x3, lambda x: x[::-1], False),
    'x3[None, 1]': (_x3, lambda x: x[None, 1], True),
    'x3[..., None]': (_x3, lambda x: x[..., None], True),
    'x3[1, ..., 2]': (_x3, lambda x: x[1, ..., 2], False),
    'x3[0, 0, 1:2]': (_x3, lambda x: x[0, 0, 1:2], True),
    'x3[0, :, 0]': (_x3, lambda x: x[0, :, 0], False),
}


@pytest.mark.parametrize('name', sorted(SHARING))
def test_writing_into_a_result_changes_the_source_exactly_when_mxnet_shares(name):
    make, fn, shares = SHARING[name]
    x = make()
    before = x.asnumpy()
    y = fn(x)
    y[...] = -1
    changed = bool((x.asnumpy() != before).any())
    assert changed == shares, f"{name}: MXNet 1.9.1 {'shares' if shares else 'copies'}"


@pytest.mark.parametrize('name', sorted(n for n in SHARING if not SHARING[n][2]))
def test_writing_into_the_source_leaves_a_copy_unchanged(name):
    make, fn, _ = SHARING[name]
    x = make()
    y = fn(x)
    before = y.asnumpy()
    x[...] = -7
    assert onp.array_equal(y.asnumpy(), before), name


def test_int_int_index_shares_a_0d_view():
    x = _x()
    y = x[1, 2]                         # MXNet 1.9.1: y[()] = -1 changes x[1, 2]
    assert y.shape == ()
    y[()] = -1
    assert float(x[1, 2]) == -1


def test_d2l_reshape_then_assign_leaves_the_source():
    # d2l chapter 2.1: X = x.reshape(3, 4); X[1, 2] = 17 -- MXNet 1.9.1 leaves x as it was
    x = np.arange(12)
    X = x.reshape(3, 4)
    X[1, 2] = 17
    assert onp.array_equal(x.asnumpy(), onp.arange(12, dtype=onp.float32))
    assert float(X[1, 2]) == 17


@pytest.mark.parametrize('convert', [lambda x: x.asnumpy(), lambda x: onp.asarray(x),
                                     lambda x: onp.array(x)])
def test_numpy_conversions_are_copies(convert):
    x = _x()
    a = convert(x)                      # MXNet 1.9.1: all three are copies
    a[0, 0] = -5
    assert float(x[0, 0]) == 0


def test_numpy_asarray_without_copy_is_refused():
    with pytest.raises(ValueError, match='asnumpy'):
        onp.asarray(_x(), copy=False)


def test_gradients_still_flow_through_the_copies():
    x = np.arange(6).reshape(2, 3)
    x.attach_grad()
    with autograd.record():
        y = (x.reshape(3, 2).T * np.arange(6).reshape(2, 3)).sum() + x[:, 1].sum()
        y = y + np.broadcast_to(x, (2, 2, 3)).sum() + np.split(x, 3, axis=1)[2].sum()
    y.backward()
    # d/dx of sum(x.reshape(3, 2).T * c) is c.T.reshape(2, 3); the column slices give ones
    c = onp.arange(6, dtype=onp.float32).reshape(2, 3)
    expect = c.T.reshape(2, 3) + onp.array([[0, 1, 0]] * 2) + 2 + onp.array([[0, 0, 1]] * 2)
    assert onp.allclose(x.grad.asnumpy(), expect)


def test_compiled_reshape_of_an_input_is_not_an_alias():
    @autograd.compile
    def f(a):
        return a.reshape(3, 2)

    a = np.arange(6).reshape(2, 3)
    a.attach_grad()
    for _ in range(3):                  # recording call, then replays
        y = f(a)
        y[...] = -1
        assert onp.array_equal(a.asnumpy(), onp.arange(6, dtype=onp.float32).reshape(2, 3))
    assert f.compiled


# ---- integer power is exact, as NumPy's (wrapping on overflow) ------------------------------
INT_DTYPES = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']


def test_int64_power_of_3_to_39_is_exact():
    assert int((np.array(onp.array([3])) ** 39)[0]) == 3 ** 39


@pytest.mark.parametrize('dt', INT_DTYPES)
def test_integer_power_matches_numpy_bit_for_bit(dt):
    rng = onp.random.default_rng(12)
    base = rng.integers(0, 12, 40).astype(dt)
    if onp.dtype(dt).kind == 'i':
        base[:10] = -rng.integers(1, 12, 10).astype(dt)       # negative bases too
    exp = rng.integers(0, 64, 40).astype(dt)                   # far past overflow: wraps
    cases = [
        (np.array(base) ** np.array(exp), base ** exp),                   # array ** array
        (np.array(base) ** 39, base ** 39),                               # array ** scalar
        (np.array(base) ** np.array(exp[:1]), base ** exp[:1]),           # broadcast size 1
        (np.array(base.reshape(5, 8)) ** np.array(exp[:8]), base.reshape(5, 8) ** exp[:8]),
        (3 ** np.array(exp), 3 ** exp),                                   # scalar ** array
        (np.power(np.array(base), np.array(exp)), onp.power(base, exp)),
    ]
    for got, want in cases:
        assert got.dtype == want.dtype
        assert onp.array_equal(got.asnumpy(), want)


def test_mixed_integer_dtypes_promote_and_stay_exact():
    a, b = onp.array([3, -5, 7], onp.int8), onp.array([39, 27, 22], onp.int64)
    got = np.array(a) ** np.array(b)
    assert got.dtype == onp.int64 and onp.array_equal(got.asnumpy(), a ** b)


def test_other_integer_ops_keep_their_digits():
    # (the same kernel path: a float-returning branch used to turn every result into float64)
    a = onp.array([2 ** 62 + 1, -(2 ** 61) - 3, 2 ** 55 + 7], onp.int64)
    b = onp.array([2 ** 62 + 3, 2 ** 53 + 1, 10], onp.int64)
    for f, g in [(np.maximum, onp.maximum), (np.minimum, onp.minimum), (np.mod, onp.mod)]:
        assert onp.array_equal(f(np.array(a), np.array(b)).asnumpy(), g(a, b))
    assert onp.array_equal((np.array(a) % 10).asnumpy(), a % 10)


def test_float_power_and_division_unchanged():
    x = onp.array([1.5, 2.0, 0.25], onp.float32)
    assert onp.allclose((np.array(x) ** np.array(x)).asnumpy(), x ** x)
    assert onp.allclose((1 / np.array(x)).asnumpy(), 1 / x)
    assert (1 / np.array(x)).dtype == onp.float32

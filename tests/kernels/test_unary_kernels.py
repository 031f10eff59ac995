"""Unary kernels against NumPy: every op, float32/float64, 0-d, empty, strided, special values."""
import numpy as onp
import pytest

from autodiff.kernels import unary as K
from helpers import FLOATS, LAYOUTS, UNARY, SPECIAL, assert_close, layout_pair

SHAPES = [(), (0,), (3, 0), (7,), (4, 5), (2, 3, 4)]
IDS = [u.name for u in UNARY]


def _ref(u, x):
    with onp.errstate(all='ignore'):
        return u.ref(x)


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('shape', SHAPES, ids=str)
@pytest.mark.parametrize('u', UNARY, ids=IDS)
def test_values_match_numpy(u, shape, dtype):
    x = u.points(shape).astype(dtype)
    ref, a = layout_pair(x, 'contiguous')
    assert_close(u.fn(a), _ref(u, ref))


@pytest.mark.parametrize('layout', LAYOUTS[1:])
@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('u', UNARY, ids=IDS)
def test_non_contiguous_inputs(u, dtype, layout):
    ref, a = layout_pair(u.points((4, 6)).astype(dtype), layout)
    assert not a._data.flags.c_contiguous          # the test really exercises the layout
    assert_close(u.fn(a), _ref(u, ref))


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('u', UNARY, ids=IDS)
def test_special_values(u, dtype):
    """NaN, ±inf, ±0, huge and tiny inputs give what NumPy gives (NaN where NumPy has NaN)."""
    x = onp.array(SPECIAL, dtype=dtype)
    ref, a = layout_pair(x, 'contiguous')
    out = u.fn(a)
    expected = _ref(u, ref)
    assert_close(out, expected)
    # signed zeros matter for negative/abs/round (1/x tells -0 from +0)
    zero = expected == 0
    onp.testing.assert_array_equal(onp.signbit(out._data[zero]), onp.signbit(expected[zero]))


@pytest.mark.parametrize('dtype', FLOATS)
def test_sigmoid_saturates_without_overflow(dtype):
    """sigmoid(±large) is exactly 1 / 0 and never NaN; no overflow warning is raised."""
    from autodiff import npx, np
    x = np.array(onp.array([-1e4, -800.0, -100.0, 0.0, 100.0, 800.0, 1e4], dtype))
    with onp.errstate(all='raise'):
        y = npx.sigmoid(x)._data
    assert not onp.isnan(y).any()
    assert y[0] == 0 and y[1] == 0 and y[-1] == 1 and y[-2] == 1 and y[3] == 0.5
    assert 0 < y[2] < 1e-40 or y[2] == 0                  # exp(-100) underflows in float32
    assert y.dtype == dtype


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('code,ref', [(K.EXP, onp.exp), (K.TANH, onp.tanh), (K.SQRT, onp.sqrt),
                                      (K.NEGATIVE, onp.negative), (K.ROUND, onp.round)],
                         ids=['exp', 'tanh', 'sqrt', 'negative', 'round'])
def test_kernel_called_directly(code, ref, dtype):
    x = onp.array([0.0, 0.5, 1.5, 2.5, 4.0, onp.inf, onp.nan], dtype)
    out = onp.empty_like(x)
    K.unary(code, x, out)
    onp.testing.assert_allclose(out, ref(x), rtol=2e-6, equal_nan=True)
    assert out.dtype == dtype


@pytest.mark.parametrize('dtype', FLOATS)
@pytest.mark.parametrize('code,ref', [(K.ISNAN, onp.isnan), (K.ISINF, onp.isinf),
                                      (K.ISFINITE, onp.isfinite), (K.LOGICAL_NOT, onp.logical_not)],
                         ids=['isnan', 'isinf', 'isfinite', 'logical_not'])
def test_predicate_kernel(code, ref, dtype):
    x = onp.array(SPECIAL, dtype)
    out = onp.empty(x.shape, onp.bool_)
    K.predicate(code, x, out)
    onp.testing.assert_array_equal(out, ref(x))


def test_unknown_opcode_raises():
    with pytest.raises(ValueError):
        K.unary(999, onp.zeros(2), onp.zeros(2))

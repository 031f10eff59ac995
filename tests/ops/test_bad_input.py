"""Bad input gets a clear Python error that names the shapes, dtype, axis or argument at fault."""
import numpy as onp
import pytest

from autodiff import np, npx
from autodiff.errors import AutodiffError, AxisError, DTypeError, ShapeError


def raises(exc, fn, *words):
    """``fn()`` raises ``exc``, from this library or NumPy but never Numba, naming every word."""
    with pytest.raises(exc) as info:
        fn()
    text = str(info.value)
    assert 'numba' not in type(info.value).__module__ and 'Numba' not in text, text
    for w in words:
        assert w in text, f"{w!r} missing from the message: {text!r}"
    return info.value


X = lambda: np.ones((2, 3))       # noqa: E731
Y = lambda: np.ones((3, 2))       # noqa: E731


# ---- broadcasting ------------------------------------------------------------------------
@pytest.mark.parametrize('name', ['add', 'subtract', 'multiply', 'divide', 'power', 'maximum',
                                  'minimum', 'mod', 'equal', 'less', 'greater_equal', 'logical_and',
                                  'logical_xor', 'isclose'])
def test_broadcast_mismatch_names_both_shapes(name):
    e = raises(ValueError, lambda: getattr(np, name)(X(), Y()), '(2, 3)', '(3, 2)', 'broadcast')
    assert isinstance(e, AutodiffError)


@pytest.mark.parametrize('op', ['__add__', '__sub__', '__mul__', '__truediv__', '__pow__',
                                '__mod__', '__lt__', '__eq__', '__radd__', '__rsub__'])
def test_broadcast_mismatch_in_operators(op):
    raises(ShapeError, lambda: getattr(X(), op)(np.ones(4)), '(2, 3)', '(4,)')


def test_broadcast_mismatch_in_where_and_broadcast_to_and_allclose():
    raises(ShapeError, lambda: np.where(np.ones(4) > 0, X(), X()), '(4,)', '(2, 3)')
    raises(ShapeError, lambda: np.broadcast_to(X(), (3, 3)), '(2, 3)', '(3, 3)')
    raises(ShapeError, lambda: np.allclose(X(), Y()), '(2, 3)', '(3, 2)')


def test_in_place_result_of_another_shape():
    def f():
        x = np.ones(3)
        x += np.ones((2, 3))
    raises(ValueError, f, '(2, 3)', '(3,)')


# ---- matmul / dot -------------------------------------------------------------------------
@pytest.mark.parametrize('sa,sb', [((2, 3), (2, 3)), ((3,), (4,)), ((2, 3), (4,)), ((4,), (3, 2)),
                                   ((5, 2, 3), (5, 4, 2))], ids=str)
def test_matmul_shape_mismatch_names_both_shapes(sa, sb):
    raises(ShapeError, lambda: np.matmul(np.ones(sa), np.ones(sb)), str(sa), str(sb), 'not aligned')
    raises(ShapeError, lambda: np.ones(sa) @ np.ones(sb), str(sa), str(sb))


def test_matmul_batch_mismatch_and_0d():
    raises(ShapeError, lambda: np.ones((2, 2, 3)) @ np.ones((3, 3, 4)), '(2, 2, 3)', '(3, 3, 4)',
           'batch')
    raises(ShapeError, lambda: np.matmul(X(), 2.0), '(2, 3)', '()', '1-D')
    raises(ShapeError, lambda: np.dot(np.ones((2, 2, 2)), np.ones((2, 2, 2))), '(2, 2, 2)')
    raises(ShapeError, lambda: np.dot(X(), np.ones(2)), '(2, 3)', '(2,)')


# ---- axes -------------------------------------------------------------------------------------
AXIS_OPS = {
    'sum': lambda x, a: np.sum(x, axis=a), 'mean': lambda x, a: np.mean(x, axis=a),
    'max': lambda x, a: np.max(x, axis=a), 'min': lambda x, a: x.min(axis=a),
    'prod': lambda x, a: np.prod(x, axis=a), 'argmax': lambda x, a: np.argmax(x, axis=a),
    'argmin': lambda x, a: x.argmin(axis=a), 'softmax': lambda x, a: npx.softmax(x, axis=a),
    'log_softmax': lambda x, a: npx.log_softmax(x, axis=a),
    'concatenate': lambda x, a: np.concatenate([x, x], axis=a),
    'split': lambda x, a: np.split(x, 1, axis=a), 'flip': lambda x, a: np.flip(x, a),
    'squeeze': lambda x, a: np.squeeze(x, a), 'repeat': lambda x, a: np.repeat(x, 2, a),
    'swapaxes': lambda x, a: np.swapaxes(x, 0, a), 'moveaxis': lambda x, a: np.moveaxis(x, a, 0),
    'transpose': lambda x, a: np.transpose(x, (0, a)),
}


@pytest.mark.parametrize('axis', [2, -3, 7])
@pytest.mark.parametrize('name', list(AXIS_OPS))
def test_axis_out_of_range(name, axis):
    e = raises(AxisError, lambda: AXIS_OPS[name](X(), axis), f'axis {axis}', 'dimension 2')
    assert isinstance(e, ValueError) and isinstance(e, IndexError)     # both, as NumPy's AxisError


def test_axis_out_of_range_for_new_axis_ops():
    raises(AxisError, lambda: np.expand_dims(X(), 4), 'axis 4', 'dimension 3')
    raises(AxisError, lambda: np.stack([X(), X()], axis=-4), 'axis -4')
    raises(AxisError, lambda: np.sum(np.array(1.0), axis=1), 'axis 1', 'dimension 0')


@pytest.mark.parametrize('axis', [1.0, '0', (0, 1)], ids=repr)
@pytest.mark.parametrize('name', ['argmax', 'softmax', 'concatenate', 'split', 'swapaxes', 'repeat'])
def test_bad_axis_type_for_single_axis_ops(name, axis):
    raises(TypeError, lambda: AXIS_OPS[name](X(), axis), 'axis')


@pytest.mark.parametrize('axis', [1.0, '0', (0, 0)], ids=repr)
def test_bad_axis_for_reductions(axis):
    with pytest.raises((TypeError, ValueError)) as info:
        np.sum(X(), axis=axis)
    assert 'axis' in str(info.value)


def test_bad_axis_for_expand_dims_and_transpose():
    raises(TypeError, lambda: np.expand_dims(X(), 1.5), 'axis')
    raises(ValueError, lambda: X().transpose(0, 0), 'repeated axis')
    raises(ValueError, lambda: X().transpose(0), "don't match", 'dimension 2')


# ---- indexing -------------------------------------------------------------------------------
@pytest.mark.parametrize('key,words', [
    (5, ['(2, 3)', '5', 'out of bounds']), (-3, ['-3', 'out of bounds']),
    ((slice(None), 7), ['7', 'axis 1']), ([0, 9], ['9', 'out of bounds']),
    ((0, 0, 0), ['too many indices']), (1.5, ['(2, 3)', 'integers']),
    (onp.array([0.0]), ['integer or boolean', 'float64']), ('a', ['(2, 3)']),
    (onp.ones(3, bool), ['boolean index', 'size of axis is 2']),
    (([0, 1], [0, 1, 2]), ['shape mismatch'])], ids=repr)
def test_bad_index(key, words):
    raises(IndexError, lambda: X()[key], *words)


def test_bad_setitem():
    def assign(key, value):
        x = X()
        x[key] = value
    raises(IndexError, lambda: assign(5, 1.0), '(2, 3)', '5')
    raises(ValueError, lambda: assign(0, np.ones(4)), '(4,)', '(2, 3)')


# ---- dtypes ---------------------------------------------------------------------------------
@pytest.mark.parametrize('value', [['a', 'b'], 'abc', [object()], onp.array([1 + 2j]),
                                   onp.array(['x']), None, {}],
                         ids=['str-list', 'str', 'object', 'complex', 'str-array',
                              'None', 'dict'])
def test_unsupported_values_name_their_type(value):
    e = raises(DTypeError, lambda: np.array(value))
    assert isinstance(e, TypeError)
    text = str(e)
    assert any(w in text for w in ('str', 'U', 'object', 'complex', 'NoneType', 'dict')), text


@pytest.mark.parametrize('bad', ['complex128', 'U3', object, 'not-a-dtype'])
def test_unsupported_dtype_arguments(bad):
    name = str(bad) if not isinstance(bad, type) else 'object'
    for fn in (lambda: np.zeros(2, dtype=bad), lambda: X().astype(bad),
               lambda: np.array([1.0], dtype=bad), lambda: np.ones_like(X(), dtype=bad)):
        e = raises(DTypeError, fn)
        assert name.split('1')[0] in str(e) or 'dtype' in str(e)


@pytest.mark.parametrize('other', ['a', None, 1j, onp.array([1j, 2j, 3j])],
                         ids=['str', 'None', 'complex', 'complex-array'])
def test_unsupported_operands(other):
    raises(DTypeError, lambda: X() + other)
    raises(DTypeError, lambda: np.maximum(X(), other))
    raises(DTypeError, lambda: X() < other)


def test_unsupported_inputs_to_unary_and_reductions():
    raises(DTypeError, lambda: np.exp('a'), 'str')
    raises(DTypeError, lambda: np.sum(onp.ones(3, onp.complex64)), 'complex64')
    raises(DTypeError, lambda: npx.relu(onp.array([1j])), 'complex')


def test_full_with_a_string_or_misfit_value():
    raises(DTypeError, lambda: np.full(3, 'a'), 'fill_value')
    raises(ShapeError, lambda: np.full((2, 3), np.ones(2)), '(2,)', '(2, 3)')


def test_bool_subtract_says_how_to_do_it():
    b = np.array(onp.array([True, False]))
    raises(TypeError, lambda: b - b, 'boolean subtract', 'logical_xor')


def test_integer_to_negative_power():
    raises(ValueError, lambda: np.array(onp.array([2, 3])) ** -1, 'negative integer powers')


def test_attach_grad_bad_grad_req():
    # (integer arrays take attach_grad, as in MXNet 1.9.1: tests/autograd/test_issue12_eager.py)
    raises(ValueError, lambda: X().attach_grad('sometimes'), 'sometimes', 'write')


# ---- shapes -------------------------------------------------------------------------------
def test_reshape_to_incompatible_size():
    raises(ShapeError, lambda: X().reshape(4, 2), '(2, 3)', '(4, 2)', 'size 6')
    raises(ShapeError, lambda: np.reshape(X(), (5, -1)), '(2, 3)', '(5, -1)')
    raises(ShapeError, lambda: X().reshape(-1, -1), '(-1, -1)')
    raises(TypeError, lambda: X().reshape(2.5, 2), 'newshape', '2.5')
    raises(TypeError, lambda: X().reshape('ab'), 'newshape')


def test_concatenate_mismatches():
    raises(ShapeError, lambda: np.concatenate([X(), np.ones((2, 2))]), 'array 1', '(2, 2)', '(2, 3)')
    raises(ShapeError, lambda: np.concatenate([X(), np.ones(3)]), 'array 1', '(3,)', '(2, 3)')
    raises(ShapeError, lambda: np.concatenate([X(), X(), np.ones((2, 4))], axis=0), 'array 2',
           '(2, 4)')
    raises(ShapeError, lambda: np.concatenate([np.array(1.0), np.array(2.0)]), 'zero-dimensional')
    raises(ValueError, lambda: np.concatenate([]), 'at least one array')


def test_stack_mismatches():
    raises(ShapeError, lambda: np.stack([X(), Y()]), 'array 1', '(3, 2)', '(2, 3)')
    raises(ValueError, lambda: np.stack([]), 'at least one array')


def test_split_mismatches():
    raises(ShapeError, lambda: np.split(X(), 2, axis=1), 'equal division', 'length 3', 'sections=2')
    raises(ShapeError, lambda: np.split(np.ones(7), 3), 'length 7', 'sections=3')
    raises(ValueError, lambda: np.split(X(), 0), 'at least 1')
    raises(TypeError, lambda: np.split(X(), 1.5), 'indices_or_sections')


def test_other_shape_arguments():
    raises(ShapeError, lambda: np.squeeze(X(), 0), 'axis 0', '(2, 3)', 'size not equal to one')
    raises(ValueError, lambda: np.tile(X(), -1), 'negative')
    raises(TypeError, lambda: np.tile(X(), 'ab'), 'reps')
    raises(TypeError, lambda: np.repeat(X(), -1), 'repeats', '-1')
    raises(TypeError, lambda: np.repeat(X(), [1, 2]), 'repeats')
    raises(ValueError, lambda: np.zeros((2, -1)), 'negative dimensions', '(2, -1)')
    raises(TypeError, lambda: np.ones('abc'), 'shape')


def test_clip_arguments():
    raises(ValueError, lambda: np.clip(X()), 'a_min', 'a_max', 'None')
    raises(TypeError, lambda: np.clip(X(), np.zeros(3), 1.0), 'a_min', 'ndarray')
    raises(TypeError, lambda: np.clip(X(), 0.0, 'b'), 'a_max', 'str')


def test_empty_reductions_without_identity():
    raises(ValueError, lambda: np.max(np.zeros((0, 3))), 'zero-size', 'max')
    raises(ValueError, lambda: np.min(np.zeros((0, 3)), axis=0), 'zero-size', 'min')
    raises(ValueError, lambda: np.argmax(np.zeros(0)), 'empty')
    raises(ValueError, lambda: np.argmin(np.zeros((3, 0)), axis=1), 'empty', '(3, 0)')


def test_size1_conversions():
    raises(TypeError, lambda: float(X()), 'size-1', '(2, 3)')
    raises(ValueError, lambda: bool(X()), 'ambiguous', '6 elements')


def test_non_integer_axes_are_refused_not_truncated():
    raises(TypeError, lambda: np.transpose(X(), (1.5, 0)), 'axis', '1.5')
    raises(TypeError, lambda: np.expand_dims(X(), (0, 1)), 'axis')
    raises(DTypeError, lambda: np.full_like(X(), 'a'), 'fill_value')

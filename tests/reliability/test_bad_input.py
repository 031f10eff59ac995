"""Bad input to the graph machinery, custom Functions, dtypes and NaN-producing ops: each
gets an error whose type and words name the fault.  ``BAD`` is one table (its length is the
count reported for issue 7, together with the other ``pytest.raises`` in this file)."""
import traceback

import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import (AutodiffError, ShapeError, DTypeError, AxisError, GraphError,
                             FunctionError)


def leaf(values, dtype=None):
    x = np.array(values, dtype=dtype)
    x.attach_grad()
    return x


def _recorded(shape=(2, 3)):
    x = leaf(onp.ones(shape, onp.float32))
    with autograd.record():
        y = x * 2
    return x, y


def _backward_twice():
    _, y = _recorded()
    y.backward()
    y.backward()


def _grad_twice():
    x, y = _recorded()
    autograd.grad(y, [x])
    autograd.grad(y, [x])


def _grad_unmarked():
    x, _ = _recorded()
    u = np.ones((2, 3))
    with autograd.record():
        z = (x * u).sum()
    autograd.grad(z, [u])


def _grad_unmarked_intermediate():
    x, y = _recorded()
    with autograd.record():
        z = (y * y).sum()
    autograd.grad(z, [y])


def _grad_not_an_array():
    x, y = _recorded()
    autograd.grad(y, [onp.ones((2, 3))])


def _head(g):
    _, y = _recorded()
    y.backward(g)


def _no_history_inside_record():
    with autograd.record():
        y = np.ones(3) * 2          # no input has history: nothing recorded
    y.backward()


def _detached():
    _, y = _recorded()
    y.detach().backward()


def _paused():
    x = leaf([1.0, 2.0])
    with autograd.record():
        with autograd.pause():
            y = x * 2
    y.backward()


def _heads_and_head_grads_lengths():
    _, y = _recorded()
    autograd.backward([y], [None, None])


BAD = [
    # (id, thunk, error type, words that must appear in the message)
    ('broadcast add', lambda: np.ones((2, 3)) + np.ones((4,)), ShapeError, ['(2, 3)', '(4,)', 'broadcast']),
    ('broadcast mul 3d', lambda: np.ones((3, 1, 2)) * np.ones((4, 3)), ShapeError, ['(3, 1, 2)', '(4, 3)']),
    ('broadcast maximum', lambda: np.maximum(np.ones((2,)), np.ones((3,))), ShapeError, ['(2,)', '(3,)']),
    ('broadcast where', lambda: np.where(np.ones((2,)) > 0, np.ones((3,)), 0.0), ShapeError, ['(3,)']),
    ('matmul inner', lambda: np.ones((2, 3)) @ np.ones((2, 3)), ShapeError, ['(2, 3)', 'matmul']),
    ('matmul vectors', lambda: np.matmul(np.ones((3,)), np.ones((4,))), ShapeError, ['(3,)', '(4,)']),
    ('matmul batch', lambda: np.ones((2, 2, 3)) @ np.ones((3, 3, 4)), ShapeError, ['(2, 2, 3)', '(3, 3, 4)']),
    ('dot', lambda: np.dot(np.ones((2, 3)), np.ones((4, 2))), ShapeError, ['(2, 3)', '(4, 2)']),
    ('sum axis', lambda: np.ones((2, 3)).sum(axis=2), AxisError, ['axis 2', 'dimension 2']),
    ('mean axis neg', lambda: np.ones((2, 3)).mean(axis=-3), AxisError, ['-3']),
    ('max axis', lambda: np.max(np.ones((2,)), axis=1), AxisError, ['axis 1']),
    ('softmax axis', lambda: npx.softmax(np.ones((2, 3)), axis=5), AxisError, ['5']),
    ('log_softmax axis', lambda: npx.log_softmax(np.ones((2, 3)), axis=-3), AxisError, ['-3']),
    ('expand_dims axis', lambda: np.expand_dims(np.ones((2, 3)), 4), AxisError, ['4']),
    ('swapaxes axis', lambda: np.swapaxes(np.ones((2, 3)), 0, 9), AxisError, ['9']),
    ('concatenate axis', lambda: np.concatenate([np.ones((2,)), np.ones((2,))], axis=1), AxisError, ['1']),
    ('index', lambda: np.ones((2, 3))[5], IndexError, ['5', 'out of bounds', 'size 2']),
    ('index axis 1', lambda: np.ones((2, 3))[0, 7], IndexError, ['7', 'axis 1']),
    ('index negative', lambda: np.ones((2, 3))[-3], IndexError, ['-3']),
    ('too many indices', lambda: np.ones((2, 3))[0, 0, 0], IndexError, ['(2, 3)']),
    ('index array', lambda: np.ones((2, 3))[onp.array([0, 9])], IndexError, ['9']),
    ('setitem index', lambda: np.ones((2, 3)).__setitem__((0, 3), 1.0), IndexError, ['3']),
    ('setitem shape', lambda: np.ones((2, 3)).__setitem__(0, np.ones((4,))), ValueError, ['(4,)', '(2, 3)']),
    ('head shape', lambda: _head(np.ones((3, 2))), ShapeError, ['head gradient', '(3, 2)', '(2, 3)']),
    ('head shape broadcastable', lambda: _head(np.ones((3,))), ShapeError, ['(3,)', '(2, 3)']),
    ('head dtype', lambda: _head(np.ones((2, 3), dtype='float64')), DTypeError, ['float64', 'float32']),
    ('head dtype int', lambda: _head(np.array(onp.ones((2, 3), onp.int32))), DTypeError, ['int32']),
    ('head count', _heads_and_head_grads_lengths, ValueError, ['1 heads', '2 head gradients']),
    ('head complex numpy', lambda: _head(onp.ones((2, 3), complex)), DTypeError, ['complex128']),
    ('head string', lambda: _head('a'), DTypeError, ['str']),
    ('head object', lambda: _head(object()), DTypeError, ['object']),
    ('head not an array', lambda: autograd.backward([1.0]), TypeError, ['head 0', 'float']),
    ('complex numpy with dtype', lambda: np.array(onp.ones(2, complex), dtype='float32'),
     DTypeError, ['complex128']),
    ('float index', lambda: np.ones((2, 3))[1.5], IndexError, ['1.5', 'integers']),
    ('string index', lambda: np.ones((2, 3))['a'], IndexError, ["'a'"]),
    ('float index array', lambda: np.ones(3)[onp.array([1.5])], IndexError, ['float64']),
    ('split unequal', lambda: np.split(np.ones(5), 2), ShapeError, ['equal division', '5']),
    ('reshape size', lambda: np.ones((2, 3)).reshape(4), ShapeError, ['(2, 3)', '(4,)']),
    ('broadcast_to', lambda: np.broadcast_to(np.ones(3), (2, 4)), ShapeError, ['(3,)', '(2, 4)']),
    ('transpose repeated', lambda: np.ones((2, 3)).transpose((0, 0)), ValueError, ['repeated axis']),
    ('axis float', lambda: np.ones(3).sum(axis=0.5), TypeError, ['axis', '0.5']),
    ('mark_variables count', lambda: autograd.mark_variables([np.ones(1)], []), ValueError,
     ['1 variables', '0 gradient']),
    ('no history', lambda: np.ones(3).backward(), GraphError, ['no recorded history', 'attach_grad']),
    ('no history in record', _no_history_inside_record, GraphError, ['no recorded history']),
    ('detached', _detached, GraphError, ['no recorded history']),
    ('paused', _paused, GraphError, ['no recorded history']),
    ('backward twice', _backward_twice, GraphError, ['retain_graph=True']),
    ('grad twice', _grad_twice, GraphError, ['retain_graph=True']),
    ('grad unmarked', _grad_unmarked, GraphError, ['variables[0]', 'attach_grad']),
    ('grad unmarked intermediate', _grad_unmarked_intermediate, GraphError, ['attach_grad']),
    ('grad not an array', _grad_not_an_array, TypeError, ['variable 0', 'not an autodiff array']),
    ('string array', lambda: np.array(['a', 'b']), DTypeError, ['U1', 'only numbers']),
    ('string numpy array', lambda: np.array(onp.array(['ab'])), DTypeError, ['U2', 'not supported']),
    ('object array', lambda: np.array(onp.array([1, None], dtype=object)), DTypeError, ['object']),
    ('object list', lambda: np.array([1.0, {}]), DTypeError, ['cannot make an array']),
    ('complex array', lambda: np.array(onp.ones(2, onp.complex128)), DTypeError, ['complex128', 'not supported']),
    ('complex list', lambda: np.array([1 + 2j]), DTypeError, ['complex128']),
    ('complex scalar operand', lambda: np.ones(2) * 1j, DTypeError, ['complex']),
    ('complex dtype arg', lambda: np.zeros(2, dtype='complex64'), DTypeError, ['complex64']),
    ('complex astype', lambda: np.ones(2).astype('complex64'), DTypeError, ['complex64', 'astype']),
    ('not a dtype', lambda: np.zeros(2, dtype='floaty'), DTypeError, ['floaty', 'not a dtype']),
    ('attach_grad req', lambda: np.ones(2).attach_grad('sometimes'), ValueError, ['grad_req', 'sometimes']),
]


@pytest.mark.parametrize('thunk, error, words', [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_is_refused_clearly(thunk, error, words):
    with pytest.raises(error) as info:
        thunk()
    msg = str(info.value)
    for w in words:
        assert w in msg, f"{w!r} not in message {msg!r}"
    # the library's own errors (or an IndexError/TypeError/ValueError with our text), never a
    # Numba typing error
    assert 'numba' not in msg.lower() and 'TypingError' not in type(info.value).__name__


def test_the_library_errors_are_one_family():
    for e in (ShapeError, DTypeError, AxisError, GraphError, FunctionError):
        assert issubclass(e, AutodiffError)
    assert issubclass(ShapeError, ValueError) and issubclass(DTypeError, TypeError)
    assert issubclass(GraphError, RuntimeError) and issubclass(AxisError, IndexError)


# ---- custom Functions ------------------------------------------------------------------------
class Mul(autograd.Function):
    """a * b with a backward that returns ``self.answer(g, a, b)``."""
    def __init__(self, answer):
        super().__init__()
        self.answer = answer

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b

    def backward(self, g):
        a, b = self.saved_tensors
        return self.answer(g, a, b)


def _run(answer):
    a, b = leaf(onp.ones((2, 3), onp.float32)), leaf(onp.full((2, 3), 2.0, onp.float32))
    with autograd.record():
        y = Mul(answer)(a, b)
    y.backward()
    return a, b


FUNCTION_BAD = [
    ('one of two', lambda g, a, b: g * b, ['returned 1 gradients', 'took 2 inputs']),
    ('three of two', lambda g, a, b: (g, g, g), ['returned 3 gradients', 'took 2 inputs']),
    ('empty', lambda g, a, b: (), ['returned 0 gradients']),
    ('shape', lambda g, a, b: (g * b, (g * a).sum()), ['gradient 1', 'shape ()', '(2, 3)']),
    ('shape transposed', lambda g, a, b: ((g * b).T, g * a), ['gradient 0', '(3, 2)']),
    ('numpy array', lambda g, a, b: (g * b, onp.ones((2, 3))), ['gradient 1', 'numpy.ndarray']),
    ('float', lambda g, a, b: (1.0, g * a), ['gradient 0', 'float']),
    ('list', lambda g, a, b: (g * b, [[1, 2, 3]] * 2), ['gradient 1', 'list']),
]


@pytest.mark.parametrize('answer, words', [c[1:] for c in FUNCTION_BAD],
                         ids=[c[0] for c in FUNCTION_BAD])
def test_function_backward_wrong_answers(answer, words):
    with pytest.raises(FunctionError) as info:
        _run(answer)
    msg = str(info.value)
    assert 'Mul.backward' in msg
    for w in words:
        assert w in msg, f"{w!r} not in {msg!r}"


def test_function_backward_gradient_of_another_float_dtype_is_cast():
    """As PyTorch does, a float64 gradient for a float32 input is cast to float32 (it
    must not leak float64 into the rest of the graph)."""
    a, b = _run(lambda g, a, b: ((g * b).astype('float64'), g * a))
    assert a.grad.dtype == onp.float32
    onp.testing.assert_array_equal(a.grad.asnumpy(), onp.full((2, 3), 2.0))
    onp.testing.assert_array_equal(b.grad.asnumpy(), onp.ones((2, 3)))


class UserBug(Exception):
    pass


class Exploding(autograd.Function):
    def forward(self, a):
        return a * 1

    def backward(self, g):
        raise UserBug("boom in the user's backward")


def test_function_backward_exception_reaches_the_caller_with_its_traceback():
    a = leaf([1.0, 2.0])
    with autograd.record():
        y = Exploding()(a)
    with pytest.raises(UserBug, match="boom in the user's backward") as info:
        y.backward()
    frames = traceback.extract_tb(info.value.__traceback__)
    assert frames[-1].name == 'backward' and frames[-1].filename == __file__
    assert 'raise UserBug' in frames[-1].line


def test_function_forward_exception_reaches_the_caller_and_recording_is_restored():
    class BadForward(autograd.Function):
        def forward(self, a):
            raise UserBug("forward failed")
    a = leaf([1.0])
    with autograd.record():
        with pytest.raises(UserBug, match='forward failed'):
            BadForward()(a)
        assert autograd.is_recording()          # the pause inside the call was undone


def test_function_instance_called_twice():
    f = Mul(lambda g, a, b: (g * b, g * a))
    a, b = leaf([1.0]), leaf([2.0])
    with autograd.record():
        f(a, b)
        with pytest.raises(FunctionError, match='only be called once') as info:
            f(a, b)
    assert 'new instance' in str(info.value)


def test_function_inputs_and_outputs_must_be_arrays():
    class ReturnsNumpy(autograd.Function):
        def forward(self, a):
            return a.asnumpy()

    class ReturnsFloat(autograd.Function):
        def forward(self, a):
            return a * 2, 3.0
    with pytest.raises(TypeError, match='input 0 is a numpy.ndarray'):
        Mul(None)(onp.ones(2), np.ones(2))
    with pytest.raises(TypeError, match='output 0 is a numpy.ndarray'):
        ReturnsNumpy()(np.ones(2))
    with pytest.raises(TypeError, match='ReturnsFloat.forward: output 1 is a float'):
        ReturnsFloat()(np.ones(2))


# ---- NaN like NumPy; anomaly mode traps it ------------------------------------------------------
@pytest.mark.parametrize('name', ['log', 'sqrt', 'log1p', 'log2', 'log10'])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_nan_producing_inputs_give_what_numpy_gives(name, dtype):
    v = onp.array([-1.0, 0.0, -0.0, 1.0, onp.inf, -onp.inf, onp.nan, -2.0], dtype=dtype)
    with onp.errstate(all='ignore'):
        expected = getattr(onp, name)(v)
    got = getattr(np, name)(np.array(v)).asnumpy()
    assert got.dtype == expected.dtype
    onp.testing.assert_array_equal(got, expected)       # NaN where NumPy has NaN, same infs


def test_nan_without_anomaly_mode_is_not_an_error():
    x = leaf([-1.0, 4.0])
    with autograd.record():
        y = np.sqrt(x).sum()
    y.backward()
    g = x.grad.asnumpy()
    assert onp.isnan(g[0]) and g[1] == 0.25


def test_anomaly_forward_names_the_first_op():
    x = leaf([-1.0, 2.0])
    with autograd.detect_anomaly():
        with autograd.record():
            h = x * 3                       # fine
            with pytest.raises(FloatingPointError) as info:
                np.log(h) * 2               # log makes the NaN; multiply only passes it on
    msg = str(info.value)
    assert "'log'" in msg and 'forward' in msg and 'NaN or inf' in msg
    assert 'multiply' not in msg


def test_anomaly_forward_catches_inf_from_overflow():
    x = leaf([1000.0])
    with autograd.detect_anomaly(), autograd.record():
        with pytest.raises(FloatingPointError, match="'exp'"):
            np.exp(x)


def test_anomaly_backward_names_the_op_whose_gradient_is_bad():
    x = leaf([0.0, 4.0])
    with autograd.detect_anomaly():
        with autograd.record():
            y = (np.sqrt(x) * 3).sum()      # forward is finite: sqrt(0) = 0
        with pytest.raises(FloatingPointError) as info:
            y.backward()
    msg = str(info.value)
    assert "backward of op 'sqrt'" in msg and 'gradient of input 0' in msg


def test_anomaly_in_a_custom_function_forward_and_backward():
    class Log(autograd.Function):
        def forward(self, a):
            self.save_for_backward(a)
            return np.log(a)

        def backward(self, g):
            a, = self.saved_tensors
            return g / a
    with autograd.detect_anomaly(), autograd.record():
        with pytest.raises(FloatingPointError, match="'Log'.*forward"):
            Log()(leaf([-1.0]))

    class BadBackward(autograd.Function):
        def forward(self, a):
            self.save_for_backward(a)
            return a * 2

        def backward(self, g):
            a, = self.saved_tensors
            return g / (a - a)                  # 0/0: NaN
    x = leaf([1.0, 2.0])
    with autograd.detect_anomaly():
        with autograd.record():
            y = (BadBackward()(x) * 3).sum()
        with pytest.raises(FloatingPointError, match="backward of op 'BadBackward'"):
            y.backward()


def test_anomaly_in_a_multi_output_op():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * np.array([onp.inf, 1.0])     # anomaly mode off: recorded without a check
    with autograd.detect_anomaly(), autograd.record():
        with pytest.raises(FloatingPointError, match="'split'"):
            np.split(y, 2)


def test_set_detect_anomaly_returns_previous_and_is_off_by_default():
    x = leaf([-1.0])
    with autograd.record():
        np.log(x)                                # off by default: no error
    assert autograd.set_detect_anomaly(True) is False
    try:
        with autograd.record(), pytest.raises(FloatingPointError, match="'log'"):
            np.log(x)
    finally:
        assert autograd.set_detect_anomaly(False) is True
    with autograd.record():
        np.log(x)


def test_detect_anomaly_restores_the_previous_setting_on_error():
    with pytest.raises(UserBug):
        with autograd.detect_anomaly():
            raise UserBug()
    x = leaf([-1.0])
    with autograd.record():
        np.log(x)                                # off again


def test_function_gradient_cast_reaches_upstream_ops_in_the_input_dtype():
    seen = []

    class Probe(autograd.Function):
        def forward(self, a):
            return a * 1

        def backward(self, g):
            seen.append(g.dtype)
            return g

    x = leaf(onp.ones(3, onp.float32))
    with autograd.record():
        h = Probe()(x)
        y = Mul(lambda g, a, b: ((g * b).astype('float64'), g * a))(h, np.ones(3))
    y.backward()
    assert seen == [onp.float32]

"""In-place arithmetic and ``a[key] = value`` around recording (MXNet 1.9.1's rules,
checked with the oracle): outside record() they are plain updates; inside, an array
already in a graph refuses them, ``x += v`` with v having history is refused, and
``a[key] = v`` with v having history is recorded."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import GraphError

from .nth import check_nth_order


def leaf(values):
    x = np.array(values)
    x.attach_grad()
    return x


@pytest.mark.parametrize('op', ['+=', '-=', '*=', '/=', '**='])
def test_inplace_on_a_marked_leaf_outside_record_is_an_update(op):
    w = leaf([1.0, 2.0])
    ns = {'w': w}
    exec(f'w {op} 2.0', ns)
    expected = {'+=': [3, 4], '-=': [-1, 0], '*=': [2, 4], '/=': [.5, 1], '**=': [1, 4]}[op]
    assert ns['w'] is w
    onp.testing.assert_array_equal(w.asnumpy(), expected)
    with autograd.record():
        y = w * w
    y.backward()                                          # still marked
    onp.testing.assert_array_equal(w.grad.asnumpy(), 2 * onp.array(expected, onp.float32))


def test_sgd_step_with_the_gradient():
    w = leaf([1.0, -2.0])
    for _ in range(3):
        with autograd.record():
            loss = (w * w).sum()
        loss.backward()
        w -= 0.25 * w.grad
    onp.testing.assert_array_equal(w.asnumpy(), [0.125, -0.25])


def test_inplace_on_an_array_in_a_graph_inside_record_is_refused():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * 2
        with pytest.raises(GraphError, match='already in a computational graph'):
            y += 1
        with pytest.raises(GraphError, match='already in a computational graph'):
            x *= 2
    onp.testing.assert_array_equal(x.asnumpy(), [1.0, 2.0])     # untouched


def test_inplace_with_a_recorded_operand_inside_record_is_refused():
    """MXNet 1.9.1: 'Inplace operations (+=, -=, x[:]=, etc) are not supported when
    recording with autograd.'  Silently dropping the gradient would be worse."""
    x = leaf([1.0, 2.0])
    acc = np.zeros((2,))
    with autograd.record():
        with pytest.raises(GraphError, match='In-place operations .* not supported when '
                                             'recording'):
            acc += x * 2
    onp.testing.assert_array_equal(acc.asnumpy(), [0.0, 0.0])


def test_inplace_on_plain_arrays_inside_record_is_fine():
    a = np.zeros((2,))
    with autograd.record():
        a += 1
        a[0] = 5
    onp.testing.assert_array_equal(a.asnumpy(), [5.0, 1.0])
    assert a._node is None


def test_setitem_on_an_array_in_a_graph_inside_record_is_refused():
    x = leaf([1.0, 2.0])
    with autograd.record():
        with pytest.raises(GraphError, match='already in a computational graph'):
            x[0] = 3.0


def test_setitem_with_a_recorded_value_is_recorded():
    """MXNet 1.9.1: x[:] = y * 2 inside record, then (x * 3).backward() gives y.grad = 6."""
    y = leaf([1.0, 2.0])
    x = np.zeros((2,))
    with autograd.record():
        x[:] = y * 2
        z = x * 3
    z.backward()
    onp.testing.assert_array_equal(y.grad.asnumpy(), [6.0, 6.0])


def test_setitem_into_part_with_broadcast_value():
    v = leaf([1.0, 2.0, 3.0])
    buf = np.ones((3, 3))
    with autograd.record():
        buf[1:] = v * v                  # broadcast into 2 rows
        out = (buf * np.array([[1.0], [2.0], [3.0]])).sum()
    out.backward()
    onp.testing.assert_array_equal(v.grad.asnumpy(), 2 * v.asnumpy() * (2 + 3))
    onp.testing.assert_array_equal(buf.asnumpy()[0], [1.0, 1.0, 1.0])


def test_setitem_with_leading_unit_axes_and_advanced_index():
    v = leaf([[1.0, 2.0]])                                 # (1, 2) into a (2,) region
    buf = np.zeros((3, 2))
    with autograd.record():
        buf[onp.array([2])] = v * 3
        out = (buf * buf).sum()
    out.backward()
    onp.testing.assert_array_equal(v.grad.asnumpy(), 2 * 3 * 3 * v.asnumpy())


def test_setitem_second_order():
    def f(v):
        buf = np.zeros((2, 3), dtype='float64')
        buf[0] = v * v
        return np.sin(buf)
    check_nth_order(f, [onp.array([0.3, -0.7, 1.1])], 2)


def test_setitem_outside_record_is_not_recorded():
    y = leaf([1.0, 2.0])
    with autograd.record():
        v = y * 2
    x = np.zeros((2,))
    x[:] = v
    assert x._node is None
    onp.testing.assert_array_equal(x.asnumpy(), [2.0, 4.0])


def test_a_buffer_stamped_again_keeps_one_weakref_and_the_newest_tick():
    """An optimizer writes the same weights every step: the second stamp of a buffer reuses
    the first one's weakref, and a node recorded between the two writes still sees the
    later one."""
    from autodiff import versions
    from autodiff.tape import tick
    w = np.array(onp.ones(3))
    w.attach_grad()
    versions.stamp(w._data, tick())
    ref = versions._stamps[id(w._data)][0]
    with autograd.record():
        y = np.sin(w) * 2
    w._data[...] = 2.0
    versions.stamp(w._data, tick())
    assert versions._stamps[id(w._data)][0] is ref
    with pytest.raises(GraphError, match='modified by an in-place operation'):
        y.backward()

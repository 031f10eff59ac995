"""In-place safety (autodiff/versions.py): a buffer saved for backward and then written in
place makes that backward raise a GraphError naming the array (shape, dtype) and the op,
as PyTorch's version counters do; an update between iterations (SGD) does not."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import GraphError

MODIFIED = 'modified by an in-place operation'


def leaf(values, dtype=None):
    x = np.array(values, dtype=dtype)
    x.attach_grad()
    return x


def _write_iadd(a):
    a += 1


def _write_slice(a):
    a[:] = 5


def _write_setitem(a):
    a[..., 1] = -3


def _write_view(a):
    # a view sharing a's buffer: a contiguous run of basic indexing (MXNet 1.9.1 shares
    # those; reshape copies)
    v = a[(0,) * (a.ndim - 1) + (slice(1, None),)]
    assert onp.shares_memory(v._data, a._data)
    v[:] = 7


def _write_detached(a):
    d = a.detach()                # shares memory, no history
    d *= 2


WRITES = [_write_iadd, _write_slice, _write_setitem, _write_view, _write_detached]


@pytest.mark.parametrize('write', WRITES, ids=lambda f: f.__name__[7:])
def test_saved_constant_changed_in_place(write):
    x = leaf([1.0, 2.0, 3.0])
    c = np.array([[4.0, 5.0, 6.0]], dtype='float64')
    with autograd.record():
        y = (x * c).sum()
    write(c)
    with pytest.raises(GraphError, match=MODIFIED) as info:
        y.backward()
    msg = str(info.value)
    assert "'multiply'" in msg and '(1, 3)' in msg and 'float64' in msg and 'input 1' in msg
    assert 'instead' in msg                     # says what to do


@pytest.mark.parametrize('write', WRITES, ids=lambda f: f.__name__[7:])
def test_saved_leaf_changed_in_place_outside_record(write):
    x = leaf([1.0, 2.0, 3.0])
    with autograd.record():
        y = (x * x).sum()
    write(x)
    with pytest.raises(GraphError, match=MODIFIED) as info:
        y.backward()
    assert "'multiply'" in str(info.value) and '(3,)' in str(info.value)
    assert 'float32' in str(info.value)


def test_saved_output_changed_in_place_through_a_detached_view():
    """exp's backward reads its own output: writing that buffer must be caught too."""
    x = leaf([0.0, 1.0])
    with autograd.record():
        e = np.exp(x)
    alias = e.detach()
    alias += 1
    with autograd.record():
        y = e.sum()
    with pytest.raises(GraphError, match=MODIFIED) as info:
        y.backward()
    assert "output 0" in str(info.value) and "'exp'" in str(info.value)


def test_write_through_a_numpy_view_of_the_base_buffer():
    """A view of a view: the stamp goes to the root buffer, so any alias is caught."""
    base = np.array(onp.arange(6.0).reshape(2, 3))
    row = base[1]                  # a view of base
    x = leaf([1.0, 1.0, 1.0])
    with autograd.record():
        y = (x * row).sum()
    base[0, 0] = 100.0             # a different element of the same buffer
    with pytest.raises(GraphError, match=MODIFIED):
        y.backward()


def test_unrelated_buffer_written_in_place_does_not_raise():
    x = leaf([1.0, 2.0])
    c = np.array([3.0, 4.0])
    other = np.array([0.0, 0.0])
    with autograd.record():
        y = (x * c).sum()
    other += 1
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [3.0, 4.0])


def test_write_before_recording_does_not_raise():
    c = np.array([3.0, 4.0])
    c += 1
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = (x * c).sum()
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [4.0, 5.0])


def test_sgd_update_between_iterations_does_not_raise():
    """w -= lr * grad outside record(), then a fresh graph each step: every backward works
    and the iterates match the closed form w_k = w_0 * (1 - 2 lr)^k of loss = sum(w^2)."""
    w = leaf([1.0, -2.0, 0.5], dtype='float64')
    lr = 0.1
    for _ in range(5):
        with autograd.record():
            loss = (w * w).sum()
        loss.backward()
        w -= lr * w.grad
    onp.testing.assert_allclose(w.asnumpy(), onp.array([1.0, -2.0, 0.5]) * 0.8 ** 5, rtol=1e-12)


def test_sgd_update_in_place_with_setitem_also_fine():
    w = leaf([2.0, 4.0], dtype='float64')
    for _ in range(3):
        with autograd.record():
            loss = (w * w).sum() / 2
        loss.backward()
        w[:] = w - 0.5 * w.grad
    onp.testing.assert_allclose(w.asnumpy(), [0.25, 0.5])


def test_retained_graph_replay_after_constant_changed():
    x = leaf([1.0, 2.0])
    c = np.array([2.0, 3.0])
    with autograd.record():
        y = (x * c).sum()
    y.backward(retain_graph=True)
    onp.testing.assert_array_equal(x.grad.asnumpy(), [2.0, 3.0])
    c[:] = 7.0
    with pytest.raises(GraphError, match=MODIFIED):
        y.backward()


def test_autograd_grad_also_checks():
    x = leaf([1.0, 2.0])
    c = np.array([2.0, 3.0])
    with autograd.record():
        y = (x * c).sum()
    c += 1
    with pytest.raises(GraphError, match=MODIFIED):
        autograd.grad(y, [x])


def test_unsaved_intermediate_changed_in_place_is_allowed():
    """add does not read its operands in backward, but the library still saves them; the
    refusal is conservative.  What matters: a changed buffer never gives a silently wrong
    gradient.  Here the buffer is not part of the graph at all (a copy), so no error."""
    x = leaf([1.0, 2.0])
    c = np.array([2.0, 3.0])
    with autograd.record():
        y = (x * c.copy()).sum()
    c += 100
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy(), [2.0, 3.0])


# ---- inside record(): refused up front with what to do instead ----------------------------------
@pytest.mark.parametrize('stmt', ['y += 1', 'y -= x', 'y *= 2', 'y /= 2', 'y **= 2',
                                  'y[0] = 5', 'y[:] = 0', 'x += 1', 'x[1] = 0'])
def test_inplace_inside_record_on_array_with_history_is_refused(stmt):
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * 2
        ns = {'x': x, 'y': y}
        with pytest.raises(GraphError) as info:
            exec(stmt, ns)
    msg = str(info.value)
    assert 'computational graph' in msg and 'Compute a new array instead' in msg
    onp.testing.assert_array_equal(x.asnumpy(), [1.0, 2.0])          # untouched
    onp.testing.assert_array_equal(y.asnumpy(), [2.0, 4.0])


def test_inplace_inside_record_with_a_recorded_operand_is_refused():
    x = leaf([1.0, 2.0])
    acc = np.zeros((2,))
    with autograd.record():
        with pytest.raises(GraphError, match='In-place operations') as info:
            acc += x
    assert 'new array' in str(info.value)
    onp.testing.assert_array_equal(acc.asnumpy(), [0.0, 0.0])

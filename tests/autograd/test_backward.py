"""``backward`` / ``autograd.backward`` / ``mark_variables`` semantics (MXNet 1.9.1's).

Expected values are worked out by hand from the chain rule or were observed with the
MXNet oracle (noted where so).
"""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import GraphError, ShapeError, DTypeError


def leaf(values, req='write'):
    x = np.array(values)
    x.attach_grad(req)
    return x


def G(x):
    return x.grad.asnumpy()


# ---- basics ---------------------------------------------------------------------------------
def test_missing_head_gradient_means_ones():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    with autograd.record():
        y = 2 * x * x
    y.backward()
    onp.testing.assert_array_equal(G(x), [[4, 8], [12, 16]])


def test_head_gradient_scales():
    x = leaf([1.0, 2.0, 3.0])
    with autograd.record():
        y = x * x
    y.backward(np.array([1.0, 0.5, -1.0]))
    onp.testing.assert_array_equal(G(x), [2.0, 2.0, -6.0])


def test_head_gradient_from_a_list_and_a_numpy_array():
    for hg in ([1.0, 0.0, 2.0], onp.array([1.0, 0.0, 2.0], onp.float32)):
        x = leaf([1.0, 2.0, 3.0])
        with autograd.record():
            y = x * 3
        y.backward(hg)
        onp.testing.assert_array_equal(G(x), [3.0, 0.0, 6.0])


def test_gradient_has_the_leaf_dtype():
    x = np.array(onp.array([1.0, 2.0]))          # float64 stays float64 (MXNet 1.9.1)
    x.attach_grad()
    w = np.array([3.0, 4.0])                     # float32
    with autograd.record():
        y = x * w
    y.backward()
    assert x.grad.dtype == onp.float64 and w.grad is None
    onp.testing.assert_array_equal(G(x), [3.0, 4.0])


def test_leaf_as_its_own_head_gets_ones():
    """MXNet 1.9.1: x.attach_grad(); x.backward() gives x.grad == 1."""
    x = leaf([1.0, 2.0])
    x.backward()
    onp.testing.assert_array_equal(G(x), [1.0, 1.0])


def test_backward_inside_record_is_not_recorded():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * x
        y.backward()
        assert autograd.is_recording()
    onp.testing.assert_array_equal(G(x), [2.0, 4.0])
    assert x.grad._node is None


# ---- autograd.backward and mark_variables -----------------------------------------------------
def test_backward_of_several_heads_sums_their_contributions():
    x = leaf([1.0, 2.0])
    with autograd.record():
        a = x * 2
        b = x * x
    autograd.backward([a, b])
    onp.testing.assert_array_equal(G(x), [4.0, 6.0])


def test_backward_head_gradient_list_with_none_entries():
    """MXNet's test_out_grads: split into 3 heads, head gradients [None, db, dc]."""
    x = np.ones((3, 5))
    dx = np.zeros_like(x)
    autograd.mark_variables([x], [dx])
    with autograd.record():
        a, b, c = np.split(x, 3, axis=0)
        autograd.backward([a, b, c], [None, np.array([[1, 2, 3, 4, 5]]),
                                      np.array([[5, 4, 3, 2, 1]])])
    onp.testing.assert_array_equal(dx.asnumpy(), [[1, 1, 1, 1, 1], [1, 2, 3, 4, 5],
                                                  [5, 4, 3, 2, 1]])
    assert x.grad is dx


def test_backward_accepts_a_tuple_and_a_single_array():
    x = leaf([1.0, 2.0])
    with autograd.record():
        a, b = x * 2, x * 3
    autograd.backward((a, b))
    onp.testing.assert_array_equal(G(x), [5.0, 5.0])
    with autograd.record():
        a = x * 4
    autograd.backward(a, np.array([1.0, 2.0]))
    onp.testing.assert_array_equal(G(x), [4.0, 8.0])


def test_the_same_head_twice_counts_twice():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * 3
    autograd.backward([y, y])
    onp.testing.assert_array_equal(G(x), [6.0, 6.0])


def test_mark_variables_with_grad_reqs():
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    dx, dy = np.full((2,), 10.0), np.full((2,), 10.0)
    autograd.mark_variables([x, y], [dx, dy], grad_reqs=['write', 'add'])
    with autograd.record():
        z = x * y
    z.backward()
    onp.testing.assert_array_equal(dx.asnumpy(), [3.0, 4.0])       # overwritten
    onp.testing.assert_array_equal(dy.asnumpy(), [11.0, 12.0])     # accumulated


def test_mark_variables_single_arrays_and_errors():
    x, dx = np.array([1.0, 2.0]), np.zeros((2,))
    autograd.mark_variables(x, dx)
    with autograd.record():
        y = x * 5
    y.backward()
    onp.testing.assert_array_equal(dx.asnumpy(), [5.0, 5.0])
    with pytest.raises(ValueError, match='2 variables but 1 gradient'):
        autograd.mark_variables([x, x], [dx])
    with pytest.raises(ShapeError, match=r'gradient buffer 0 has shape \(3,\)'):
        autograd.mark_variables([x], [np.zeros((3,))])
    with pytest.raises(ValueError, match='grad_req'):
        autograd.mark_variables([x], [dx], grad_reqs='sometimes')
    with pytest.raises(TypeError, match='entry 0 is a list'):
        autograd.mark_variables([[1.0, 2.0]], [dx])


# ---- what is recorded -----------------------------------------------------------------------
def test_graphs_connect_across_record_blocks():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * x
    with autograd.record():
        z = y * 3
    z.backward()
    onp.testing.assert_array_equal(G(x), [6.0, 12.0])


def test_ops_outside_record_are_not_recorded():
    x = leaf([1.0, 2.0])
    y = x * x                                   # outside record: a constant
    assert y._node is None
    with autograd.record():
        z = y * x
    z.backward()
    onp.testing.assert_array_equal(G(x), [1.0, 4.0])   # y treated as a constant
    with pytest.raises(GraphError, match='no recorded history'):
        y.backward()


def test_pause_inside_record_stops_recording():
    x = leaf([1.0, 2.0])
    with autograd.record():
        a = x * x
        with autograd.pause():
            b = x * 10                           # not recorded: a constant
            assert not autograd.is_recording()
        c = a + b * x
    assert b._node is None
    c.backward()
    onp.testing.assert_array_equal(G(x), [2 * 1.0 + 10, 2 * 2.0 + 20])


def test_ops_on_arrays_without_history_are_not_recorded():
    with autograd.record():
        a = np.array([1.0, 2.0]) * 2
    assert a._node is None


def test_backward_train_mode_argument():
    seen = []

    class Probe(autograd.Function):
        def forward(self, x):
            return x * 1

        def backward(self, dy):
            seen.append(autograd.is_training())
            return dy

    x = leaf([1.0])
    for tm in (True, False):
        with autograd.record():
            y = Probe()(x)
        y.backward(train_mode=tm)
    assert seen == [True, False]
    assert autograd.is_training() is False


# ---- grad_req --------------------------------------------------------------------------------
def test_grad_req_write_overwrites():
    x = leaf([1.0, 2.0])
    for _ in range(3):
        with autograd.record():
            y = x * x
        y.backward()
    onp.testing.assert_array_equal(G(x), [2.0, 4.0])


def test_grad_req_add_accumulates():
    """MXNet 1.9.1: three backward passes with 'add' give three times the gradient."""
    x = leaf([1.0, 2.0], 'add')
    with autograd.record():
        y = x * x
    y.backward(retain_graph=True)
    y.backward(retain_graph=True)
    y.backward()
    onp.testing.assert_array_equal(G(x), [6.0, 12.0])


def test_grad_req_null_skips():
    x, w = leaf([1.0, 2.0], 'null'), leaf([3.0, 4.0])
    with autograd.record():
        y = x * w
    y.backward()
    assert x.grad is None                    # MXNet 1.9.1: .grad stays None with 'null'
    onp.testing.assert_array_equal(G(w), [1.0, 2.0])


def test_a_leaf_not_reached_keeps_its_gradient():
    """MXNet 1.9.1: z.grad stays [5, 5] when a backward does not reach z."""
    x, z = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    z.grad[:] = 5
    with autograd.record():
        y = x * 2
    y.backward()
    onp.testing.assert_array_equal(G(x), [2.0, 2.0])
    onp.testing.assert_array_equal(G(z), [5.0, 5.0])


def test_reattach_gives_a_fresh_leaf():
    """MXNet 1.9.1: after a second attach_grad, graphs recorded before it no longer write
    into x.grad; inside record, only uses after the new mark count."""
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * 3
    x.attach_grad()
    y.backward()
    onp.testing.assert_array_equal(G(x), [0.0, 0.0])
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * 3
        x.attach_grad()
        z = y * x
    z.backward()
    onp.testing.assert_array_equal(G(x), [3.0, 6.0])


def test_attach_grad_errors():
    with pytest.raises(ValueError, match="grad_req must be one of"):
        np.array([1.0]).attach_grad('sometimes')
    with pytest.raises(ValueError, match='stype'):
        np.array([1.0]).attach_grad(stype='csr')


# ---- freeing and retaining the graph -----------------------------------------------------------
def test_second_backward_through_a_freed_graph_names_retain_graph():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * x
    y.backward()
    with pytest.raises(GraphError, match=r'retain_graph=True') as e:
        y.backward()
    assert 'Cannot differentiate node because it is not in a computational graph' in str(e.value)


def test_freed_graph_error_reaches_through_a_new_head():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * x
    y.backward()
    with autograd.record():
        z = y * 2                                 # y's producer was freed
    with pytest.raises(GraphError, match='retain_graph=True'):
        z.backward()


def test_retain_graph_allows_any_number_of_further_backwards():
    x = leaf([1.0, 2.0], 'add')
    with autograd.record():
        y = np.exp(x) * x
    for _ in range(5):
        y.backward(retain_graph=True)
    y.backward()
    e = onp.exp(onp.float32([1.0, 2.0]))
    onp.testing.assert_allclose(G(x), 6 * (e + e * onp.float32([1.0, 2.0])), rtol=1e-6)
    with pytest.raises(GraphError, match='retain_graph=True'):
        y.backward()


def test_backward_of_part_of_a_graph_frees_only_that_part():
    x = leaf([1.0, 2.0])
    with autograd.record():
        a = x * 2
        b = x * 3
    a.backward()
    b.backward()                                   # a separate node: still alive
    onp.testing.assert_array_equal(G(x), [3.0, 3.0])


# ---- bad heads -------------------------------------------------------------------------------
def test_backward_on_an_array_without_history_is_a_clear_error():
    x = np.array([1.0, 2.0])
    with pytest.raises(GraphError, match='no recorded history.*attach_grad.*record'):
        x.backward()
    w = leaf([1.0])
    y = w * 2                                      # not recorded
    with pytest.raises(GraphError, match='head 0: cannot differentiate'):
        y.backward()


def test_head_gradient_of_the_wrong_shape_is_an_error():
    """MXNet silently broadcast here (a reported bug); we refuse, naming both shapes."""
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    with autograd.record():
        y = x * 2
    with pytest.raises(ShapeError, match=r'head gradient 0 has shape \(2,\).*\(2, 2\)'):
        y.backward(np.array([1.0, 1.0]))
    with pytest.raises(ShapeError, match=r'head gradient 1 has shape \(3,\)'):
        autograd.backward([y, y], [None, np.ones((3,))])


def test_head_gradient_of_the_wrong_dtype_is_an_error():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * 2
    with pytest.raises(DTypeError, match='head gradient 0 has dtype float64.*float32'):
        y.backward(np.array(onp.array([1.0, 1.0])))


def test_heads_and_head_gradients_of_different_lengths():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * 2
    with pytest.raises(ValueError, match='same length: 1 heads, 2 head gradients'):
        autograd.backward([y], [None, None])


def test_a_head_that_is_not_an_array():
    with pytest.raises(TypeError, match='head 0 is a list'):
        autograd.backward([[1.0]])
    with pytest.raises(TypeError, match='heads must be an array or a list'):
        autograd.backward(3.0)


# ---- detach ------------------------------------------------------------------------------------
def test_detach_shares_memory_and_has_no_history():
    x = leaf([1.0, 2.0])
    with autograd.record():
        y = x * 3
        d = y.detach()
        z = d * x
    assert d._node is None and d.grad is None
    z.backward()
    onp.testing.assert_array_equal(G(x), [3.0, 6.0])        # d is a constant: dz/dx = d
    d[0] = 100.0                                            # shares y's memory
    assert y.asnumpy()[0] == 100.0

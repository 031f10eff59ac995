"""The scenarios of MXNet's ``tests/python/unittest/test_autograd.py``, on ``autodiff``.

(Custom Function, chained Functions, ``test_gradient`` and attach_grad on intermediates
are in ``test_function.py`` and ``test_grad.py``.)
"""
import functools

import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import GraphError


def grad_and_loss(func, argnum=None):
    """MXNet's helper: mark the chosen arguments, record func, backward, return grads."""
    @functools.wraps(func)
    def wrapped(*args):
        variables = args
        if argnum is not None:
            variables = [args[i] for i in (argnum if isinstance(argnum, list) else [argnum])]
        grads = [np.zeros_like(x) for x in variables]
        autograd.mark_variables(variables, grads)
        with autograd.record():
            outputs = func(*args)
        autograd.backward([outputs] if isinstance(outputs, np.ndarray) else outputs)
        return grads, outputs
    return wrapped


def autograd_assert(*args, func, grad_func, argnum=None):
    grad_vals, output = grad_and_loss(func, argnum)(*args)
    onp.testing.assert_array_equal(output.asnumpy(), func(*args).asnumpy())
    expected = grad_func(*args)
    assert len(grad_vals) == len(expected)
    for a, b in zip(grad_vals, expected):
        onp.testing.assert_allclose(a.asnumpy(), onp.asarray(b), rtol=1e-6)


def uniform(shape, seed):
    return np.array(onp.random.default_rng(seed).uniform(0, 1, shape))


def test_unary_func():
    x = uniform((4, 5), 0)
    xs = x.asnumpy()
    autograd_assert(x, func=np.exp, grad_func=lambda x: [onp.exp(xs)])
    autograd_assert(x, func=lambda x: x / 2, grad_func=lambda x: [onp.full((4, 5), .5)])
    autograd_assert(x, func=lambda x: x ** 2, grad_func=lambda x: [2 * xs])


def test_binary_func():
    x, y = uniform((4, 5), 1), uniform((4, 5), 2)
    xs, ys = x.asnumpy(), y.asnumpy()
    autograd_assert(x, y, func=lambda x, y: x + y,
                    grad_func=lambda x, y: [onp.ones((4, 5)), onp.ones((4, 5))])
    autograd_assert(x, y, func=lambda x, y: x * y, grad_func=lambda x, y: [ys, xs])
    autograd_assert(x, y, func=lambda x, y: x + x * y, grad_func=lambda x, y: [1 + ys, xs])


def test_operator_with_state():
    """MXNet's test_operator_with_state, with the FullyConnected written out."""
    a, b = uniform((64, 50), 3), uniform((64, 50), 4)
    weight, bias = uniform((32, 50), 5), uniform((32,), 6)

    def f_fc(a, b, weight, bias):
        return (a * b) @ weight.T + bias

    (ga, gb, gw, gbias), out = grad_and_loss(f_fc)(a, b, weight, bias)
    A, B, W = a.asnumpy(), b.asnumpy(), weight.asnumpy()
    ones = onp.ones((64, 32), onp.float32)
    onp.testing.assert_allclose(out.asnumpy(), (A * B) @ W.T + bias.asnumpy(), rtol=1e-5)
    onp.testing.assert_allclose(ga.asnumpy(), (ones @ W) * B, rtol=1e-5)
    onp.testing.assert_allclose(gb.asnumpy(), (ones @ W) * A, rtol=1e-5)
    onp.testing.assert_allclose(gw.asnumpy(), ones.T @ (A * B), rtol=1e-5)
    onp.testing.assert_allclose(gbias.asnumpy(), onp.full(32, 64.0))


def test_argnum_with_data_dependent_branch():
    def f_with_mode(a, b, mode):
        return a + b if mode else a * b

    a, b = uniform((3, 2), 7), uniform((3, 2), 8)
    autograd_assert(a, b, True, argnum=[0, 1], func=f_with_mode,
                    grad_func=lambda x, y, mode: [onp.ones((3, 2)), onp.ones((3, 2))])
    autograd_assert(a, b, False, argnum=[0, 1], func=f_with_mode,
                    grad_func=lambda x, y, mode: [y.asnumpy(), x.asnumpy()])


def test_argnum_subset_only_marks_chosen_arguments():
    a, b = uniform((3,), 9), uniform((3,), 10)
    (gb,), _ = grad_and_loss(lambda a, b: a * b * b, argnum=1)(a, b)
    onp.testing.assert_allclose(gb.asnumpy(), 2 * a.asnumpy() * b.asnumpy(), rtol=1e-6)
    assert a.grad is None


def dropout_like(x):
    """Stands in for nd.Dropout: scales by 2 when training, the identity otherwise."""
    return x * 2 if autograd.is_training() else x * 1


def test_training_flag_under_record_and_pause():
    """MXNet's test_training."""
    x = np.ones((10, 10))
    with autograd.record():
        y = dropout_like(x)
        assert not (y.asnumpy() == x.asnumpy()).all()
        with autograd.pause():
            y = dropout_like(x)
            assert (y.asnumpy() == x.asnumpy()).all()


def test_is_train():
    """MXNet's test_is_train: is_training across record(train_mode=...), predict_mode,
    train_mode, and backward(train_mode=...)."""
    x = np.ones((10, 10))
    x.attach_grad()
    with autograd.record(train_mode=True):
        assert autograd.is_recording() and autograd.is_training()
        y = dropout_like(x)
        y.backward()
        assert (x.grad.asnumpy() == y.asnumpy()).all()
        with autograd.predict_mode():
            assert autograd.is_recording() and not autograd.is_training()
            y = dropout_like(x)
            assert (y.asnumpy() == x.asnumpy()).all()
            y.backward(train_mode=False)
            assert (x.grad.asnumpy() == x.asnumpy()).all()
    with autograd.record(train_mode=False):
        assert autograd.is_recording() and not autograd.is_training()
        y = dropout_like(x)
        y.backward(train_mode=False)
        assert (x.grad.asnumpy() == x.asnumpy()).all()
        with autograd.train_mode():
            assert autograd.is_recording() and autograd.is_training()
            y = dropout_like(x)
            y.backward()
            assert (x.grad.asnumpy() == y.asnumpy()).all()
    assert not autograd.is_recording() and not autograd.is_training()
    assert (dropout_like(x).asnumpy() == x.asnumpy()).all()
    with autograd.train_mode():
        assert not autograd.is_recording() and autograd.is_training()
        assert dropout_like(x).asnumpy().max() == 2


def test_out_grads_split_into_three_heads():
    """MXNet's test_out_grads: per-head gradients, None meaning ones."""
    x = np.ones((3, 5))
    dx = np.zeros_like(x)
    autograd.mark_variables([x], [dx])
    with autograd.record():
        a, b, c = (p.squeeze(0) for p in np.split(x, 3, axis=0))
        autograd.backward([a, b, c], [None, np.array([1, 2, 3, 4, 5]),
                                      np.array([5, 4, 3, 2, 1])])
    onp.testing.assert_array_equal(dx.asnumpy(), [[1, 1, 1, 1, 1], [1, 2, 3, 4, 5],
                                                  [5, 4, 3, 2, 1]])


def test_detach_updated_grad():
    """MXNet's test_detach_updated_grad: detach stops the update of x's gradient."""
    x, y = np.ones((2, 2)), np.ones((2, 2))
    dx, dy = np.zeros_like(x), np.zeros_like(y)
    autograd.mark_variables([x, y], [dx, dy])
    with autograd.record():
        y2 = x + 2 + y
        y2.backward()
    assert (dx.asnumpy() == 1).all() and (dy.asnumpy() == 1).all()
    dx[:] = 0
    dy[:] = 0
    with autograd.record():
        x2 = (x + 2).detach()
        y2 = x2 + y
        y2.backward()
    assert (dx.asnumpy() == 0).all()
    assert (dy.asnumpy() == 1).all()


def test_retain_grad_with_grad_req_add():
    """MXNet's test_retain_grad: 'add' with retain_graph gives 2x; a second backward
    without retain_graph fails."""
    x = np.ones((2, 2))
    dx = np.zeros((2, 2))
    autograd.mark_variables([x], [dx], grad_reqs='add')
    with autograd.record():
        y = x + 1
        y.backward(retain_graph=False)
    assert (dx.asnumpy() == 1).all()
    dx[:] = 0
    with autograd.record():
        y = x + 1
        y.backward(retain_graph=True)
        y.backward(retain_graph=False)
    assert (dx.asnumpy() == 2).all()
    with pytest.raises(GraphError, match='retain_graph=True'):
        with autograd.record():
            y = x + 1
            y.backward()
            y.backward()


def test_attach_grad_and_grad_none():
    """MXNet's test_attach_grad."""
    x = np.zeros((10, 10))
    assert x.grad is None
    x.attach_grad()
    with autograd.record():
        y = x * 2
        assert y.grad is None
        y.backward(out_grad=np.ones_like(y))
    assert (x.grad.asnumpy() == 2).all()


def test_grad_with_stype_and_detach():
    """MXNet's test_grad_with_stype, dense only: the gradient is dense and detach keeps data."""
    x = np.zeros((1, 1))
    x.attach_grad(stype='default')
    assert x.grad.shape == (1, 1)
    y = x.detach()
    assert y.shape == (1, 1) and y._node is None

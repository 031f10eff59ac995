"""The fused softmax cross-entropy op (``ops/softmax_ce.py``) that the eager
``SoftmaxCrossEntropyLoss`` of ``(N, C)`` rows runs: values against NumPy's log-softmax,
gradients against central differences, the eager loss against its traceable composition
(the path a hybridized loss compiles), and its bad input."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd, gluon
from autodiff.errors import DTypeError, ShapeError
from autodiff.ops.softmax_ce import softmax_ce, softmax_ce_grad

from helpers.gradcheck import check_grads
from autograd.nth import check_nth_order          # (tests/autograd/nth.py)

LABELS = onp.array([2, 0, 1, 2])


def _x(seed=0, scale=2.0, dtype='float64'):
    return (onp.random.default_rng(seed).uniform(-scale, scale, (4, 3))).astype(dtype)


def _logp(x):
    z = x.astype(onp.float64)
    z = z - z.max(1, keepdims=True)
    return z - onp.log(onp.exp(z).sum(1, keepdims=True))


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_forward_and_backward_match_numpy(dtype):
    x = _x(dtype=dtype) * 40            # rows of very different scales: max-shifted
    a = np.array(x, dtype=dtype)
    a.attach_grad()
    with autograd.record():
        loss = softmax_ce(a, LABELS)
    head = onp.arange(1, 5, dtype=dtype)
    loss.backward(np.array(head, dtype=dtype))
    lp = _logp(x)
    tol = 1e-5 if dtype == 'float32' else 1e-12
    assert loss.dtype == dtype and a.grad.dtype == dtype
    # (absolute: a loss of ~1e-9 is lse - x of two values near 80, rounded in float32)
    onp.testing.assert_allclose(loss.asnumpy(), -lp[onp.arange(4), LABELS], rtol=tol,
                                atol=tol * 80)
    want = (onp.exp(lp) - onp.eye(3)[LABELS]) * head[:, None]
    onp.testing.assert_allclose(a.grad.asnumpy(), want, rtol=tol, atol=tol)


def test_gradients_against_central_differences():
    check_grads(lambda z: softmax_ce(z, LABELS), _x())
    lse = lambda z: onp.log(onp.exp(z._data).sum(1))               # noqa: E731
    check_grads(lambda z, g: softmax_ce_grad(z, g, LABELS, lse(z)), _x(), _x(1)[:, 0])


def test_second_and_third_order_through_create_graph():
    """d2/dx2 of sum(loss * w): softmax's Hessian, from autograd.grad twice, against
    central differences of the first derivative."""
    check_nth_order(lambda z: softmax_ce(z, LABELS), [_x()], 3)


def test_non_finite_rows_as_log_softmax_and_pick():
    x = onp.array([[0., onp.inf, 1.], [-onp.inf, 0., 1.], [onp.nan, 0., 1.],
                   [-onp.inf, -onp.inf, -onp.inf]])
    got = softmax_ce(np.array(x, dtype='float64'), LABELS).asnumpy()
    want = -npx.pick(npx.log_softmax(np.array(x, dtype='float64')),
                     np.array(LABELS), 1).asnumpy()
    onp.testing.assert_array_equal(got, want)


def test_eager_loss_runs_the_fused_op_and_equals_the_compiled_composition():
    x = _x(3, dtype='float32')
    label = np.array([2.0, 0.9, 7.0, -3.0])     # truncated and clipped as pick does
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss(weight=0.5)
    out = {}
    for hyb in (False, True):
        loss_fn.hybridize(hyb)
        xs = np.array(x)
        xs.attach_grad()
        with autograd.record():
            y = loss_fn(xs, label)
            if not hyb:
                ops = {y._node.op.name, y._node._ed.op.name}
        y.backward()
        out[hyb] = (y.asnumpy(), xs.grad.asnumpy())
    assert 'softmax_cross_entropy' in ops
    assert loss_fn.compiled_fallback_reason is None
    onp.testing.assert_allclose(out[False][0], out[True][0], rtol=1e-6)
    onp.testing.assert_allclose(out[False][1], out[True][1], rtol=1e-5, atol=1e-7)
    lp = _logp(x)
    onp.testing.assert_allclose(out[False][0], -0.5 * lp[onp.arange(4), [2, 0, 2, 0]],
                                rtol=1e-6)


def test_bad_input_names_the_problem():
    with pytest.raises(ShapeError, match='pred must be 2-D'):
        softmax_ce(np.ones((2, 3, 4)), onp.zeros(2, onp.int64))
    with pytest.raises(ShapeError, match=r'labels must have shape \(2,\)'):
        softmax_ce(np.ones((2, 3)), onp.zeros(3, onp.int64))
    with pytest.raises(DTypeError, match='float'):
        softmax_ce(np.array(onp.ones((2, 3), onp.int32)), onp.zeros(2, onp.int64))


def test_float32_gradient_as_accurate_as_log_softmax_and_pick():
    # logits of scale 10 (|logsumexp| up to ~30): a float32 logsumexp would put ~1e-6 of
    # error on every softmax value of its row (measured 8.9e-7, against 3e-8 for the
    # composition), enough to move W7's weights by 1e-3 after an epoch; float64 reference
    rng = onp.random.default_rng(0)
    xd = (rng.standard_normal((64, 10)) * 10).astype(onp.float32)
    lab = rng.integers(0, 10, 64)
    x = np.array(xd)
    x.attach_grad()
    with autograd.record():
        loss = softmax_ce(x, lab)
    loss.backward()
    x64 = xd.astype(onp.float64)
    s = onp.exp(x64 - x64.max(1, keepdims=True))
    s /= s.sum(1, keepdims=True)
    s[onp.arange(64), lab] -= 1
    assert onp.abs(x.grad.asnumpy() - s).max() < 1e-7

"""npx.activation, npx.leaky_relu, npx.smooth_l1, the special functions and softmax's
options: forward against NumPy/scipy (and values written down from MXNet 1.9.1), gradients
against central differences (float64), bad input."""
import math

import numpy as onp
import pytest
import scipy.special as ss

from autodiff import np, npx, autograd
from autodiff.errors import DTypeError, ShapeError, AxisError
from helpers import check_grads

LAM, ALPHA = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
RNG = onp.random.default_rng(3)
X = onp.concatenate([RNG.uniform(-4, 4, 20), [0.0, -0.0, 1e-6, -1e-6, 30.0, -30.0]])


def arr(a, dtype='float64'):
    return np.array(onp.asarray(a), dtype=dtype)


def grad_of(f, x, head=None):
    x = arr(x, 'float32') if not isinstance(x, np.ndarray) else x
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward(head)
    return y.asnumpy(), x.grad.asnumpy()


# ---- forward against NumPy / scipy --------------------------------------------------------
REFS = {
    'relu': (lambda x: npx.activation(x, 'relu'), lambda x: onp.maximum(x, 0)),
    'sigmoid': (lambda x: npx.activation(x, act_type='sigmoid'), ss.expit),
    'tanh': (lambda x: npx.activation(x, act_type='tanh'), onp.tanh),
    'softrelu': (lambda x: npx.activation(x, act_type='softrelu'),
                 lambda x: onp.logaddexp(0, x)),
    'softsign': (lambda x: npx.activation(x, act_type='softsign'),
                 lambda x: x / (1 + onp.abs(x))),
    'leaky': (lambda x: npx.leaky_relu(x), lambda x: onp.where(x > 0, x, 0.25 * x)),
    'leaky slope': (lambda x: npx.leaky_relu(x, act_type='leaky', slope=0.1),
                    lambda x: onp.where(x > 0, x, 0.1 * x)),
    'elu': (lambda x: npx.leaky_relu(x, act_type='elu', slope=0.7),
            lambda x: onp.where(x > 0, x, 0.7 * onp.expm1(onp.minimum(x, 0)))),
    'selu': (lambda x: npx.leaky_relu(x, act_type='selu'),
             lambda x: LAM * onp.where(x > 0, x, ALPHA * onp.expm1(onp.minimum(x, 0)))),
    'gelu': (lambda x: npx.leaky_relu(x, act_type='gelu'),
             lambda x: 0.5 * x * (1 + ss.erf(x / math.sqrt(2)))),
    'rrelu predict': (lambda x: npx.leaky_relu(x, act_type='rrelu'),
                      lambda x: onp.where(x > 0, x, (0.125 + 0.334) / 2 * x)),
    'smooth_l1': (lambda x: npx.smooth_l1(x),
                  lambda x: onp.where(abs(x) < 1, 0.5 * x * x, abs(x) - 0.5)),
    'smooth_l1 scalar': (lambda x: npx.smooth_l1(x, scalar=2.0),
                         lambda x: onp.where(abs(x) < 0.25, 2 * x * x, abs(x) - 0.125)),
    'erf': (npx.erf, ss.erf),
    'gamma': (npx.gamma, ss.gamma),
    'gammaln': (npx.gammaln, ss.gammaln),
}


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('name', sorted(REFS))
def test_forward_matches_reference(name, dtype):
    f, ref = REFS[name]
    x = X.astype(dtype)
    y = f(np.array(x, dtype=dtype))
    assert y.dtype == dtype and y.shape == x.shape
    with onp.errstate(all='ignore'):
        want = ref(x.astype(onp.float64))
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=2e-6 if dtype == 'float32' else 1e-13,
                                atol=1e-30)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_erfinv_forward(dtype):
    y = onp.concatenate([RNG.uniform(-1, 1, 30), [0.0, 1 - 1e-6, -1.0, 1.0]]).astype(dtype)
    got = npx.erfinv(np.array(y, dtype=dtype))
    assert got.dtype == dtype
    onp.testing.assert_allclose(got.asnumpy(), ss.erfinv(y.astype(onp.float64)),
                                rtol=2e-6 if dtype == 'float32' else 1e-14)


def test_shapes_and_integer_inputs():
    """N-d shapes kept; integer inputs compute in float32 (MXNet 1.9.1 truncates erf of an
    int32 array to int32 — the library's rule for transcendental functions is float32)."""
    x = onp.arange(-3, 3).reshape(2, 3)
    for f in (npx.erf, npx.gamma, lambda a: npx.activation(a, 'softrelu'),
              lambda a: npx.leaky_relu(a, act_type='elu')):
        y = f(np.array(x.astype(onp.int32)))
        assert y.shape == (2, 3) and y.dtype == onp.float32
    assert npx.erf(np.array(2.0)).shape == ()
    assert npx.leaky_relu(np.zeros((0, 3))).shape == (0, 3)


# ---- MXNet 1.9.1 values (written down from the oracle, float32) ----------------------------
MX_X = [-3., -1., -0.1, 0., 0.3, 2.5]
MXNET = {
    # name: (f, x, forward, gradient of sum) -- from mxnet 1.9.1, npx.set_np()
    'elu 0.7': (lambda x: npx.leaky_relu(x, act_type='elu', slope=0.7), MX_X,
                [-0.66514903, -0.44248435, -0.06661384, 0., 0.3, 2.5],
                [0.03485095, 0.25751564, 0.63338614, 0.7, 1., 1.]),
    'leaky 0.1': (lambda x: npx.leaky_relu(x, act_type='leaky', slope=0.1), MX_X,
                  [-0.3, -0.1, -0.01, 0., 0.3, 2.5], [0.1, 0.1, 0.1, 0.1, 1., 1.]),
    # (at x = -3 MXNet's float32 1 + erf(x / sqrt 2) cancels: -0.00404987 for the exact
    # -3 Phi(-3) = -0.00404969, which test_forward_matches_reference checks)
    'gelu': (lambda x: npx.leaky_relu(x, act_type='gelu'), MX_X[1:],
             [-0.15865527, -0.04601721, 0., 0.18537343, 2.4844759],
             [-0.08331543, 0.42047682, 0.5, 0.73232776, 1.037611]),
    'softsign': (lambda x: npx.activation(x, act_type='softsign'),
                 [-30., -1., -0.1, 0., 0.3, 25],
                 [-0.9677419, -0.5, -0.09090909, 0., 0.23076925, 0.96153843],
                 [0.00104058, 0.25, 0.82644624, 1., 0.59171605, 0.00147929]),
    'erf': (npx.erf, [-0.9, -0.3, 0.2, 0.7, 0.95],
            [-0.7969082, -0.32862678, 0.2227026, 0.6778012, 0.8208908],
            [0.5019686, 1.0312608, 1.0841348, 0.6912749, 0.45761925]),
    'erfinv': (npx.erfinv, [-0.9, -0.3, 0.2, 0.7, 0.95],
               [-1.1630871, -0.27246273, 0.17914346, 0.7328691, 1.3859037],
               [3.4280424, 0.9545204, 0.9151294, 1.5163633, 6.0493264]),
    'gamma': (npx.gamma, [-2.5, -0.5, 0.3, 1.5, 4.2],
              [-0.9453086, -3.544908, 2.991569, 0.88622695, 7.7566876],
              [-1.0428237, -0.12935339, -10.478042, 0.03233835, 10.171646]),
    'gammaln': (npx.gammaln, [-2.5, -0.5, 0.3, 1.5, 4.2],
                [-0.05624371, 1.2655121, 1.095798, -0.12078223, 2.0485554],
                [1.1031568, 0.03648992, -3.502524, 0.03648992, 1.3113389]),
    'smooth_l1 2': (lambda x: npx.smooth_l1(x, scalar=2.), [-2., -0.25, 0.25, 1, 2, 4],
                    [1.875, 0.125, 0.125, 0.875, 1.875, 3.875], [-1., -1., 1., 1., 1., 1.]),
    'softrelu': (lambda x: npx.activation(x, act_type='softrelu'), [-1., -0.1, 0., 0.3, 25],
                 [0.31326175, 0.6443966, 0.69314724, 0.85435534, 25.],
                 [2.6894143e-01, 4.7502080e-01, 5.0e-01, 5.7444251e-01, 1.0]),
}


@pytest.mark.parametrize('name', sorted(MXNET))
def test_mxnet_values(name):
    f, x, fwd, grad = MXNET[name]
    y, g = grad_of(f, x)
    onp.testing.assert_allclose(y, fwd, rtol=3e-6, atol=1e-7)
    onp.testing.assert_allclose(g, grad, rtol=3e-6, atol=1e-7)


def test_selu_gradient_follows_the_math_not_mxnet():
    """MXNet 1.9.1 gives 0.00283098 / 0.590423 / 1.5823115 at x = -3 / -1 / -0.1 (wrong);
    selu'(x) = lambda * alpha * exp(x) for x < 0, and lambda * alpha at the kink, as MXNet."""
    y, g = grad_of(lambda x: npx.leaky_relu(x, act_type='selu'), MX_X)
    onp.testing.assert_allclose(y, [-1.6705688, -1.1113307, -0.16730528, 0., 0.3152103,
                                    2.6267526], rtol=3e-6)      # forward: MXNet 1.9.1
    want = onp.where(onp.array(MX_X) > 0, LAM, LAM * ALPHA * onp.exp(MX_X))
    onp.testing.assert_allclose(g, want, rtol=3e-6)
    assert abs(g[0] - 0.00283098) > 0.08


def test_softrelu_of_very_negative_input_is_not_zero():
    """MXNet 1.9.1 returns 0 for softrelu(-30); log(1 + exp(-30)) = 9.36e-14 (its gradient
    9.3576229e-14 MXNet does give)."""
    y, g = grad_of(lambda x: npx.activation(x, act_type='softrelu'), [-30.])
    onp.testing.assert_allclose(y, [math.log1p(math.exp(-30))], rtol=1e-6)
    onp.testing.assert_allclose(g, [9.3576229e-14], rtol=1e-6)


def test_prelu_mxnet_values():
    """gamma per channel (axis 1), or one gamma for all; gradients to data and gamma
    (values from MXNet 1.9.1: x = arange(-12, 12).reshape(2, 3, 4) / 4)."""
    x = onp.arange(-12, 12).reshape(2, 3, 4) / 4.
    for gv, ggrad in (([0.1, 0.2, 0.3], [-10.5, -6.5, -2.5]), ([0.1], [-19.5])):
        xa, ga = arr(x, 'float32'), arr(gv, 'float32')
        xa.attach_grad(), ga.attach_grad()
        with autograd.record():
            y = npx.leaky_relu(xa, ga, act_type='prelu')
        y.backward()
        onp.testing.assert_allclose(ga.grad.asnumpy(), ggrad, rtol=1e-6)
        slopes = onp.array(gv * (3 // len(gv))).reshape(1, 3, 1)
        onp.testing.assert_allclose(y.asnumpy(), onp.where(x > 0, x, slopes * x), rtol=1e-6)
        onp.testing.assert_allclose(xa.grad.asnumpy(),
                                    onp.broadcast_to(onp.where(x > 0, 1, slopes), x.shape),
                                    rtol=1e-6)
    # 1-D data: gamma runs along axis 0 (MXNet 1.9.1: [-0.1, 2, -0.9])
    out = npx.leaky_relu(np.array([-1., 2, -3]), np.array([.1, .2, .3]), act_type='prelu')
    onp.testing.assert_allclose(out.asnumpy(), [-0.1, 2, -0.9], rtol=1e-6)


def test_rrelu_training_draws_slopes_in_bounds():
    x = arr(-onp.ones((200,)) * 2, 'float32')
    x.attach_grad()
    with autograd.record():
        y = npx.leaky_relu(x, act_type='rrelu', lower_bound=0.2, upper_bound=0.4)
    y.backward()
    slopes = y.asnumpy() / -2.0
    assert ((slopes >= 0.2) & (slopes < 0.4)).all()
    assert slopes.std() > 0.03                        # really random, not the mean
    onp.testing.assert_allclose(x.grad.asnumpy(), slopes, rtol=1e-6)   # d/dx = drawn slope
    # positive inputs pass; predict mode uses the mean slope (MXNet 1.9.1: -0.459 at -2)
    with autograd.record():
        assert (npx.leaky_relu(arr([1., 2.]), act_type='rrelu').asnumpy() == [1, 2]).all()
    with autograd.predict_mode():
        onp.testing.assert_allclose(npx.leaky_relu(arr([-2.]), act_type='rrelu').asnumpy(),
                                    [-0.459], rtol=1e-6)


# ---- gradients: central differences in float64 ------------------------------------------------
GX = RNG.uniform(-2, 2, (3, 4))
GX = onp.where(abs(GX) < 0.1, 0.5, GX)                # away from the kinks
GRADS = {
    'softrelu': (lambda x: npx.activation(x, act_type='softrelu'), [GX]),
    'softsign': (lambda x: npx.activation(x, act_type='softsign'), [GX]),
    'tanh': (lambda x: npx.activation(x, act_type='tanh'), [GX]),
    'leaky': (lambda x: npx.leaky_relu(x, slope=0.3), [GX]),
    'elu': (lambda x: npx.leaky_relu(x, act_type='elu', slope=0.6), [GX]),
    'selu': (lambda x: npx.leaky_relu(x, act_type='selu'), [GX]),
    'gelu': (lambda x: npx.leaky_relu(x, act_type='gelu'), [GX]),
    'prelu': (lambda x, g: npx.leaky_relu(x, g, act_type='prelu'),
              [RNG.uniform(-2, 2, (2, 3, 2)) + 0.05, RNG.uniform(0.1, 0.5, (3,))]),
    'prelu one slope': (lambda x, g: npx.leaky_relu(x, g, act_type='prelu'),
                        [GX, onp.array([0.3])]),
    'smooth_l1': (lambda x: npx.smooth_l1(x, scalar=1.5), [GX]),
    'erf': (npx.erf, [GX]),
    'erfinv': (npx.erfinv, [RNG.uniform(-0.9, 0.9, (3, 4))]),
    'gamma': (npx.gamma, [RNG.uniform(0.2, 4, (3, 4))]),
    'gamma negative': (npx.gamma, [RNG.uniform(-2.8, -2.2, (5,))]),
    'gammaln': (npx.gammaln, [RNG.uniform(0.2, 8, (3, 4))]),
    'softmax temperature': (lambda x: npx.softmax(x, temperature=0.7), [GX]),
    'log_softmax temperature': (lambda x: npx.log_softmax(x, axis=0, temperature=2.5), [GX]),
    'softmax length': (lambda x: npx.softmax(x, length=onp.array([4, 1, 2]), use_length=True),
                       [GX]),
    'softmax length axis 0': (
        lambda x: npx.softmax(x, axis=0, length=onp.array([3, 0, 1, 2]), use_length=True),
        [GX]),
    'log_softmax length': (lambda x: npx.log_softmax(x, use_length=True, temperature=0.5,
                                                     length=onp.array([3, 2, 1])), [GX]),
}


@pytest.mark.parametrize('name', sorted(GRADS))
def test_gradients_match_central_differences(name):
    f, args = GRADS[name]
    check_grads(f, *args)


# ---- softmax options -----------------------------------------------------------------------
SX = onp.array([[1., 2., 3., 4.], [0.5, -1, 2, 0.]])


def softmax_ref(x, axis=-1):
    e = onp.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_softmax_options_mxnet_values():
    """Values from MXNet 1.9.1 (float32)."""
    x = arr(SX, 'float32')
    onp.testing.assert_allclose(npx.softmax(x, temperature=2.0).asnumpy(),
                                [[0.10153633, 0.1674051, 0.27600434, 0.45505422],
                                 [0.22892895, 0.10813838, 0.4846426, 0.17829005]], rtol=1e-6)
    lens = np.array(onp.array([2, 0], onp.int32))
    onp.testing.assert_allclose(npx.softmax(x, length=lens, use_length=True).asnumpy(),
                                [[0.26894143, 0.7310586, 0, 0], [0, 0, 0, 0]], rtol=1e-6)
    onp.testing.assert_allclose(
        npx.softmax(x, axis=0, length=np.array(onp.array([1, 2, 0, 1], onp.int32)),
                    use_length=True).asnumpy(),
        [[1., 0.95257413, 0., 1.], [0., 0.04742587, 0., 0.]], rtol=1e-6)
    onp.testing.assert_allclose(npx.log_softmax(x, temperature=0.5).asnumpy(),
                                [[-6.145078, -4.145078, -2.145078, -0.14507797],
                                 [-3.068202, -6.068202, -0.0682019, -4.068202]], rtol=1e-6)
    # gradients (head [1, 2, 3, 4] per row)
    head = np.array(onp.tile([1., 2, 3, 4], (2, 1)), dtype='float32')
    y, g = grad_of(lambda a: npx.softmax(a, length=np.array(onp.array([3, 1], onp.int32)),
                                         use_length=True), x, head)
    onp.testing.assert_allclose(y, [[0.09003057, 0.24472848, 0.66524094, 0.],
                                    [1., 0., 0., 0.]], rtol=1e-6)
    onp.testing.assert_allclose(g, [[-0.1418171, -0.14077035, 0.28258747, 0.], [0, 0, 0, 0]],
                                rtol=1e-5, atol=1e-7)
    x = arr(SX, 'float32')
    y, g = grad_of(lambda a: npx.softmax(a, length=np.array(onp.array([2, 1], onp.int32)),
                                         use_length=True, temperature=2.), x, head)
    onp.testing.assert_allclose(y, [[0.37754068, 0.62245935, 0, 0], [1, 0, 0, 0]], rtol=1e-6)
    onp.testing.assert_allclose(g, [[-0.11750188, 0.11750183, 0, 0], [0, 0, 0, 0]],
                                rtol=1e-5, atol=1e-7)
    x = arr(SX, 'float32')
    y, g = grad_of(lambda a: npx.log_softmax(a, temperature=0.5), x, head)
    onp.testing.assert_allclose(g, [[1.9571198, 3.683156, 3.6588218, -9.299097],
                                    [1.0699061, 3.9536934, -12.681437, 7.6578374]], rtol=1e-5)


@pytest.mark.parametrize('axis', [0, 1, -1])
def test_softmax_length_matches_numpy(axis):
    x = RNG.uniform(-3, 3, (3, 4, 5))
    n = x.shape[axis]
    rest = onp.delete(onp.array(x.shape), axis % 3)
    lens = RNG.integers(0, n + 1, tuple(rest))
    got = npx.softmax(arr(x), axis=axis, length=lens, use_length=True).asnumpy()
    gotl = npx.log_softmax(arr(x), axis=axis, length=lens, use_length=True).asnumpy()
    xm = onp.moveaxis(x, axis, -1)
    want, wantl = onp.zeros_like(xm), onp.zeros_like(xm)
    for idx in onp.ndindex(*xm.shape[:-1]):
        k = lens[idx]
        if k:
            want[idx][:k] = softmax_ref(xm[idx][:k])
            wantl[idx][:k] = onp.log(softmax_ref(xm[idx][:k]))
    onp.testing.assert_allclose(got, onp.moveaxis(want, -1, axis), rtol=1e-12, atol=1e-300)
    onp.testing.assert_allclose(gotl, onp.moveaxis(wantl, -1, axis), rtol=1e-12, atol=1e-15)
    assert onp.isfinite(got).all() and onp.isfinite(gotl).all()


def test_softmax_dtype_and_temperature():
    x = arr(SX, 'float32')
    y = npx.softmax(x, dtype='float64')
    assert y.dtype == onp.float64
    onp.testing.assert_allclose(y.asnumpy(), softmax_ref(SX.astype(onp.float32)
                                                        .astype(onp.float64)), rtol=1e-14)
    assert npx.log_softmax(x, dtype='float64').dtype == onp.float64
    assert npx.softmax(x, dtype='float32').dtype == onp.float32
    onp.testing.assert_allclose(npx.softmax(arr(SX), temperature=-1.0).asnumpy(),
                                softmax_ref(-SX), rtol=1e-14)
    onp.testing.assert_allclose(npx.softmax(arr(SX), temperature=1.0).asnumpy(),
                                softmax_ref(SX), rtol=1e-14)
    # gradient flows back through the dtype cast to the float32 input
    x.attach_grad()
    with autograd.record():
        z = npx.softmax(x, dtype='float64')[:, 0].sum()
    z.backward()
    assert x.grad.dtype == onp.float32


# ---- bad input ------------------------------------------------------------------------------
BAD = [
    ('activation act_type', lambda: npx.activation(arr([1.]), act_type='mish'), ValueError,
     ['mish', 'softrelu']),
    ('activation log_sigmoid', lambda: npx.activation(arr([1.]), 'log_sigmoid'), ValueError,
     ['log_sigmoid']),
    ('leaky act_type', lambda: npx.leaky_relu(arr([1.]), act_type='swish'), ValueError,
     ['swish', 'rrelu']),
    ('leaky slope type', lambda: npx.leaky_relu(arr([1.]), slope='a'), TypeError, ['slope']),
    ('prelu no gamma', lambda: npx.leaky_relu(arr([1.]), act_type='prelu'), ValueError,
     ['gamma']),
    ('prelu gamma size', lambda: npx.leaky_relu(arr(onp.ones((2, 3))), arr([.1, .2]),
                                                act_type='prelu'), ShapeError, ['gamma', '3']),
    ('prelu gamma 2-D', lambda: npx.leaky_relu(arr(onp.ones((2, 3))), arr(onp.ones((1, 3))),
                                               act_type='prelu'), ShapeError, ['1-D']),
    ('rrelu bounds', lambda: npx.leaky_relu(arr([1.]), act_type='rrelu', lower_bound=0.5,
                                            upper_bound=0.1), ValueError, ['lower_bound']),
    ('smooth_l1 zero', lambda: npx.smooth_l1(arr([1.]), scalar=0), ValueError, ['scalar']),
    ('smooth_l1 array scalar', lambda: npx.smooth_l1(arr([1.]), scalar=arr([1.])), TypeError,
     ['scalar']),
    ('softmax length without use_length', lambda: npx.softmax(arr(SX), length=[2, 1]),
     ValueError, ['use_length']),
    ('softmax use_length without length', lambda: npx.softmax(arr(SX), use_length=True),
     ValueError, ['length']),
    ('softmax float length', lambda: npx.softmax(arr(SX), length=onp.array([1.5, 2.]),
                                                 use_length=True), DTypeError, ['integer']),
    ('softmax length shape', lambda: npx.softmax(arr(SX), length=onp.array([1, 2, 3]),
                                                 use_length=True), ShapeError, ['(2,)']),
    ('softmax length too long', lambda: npx.softmax(arr(SX), length=onp.array([7, 2]),
                                                    use_length=True), ValueError, ['[0, 4]']),
    ('softmax negative length', lambda: npx.softmax(arr(SX), length=onp.array([-1, 2]),
                                                    use_length=True), ValueError, ['[0, 4]']),
    ('softmax length axis', lambda: npx.softmax(arr(SX), axis=2, length=onp.array([1, 2]),
                                                use_length=True), AxisError, ['2']),
    ('softmax temperature 0', lambda: npx.softmax(arr(SX), temperature=0), ValueError,
     ['temperature']),
    ('softmax temperature type', lambda: npx.log_softmax(arr(SX), temperature='hot'),
     TypeError, ['temperature']),
    ('softmax int dtype', lambda: npx.softmax(arr(SX), dtype='int32'), DTypeError, ['float']),
]


@pytest.mark.parametrize('name, fn, err, words', BAD, ids=[b[0] for b in BAD])
def test_bad_input_gives_a_clear_error(name, fn, err, words):
    with pytest.raises(err) as info:
        fn()
    for w in words:
        assert w in str(info.value), str(info.value)


def test_non_contiguous_inputs():
    """Strided views and broadcasts read correctly (the kernels take contiguous copies)."""
    a = RNG.uniform(-1, 1, (4, 6))
    x = np.asarray(a[:, ::2])      # a NumPy view (autodiff's own step slices copy, as MXNet)
    assert not x._data.flags.c_contiguous
    onp.testing.assert_allclose(npx.erf(x).asnumpy(), ss.erf(a[:, ::2]), rtol=1e-14)
    onp.testing.assert_allclose(npx.leaky_relu(x, act_type='elu').asnumpy(),
                                onp.where(a[:, ::2] > 0, a[:, ::2], 0.25 * onp.expm1(a[:, ::2])),
                                rtol=1e-14)
    b = onp.broadcast_to(a[:1] + 2, (4, 6))
    xb = np.asarray(b)
    assert not any(xb._data.strides[:1])                   # still the stride-0 broadcast
    onp.testing.assert_allclose(npx.gammaln(xb).asnumpy(), ss.gammaln(b), rtol=1e-14)


def test_softmax_to_float16_matches_mxnet():
    """dtype='float16' (float16 arrays are supported): MXNet 1.9.1 prints, for [[1, 2, 3]],
    array([[0.09  , 0.2448, 0.665 ]], dtype=float16) and
    array([[-2.408 , -1.407 , -0.4077]], dtype=float16)."""
    x = np.array([[1., 2., 3.]])
    y, ly = npx.softmax(x, dtype='float16'), npx.log_softmax(x, dtype='float16')
    assert y.dtype == onp.float16 and ly.dtype == onp.float16
    onp.testing.assert_array_equal(y.asnumpy(), onp.array([[0.09, 0.2448, 0.665]], 'float16'))
    onp.testing.assert_array_equal(ly.asnumpy(),
                                   onp.array([[-2.408, -1.407, -0.4077]], 'float16'))

"""``npx.batch_norm``, ``layer_norm``, ``instance_norm``, ``group_norm`` and ``dropout``.

Forward values against NumPy references (and ``torch.nn.functional`` where it is
installed), gradients against central differences in float64, MXNet-specific behaviour
(running statistics, defaults, dropout scaling) against values from MXNet 1.9.1.
"""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import AxisError, DTypeError, ShapeError
from helpers import check_grads


def R(shape, seed=0, lo=-2.0, hi=2.0):
    return onp.random.default_rng(seed).uniform(lo, hi, shape)


def norm_ref(x, axes, gamma, beta, eps, gamma_axis):
    """(x - mean) / sqrt(var + eps) * gamma + beta in float64, gamma along ``gamma_axis``."""
    x = x.astype(onp.float64)
    m = x.mean(axis=axes, keepdims=True)
    v = x.var(axis=axes, keepdims=True)
    view = [1] * x.ndim
    view[gamma_axis] = -1
    return (x - m) / onp.sqrt(v + eps) * gamma.reshape(view) + beta.reshape(view)


def mx_x():
    """The input of the MXNet 1.9.1 runs below: arange(24).reshape(2, 3, 4) ** 1.5 / 10."""
    return onp.arange(24).reshape(2, 3, 4).astype('float32') ** 1.5 / 10


def train(f):
    def g(*xs):
        with autograd.train_mode():
            return f(*xs)
    return g


def predict(f):
    def g(*xs):
        with autograd.predict_mode():
            return f(*xs)
    return g


# ---- batch_norm: forward -----------------------------------------------------------------------
@pytest.mark.parametrize('axis', [1, 0, -1, 2])
@pytest.mark.parametrize('fix_gamma', [True, False])
def test_batch_norm_training_forward(axis, fix_gamma):
    x = R((3, 4, 5))
    C = x.shape[axis]
    g, b = R((C,), 1, .5, 2), R((C,), 2)
    with autograd.train_mode():
        y = npx.batch_norm(np.array(x, dtype='float64'), np.array(g, dtype='float64'),
                           np.array(b, dtype='float64'), np.zeros(C), np.ones(C),
                           fix_gamma=fix_gamma, axis=axis)
    axes = tuple(i for i in range(3) if i != axis % 3)
    want = norm_ref(x, axes, onp.ones(C) if fix_gamma else g, b, 1e-3, axis)
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=1e-12, atol=1e-12)


def test_batch_norm_inference_uses_the_moving_statistics():
    x = R((2, 3, 4))
    g, b = R((3,), 1, .5, 2), R((3,), 2)
    mm, mv = R((3,), 3), R((3,), 4, .5, 2)
    y = npx.batch_norm(np.array(x), np.array(g), np.array(b), np.array(mm), np.array(mv),
                       fix_gamma=False)
    want = (x - mm[:, None]) / onp.sqrt(mv[:, None] + 1e-3) * g[:, None] + b[:, None]
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=2e-6, atol=2e-6)
    # use_global_stats=True does the same in training mode
    with autograd.train_mode():
        y2 = npx.batch_norm(np.array(x), np.array(g), np.array(b), np.array(mm), np.array(mv),
                            fix_gamma=False, use_global_stats=True)
    onp.testing.assert_allclose(y2.asnumpy(), want, rtol=2e-6, atol=2e-6)


def test_batch_norm_mxnet_values_and_running_statistics():
    """Values from MXNet 1.9.1 (defaults fix_gamma=True, eps=1e-3, momentum=0.9): the
    running statistics change during backward, not forward, with the biased variance."""
    x = np.array(mx_x())
    g, b = np.array([1.5, 2., 0.5]), np.array([0.1, 0.2, 0.3])
    mm, mv = np.zeros(3), np.ones(3)
    pred = npx.batch_norm(x, g, b, mm, mv)            # inference: moving stats, gamma = 1
    onp.testing.assert_allclose(pred.asnumpy()[0, 1],
                                [0.9996003, 1.3174754, 1.6689597, 2.0511007], rtol=1e-6)
    for a in (x, g, b):
        a.attach_grad()
    with autograd.record():
        y = npx.batch_norm(x, g, b, mm, mv)
    onp.testing.assert_allclose(y.asnumpy()[0, 0],
                                [-0.97517, -0.9338062, -0.85817546, -0.7602372], rtol=1e-5)
    onp.testing.assert_array_equal(mm.asnumpy(), [0, 0, 0])      # not yet
    onp.testing.assert_array_equal(mv.asnumpy(), [1, 1, 1])
    y.backward(np.array(onp.arange(24).reshape(2, 3, 4).astype('float32') / 7))
    onp.testing.assert_allclose(mm.asnumpy(), [0.25992996, 0.4320963, 0.6461291], rtol=1e-6)
    onp.testing.assert_allclose(mv.asnumpy(), [1.4843646, 1.8389292, 2.1811745], rtol=1e-6)
    onp.testing.assert_allclose(x.grad.asnumpy()[0, 0],
                                [-0.05699656, -0.01276269, 0.01916291, 0.04307595],
                                rtol=1e-4, atol=1e-7)
    onp.testing.assert_array_equal(g.grad.asnumpy(), [0, 0, 0])  # fix_gamma: zero gradient
    onp.testing.assert_allclose(b.grad.asnumpy(), [8.571428, 13.142858, 17.714287], rtol=1e-6)


def test_batch_norm_momentum_and_no_update_without_backward():
    """MXNet 1.9.1: momentum=0.8 gives 0.2 * batch mean; train_mode without record (no
    backward) and use_global_stats leave the running statistics alone."""
    x = np.array(mx_x())
    g, b = np.ones(3), np.zeros(3)
    mm, mv = np.zeros(3), np.ones(3)
    x.attach_grad()
    with autograd.record():
        y = npx.batch_norm(x, g, b, mm, mv, fix_gamma=False, momentum=0.8)
    y.backward()
    onp.testing.assert_allclose(mm.asnumpy(), [0.51985973, 0.86419237, 1.2922578], rtol=1e-6)
    onp.testing.assert_allclose(mv.asnumpy(), [1.968729, 2.6778579, 3.362348], rtol=1e-6)
    mm2, mv2 = np.zeros(3), np.ones(3)
    with autograd.train_mode():
        npx.batch_norm(x, g, b, mm2, mv2)
    with autograd.record():
        y = npx.batch_norm(x, g, b, mm2, mv2, use_global_stats=True)
    y.backward()
    with autograd.record(train_mode=False):
        y = npx.batch_norm(x, g, b, mm2, mv2)
    y.backward()
    onp.testing.assert_array_equal(mm2.asnumpy(), [0, 0, 0])
    onp.testing.assert_array_equal(mv2.asnumpy(), [1, 1, 1])


def test_batch_norm_output_mean_var():
    """MXNet 1.9.1 returns the mean and the inverse standard deviation 1 / sqrt(var + eps)."""
    x = np.array(mx_x())
    g, b = np.ones(3), np.zeros(3)
    with autograd.train_mode():
        y, mean, inv = npx.batch_norm(x, g, b, np.zeros(3), np.ones(3), output_mean_var=True)
    onp.testing.assert_allclose(mean.asnumpy(), [2.599299, 4.320962, 6.4612894], rtol=1e-6)
    onp.testing.assert_allclose(inv.asnumpy(), [0.41363847, 0.32633263, 0.27936947], rtol=1e-6)
    _, mean, inv = npx.batch_norm(x, g, b, np.array([0.5, 1, 2]), np.array([1, 2, 3.]),
                                  output_mean_var=True)
    onp.testing.assert_allclose(mean.asnumpy(), [0.5, 1, 2])
    onp.testing.assert_allclose(inv.asnumpy(), [0.9995004, 0.7069301, 0.5772541], rtol=1e-6)


def test_batch_norm_leaves_gamma_alone_with_fix_gamma():
    """(MXNet 1.9.1 overwrites gamma with ones in place; here the array is not touched.)"""
    g = np.array([1.5, 2., .5])
    with autograd.train_mode():
        npx.batch_norm(np.array(mx_x()), g, np.zeros(3), np.zeros(3), np.ones(3))
    onp.testing.assert_array_equal(g.asnumpy(), [1.5, 2., .5])


# ---- batch_norm: gradients -------------------------------------------------------------------
@pytest.mark.parametrize('axis', [1, -1])
def test_batch_norm_gradients_training(axis):
    x = R((3, 2, 4))
    C = x.shape[axis]
    check_grads(train(lambda x, g, b: npx.batch_norm(
        x, g, b, np.zeros(C, dtype='float64'), np.ones(C, dtype='float64'), fix_gamma=False,
        axis=axis)), x, R((C,), 1, .5, 2), R((C,), 2))


def test_batch_norm_gradients_fix_gamma_and_global_stats():
    x = R((3, 2, 4))
    mm, mv = np.array(R((2,), 3), dtype='float64'), np.array(R((2,), 4, .5, 2), dtype='float64')
    check_grads(train(lambda x, b: npx.batch_norm(x, np.ones(2, dtype='float64'), b,
                                                  np.zeros(2, dtype='float64'),
                                                  np.ones(2, dtype='float64'))),
                x, R((2,), 2))
    check_grads(train(lambda x, g, b: npx.batch_norm(x, g, b, mm, mv, fix_gamma=False,
                                                     use_global_stats=True)),
                x, R((2,), 1, .5, 2), R((2,), 2))
    check_grads(predict(lambda x, g: npx.batch_norm(x, g, np.zeros(2, dtype='float64'), mm, mv,
                                                    fix_gamma=False)), x, R((2,), 1, .5, 2))


def test_batch_norm_against_torch():
    torch = pytest.importorskip('torch')
    F = torch.nn.functional
    x, g, b = R((4, 3, 5)), R((3,), 1, .5, 2), R((3,), 2)
    with autograd.train_mode():
        y = npx.batch_norm(np.array(x, dtype='float64'), np.array(g, dtype='float64'),
                           np.array(b, dtype='float64'), np.zeros(3), np.ones(3),
                           fix_gamma=False, eps=1e-5)
    want = F.batch_norm(torch.tensor(x), None, None, torch.tensor(g), torch.tensor(b),
                        training=True, eps=1e-5)
    onp.testing.assert_allclose(y.asnumpy(), want.numpy(), rtol=1e-10, atol=1e-12)


# ---- layer, instance and group norm ------------------------------------------------------------
@pytest.mark.parametrize('axis', [-1, 0, 1])
def test_layer_norm_forward_and_gradients(axis):
    x = R((3, 4, 5))
    C = x.shape[axis]
    g, b = R((C,), 1, .5, 2), R((C,), 2)
    y = npx.layer_norm(np.array(x, dtype='float64'), np.array(g, dtype='float64'),
                       np.array(b, dtype='float64'), axis=axis)
    onp.testing.assert_allclose(y.asnumpy(), norm_ref(x, (axis,), g, b, 1e-5, axis),
                                rtol=1e-12, atol=1e-12)
    check_grads(lambda x, g, b: npx.layer_norm(x, g, b, axis=axis), x, g, b)


def test_layer_norm_output_mean_var_mxnet_values():
    """MXNet 1.9.1: the mean and the standard deviation sqrt(var + eps), axis kept."""
    x = np.array(mx_x().reshape(2, 4, 3))
    y, mean, std = npx.layer_norm(x, np.ones(3), np.zeros(3), output_mean_var=True)
    assert mean.shape == std.shape == (2, 4, 1)
    onp.testing.assert_allclose(mean.asnumpy()[:, 0, 0], [0.12761423, 4.6941533], rtol=1e-6)
    onp.testing.assert_allclose(std.asnumpy()[:, 0, 0], [0.11715205, 0.44151765], rtol=1e-6)
    onp.testing.assert_allclose(y.asnumpy()[0, 0], [-1.0893043, -0.23571272, 1.3250171],
                                rtol=1e-5)


def test_instance_norm_forward_gradients_and_mxnet_example():
    x = R((2, 3, 4, 2))
    g, b = R((3,), 1, .5, 2), R((3,), 2)
    y = npx.instance_norm(np.array(x, dtype='float64'), np.array(g, dtype='float64'),
                          np.array(b, dtype='float64'))
    onp.testing.assert_allclose(y.asnumpy(), norm_ref(x, (2, 3), g, b, 1e-3, 1), rtol=1e-12)
    check_grads(lambda x, g, b: npx.instance_norm(x, g, b), x, g, b)
    # the example of MXNet 1.9.1's InstanceNorm docstring
    y = npx.instance_norm(np.array([[[1.1, 2.2]], [[3.3, 4.4]]]), np.array([1.5]),
                          np.array([0.5]))
    onp.testing.assert_allclose(y.asnumpy(), [[[-0.997527, 1.99752665]],
                                              [[-0.99752653, 1.99752724]]], rtol=1e-5)


def test_group_norm_forward_gradients_and_mxnet_values():
    x = R((2, 4, 3))
    g, b = R((2,), 1, .5, 2), R((2,), 2)
    y = npx.group_norm(np.array(x, dtype='float64'), np.array(g, dtype='float64'),
                       np.array(b, dtype='float64'), num_groups=2)
    want = norm_ref(x.reshape(2, 2, 6), (2,), g, b, 1e-5, 1).reshape(2, 4, 3)
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=1e-12)
    check_grads(lambda x, g, b: npx.group_norm(x, g, b, num_groups=2), x, g, b)
    # MXNet 1.9.1 (mx.nd.GroupNorm): gamma per group; mean and std of shape (N, groups)
    y, mean, std = npx.group_norm(np.array(mx_x().reshape(2, 4, 3)), np.array([1., 2.]),
                                  np.zeros(2), num_groups=2, output_mean_var=True)
    onp.testing.assert_allclose(y.asnumpy()[0, 2], [-2.8070605, -1.7811697, -0.67911893],
                                rtol=1e-5)
    onp.testing.assert_allclose(mean.asnumpy(), [[0.470082, 2.5158377], [5.550202, 9.305945]],
                                rtol=1e-6)
    onp.testing.assert_allclose(std.asnumpy(), [[0.39247027, 0.74536604],
                                                [0.9748154, 1.1594826]], rtol=1e-6)


def test_layer_instance_group_norm_against_torch():
    torch = pytest.importorskip('torch')
    F = torch.nn.functional
    x, g4, b4 = R((2, 4, 3)), R((3,), 1, .5, 2), R((3,), 2)
    y = npx.layer_norm(np.array(x, dtype='float64'), np.array(g4, dtype='float64'),
                       np.array(b4, dtype='float64'))
    want = F.layer_norm(torch.tensor(x), (3,), torch.tensor(g4), torch.tensor(b4), eps=1e-5)
    onp.testing.assert_allclose(y.asnumpy(), want.numpy(), rtol=1e-10, atol=1e-12)
    gc, bc = R((4,), 3, .5, 2), R((4,), 4)
    y = npx.instance_norm(np.array(x, dtype='float64'), np.array(gc, dtype='float64'),
                          np.array(bc, dtype='float64'))
    want = F.instance_norm(torch.tensor(x), weight=torch.tensor(gc), bias=torch.tensor(bc),
                           eps=1e-3)
    onp.testing.assert_allclose(y.asnumpy(), want.numpy(), rtol=1e-10, atol=1e-12)
    y = npx.group_norm(np.array(x, dtype='float64'), np.ones(2, dtype='float64'),
                       np.zeros(2, dtype='float64'), num_groups=2)
    want = F.group_norm(torch.tensor(x), 2, eps=1e-5)
    onp.testing.assert_allclose(y.asnumpy(), want.numpy(), rtol=1e-10, atol=1e-12)


def test_float32_stays_float32():
    x = np.array(R((2, 3, 4)), dtype='float32')
    for y in (npx.layer_norm(x, np.ones(4), np.zeros(4)),
              npx.instance_norm(x, np.ones(3), np.zeros(3)),
              npx.batch_norm(x, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3))):
        assert y.dtype == onp.float32


# ---- bad input ---------------------------------------------------------------------------------
def test_normalization_bad_input():
    x = np.array(R((2, 3, 4)))
    with pytest.raises(ShapeError, match='gamma must have shape \\(3,\\)'):
        npx.batch_norm(x, np.ones(4), np.zeros(3), np.zeros(3), np.ones(3))
    with pytest.raises(ShapeError, match='moving_var'):
        npx.batch_norm(x, np.ones(3), np.zeros(3), np.zeros(3), np.ones(2))
    with pytest.raises(TypeError, match='beta is required'):
        npx.layer_norm(x, np.ones(4), None)
    with pytest.raises(AxisError, match='axis 3'):
        npx.batch_norm(x, np.ones(3), np.zeros(3), np.zeros(3), np.ones(3), axis=3)
    with pytest.raises(DTypeError, match='floating-point'):
        npx.layer_norm(np.array(onp.ones((2, 3), onp.int32)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match='eps'):
        npx.layer_norm(x, np.ones(4), np.zeros(4), eps=-1.0)
    with pytest.raises(ShapeError, match='not divisible by num_groups=2'):
        npx.group_norm(x, np.ones(2), np.zeros(2), num_groups=2)
    with pytest.raises(ValueError, match='num_groups'):
        npx.group_norm(x, np.ones(2), np.zeros(2), num_groups=0)
    with pytest.raises(ShapeError, match='at least 3 axes'):
        npx.instance_norm(np.ones((2, 3)), np.ones(3), np.zeros(3))


# ---- dropout -----------------------------------------------------------------------------------
def test_dropout_scaling_mxnet_values():
    """MXNet 1.9.1 with p=0.25 on ones: kept elements are exactly 1 / 0.75 = 1.3333334 (float32)
    and the gradient is the same mask."""
    x = np.ones((40, 50))
    x.attach_grad()
    np.random.seed(3)
    with autograd.record():
        y = npx.dropout(x, 0.25)
    y.backward()
    v = y.asnumpy()
    assert set(onp.unique(v)) == {onp.float32(0), onp.float32(1.3333334)}
    assert 0.20 < (v == 0).mean() < 0.30                 # 2000 draws: p = 0.25 within ~5 sigma
    onp.testing.assert_array_equal(x.grad.asnumpy(), v)


def test_dropout_modes():
    x = np.ones((4, 5))
    def unchanged(y):      # the identity, as a new array (MXNet 1.9.1: y is not x)
        return y is not x and (y.asnumpy() == x.asnumpy()).all()
    assert unchanged(npx.dropout(x, 0.5))                 # predict mode: identity
    with autograd.record(train_mode=False):
        assert unchanged(npx.dropout(x, 0.5))
    with autograd.train_mode():                           # training without recording: active
        assert (npx.dropout(x, 0.99).asnumpy() == 0).any()
    assert (npx.dropout(np.ones((20, 20)), 0.5, mode='always').asnumpy() == 0).any()
    with autograd.train_mode():
        assert unchanged(npx.dropout(x, 0.0))
        onp.testing.assert_array_equal(npx.dropout(x, 1.0).asnumpy(), onp.zeros((4, 5)))


def test_dropout_axes_share_the_mask_and_seed_repeats():
    x = np.array(R((6, 7)))
    with autograd.train_mode():
        np.random.seed(11)
        a = npx.dropout(x, 0.5, axes=(0,)).asnumpy()
        np.random.seed(11)
        b = npx.dropout(x, 0.5, axes=(0,)).asnumpy()
    onp.testing.assert_array_equal(a, b)
    kept = a != 0
    assert (kept == kept[0]).all()                        # one mask value per column


def test_dropout_gradient_central_differences():
    def f(x):
        np.random.seed(5)
        with autograd.train_mode():
            return npx.dropout(x, 0.3, axes=(1,)) * x
    check_grads(f, R((4, 3)))


def test_dropout_compiles_and_draws_a_fresh_mask_on_every_replay():
    @autograd.compile
    def f(x):
        return (npx.dropout(x, 0.5) * x).sum()
    x = np.array(R((4, 4)))
    x.attach_grad()
    f(x)
    g1 = x.grad.asnumpy().copy()
    f(x)
    assert f.compiled, f.fallback_reason
    assert not onp.array_equal(x.grad.asnumpy(), g1)      # another mask


def test_dropout_bad_input():
    x = np.ones(3)
    with pytest.raises(ValueError, match='p must be a number in \\[0, 1\\]'):
        npx.dropout(x, 1.5)
    with pytest.raises(ValueError, match="mode must be 'training' or 'always'"):
        npx.dropout(x, 0.5, mode='train')
    with pytest.raises(DTypeError, match='floating-point'):
        npx.dropout(np.array(onp.ones(3, onp.int32)), 0.5)
    with pytest.raises(AxisError):
        npx.dropout(x, 0.5, axes=(2,))


def test_normalizations_under_compile_give_eager_results():
    """Outside the compiler's table: ``autograd.compile`` runs layer_norm as an opaque step
    (its eager forward and backward rule) and the values and gradients are eager mode's."""
    def f(x, g, b):
        return (npx.layer_norm(x, g, b) * x).sum()
    data = [R((3, 4)), R((4,), 1, .5, 2), R((4,), 2)]

    def run(fn):
        xs = [np.array(d) for d in data]
        for x in xs:
            x.attach_grad()
        with autograd.record():
            y = fn(*xs)
        y.backward()
        return [y.asnumpy()] + [x.grad.asnumpy() for x in xs]
    cf = autograd.compile(f)
    xs = [np.array(d) for d in data]
    for x in xs:
        x.attach_grad()
    cf(*xs)
    got = [cf(*xs).asnumpy()] + [x.grad.asnumpy() for x in xs]
    assert cf.compiled, cf.fallback_reason
    assert 'opaque' in [st.kind for st in cf.program.steps]
    for a, b in zip(got, run(f)):
        onp.testing.assert_allclose(a, b, rtol=1e-12)


CASES = {  # name -> (f, inputs); training mode for batch norm's batch statistics
    'batch_norm': (train(lambda x, g, b: npx.batch_norm(
        x, g, b, np.zeros(2, dtype='float64'), np.ones(2, dtype='float64'), fix_gamma=False)),
                   [R((3, 2, 4)), R((2,), 1, .5, 2), R((2,), 2)]),
    'batch_norm fix_gamma': (train(lambda x, g, b: npx.batch_norm(
        x, g, b, np.zeros(4, dtype='float64'), np.ones(4, dtype='float64'), axis=-1)),
                             [R((3, 2, 4)), R((4,), 1, .5, 2), R((4,), 2)]),
    'batch_norm inference': (predict(lambda x, g, b: npx.batch_norm(
        x, g, b, np.array(R((2,), 5)), np.array(R((2,), 6, .5, 2)), fix_gamma=False)),
                             [R((3, 2, 4)), R((2,), 1, .5, 2), R((2,), 2)]),
    'layer_norm': (lambda x, g, b: npx.layer_norm(x, g, b, axis=1),
                   [R((3, 2, 4)), R((2,), 1, .5, 2), R((2,), 2)]),
    'instance_norm': (lambda x, g, b: npx.instance_norm(x, g, b),
                      [R((3, 2, 4)), R((2,), 1, .5, 2), R((2,), 2)]),
    'group_norm': (lambda x, g, b: npx.group_norm(x, g, b, num_groups=2),
                   [R((3, 4, 2)), R((2,), 1, .5, 2), R((2,), 2)]),
}


@pytest.mark.parametrize('name', list(CASES))
def test_kernel_backward_equals_the_recorded_library_backward(name):
    """The unrecorded backward (two kernel passes) and the create_graph one (library ops)
    give the same gradients."""
    f, args = CASES[name]
    head = np.array(R((3, 2, 4) if name != 'group_norm' else (3, 4, 2), 9), dtype='float64')
    out = []
    for create_graph in (False, True):
        xs = [np.array(a, dtype='float64') for a in args]
        for x in xs:
            x.attach_grad()
        with autograd.record():
            y = f(*xs)
        out.append([gr.asnumpy() for gr in autograd.grad(y, xs, [head],
                                                         create_graph=create_graph)])
    for a, b in zip(*out):
        onp.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)

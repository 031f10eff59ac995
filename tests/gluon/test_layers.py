"""gluon.nn layers against PyTorch (same arithmetic) and NumPy references, gradients by
central differences (``check_grads``, float64), reprs as MXNet 1.9.1 prints them."""
import itertools

import numpy as onp
import pytest

from autodiff import np, autograd, init
from autodiff.errors import ShapeError
from autodiff.gluon import nn
from helpers import check_grads


def _t():
    return pytest.importorskip('torch')


def _x(*shape, seed=0):
    return onp.random.default_rng(seed).uniform(-2, 2, shape).astype(onp.float32)


def _layer_fn(layer):
    """``x -> layer(x)`` in float64, for check_grads."""
    layer.cast('float64')
    return lambda x: layer(x)


# ---- Dense -------------------------------------------------------------------------------
def test_dense_matches_torch_linear():
    torch = _t()
    d = nn.Dense(4, in_units=3, activation='tanh')
    d.initialize(init.Xavier())
    x = _x(5, 3)
    w, b = d.weight.data().asnumpy(), d.bias.data().asnumpy()
    d.bias.set_data(np.array(_x(4, seed=1)))
    b = d.bias.data().asnumpy()
    want = torch.tanh(torch.nn.functional.linear(torch.tensor(x), torch.tensor(w),
                                                 torch.tensor(b))).numpy()
    onp.testing.assert_allclose(d(np.array(x)).asnumpy(), want, rtol=1e-5, atol=1e-6)


def test_dense_gradients():
    d = nn.Dense(3, in_units=4, activation='sigmoid')
    d.initialize(init.Normal(0.5))
    check_grads(_layer_fn(d), _x(2, 4))
    d2 = nn.Dense(2, in_units=3, use_bias=False)
    d2.initialize()
    assert d2.bias is None and repr(d2) == 'Dense(3 -> 2, linear)'


# ---- activations ---------------------------------------------------------------------------
ACTS = [
    (lambda: nn.LeakyReLU(0.1), lambda F, x: F.leaky_relu(x, 0.1)),
    (lambda: nn.ELU(0.7), lambda F, x: F.elu(x, 0.7)),
    (lambda: nn.SELU(), lambda F, x: F.selu(x)),
    (lambda: nn.GELU(), lambda F, x: F.gelu(x)),
    (lambda: nn.Swish(), lambda F, x: F.silu(x)),
    (lambda: nn.Swish(2.0), lambda F, x: x * (2.0 * x).sigmoid()),
    (lambda: nn.Activation('relu'), lambda F, x: F.relu(x)),
    (lambda: nn.Activation('sigmoid'), lambda F, x: x.sigmoid()),
    (lambda: nn.Activation('tanh'), lambda F, x: x.tanh()),
    (lambda: nn.Activation('softrelu'), lambda F, x: F.softplus(x)),
    (lambda: nn.Activation('softsign'), lambda F, x: F.softsign(x)),
]


@pytest.mark.parametrize('k', range(len(ACTS)))
def test_activation_matches_torch(k):
    torch = _t()
    make, ref = ACTS[k]
    x = _x(3, 5) * 3
    x[0, 0] = 0.0
    blk = make()
    got = blk(np.array(x)).asnumpy()
    want = ref(torch.nn.functional, torch.tensor(x)).numpy()
    onp.testing.assert_allclose(got, want, rtol=2e-6, atol=3e-7)


@pytest.mark.parametrize('k', range(len(ACTS)))
def test_activation_gradients(k):
    x = _x(3, 4) * 2
    x[onp.abs(x) < 0.05] = 0.3          # away from the kinks for central differences
    check_grads(lambda a: ACTS[k][0]()(a), x, rtol=1e-5)


def test_gelu_gradient_at_zero_is_one_half():
    x = np.zeros(1, dtype='float64')
    x.attach_grad()
    with autograd.record():
        y = nn.GELU()(x)
    y.backward()
    assert abs(float(x.grad) - 0.5) < 1e-6


def test_prelu_per_channel_matches_torch():
    torch = _t()
    p = nn.PReLU(init.Constant(0.1), in_channels=3)
    p.initialize()
    p.alpha.set_data(np.array([0.1, 0.2, 0.3]))
    x = _x(2, 3, 4)
    want = torch.nn.functional.prelu(torch.tensor(x), torch.tensor([0.1, 0.2, 0.3])).numpy()
    onp.testing.assert_allclose(p(np.array(x)).asnumpy(), want, rtol=1e-6)
    with autograd.record():
        y = p(np.array(x)).sum()
    y.backward()
    neg = onp.where(x < 0, x, 0).sum(axis=(0, 2))
    onp.testing.assert_allclose(p.alpha.grad().asnumpy(), neg, rtol=1e-5)
    assert p.alpha.name == 'prelu0_alpha'


def test_bad_activation_name():
    with pytest.raises(ValueError, match="activation must be one of"):
        nn.Activation('swishy')


# ---- normalisation -------------------------------------------------------------------------
def test_batchnorm_training_matches_torch_and_updates_running_stats():
    torch = _t()
    bn = nn.BatchNorm()
    bn.initialize()
    x = _x(4, 3, 5)
    with autograd.record():
        y = bn(np.array(x))
    tx = torch.tensor(x)
    want = torch.nn.functional.batch_norm(tx, None, None, torch.ones(3), torch.zeros(3),
                                          training=True, eps=1e-5).numpy()
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=1e-4, atol=1e-5)
    # MXNet 1.9.1 (oracle): the running statistics change in backward, not in the forward
    assert not bn.running_mean.data().asnumpy().any()
    y.backward()
    mean = x.mean(axis=(0, 2))
    var = x.var(axis=(0, 2))          # biased, as MXNet 1.9.1 updates it
    onp.testing.assert_allclose(bn.running_mean.data().asnumpy(), 0.1 * mean, rtol=1e-5)
    onp.testing.assert_allclose(bn.running_var.data().asnumpy(), 0.9 + 0.1 * var, rtol=1e-5)
    assert bn.running_mean.grad_req == 'null'


def test_batchnorm_inference_uses_running_stats():
    bn = nn.BatchNorm(in_channels=2, epsilon=1e-3)
    bn.initialize()
    bn.running_mean.set_data(np.array([1.0, -1.0]))
    bn.running_var.set_data(np.array([4.0, 0.25]))
    bn.gamma.set_data(np.array([2.0, 3.0]))
    bn.beta.set_data(np.array([0.5, 0.0]))
    x = _x(3, 2)
    want = (x - [1.0, -1.0]) / onp.sqrt(onp.array([4.0, 0.25]) + 1e-3) * [2.0, 3.0] + [0.5, 0.0]
    onp.testing.assert_allclose(bn(np.array(x)).asnumpy(), want, rtol=1e-5)


def test_batchnorm_gradients_and_repr():
    bn = nn.BatchNorm(in_channels=3)
    bn.initialize()
    bn.cast('float64')
    with autograd.train_mode():
        check_grads(lambda a: bn(a), _x(4, 3), rtol=1e-5)
    assert repr(nn.BatchNorm()) == ('BatchNorm(axis=1, eps=1e-05, momentum=0.9, '
                                    'fix_gamma=False, use_global_stats=False, in_channels=-1)')


def test_batchnorm_wrong_channels_names_the_layer():
    bn = nn.BatchNorm(in_channels=3)
    bn.initialize()
    with pytest.raises(ShapeError, match="batchnorm0: the input has 4 channels"):
        bn(np.ones((2, 4)))


def test_layernorm_matches_torch():
    torch = _t()
    ln = nn.LayerNorm()
    ln.initialize()
    x = _x(2, 3, 6)
    want = torch.nn.functional.layer_norm(torch.tensor(x), (6,), eps=1e-5).numpy()
    onp.testing.assert_allclose(ln(np.array(x)).asnumpy(), want, rtol=1e-4, atol=1e-5)
    ln2 = nn.LayerNorm(in_channels=4)
    ln2.initialize(init.Normal(1.0))
    ln2.gamma.set_data(np.array(_x(4, seed=3)))
    check_grads(_layer_fn(ln2), _x(3, 4), rtol=1e-5)
    assert repr(nn.LayerNorm()) == ('LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, '
                                    'in_channels=-1)')


def test_instancenorm_matches_torch():
    torch = _t()
    inn = nn.InstanceNorm(scale=True)
    inn.initialize()
    inn.gamma.set_data(np.array([1.5, 0.5]))
    inn.beta.set_data(np.array([0.1, -0.2]))
    x = _x(2, 2, 5)
    want = torch.nn.functional.instance_norm(
        torch.tensor(x), weight=torch.tensor([1.5, 0.5]), bias=torch.tensor([0.1, -0.2]),
        eps=1e-5).numpy()
    onp.testing.assert_allclose(inn(np.array(x)).asnumpy(), want, rtol=1e-4, atol=1e-5)
    check_grads(_layer_fn(inn), _x(2, 2, 3), rtol=1e-5)


def test_instancenorm_channels_on_another_axis_match_torch():
    # axis=2: the channels are moved to axis 1 for the instance norm and back
    torch = _t()
    inn = nn.InstanceNorm(axis=2, scale=True)
    inn.initialize()
    inn.gamma.set_data(np.array([1.5, 0.5, 2.0]))
    x = _x(2, 5, 3)
    want = torch.nn.functional.instance_norm(
        torch.tensor(x).transpose(1, 2), weight=torch.tensor([1.5, 0.5, 2.0]),
        eps=1e-5).transpose(1, 2).numpy()
    onp.testing.assert_allclose(inn(np.array(x)).asnumpy(), want, rtol=1e-4, atol=1e-5)
    check_grads(_layer_fn(inn), _x(2, 4, 3), rtol=1e-5)


def test_groupnorm_per_group_affine_as_mxnet_1_9_1():
    gn = nn.GroupNorm(num_groups=2)
    gn.initialize()
    gn.gamma.set_data(np.array([2.0, 0.5]))
    gn.beta.set_data(np.array([1.0, 0.0]))
    assert gn.gamma.shape == (2,)         # one per group in 1.9.1 (oracle)
    x = _x(2, 4, 3)
    g = x.reshape(2, 2, -1)
    norm = (g - g.mean(-1, keepdims=True)) / onp.sqrt(g.var(-1, keepdims=True) + 1e-5)
    want = (norm * onp.array([2.0, 0.5]).reshape(1, 2, 1) + onp.array([1.0, 0.0]).reshape(
        1, 2, 1)).reshape(x.shape)
    onp.testing.assert_allclose(gn(np.array(x)).asnumpy(), want, rtol=1e-4, atol=1e-5)
    check_grads(_layer_fn(gn), _x(2, 4, 2), rtol=1e-5)
    with pytest.raises(ShapeError, match="num_groups=2"):
        gn(np.ones((1, 3, 2)))


# ---- the rest of basic_layers ----------------------------------------------------------------
def test_embedding():
    e = nn.Embedding(5, 3)
    e.initialize(init.Normal(1.0))
    idx = onp.array([[0, 4], [2, 2]])
    out = e(np.array(idx.astype(onp.float32)))
    w = e.weight.data().asnumpy()
    onp.testing.assert_array_equal(out.asnumpy(), w[idx])
    with autograd.record():
        y = e(np.array(idx.astype(onp.float32))).sum()
    y.backward()
    onp.testing.assert_array_equal(e.weight.grad().asnumpy()[:, 0], [1, 0, 2, 0, 1])
    assert repr(e) == 'Embedding(5 -> 3, float32)'


def test_dropout_training_and_inference():
    d = nn.Dropout(0.5)
    x = np.ones((200, 50))
    assert (d(x).asnumpy() == 1).all()           # not training: identity
    with autograd.train_mode():
        y = d(x).asnumpy()
    assert set(onp.unique(y)) <= {0.0, 2.0}
    assert 0.4 < (y == 0).mean() < 0.6
    with autograd.train_mode():
        shared = nn.Dropout(0.5, axes=(1,))(x).asnumpy()
    assert (shared == shared[:, :1]).all()       # one draw per row
    assert repr(nn.Dropout(0.3, axes=(1,))) == 'Dropout(p = 0.3, axes=(1,))'


def test_flatten_lambda_identity():
    x = np.array(_x(2, 3, 4))
    assert nn.Flatten()(x).shape == (2, 12)
    assert repr(nn.Flatten()) == 'Flatten'
    onp.testing.assert_allclose(nn.Lambda('tanh')(x).asnumpy(), onp.tanh(x.asnumpy()),
                                rtol=1e-6)
    onp.testing.assert_allclose(nn.HybridLambda(lambda F, a: F.np.exp(a))(x).asnumpy(),
                                onp.exp(x.asnumpy()), rtol=1e-6)
    assert nn.Identity()(x) is x
    assert repr(nn.HybridLambda('tanh')) == 'HybridLambda(tanh)'
    with pytest.raises(ValueError, match="no operator 'nope'"):
        nn.Lambda('nope')


def test_global_pools():
    x = _x(2, 3, 4, 5)
    onp.testing.assert_allclose(nn.GlobalAvgPool2D()(np.array(x)).asnumpy(),
                                x.mean(axis=(2, 3), keepdims=True), rtol=1e-6)
    onp.testing.assert_allclose(nn.GlobalMaxPool2D()(np.array(x)).asnumpy(),
                                x.max(axis=(2, 3), keepdims=True))
    onp.testing.assert_allclose(nn.GlobalAvgPool1D()(np.array(x[:, :, 0])).asnumpy(),
                                x[:, :, 0].mean(axis=2, keepdims=True), rtol=1e-6)
    assert repr(nn.GlobalAvgPool2D()) == (
        'GlobalAvgPool2D(size=(1, 1), stride=(1, 1), padding=(0, 0), ceil_mode=True, '
        'global_pool=True, pool_type=avg, layout=NCHW)')
    with pytest.raises(ShapeError, match="expected a 4-d input"):
        nn.GlobalAvgPool2D()(np.ones((2, 3)))


# ---- convolution and pooling (npx ops from nn-conv) -------------------------------------------
def conv_ref(x, w, b, stride, pad, dilate, groups):
    """Direct N-d convolution (cross-correlation), NC... layout."""
    nd = x.ndim - 2
    xp = onp.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    n, c = x.shape[:2]
    f, k = w.shape[0], w.shape[2:]
    size = [(xp.shape[2 + i] - dilate[i] * (k[i] - 1) - 1) // stride[i] + 1 for i in range(nd)]
    out = onp.zeros((n, f) + tuple(size))
    cg, fg = c // groups, f // groups
    for g in range(groups):
        for off in itertools.product(*[range(s) for s in k]):
            sl = tuple(slice(off[i] * dilate[i], off[i] * dilate[i] + stride[i] * (size[i] - 1)
                             + 1, stride[i]) for i in range(nd))
            patch = xp[(slice(None), slice(g * cg, (g + 1) * cg)) + sl]
            wk = w[(slice(g * fg, (g + 1) * fg), slice(None)) + off]
            out[:, g * fg:(g + 1) * fg] += onp.einsum('nc...,fc->nf...', patch, wk)
    if b is not None:
        out += b.reshape((1, -1) + (1,) * nd)
    return out


def deconv_ref(x, w, b, stride, pad, dilate, adj, groups):
    """Transposed convolution: the adjoint of ``conv_ref`` in the input, cropped by pad."""
    nd = x.ndim - 2
    n, c = x.shape[:2]
    fg, k = w.shape[1], w.shape[2:]
    ins = x.shape[2:]
    full = [(ins[i] - 1) * stride[i] + dilate[i] * (k[i] - 1) + 1 + adj[i] for i in range(nd)]
    out = onp.zeros((n, fg * groups) + tuple(full))
    cg = c // groups
    for g in range(groups):
        for off in itertools.product(*[range(s) for s in k]):
            sl = tuple(slice(off[i] * dilate[i], off[i] * dilate[i] + stride[i] * (ins[i] - 1)
                             + 1, stride[i]) for i in range(nd))
            wk = w[(slice(g * cg, (g + 1) * cg), slice(None)) + off]
            out[(slice(None), slice(g * fg, (g + 1) * fg)) + sl] += onp.einsum(
                'nc...,cf->nf...', x[:, g * cg:(g + 1) * cg], wk)
    crop = tuple(slice(pad[i], full[i] - pad[i]) for i in range(nd))
    out = out[(slice(None), slice(None)) + crop]
    if b is not None:
        out = out + b.reshape((1, -1) + (1,) * nd)
    return out


def pool_ref(x, k, stride, pad, kind):
    """Max / average (count_include_pad) pooling, 'valid' convention."""
    nd = x.ndim - 2
    fill = -onp.inf if kind == 'max' else 0.0
    xp = onp.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad], constant_values=fill)
    size = [(xp.shape[2 + i] - k[i]) // stride[i] + 1 for i in range(nd)]
    out = onp.full(x.shape[:2] + tuple(size), -onp.inf if kind == 'max' else 0.0)
    for off in itertools.product(*[range(s) for s in k]):
        sl = tuple(slice(off[i], off[i] + stride[i] * (size[i] - 1) + 1, stride[i])
                   for i in range(nd))
        patch = xp[(slice(None), slice(None)) + sl]
        out = onp.maximum(out, patch) if kind == 'max' else out + patch
    return out if kind == 'max' else out / onp.prod(k)


CONVS = [
    (nn.Conv1D, dict(channels=4, kernel_size=3, padding=1), (2, 3, 7)),
    (nn.Conv2D, dict(channels=4, kernel_size=(3, 2), strides=(2, 1), padding=(1, 0)),
     (2, 3, 6, 5)),
    (nn.Conv2D, dict(channels=4, kernel_size=3, dilation=2, groups=2, use_bias=False),
     (1, 4, 7, 7)),
    (nn.Conv3D, dict(channels=2, kernel_size=2), (1, 2, 3, 4, 3)),
]


@pytest.mark.parametrize('k', range(len(CONVS)))
def test_conv_matches_numpy(k):
    cls, kw, shape = CONVS[k]
    layer = cls(**kw)
    layer.initialize(init.Normal(0.5))
    x = _x(*shape)
    got = layer(np.array(x)).asnumpy()
    nd = len(shape) - 2
    kk = layer._kwargs
    b = layer.bias.data().asnumpy() if layer.bias is not None else None
    want = conv_ref(x.astype(onp.float64), layer.weight.data().asnumpy().astype(onp.float64),
                    b, kk['stride'], kk['pad'], kk['dilate'], kk['num_group'])
    assert len(kk['kernel']) == nd
    onp.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    check_grads(_layer_fn(layer), x, rtol=1e-5)


DECONVS = [
    (nn.Conv1DTranspose, dict(channels=3, kernel_size=3, strides=2, padding=1), (2, 2, 4)),
    (nn.Conv2DTranspose, dict(channels=2, kernel_size=(2, 3), strides=(2, 1),
                              output_padding=(1, 0)), (1, 3, 3, 4)),
]


@pytest.mark.parametrize('k', range(len(DECONVS)))
def test_deconv_matches_numpy(k):
    cls, kw, shape = DECONVS[k]
    layer = cls(**kw)
    layer.initialize(init.Normal(0.5))
    x = _x(*shape)
    got = layer(np.array(x)).asnumpy()
    kk = layer._kwargs
    want = deconv_ref(x.astype(onp.float64), layer.weight.data().asnumpy().astype(onp.float64),
                      layer.bias.data().asnumpy(), kk['stride'], kk['pad'], kk['dilate'],
                      kk['adj'], kk['num_group'])
    onp.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    check_grads(_layer_fn(layer), x, rtol=1e-5)


POOLS = [
    (nn.MaxPool1D, dict(), (2, 3, 8), 'max'),
    (nn.MaxPool2D, dict(pool_size=3, strides=2, padding=1), (1, 2, 7, 6), 'max'),
    (nn.AvgPool2D, dict(pool_size=2), (2, 2, 4, 6), 'avg'),
    (nn.AvgPool3D, dict(pool_size=2, strides=1), (1, 1, 3, 3, 3), 'avg'),
    (nn.MaxPool3D, dict(pool_size=(1, 2, 2)), (1, 2, 2, 4, 4), 'max'),
    (nn.AvgPool1D, dict(pool_size=3, strides=2, padding=1), (1, 2, 7), 'avg'),
]


@pytest.mark.parametrize('k', range(len(POOLS)))
def test_pool_matches_numpy(k):
    cls, kw, shape, kind = POOLS[k]
    layer = cls(**kw)
    x = _x(*shape)
    got = layer(np.array(x)).asnumpy()
    kk = layer._kwargs
    want = pool_ref(x.astype(onp.float64), kk['kernel'], kk['stride'], kk['pad'], kind)
    onp.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_conv_and_pool_reprs_as_mxnet():
    assert repr(nn.Conv2D(8, 3)) == 'Conv2D(-1 -> 8, kernel_size=(3, 3), stride=(1, 1))'
    assert repr(nn.Conv1D(3, 2, padding=1, use_bias=False, activation='relu')) == (
        'Conv1D(-1 -> 3, kernel_size=(2,), stride=(1,), padding=(1,), bias=False, '
        'Activation(relu))')
    assert repr(nn.Conv2DTranspose(4, 3, in_channels=2)) == (
        'Conv2DTranspose(4 -> 2, kernel_size=(3, 3), stride=(1, 1))')
    assert repr(nn.MaxPool2D()) == (
        'MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, '
        'global_pool=False, pool_type=max, layout=NCHW)')
    assert repr(nn.AvgPool1D()) == (
        'AvgPool1D(size=(2,), stride=(2,), padding=(0,), ceil_mode=False, '
        'global_pool=False, pool_type=avg, layout=NCW)')


def test_conv_deferred_weight_shape_and_bad_rank():
    c = nn.Conv2D(6, 3, groups=2)
    assert c.weight.shape == (6, -1, 3, 3)
    c.infer_shape(np.ones((1, 4, 5, 5)))
    assert c.weight.shape == (6, 2, 3, 3)
    with pytest.raises(ShapeError, match="conv0: expected a 4-d input"):
        c.infer_shape(np.ones((4, 5, 5)))


# ---- the NumPy references above, checked against PyTorch (so the skipped tests are sound) ----
def test_conv_reference_matches_torch():
    torch = _t()
    F = torch.nn.functional
    x, w, b = _x(2, 4, 7, 6).astype(onp.float64), _x(6, 2, 3, 2, seed=1).astype(onp.float64), \
        _x(6, seed=2).astype(onp.float64)
    want = F.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), stride=(2, 1),
                    padding=(1, 0), dilation=(1, 2), groups=2).numpy()
    onp.testing.assert_allclose(conv_ref(x, w, b, (2, 1), (1, 0), (1, 2), 2), want, rtol=1e-10)


def test_deconv_reference_matches_torch():
    torch = _t()
    F = torch.nn.functional
    x, w, b = _x(1, 4, 3, 4).astype(onp.float64), _x(4, 3, 2, 3, seed=1).astype(onp.float64), \
        _x(6, seed=2).astype(onp.float64)
    want = F.conv_transpose2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), stride=(2, 1),
                              padding=(1, 1), output_padding=(1, 0), groups=2).numpy()
    got = deconv_ref(x, w, b, (2, 1), (1, 1), (1, 1), (1, 0), 2)
    onp.testing.assert_allclose(got, want, rtol=1e-10)


def test_pool_reference_matches_torch():
    torch = _t()
    F = torch.nn.functional
    x = _x(1, 2, 7, 6).astype(onp.float64)
    onp.testing.assert_allclose(pool_ref(x, (3, 3), (2, 2), (1, 1), 'max'),
                                F.max_pool2d(torch.tensor(x), 3, 2, 1).numpy())
    onp.testing.assert_allclose(pool_ref(x, (3, 3), (2, 2), (1, 1), 'avg'),
                                F.avg_pool2d(torch.tensor(x), 3, 2, 1,
                                             count_include_pad=True).numpy(), rtol=1e-12)

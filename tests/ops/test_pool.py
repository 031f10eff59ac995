"""``npx.pooling``: forward against window-by-window loops (and PyTorch where installed),
MXNet 1.9.1 values for its conventions, gradients by central differences (float64), double
backward through ``create_graph=True``, and bad parameters."""
import numpy as onp
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

from autodiff import np, npx, autograd
from autodiff.errors import ShapeError, DTypeError
from helpers import check_grads, sample
from helpers.window_ref import pool_ref


def A(values, dtype='float64'):
    return np.array(onp.asarray(values), dtype=dtype)


# (shape, kernel, stride, pad, convention)
GEOMS = [
    ((2, 3, 9), (3,), (2,), (1,), 'valid'),
    ((1, 2, 7), (2,), (2,), (0,), 'same'),
    ((2, 2, 6, 5), (2, 2), (2, 2), (0, 0), 'valid'),
    ((1, 2, 7, 6), (3, 2), (2, 1), (1, 1), 'full'),
    ((1, 1, 5, 5), (2, 2), (2, 2), (1, 1), 'full'),          # a row of empty windows
    ((1, 2, 5, 6), (3, 3), (2, 2), (0, 0), 'same'),
    ((1, 2, 4, 5, 4), (2, 3, 2), (1, 2, 2), (1, 1, 0), 'valid'),
    ((1, 1, 5, 4, 5), (2, 2, 3), (2, 2, 2), (0, 1, 1), 'full'),
]
TYPES = [('max', {}), ('sum', {}), ('avg', {}), ('avg', {'count_include_pad': False}),
         ('lp', {'p_value': 1}), ('lp', {'p_value': 2}), ('lp', {'p_value': 3})]


def _kw(geom, pool_type, extra):
    shape, k, s, p, conv = geom
    return dict(kernel=k, stride=s, pad=p, pooling_convention=conv, pool_type=pool_type, **extra)


def _ref(x, kw):
    return pool_ref(x, kw['kernel'], kw['stride'], kw['pad'], kw['pool_type'],
                    kw['pooling_convention'], kw.get('count_include_pad', True),
                    kw.get('p_value'))


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('pool_type,extra', TYPES, ids=str)
@pytest.mark.parametrize('geom', GEOMS, ids=str)
def test_pooling_matches_window_loops(geom, pool_type, extra, dtype):
    x = sample(geom[0], dtype, 0.1, 2.0)
    kw = _kw(geom, pool_type, extra)
    y = npx.pooling(A(x, dtype), **kw)
    want = _ref(x, kw)
    assert y.dtype == onp.dtype(dtype) and y.shape == want.shape
    if pool_type == 'max':
        want = onp.where(want == onp.finfo(onp.float32).min, onp.finfo(dtype).min, want)
    tol = 2e-6 if dtype == 'float32' else 1e-12
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=tol, atol=tol)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nd=st.integers(1, 3), data=st.data())
def test_pooling_hypothesis(nd, data):
    k = tuple(data.draw(st.integers(1, 3)) for _ in range(nd))
    s = tuple(data.draw(st.integers(1, 3)) for _ in range(nd))
    conv = data.draw(st.sampled_from(['valid', 'full', 'same']))
    p = (0,) * nd if conv == 'same' else tuple(data.draw(st.integers(0, ki - 1)) for ki in k)
    sp = tuple(max(k[i] - 2 * p[i], 1) + data.draw(st.integers(0, 4)) for i in range(nd))
    pool_type, extra = data.draw(st.sampled_from(TYPES))
    x = sample((2, 2) + sp, seed=nd, low=0.1)
    kw = dict(kernel=k, stride=s, pad=p, pooling_convention=conv, pool_type=pool_type, **extra)
    y = npx.pooling(A(x), **kw)
    want = _ref(x, kw)
    if pool_type == 'max':
        want = onp.where(want == onp.finfo(onp.float32).min, onp.finfo(onp.float64).min, want)
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=1e-12, atol=1e-12)


def test_global_pool():
    x = sample((2, 3, 4, 5), seed=2)
    for pool_type, f in (('max', onp.max), ('avg', onp.mean), ('sum', onp.sum)):
        y = npx.pooling(A(x), kernel=(2, 2), stride=(2, 2), pad=(1, 1), global_pool=True,
                        pool_type=pool_type)
        onp.testing.assert_allclose(y.asnumpy(), f(x, axis=(2, 3), keepdims=True), rtol=1e-12)
    assert npx.pooling(A(x), global_pool=True).shape == (2, 3, 1, 1)        # no kernel needed
    assert npx.pooling(A(sample((2, 3, 7))), global_pool=True, pool_type='avg').shape == (2, 3, 1)


def test_channels_last_layout():
    x = sample((2, 5, 6, 3), seed=3)
    y = npx.pooling(A(x), kernel=(2, 3), stride=(2, 2), pool_type='avg', layout='NHWC')
    want = pool_ref(x.transpose(0, 3, 1, 2), (2, 3), (2, 2), None, 'avg').transpose(0, 2, 3, 1)
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=1e-12)
    y1 = npx.pooling(A(x[:, 0]), kernel=(2,), layout='NWC')
    onp.testing.assert_allclose(y1.asnumpy(), pool_ref(x[:, 0].transpose(0, 2, 1), (2,))
                                .transpose(0, 2, 1), rtol=1e-12)


# ---- PyTorch, where installed ---------------------------------------------------------
@pytest.mark.parametrize('geom', [g for g in GEOMS if g[4] == 'valid'], ids=str)
def test_against_torch(geom):
    torch = pytest.importorskip('torch')
    F = torch.nn.functional
    shape, k, s, p, _ = geom
    nd = len(k)
    x = sample(shape, seed=4)
    mx = [F.max_pool1d, F.max_pool2d, F.max_pool3d][nd - 1]
    av = [F.avg_pool1d, F.avg_pool2d, F.avg_pool3d][nd - 1]
    xt = torch.tensor(x, requires_grad=True)
    for name, tf, kw in (('max', lambda t: mx(t, k, s, p), {}),
                         ('avg', lambda t: av(t, k, s, p, count_include_pad=True), {}),
                         ('avg', lambda t: av(t, k, s, p, count_include_pad=False),
                          {'count_include_pad': False})):
        xt.grad = None
        yt = tf(xt)
        head = sample(tuple(yt.shape), seed=5)
        yt.backward(torch.tensor(head))
        X = A(x)
        X.attach_grad()
        with autograd.record():
            y = npx.pooling(X, kernel=k, stride=s, pad=p, pool_type=name, **kw)
        y.backward(A(head))
        onp.testing.assert_allclose(y.asnumpy(), yt.detach().numpy(), rtol=1e-12)
        onp.testing.assert_allclose(X.grad.asnumpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-14)


# ---- MXNet 1.9.1 values ---------------------------------------------------------------
X25 = onp.arange(1, 26, dtype='float32').reshape(1, 1, 5, 5)
LOWEST = onp.finfo(onp.float32).min
MX = {   # (convention, pool_type, count_include_pad) -> MXNet 1.9.1's output, kernel 2 stride 2 pad 1
    ('valid', 'max', True): [1, 3, 5, 11, 13, 15, 21, 23, 25],
    ('valid', 'avg', True): [0.25, 1.25, 2.25, 4.25, 10, 12, 9.25, 20, 22],
    ('valid', 'avg', False): [1, 2.5, 4.5, 8.5, 10, 12, 18.5, 20, 22],
    ('valid', 'sum', True): [1, 5, 9, 17, 40, 48, 37, 80, 88],
    ('full', 'max', True): [1, 3, 5, LOWEST, 11, 13, 15, LOWEST, 21, 23, 25, LOWEST] + [LOWEST] * 4,
    ('full', 'avg', True): [0.25, 1.25, 2.25, 0, 4.25, 10, 12, 0, 9.25, 20, 22, 0, 0, 0, 0, 0],
    ('full', 'avg', False): [1, 2.5, 4.5, 0, 8.5, 10, 12, 0, 18.5, 20, 22, 0, 0, 0, 0, 0],
    ('full', 'sum', True): [1, 5, 9, 0, 17, 40, 48, 0, 37, 80, 88, 0, 0, 0, 0, 0],
}


@pytest.mark.parametrize('key', list(MX), ids=str)
def test_conventions_values_from_mxnet(key):
    conv, pool_type, cip = key
    y = npx.pooling(np.array(X25), kernel=(2, 2), stride=(2, 2), pad=(1, 1), pool_type=pool_type,
                    pooling_convention=conv, count_include_pad=cip)
    onp.testing.assert_allclose(y.asnumpy().ravel(), onp.array(MX[key], onp.float32))


def test_full_window_past_the_padding_values_from_mxnet():
    x = np.array(onp.arange(1, 7, dtype='float32').reshape(1, 1, 6))
    y = npx.pooling(x, kernel=(3,), stride=(2,), pad=(1,), pool_type='avg',
                    pooling_convention='full')
    onp.testing.assert_allclose(y.asnumpy().ravel(), [1.0, 3.0, 5.0, 3.0])   # last: 6 / 2


def test_max_ties_give_the_first_maximum_the_gradient_as_mxnet():
    x = np.array([[[[1., 1.], [1., 0.]]]])
    x.attach_grad()
    with autograd.record():
        y = npx.pooling(x, kernel=(2, 2), pool_type='max')
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy().ravel(), [1, 0, 0, 0])    # MXNet 1.9.1
    x = np.array([[[3., 3., 3.]]])
    x.attach_grad()
    with autograd.record():
        y = npx.pooling(x, kernel=(2,), stride=(1,), pool_type='max')
    y.backward()
    onp.testing.assert_array_equal(x.grad.asnumpy().ravel(), [1, 1, 0])       # MXNet 1.9.1


@pytest.mark.parametrize('p,value,grad', [
    (1, 6.0, [1, 1, 1, 1]),
    (2, 5.4772257804870605, [0.18257418274879456, -0.3651483654975891, 0.5477225184440613,
                             0.7302967309951782]),
    (3, 4.379518985748291, [0.05213713273406029, 0.20854853093624115, 0.4692342281341553,
                            0.8341941237449646]),
])
def test_lp_values_and_gradients_from_mxnet(p, value, grad):
    x = np.array([[[[1., -2.], [3., 4.]]]])
    x.attach_grad()
    with autograd.record():
        y = npx.pooling(x, kernel=(2, 2), pool_type='lp', p_value=p)
    y.backward()
    onp.testing.assert_allclose(y.asnumpy().ravel(), [value], rtol=1e-6)
    onp.testing.assert_allclose(x.grad.asnumpy().ravel(), grad, rtol=1e-5)


def test_padding_is_ignored_by_max_and_zero_for_lp_as_mxnet():
    x = np.array(onp.arange(1, 8, dtype='float32').reshape(1, 1, 7))
    onp.testing.assert_array_equal(npx.pooling(-x, kernel=(3,), pad=(1,)).asnumpy().ravel(),
                                   [-1, -1, -2, -3, -4, -5, -6])
    onp.testing.assert_allclose(
        npx.pooling(x, kernel=(3,), pad=(1,), pool_type='lp', p_value=2).asnumpy().ravel(),
        [2.2360680103302, 3.7416574954986572, 5.385164737701416, 7.071067810058594,
         8.774964332580566, 10.488088607788086, 9.219544410705566], rtol=1e-6)


# ---- gradients: central differences in float64 -----------------------------------------
def _distinct(shape, seed):
    """Values at least 0.05 apart (no ties: max pooling is differentiable there)."""
    r = onp.random.default_rng(seed)
    return (r.permutation(int(onp.prod(shape))) * 0.05 + 0.3).reshape(shape)


@pytest.mark.parametrize('pool_type,extra', TYPES, ids=str)
@pytest.mark.parametrize('geom', [GEOMS[0], GEOMS[3], GEOMS[5], GEOMS[7]], ids=str)
def test_pooling_gradients(geom, pool_type, extra):
    kw = _kw(geom, pool_type, extra)
    check_grads(lambda x: npx.pooling(x, **kw), _distinct(geom[0], 6))


@pytest.mark.parametrize('pool_type,extra', TYPES, ids=str)
@pytest.mark.parametrize('geom', [GEOMS[0], GEOMS[3], GEOMS[6]], ids=str)
def test_pooling_double_backward(geom, pool_type, extra):
    """check_grads of the create_graph gradient of <h, pool(x) ** 2>."""
    kw = _kw(geom, pool_type, extra)

    def first(x):
        with autograd.record():
            if x._node is None:
                x.attach_grad()
            y = npx.pooling(x, **kw)
            h = A(sample(y.shape, seed=7))
            return autograd.grad(y * y, [x], head_grads=h, create_graph=True)
    check_grads(first, _distinct(geom[0], 8))


def test_global_and_channels_last_gradients():
    check_grads(lambda x: npx.pooling(x, global_pool=True, pool_type='avg'), sample((2, 2, 3, 3)))
    check_grads(lambda x: npx.pooling(x, kernel=(2, 2), pool_type='max', layout='NHWC'),
                _distinct((1, 4, 4, 2), 9))


# ---- bad input --------------------------------------------------------------------------
X = np.ones((1, 2, 5, 5))


@pytest.mark.parametrize('call,err,words', [
    (lambda: npx.pooling(X, kernel=(6, 6)), ShapeError, 'padded input'),
    (lambda: npx.pooling(X, kernel=(2,)), ShapeError, 'data'),
    (lambda: npx.pooling(X, kernel=(2, 2), stride=(1,)), ShapeError, 'stride'),
    (lambda: npx.pooling(X, kernel=(2, 2), pad=(1, 1, 1)), ShapeError, 'pad'),
    (lambda: npx.pooling(X, kernel=(2, 2), pad=(2, 0)), ValueError, 'pad'),
    (lambda: npx.pooling(X, kernel=(2, 2), stride=(0, 1)), ValueError, 'stride'),
    (lambda: npx.pooling(X), ValueError, 'kernel'),
    (lambda: npx.pooling(X, kernel=(2, 2), pool_type='median'), ValueError, 'pool_type'),
    (lambda: npx.pooling(X, kernel=(2, 2), pooling_convention='ceil'), ValueError,
     'pooling_convention'),
    (lambda: npx.pooling(X, kernel=(2, 2), pool_type='lp'), ValueError, 'p_value'),
    (lambda: npx.pooling(X, kernel=(2, 2), pool_type='lp', p_value=4), ValueError, 'p_value'),
    (lambda: npx.pooling(X, kernel=(2, 2), pad=(1, 1), pooling_convention='same'), ValueError,
     'pad'),
    (lambda: npx.pooling(X, kernel=(2, 2), layout='NCDHW'), ValueError, 'layout'),
    (lambda: npx.pooling(np.ones((4, 8)), global_pool=True), ShapeError, 'data'),
    (lambda: npx.pooling(np.array(onp.ones((1, 1, 4), 'int32')), kernel=(2,)), DTypeError,
     'float'),
], ids=lambda v: v if isinstance(v, str) else '')
def test_bad_parameters_get_clear_errors(call, err, words):
    with pytest.raises(err) as info:
        call()
    assert words in str(info.value)


@pytest.mark.parametrize('pool_type', ['max', 'avg'])
def test_empty_batch(pool_type):
    x = np.ones((0, 3, 4, 4))
    x.attach_grad()
    with autograd.record():
        y = npx.pooling(x, kernel=(2, 2), pool_type=pool_type)
    y.backward()
    assert y.shape == (0, 3, 3, 3) and x.grad.shape == (0, 3, 4, 4)

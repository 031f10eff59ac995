"""``npx.convolution`` / ``npx.deconvolution``: forward against direct loops (and PyTorch
where installed), MXNet 1.9.1 values, gradients by central differences (float64), double
backward through ``create_graph=True``, and bad parameters."""
import numpy as onp
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

from autodiff import np, npx, autograd
from autodiff.errors import ShapeError, DTypeError
from autodiff.ops import conv as C
from helpers import check_grads, sample
from helpers.window_ref import conv_ref, deconv_ref


def A(values, dtype='float64'):
    return np.array(onp.asarray(values), dtype=dtype)


# (data shape, num_filter, kernel, stride, pad, dilate, groups)
CASES = [
    ((2, 3, 9), 4, (3,), (1,), (0,), (1,), 1),
    ((1, 4, 8), 6, (2,), (3,), (2,), (2,), 2),
    ((2, 3, 6, 5), 2, (3, 2), (1, 1), (1, 0), (1, 1), 1),
    ((1, 4, 7, 6), 4, (3, 3), (2, 1), (1, 2), (2, 1), 2),
    ((2, 2, 5, 5), 3, (1, 1), (1, 1), (0, 0), (1, 1), 1),            # pointwise path
    ((1, 2, 5, 5), 2, (1, 1), (2, 2), (1, 1), (1, 1), 1),            # 1x1 with stride and pad
    ((1, 2, 4, 5, 4), 2, (2, 3, 2), (1, 2, 1), (1, 0, 1), (1, 1, 2), 1),
    ((1, 4, 3, 4, 4), 4, (1, 2, 2), (1, 1, 2), (0, 1, 0), (1, 1, 1), 4),   # depthwise
]


def _conv_args(case, seed=0, dtype=onp.float64):
    shape, nf, k, s, p, d, g = case
    x = sample(shape, dtype, seed=seed)
    w = sample((nf, shape[1] // g) + k, dtype, seed=seed + 1)
    b = sample((nf,), dtype, seed=seed + 2)
    return x, w, b, dict(kernel=k, stride=s, pad=p, dilate=d, num_filter=nf, num_group=g)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('case', CASES, ids=str)
def test_convolution_matches_direct_loop(case, dtype):
    x, w, b, kw = _conv_args(case, dtype=dtype)
    y = npx.convolution(A(x, dtype), A(w, dtype), A(b, dtype), **kw)
    want = conv_ref(x, w, b, kw['stride'], kw['pad'], kw['dilate'], kw['num_group'])
    assert y.dtype == onp.dtype(dtype) and y.shape == want.shape
    tol = 1e-5 if dtype == 'float32' else 1e-12
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=tol, atol=tol)
    y2 = npx.convolution(A(x, dtype), A(w, dtype), None, no_bias=True, **kw)
    onp.testing.assert_allclose(y2.asnumpy(), want - b.reshape((1, -1) + (1,) * (x.ndim - 2)),
                                rtol=tol, atol=tol)


def _deconv_kw(case):
    shape, nf, k, s, p, d, g = case
    adj = tuple(min(si - 1, 1) for si in s)
    return dict(kernel=k, stride=s, pad=p, dilate=d, num_filter=nf, num_group=g, adj=adj)


@pytest.mark.parametrize('case', CASES, ids=str)
def test_deconvolution_matches_direct_loop(case):
    shape, nf, k = case[:3]
    kw = _deconv_kw(case)
    x = sample(shape, seed=3)
    w = sample((shape[1], nf // kw['num_group']) + k, seed=4)
    b = sample((nf,), seed=5)
    y = npx.deconvolution(A(x), A(w), A(b), no_bias=False, **kw)
    want = deconv_ref(x, w, b, kw['stride'], kw['pad'], kw['dilate'], kw['adj'], kw['num_group'])
    assert y.shape == want.shape
    onp.testing.assert_allclose(y.asnumpy(), want, rtol=1e-12, atol=1e-12)
    assert npx.deconvolution(A(x), A(w), **kw).shape == want.shape     # no_bias defaults to True


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nd=st.integers(1, 3), data=st.data())
def test_convolution_and_deconvolution_hypothesis(nd, data):
    g = data.draw(st.sampled_from([1, 2]))
    c = g * data.draw(st.integers(1, 2))
    nf = g * data.draw(st.integers(1, 2))
    k = tuple(data.draw(st.integers(1, 3)) for _ in range(nd))
    s = tuple(data.draw(st.integers(1, 3)) for _ in range(nd))
    d = tuple(data.draw(st.integers(1, 2)) for _ in range(nd))
    p = tuple(data.draw(st.integers(0, 2)) for _ in range(nd))
    sp = tuple(max(d[i] * (k[i] - 1) + 1 - 2 * p[i], 1) + data.draw(st.integers(0, 4))
               for i in range(nd))
    n = data.draw(st.integers(1, 2))
    x, w = sample((n, c) + sp, seed=nd), sample((nf, c // g) + k, seed=nd + 1)
    kw = dict(kernel=k, stride=s, pad=p, dilate=d, num_filter=nf, num_group=g)
    y = npx.convolution(A(x), A(w), no_bias=True, **kw)
    onp.testing.assert_allclose(y.asnumpy(), conv_ref(x, w, None, s, p, d, g), rtol=1e-12,
                                atol=1e-12)
    # the deconvolution of y with the same parameters maps back to x's shape (adj fills up)
    adj = tuple((sp[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1) % s[i] for i in range(nd))
    wd = sample((nf, c // g) + k, seed=nd + 2)
    ytd = y.asnumpy()
    xd = npx.deconvolution(A(ytd), A(wd), kernel=k, stride=s, pad=p, dilate=d, adj=adj,
                           num_filter=c, num_group=g)
    assert xd.shape == x.shape
    onp.testing.assert_allclose(xd.asnumpy(), deconv_ref(ytd, wd, None, s, p, d, adj, g),
                                rtol=1e-12, atol=1e-12)


# ---- PyTorch, where installed (same arithmetic) -----------------------------------------
@pytest.mark.parametrize('case', CASES, ids=str)
def test_against_torch(case):
    torch = pytest.importorskip('torch')
    F = torch.nn.functional
    x, w, b, kw = _conv_args(case, seed=7)
    nd = x.ndim - 2
    conv = [F.conv1d, F.conv2d, F.conv3d][nd - 1]
    tconv = [F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d][nd - 1]
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = conv(xt, wt, bt, stride=kw['stride'], padding=kw['pad'], dilation=kw['dilate'],
              groups=kw['num_group'])
    head = sample(tuple(yt.shape), seed=8)
    yt.backward(torch.tensor(head))
    X, W, B = A(x), A(w), A(b)
    for v in (X, W, B):
        v.attach_grad()
    with autograd.record():
        y = npx.convolution(X, W, B, **kw)
    y.backward(A(head))
    for mine, theirs in ((y, yt), (X.grad, xt.grad), (W.grad, wt.grad), (B.grad, bt.grad)):
        onp.testing.assert_allclose(mine.asnumpy(), theirs.detach().numpy(), rtol=1e-11,
                                    atol=1e-11)
    dk = _deconv_kw(case)
    wd = sample((x.shape[1], kw['num_filter'] // kw['num_group']) + kw['kernel'], seed=9)
    want = tconv(torch.tensor(x), torch.tensor(wd), stride=dk['stride'], padding=dk['pad'],
                 output_padding=dk['adj'], dilation=dk['dilate'], groups=dk['num_group'])
    got = npx.deconvolution(A(x), A(wd), **dk)
    onp.testing.assert_allclose(got.asnumpy(), want.numpy(), rtol=1e-11, atol=1e-11)


# ---- MXNet 1.9.1 values (its CPU kernels; MXNET_MKLDNN_ENABLED=0, since 1.9.1's oneDNN
# path failed with "could not create a descriptor" for these) -------------------------------
DX = (onp.arange(18) % 5 - 2).reshape(1, 2, 3, 3).astype('float32')
DW = (onp.arange(18) % 4 - 1.5).reshape(2, 1, 3, 3).astype('float32')


def test_deconvolution_target_shape_values_from_mxnet():
    x, w = np.array(DX), np.array(DW)
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y = npx.deconvolution(x, w, kernel=(3, 3), stride=(2, 2), target_shape=(6, 5),
                              num_filter=1)
    y.backward()
    assert y.shape == (1, 1, 6, 5)
    onp.testing.assert_allclose(y.asnumpy().ravel(), [
        2.0, 3.5, 2.5, 1.0, 0.5, -6.5, -4.5, 1.0, 5.5, 3.5, -1.5, 1.0, -3.5, -6.5, 2.0, 1.0,
        -2.0, 1.0, -4.5, -6.5, 2.5, 1.0, 0.5, 1.0, -1.5, 1.5, 1.0, 1.5, 1.0, 1.5], rtol=1e-6)
    onp.testing.assert_allclose(x.grad.asnumpy().ravel(), [
        -2.0, 0.0, 2.0, -2.0, -1.5, 0.0, -2.0, -1.5, 0.0, -2.0, -2.0, -2.0, 0.0, -0.5, -2.0,
        0.0, -0.5, -2.0], rtol=1e-6)
    onp.testing.assert_allclose(w.grad.asnumpy().ravel(), [
        1.0, 1.0, 2.0, 0.0, -2.0, -1.0, 0.0, -2.0, -1.0, 2.0, 0.0, -2.0, -1.0, -1.0, -2.0,
        -1.0, -1.0, -2.0], rtol=1e-6)


@pytest.mark.parametrize('target,shape', [((6, 6), (6, 6)), ((4, 4), (4, 4)), ((7, 7), (7, 7))])
def test_deconvolution_target_shape_sizes_from_mxnet(target, shape):
    y = npx.deconvolution(np.ones((1, 2, 3, 3)), np.ones((2, 4, 3, 3)), kernel=(3, 3),
                          stride=(2, 2), target_shape=target, num_filter=4)
    assert y.shape == (1, 4) + shape


def test_deconvolution_output_sizes_from_mxnet():
    x, w = np.ones((1, 2, 3, 3)), np.ones((2, 4, 3, 3))
    k = dict(kernel=(3, 3), num_filter=4)
    assert npx.deconvolution(x, w, **k).shape == (1, 4, 5, 5)
    assert npx.deconvolution(x, w, stride=(2, 2), **k).shape == (1, 4, 7, 7)
    assert npx.deconvolution(x, w, stride=(2, 2), adj=(1, 1), **k).shape == (1, 4, 8, 8)
    assert npx.deconvolution(x, w, stride=(2, 2), pad=(1, 1), **k).shape == (1, 4, 5, 5)
    assert npx.deconvolution(x, w, dilate=(2, 2), **k).shape == (1, 4, 7, 7)
    assert npx.deconvolution(np.ones((1, 4, 3, 3)), np.ones((4, 3, 3, 3)), kernel=(3, 3),
                             num_filter=6, num_group=2).shape == (1, 6, 5, 5)


def test_channels_last_layout_matches_channels_first():
    """NHWC data with an OHWI weight (the weight layout MXNet 1.9.1's shape inference asks
    for); values as the NCHW convolution of the transposed arrays (MXNet 1.9.1 printed
    these for the NCHW computation)."""
    x = (onp.arange(96) % 7 - 3).reshape(2, 4, 4, 3).astype('float32')
    w = (onp.arange(24) % 5 - 2).reshape(2, 2, 2, 3).astype('float32')
    y = npx.convolution(np.array(x), np.array(w), np.array([0.5, -1.0]), kernel=(2, 2),
                        stride=(2, 1), num_filter=2, layout='NHWC')
    mx_nchw = onp.array([-0.5, -2.5, -4.5, -2.5, -4.5, 14.5, 10.0, -1.0, -5.0, -1.0, -5.0, -9.0,
                         -4.5, 14.5, 5.5, 14.5, 5.5, -3.5, -5.0, -9.0, -6.0, -9.0, -6.0, -3.0])
    assert y.shape == (2, 2, 3, 2)
    onp.testing.assert_allclose(y.asnumpy(), mx_nchw.reshape(2, 2, 2, 3).transpose(0, 2, 3, 1))


# ---- gradients: central differences in float64 -----------------------------------------
@pytest.mark.parametrize('case', CASES, ids=str)
def test_convolution_gradients(case):
    x, w, b, kw = _conv_args(case, seed=11)
    check_grads(lambda x, w, b: npx.convolution(x, w, b, **kw), x, w, b)


@pytest.mark.parametrize('case', CASES[::2], ids=str)
def test_deconvolution_gradients(case):
    shape, nf, k = case[:3]
    kw = _deconv_kw(case)
    x, w = sample(shape, seed=12), sample((shape[1], nf // kw['num_group']) + k, seed=13)
    b = sample((nf,), seed=14)
    check_grads(lambda x, w, b: npx.deconvolution(x, w, b, no_bias=False, **kw), x, w, b)


def test_deconvolution_target_shape_gradients():
    check_grads(lambda x, w: npx.deconvolution(x, w, kernel=(3, 3), stride=(2, 2),
                                               target_shape=(6, 5), num_filter=1), DX, DW)


def test_channels_last_gradients():
    x, w, b = sample((1, 5, 4, 2), seed=15), sample((3, 2, 2, 2), seed=16), sample((3,), seed=17)
    check_grads(lambda x, w, b: npx.convolution(x, w, b, kernel=(2, 2), num_filter=3,
                                                layout='NHWC'), x, w, b)


def test_weight_gradient_op_gradients():
    """``convolution_weight_grad(x, gy)`` is linear in each; its VJPs are a deconvolution and
    a convolution."""
    g = C.Geometry((3, 2), (2, 1), (1, 1), (1, 0), 2)
    x = sample((2, 4, 6, 5), seed=18)
    gy = sample((2, 4) + C.out_lengths((6, 5), g), seed=19)
    check_grads(lambda x, gy: C.conv_weight(x, gy, g), x, gy)


# ---- double backward (create_graph=True) ------------------------------------------------
def first_grads(f, seed):
    """A function returning the gradients of <h, f(...)**2> (create_graph=True), so that
    check_grads differentiates the backward pass itself.  (Outside check_grads' recording,
    for its central differences, the inputs are marked and recorded here.)"""
    def grads(*xs):
        with autograd.record():
            for x in xs:
                if x._node is None:
                    x.attach_grad()
            y = f(*xs)
            h = A(sample(y.shape, seed=seed))
            return autograd.grad(y * y, list(xs), head_grads=h, create_graph=True)
    return grads


@pytest.mark.parametrize('case', [CASES[1], CASES[3], CASES[6]], ids=str)
def test_convolution_double_backward(case):
    x, w, b, kw = _conv_args(case, seed=21)
    f = lambda x, w, b: npx.convolution(x, w, b, **kw)
    check_grads(first_grads(f, 22), x, w, b)


@pytest.mark.parametrize('case', [CASES[1], CASES[3]], ids=str)
def test_deconvolution_double_backward(case):
    shape, nf, k = case[:3]
    kw = _deconv_kw(case)
    x, w = sample(shape, seed=23), sample((shape[1], nf // kw['num_group']) + k, seed=24)
    f = lambda x, w: npx.deconvolution(x, w, **kw)
    check_grads(first_grads(f, 25), x, w)


def test_third_order_through_convolution():
    """Second gradients are again convolutions: differentiate twice with create_graph."""
    x, w, b, kw = _conv_args(CASES[2], seed=26)

    def second(x, w):
        with autograd.record():
            for v in (x, w):
                if v._node is None:
                    v.attach_grad()
            y = npx.convolution(x, w, None, no_bias=True, **kw)
            gx, gw = autograd.grad((y * y * y).sum(), [x, w], create_graph=True)
            return autograd.grad((gx * gx).sum() + (gw * gw).sum(), [x, w], create_graph=True)
    check_grads(second, x, w)


# ---- bad input --------------------------------------------------------------------------
X, W, B = np.ones((1, 2, 5, 5)), np.ones((4, 2, 3, 3)), np.ones((4,))
K = dict(kernel=(3, 3), num_filter=4)


@pytest.mark.parametrize('call,err,words', [
    (lambda: npx.convolution(X, np.ones((4, 2, 2, 2)), B, **K), ShapeError, 'weight'),
    (lambda: npx.convolution(X, W, np.ones(3), **K), ShapeError, 'bias'),
    (lambda: npx.convolution(np.ones((1, 3, 5, 5)), W, B, num_group=2, **K), ShapeError,
     'num_group'),
    (lambda: npx.convolution(X, np.ones((3, 1, 3, 3)), np.ones(3), kernel=(3, 3), num_filter=3,
                             num_group=2), ShapeError, 'num_filter'),
    (lambda: npx.convolution(X, np.ones((4, 2, 7, 7)), B, kernel=(7, 7), num_filter=4),
     ShapeError, 'padded input'),
    (lambda: npx.convolution(X, W, B, kernel=(3, 3), dilate=(3, 3), num_filter=4), ShapeError,
     'dilated'),
    (lambda: npx.convolution(X, W, B, kernel=(3,), num_filter=4), ShapeError, 'data'),
    (lambda: npx.convolution(X, W, B, stride=(2,), **K), ShapeError, 'stride'),
    (lambda: npx.convolution(X, W, B, pad=(1, 1, 1), **K), ShapeError, 'pad'),
    (lambda: npx.convolution(X, W, B, dilate=(1,), **K), ShapeError, 'dilate'),
    (lambda: npx.convolution(X, W, B, stride=(0, 1), **K), ValueError, 'stride'),
    (lambda: npx.convolution(X, W, B, pad=(-1, 0), **K), ValueError, 'pad'),
    (lambda: npx.convolution(X, W, B, kernel=(3, 3)), ValueError, 'num_filter'),
    (lambda: npx.convolution(X, W, B, num_filter=4), ValueError, 'kernel'),
    (lambda: npx.convolution(X, W, **K), ValueError, 'no_bias'),
    (lambda: npx.convolution(X, W, B, no_bias=True, **K), ValueError, 'no_bias'),
    (lambda: npx.convolution(X, W, B, layout='NCW', **K), ValueError, 'layout'),
    (lambda: npx.convolution(X, W, B, kernel=(3, 3, 3, 3), num_filter=4), ShapeError, 'kernel'),
    (lambda: npx.convolution(X, W, B, kernel=(2.5, 3), num_filter=4), TypeError, 'kernel'),
    (lambda: npx.convolution(X, np.ones((4, 2, 3)), B, **K), ShapeError, 'weight'),
    (lambda: npx.convolution(X.astype('float64'), W, B, **K), DTypeError, 'weight'),
    (lambda: npx.convolution(X.astype('int32'), W.astype('int32'), B.astype('int32'), **K),
     DTypeError, 'float'),
    (lambda: npx.deconvolution(X, np.ones((2, 4, 3, 3)), B, **K), ValueError, 'no_bias'),
    (lambda: npx.deconvolution(X, W, **K), ShapeError, 'weight'),
    (lambda: npx.deconvolution(X, np.ones((2, 4, 3, 3)), stride=(2, 2), adj=(2, 2), **K),
     ValueError, 'adj'),
    (lambda: npx.deconvolution(np.ones((1, 2, 3, 3)), np.ones((2, 4, 3, 3)), stride=(2, 2),
                               target_shape=(8, 8), **K), ShapeError, 'target_shape'),
    (lambda: npx.deconvolution(np.ones((1, 2, 3, 3)), np.ones((2, 4, 3, 3)), pad=(3, 3), **K),
     ShapeError, 'pad'),
    (lambda: npx.deconvolution(X, np.ones((2, 4, 3, 3)), layout='NHWC', **K), ValueError,
     'layout'),
    (lambda: npx.convolution(X, W, B, out=np.ones((1, 4, 3, 3)), **K), NotImplementedError,
     'out='),
], ids=lambda v: v if isinstance(v, str) else '')
def test_bad_parameters_get_clear_errors(call, err, words):
    with pytest.raises(err) as info:
        call()
    assert words in str(info.value)
    assert 'numba' not in str(info.value).lower()


def test_empty_batch():
    x, w, b = np.ones((0, 2, 5, 5)), np.ones((3, 2, 3, 3)), np.ones(3)
    for a in (x, w, b):
        a.attach_grad()
    with autograd.record():
        y = npx.convolution(x, w, b, kernel=(3, 3), num_filter=3)
    y.backward()
    assert y.shape == (0, 3, 3, 3) and x.grad.shape == (0, 2, 5, 5)
    assert not w.grad.asnumpy().any() and not b.grad.asnumpy().any()
    assert npx.deconvolution(x, np.ones((2, 3, 3, 3)), kernel=(3, 3),
                             num_filter=3).shape == (0, 3, 7, 7)


# (data shape, num_filter, kernel, pad, dilate, groups): stride 1, so the data gradient may be
# computed as a convolution of the output gradient (conv.conv_transpose_data) or by col2im
ADJOINT_CASES = [
    ((2, 4, 7, 6), 6, (3, 3), (1, 1), (1, 1), 2),        # 'same': the adjoint convolution
    ((1, 3, 9, 8), 3, (3, 2), (2, 1), (2, 1), 3),        # dilated, grouped, output grows
    ((2, 2, 11), 4, (5,), (2,), (1,), 1),                # 1-D
    ((2, 3, 12, 12), 5, (5, 5), (0, 0), (1, 1), 1),      # 'valid' (LeNet): col2im path
]


@pytest.mark.parametrize('case', ADJOINT_CASES, ids=str)
@pytest.mark.parametrize('growth', [C.ADJOINT_GROWTH, 0.0, 100.0])
def test_stride_one_data_gradient_paths_match_direct_loop(case, growth, monkeypatch):
    """Both ways of the stride-1 data gradient (the growth limit chooses) against the
    direct transposed-convolution loop."""
    shape, nf, k, p, d, groups = case
    monkeypatch.setattr(C, 'ADJOINT_GROWTH', growth)
    g = C.Geometry(k, (1,) * len(k), d, p, groups)
    osp = C.out_lengths(shape[2:], g)
    w = sample((nf, shape[1] // groups) + k, seed=4)
    gy = sample((shape[0], nf) + osp, seed=6)
    b = sample((shape[1],), seed=7)
    got = C.conv_transpose_data(gy, w, b, g, shape[2:])
    # deconv_ref takes the (C_in of the deconvolution, O/groups, *k) weight: the conv weight
    # read as (num_filter, channels / groups, *k) is exactly that
    want = deconv_ref(gy, w, b, (1,) * len(k), p, d, None, groups)
    assert got.shape == want.shape == shape
    onp.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)

"""``autograd.compile`` fuses a relu read only by a max pooling into one step, and a
convolution read only by that relu into it too (``compile/window_fusion.py``): the fused
programs must give eager mode's values and
gradients bit for bit (eager runs the relu and the pooling unfused), NumPy's float64
reference within rounding, and float64 central differences; the fusion must not fire where
the relu's output is read elsewhere or the pooling is not max pooling.
"""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from helpers.window_ref import pool_ref
from .helpers import marked, eager, compiled_run, central_grad, assert_close


def _opaque_names(cf):
    return [st.value.attrs[0].name for st in cf.program.steps if st.kind == 'opaque']


def _relu_loops(cf, shape):
    """Fused loops of ``shape`` computing a relu (none once the relu is fused away)."""
    return [st for st in cf.program.steps if st.kind == 'group'
            and any(v.expr == '_relu({0})' and v.shape == shape for v in st.members)]


def _conv_relu_pool(conv_kw, pool_kw):
    def fn(x, w, b=None):
        h = npx.convolution(x, w, b, **conv_kw)
        p = npx.pooling(npx.relu(h), pool_type='max', **pool_kw)
        return (p * p + p).sum()           # (a gradient of 1 where the pooled value is 0)
    return fn


def _data(rng, shapes):
    return [rng.uniform(-1, 1, s) for s in shapes]


# (id, convolution keywords, input shapes, pooling keywords, the fused step): LeNet's 2x2
# pools (the unrolled kernel) and other windows (relu, then the general kernels), after
# convolutions with stride, pad, dilation, groups, no bias; the 1-D one's data gradient is
# an adjoint convolution, which the conv fusion leaves alone (only the relu is fused)
GEOMS = [
    ('lenet-2x2', dict(kernel=(5, 5), num_filter=6), [(3, 1, 12, 12), (6, 1, 5, 5), (6,)],
     dict(kernel=(2, 2), stride=(2, 2)), 'conv_relu_pooling'),
    ('stride-pad-3x3-overlapping', dict(kernel=(3, 3), stride=(2, 1), pad=(1, 1), num_filter=4),
     [(2, 3, 9, 8), (4, 3, 3, 3), (4,)], dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1)),
     'conv_relu_pooling'),
    ('dilate-groups-tiles-3x2', dict(kernel=(2, 2), dilate=(2, 1), num_filter=4, num_group=2),
     [(2, 4, 8, 7), (4, 2, 2, 2), (4,)], dict(kernel=(3, 2), stride=(3, 2)),
     'conv_relu_pooling'),
    ('no-bias', dict(kernel=(3, 3), num_filter=2, no_bias=True), [(2, 2, 6, 6), (2, 2, 3, 3)],
     dict(kernel=(2, 2), stride=(2, 2)), 'conv_relu_pooling'),
    ('1d-adjoint', dict(kernel=(3,), num_filter=3), [(2, 2, 11), (3, 2, 3), (3,)],
     dict(kernel=(2,), stride=(2,)), 'relu_pooling'),
]


@pytest.mark.parametrize('gid, conv_kw, shapes, pool_kw, step', GEOMS, ids=[g[0] for g in GEOMS])
def test_fused_relu_pool_replays_eager_values_and_gradients_exactly(gid, conv_kw, shapes,
                                                                      pool_kw, step):
    fn = _conv_relu_pool(conv_kw, pool_kw)
    rng = onp.random.default_rng(1)
    cf = autograd.compile(fn)
    compiled_run(cf, *_data(rng, shapes))                 # records
    datas = _data(rng, shapes)
    v, g = compiled_run(cf, *datas)                       # replays
    assert cf.compiled, cf.fallback_reason
    names = _opaque_names(cf)
    assert step in names and 'pooling' not in names
    assert ('convolution' in names) == (step == 'relu_pooling')
    ev, eg = eager(fn, *datas)
    onp.testing.assert_array_equal(v, ev)
    for a, b in zip(g, eg):
        onp.testing.assert_array_equal(a, b)


def test_conv_output_read_elsewhere_fuses_only_the_relu():
    def fn(x, w, b):
        h = npx.convolution(x, w, b, kernel=(3, 3), num_filter=2)
        p = npx.pooling(npx.relu(h), kernel=(2, 2), stride=(2, 2), pool_type='max')
        return (p * p + p).sum() + (h * h).sum()
    cf = _must_not_fuse(fn, [(2, 2, 6, 6), (2, 2, 3, 3), (2,)], None, allow='relu_pooling')
    assert 'convolution' in _opaque_names(cf)


def test_fused_lenet_layer_against_numpy_reference():
    """Forward against window loops on NumPy's relu of NumPy's convolution (float64)."""
    x = onp.random.default_rng(2).uniform(-1, 1, (2, 3, 6, 7))

    def fn(x):
        return npx.pooling(npx.relu(x * 2.0 - 0.5), kernel=(2, 2), stride=(2, 2),
                           pool_type='max')
    cf = autograd.compile(fn, backward=False)
    cf(np.array(x, dtype='float64'))
    got = cf(np.array(x, dtype='float64')).asnumpy()
    assert cf.compiled and _opaque_names(cf) == ['relu_pooling']
    want = pool_ref(onp.maximum(x * 2.0 - 0.5, 0), (2, 2), (2, 2), (0, 0), 'max', 'valid',
                    True, None)
    onp.testing.assert_allclose(got, want, rtol=1e-15, atol=0)


def test_fused_gradients_match_central_differences_in_float64():
    fn = _conv_relu_pool(dict(kernel=(3, 3), num_filter=2), dict(kernel=(2, 2), stride=(2, 2)))
    shapes = [(1, 2, 6, 6), (2, 2, 3, 3), (2,)]
    rng = onp.random.default_rng(3)
    cf = autograd.compile(fn)
    compiled_run(cf, *_data(rng, shapes), dtype='float64')
    datas = _data(rng, shapes)
    _, grads = compiled_run(cf, *datas, dtype='float64')
    assert cf.compiled and _opaque_names(cf) == ['conv_relu_pooling']

    def f64(*ds):
        return float(fn(*[np.array(d, dtype='float64') for d in ds]))
    for k, grad in enumerate(grads):
        def partial(xk, k=k):
            return f64(*[xk if j == k else d for j, d in enumerate(datas)])
        assert_close(grad, central_grad(partial, datas[k]), rtol=1e-6, what=f'gradient {k}')


def test_torch_agrees_on_the_fused_lenet_layer():
    torch = pytest.importorskip('torch')
    F = torch.nn.functional
    fn = _conv_relu_pool(dict(kernel=(5, 5), num_filter=6), dict(kernel=(2, 2), stride=(2, 2)))
    shapes = [(4, 1, 12, 12), (6, 1, 5, 5), (6,)]
    rng = onp.random.default_rng(4)
    cf = autograd.compile(fn)
    compiled_run(cf, *_data(rng, shapes))
    datas = _data(rng, shapes)
    v, grads = compiled_run(cf, *datas)
    ts = [torch.tensor(d, dtype=torch.float32, requires_grad=True) for d in datas]
    tp = F.max_pool2d(torch.relu(F.conv2d(*ts)), 2, 2)
    tv = (tp * tp + tp).sum()
    tv.backward()
    assert_close(v, tv.detach().numpy(), what='value')
    for k, (a, t) in enumerate(zip(grads, ts)):
        assert_close(a, t.grad.numpy(), what=f'gradient {k}')


def _must_not_fuse(fn, shapes, relu_shape, allow=None):
    rng = onp.random.default_rng(5)
    cf = autograd.compile(fn)
    compiled_run(cf, *_data(rng, shapes))
    datas = _data(rng, shapes)
    v, g = compiled_run(cf, *datas)
    assert cf.compiled, cf.fallback_reason
    names = _opaque_names(cf)
    assert 'conv_relu_pooling' not in names
    assert ('relu_pooling' in names) == (allow == 'relu_pooling')
    ev, eg = eager(fn, *datas)
    onp.testing.assert_array_equal(v, ev)
    for a, b in zip(g, eg):
        onp.testing.assert_array_equal(a, b)
    return cf


def test_no_fusion_when_the_relu_output_is_read_elsewhere():
    def fn(x, w):
        r = npx.relu(x * w)
        return (npx.pooling(r, kernel=(2, 2), stride=(2, 2), pool_type='max') ** 2).sum() \
            + (r * r).sum()
    cf = _must_not_fuse(fn, [(2, 3, 4, 4), (4,)], (2, 3, 4, 4))
    assert 'pooling' in _opaque_names(cf)


def test_no_fusion_when_the_relu_output_is_a_result():
    def fn(x, w):
        r = npx.relu(x * w)
        return (npx.pooling(r, kernel=(2, 2), stride=(2, 2), pool_type='max') ** 2).sum(), r
    rng = onp.random.default_rng(6)
    cf = autograd.compile(fn)
    xs = [marked(d) for d in _data(rng, [(2, 3, 4, 4), (4,)])]
    cf(*xs)
    (s, r) = cf(*xs)
    assert cf.compiled and 'relu_pooling' not in _opaque_names(cf)
    onp.testing.assert_array_equal(r.asnumpy(), onp.maximum(xs[0].asnumpy() * xs[1].asnumpy(),
                                                            0))


def test_no_fusion_for_average_pooling_or_another_activation():
    avg = _must_not_fuse(
        lambda x, w: (npx.pooling(npx.relu(x * w), kernel=(2, 2), stride=(2, 2),
                                  pool_type='avg') ** 2).sum(), [(2, 3, 4, 4), (4,)], None)
    assert _relu_loops(avg, (2, 3, 4, 4))
    _must_not_fuse(lambda x, w: (npx.pooling(np.tanh(x * w), kernel=(2, 2), stride=(2, 2),
                                             pool_type='max') ** 2).sum(),
                   [(2, 3, 4, 4), (4,)], None)


def test_fused_backward_of_nan_inf_and_nonpositive_windows_is_eagers():
    """Inside ``record()`` (the hybridized path: head gradients are inputs), windows whose
    maximum is negative, zero or NaN, and infinite head gradients: relu's 0 * inf = NaN
    lands where eager mode puts it."""
    x = onp.array([[[[-1., -2., 0., -0.], [-3., -4., -0., 0.], [onp.nan, 1., 2., -5.],
                     [-1., 3., onp.inf, -onp.inf]]]])
    head = onp.array([[[[onp.inf, -onp.inf], [onp.nan, 2.]]]], dtype='float32')

    def fn(x):
        return npx.pooling(npx.relu(x), kernel=(2, 2), stride=(2, 2), pool_type='max')

    def run(f):
        a = marked(x)
        with autograd.record():
            y = f(a)
        y.backward(np.array(head))
        return y.asnumpy(), a.grad.asnumpy()
    cf = autograd.compile(fn)
    run(cf)
    got = run(cf)
    assert cf.compiled and 'relu_pooling' in _opaque_names(cf)
    want = run(fn)
    for a, b in zip(got, want):
        onp.testing.assert_array_equal(a, b)
    assert onp.isnan(got[1]).any()       # (the case the check is about)


def test_w6_compiled_step_runs_no_relu_loop_over_the_conv_activations():
    from benchmarks.workloads import w6_lenet as W
    data = W.make_data('small')
    step = W.setup_autodiff_compile(data)
    step()
    out = step()
    cf = step.compiled
    assert cf.compiled
    assert _opaque_names(cf) == ['conv_relu_pooling'] * 2
    assert not _relu_loops(cf, (4, 6, 24, 24)) and not _relu_loops(cf, (4, 16, 8, 8))
    want = W.reference(data)
    for k, v in want.items():
        assert_close(out[k].asnumpy(), v, rtol=2e-5, what=k)

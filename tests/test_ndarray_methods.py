"""Every ndarray method of MXNet 1.9.1's np ndarray (autodiff/ops/fluent.py, ops/interop.py).

Forward values against NumPy (or a NumPy composition of the legacy operator's definition),
gradients of the composed legacy methods against central differences, MXNet-specific values
from the MXNet 1.9.1 oracle (``~/mxref``) where they differ from NumPy.
"""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import AxisError, ShapeError
from tests.helpers.gradcheck import check_grads
from tests.compile.helpers import assert_close, compiled_run, eager

X = onp.array([[0.3, -0.7, 1.2], [0.9, 0.4, -0.2]])
POS = onp.array([[0.3, 0.7, 1.2], [0.9, 2.4, 4.0]])
UNIT = onp.array([[0.3, -0.7, 0.2], [0.9, 0.4, -0.2]])      # inside (-1, 1)
ABOVE1 = POS + 1.0

# method name, its NumPy reference, the input (float64)
ELEMENTWISE = [
    ('abs', onp.abs, X), ('sign', onp.sign, X), ('exp', onp.exp, X), ('expm1', onp.expm1, X),
    ('log', onp.log, POS), ('log10', onp.log10, POS), ('log2', onp.log2, POS),
    ('log1p', onp.log1p, POS), ('sqrt', onp.sqrt, POS), ('cbrt', onp.cbrt, X),
    ('square', onp.square, X), ('reciprocal', onp.reciprocal, X), ('sin', onp.sin, X),
    ('cos', onp.cos, X), ('tan', onp.tan, X), ('arcsin', onp.arcsin, UNIT),
    ('arccos', onp.arccos, UNIT), ('arctan', onp.arctan, X), ('sinh', onp.sinh, X),
    ('cosh', onp.cosh, X), ('tanh', onp.tanh, X), ('arcsinh', onp.arcsinh, X),
    ('arccosh', onp.arccosh, ABOVE1), ('arctanh', onp.arctanh, UNIT),
    ('floor', onp.floor, X * 3), ('ceil', onp.ceil, X * 3), ('rint', onp.rint, X * 3),
    ('round', onp.round, X * 3),
    ('relu', lambda a: onp.maximum(a, 0), X), ('sigmoid', lambda a: 1 / (1 + onp.exp(-a)), X),
    ('rsqrt', lambda a: 1 / onp.sqrt(a), POS), ('rcbrt', lambda a: 1 / onp.cbrt(a), POS),
]


@pytest.mark.parametrize('name,ref,data', ELEMENTWISE, ids=[r[0] for r in ELEMENTWISE])
def test_elementwise_method_matches_numpy(name, ref, data):
    got = getattr(np.array(data, dtype='float64'), name)()
    onp.testing.assert_allclose(got.asnumpy(), ref(data), rtol=1e-12, atol=1e-15)


def test_elementwise_method_out_writes_into_the_array():
    x, out = np.array(X), np.zeros((2, 3))
    assert x.exp(out=out) is out
    onp.testing.assert_allclose(out.asnumpy(), onp.exp(X).astype('float32'), rtol=1e-6)
    with pytest.raises(NotImplementedError, match='decimals=2'):
        x.round(decimals=2)


def test_rint_rounds_halves_to_even():
    # MXNet 1.9.1 gives [0, 1, 2, -1] here (halves rounded down, a known defect): follow NumPy
    x = np.array([0.5, 1.5, 2.5, -0.5])
    onp.testing.assert_array_equal(x.rint().asnumpy(), [0., 2., 2., -0.])


LEGACY = [
    ('rsqrt', lambda x: x.rsqrt(), POS),
    ('rcbrt', lambda x: x.rcbrt(), POS),
    ('softmin', lambda x: x.softmin(axis=0), X),
    ('nansum', lambda x: x.nansum(axis=1), X),
    ('nanprod', lambda x: x.nanprod(axis=0, keepdims=True), X),
    ('broadcast_axes', lambda x: x[:1].broadcast_axes(axis=0, size=3), X),
    ('broadcast_like', lambda x: x[:1].broadcast_like(np.zeros((4, 3))), X),
    ('slice_axis', lambda x: x.slice_axis(1, 1, None), X),
    ('slice_like', lambda x: x.slice_like(np.zeros((1, 2)), axes=(1,)), X),
    ('reshape_view', lambda x: x.reshape_view(-1) * 2, X),
    ('split_v2', lambda x: x.split_v2(2, axis=0, squeeze_axis=True), X),
]


@pytest.mark.parametrize('method,fn,data', LEGACY, ids=[r[0] for r in LEGACY])
def test_legacy_method_gradients(method, fn, data):
    check_grads(fn, data)


def test_legacy_method_values():
    x = np.array(X, dtype='float64')
    onp.testing.assert_allclose(x.softmin(axis=-1).asnumpy(),
                                onp.exp(-X) / onp.exp(-X).sum(-1, keepdims=True), rtol=1e-12)
    nan = np.array([[1., onp.nan], [2., 3.]])
    # oracle: mx.nd.nansum(a, axis=1) -> [1, 5]; mx.nd.nanprod(a) -> 6 (legacy shape (1,);
    # numpy mode gives a 0-d array)
    onp.testing.assert_array_equal(nan.nansum(axis=1).asnumpy(), [1., 5.])
    assert nan.nanprod().shape == () and float(nan.nanprod()) == 6.0
    v = np.array([2., onp.nan, 3.])
    v.attach_grad()
    with autograd.record():
        p = v.nanprod()
    p.backward()
    assert v.grad.tolist() == [3., 0., 2.]            # a NaN's gradient is zero
    # oracle: mx.nd.argmax_channel([[0, 1, 2], [3, 4, 5]]) -> [2., 2.] (float32)
    ac = np.array([[0, 1, 2], [3, 9, 5]]).argmax_channel()
    assert ac.dtype == onp.float32 and ac.tolist() == [2.0, 1.0]
    assert np.ones((1, 3, 1)).broadcast_axes(axis=(0, 2), size=(2, 4)).shape == (2, 3, 4)
    like = np.ones((1, 3)).broadcast_like(np.ones((5, 7)), lhs_axes=(0,), rhs_axes=(1,))
    assert like.shape == (7, 3)
    assert np.ones((4, 5, 6)).slice_like(np.ones((2, 3, 4)), axes=(0, 2)).shape == (2, 5, 4)
    assert np.ones((4, 5, 6)).slice_like(np.ones((2, 3, 4))).shape == (2, 3, 4)
    a = onp.arange(12.).reshape(3, 4)
    onp.testing.assert_array_equal(np.array(a).slice_axis(axis=1, begin=1, end=None).asnumpy(),
                                   a[:, 1:])
    assert np.ones((2, 3)).size_array().tolist() == [6]
    assert np.ones((2, 3)).size_array().dtype == onp.int64
    parts = np.ones((3, 2)).split_v2(3, squeeze_axis=True)
    assert [p.shape for p in parts] == [(2,)] * 3


def test_depth_to_space_and_space_to_depth():
    # the reference is the legacy operator's definition (DCR), checked against
    # mx.nd.depth_to_space / space_to_depth on the MXNet 1.9.1 oracle
    a = onp.arange(2 * 8 * 2 * 3, dtype='float64').reshape(2, 8, 2, 3)
    want = a.reshape(2, 2, 2, 2, 2, 3).transpose(0, 3, 4, 1, 5, 2).reshape(2, 2, 4, 6)
    got = np.array(a).depth_to_space(2)
    onp.testing.assert_array_equal(got.asnumpy(), want)
    onp.testing.assert_array_equal(got.space_to_depth(2).asnumpy(), a)     # the inverse
    check_grads(lambda x: x.depth_to_space(2), a[:1, :4, :1, :2])
    with pytest.raises(ShapeError, match='multiple of block_size'):
        np.ones((1, 3, 2, 2)).depth_to_space(2)
    with pytest.raises(ShapeError, match='4-D'):
        np.ones((3, 2, 2)).space_to_depth(2)
    with pytest.raises(ValueError, match='block_size must be a positive int'):
        np.ones((1, 4, 2, 2)).space_to_depth(0)


def test_second_order_through_a_composed_method():
    x = np.array([0.5, 2.0], dtype='float64')
    x.attach_grad()
    with autograd.record():
        y = x.rsqrt()
        (g,) = autograd.grad(y, [x], create_graph=True)
    g.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), 0.75 * onp.array([0.5, 2.0]) ** -2.5,
                                rtol=1e-12)


def test_compiled_gradient_matches_eager_for_the_methods():
    def fn(x):
        return (x.rsqrt().softmin(axis=-1) * x.exp()).nansum()
    want_y, want_g = eager(fn, POS)
    got_y, got_g = compiled_run(autograd.compile(fn), POS)
    assert_close(got_y, want_y)
    assert_close(got_g[0], want_g[0])


def test_numpy_mode_methods_forward_to_their_functions():
    a = onp.arange(6.).reshape(2, 3)
    x = np.array(a)
    onp.testing.assert_array_equal(x.flip(1).asnumpy(), a[:, ::-1])
    onp.testing.assert_array_equal(x[:1].broadcast_to((3, 3)).asnumpy(),
                                   onp.broadcast_to(a[:1], (3, 3)))
    assert [p.shape for p in x.split(3, axis=1)] == [(2, 1)] * 3
    assert x.zeros_like().tolist() == [[0.] * 3] * 2 and x.ones_like().dtype == onp.float64
    onp.testing.assert_allclose(x.softmax().asnumpy(), npx.softmax(x).asnumpy())
    onp.testing.assert_allclose(x.log_softmax(axis=0).asnumpy(),
                                a - onp.log(onp.exp(a).sum(0)), rtol=1e-6)
    assert x.pick(np.array([0, 2]), axis=1).tolist() == [0.0, 5.0]
    assert x.topk(k=1).tolist() == [[2.0], [2.0]]
    assert np.array([0, 2]).one_hot(3).tolist() == [[1., 0., 0.], [0., 0., 1.]]
    assert x.slice((0, 1), (2, 3)).tolist() == [[1., 2.], [4., 5.]]
    assert x.reshape_like(np.zeros((3, 2))).shape == (3, 2)
    assert x.shape_array().tolist() == [2, 3]


def test_slice_assign_writes_in_place():
    # MXNet 1.9.1's docstring example (and the oracle agrees)
    x = np.ones((2, 2, 2))
    y = x.slice_assign(np.zeros((1, 1, 2)), (0, 0, None), (1, 1, None), (None, None, None))
    assert y is x
    assert x.tolist() == [[[0., 0.], [1., 1.]], [[1., 1.], [1., 1.]]]
    x.slice_assign_scalar(5, (1,), (2,), ())
    assert x[1].tolist() == [[5., 5.], [5., 5.]] and x[0, 1].tolist() == [1., 1.]
    with pytest.raises(ValueError, match='same length'):
        x.slice_assign_scalar(1, (0, 0), (1,), ())
    with pytest.raises(TypeError, match='must be a number'):
        x.slice_assign_scalar(np.ones(2), (0,), (1,), ())


def test_reshape_view_shares_memory_and_takes_the_legacy_codes():
    x = np.zeros((2, 3, 4))
    v = x.reshape_view(0, -1)
    assert v.shape == (2, 12)
    v[0] = 7                                           # a view: the write shows in x
    assert float(x[0, 2, 3]) == 7
    # shapes from the MXNet 1.9.1 oracle's legacy NDArray.reshape
    assert x.reshape_view(-2).shape == (2, 3, 4)
    assert x.reshape_view(-3, 4).shape == (6, 4)
    assert x.reshape_view(2, -4, 1, 3, 4).shape == (2, 1, 3, 4)
    assert x.reshape_view((0, 0, -4, 2, -1)).shape == (2, 3, 2, 2)
    with pytest.raises(TypeError, match='give the new shape'):
        x.reshape_view()


def test_legacy_methods_bad_input():
    x = np.ones((2, 3))
    with pytest.raises(ShapeError, match='only length-1 axes'):
        x.broadcast_axes(axis=1, size=4)
    with pytest.raises(ValueError, match='same length'):
        x[:1].broadcast_axes(axis=(0,), size=(2, 3))
    with pytest.raises(AxisError):
        x.slice_axis(2, 0, 1)
    with pytest.raises(ShapeError, match='longer'):
        x.slice_like(np.ones((3, 3)))
    with pytest.raises(ShapeError, match='squeeze_axis'):
        np.ones((4, 2)).split_v2(2, squeeze_axis=True)


# ---- forwarded to the np functions ---------------------------------------------------------
_M = onp.array([[3.0, -1.25, 2.5], [0.0, 5.5, -4.0]])
FORWARDED = [
    ('all', (), lambda a: onp.all(a)), ('any', (), lambda a: onp.any(a)),
    ('cumsum', (1,), lambda a: onp.cumsum(a, 1)), ('std', (0,), lambda a: onp.std(a, 0)),
    ('var', (None,), lambda a: onp.var(a)), ('sort', (1,), lambda a: onp.sort(a, 1)),
    ('argsort', (0,), lambda a: onp.argsort(a, 0)), ('trunc', (), onp.trunc),
    ('fix', (), onp.fix), ('degrees', (), onp.degrees), ('radians', (), onp.radians),
    ('norm', (), onp.linalg.norm),
]


@pytest.mark.parametrize('name, args, ref', FORWARDED, ids=[f[0] for f in FORWARDED])
def test_forwarded_methods_give_the_np_functions_values(name, args, ref):
    x = np.array(_M, dtype='float64')
    onp.testing.assert_allclose(getattr(x, name)(*args).asnumpy(), ref(_M), rtol=1e-12)


def test_forwarded_methods_nonzero_and_their_gradients():
    x = np.array(_M)
    got = x.nonzero()
    for g, want in zip(got, onp.nonzero(_M)):
        assert g.asnumpy().tolist() == want.tolist()
    onp.testing.assert_allclose(x.std(axis=0, ddof=1, keepdims=True).asnumpy(),
                                onp.std(_M, 0, ddof=1, keepdims=True), rtol=1e-6)
    onp.testing.assert_allclose(x.norm(ord=1).asnumpy(), onp.linalg.norm(_M, 1), rtol=1e-6)
    check_grads(lambda a: a.std(axis=1, ddof=1) + a.cumsum(axis=0).sum() + a.norm(), _M)




def test_take_diag_pad_methods_compute_as_numpy():
    # np.diag / np.take / np.pad (ops/matrix.py, ops/select.py, ops/rearrange.py)
    a = onp.arange(1., 7.).reshape(2, 3)
    x = np.array(a, dtype='float64')
    onp.testing.assert_array_equal(x.diag(k=1).asnumpy(), onp.diag(a, k=1))
    onp.testing.assert_array_equal(x.take(np.array([0, 4])).asnumpy(), a.take([0, 4]))
    onp.testing.assert_array_equal(x.take(np.array([7]), mode='wrap').asnumpy(),
                                   a.take([7], mode='wrap'))
    onp.testing.assert_array_equal(x.pad(((1, 0), (0, 2))).asnumpy(), onp.pad(a, ((1, 0), (0, 2))))
    check_grads(lambda v: v.take(np.array([2, 0, 2]), axis=1), a)
    check_grads(lambda v: v.pad(((0, 1), (1, 1))).diag(), a)

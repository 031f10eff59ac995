"""Dense and index-style ``npx`` ops: fully_connected, batch_dot, batch_flatten, embedding,
pick, topk, gather_nd, sequence_mask, one_hot, nonzero, reshape (special codes),
reshape_like, slice, cast, arange_like, shape_array.

Forward values against NumPy references (and torch where installed), gradients against
central differences in float64, MXNet-specific results written down from MXNet 1.9.1.
"""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.errors import AxisError, DTypeError, ShapeError
from helpers import check_grads


def R(shape, seed=0, lo=-2.0, hi=2.0):
    return onp.random.default_rng(seed).uniform(lo, hi, shape)


def ints(values):
    return np.array(onp.asarray(values, onp.int64))


# ---- fully_connected, batch_dot, batch_flatten -------------------------------------------------
def test_fully_connected_forward_and_gradients():
    x, w, b = R((2, 3, 4)), R((5, 12), 1), R((5,), 2)
    y = npx.fully_connected(np.array(x), np.array(w), np.array(b), num_hidden=5)
    onp.testing.assert_allclose(y.asnumpy(), x.reshape(2, 12) @ w.T + b, rtol=1e-12)
    y = npx.fully_connected(np.array(x), np.array(w[:, :4]), None, num_hidden=5,
                            no_bias=True, flatten=False)
    assert y.shape == (2, 3, 5)
    onp.testing.assert_allclose(y.asnumpy(), x @ w[:, :4].T, rtol=1e-12)
    check_grads(lambda x, w, b: npx.fully_connected(x, w, b, num_hidden=5), x, w, b)
    check_grads(lambda x, w: npx.fully_connected(x, w, num_hidden=5, no_bias=True,
                                                 flatten=False), x, w[:, :4])
    # a 1-D input is a batch of one-unit rows (MXNet 1.9.1 infers weight (num_hidden, 1))
    assert npx.fully_connected(np.ones(7), np.ones((5, 1)), np.zeros(5), num_hidden=5).shape \
        == (7, 5)


def test_fully_connected_against_torch():
    torch = pytest.importorskip('torch')
    x, w, b = R((3, 4)), R((2, 4), 1), R((2,), 2)
    y = npx.fully_connected(np.array(x), np.array(w), np.array(b), num_hidden=2)
    want = torch.nn.functional.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b))
    onp.testing.assert_allclose(y.asnumpy(), want.numpy(), rtol=1e-12)


def test_fully_connected_bad_input():
    x = np.ones((2, 3, 4))
    with pytest.raises(ShapeError, match=r'weight must have shape \(num_hidden, in_units\) = '
                                         r'\(4, 12\)'):
        npx.fully_connected(x, np.ones((5, 12)), np.zeros(4), num_hidden=4)
    with pytest.raises(TypeError, match='bias is required unless no_bias=True'):
        npx.fully_connected(x, np.ones((5, 12)), num_hidden=5)
    with pytest.raises(ShapeError, match=r'bias must have shape \(5,\)'):
        npx.fully_connected(x, np.ones((5, 12)), np.zeros(4), num_hidden=5)
    with pytest.raises(ValueError, match='num_hidden must be a positive int'):
        npx.fully_connected(x, np.ones((5, 12)), np.zeros(5))


@pytest.mark.parametrize('ta,tb', [(False, False), (True, False), (False, True), (True, True)])
def test_batch_dot(ta, tb):
    a = R((2, 3, 4, 5) if not ta else (2, 3, 5, 4))
    b = R((2, 3, 5, 6) if not tb else (2, 3, 6, 5), 1)
    y = npx.batch_dot(np.array(a), np.array(b), transpose_a=ta, transpose_b=tb)
    A = a.swapaxes(-1, -2) if ta else a
    B = b.swapaxes(-1, -2) if tb else b
    onp.testing.assert_allclose(y.asnumpy(), A @ B, rtol=1e-12)
    check_grads(lambda a, b: npx.batch_dot(a, b, transpose_a=ta, transpose_b=tb), a, b)


def test_batch_dot_bad_input():
    with pytest.raises(ShapeError, match='N >= 3'):
        npx.batch_dot(np.ones((3, 4)), np.ones((4, 5)))
    with pytest.raises(ShapeError, match='leading batch axes must be equal'):
        npx.batch_dot(np.ones((2, 3, 4)), np.ones((1, 4, 5)))
    with pytest.raises(ShapeError, match='not aligned'):
        npx.batch_dot(np.ones((2, 3, 4)), np.ones((2, 5, 4)))
    with pytest.raises(DTypeError, match='same dtype'):
        npx.batch_dot(np.ones((1, 2, 2)), np.ones((1, 2, 2), dtype='float64'))


def test_batch_flatten():
    x = R((2, 3, 4))
    onp.testing.assert_array_equal(npx.batch_flatten(np.array(x)).asnumpy(), x.reshape(2, 12))
    assert npx.batch_flatten(np.ones(2)).shape == (2, 1)          # MXNet 1.9.1
    check_grads(lambda x: npx.batch_flatten(x) ** 2, x)
    with pytest.raises(ShapeError):
        npx.batch_flatten(np.array(3.0))


# ---- embedding -----------------------------------------------------------------------------------
def test_embedding_forward_clipping_and_gradient_accumulation():
    """MXNet 1.9.1: indices are truncated and clipped to [0, input_dim - 1]; repeated indices
    accumulate in the weight's gradient."""
    w = np.array(onp.arange(20).reshape(4, 5).astype('float32'))
    y = npx.embedding(np.array([[1, 3], [0, 7]]), w, 4, 5)
    onp.testing.assert_array_equal(y.asnumpy(), onp.arange(20).reshape(4, 5)[[[1, 3], [0, 3]]])
    onp.testing.assert_array_equal(npx.embedding(np.array([-1., 2.7]), w, 4, 5).asnumpy(),
                                   [[0, 1, 2, 3, 4], [10, 11, 12, 13, 14]])
    w.attach_grad()
    with autograd.record():
        e = npx.embedding(np.array([1, 1, 3, 1]), w, 4, 5)
    e.backward()
    onp.testing.assert_array_equal(w.grad.asnumpy(), [[0] * 5, [3] * 5, [0] * 5, [1] * 5])


def test_embedding_gradient_central_differences_and_torch():
    idx = onp.array([[2, 0, 2], [1, 2, 2]])
    w = R((3, 4))
    check_grads(lambda w: npx.embedding(ints(idx), w, 3, 4) * 1.5, w)
    torch = pytest.importorskip('torch')
    want = torch.nn.functional.embedding(torch.tensor(idx), torch.tensor(w))
    onp.testing.assert_array_equal(npx.embedding(ints(idx), np.array(w), 3, 4).asnumpy(),
                                   want.numpy())


def test_embedding_bad_input():
    with pytest.raises(ShapeError, match=r'weight must have shape \(input_dim, output_dim\)'):
        npx.embedding(np.array([0]), np.ones((4, 5)), 5, 4)
    with pytest.raises(ValueError, match='input_dim must be a positive int'):
        npx.embedding(np.array([0]), np.ones((4, 5)), None, 5)


# ---- pick --------------------------------------------------------------------------------------
def test_pick_mxnet_values():
    """The examples of MXNet 1.9.1's pick docstring, and its clip of -1 to 0."""
    x = np.array([[1., 2], [3, 4], [5, 6]])
    onp.testing.assert_array_equal(npx.pick(x, np.array([0, 1]), 0).asnumpy(), [1, 4])
    onp.testing.assert_array_equal(npx.pick(x, np.array([0, 1, 0]), 1).asnumpy(), [1, 4, 5])
    onp.testing.assert_array_equal(npx.pick(x, np.array([2, -1, -2]), 1, mode='wrap').asnumpy(),
                                   [1, 4, 5])
    onp.testing.assert_array_equal(npx.pick(x, np.array([-1, 0, 5]), 1).asnumpy(), [1, 3, 6])
    onp.testing.assert_array_equal(
        npx.pick(x, np.array([[1], [0], [2]]), 1, keepdims=True).asnumpy(), [[2], [3], [6]])


def test_pick_against_numpy_and_gradients():
    x = R((3, 4, 5))
    idx = onp.random.default_rng(1).integers(0, 4, (3, 5))
    y = npx.pick(np.array(x), ints(idx), axis=1)
    want = onp.take_along_axis(x, idx[:, None, :], axis=1)[:, 0, :]
    onp.testing.assert_array_equal(y.asnumpy(), want)
    check_grads(lambda x: npx.pick(x, ints(idx), axis=1), x)


def test_pick_bad_input():
    x = np.ones((3, 2))
    with pytest.raises(ShapeError, match=r'index must have shape \(3,\)'):
        npx.pick(x, np.array([0, 1]), 1)
    with pytest.raises(ValueError, match='axis=None is not supported'):
        npx.pick(x, np.array([0, 1]), None)
    with pytest.raises(ValueError, match="mode must be 'clip' or 'wrap'"):
        npx.pick(x, np.array([0, 1, 0]), 1, mode='raise')
    with pytest.raises(AxisError):
        npx.pick(x, np.array([0, 1, 0]), 2)


# ---- topk --------------------------------------------------------------------------------------
def test_topk_mxnet_values_and_dtypes():
    """MXNet 1.9.1: indices are float32 by default; ties keep the lower index first."""
    x = np.array([[0.3, 0.2, 0.4], [0.1, 0.3, 0.2]])
    i = npx.topk(x)
    assert i.dtype == onp.float32
    onp.testing.assert_array_equal(i.asnumpy(), [[2], [1]])
    onp.testing.assert_allclose(npx.topk(x, ret_typ='value', k=2).asnumpy(),
                                [[0.4, 0.3], [0.3, 0.2]], rtol=1e-7)
    onp.testing.assert_allclose(npx.topk(x, ret_typ='value', k=2, is_ascend=True).asnumpy(),
                                [[0.2, 0.3], [0.1, 0.2]], rtol=1e-7)
    onp.testing.assert_allclose(npx.topk(x, axis=0, ret_typ='value', k=2).asnumpy(),
                                [[0.3, 0.3, 0.4], [0.1, 0.2, 0.2]], rtol=1e-7)
    v, i = npx.topk(x, ret_typ='both', k=2)
    onp.testing.assert_array_equal(i.asnumpy(), [[2, 0], [1, 2]])
    assert npx.topk(x, k=2, dtype='int32').dtype == onp.int32
    v, i = npx.topk(np.array([1., 3, 3, 2, 3]), k=3, ret_typ='both')
    onp.testing.assert_array_equal(i.asnumpy(), [1, 2, 4])
    v, i = npx.topk(np.array([1., 3, 3, 2, 3]), k=3, ret_typ='both', is_ascend=True)
    onp.testing.assert_array_equal(i.asnumpy(), [0, 3, 1])
    m = npx.topk(x, ret_typ='mask', k=2)
    assert m.dtype == onp.float32
    onp.testing.assert_array_equal(m.asnumpy(), [[1, 0, 1], [0, 1, 1]])
    # axis=None: flat indices; k < 1 sorts the whole axis
    v, i = npx.topk(x, axis=None, k=3, ret_typ='both')
    onp.testing.assert_array_equal(i.asnumpy(), [2, 0, 4])
    assert npx.topk(x, k=0, ret_typ='value').shape == (2, 3)


def test_topk_against_numpy_torch_and_gradients():
    x = R((4, 6))
    v = npx.topk(np.array(x), k=3, ret_typ='value')
    onp.testing.assert_array_equal(v.asnumpy(), -onp.sort(-x, axis=-1)[:, :3])
    check_grads(lambda x: npx.topk(x, k=3, axis=0, ret_typ='value'), x)
    torch = pytest.importorskip('torch')
    tv, ti = torch.topk(torch.tensor(x), 3, dim=1)
    v, i = npx.topk(np.array(x), k=3, ret_typ='both', axis=1)
    onp.testing.assert_array_equal(v.asnumpy(), tv.numpy())
    onp.testing.assert_array_equal(i.asnumpy(), ti.numpy())


def test_topk_bad_input():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match='ret_typ must be one of'):
        npx.topk(x, ret_typ='values')
    with pytest.raises(ValueError, match='k=4 is larger than the length 3'):
        npx.topk(x, k=4)
    with pytest.raises(AxisError):
        npx.topk(x, axis=2)


# ---- gather_nd ---------------------------------------------------------------------------------
def test_gather_nd_mxnet_values_and_gradient():
    onp.testing.assert_array_equal(
        npx.gather_nd(np.array([[0, 1], [2, 3]]), np.array([[1, 1, 0], [0, 1, 0]])).asnumpy(),
        [2, 3, 0])
    onp.testing.assert_array_equal(
        npx.gather_nd(np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]),
                      np.array([[0, 1], [1, 0]])).asnumpy(), [[3, 4], [5, 6]])
    # MXNet 1.9.1: negative indices count from the end; repeats accumulate in the gradient
    onp.testing.assert_array_equal(
        npx.gather_nd(np.array([[0, 1], [2, 3]]), np.array([[-1], [0]])).asnumpy(), [2])
    a = np.array(onp.arange(6).astype('float32'))
    a.attach_grad()
    with autograd.record():
        y = npx.gather_nd(a, np.array([[1, 1, 4]]))
    y.backward()
    onp.testing.assert_array_equal(a.grad.asnumpy(), [0, 2, 0, 0, 1, 0])
    idx = onp.array([[0, 2, 2], [1, 0, 1]])
    check_grads(lambda x: npx.gather_nd(x, ints(idx)), R((3, 2, 4)))


def test_gather_nd_bad_input():
    with pytest.raises(ShapeError, match='larger than data'):
        npx.gather_nd(np.ones((2, 2)), np.zeros((3, 1)))
    with pytest.raises(IndexError, match=r'indices\[0\] holds values out of range'):
        npx.gather_nd(np.ones((2, 2)), np.array([[2]]))


# ---- sequence_mask -----------------------------------------------------------------------------
def test_sequence_mask_mxnet_values():
    x = np.array(onp.arange(24).reshape(3, 2, 4).astype('float32'))
    y = npx.sequence_mask(x, np.array([1, 3]), use_sequence_length=True, value=-1)
    want = onp.arange(24).reshape(3, 2, 4).astype('float32')
    want[1:, 0] = -1
    onp.testing.assert_array_equal(y.asnumpy(), want)
    y = npx.sequence_mask(x.reshape(2, 3, 4), np.array([1, 2]), use_sequence_length=True,
                          axis=1)
    want = onp.arange(24).reshape(2, 3, 4).astype('float32')
    want[0, 1:] = 0
    want[1, 2:] = 0
    onp.testing.assert_array_equal(y.asnumpy(), want)
    same = npx.sequence_mask(x)                               # no lengths: identity,
    assert same is not x                                      # as a new array (MXNet 1.9.1)
    onp.testing.assert_array_equal(same.asnumpy(), x.asnumpy())
    # MXNet 1.9.1: a length of 0 masks everything, lengths beyond T keep everything,
    # fractional lengths are truncated
    onp.testing.assert_array_equal(
        npx.sequence_mask(np.ones((3, 2)), np.array([0, 5]), use_sequence_length=True)
        .asnumpy(), [[0, 1], [0, 1], [0, 1]])
    onp.testing.assert_array_equal(
        npx.sequence_mask(np.ones((3, 2)), np.array([1.5, 2.2]), use_sequence_length=True)
        .asnumpy(), [[1, 1], [0, 1], [0, 0]])


def test_sequence_mask_gradient():
    check_grads(lambda x: npx.sequence_mask(x, np.array([2, 1, 3]), use_sequence_length=True,
                                            value=4.0, axis=1), R((3, 4, 2)))


def test_sequence_mask_bad_input():
    with pytest.raises(ValueError, match='axis must be 0 or 1'):
        npx.sequence_mask(np.ones((2, 3)), np.array([1, 2]), use_sequence_length=True, axis=2)
    with pytest.raises(ShapeError, match=r'sequence_length must have shape \(3,\)'):
        npx.sequence_mask(np.ones((2, 3)), np.array([1, 2]), use_sequence_length=True)
    with pytest.raises(TypeError, match='sequence_length is required'):
        npx.sequence_mask(np.ones((2, 3)), use_sequence_length=True)


# ---- one_hot and nonzero -------------------------------------------------------------------------
def test_one_hot():
    y = npx.one_hot(np.array([1, 0, 2, -1, 5]), 3)          # MXNet 1.9.1: out of range -> zeros
    assert y.dtype == onp.float32
    onp.testing.assert_array_equal(y.asnumpy(), [[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 0, 0],
                                                 [0, 0, 0]])
    y = npx.one_hot(np.array([1, 0]), 3, on_value=8, off_value=1, dtype='int32')
    assert y.dtype == onp.int32
    onp.testing.assert_array_equal(y.asnumpy(), [[1, 8, 1], [8, 1, 1]])
    idx = onp.array([[1, 0], [2, 2]])
    onp.testing.assert_array_equal(npx.one_hot(ints(idx), 3).asnumpy(), onp.eye(3)[idx])
    with pytest.raises(ValueError, match='depth must be a non-negative int'):
        npx.one_hot(np.array([1]), -2)


def test_nonzero():
    x = np.array([[3, 0, 0], [0, 4, 0], [5, 6, 0]])
    y = npx.nonzero(x)
    assert y.dtype == onp.int64
    onp.testing.assert_array_equal(y.asnumpy(), [[0, 0], [1, 1], [2, 0], [2, 1]])
    assert npx.nonzero(np.array([0., 0])).shape == (0, 1)
    r = R((3, 4, 2)) > 0.5
    onp.testing.assert_array_equal(npx.nonzero(np.array(r)).asnumpy(),
                                   onp.transpose(onp.nonzero(r)))


# ---- reshape and reshape_like --------------------------------------------------------------------
RESHAPES = [  # (shape, codes, reverse, MXNet 1.9.1's result)
    ((2, 3, 8), (-2, -2, 2, -1), False, (2, 3, 2, 4)),
    ((8, 3, 3, 3, 4, 4), (-6, 2, -1, -4), False, (2, 4, 3, 3, 3, 4, 4)),
    ((8, 3, 3, 3, 4, 4), (-5, -4), False, (24, 3, 3, 4, 4)),
    ((8, 1, 1, 1, 3), (-2, -3, -3, -3, -2), False, (8, 3)),
    ((8, 3, 3, 3, 3, 8), (-4, -5), True, (8, 3, 3, 3, 24)),
    ((8, 3, 2, 4, 8), (-4, -1, 2, -6), True, (8, 3, 2, 4, 4, 2)),
    ((2, 3, 4), (-1,), False, (24,)),
    ((2, 3, 4), (4, -1), False, (4, 6)),
    ((2, 3, 4), (-2, -1), True, (3, 8)),
    ((2, 3, 4), (-6, -1, 1, -4), False, (2, 1, 3, 4)),
    ((1, 3, 4), (-3, -4), False, (3, 4)),
    ((2, 3, 4), (-1, -4), False, (2, 3, 4)),
    ((2, 3, 4), (-5, -2), False, (6, 4)),
    ((2, 3, 4), (-2, -5), False, (2, 12)),
]


@pytest.mark.parametrize('shape,codes,reverse,want', RESHAPES, ids=str)
def test_reshape_codes_mxnet_values(shape, codes, reverse, want):
    x = onp.arange(onp.prod(shape), dtype=onp.float64).reshape(shape)
    y = npx.reshape(np.array(x), codes, reverse=reverse)
    assert y.shape == want
    onp.testing.assert_array_equal(y.asnumpy(), x.reshape(want))


def test_reshape_gradient_and_errors():
    check_grads(lambda x: npx.reshape(x, (-5, -1)) ** 2, R((2, 3, 4)))
    for shape, codes, message in [((2, 3, 4), (0, -1), 'no integer length'),     # MXNet errors
                                  ((2, 1, 4), (-3, -2, -2), 'only axes of length 1'),
                                  ((2, 3, 4), (6, -4), 'size 24 does not match'),
                                  ((2, 3, 4), (-1, -1), 'only one axis'),
                                  ((2, 3, 4), (-7,), 'below -6')]:
        with pytest.raises(ShapeError, match=message):
            npx.reshape(np.ones(shape), codes)


def test_reshape_like_mxnet_values():
    assert npx.reshape_like(np.ones((30, 7)), np.ones((15, 2, 4)), lhs_begin=0, lhs_end=1,
                            rhs_begin=0, rhs_end=2).shape == (15, 2, 7)
    assert npx.reshape_like(np.ones((3, 5)), np.ones((1, 15, 4)), lhs_begin=0, lhs_end=2,
                            rhs_begin=1, rhs_end=2).shape == (15,)
    assert npx.reshape_like(np.ones((30, 12)), np.ones((4, 2, 2, 3)), lhs_begin=-1,
                            lhs_end=None, rhs_begin=1, rhs_end=None).shape == (30, 2, 2, 3)
    x = onp.arange(6.)
    onp.testing.assert_array_equal(npx.reshape_like(np.array(x), np.ones((3, 2))).asnumpy(),
                                   x.reshape(3, 2))
    check_grads(lambda x: npx.reshape_like(x, np.ones((3, 2))) ** 2, x)
    with pytest.raises(ShapeError, match='cannot reshape lhs'):
        npx.reshape_like(np.ones(6), np.ones((4, 2)))


# ---- slice ---------------------------------------------------------------------------------------
def test_slice_mxnet_values_and_gradient():
    x = onp.arange(1, 13, dtype=onp.float64).reshape(3, 4)
    onp.testing.assert_array_equal(npx.slice(np.array(x), begin=(0, 1), end=(2, 4)).asnumpy(),
                                   [[2, 3, 4], [6, 7, 8]])
    onp.testing.assert_array_equal(
        npx.slice(np.array(x), begin=(None, 0), end=(None, 3), step=(-1, 2)).asnumpy(),
        [[9, 11], [5, 7], [1, 3]])
    xx = np.ones((2, 3, 4))
    # MXNet 1.9.1: out-of-range bounds are clipped, begin > end gives an empty axis
    assert npx.slice(xx, (0,), (5,)).shape == (2, 3, 4)
    assert npx.slice(xx, (1,), (0,)).shape == (0, 3, 4)
    assert npx.slice(xx, (-5,), (2,)).shape == (2, 3, 4)
    check_grads(lambda x: npx.slice(x, (1, None), (None, 0), (1, -2)) ** 2, R((3, 4)))
    with pytest.raises(ValueError, match='begin and end must have the same length'):
        npx.slice(xx, (0, 1), (1,))
    with pytest.raises(ValueError, match='step must not be 0'):
        npx.slice(xx, (0,), (1,), (0,))


# ---- cast, arange_like, shape_array --------------------------------------------------------------
def test_cast_mxnet_values_and_gradient():
    onp.testing.assert_array_equal(npx.cast(np.array([0.9, 1.3, -1.7]), 'int32').asnumpy(),
                                   [0, 1, -1])
    onp.testing.assert_array_equal(
        npx.cast(np.array([300, 11.1, 10.9, -1, -3]), dtype='uint8').asnumpy(),
        [44, 11, 10, 255, 253])
    c = np.array([1.5, 2.5])
    c.attach_grad()
    with autograd.record():
        y = npx.cast(c, 'float64') * 2
    y.backward()
    assert c.grad.dtype == onp.float32                       # cast back, as MXNet 1.9.1
    onp.testing.assert_array_equal(c.grad.asnumpy(), [2, 2])
    with pytest.raises(Exception, match='dtype'):
        npx.cast(c, 'complex-ish')


def test_arange_like_mxnet_values():
    x = np.ones((3, 4))
    onp.testing.assert_array_equal(npx.arange_like(x).asnumpy(), onp.arange(12).reshape(3, 4))
    onp.testing.assert_array_equal(npx.arange_like(x, start=2, step=0.5, axis=-1).asnumpy(),
                                   [2, 2.5, 3, 3.5])
    onp.testing.assert_array_equal(npx.arange_like(x, repeat=2, axis=0).asnumpy(), [0, 0, 1])
    assert npx.arange_like(np.array(onp.ones(3, 'int32'))).dtype == onp.int32
    with pytest.raises(ValueError, match='repeat must be a positive int'):
        npx.arange_like(x, repeat=0)


def test_shape_array():
    y = npx.shape_array(np.ones((3, 4)))
    assert y.dtype == onp.int64
    onp.testing.assert_array_equal(y.asnumpy(), [3, 4])
    assert npx.shape_array(np.array(3.0)).shape == (0,)

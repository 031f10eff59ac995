"""Second order for every differentiable op, third order for elementwise ops and the
arithmetic/linear-algebra/reduction core: ``autograd.grad(create_graph=True)`` checked
against central differences of the lower-order derivative in float64 (see ``nth.py``).
"""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.ops import conv, indexing, pool, special, unary, norm, dense, detection
from autodiff.ops import conv_pool, cumulative
from autodiff.ops import softmax_ce
from autodiff.ops import random_ops
from autodiff.ops.core import registered_ops

from helpers import optable

from .nth import check_nth_order


def U(shape, low, high, seed=1):
    """Uniform draws in [low, high)."""
    return onp.random.default_rng(seed).uniform(low, high, shape)


def AWAY(shape, low, high, seed=1):
    """Uniform magnitudes in [low, high) with random signs (keeps away from 0)."""
    r = onp.random.default_rng(seed)
    return r.uniform(low, high, shape) * r.choice([-1.0, 1.0], shape)


S = (2, 3)
# name -> (f, inputs).  Domains keep away from kinks, poles and jumps.  The elementwise rows
# come from the op tables (tests/helpers/optable.py): a new row there is tested here too.
UNARY = {u.name: (u.fn, [u.points(S, seed=1)]) for u in optable.UNARY}

A, B = U(S, -2, 2, 1), AWAY(S, .5, 2, 2)
CLIPPED = onp.array([[-1.2, -.3, .1], [.4, .9, -.7]])     # inside and outside [-.5, .5]
BINARY = {row.name: (row.fn, list(row.points(S, S, seed=1))) for row in optable.BINARY}
BINARY.update({
    'add broadcast': (np.add, [U((2, 3), -2, 2), U((3,), -2, 2)]),
    'subtract broadcast': (np.subtract, [U((2, 1), -2, 2), U((1, 3), -2, 2)]),
    'multiply broadcast': (np.multiply, [U((3, 1), -2, 2), U((1, 4), -2, 2)]),
    'divide broadcast': (np.divide, [U((2, 3), -2, 2), AWAY((3,), .5, 2)]),
    'power broadcast': (np.power, [U((2, 3), .5, 2), U((2, 1), -1.5, 1.5)]),
    'where': (lambda a, b: np.where(np.array(onp.array([[1, 0, 1], [0, 0, 1]], bool)), a, b),
              [A, B]),
    'where broadcast': (lambda a, b: np.where(np.array(onp.array([True, False, True])), a, b),
                        [U((2, 3), -2, 2), U((2, 1), -2, 2)]),
    'clip': (lambda x: np.clip(x, -.5, .5), [CLIPPED]),
    'clip one side': (lambda x: np.clip(x, None, .5), [CLIPPED]),
})

P = U(S, .5, 2)
def _scalar_forms(row):
    a, b = row.points(S, S, seed=1)
    return {f'{row.name} scalar': (lambda x: row.fn(x, row.right), [a]),
            f'{row.name} scalar on the left': (lambda x: row.fn(row.left, x), [b])}


SCALAR = {k: v for row in optable.BINARY for k, v in _scalar_forms(row).items()}
SCALAR.update({
    'power integer scalar': (lambda x: x ** 3, [A]),
    'power negative scalar': (lambda x: x ** -1.5, [P]),
    'power zero scalar': (lambda x: x ** 0, [P]),
    'rpower scalar': (lambda x: 2.0 ** x, [A]),
})

X3 = U((2, 3, 4), .5, 2)
REDUCE = {
    'sum': (np.sum, [X3]),
    'sum axis': (lambda x: np.sum(x, axis=1), [X3]),
    'sum axes keepdims': (lambda x: np.sum(x, axis=(0, 2), keepdims=True), [X3]),
    'mean': (np.mean, [X3]),
    'mean axis': (lambda x: np.mean(x, axis=-1), [X3]),
    'mean axes keepdims': (lambda x: np.mean(x, axis=(0, 1), keepdims=True), [X3]),
    'max': (np.max, [X3]),
    'max axis': (lambda x: np.max(x, axis=1), [X3]),
    'min': (np.min, [X3]),
    'min axis keepdims': (lambda x: np.min(x, axis=2, keepdims=True), [X3]),
    'prod': (lambda x: np.prod(x, axis=2), [X3]),
    'prod all': (np.prod, [U(S, .5, 2)]),
    'prod with zeros': (lambda x: np.prod(x, axis=1),
                        [onp.array([[0.0, 1.5, -2.0], [0.0, 0.0, 3.0], [1.2, 0.7, -0.5]])]),
    'softmax': (npx.softmax, [U(S, -2, 2)]),
    'softmax axis 0': (lambda x: npx.softmax(x, axis=0), [U(S, -2, 2)]),
    'log_softmax': (npx.log_softmax, [U(S, -2, 2)]),
    'log_softmax axis 0': (lambda x: npx.log_softmax(x, axis=0), [U(S, -2, 2)]),
}

LINALG = {
    'matmul': (np.matmul, [U((3, 4), -1, 1), U((4, 2), -1, 1)]),
    'matmul vector vector': (np.matmul, [U((4,), -1, 1), U((4,), -1, 1)]),
    'matmul matrix vector': (np.matmul, [U((3, 4), -1, 1), U((4,), -1, 1)]),
    'matmul vector matrix': (np.matmul, [U((4,), -1, 1), U((4, 2), -1, 1)]),
    'matmul batched broadcast': (np.matmul, [U((2, 3, 4), -1, 1), U((4, 2), -1, 1)]),
    'dot': (np.dot, [U((3, 4), -1, 1), U((4, 2), -1, 1)]),
    'dot vector': (np.dot, [U((4,), -1, 1), U((4,), -1, 1)]),
    'matmul operator on squares': (lambda a, b: (a @ b) * (a @ b), [U((3, 3), -1, 1),
                                                                    U((3, 3), -1, 1)]),
}

# np.linalg (tests/ops/test_np_linalg.py has the first-order tests): well-conditioned inputs,
# distinct singular values / eigenvalues; cholesky and eigh see symmetric matrices
_SQ = U((3, 3), -1, 1, 5) + 3 * onp.eye(3)
_SPD = _SQ @ _SQ.T


def _sym(x):
    return (x + np.swapaxes(x, -1, -2)) * 0.5


NP_LINALG = {
    'inv': (np.linalg.inv, [_SQ]),
    'det': (np.linalg.det, [_SQ]),
    'det singular': (np.linalg.det, [onp.array([[1., 2, 0], [2, 4, 0], [1, 1, 1]])]),
    'slogdet': (lambda a: np.linalg.slogdet(a)[1], [_SQ]),
    'solve': (np.linalg.solve, [_SQ, U((3, 2), -1, 1, 6)]),
    'cholesky': (lambda a: np.linalg.cholesky(_sym(a)), [_SPD]),
    'svd': (lambda a: [p * p if i != 1 else p for i, p in enumerate(np.linalg.svd(a))],
            [onp.array([[2., 1, 0, 1], [1, 3, 1, 0], [0, 1, 4, 1.5]])]),
    'eigh': (lambda a: [p if i == 0 else p * p for i, p in enumerate(np.linalg.eigh(_sym(a)))],
             [_SPD]),
    'qr': (lambda a: list(np.linalg.qr(a)), [U((4, 3), -1, 1, 7)]),
    'pinv': (np.linalg.pinv, [U((3, 4), -1, 1, 8)]),
    'norm': (lambda a: np.linalg.norm(a, axis=1), [U((2, 3), -1, 1, 9)]),
}

def _setitem_cubed(v):
    """``a[1:3] = v`` into zeros, then cubed: the recorded setitem (its adjoint is getitem)."""
    a = np.zeros((4, 3), dtype=v.dtype)
    a[1:3] = v
    return a * a * a


def _setitem_broadcast(v):
    """A row broadcast into a region: the adjoint sums over the broadcast axis."""
    a = np.zeros((3, 3), dtype=v.dtype)
    a[:2] = v
    return np.sin(a) * a


SHAPE = {
    'setitem': (_setitem_cubed, [U(S, -1, 1)]),
    'setitem broadcast': (_setitem_broadcast, [U((3,), -1, 1)]),
    'reshape': (lambda x: np.reshape(x, (4, 6)) ** 2, [X3]),
    'transpose': (lambda x: np.transpose(x, (2, 0, 1)) ** 2, [X3]),
    'swapaxes': (lambda x: np.swapaxes(x, 0, 2) ** 2, [X3]),
    'expand_dims': (lambda x: np.expand_dims(x, 1) ** 2, [A]),
    'squeeze': (lambda x: np.squeeze(x, 1) ** 2, [U((2, 1, 3), -2, 2)]),
    'concatenate': (lambda a, b: np.concatenate([a * a, b], axis=1), [A, U((2, 2), -2, 2)]),
    'stack': (lambda a, b: np.stack([a * b, b], axis=1), [A, B]),
    'split': (lambda x: [p * p for p in np.split(x, 3, axis=1)], [A]),
    'split unused part': (lambda x: np.split(x, [1], axis=1)[1] ** 2, [A]),
    'broadcast_to': (lambda x: np.broadcast_to(x, (2, 2, 3)) ** 2, [U((2, 1, 3), -2, 2)]),
    'flip': (lambda x: np.flip(x, 1) ** 2, [A]),
    'tile': (lambda x: np.tile(x, (2, 1)) ** 2, [A]),
    'repeat': (lambda x: np.repeat(x, 2, axis=1) ** 2, [A]),
    'repeat flat': (lambda x: np.repeat(x, 3) ** 2, [A]),
    'copy': (lambda x: x.copy() ** 2, [A]),
    'astype': (lambda x: x.astype('float64') ** 2, [A]),
    'getitem basic': (lambda x: x[1:, ::-2, None] ** 2, [X3]),
    'getitem int and ellipsis': (lambda x: x[0, ..., 1] ** 2, [X3]),
    'getitem repeated indices': (lambda x: x[onp.array([0, 2, 0, 0])] ** 2,
                                 [U((3, 2), -2, 2)]),
    'getitem mask': (lambda x: x[onp.array([[True, False, True], [False, True, True]])] ** 2,
                     [A]),
    'scatter_add': (lambda g: indexing.scatter_add(g * g, onp.array([0, 2, 0]), (3, 2)),
                    [U((3, 2), -2, 2)]),
}

# The fused backward ops of tanh and sigmoid (g * (1 - ans**2), g * ans * (1 - ans)) as
# functions of both their operands, including a broadcast (stride-0) upstream gradient.
FUSED = {
    'tanh_grad': (unary.tanh_grad, [U(S, -2, 2, 3), U(S, -.9, .9, 4)]),
    'tanh_grad broadcast': (lambda g, a: unary.tanh_grad(np.broadcast_to(g, S), a),
                            [U((1, 1), -2, 2, 3), U(S, -.9, .9, 4)]),
    'sigmoid_grad': (unary.sigmoid_grad, [U(S, -2, 2, 5), U(S, .1, .9, 6)]),
    # sin's and cos's rules (g * cos(x), -g * sin(x)): each differentiates into the other
    'sin_grad': (unary.sin_grad, [U(S, -2, 2, 7), U(S, -3, 3, 8)]),
    'cos_grad': (unary.cos_grad, [U(S, -2, 2, 9), U(S, -3, 3, 10)]),
}

# Sliding windows (npx.convolution, deconvolution, pooling) and the ops only their backward
# passes record; squared so that the second derivative is not zero.
_G = conv.Geometry((2, 2), (2, 1), (1, 2), (1, 0), 2)
_PAVG = pool.Pool((2, 2), (2, 1), (1, 0), (1, 0), (3, 2), 'avg', 1, 1)
_PMAX = pool.Pool((2, 2), (1, 1), (0, 0), (0, 0), (2, 2), 'max', 0, 1)
_G1 = conv.Geometry((2, 2), (1, 1), (1, 1), (0, 0), 1)
_ARGMAX = onp.array([[0, 3], [5, 4]])
_ROIS = np.array([[0, 0, 0, 3, 2], [0, 1.4, 0.6, 4.2, 3.1]], dtype='float64')
_ROI_ARGMAX = onp.array([[[[0, 4]], [[5, -1]]]])
WINDOWS = {
    'convolution': (lambda x, w, b: npx.convolution(x, w, b, kernel=(2, 2), stride=(2, 1),
                                                    dilate=(1, 2), pad=(1, 0), num_filter=2,
                                                    num_group=2) ** 2,
                    [U((1, 2, 4, 4), -1, 1), U((2, 1, 2, 2), -1, 1, 2), U((2,), -1, 1, 3)]),
    'deconvolution': (lambda x, w: npx.deconvolution(x, w, kernel=(2, 2), stride=(2, 1),
                                                     adj=(1, 0), num_filter=2) ** 2,
                      [U((1, 2, 3, 3), -1, 1), U((2, 2, 2, 2), -1, 1, 2)]),
    'convolution_weight_grad': (lambda x, g: conv.conv_weight(x, g, _G) ** 2,
                                [U((1, 2, 4, 4), -1, 1), U((1, 2, 3, 2), -1, 1, 2)]),
    'pooling': (lambda x: npx.pooling(x, kernel=(2, 2), stride=(2, 1), pad=(1, 0),
                                      pool_type='avg') ** 2, [U((1, 2, 4, 3), -1, 1)]),
    'pooling max': (lambda x: npx.pooling(x, kernel=(2, 2), pool_type='max') ** 2,
                    [onp.arange(18.).reshape(1, 2, 3, 3) % 7 * 0.3 + 0.1]),
    'pooling lp': (lambda x: npx.pooling(x, kernel=(2, 2), pool_type='lp', p_value=2),
                   [U((1, 1, 3, 3), .5, 2)]),
    # convolution + bias -> relu -> max pooling as one op (what autograd.compile fuses)
    'conv_relu_pooling': (lambda x, w, b: conv_pool.conv_relu_pool(x, w, b, _G1, _PMAX) ** 2,
                          [U((1, 2, 4, 4), -1, 1), U((2, 2, 2, 2), -1, 1, 2),
                           U((2,), -.2, .2, 3)]),
    # max pooling of relu(x) (what autograd.compile fuses): windows with a negative maximum
    'relu_pooling': (lambda x: pool.relu_pool(x * x * x, _PMAX) ** 2,
                     [onp.array([[[.4, -.5, .9], [-.3, .6, .1], [.2, -.7, .8]],
                                 [[-.4, -.5, -.9], [-.3, -.6, .1], [-.2, -.7, -.8]]])[None]]),
    'pooling_adjoint': (lambda g: pool.adjoint(g * g, _PAVG, (4, 3)), [U((1, 2, 3, 2), -1, 1)]),
    'pooling_max_scatter': (lambda g: pool.max_scatter(g * g, _ARGMAX, (1, 2, 2, 3)),
                            [U((1, 2, 1, 2), -1, 1)]),
    'pooling_max_gather': (lambda h: pool.max_gather(h * h, _ARGMAX, (1, 2, 1, 2)),
                           [U((1, 2, 2, 3), -1, 1)]),
    'roi_pooling': (lambda x: npx.roi_pooling(x, _ROIS, pooled_size=(2, 2),
                                              spatial_scale=1.0) ** 2, [U((1, 2, 4, 5), -1, 1)]),
    'roi_pooling_scatter': (lambda g: detection.roi_scatter(g * g, _ROI_ARGMAX, (1, 1, 2, 3)),
                            [U((1, 2, 1, 2), -1, 1)]),
    'roi_pooling_gather': (lambda h: detection.roi_gather(h * h, _ROI_ARGMAX, (1, 2, 1, 2)),
                           [U((1, 1, 2, 3), -1, 1)]),
}



def _train(f):
    """``f`` in training mode (batch statistics, active dropout) for the numeric side too."""
    def g(*xs):
        with autograd.train_mode():
            return f(*xs)
    return g


def _dropped(x):
    np.random.seed(7)                           # the same mask on every call
    return npx.dropout(x, 0.4) * x


X4 = U((3, 2, 4), -2, 2, 8)
NN = {
    'batch_norm': (_train(lambda x, g, b: npx.batch_norm(
        x, g, b, np.zeros(2, dtype='float64'), np.ones(2, dtype='float64'), fix_gamma=False)),
                   [X4, U((2,), .5, 2, 9), U((2,), -1, 1, 10)]),
    'batch_norm global stats': (_train(lambda x, g: npx.batch_norm(
        x * x, g, np.zeros(2, dtype='float64'), np.array(onp.array([.2, -.1])),
        np.array(onp.array([1.5, .7])), fix_gamma=False, use_global_stats=True)),
                                [X4, U((2,), .5, 2, 9)]),
    'layer_norm': (lambda x, g, b: npx.layer_norm(x, g, b), [X4, U((4,), .5, 2, 9),
                                                            U((4,), -1, 1, 10)]),
    'instance_norm': (lambda x, g, b: npx.instance_norm(x, g, b),
                      [X4, U((2,), .5, 2, 9), U((2,), -1, 1, 10)]),
    'group_norm': (lambda x, g, b: npx.group_norm(x, g, b, num_groups=2),
                   [U((2, 4, 3), -2, 2, 8), U((2,), .5, 2, 9), U((2,), -1, 1, 10)]),
    'norm_sums': (lambda g, h: [s * s for s in norm.norm_sums(g, h, (1, 2, 1))],
                  [X4, U((3, 2, 4), -1, 1, 11)]),
    'dropout': (_train(_dropped), [A]),
    'embedding': (lambda w: npx.embedding(np.array(onp.array([[1, 0], [1, 2]])), w, 3, 2) ** 2,
                  [U((3, 2), -2, 2)]),
    'embedding_scatter': (lambda g: dense.embedding_scatter(g * g, onp.array([0, 2, 0]), 3),
                          [U((3, 2), -2, 2)]),
    'fully_connected': (lambda x, w, b: npx.fully_connected(x, w, b, num_hidden=2) ** 2,
                        [X4, U((2, 8), -1, 1, 9), U((2,), -1, 1, 10)]),
    'batch_dot': (lambda a, b: npx.batch_dot(a, b, transpose_b=True) ** 2,
                  [U((2, 3, 4), -1, 1), U((2, 2, 4), -1, 1, 2)]),
    'pick': (lambda x: npx.pick(x, np.array(onp.array([2, 0])), 1) ** 3, [A]),
    'softmax_cross_entropy': (lambda x: softmax_ce.softmax_ce(x, onp.array([2, 0])), [A]),
    'softmax_cross_entropy_grad': (
        lambda x, g: softmax_ce.softmax_ce_grad(x, g, onp.array([2, 0]),
                                                onp.log(onp.exp(x._data).sum(1))),
        [A, U((2,), -1, 1, 2)]),
    'topk': (lambda x: npx.topk(x, k=2, ret_typ='value') ** 3, [A]),
    'gather_nd': (lambda x: npx.gather_nd(x, np.array(onp.array([[1, 0, 1], [2, 2, 0]]))) ** 3,
                  [A]),
    'sequence_mask': (lambda x: npx.sequence_mask(x * x, np.array([1, 2]),
                                                  use_sequence_length=True), [U((3, 2), -2, 2)]),
}

# activations and special functions (npx.activation / leaky_relu / smooth_l1 / erf ...),
# and digamma/polygamma, which their backward rules record
ACT = {
    'softrelu': (lambda x: npx.activation(x, act_type='softrelu'), [U(S, -3, 3)]),
    'softsign': (lambda x: npx.activation(x, act_type='softsign'), [AWAY(S, .2, 2)]),
    'leaky_relu': (lambda x: npx.leaky_relu(x, slope=0.3), [AWAY(S, .2, 2)]),
    'elu': (lambda x: npx.leaky_relu(x, act_type='elu', slope=0.7), [AWAY(S, .2, 2)]),
    'selu': (lambda x: npx.leaky_relu(x, act_type='selu'), [AWAY(S, .2, 2)]),
    'gelu': (lambda x: npx.leaky_relu(x, act_type='gelu'), [U(S, -3, 3)]),
    'prelu (where)': (lambda x, g: npx.leaky_relu(x * x * x, g, act_type='prelu'),
                      [AWAY((2, 3, 2), .3, 1.5), U((3,), .1, .5)]),
    'smooth_l1': (lambda x: npx.smooth_l1(x, scalar=1.5), [AWAY(S, .05, 2)]),
    'erf': (npx.erf, [U(S, -2, 2)]),
    'erfinv': (npx.erfinv, [U(S, -.9, .9)]),
    'gamma': (npx.gamma, [U(S, .3, 4)]),
    'gammaln': (npx.gammaln, [U(S, .3, 6)]),
    'digamma': (special.digamma, [U(S, .3, 6)]),
    'polygamma': (lambda x: special.polygamma(2, x), [U(S, .3, 6)]),
    'rnn lstm (composition)': (
        lambda x, p: npx.rnn(x, p, np.array(onp.full((1, 2, 2), .1)),
                             np.array(onp.full((1, 2, 2), -.2)), state_size=2, num_layers=1,
                             mode='lstm'), [U((3, 2, 2), -1, 1), U((48,), -.5, .5)]),
    'rnn gru bidirectional (composition)': (
        lambda x, p: npx.rnn(x, p, np.array(onp.full((2, 2, 2), .1)), state_size=2,
                             num_layers=1, bidirectional=True, mode='gru'),
        [U((2, 2, 2), -1, 1), U((72,), -.5, .5)]),
    'softmax temperature length (composition)': (
        lambda x: npx.softmax(x, temperature=.7, length=onp.array([3, 2]), use_length=True),
        [U(S, -2, 2)]),
}

# sorting, running sums/products and the statistics composed of recorded ops (np-stats);
# distinct values keep the sort order fixed under the numeric perturbation
STATS = {
    'sort': (lambda x: np.sort(x, axis=0) ** 3 * onp.arange(1., 4.)[:, None], [U((3, 2), -2, 2)]),
    'partition': (lambda x: np.partition(x, 1) ** 3 * onp.arange(1., 4.), [U((2, 3), -2, 2)]),
    'cumsum': (lambda x: np.cumsum(x * x, axis=1), [A]),
    'cumprod': (lambda x: cumulative.cumprod(x, axis=1), [AWAY(S, .5, 2)]),
    'cumprod with zeros': (lambda x: cumulative.cumprod(x, axis=1),
                           [onp.array([[1.5, 0.0, -2.0], [0.7, 1.2, 0.0]])]),
    'std (composition)': (lambda x: np.std(x, axis=1, ddof=1), [A]),
    'quantile (composition)': (lambda x: np.quantile(x * x, [.3, .75], axis=0), [A]),
    'cov (composition)': (lambda x: np.cov(x), [U((2, 4), -1, 1)]),
}

# element-moving ops of issue 14 (ops/gather.py's shared scatter-add rule) and einsum
_I3 = onp.array([0, 4, 4, 2])
NP_SHAPE = {
    'insert': (lambda a, v: np.insert(a * a, 1, v * v, axis=0), [A, U((3,), -2, 2, 3)]),
    'delete': (lambda x: np.delete(x, 1, axis=1) ** 2, [A]),
    'resize': (lambda x: np.resize(x, (3, 3)) ** 2, [A]),
    'pad': (lambda x: np.pad(x, ((1, 1), (2, 2)), mode='reflect') ** 2, [A]),
    'pad constant': (lambda x: np.pad(x, 1, constant_values=2) ** 2, [A]),
    'roll': (lambda x: np.roll(x, 1, axis=1) ** 2, [A]),
    'rot90': (lambda x: np.rot90(x, 3) ** 2, [A]),
    'take': (lambda x: np.take(x, _I3) ** 2, [A]),
    'take_along_axis': (lambda x: np.take_along_axis(x, onp.array([[2, 0], [1, 1]]), 1) ** 2,
                        [A]),
    'choose': (lambda a, b: np.choose(onp.array([0, 1, 1]), [a * b, b]) ** 2,
               [U((3,), -2, 2), U((3,), -2, 2, 2)]),
    'compress': (lambda x: np.compress(onp.array([False, True, True]), x, axis=1) ** 2, [A]),
    'extract': (lambda x: np.extract(onp.array([[1, 0, 1], [0, 1, 1]]), x) ** 2, [A]),
    'select': (lambda a, b: np.select([onp.array([1, 0, 0], bool), onp.array([0, 1, 0], bool)],
                                      [a * a, b * a], 3.0), [U((3,), -2, 2), U((3,), -2, 2, 2)]),
    'diag': (lambda x: np.diag(x, 1) ** 2, [U((3, 3), -2, 2)]),
    'diag of a vector': (lambda v: np.diag(v * v, -1) ** 2, [U((3,), -2, 2)]),
    'diagflat': (lambda x: np.diagflat(x) ** 2, [A]),
    'diagonal': (lambda x: np.diagonal(x, 1, 0, 2) ** 2, [X3]),
    'tril': (lambda x: np.tril(x, -1) ** 2, [X3]),
    'triu': (lambda x: np.triu(x) ** 2, [A]),
    'trim_zeros': (lambda x: np.trim_zeros(np.concatenate([np.zeros(2, dtype=x.dtype), x]))
                   ** 2, [U((3,), .5, 2)]),
    'einsum': (lambda a, b: np.einsum('ij,kj->ik', a * a, b), [A, B]),
    'einsum diagonal and broadcast': (lambda a, b: np.einsum('ii,...i->...', a, b * b),
                                      [U((3, 3), -2, 2), U((2, 1, 3), -2, 2, 2)]),
}

# np.random's reparameterised draws with their noise held fixed (random_ops.apply); the
# draws that are linear in their parameters are squared so the second derivative is not zero
_Z = onp.random.default_rng(5).standard_normal(S)
_E = onp.random.default_rng(6).standard_exponential(S)


def _draw(name, noise, square=False):
    def f(*ps):
        y = random_ops.apply(name, ps, noise, 'float64')
        return y * y if square else y
    return f


RANDOM = {
    'random_normal': (_draw('normal', _Z, True), [U(S, -1, 1), U(S, .5, 2, 2)]),
    'random_gumbel': (_draw('gumbel', -onp.log(_E), True), [U(S, -1, 1), U(S, .5, 2, 2)]),
    'random_logistic': (_draw('logistic', _Z, True), [U(S, -1, 1), U(S, .5, 2, 2)]),
    'random_lognormal': (_draw('lognormal', _Z), [U(S, -1, 1), U(S, .5, 2, 2)]),
    'random_uniform': (_draw('uniform', _E / 4, True), [U(S, -2, 0), U(S, 0, 2, 2)]),
    'random_exponential': (_draw('exponential', _E, True), [U(S, .5, 2)]),
    'random_rayleigh': (_draw('rayleigh', onp.sqrt(2 * _E), True), [U(S, .5, 2)]),
    'random_weibull': (_draw('weibull', onp.log(_E)), [U(S, .5, 2)]),
    'random_power': (_draw('power', -_E), [U(S, .5, 2)]),
    'random_pareto': (_draw('pareto', _E), [U(S, .5, 2)]),
    'random_gamma': (lambda s: random_ops.apply('gamma', (2.0, s), _E, 'float64') ** 2,
                     [U(S, .5, 2)]),
    'random_multivariate_normal': (
        lambda m: random_ops.mvn_apply(m, np.array([[2.0, .5], [.5, 1.0]], dtype='float64'),
                                       _Z.T, onp.float64) ** 2, [U((3, 2), -1, 1)]),
}

SECOND = {**UNARY, **BINARY, **SCALAR, **REDUCE, **LINALG, **SHAPE, **FUSED, **NN, **ACT,
          **WINDOWS, **NP_SHAPE, **STATS, **NP_LINALG, **RANDOM}

THIRD = {**UNARY, **SCALAR, **FUSED, **ACT}
THIRD.update({k: BINARY[k] for k in BINARY if k.split()[0] in (
    'multiply', 'divide', 'power', 'add', 'subtract', 'maximum', 'minimum', 'where', 'clip')})
THIRD.update({k: REDUCE[k] for k in REDUCE if k.split()[0] in ('sum', 'mean')})
THIRD.update({k: LINALG[k] for k in LINALG})
# Linear ops in x and y: their third derivative is zero everywhere, which the zero-derivative
# plumbing must deliver; make them curve so the check is not only about zeros.
THIRD['sum of cubes'] = (lambda x: np.sum(x * x * x, axis=0), [X3])
THIRD['mean of exp'] = (lambda x: np.mean(np.exp(x), axis=(1, 2)), [X3])
THIRD['prod with zeros'] = REDUCE['prod with zeros']      # the zero path of prod's rule
THIRD.update({k: NN[k] for k in ('batch_norm', 'layer_norm', 'group_norm', 'norm_sums')})


@pytest.mark.parametrize('name', sorted(SECOND))
def test_second_order(name):
    f, args = SECOND[name]
    check_nth_order(f, args, 2)


@pytest.mark.parametrize('name', sorted(THIRD))
def test_third_order(name):
    f, args = THIRD[name]
    check_nth_order(f, args, 3)


def test_every_differentiable_op_has_a_second_order_test():
    """A new op in the table needs an entry here (so 'every op' stays true)."""
    covered = {k.split()[0] for k in SECOND}
    ops = {name for name, variants in registered_ops().items()
           if any(op.backward is not None for op in variants)}
    assert ops - covered == set()


def test_fourth_order_sin_and_exp():
    """'Any order': the fourth derivative still matches (sin'''' = sin, exp'''' = exp)."""
    check_nth_order(np.sin, [U(S, -3, 3)], 4)
    check_nth_order(lambda x: np.exp(x) * x, [U(S, -1, 1)], 4)

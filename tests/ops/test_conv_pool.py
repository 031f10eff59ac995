"""``ops/conv_pool.conv_relu_pool`` (op ``conv_relu_pooling``: convolution + bias -> relu ->
max pooling in one pass per piece of samples, what ``autograd.compile`` fuses): values and
gradients equal to the unfused ops bit for bit (one thread and shared out over two, the
unrecorded fast backward and the rule written with the ops), gradients against central
differences, and the pieces' rule ``usable``."""
import numpy as onp
import pytest

from autodiff import np, npx, autograd
from autodiff.ops import conv, conv_pool, pool
from helpers import check_grads, sample

# (conv Geometry, data shape, weight shape, pooling (kernel, stride, pad))
CASES = [
    ('lenet', conv.Geometry((5, 5), (1, 1), (1, 1), (0, 0), 1), (4, 1, 12, 12), (6, 1, 5, 5),
     ((2, 2), (2, 2), (0, 0))),
    ('stride-dilate-groups', conv.Geometry((2, 3), (2, 1), (1, 2), (1, 0), 2), (3, 4, 9, 10),
     (4, 2, 2, 3), ((3, 3), (2, 2), (1, 1))),
]


def _pool_params(shape, kernel, stride, pad):
    a = np.array(onp.zeros(shape))
    a.attach_grad()
    with autograd.record():
        y = npx.pooling(a, kernel=kernel, stride=stride, pad=pad, pool_type='max')
    return pool.Pool(*y._node.attrs[:len(pool.Pool._fields)])


def _inputs(xs, ws, O, bias, dtype):
    arrs = [np.array(sample(xs, dtype, -1, 1, seed=1)), np.array(sample(ws, dtype, -1, 1, seed=2))]
    if bias:
        arrs.append(np.array(sample((O,), dtype, -.3, .3, seed=3)))
    for a in arrs:
        a.attach_grad()
    return arrs


def _run(fused, g, pl, arrs, head, create_graph=False):
    b = arrs[2] if len(arrs) > 2 else None
    with autograd.record():
        if fused:
            y = conv_pool.conv_relu_pool(arrs[0], arrs[1], b, g, pl)
        else:
            y = pool.pool(npx.relu(conv.conv(arrs[0], arrs[1], b, g)), pl)
    if create_graph:
        grads = autograd.grad(y, arrs, head_grads=np.array(head), create_graph=True)
        return [y.asnumpy()] + [d.asnumpy() for d in grads]
    y.backward(np.array(head))
    return [y.asnumpy()] + [a.grad.asnumpy() for a in arrs]


@pytest.mark.parametrize('split', [False, True], ids=['one-thread', 'two-threads'])
@pytest.mark.parametrize('bias', [True, False], ids=['bias', 'no-bias'])
@pytest.mark.parametrize('cid, g, xs, ws, pk', CASES, ids=[c[0] for c in CASES])
def test_fused_equals_unfused_bit_for_bit(cid, g, xs, ws, pk, bias, split, monkeypatch):
    if split:
        monkeypatch.setattr(conv, 'SPLIT_MACS', 1)       # (pieces on both threads)
    osp = conv.out_lengths(xs[2:], g)
    pl = _pool_params((xs[0], ws[0]) + osp, *pk)
    head = sample((xs[0], ws[0]) + pl.out, 'float32', -2, 2, seed=4)
    head[0, 0] = 0.0
    want = _run(False, g, pl, _inputs(xs, ws, ws[0], bias, 'float32'), head)
    got = _run(True, g, pl, _inputs(xs, ws, ws[0], bias, 'float32'), head)
    recorded = _run(True, g, pl, _inputs(xs, ws, ws[0], bias, 'float32'), head,
                    create_graph=True)
    for a, b, c in zip(got, want, recorded):
        onp.testing.assert_array_equal(a, b)
        onp.testing.assert_array_equal(c, b)


def test_fused_gradients_by_central_differences():
    g, xs, ws, pk = CASES[1][1:]
    osp = conv.out_lengths(xs[2:], g)
    pl = _pool_params((xs[0], ws[0]) + osp, *pk)
    check_grads(lambda x, w, b: conv_pool.conv_relu_pool(x, w, b, g, pl),
                sample(xs, seed=5, low=-1, high=1), sample(ws, seed=6, low=-1, high=1),
                sample((ws[0],), seed=7, low=-.3, high=.3))


def test_usable_is_the_im2col_rule():
    lenet = conv.Geometry((5, 5), (1, 1), (1, 1), (0, 0), 1)
    same = conv.Geometry((3, 3), (1, 1), (1, 1), (1, 1), 1)
    assert conv_pool.usable((64, 6, 12, 12), (16, 6, 5, 5), lenet, 4)
    assert not conv_pool.usable((2, 3, 8, 8), (4, 3, 3, 3), same, 4)        # adjoint conv
    assert not conv_pool.usable((2, 32, 8, 8), (32, 32, 5, 5), lenet, 4)    # implicit GEMM


def test_fused_op_takes_max_pooling_only():
    g = CASES[0][1]
    pl = _pool_params((1, 1, 8, 8), (2, 2), (2, 2), (0, 0))._replace(pool_type='sum')
    with pytest.raises(ValueError, match='conv_relu_pooling: pool_type'):
        conv_pool.conv_relu_pool(np.array(onp.zeros((1, 1, 12, 12))),
                                 np.array(onp.zeros((1, 1, 5, 5))), None, g, pl)

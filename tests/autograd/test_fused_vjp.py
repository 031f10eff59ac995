"""Fused two-input VJP kernels (``binary(..., vjp_exprs=...)``, ``elementwise.fused_vjp``)
and the unrecorded pass's in-place sums of gradients only it holds (``engine._accumulate``,
``Op.fused``'s ``acc_a`` / ``acc_b``).

An unrecorded backward computes a fused row's two gradients in one kernel; a recorded one
(``create_graph``) runs the row's composed ``vjp`` of library ops.  Both must give the same
values (the expressions repeat the composed arithmetic in the same order: bitwise equal),
and both must match central differences and PyTorch.
"""
import numpy as onp
import pytest
import torch

from autodiff import autograd, np
from autodiff.ops import elementwise as E
from autodiff.ops.core import output
from tests.helpers.gradcheck import check_grads

FUSED = ['multiply', 'divide', 'sin_grad', 'cos_grad', 'tanh_grad', 'sigmoid_grad']


def _operands(name, shape, dtype, seed=0):
    rng = onp.random.default_rng(seed)
    a = rng.uniform(-2, 2, shape)
    b = rng.uniform(0.5, 2, shape) * rng.choice([-1, 1], shape)     # (divide: away from 0)
    if name in ('tanh_grad', 'sigmoid_grad'):
        b = rng.uniform(-0.9, 0.9, shape)                           # (a tanh / sigmoid result)
    g = rng.uniform(-2, 2, shape)
    return [onp.asarray(v, dtype) for v in (a, b, g)]


def _node(name, a, b):
    x, y = np.array(a), np.array(b)
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        out = E.ROWS[name].fn(x, y)
    return out._node, x, y


def test_every_fused_row_is_listed():
    # (rows with ``fuse=False`` or unary rows keep their expressions for scalar_pass only)
    assert sorted(n for n, r in E.ROWS.items()
                  if getattr(r, 'op', None) is not None and r.op.fused is not None) == sorted(FUSED)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('shape', [(), (64,)])  # (64 values: a reordering shows)
@pytest.mark.parametrize('name', FUSED)
def test_fused_equals_composed(name, shape, dtype):
    a, b, gv = _operands(name, shape, dtype)
    node, x, y = _node(name, a, b)
    row = E.ROWS[name]
    g = np.array(gv)
    fused = E.fused_vjp(row, node, g)
    assert fused is not None
    composed = row.vjp(g, output(node), x, y, (True, True))
    for f, c in zip(fused, composed):
        assert f.dtype == c.dtype == onp.dtype(dtype) and f.shape == shape
        onp.testing.assert_array_equal(f.asnumpy(), c.asnumpy())
    # summed into gradients held already: acc + grad, as a separate add gives
    acc_a, acc_b = np.array(b * 3), np.array(a - 1)
    want_a, want_b = (acc_a + composed[0]).asnumpy(), (acc_b + composed[1]).asnumpy()
    ga, gb = row.op.fused(node, g, acc_a, acc_b)
    assert ga is acc_a and gb is acc_b
    onp.testing.assert_array_equal(ga.asnumpy(), want_a)
    onp.testing.assert_array_equal(gb.asnumpy(), want_b)


def test_fused_declines_broadcast_and_mixed_dtypes():
    node, x, y = _node('multiply', onp.ones((3,), 'float32'), onp.ones((1,), 'float32'))
    assert E.fused_vjp(E.ROWS['multiply'], node, np.ones((3,), dtype='float32')) is None
    node, x, y = _node('multiply', onp.ones((3,), 'float32'), onp.ones((3,), 'float64'))
    assert E.fused_vjp(E.ROWS['multiply'], node, np.ones((3,), dtype='float64')) is None
    # float16: the composed rule (each op rounds to float16), not one float32 kernel
    node, x, y = _node('multiply', onp.ones((3,), 'float16'), onp.ones((3,), 'float16'))
    assert E.fused_vjp(E.ROWS['multiply'], node, np.ones((3,), dtype='float16')) is None


@pytest.mark.parametrize('shapes', [((), ()), ((4,), (4,)), ((2, 3), (3,)), ((), (3,))])
@pytest.mark.parametrize('name', FUSED)
def test_fused_rows_against_central_differences(name, shapes):
    """An unrecorded backward (the fused kernel where the shapes allow it) vs central
    differences, float64, same-shape and broadcast operands."""
    rng = onp.random.default_rng(1)
    a = rng.uniform(-1.5, 1.5, shapes[0])
    b = rng.uniform(0.5, 0.9, shapes[1])
    check_grads(E.ROWS[name].fn, a, b)


def _graph(x, w, lib):
    """A DAG of the fused ops with fan-out: gradients meet from several consumers, and
    add's rule hands one gradient to two parents."""
    sin, tanh = (np.sin, np.tanh) if lib == 'ad' else (torch.sin, torch.tanh)
    u = x * w
    v = sin(u) * u + u / w
    t = tanh(v)
    z = t * v + (u + v) * x
    return (z * z / (w * w + 1)).sum()


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('shape', [(), (3,)])
def test_unrecorded_pass_matches_recorded_and_torch(shape, dtype):
    rng = onp.random.default_rng(2)
    xv, wv = (onp.asarray(rng.uniform(0.3, 1.2, shape), dtype) for _ in range(2))
    x, w = np.array(xv), np.array(wv)
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        out = _graph(x, w, 'ad')
    out.backward(retain_graph=True)                  # unrecorded: fused rules, in-place sums
    plain = x.grad.asnumpy().copy(), w.grad.asnumpy().copy()
    with autograd.record():
        rec = autograd.grad(out, [x, w], create_graph=True)     # recorded: composed rules
    for p, r in zip(plain, rec):
        onp.testing.assert_array_equal(p, r.asnumpy())
    tx, tw = (torch.tensor(v, requires_grad=True) for v in (xv, wv))
    _graph(tx, tw, 'torch').backward()
    tol = 1e-5 if dtype == 'float32' else 1e-12
    onp.testing.assert_allclose(plain[0], tx.grad.numpy(), rtol=tol, atol=tol)
    onp.testing.assert_allclose(plain[1], tw.grad.numpy(), rtol=tol, atol=tol)


def test_kept_gradients_are_not_summed_into():
    """retain_graph keeps each node's output gradients (``out_grads``); a gradient handed
    on by a rule (add's) stays as it was when a later contribution is summed."""
    x = np.array(onp.float64(0.7))
    x.attach_grad()
    with autograd.record():
        u = x * x
        s = u + u                 # add hands one gradient to both edges (the same parent)
        v = s * x
        out = v * s
    out.backward(retain_graph=True)
    first = x.grad.asnumpy().copy()
    kept = [g.asnumpy().copy() for g in s._node.out_grads]
    out.backward(retain_graph=True)
    onp.testing.assert_array_equal(x.grad.asnumpy(), first)
    onp.testing.assert_array_equal([g.asnumpy() for g in s._node.out_grads], kept)
    # d/dx of (2 x^2)^2 x = 4 x^5: 20 x^4
    onp.testing.assert_allclose(first, 20 * 0.7 ** 4, rtol=1e-14)
    # d out / d s = 2 s x = 4 x^3
    onp.testing.assert_allclose(kept[0], 4 * 0.7 ** 3, rtol=1e-14)


def test_third_derivative_chain_matches_torch():
    """W10b's computation (small): both recorded passes and the fused unrecorded one."""
    def run(lib):
        if lib == 'ad':
            x = np.array(onp.float64(1.2))
            x.attach_grad()
            with autograd.record():
                y = x
                for _ in range(6):
                    y = np.sin(y) * x
                d1, = autograd.grad(y, [x], create_graph=True)
                d2, = autograd.grad(d1, [x], create_graph=True)
            d2.backward()
            return [float(d1.asnumpy()), float(d2.asnumpy()), float(x.grad.asnumpy())]
        x = torch.tensor(1.2, dtype=torch.float64, requires_grad=True)
        y = x
        for _ in range(6):
            y = torch.sin(y) * x
        d1, = torch.autograd.grad(y, [x], create_graph=True)
        d2, = torch.autograd.grad(d1, [x], create_graph=True)
        d2.backward()
        return [d1.item(), d2.item(), x.grad.item()]
    onp.testing.assert_allclose(run('ad'), run('torch'), rtol=1e-12)

"""Issue 14's computing functions: einsum, tensordot, inner, vdot, trace, vander, polynomials,
interp, unwrap, meshgrid, apply_along_axis / apply_over_axes.  Forward against NumPy,
gradients against central differences, dtypes as MXNet 1.9.1 gives them (noted where
they came from the oracle)."""
import numpy as onp
import pytest

from autodiff import np, autograd
from autodiff.errors import DTypeError
from helpers import assert_close, assert_same, check_grads

R = onp.random.default_rng(41)
A = R.uniform(-2, 2, (2, 3))
B = R.uniform(-2, 2, (3, 4))
C3 = R.uniform(-2, 2, (2, 3, 4))
Q = R.uniform(-2, 2, (3, 3))
V = R.uniform(-2, 2, (3,))
P = R.uniform(-2, 2, (4,))

# id -> (f(m, *arrays), arrays); called with m = numpy and m = autodiff.np
ROWS = {
    'einsum matmul': (lambda m, a, b: m.einsum('ij,jk->ik', a, b), [A, B]),
    'einsum implicit': (lambda m, a, b: m.einsum('ij,jk', a, b), [A, B]),
    'einsum trace': (lambda m, q: m.einsum('ii', q), [Q]),
    'einsum diagonal': (lambda m, q: m.einsum('ii->i', q), [Q]),
    'einsum outer and sum': (lambda m, a, v: m.einsum('ij,k->jk', a, v), [A, V]),
    'einsum ellipsis': (lambda m, c, b: m.einsum('...ij,jk->...ik', c, b.T), [C3, B]),
    'einsum broadcast ellipsis': (lambda m, c, w: m.einsum('...j,...j->...', c, w),
                                  [C3, R.uniform(-1, 1, (3, 1))]),
    'einsum three operands optimize': (
        lambda m, a, b, v: m.einsum('ij,jk,i->k', a, b, v[:2], optimize=True), [A, B, V]),
    'einsum scalar': (lambda m, s, a: m.einsum(',ij->ji', s, a), [onp.array(1.5), A]),
    'tensordot int': (lambda m, c, b: m.tensordot(c, b.T, 1), [C3, B]),
    'tensordot pairs': (lambda m, c, a: m.tensordot(c, a, ([1, 0], [1, 0])), [C3, A]),
    'tensordot outer': (lambda m, a, v: m.tensordot(a, v, 0), [A, V]),
    'inner': (lambda m, c, b: m.inner(c, b), [C3, B]),
    'inner vectors': (lambda m, v, w: m.inner(v, w), [V, V[::-1].copy()]),
    'vdot': (lambda m, a, b: m.vdot(a, b), [A, B[:, :2]]),
    'trace': (lambda m, c: m.trace(c, 1, 2, 1), [C3]),
    'trace matrix': (lambda m, q: m.trace(q), [Q]),
    'vander': (lambda m, v: m.vander(v), [V]),
    'vander increasing': (lambda m, v: m.vander(v, 5, increasing=True), [V]),
    'polyval': (lambda m, p, x: m.polyval(p, x), [P, A]),
    'polyadd': (lambda m, p, v: m.polyadd(p, v), [P, V]),
    'polysub': (lambda m, v, p: m.polysub(v, p), [V, P]),
    'polymul': (lambda m, p, v: m.polymul(p, v), [P, V]),
    'interp': (lambda m, x, fp: m.interp(x, onp.array([-1.5, 0., .5, 1.8]), fp), [A, P]),
    'unwrap': (lambda m, c: m.unwrap(c * 3, axis=1), [C3]),
    'meshgrid': (lambda m, v, p: m.meshgrid(v, p), [V, P]),
    'meshgrid ij sparse': (lambda m, v, p: m.meshgrid(v, p, indexing='ij', sparse=True), [V, P]),
    'apply_along_axis': (lambda m, c: m.apply_along_axis(
        lambda r: m.concatenate([r * r, r[:1]]), 1, c), [C3]),
    'apply_over_axes': (lambda m, c: m.apply_over_axes(m.sum, c, [0, 2]), [C3]),
}


def _list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


@pytest.mark.parametrize('name', sorted(ROWS))
def test_forward_matches_numpy(name):
    f, arrays = ROWS[name]
    want = _list(f(onp, *[a.astype(onp.float32) for a in arrays]))
    got = _list(f(np, *[np.array(a, dtype='float32') for a in arrays]))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_close(g, onp.asarray(w), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('name', sorted(ROWS))
def test_gradient_matches_central_differences(name):
    f, arrays = ROWS[name]
    check_grads(lambda *xs: f(np, *xs), *arrays)


def test_polyint():
    p = onp.array([3., 2., 1.])
    assert_close(np.polyint(np.array(p), 2, [1, 2]), onp.polyint(p, 2, [1, 2]))
    check_grads(lambda q: np.polyint(q, 3, 0.5) ** 2, p)


def test_interp_outside_the_range_and_periodic():
    xp, fp = onp.array([0., 1., 2.]), onp.array([0., 10., 20.])
    x = onp.array([.5, -1., 5., 2.])
    assert_close(np.interp(np.array(x), xp, fp, left=-1, right=99),
                 onp.interp(x, xp, fp, left=-1, right=99))
    xs = onp.array([-3.2, .4, 7.7, 1.1])
    xpp, fpp = onp.array([.2, 1.5, 2.6, .9]), onp.array([1., -1., 2., .5])
    assert_close(np.interp(np.array(xs), xpp, fpp, period=3),
                 onp.interp(xs, xpp, fpp, period=3))
    check_grads(lambda a, b, c: np.interp(a, b, c, period=3), xs, xpp, fpp)
    check_grads(lambda a, b: np.interp(a, b, fp), x[:1], xp)       # in xp too


def test_mxnet_dtypes():
    """Dtypes from MXNet 1.9.1 (the oracle): trace of int32 is int32, vander / polyint /
    interp / polyfit give float64, einsum of float32 float32, polyval keeps float32."""
    i32 = np.array(onp.arange(6, dtype=onp.int32).reshape(2, 3))
    assert_same(np.trace(i32), onp.array(4, onp.int32))
    assert np.vander(np.array([1, 2, 3])).dtype == onp.float64
    assert_same(np.vander(np.array([1, 2, 3]), 4, True),
                onp.array([[1, 1, 1, 1], [1, 2, 4, 8], [1, 3, 9, 27.]]))
    assert np.polyint(np.array([1, 2, 3])).dtype == onp.float64
    assert_same(np.interp(np.array([.5, 1.5, 5]), np.array([0, 1, 2]), np.array([0, 10, 20])),
                onp.array([5., 15., 20.]))
    assert_close(np.polyfit(np.array([0, 1, 2]), np.array([1, 3, 5]), 1), onp.array([2., 1.]))
    assert_same(np.einsum('ii', np.ones((3, 3))), onp.array(3., onp.float32))
    assert_same(np.polyval(np.array([1, 2, 3]), np.array(2.)), onp.array(11., onp.float32))
    assert_same(np.polymul(np.array([1, 2]), np.array([1, 2, 3])),
                onp.array([1., 4., 7., 6.], onp.float32))


def test_einsum_gradient_of_a_repeated_operand_and_higher_order():
    x = np.array(Q)
    x.attach_grad()
    with autograd.record():
        y = np.einsum('ij,jk,ki->', x, x, x)           # trace(x^3)
    y.backward()
    assert_close(x.grad, 3 * onp.linalg.matrix_power(Q, 2).T, rtol=1e-10)
    with autograd.record():
        g, = autograd.grad(np.einsum('ij,ji->', x, x), [x], create_graph=True)
        z = (g * g).sum()                               # |2 x^T|^2
    z.backward()
    assert_close(x.grad, 8 * Q, rtol=1e-10)


def test_non_differentiable_polynomial_algorithms():
    u, v = onp.array([1., 2., 3.]), onp.array([1., 1.])
    q, r = np.polydiv(np.array(u), np.array(v))
    wq, wr = onp.polydiv(u, v)
    assert_close(q, wq)
    assert_close(r, wr)
    assert_close(np.roots(np.array([1., -3., 2.])), onp.roots(onp.array([1, -3, 2], onp.float32)))
    assert_close(np.poly(np.array([1., 2.])), onp.poly(onp.array([1, 2], onp.float32)))
    assert_same(np.poly([1, 2]), onp.array([1., -3., 2.]))     # a list: float64, as MXNet
    fit, res, rank, sv, rc = np.polyfit(np.array(A[0]), np.array(A[1]), 1, full=True)
    want = onp.polyfit(A[0], A[1], 1, full=True)
    assert_close(fit, want[0])
    assert rank == want[2]
    x = np.array([-3., 2.])
    x.attach_grad()
    with autograd.record():
        y = np.roots(np.concatenate([np.ones(1, dtype=x.dtype), x]))
    assert_close(y, onp.array([2., 1.], onp.float32))
    y.backward()                      # not differentiable: zero gradients, as MXNet's argmax
    assert_same(x.grad, onp.zeros(2, onp.float32))
    with pytest.raises(DTypeError, match='roots: the result is complex'):
        np.roots(np.array([1., 1., 2.]))


def test_apply_along_axis_puts_results_in_the_axis_place():
    f = (lambda r: onp.outer(r, r[:2]))
    got = np.apply_along_axis(lambda r: np.array(f(r.asnumpy())), 1, np.array(C3))
    assert_close(got, onp.apply_along_axis(f, 1, C3))

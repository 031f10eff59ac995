"""``np.linalg``: forward against SciPy/NumPy, gradients against central differences (float64),
MXNet 1.9.1's own values where it differs from NumPy (written down from the oracle), PyTorch's
gradients for the rules that go beyond MXNet (optional), and one test per distinct error.
"""
import warnings

import numpy as onp
import pytest
import scipy.linalg as sla

from autodiff import np, autograd
from autodiff.errors import LinAlgError, ShapeError, AxisError, DTypeError
from tests.helpers.gradcheck import check_grads

L = np.linalg
RNG = onp.random.default_rng(14)


def U(shape, seed):
    return onp.random.default_rng(seed).uniform(-1, 1, shape)


def SPD(n, seed, batch=()):
    """Symmetric positive-definite matrices (well conditioned)."""
    x = U(batch + (n, n), seed)
    return x @ onp.swapaxes(x, -1, -2) + n * onp.eye(n)


def SQ(n, seed, batch=()):
    """Well-conditioned square matrices (diagonally dominant)."""
    return U(batch + (n, n), seed) + 3 * onp.eye(n)


def sym(x):
    """A symmetric matrix from any square one (the domain of cholesky/eigh gradients)."""
    return (x + np.swapaxes(x, -1, -2)) * 0.5


def f64(*xs):
    return [np.array(x, dtype='float64') for x in xs]


S3, R34, R43 = SPD(3, 1), U((3, 4), 2), U((4, 3), 3)
STACK = SQ(3, 4, (2,))
SPEC = onp.array([[2., 1, 0, 1], [1, 3, 1, 0], [0, 1, 4, 1.5]])   # distinct singular values


def _svd_ref(a):
    u, s, vh = sla.svd(a, full_matrices=False)
    return [u, s, vh]


def _signs(ref, got, axis):
    """``got`` with each vector along ``axis`` flipped to agree in sign with ``ref``."""
    d = onp.sum(ref * got, axis=axis, keepdims=True)
    return got * onp.where(d < 0, -1, 1)


# ---- forward: one row per function (name, autodiff call, reference, arguments) ------------
FORWARD = [
    ('inv', L.inv, sla.inv, [S3]),
    ('inv stack', L.inv, onp.linalg.inv, [STACK]),
    ('det', L.det, sla.det, [SQ(3, 5)]),
    ('det stack', L.det, onp.linalg.det, [STACK]),
    ('slogdet', lambda a: L.slogdet(a), lambda a: list(onp.linalg.slogdet(a)), [-SQ(3, 6)]),
    ('solve vector', L.solve, sla.solve, [S3, U(3, 7)]),
    ('solve matrix', L.solve, sla.solve, [S3, U((3, 2), 8)]),
    ('solve broadcast', L.solve, onp.linalg.solve, [STACK, U((1, 3, 2), 9)]),
    ('cholesky', L.cholesky, lambda a: sla.cholesky(a, lower=True), [S3]),
    ('cholesky stack', L.cholesky, onp.linalg.cholesky, [SPD(3, 10, (2,))]),
    ('eigvalsh', L.eigvalsh, lambda a: sla.eigh(a, eigvals_only=True), [S3]),
    ('eigvalsh upper', lambda a: L.eigvalsh(a, UPLO='U'),
     lambda a: sla.eigh(onp.triu(a) + onp.triu(a, 1).T, eigvals_only=True), [U((3, 3), 11)]),
    ('pinv', L.pinv, sla.pinv, [R34]),
    ('pinv stack tall', L.pinv, onp.linalg.pinv, [U((2, 4, 3), 12)]),
    ('pinv hermitian', lambda a: L.pinv(a, hermitian=True), sla.pinvh, [S3]),
    ('eigvals', L.eigvals, lambda a: sla.eigvals(a).real, [S3]),
    ('matrix_rank', L.matrix_rank, onp.linalg.matrix_rank,
     [onp.array([[1., 2, 3], [2, 4, 6], [1, 0, 1]])]),
    ('matrix_rank stack tol', lambda a: L.matrix_rank(a, tol=0.5),
     lambda a: onp.linalg.matrix_rank(a, tol=0.5), [U((2, 3, 4), 13)]),
    ('cond', L.cond, onp.linalg.cond, [SQ(3, 14)]),
    ('cond 1', lambda a: L.cond(a, 1),
     lambda a: onp.abs(a).sum(0).max() * onp.abs(sla.inv(a)).sum(0).max(), [SQ(3, 15)]),
    ('matrix_power 3', lambda a: L.matrix_power(a, 3), lambda a: a @ a @ a, [SQ(3, 16)]),
    ('matrix_power -2', lambda a: L.matrix_power(a, -2),
     lambda a: sla.inv(a) @ sla.inv(a), [SQ(3, 17)]),
    ('matrix_power 0', lambda a: L.matrix_power(a, 0), lambda a: onp.eye(3), [SQ(3, 18)]),
    ('matrix_power stack', lambda a: L.matrix_power(a, 5),
     lambda a: onp.linalg.matrix_power(a, 5), [STACK]),
    ('multi_dot', lambda a, b, c: L.multi_dot([a, b, c]), lambda a, b, c: a @ b @ c,
     [U((2, 5), 19), U((5, 3), 20), U((3, 4), 21)]),
    ('multi_dot vectors', lambda a, b, c, d: L.multi_dot([a, b, c, d]),
     lambda a, b, c, d: a @ b @ c @ d, [U(3, 22), U((3, 4), 23), U((4, 2), 24), U(2, 25)]),
    ('tensorinv', lambda a: L.tensorinv(a, ind=2),
     lambda a: onp.linalg.inv(a.reshape(6, 6)).reshape(3, 2, 2, 3),
     [U((2, 3, 3, 2), 26) + onp.eye(6).reshape(2, 3, 3, 2) * 3]),
    ('tensorsolve', L.tensorsolve, onp.linalg.tensorsolve,
     [U((2, 3, 6), 27) + onp.eye(6).reshape(2, 3, 6) * 3, U((2, 3), 28)]),
    ('tensorsolve axes', lambda a, b: L.tensorsolve(a, b, axes=(0,)),
     lambda a, b: onp.linalg.tensorsolve(a, b, axes=(0,)),
     [onp.moveaxis(U((2, 3, 6), 29) + onp.eye(6).reshape(2, 3, 6) * 3, 2, 0), U((2, 3), 30)]),
]

# (ord, axis, shape): whole-array, matrix and vector norms, negative and tuple axes
NORMS = [(None, None, (2, 3, 4)), ('fro', None, (3, 4)), ('nuc', None, (3, 4)),
         (onp.inf, None, (3, 4)), (-onp.inf, None, (3, 4)), (1, None, (3, 4)),
         (-1, None, (3, 4)), (2, None, (3, 4)), (-2, None, (3, 4)), (3, None, (4,)),
         (onp.inf, None, (4,)), (None, 1, (3, 4)), (3, 0, (3, 4)), (0.5, 1, (3, 4)),
         (onp.inf, -1, (3, 4)), (-onp.inf, 1, (3, 4)), (0, 1, (3, 4)), (-2, 0, (3, 4)),
         (2, (2, 0), (2, 3, 4)), ('nuc', (0, 2), (2, 3, 4)), (1, (1, 0), (2, 3, 4)),
         (onp.inf, (0, 2), (2, 3, 4)), ('fro', (0, -1), (2, 3, 4))]


@pytest.mark.parametrize('name, fn, ref, args', FORWARD, ids=[r[0] for r in FORWARD])
def test_forward_against_scipy_and_numpy(name, fn, ref, args):
    got = fn(*f64(*args))
    want = ref(*args)
    got = got if isinstance(got, (list, tuple)) else [got]
    want = want if isinstance(want, list) else [want]
    for g, w in zip(got, want):
        assert g.shape == onp.shape(w)
        onp.testing.assert_allclose(g.asnumpy(), w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize('ord, axis, shape', NORMS, ids=[f'{o}-{a}' for o, a, _ in NORMS])
def test_norm_against_numpy(ord, axis, shape):
    x = U(shape, 31)
    x.flat[1] = 0.0                              # a zero for ord 0 and the negative orders
    for keepdims in (False, True):
        got = L.norm(np.array(x, dtype='float64'), ord=ord, axis=axis, keepdims=keepdims)
        with onp.errstate(divide='ignore'):             # (negative orders of a zero)
            want = onp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
        assert got.shape == want.shape
        onp.testing.assert_allclose(got.asnumpy(), want, rtol=1e-12)


def test_decompositions_reconstruct_and_match_scipy():
    for a in (R34, R43, U((2, 3, 5), 35)):
        ut, s, v = L.svd(np.array(a, dtype='float64'))
        onp.testing.assert_allclose((ut.asnumpy() * s.asnumpy()[..., None, :]) @ v.asnumpy(), a,
                                    atol=1e-12)
        if a.ndim == 2:
            ru, rs, rv = _svd_ref(a)
            onp.testing.assert_allclose(s.asnumpy(), rs, rtol=1e-12)
            onp.testing.assert_allclose(_signs(ru, ut.asnumpy(), 0), ru, atol=1e-12)
            onp.testing.assert_allclose(_signs(rv, v.asnumpy(), 1), rv, atol=1e-12)
    w, v = L.eigh(np.array(S3, dtype='float64'))
    rw, rv = sla.eigh(S3)
    onp.testing.assert_allclose(w.asnumpy(), rw, rtol=1e-12)
    onp.testing.assert_allclose(_signs(rv, v.asnumpy(), 0), rv, atol=1e-12)
    for a, mode in ((R43, 'reduced'), (R34, 'reduced'), (R43, 'complete')):
        q, r = L.qr(np.array(a, dtype='float64'), mode=mode)
        rq, rr = sla.qr(a, mode='economic' if mode == 'reduced' else 'full')
        flip = onp.sign(onp.diag(rr)) * onp.sign(onp.diag(r.asnumpy()))
        onp.testing.assert_allclose(q.asnumpy()[:, :len(flip)] * flip, rq[:, :len(flip)],
                                    atol=1e-12)
        onp.testing.assert_allclose(q.asnumpy() @ r.asnumpy(), a, atol=1e-12)
    onp.testing.assert_allclose(L.qr(np.array(R43, dtype='float64'), mode='r').asnumpy(),
                                onp.linalg.qr(R43, mode='r'), atol=1e-12)
    h, tau = L.qr(np.array(R43, dtype='float64'), mode='raw')
    onp.testing.assert_allclose(tau.asnumpy(), onp.linalg.qr(R43, mode='raw')[1], atol=1e-12)
    w, v = L.eig(np.array(SQ(3, 36), dtype='float64'))
    onp.testing.assert_allclose(SQ(3, 36) @ v.asnumpy(), v.asnumpy() * w.asnumpy(), atol=1e-12)


def test_lstsq_against_scipy():
    a, b = U((5, 3), 37), U((5, 2), 38)
    x, res, rank, s = L.lstsq(np.array(a, dtype='float64'), np.array(b, dtype='float64'),
                              rcond=None)
    rx, rres, rrank, rs = sla.lstsq(a, b)
    onp.testing.assert_allclose(x.asnumpy(), rx, rtol=1e-10)
    onp.testing.assert_allclose(res.asnumpy(), rres, rtol=1e-10)
    onp.testing.assert_allclose(s.asnumpy(), rs, rtol=1e-12)
    assert rank == rrank == 3
    deficient = onp.array([[1., 2], [2, 4], [3, 6]])      # rank 1: no residuals, min-norm x
    x, res, rank, s = L.lstsq(np.array(deficient, dtype='float64'),
                              np.array([1., 2, 4], dtype='float64'), rcond=None)
    onp.testing.assert_allclose(x.asnumpy(), sla.lstsq(deficient, [1., 2, 4])[0], rtol=1e-10)
    assert res.shape == (0,) and rank == 1
    with pytest.warns(FutureWarning, match='rcond'):      # MXNet 1.9.1 warns the same
        x, res, rank, s = L.lstsq(np.array(a, dtype='float32'), np.array(b[:, 0], dtype='float32'))
    assert x.dtype == onp.float32 and res.shape == (1,)


def test_dtypes():
    """float32 stays float32, float16 comes back float16 (MXNet 1.9.1: both); integers give
    float32 (MXNet 1.9.1 refuses them in inv/det and truncates norm to an integer)."""
    a32 = np.array(S3, dtype='float32')
    assert L.inv(a32).dtype == onp.float32 and L.svd(a32)[1].dtype == onp.float32
    h = L.inv(np.array(S3, dtype='float16'))
    assert h.dtype == onp.float16
    onp.testing.assert_allclose(h.asnumpy(), sla.inv(S3.astype(onp.float16)), rtol=2e-3)
    ints = np.array(onp.array([[2, 1], [1, 3]]))
    assert L.det(ints).dtype == onp.float32 and float(L.det(ints)) == pytest.approx(5.0)
    assert float(L.norm(ints)) == pytest.approx(onp.sqrt(15.0))
    assert L.matrix_rank(a32).dtype == onp.int64 and int(L.matrix_rank(a32)) == 3
    assert L.cond(a32).dtype == onp.float32


# ---- MXNet 1.9.1's behaviour, written down from the oracle -----------------------------
def test_mxnet_values():
    # svd returns (ut, s, v): ut (M, M), v (M, N) with a = ut @ diag(s) @ v (MXNet 1.9.1)
    ut, s, v = L.svd(np.array(SPEC))
    assert (ut.shape, s.shape, v.shape) == ((3, 3), (3,), (3, 4))
    mx_ut = onp.array([[0.25115, 0.5488155, 0.7973238], [0.5184576, 0.6193273, -0.5896061],
                       [0.8173894, -0.5614582, 0.1289935]])
    onp.testing.assert_allclose(onp.abs(ut.asnumpy()), onp.abs(mx_ut), atol=1e-5)
    # slogdet returns a list; solve treats b with one axis fewer than a as vectors
    assert isinstance(L.slogdet(np.array(S3)), list)
    a = onp.arange(18.).reshape(2, 3, 3) % 7 + onp.eye(3) * 5
    got = L.solve(np.array(a), np.array(onp.arange(6.).reshape(2, 3)))
    onp.testing.assert_allclose(got.asnumpy(), [[-0.183908, -0.1149425, 0.5172414],
                                                [-0.0406504, 0.3821138, 0.5345528]], atol=1e-6)
    # cholesky reads the lower triangle; 'fro' on a vector is its 2-norm
    onp.testing.assert_allclose(L.cholesky(np.array([[4., 2], [0, 3]])).asnumpy(),
                                [[2, 0], [0, 1.7320508]], rtol=1e-6)
    assert float(L.norm(np.array([1., -2, 3]), 'fro')) == pytest.approx(3.7416573, rel=1e-6)
    onp.testing.assert_allclose(L.eigh(np.array([[2., 1], [5, 2]]), UPLO='U')[0].asnumpy(),
                                [1, 3], rtol=1e-6)
    onp.testing.assert_allclose(L.eigh(np.array([[2., 1], [5, 2]]))[0].asnumpy(),
                                [-3, 7], rtol=1e-6)


def _grad(f, a):
    x = np.array(a, dtype='float64')
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward()
    return x.grad.asnumpy()


def test_mxnet_gradient_values():
    """Gradients MXNet 1.9.1 computes (float64, from the oracle): cholesky's symmetric
    gradient, the spectral/nuclear/inf norms, det, singular values."""
    w = np.array(onp.arange(9.).reshape(3, 3), dtype='float64')
    mx_s = onp.array([[4., 1, 0.5], [1, 3, 0.2], [0.5, 0.2, 2]])
    onp.testing.assert_allclose(_grad(lambda x: (L.cholesky(x) * w).sum(), mx_s),
        [[-0.1311507, 0.2083237, 0.6325584], [0.2083237, 1.1506227, 2.0321648],
         [0.6325584, 2.0321648, 2.8752029]], atol=1e-6)
    onp.testing.assert_allclose(_grad(lambda x: L.norm(x, 2), SPEC),
                                [[0.0518375, 0.1332511, 0.1923681, 0.0750189],
                                 [0.10701, 0.2750748, 0.3971122, 0.1548641],
                                 [0.1687096, 0.4336772, 0.6260788, 0.2441555]], atol=1e-6)
    onp.testing.assert_allclose(_grad(lambda x: L.norm(x, 'nuc'), SPEC),
                                [[0.8515123, 0.0609763, -0.1394725, 0.501753],
                                 [0.0996427, 0.9561635, 0.0892899, -0.2604804],
                                 [-0.0723245, 0.0238801, 0.9232867, 0.3764845]], atol=1e-6)
    onp.testing.assert_allclose(_grad(lambda x: L.norm(x, onp.inf), SPEC),
                                [[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 1, 1]])
    onp.testing.assert_allclose(_grad(L.det, mx_s),
                                [[5.96, -1.9, -1.3], [-1.9, 7.75, -0.3], [-1.3, -0.3, 11]],
                                atol=1e-12)
    onp.testing.assert_allclose(
        _grad(lambda x: (L.svd(x)[1] * np.array([1., 2, 3], dtype='float64')).sum(), SPEC),
        [[2.1382338, -0.4195775, -0.5069955, 1.408639],
         [-0.2678864, 1.9391669, -0.192146, -1.0308883],
         [-0.2345627, -0.4519697, 1.2147219, 0.5864939]], atol=1e-6)


def test_follows_the_math_where_mxnet_does_not():
    # the norm's gradient at 0 is 0 (MXNet 1.9.1: NaN); det at a singular matrix is the
    # cofactor matrix (MXNet 1.9.1: zero)
    onp.testing.assert_array_equal(_grad(L.norm, onp.zeros(3)), onp.zeros(3))
    onp.testing.assert_allclose(_grad(L.det, onp.array([[1., 2], [2, 4]])), [[4, -2], [-2, 1]],
                                atol=1e-12)
    onp.testing.assert_allclose(_grad(lambda x: L.eigvalsh(x).sum(), S3), onp.eye(3),
                                atol=1e-12)                    # (MXNet 1.9.1: zero)
    onp.testing.assert_allclose(L.norm(np.array([1., -2, 3]), onp.inf).asnumpy(), 3.0)


# ---- gradients against central differences (float64) ----------------------------------
GRADS = [
    ('inv', L.inv, [S3]),
    ('inv stack', L.inv, [STACK]),
    ('det', L.det, [SQ(3, 40)]),
    ('det singular', L.det, [onp.array([[1., 2, 0], [2, 4, 0], [1, 1, 1]])]),
    ('slogdet', lambda a: L.slogdet(a)[1], [-SQ(3, 41)]),
    ('solve vector', L.solve, [STACK, U((2, 3), 42)]),
    ('solve matrix broadcast', L.solve, [S3, U((2, 3, 2), 43)]),
    ('cholesky', lambda a: L.cholesky(sym(a)), [SPD(3, 44, (2,))]),
    ('svd', lambda a: [p * p if i != 1 else p for i, p in enumerate(L.svd(a))], [SPEC]),
    ('svd tall', lambda a: [p * p if i != 1 else p for i, p in enumerate(L.svd(a))],
     [SPEC.T.copy()]),
    ('svd vectors only', lambda a: L.svd(a)[0] ** 2, [U((2, 3, 4), 45)]),
    ('eigh', lambda a: [L.eigh(sym(a))[0], L.eigh(sym(a))[1] ** 2], [SPD(3, 46)]),
    ('eigh upper', lambda a: L.eigh(sym(a), UPLO='U')[1] ** 2, [SPD(3, 47, (2,))]),
    ('qr tall', lambda a: [p for p in L.qr(a)], [U((4, 3), 48)]),
    ('qr wide', lambda a: [p for p in L.qr(a)], [U((2, 3, 4), 49)]),
    ('qr r', lambda a: L.qr(a, mode='r'), [U((4, 3), 50)]),
    ('pinv', L.pinv, [R34]),
    ('pinv tall stack', L.pinv, [U((2, 4, 3), 51)]),
    ('lstsq', lambda a, b: L.lstsq(a, b, rcond=None)[:2], [U((5, 3), 52), U((5, 2), 53)]),
    ('matrix_power', lambda a: L.matrix_power(a, 3), [SQ(3, 54)]),
    ('matrix_power negative', lambda a: L.matrix_power(a, -3), [SQ(3, 55)]),
    ('multi_dot', lambda a, b, c: L.multi_dot([a, b, c]),
     [U(3, 56), U((3, 4), 57), U((4, 2), 58)]),
    ('tensorinv', lambda a: L.tensorinv(a, ind=1),
     [U((6, 2, 3), 59) + onp.eye(6).reshape(6, 2, 3) * 3]),
    ('tensorsolve', L.tensorsolve, [U((2, 3, 6), 60) + onp.eye(6).reshape(2, 3, 6) * 3,
                                    U((2, 3), 61)]),
    ('norm', L.norm, [U((2, 3, 4), 62)]),
    ('norm axis keepdims', lambda a: L.norm(a, axis=1, keepdims=True), [U((3, 4), 63)]),
    ('norm p', lambda a: L.norm(a, 3, axis=0), [U((3, 4), 64)]),
    ('norm nuc', lambda a: L.norm(a, 'nuc', axis=(2, 0)), [U((3, 2, 4), 65)]),
    ('norm spectral', lambda a: L.norm(a, -2), [SPEC]),
    ('norm 1', lambda a: L.norm(a, 1), [R34]),
    ('norm inf batched', lambda a: L.norm(a, onp.inf, axis=(2, 1)), [U((2, 3, 4), 68)]),
]


@pytest.mark.parametrize('name, fn, args', GRADS, ids=[r[0] for r in GRADS])
def test_gradient_central_differences(name, fn, args):
    check_grads(fn, *args, rtol=1e-6)


def test_compile_falls_back_with_eager_gradients():
    """Every linalg op is outside autograd.compile's table: a compiled function runs eagerly
    and gives eager mode's values and gradients."""
    def fn(x, y):
        return (L.inv(x @ np.swapaxes(x, 0, 1) + 3 * np.array(onp.eye(3))) @ y).sum()
    cf = autograd.compile(fn)
    outs = []
    for run in (cf, None):
        xs = [np.array(U((3, 4), 66)), np.array(U(3, 67))]
        for x in xs:
            x.attach_grad()
        if run is None:
            with autograd.record():
                y = fn(*xs)
            y.backward()
        else:
            y = run(*xs)
            y = run(*xs)
        outs.append([y.asnumpy()] + [x.grad.asnumpy() for x in xs])
    assert not cf.compiled and 'inv' in (cf.fallback_reason or '')
    for got, want in zip(*outs):
        onp.testing.assert_array_equal(got, want)


# ---- PyTorch (optional): the rules beyond MXNet --------------------------------------------
def test_gradients_match_pytorch():
    torch = pytest.importorskip('torch')
    a = SPD(3, 70)

    def both(ours, theirs, x):
        t = torch.tensor(x, requires_grad=True)
        out = theirs(t)
        h = U(tuple(out.shape), 71)
        (out * torch.tensor(h)).sum().backward()
        mine = _grad(lambda v: (ours(v) * np.array(h, dtype='float64')).sum(), x)
        onp.testing.assert_allclose(mine, t.grad.numpy(), atol=1e-10)
    both(lambda v: L.eigh(v)[1] ** 2, lambda t: torch.linalg.eigh(t)[1] ** 2, a)
    both(L.cholesky, torch.linalg.cholesky, a)
    both(lambda v: L.qr(v)[0], lambda t: torch.linalg.qr(t)[0], U((3, 3), 72))
    both(L.pinv, torch.linalg.pinv, U((3, 2), 73))


# ---- bad input: one test per distinct error ------------------------------------------------
BAD = [
    ('1-D', lambda: L.inv(np.array([1., 2])), ShapeError, 'at least 2-D'),
    ('not square', lambda: L.det(np.ones((2, 3))), ShapeError, 'square'),
    ('singular', lambda: L.inv(np.array([[1., 2], [2, 4]])), LinAlgError, 'singular'),
    ('singular solve', lambda: L.solve(np.array([[1., 2], [2, 4]]), np.ones(2)), LinAlgError,
     'singular'),
    ('solve rows', lambda: L.solve(np.ones((2, 2)), np.ones(3)), ShapeError, 'rows'),
    ('solve stacks', lambda: L.solve(np.ones((2, 3, 3)), np.ones((4, 3, 1))), ShapeError,
     'broadcast'),
    ('not positive definite', lambda: L.cholesky(np.array([[1., 2], [2, 1]])), LinAlgError,
     'positive definite'),
    ('complex eigenvalues', lambda: L.eig(np.array([[0., -1], [1, 0]])), LinAlgError,
     'complex'),
    ('UPLO', lambda: L.eigh(np.eye(2), UPLO='X'), ValueError, 'UPLO'),
    ('qr mode', lambda: L.qr(np.eye(2), mode='full'), ValueError, 'mode'),
    ('norm order', lambda: L.norm(np.ones((2, 3)), ord=3), ValueError, 'for matrices'),
    ('norm vector order', lambda: L.norm(np.ones(3), ord='nuc'), ValueError, 'for vectors'),
    ('norm axes', lambda: L.norm(np.ones((2, 3, 4)), axis=(0, 1, 2)), ShapeError, '2'),
    ('norm ndim', lambda: L.norm(np.ones((2, 3, 4)), ord=2), ShapeError, '1-D or 2-D'),
    ('norm axis range', lambda: L.norm(np.ones((2, 3)), axis=2), AxisError, 'out of bounds'),
    ('norm axis type', lambda: L.norm(np.ones((2, 3)), axis=1.0), TypeError, 'axis'),
    ('power exponent', lambda: L.matrix_power(np.eye(2), 2.0), TypeError, 'integer'),
    ('multi_dot one', lambda: L.multi_dot([np.eye(2)]), ValueError, 'two arrays'),
    ('multi_dot aligned', lambda: L.multi_dot([np.ones((2, 3)), np.ones((2, 3)), np.ones(3)]),
     ShapeError, 'not aligned'),
    ('tensorinv ind', lambda: L.tensorinv(np.ones((2, 2)), ind=0), ValueError, 'ind'),
    ('tensorinv square', lambda: L.tensorinv(np.ones((4, 6, 8, 3)), ind=1), ShapeError,
     'square'),
    ('tensorsolve', lambda: L.tensorsolve(np.ones((2, 3)), np.ones(2)), ShapeError, 'square'),
    ('tensorsolve axes', lambda: L.tensorsolve(np.ones((2, 3, 6)), np.ones((2, 3)), axes=(5,)),
     AxisError, 'out of bounds'),
    ('lstsq 3-D', lambda: L.lstsq(np.ones((2, 3, 2)), np.ones((2, 3)), rcond=None), ShapeError,
     '2-D'),
    ('complex dtype', lambda: L.inv(np.array(onp.eye(2) * 1j)), DTypeError, 'complex'),
]


@pytest.mark.parametrize('name, call, error, words', BAD, ids=[r[0] for r in BAD])
def test_bad_input(name, call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_gradients_that_do_not_exist_say_so():
    with pytest.raises(LinAlgError, match='singular'):
        _grad(lambda x: L.slogdet(x)[1], onp.array([[1., 2], [2, 4]]))
    with pytest.raises(LinAlgError, match='complete'):
        _grad(lambda x: L.qr(x, mode='complete')[0].sum(), U((4, 3), 80))


def test_matrix_power_zero_has_a_zero_gradient():
    onp.testing.assert_array_equal(_grad(lambda x: L.matrix_power(x, 0).sum(), SQ(3, 81)),
                                   onp.zeros((3, 3)))


def test_namespace_and_out():
    assert dir(L) == sorted(L.__all__) and len(L.__all__) == 20
    out = np.zeros((2, 2))
    r = L.multi_dot([np.eye(2), np.ones((2, 2))], out=out)
    assert r is out and float(out.sum()) == 4.0
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert L.lstsq(np.eye(2), np.ones(2), rcond=-1)[2] == 2

"""``np.linalg`` ops built on LU and Cholesky factorizations: ``inv``, ``det``, ``slogdet``,
``solve``, ``cholesky``, each over stacks of matrices (leading axes).

The factorizations are LAPACK's through ``numpy.linalg``; the backward rules are written with
the library's ops (``matmul``, ``solve``, ``inv``, ...), so second order records them.
"""
import numpy as _onp

from ..errors import LinAlgError, ShapeError
from .core import defop, result, results, output
from .linalg import matmul
from .shape import expand_dims, unbroadcast, astype
from .binary import promote, where
from .reduce import prod
from .np_linalg_common import matrices, float_input, restore, lapack, mT, tril


def _inv_backward(node, grads, needs):
    yt = mT(output(node))
    return (-matmul(matmul(yt, grads[0]), yt),)


_inv_op = defop('inv', _inv_backward)


def inv(a):
    """The inverse of each square matrix of ``a`` (..., M, M).  A singular matrix raises
    ``LinAlgError`` (MXNet 1.9.1: "the input matrix is non-convertible")."""
    x, dt = matrices(a, 'inv', square=True)
    y = lapack('inv', 'the matrix is singular (not invertible)', _onp.linalg.inv, x._data)
    return restore(result(_inv_op, (x,), y), dt)


# ---- determinants ------------------------------------------------------------------------
def _cofactors(x, d):
    """The cofactor matrices ``det(x) * inv(x).T``, also where ``x`` is singular (then from the
    SVD ``x = U diag(s) Vt``: ``det(U) det(Vt) U diag(prod_{j != i} s_j) Vt``)."""
    if bool(_onp.all(d._data != 0)):
        return expand_dims(expand_dims(d, -1), -1) * mT(inv(x))
    from .np_linalg_decomp import svd  # (a cycle otherwise: decompositions use solve)
    u, s, vt = svd(x)
    n = s.shape[-1]
    others = _onp.broadcast_to(_onp.eye(n, dtype=bool), s.shape[:-1] + (n, n))
    c = prod(where(others, 1.0, expand_dims(s, -2)), axis=-1)
    sign = _onp.linalg.det(u._data) * _onp.linalg.det(vt._data)
    scaled = u * expand_dims(c * _onp.asarray(sign, dtype=s.dtype)[..., None], -2)
    return matmul(scaled, vt)


def _det_backward(node, grads, needs):
    x = node.inputs[0]
    g = expand_dims(expand_dims(grads[0], -1), -1)
    return (g * _cofactors(x, output(node)),)


_det_op = defop('det', _det_backward)


def det(a):
    """The determinant of each square matrix of ``a`` (..., M, M) -> (...).  Differentiable
    everywhere, singular matrices included (the gradient is the cofactor matrix; MXNet 1.9.1
    gives zero there)."""
    x, dt = matrices(a, 'det', square=True)
    d = lapack('det', 'LAPACK failed', _onp.linalg.det, x._data)
    return restore(result(_det_op, (x,), _onp.asarray(d, dtype=x.dtype)), dt)


def _slogdet_backward(node, grads, needs):
    x = node.inputs[0]
    if grads[1] is None:
        return (None,)
    if not _onp.all(node.outputs[0] != 0):
        raise LinAlgError("linalg.slogdet: the gradient of log|det| is undefined at a singular "
                          "matrix (log|det| is -inf there)")
    g = expand_dims(expand_dims(grads[1], -1), -1)
    return (g * mT(inv(x)),)


_slogdet_op = defop('slogdet', _slogdet_backward, nout=2)


def slogdet(a):
    """``(sign, logabsdet)`` of each square matrix of ``a``: ``det = sign * exp(logabsdet)``.
    ``logabsdet`` is differentiable (its gradient is ``inv(a).T``); ``sign`` is piecewise
    constant.  A singular matrix gives ``(0, -inf)``.  A list, as MXNet 1.9.1 returns."""
    x, dt = matrices(a, 'slogdet', square=True)
    s, l = lapack('slogdet', 'LAPACK failed', _onp.linalg.slogdet, x._data)
    outs = results(_slogdet_op, (x,), [_onp.asarray(s, dtype=x.dtype),
                                        _onp.asarray(l, dtype=x.dtype)])
    return [restore(o, dt) for o in outs]


# ---- solving -----------------------------------------------------------------------------
def _solve_backward(node, grads, needs):
    a, b = node.inputs
    x = output(node)
    vector = node.attrs[0]
    gb = solve(mT(a), grads[0])
    ga = None
    if needs[0]:
        outer = (expand_dims(gb, -1) * expand_dims(x, -2)) if vector else matmul(gb, mT(x))
        ga = unbroadcast(-outer, a.shape)
    return ga, (unbroadcast(gb, b.shape) if needs[1] else None)


_solve_op = defop('solve', _solve_backward, params=('vector',))


def solve(a, b):
    """``x`` with ``a @ x == b`` for square ``a`` (..., M, M).  ``b`` is a stack of vectors
    (..., M) when it is 1-D or has one axis fewer than ``a`` (MXNet 1.9.1's and NumPy 1.x's
    rule), else a stack of matrices (..., M, K); leading axes broadcast.  A singular ``a``
    raises ``LinAlgError``."""
    x, dta = matrices(a, 'solve', square=True)
    y, dtb = float_input(b, 'solve', 'b')
    if y.ndim == 0:
        raise ShapeError(f"linalg.solve: b must be at least 1-D, got shape {y.shape}")
    vector = y.ndim == 1 or y.ndim == x.ndim - 1
    m = x.shape[-1]
    rows = y.shape[-1] if vector else y.shape[-2]
    if rows != m:
        raise ShapeError(f"linalg.solve: b has {rows} rows, a is {m} x {m} (shapes {x.shape} "
                         f"and {y.shape})")
    lead_b = y.shape[:-1] if vector else y.shape[:-2]
    try:
        _onp.broadcast_shapes(x.shape[:-2], lead_b)
    except ValueError:
        raise ShapeError(f"linalg.solve: the stack axes of a {x.shape[:-2]} and b {lead_b} "
                         "cannot be broadcast together") from None
    if x.dtype != y.dtype:
        dt = promote(x.dtype, y.dtype)
        x, y = astype(x, dt), astype(y, dt)
    bd = y._data[..., None] if vector else y._data
    out = lapack('solve', 'a is singular', _onp.linalg.solve, x._data, bd)
    if vector:
        out = out[..., 0]
    return restore(result(_solve_op, (x, y), _onp.ascontiguousarray(out), (vector,)),
                   dta if dta == dtb else x.dtype)


# ---- Cholesky ----------------------------------------------------------------------------
def _cholesky_backward(node, grads, needs):
    # PyTorch's rule (Murray 2016): the symmetric gradient L^-T Phi L^-1, where
    # Phi = (X + tril(X, -1).T) / 2 of X = tril(L.T gL): symmetric inputs are the domain.
    lo = output(node)
    xm = tril(matmul(mT(lo), grads[0]))
    phi = (xm + mT(tril(xm, -1))) * 0.5
    left = solve(mT(lo), phi)                   # L^-T Phi
    return (mT(solve(mT(lo), mT(left))),)       # (L^-T Phi) L^-1


_cholesky_op = defop('cholesky', _cholesky_backward)


def cholesky(a):
    """The lower-triangular ``L`` with ``L @ L.T == a`` for each symmetric positive-definite
    matrix of ``a`` (..., M, M); only the lower triangle of ``a`` is read.  The gradient is
    the symmetric one (as MXNet 1.9.1's and PyTorch's).  A matrix that is not positive
    definite raises ``LinAlgError``."""
    x, dt = matrices(a, 'cholesky', square=True)
    lo = lapack('cholesky', 'the matrix is not positive definite', _onp.linalg.cholesky,
                x._data)
    return restore(result(_cholesky_op, (x,), lo), dt)


__all__ = ['inv', 'det', 'slogdet', 'solve', 'cholesky']

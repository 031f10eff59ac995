"""``np.linalg`` decompositions: ``svd``, ``eigh``/``eigvalsh``, ``qr``, ``pinv`` (all
differentiable) and ``eig``/``eigvals`` (not), over stacks of matrices (leading axes).

LAPACK is NumPy's (``numpy.linalg``).  The backward rules are written with the library's ops:
SVD after Townsend (2016), ``eigh`` the symmetric rule, QR after Walter & Lehmann (m >= n, and
its split for m < n as PyTorch does), ``pinv`` after Golub & Pereyra (constant rank).  MXNet
1.9.1 gives zero gradients for ``eigh`` and ``pinv`` and none for ``qr``: these follow the math
(and PyTorch).  Singular-vector and eigenvector gradients need distinct singular values /
eigenvalues (the gaps divide), as everywhere.
"""
import numpy as _onp

from ..errors import LinAlgError
from .core import defop, result, results, output, nondiff, wrap
from .linalg import matmul
from .shape import expand_dims, concatenate
from .np_linalg_common import (matrices, restore, lapack, mT, diag_embed, tril, gap_matrix,
                               zeros_for)
from .np_linalg_inverse import solve


# ---- SVD ---------------------------------------------------------------------------------
def _svd_backward(node, grads, needs):
    u, s, vt = output(node, 0), output(node, 1), output(node, 2)
    gu, gs, gvt = grads
    m, k, n = u.shape[-2], s.shape[-1], vt.shape[-1]
    inner = diag_embed(gs) if gs is not None else None
    if gu is not None or gvt is not None:
        f = gap_matrix(s * s)                       # 1 / (s_j^2 - s_i^2)
        if gu is not None:
            ug = matmul(mT(u), gu)
            inner = _plus(inner, (f * (ug - mT(ug))) * expand_dims(s, -2))
        if gvt is not None:
            vg = matmul(vt, mT(gvt))
            inner = _plus(inner, expand_dims(s, -1) * (f * (vg - mT(vg))))
    ga = matmul(matmul(u, inner), vt)
    if gu is not None and m > k:                    # the part of gU outside span(U)
        ga = ga + matmul((gu - matmul(u, matmul(mT(u), gu))) / expand_dims(s, -2), vt)
    if gvt is not None and n > k:                   # the part of gVt outside span(Vt)
        ga = ga + matmul(u, (gvt - matmul(matmul(gvt, mT(vt)), vt)) / expand_dims(s, -1))
    return (ga,)


def _plus(a, b):
    return b if a is None else a + b


_svd_op = defop('svd', _svd_backward, nout=3)


def svd(a):
    """``(ut, s, v)`` with ``a == ut @ diag(s) @ v`` for each matrix of ``a`` (..., M, N):
    MXNet 1.9.1's order and shapes, ``ut`` (..., M, K), ``s`` (..., K) descending, ``v``
    (..., K, N), ``K = min(M, N)`` (MXNet 1.9.1 requires M <= N; M > N works here as NumPy's
    reduced SVD).  Signs of the singular vectors are LAPACK's (MXNet's may differ).  All three
    are differentiable (distinct singular values, and nonzero ones when M != N)."""
    x, dt = matrices(a, 'svd')
    u, s, vh = lapack('svd', 'the SVD did not converge', _onp.linalg.svd, x._data,
                      full_matrices=False)
    outs = results(_svd_op, (x,), [u, s, vh])
    return tuple(restore(o, dt) for o in outs)


# ---- symmetric eigendecomposition --------------------------------------------------------
def _eigh_backward(node, grads, needs):
    w, v = output(node, 0), output(node, 1)
    gw, gv = grads
    inner = diag_embed(gw) if gw is not None else None
    if gv is not None:
        inner = _plus(inner, gap_matrix(w) * matmul(mT(v), gv))
    ga = matmul(matmul(v, inner), mT(v))
    return ((ga + mT(ga)) * 0.5,)                   # symmetric: the domain is symmetric


_eigh_op = defop('eigh', _eigh_backward, params=('UPLO',), nout=2)


def _uplo(UPLO, name):
    up = UPLO.upper() if isinstance(UPLO, str) else None
    if up not in ('L', 'U'):
        raise ValueError(f"linalg.{name}: UPLO must be 'L' or 'U', got {UPLO!r}")
    return up


def eigh(a, UPLO='L'):
    """``(w, v)``: ascending eigenvalues and orthonormal eigenvectors (columns) of each
    symmetric matrix of ``a`` (..., M, M), read from its lower (``UPLO='L'``) or upper
    (``'U'``) triangle.  Differentiable (the symmetric gradient, as PyTorch's; MXNet 1.9.1
    gives zero); eigenvector gradients need distinct eigenvalues."""
    up = _uplo(UPLO, 'eigh')
    x, dt = matrices(a, 'eigh', square=True)
    w, v = lapack('eigh', 'the eigenvalue computation did not converge', _onp.linalg.eigh,
                  x._data, UPLO=up)
    outs = results(_eigh_op, (x,), [w, v], (up,))
    return tuple(restore(o, dt) for o in outs)


def eigvalsh(a, UPLO='L'):
    """The ascending eigenvalues of each symmetric matrix of ``a`` (see ``eigh``)."""
    return eigh(a, UPLO)[0]


# ---- QR ----------------------------------------------------------------------------------
def _qr_tall(q, r, gq, gr):
    """The gradient of A = QR for M >= N (R square and invertible)."""
    mm = matmul(r, mT(gr)) - matmul(mT(gq), q)
    copied = tril(mm) + mT(tril(mm, -1))            # the lower triangle mirrored upward
    return mT(solve(r, mT(gq + matmul(q, copied))))  # (...) R^-T


def _qr_backward(node, grads, needs):
    a = node.inputs[0]
    m, n = a.shape[-2:]
    if node.attrs[0] == 'complete' and m > n:
        raise LinAlgError("linalg.qr: mode='complete' with more rows than columns has no "
                          "gradient (Q is not unique); use mode='reduced'")
    q, r = output(node, 0), output(node, 1)
    gq = grads[0] if grads[0] is not None else zeros_for(q)
    gr = grads[1] if grads[1] is not None else zeros_for(r)
    if m >= n:
        return (_qr_tall(q, r, gq, gr),)
    y, gy_r = a[..., :, m:], gr[..., :, m:]         # A = [X | Y], R = [U | Q^T Y]
    gx = _qr_tall(q, r[..., :, :m], gq + matmul(y, mT(gy_r)), gr[..., :, :m])
    return (concatenate([gx, matmul(q, gy_r)], axis=-1),)


_qr_op = defop('qr', _qr_backward, params=('mode',), nout=2)


def qr(a, mode='reduced'):
    """QR factorization of each matrix of ``a`` (..., M, N): ``(q, r)`` for ``mode='reduced'``
    (K = min(M, N) columns of q) and ``'complete'`` (q square), ``r`` alone for ``'r'``,
    LAPACK's ``(h, tau)`` for ``'raw'`` (not differentiable).  Differentiable when R is
    invertible (MXNet 1.9.1 has no gradient here; this follows PyTorch)."""
    if mode not in ('reduced', 'complete', 'r', 'raw'):
        raise ValueError(f"linalg.qr: unrecognized mode {mode!r} (one of 'reduced', "
                         "'complete', 'r', 'raw')")
    x, dt = matrices(a, 'qr')
    if mode == 'raw':
        h, tau = lapack('qr', 'the factorization failed', _onp.linalg.qr, x._data, mode='raw')
        return nondiff('qr', (x,), wrap(h)), nondiff('qr', (x,), wrap(tau))
    q, r = lapack('qr', 'the factorization failed', _onp.linalg.qr, x._data,
                  mode='complete' if mode == 'complete' else 'reduced')
    outs = results(_qr_op, (x,), [q, r], (mode,))
    outs = tuple(restore(o, dt) for o in outs)
    return outs[1] if mode == 'r' else outs


# ---- pseudo-inverse ----------------------------------------------------------------------
def _pinv_backward(node, grads, needs):
    a, p, g = node.inputs[0], output(node), grads[0]
    pt, gt = mT(p), mT(g)
    z = matmul(gt, matmul(p, pt))                   # G^T P P^T
    w = matmul(matmul(pt, p), gt)                   # P^T P G^T
    return (-matmul(matmul(pt, g), pt) + (z - matmul(a, matmul(p, z)))
            + (w - matmul(matmul(w, p), a)),)


_pinv_op = defop('pinv', _pinv_backward, params=('rcond', 'hermitian'))


def pinv(a, rcond=1e-15, hermitian=False):
    """The Moore-Penrose pseudo-inverse (..., N, M) of each matrix of ``a`` (..., M, N), from
    its SVD: singular values at most ``rcond`` times the largest count as zero (``rcond`` may
    be an array over the stack).  ``hermitian=True`` uses the symmetric eigendecomposition
    (MXNet 1.9.1 raises NotImplementedError).  Differentiable where the rank is constant
    (MXNet 1.9.1 gives zero)."""
    x, dt = matrices(a, 'pinv')
    rc = rcond._data if hasattr(rcond, '_data') else _onp.asarray(rcond)
    p = lapack('pinv', 'the SVD did not converge', _onp.linalg.pinv, x._data, rcond=rc,
               hermitian=bool(hermitian))
    attr = float(rc) if rc.ndim == 0 else tuple(rc.ravel().tolist())
    return restore(result(_pinv_op, (x,), _onp.asarray(p, dtype=x.dtype),
                          (attr, bool(hermitian))), dt)


# ---- general eigendecomposition (not differentiable) -------------------------------------
def _real_eig(name, fn, x):
    out = lapack(name, 'the eigenvalue computation did not converge', fn, x._data)
    w = out[0] if isinstance(out, tuple) else out
    if _onp.iscomplexobj(w):
        if _onp.any(w.imag != 0):
            raise LinAlgError(f"linalg.{name}: the matrix has complex eigenvalues, which autodiff "
                              "does not support (MXNet 1.9.1 raises too: 'Complex eigvals is "
                              "unsupported')")
        out = tuple(o.real for o in out) if isinstance(out, tuple) else out.real
    return out


def eig(a):
    """``(w, v)``: eigenvalues and right eigenvectors (columns) of each square matrix of ``a``.
    Real results only: complex eigenvalues raise ``LinAlgError`` (as MXNet 1.9.1).  Not
    differentiable."""
    x, dt = matrices(a, 'eig', square=True)
    w, v = _real_eig('eig', _onp.linalg.eig, x)
    return (nondiff('eig', (x,), wrap(w.astype(dt, copy=False))),
            nondiff('eig', (x,), wrap(v.astype(dt, copy=False))))


def eigvals(a):
    """The eigenvalues of each square matrix of ``a`` (real ones only, see ``eig``).  Not
    differentiable."""
    x, dt = matrices(a, 'eigvals', square=True)
    w = _real_eig('eigvals', _onp.linalg.eigvals, x)
    return nondiff('eigvals', (x,), wrap(w.astype(dt, copy=False)))


__all__ = ['svd', 'eigh', 'eigvalsh', 'qr', 'pinv', 'eig', 'eigvals']

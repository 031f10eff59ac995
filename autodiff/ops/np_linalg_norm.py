"""``np.linalg.norm`` (differentiable), ``cond`` and ``matrix_rank`` (not).

The 2-norm / Frobenius norm is one op (``norm``: its gradient is ``x / norm``, and 0 where
the norm is 0, PyTorch's subgradient; MXNet 1.9.1 gives NaN there).  Every other order is a
composition of the library's ops as MXNet writes it: ``sum(abs(x) ** p) ** (1 / p)``, row or
column sums of ``abs`` under ``max``/``min``, singular values from ``svd`` for the spectral
(2, -2) and nuclear norms.  ``cond`` and ``matrix_rank`` are NumPy's (LAPACK SVD).
"""
import numpy as _onp

from ..errors import ShapeError
from .core import defop, result, output, nondiff, wrap
from .axes import normalize_axes
from .shape import reshape, transpose
from .reduce import sum as _sum, max as _max, min as _min
from .binary import where
from .unary import abs as _abs
from .np_linalg_common import float_input, matrices, restore, lapack
from .np_linalg_decomp import svd


def _l2_backward(node, grads, needs):
    x = node.inputs[0]
    axes, keepdims = node.attrs
    kd = tuple(1 if i in axes else s for i, s in enumerate(x.shape))
    n, g = reshape(output(node), kd), reshape(grads[0], kd)
    positive = wrap(n._data > 0)
    return (x * where(positive, g / where(positive, n, 1.0), 0.0),)


_l2_op = defop('norm', _l2_backward, params=('axis', 'keepdims'))


def _l2(x, axes, keepdims):
    d = x._data
    out = _onp.sqrt(_onp.sum(d * d, axis=axes, keepdims=keepdims))
    return result(_l2_op, (x,), _onp.asarray(out, dtype=d.dtype), (axes, keepdims))


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (list, tuple)):
        items = tuple(axis)
    elif isinstance(axis, (int, _onp.integer)) and not isinstance(axis, bool):
        items = (axis,)
    else:
        raise TypeError(f"linalg.norm: axis must be None, an int or a tuple of ints, got "
                        f"{axis!r}")
    if len(items) not in (1, 2):
        raise ShapeError(f"linalg.norm: axis must name 1 axis (vector norms) or 2 (matrix "
                         f"norms), got {axis!r}")
    normalize_axes(items, ndim, 'linalg.norm')      # types, bounds and repeats
    return tuple(int(a) % ndim for a in items)


def _vector(x, p, ax, keepdims):
    if p is None or p == 2 or p == 'fro':          # 'fro' on vectors: MXNet 1.9.1's 2-norm
        return _l2(x, (ax,), keepdims)
    if isinstance(p, str):
        raise ValueError(f"linalg.norm: invalid norm order {p!r} for vectors")
    if p == _onp.inf:
        return _max(_abs(x), axis=ax, keepdims=keepdims)
    if p == -_onp.inf:
        return _min(_abs(x), axis=ax, keepdims=keepdims)
    if p == 0:
        count = _onp.sum(x._data != 0, axis=ax, keepdims=keepdims).astype(x.dtype)
        return nondiff('norm', (x,), wrap(count))
    if p == 1:
        return _sum(_abs(x), axis=ax, keepdims=keepdims)
    return _sum(_abs(x) ** float(p), axis=ax, keepdims=keepdims) ** (1.0 / float(p))


def _matrix(x, p, axes, keepdims):
    r, c = axes
    if p is None or p == 'fro':
        return _l2(x, tuple(sorted(axes)), keepdims)
    if p in (2, -2, 'nuc'):
        rest = [i for i in range(x.ndim) if i not in axes]
        s = svd(transpose(x, rest + [r, c]))[1]
        v = _sum(s, axis=-1) if p == 'nuc' else (_max if p == 2 else _min)(s, axis=-1)
        if keepdims:
            kd = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
            v = reshape(v, kd)
        return v
    if p in (1, -1, _onp.inf, -_onp.inf) and not isinstance(p, bool):
        inner, outer = (r, c) if p in (1, -1) else (c, r)   # 1: column sums; inf: row sums
        pick = _max if p in (1, _onp.inf) else _min
        v = pick(_sum(_abs(x), axis=inner, keepdims=True), axis=outer, keepdims=True)
        if not keepdims:
            v = reshape(v, tuple(n for i, n in enumerate(x.shape) if i not in axes))
        return v
    raise ValueError(f"linalg.norm: invalid norm order {p!r} for matrices")


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm (MXNet 1.9.1 / NumPy): ``axis`` None (the whole array's 2-norm
    when ``ord`` is None; else ``x`` must be 1-D or 2-D), an int (vector norms along it) or a
    2-tuple (matrix norms over those axes).  Vector orders: None/2, inf, -inf, 0 (the count
    of nonzeros, not differentiable), any other p; matrix orders: None/'fro', 'nuc', inf,
    -inf, 1, -1, 2, -2.  Differentiable; integer inputs give float32."""
    a, dt = float_input(x, 'norm', 'x')
    if axis is None and ord is None:
        return restore(_l2(a, tuple(range(a.ndim)), keepdims), dt)
    if axis is None and a.ndim not in (1, 2):
        raise ShapeError(f"linalg.norm: with ord={ord!r} and axis=None, x must be 1-D or 2-D, "
                         f"got shape {a.shape}")
    axes = _axes(axis, a.ndim)
    if len(axes) == 1:
        return restore(_vector(a, ord, axes[0], keepdims), dt)
    return restore(_matrix(a, ord, axes, keepdims), dt)


def cond(x, p=None):
    """The condition number of each matrix of ``x`` in norm ``p`` (None/2, -2, 'fro', 'nuc',
    inf, -inf, 1, -1; all but None/2/-2 need square matrices).  Not differentiable; an array
    of ``x``'s float dtype (MXNet 1.9.1 returns a NumPy scalar here)."""
    a, dt = matrices(x, 'cond', 'x', square=p not in (None, 2, -2))
    c = lapack('cond', 'the computation failed', _onp.linalg.cond, a._data, p)
    return nondiff('cond', (a,), wrap(_onp.asarray(c, dtype=dt)))


def matrix_rank(A, tol=None, hermitian=False):
    """The rank of each matrix of ``A`` (..., M, N): its singular values above ``tol``
    (default ``max(s) * max(M, N) * eps``); a vector has rank 1 unless it is all zeros.  An
    int64 array, not differentiable (MXNet 1.9.1 returns a NumPy scalar for one matrix)."""
    a, _ = float_input(A, 'matrix_rank', 'A')
    t = tol._data if hasattr(tol, '_data') else tol
    r = lapack('matrix_rank', 'the SVD did not converge', _onp.linalg.matrix_rank, a._data,
               tol=t, hermitian=bool(hermitian))
    return nondiff('matrix_rank', (a,), wrap(_onp.asarray(r, dtype=_onp.int64)))


__all__ = ['norm', 'cond', 'matrix_rank']

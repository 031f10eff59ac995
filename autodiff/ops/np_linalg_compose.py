"""``np.linalg`` functions that are compositions of other ops (so differentiable through
them, to any order): ``matrix_power`` (repeated squaring with ``matmul``, ``inv`` for negative
powers), ``multi_dot`` (``matmul`` in the cheapest order, NumPy's dynamic program),
``tensorinv`` / ``tensorsolve`` (reshapes around ``inv`` / ``solve``) and ``lstsq`` (the
minimum-norm solution ``pinv(a) @ b`` with LAPACK's cutoff).  MXNet 1.9.1 runs
``matrix_power``, ``multi_dot`` and ``lstsq`` through NumPy without gradients; here they have
them.
"""
import math
import operator
import warnings

import numpy as _onp

from ..errors import ShapeError
from .core import nondiff, wrap
from .convert import as_array
from .linalg import matmul, dot
from .axes import normalize_axis
from .binary import where
from .shape import reshape, transpose, squeeze
from .reduce import sum as _sum
from .np_linalg_common import float_input, matrices, restore, lapack, eps
from .np_linalg_inverse import inv, solve
from .np_linalg_decomp import pinv


def matrix_power(a, n):
    """``a`` (..., M, M) raised to the integer power ``n`` by repeated squaring; ``n < 0``
    inverts first, ``n == 0`` gives identities.  ``n`` must be an integer (TypeError)."""
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"linalg.matrix_power: exponent must be an integer, got {n!r}") from None
    x, dt = matrices(a, 'matrix_power', square=True)
    if n == 0:                  # identities, tied to ``a`` with a zero gradient (as PyTorch)
        eye = _onp.broadcast_to(_onp.eye(x.shape[-1], dtype=x.dtype), x.shape)
        return restore(where(wrap(_onp.ones(x.shape, dtype=bool)), wrap(_onp.array(eye)), x), dt)
    if n < 0:
        x, n = inv(x), -n
    out, base = None, x
    while True:
        if n & 1:
            out = base if out is None else matmul(out, base)
        n >>= 1
        if not n:
            return restore(out, dt)
        base = matmul(base, base)


def _chain_order(shapes):
    """NumPy's ``_multi_dot_matrix_chain_order``: ``split[i][j]`` is where the cheapest
    product of matrices i..j splits (shapes are 2-D)."""
    p = [s[0] for s in shapes] + [shapes[-1][1]]
    k = len(shapes)
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j] = math.inf
            for s in range(i, j):
                c = cost[i][s] + cost[s + 1][j] + p[i] * p[s + 1] * p[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, s
    return split


def _product(arrays, split, i, j):
    if i == j:
        return arrays[i]
    s = split[i][j]
    return matmul(_product(arrays, split, i, s), _product(arrays, split, s + 1, j))


def multi_dot(arrays):
    """The product of two or more arrays in the cheapest order: the first may be 1-D (a row
    vector) and the last 1-D (a column vector), the others 2-D; two arrays are ``dot``."""
    arrays = [as_array(x) for x in arrays]
    if len(arrays) < 2:
        raise ValueError("linalg.multi_dot: expecting at least two arrays")
    if len(arrays) == 2:
        return dot(arrays[0], arrays[1])
    first, last = arrays[0].ndim == 1, arrays[-1].ndim == 1
    mats = list(arrays)
    if first:
        mats[0] = reshape(mats[0], (1, -1))
    if last:
        mats[-1] = reshape(mats[-1], (-1, 1))
    for i, m in enumerate(mats):
        if m.ndim != 2:
            raise ShapeError(f"linalg.multi_dot: array {i} has shape {arrays[i].shape}; the "
                             "first and last may be 1-D, every array must be 2-D")
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise ShapeError(f"linalg.multi_dot: shapes {arrays[i].shape} (array {i}) and "
                             f"{arrays[i + 1].shape} (array {i + 1}) are not aligned")
    out = _product(mats, _chain_order([m.shape for m in mats]), 0, len(mats) - 1)
    if first and last:
        return reshape(out, ())
    if first or last:
        return squeeze(out, 0 if first else 1)
    return out


def tensorinv(a, ind=2):
    """The inverse of ``a`` as a linear map from its first ``ind`` axes to the rest:
    shape ``a.shape[ind:] + a.shape[:ind]``; ``prod(a.shape[:ind])`` must equal
    ``prod(a.shape[ind:])``."""
    x = as_array(a)
    if not isinstance(ind, (int, _onp.integer)) or isinstance(ind, bool) or ind <= 0:
        raise ValueError(f"linalg.tensorinv: ind must be a positive integer, got {ind!r}")
    front, back = x.shape[:ind], x.shape[ind:]
    rows, cols = math.prod(front), math.prod(back)
    if rows != cols:
        raise ShapeError(f"linalg.tensorinv: a must be 'square': prod(a.shape[:{ind}]) = {rows}"
                         f" != prod(a.shape[{ind}:]) = {cols} (shape {x.shape})")
    return reshape(inv(reshape(x, (rows, cols))), back + front)


def tensorsolve(a, b, axes=None):
    """``x`` with ``tensordot(a, x, x.ndim) == b``: ``x`` has shape ``a.shape[b.ndim:]``
    (after moving ``axes`` of ``a`` to the end), and ``prod(x.shape) == b.size``."""
    x, y = as_array(a), as_array(b)
    if axes is not None:
        moved = [normalize_axis(ax, x.ndim, 'linalg.tensorsolve') for ax in axes]
        x = transpose(x, [k for k in range(x.ndim) if k not in moved] + moved)
    shape = x.shape[y.ndim:]
    n = math.prod(shape)
    if x.size != n * n or y.size != n:
        raise ShapeError(f"linalg.tensorsolve: a must be 'square' over b: prod(a.shape"
                         f"[b.ndim:]) = {n} must equal prod(a.shape[:b.ndim]) and b.size "
                         f"(a {x.shape}, b {y.shape})")
    return reshape(solve(reshape(x, (n, n)), reshape(y, (n,))), shape)


_RCOND_WARNING = ("`rcond` parameter will change to the default of machine precision times "
                  "``max(M, N)`` where M and N are the input matrix dimensions.\nTo use the "
                  "future default and silence this warning we advise to pass `rcond=None`, to "
                  "keep using the old, explicitly pass `rcond=-1`.")


def lstsq(a, b, rcond='warn'):
    """The least-squares solution of ``a @ x = b`` for a matrix ``a`` (M, N) and ``b`` (M,) or
    (M, K): ``(x, residuals, rank, s)`` as NumPy's.  Singular values at most ``rcond`` times
    the largest count as zero; ``rcond=None`` means ``eps * max(M, N)``, a negative one (and
    the default ``'warn'``, which warns as MXNet 1.9.1 does) machine precision.  ``x`` (the
    minimum-norm solution ``pinv(a) @ b``) and ``residuals`` are differentiable; ``rank`` (a
    NumPy int) and ``s`` are not."""
    x, dt = float_input(a, 'lstsq')
    y, _ = float_input(b, 'lstsq', 'b')
    if x.ndim != 2:
        raise ShapeError(f"linalg.lstsq: a must be 2-D, got shape {x.shape}")
    if y.ndim not in (1, 2) or y.shape[0] != x.shape[0]:
        raise ShapeError(f"linalg.lstsq: b must be ({x.shape[0]},) or ({x.shape[0]}, K) for a "
                         f"of shape {x.shape}, got {y.shape}")
    if isinstance(rcond, str) and rcond == 'warn':
        warnings.warn(_RCOND_WARNING, FutureWarning, stacklevel=2)
        rcond = -1
    m, n = x.shape
    if rcond is None:
        rcond = eps(x.dtype) * max(m, n)
    elif rcond < 0:
        rcond = eps(x.dtype)
    s = lapack('lstsq', 'the SVD did not converge', _onp.linalg.svd, x._data, compute_uv=False)
    rank = int(_onp.sum(s > rcond * s.max())) if s.size else 0
    if y.dtype != x.dtype:
        y = y.astype(x.dtype)
    sol = matmul(pinv(x, rcond=rcond), y)
    if rank == n and m > n:
        residuals = _sum((y - matmul(x, sol)) ** 2, axis=0)
        if residuals.ndim == 0:
            residuals = reshape(residuals, (1,))
    else:
        residuals = wrap(_onp.empty((0,), dtype=x.dtype))
    return (restore(sol, dt), restore(residuals, dt), _onp.int32(rank),
            nondiff('lstsq', (x,), wrap(s.astype(dt, copy=False))))


__all__ = ['matrix_power', 'multi_dot', 'tensorinv', 'tensorsolve', 'lstsq']

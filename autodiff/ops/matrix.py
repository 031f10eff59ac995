"""Matrix structure: ``diag``, ``diagflat``, ``diagonal``, ``tril``, ``triu``, ``trace``,
``vander`` and the index helpers ``diag_indices_from``, ``tril_indices_from``,
``triu_indices_from``.

``diag``, ``diagflat``, ``diagonal``, ``tril`` and ``triu`` move elements with NumPy and
share the scatter-add backward of ``ops/gather.py``; ``trace`` is ``sum`` of
``diagonal``; ``vander`` multiplies columns with the library's ``multiply``.  The index
helpers are not differentiable (int64 arrays, as in MXNet 1.9.1).

``triu`` is not in MXNet 1.9.1's ``np`` (only ``tril`` is); it is an extra here, listed in
``tests/test_namespaces.py``.
"""
import numpy as _onp

from ..errors import ShapeError
from ..ndarray import wrap
from .convert import as_array
from .core import nondiff
from .gather import defgather, gather
from .reduce import sum as _sum
from .shape import stack, astype
from .creation import ones
from .axes import normalize_axis


def _int(k, name, arg):
    if not isinstance(k, (int, _onp.integer)) or isinstance(k, bool):
        raise TypeError(f"{name}: {arg} must be an int, got {k!r}")
    return int(k)


_diag_op = defgather('diag')


def diag(array, k=0):
    """The ``k``-th diagonal of a 2-D array, or a 2-D array with a 1-D array on its ``k``-th
    diagonal."""
    x = as_array(array)
    k = _int(k, 'diag', 'k')
    if x.ndim not in (1, 2):
        raise ShapeError(f"diag: the input must be 1-D or 2-D, got shape {x.shape}")
    return gather(_diag_op, (x,), lambda bufs, labels: _onp.diag(bufs[0], k))


_diagflat_op = defgather('diagflat')


def diagflat(array, k=0):
    """A 2-D array with the flattened input on its ``k``-th diagonal."""
    x = as_array(array)
    k = _int(k, 'diagflat', 'k')
    return gather(_diagflat_op, (x,), lambda bufs, labels: _onp.diagflat(bufs[0], k))


_diagonal_op = defgather('diagonal')


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonals at ``offset`` of the planes of ``axis1`` and ``axis2`` (moved last)."""
    x = as_array(a)
    offset = _int(offset, 'diagonal', 'offset')
    if x.ndim < 2:
        raise ShapeError(f"diagonal: the array must have at least 2 dimensions, got shape "
                         f"{x.shape}")
    a1, a2 = normalize_axis(axis1, x.ndim, 'diagonal'), normalize_axis(axis2, x.ndim, 'diagonal')
    if a1 == a2:
        raise ValueError(f"diagonal: axis1 and axis2 cannot be the same (both {a1})")
    return gather(_diagonal_op, (x,),
                  lambda bufs, labels: _onp.diagonal(bufs[0], offset, a1, a2))


def _triangle(name, numpy_fn):
    op = defgather(name)

    def apply(m, k=0):
        x = as_array(m)
        k = _int(k, name, 'k')
        if x.ndim < 1:
            raise ShapeError(f"{name}: the input must have at least 1 dimension, got a 0-d array")
        return gather(op, (x,), lambda bufs, labels: numpy_fn(bufs[0], k))
    apply.__name__ = apply.__qualname__ = name
    return apply


tril = _triangle('tril', _onp.tril)
tril.__doc__ = ("A copy with the elements above the ``k``-th diagonal zeroed (of the last two "
                "axes; a 1-D input is taken as a row repeated).")
triu = _triangle('triu', _onp.triu)
triu.__doc__ = ("A copy with the elements below the ``k``-th diagonal zeroed (of the last two "
                "axes; a 1-D input is taken as a row repeated).  Not in MXNet 1.9.1's np.")


def trace(a, offset=0, axis1=0, axis2=1):
    """The sum along the diagonals (``diagonal``'s arguments).  Integer arrays keep their dtype
    (MXNet 1.9.1: ``trace`` of int32 is int32; NumPy would give int64)."""
    x = as_array(a)
    s = _sum(diagonal(x, offset, axis1, axis2), axis=-1)
    if x.dtype.kind in 'iu' and s.dtype != x.dtype:
        s = astype(s, x.dtype)
    return s


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of 1-D ``x``: columns ``x**(N-1) ... x**0`` (increasing:
    reversed), as products of ``x`` (differentiable; dtype as NumPy's, float64 for floats,
    int64 for integers, as MXNet 1.9.1 returns)."""
    v = as_array(x)
    if v.ndim != 1:
        raise ShapeError(f"vander: x must be 1-D, got shape {v.shape}")
    n = v.shape[0] if N is None else _int(N, 'vander', 'N')
    if n < 0:
        raise ValueError(f"vander: N must be non-negative, got {n}")
    dt = _onp.promote_types(v.dtype if v.dtype.kind != 'b' else _onp.int64, _onp.int64)
    v = astype(v, dt) if v.dtype != dt else v
    if n == 0:
        return wrap(_onp.zeros((v.shape[0], 0), dt))
    cols = [ones(v.shape, dtype=dt)]
    for _ in range(1, n):
        cols.append(cols[-1] * v if len(cols) > 1 else v)
    if not increasing:
        cols = cols[::-1]
    return stack(cols, axis=1)


def _square_check(arr, name):
    d = as_array(arr)
    if d.ndim < 2:
        raise ShapeError(f"{name}: the input must be at least 2-D, got shape {d.shape}")
    return d


def diag_indices_from(arr):
    """Indices of the main diagonal of an n-dimensional array with all sides equal (int64)."""
    d = _square_check(arr, 'diag_indices_from')
    if len(set(d.shape)) != 1:
        raise ShapeError(f"diag_indices_from: all dimensions of the input must be of equal "
                         f"length, got shape {d.shape}")
    return tuple(nondiff('diag_indices_from', (d,), wrap(i))
                 for i in _onp.diag_indices(d.shape[0], d.ndim))


def tril_indices_from(arr, k=0):
    """Indices of the lower triangle (diagonal ``k`` and below) of a 2-D array (int64)."""
    d = _square_check(arr, 'tril_indices_from')
    if d.ndim != 2:
        raise ShapeError(f"tril_indices_from: the input must be 2-D, got shape {d.shape}")
    k = _int(k, 'tril_indices_from', 'k')
    return tuple(nondiff('tril_indices_from', (d,), wrap(i.astype(_onp.int64)))
                 for i in _onp.tril_indices(d.shape[0], k, d.shape[1]))


def triu_indices_from(arr, k=0):
    """Indices of the upper triangle (diagonal ``k`` and above) of a 2-D array (int64)."""
    d = _square_check(arr, 'triu_indices_from')
    if d.ndim != 2:
        raise ShapeError(f"triu_indices_from: the input must be 2-D, got shape {d.shape}")
    k = _int(k, 'triu_indices_from', 'k')
    return tuple(nondiff('triu_indices_from', (d,), wrap(i.astype(_onp.int64)))
                 for i in _onp.triu_indices(d.shape[0], k, d.shape[1]))

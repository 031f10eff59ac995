"""Shared machinery of the ``np.linalg`` op modules: input checks, dtypes, LAPACK calls and the
small matrix helpers their backward rules are written with.

LAPACK is NumPy's (``numpy.linalg``); its ``LinAlgError`` becomes the library's
``LinAlgError`` naming the function.  The helpers (``mT``, ``diag_embed``, ``diagonal``,
``tril``, ``gap_matrix``) are compositions of the library's own differentiable ops, so the
backward rules built from them are recorded under ``create_graph=True``.

Dtypes: float32 and float64 compute in their own precision; float16 computes in float32 and
its results are cast back to float16 (MXNet 1.9.1 accepts float16; LAPACK has no half
precision); integer and bool inputs compute in float32 (the library's rule for float
functions of integers; MXNet 1.9.1 refuses them in ``inv``/``det`` and truncates ``norm``).
"""
import numpy as _onp

from ..errors import LinAlgError, ShapeError, DTypeError
from .convert import as_array
from .binary import where, multiply
from .shape import swapaxes, expand_dims, astype
from .reduce import sum as _sum
from .core import wrap


def float_input(a, name, what='a'):
    """``a`` as an array of a LAPACK dtype (float32/float64), and the dtype to return.

    float16 arrays are cast (differentiably) to float32 and are to be cast back with
    ``restore``; integers and bools become float32 arrays (and stay so)."""
    x = as_array(a)
    dt = x.dtype
    if dt.kind == 'c':
        raise DTypeError(f"linalg.{name}: {what} has the complex dtype {dt}, which autodiff "
                         "does not support")
    if dt in (_onp.float32, _onp.float64):
        return x, dt
    if dt.kind not in 'fiub':
        raise DTypeError(f"linalg.{name}: {what} has the unsupported dtype {dt}")
    work = astype(x, _onp.float32)
    return work, (dt if dt == _onp.float16 else _onp.dtype(_onp.float32))


def restore(r, dt):
    """Cast result ``r`` back to the caller's dtype ``dt`` (float16 inputs)."""
    return r if r.dtype == dt else astype(r, dt)


def matrices(a, name, what='a', square=False):
    """``float_input`` of a stack of matrices: at least 2-D (and square when asked)."""
    x, dt = float_input(a, name, what)
    if x.ndim < 2:
        raise ShapeError(f"linalg.{name}: {what} must be at least 2-D (a stack of matrices), "
                         f"got shape {x.shape}")
    if square and x.shape[-1] != x.shape[-2]:
        raise ShapeError(f"linalg.{name}: the last two axes of {what} must be square, got "
                         f"shape {x.shape}")
    return x, dt


def lapack(name, problem, fn, *args, **kwargs):
    """``fn(*args)`` (a ``numpy.linalg`` routine); its LinAlgError becomes ours, saying
    ``problem`` (what it means for this function) and NumPy's words."""
    try:
        with _onp.errstate(all='ignore'):
            return fn(*args, **kwargs)
    except _onp.linalg.LinAlgError as e:
        raise LinAlgError(f"linalg.{name}: {problem} (LAPACK: {e})") from None


def eps(dt):
    """Machine epsilon of a float dtype."""
    return float(_onp.finfo(dt).eps)


# ---- matrix helpers, written with the library's ops (differentiable) -------------------------
def mT(x):
    """Transpose of the last two axes."""
    return swapaxes(x, -1, -2)


def eye(n, dt):
    """An ``n`` x ``n`` identity (a constant array)."""
    return wrap(_onp.eye(n, dtype=dt))


def diag_embed(v):
    """Matrices with ``v`` (..., n) on their diagonals."""
    n = v.shape[-1]
    return multiply(expand_dims(v, -1), eye(n, v.dtype))


def diagonal(m):
    """The diagonals (..., n) of square matrices (..., n, n)."""
    return _sum(multiply(m, eye(m.shape[-1], m.dtype)), axis=-1)


def tril(m, k=0):
    """The lower triangle (on and below diagonal ``k``) of matrices; the rest zero."""
    mask = _onp.tri(m.shape[-2], m.shape[-1], k, dtype=m.dtype)
    return multiply(m, wrap(mask))


def gap_matrix(w):
    """``F`` with ``F[..., i, j] = 1 / (w[j] - w[i])`` off the diagonal and 0 on it: the
    eigenvalue gaps of the eigenvector (and singular vector) derivatives."""
    n = w.shape[-1]
    on_diag = wrap(_onp.eye(n, dtype=bool))
    gaps = expand_dims(w, -2) - expand_dims(w, -1)
    return where(on_diag, 0.0, 1.0 / where(on_diag, 1.0, gaps))


def zeros_for(x):
    """A zero array of ``x``'s shape and dtype (a missing output gradient)."""
    return wrap(_onp.zeros(x.shape, dtype=x.dtype))

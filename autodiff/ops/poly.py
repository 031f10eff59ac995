"""Polynomials and interpolation: ``polyval``, ``polyadd``, ``polysub``, ``polymul``,
``polyint``, ``polydiv``, ``polyfit``, ``poly``, ``roots``, ``interp``, ``unwrap``,
``trim_zeros``.

Differentiable, as compositions of the library's ops: ``polyval`` (Horner's rule),
``polyadd``/``polysub`` (``concatenate`` + add), ``polymul`` (an outer product summed
along anti-diagonals by ``scatter_add``), ``polyint`` (divide + ``concatenate``),
``interp`` (in ``x``, ``xp`` and ``fp``: the two neighbours found by NumPy's
``searchsorted``, a library search, then a linear blend), ``unwrap`` (the input plus a
piecewise-constant correction) and ``trim_zeros`` (a slice, with ``ops/gather.py``'s
backward).  ``polydiv``, ``polyfit`` (least squares), ``poly`` and ``roots``
(eigenvalues) are NumPy's library algorithms and not differentiable (in MXNet 1.9.1 all
of these are NumPy fallbacks, differentiable nowhere).  Dtypes follow MXNet 1.9.1 (that
is, NumPy's): ``polyint``, ``polyfit`` and ``interp`` give float64.
"""
import numpy as _onp

from ..errors import DTypeError, ShapeError
from ..ndarray import ndarray, wrap
from .convert import as_array
from .core import nondiff
from .gather import defgather, gather
from .indexing import getitem, scatter_add
from .binary import where, mod
from .shape import astype, concatenate, reshape
from .creation import zeros


def _vector(p, name, arg='p'):
    v = as_array(p)
    if v.ndim != 1:
        raise ShapeError(f"{name}: {arg} must be a 1-D array of coefficients, got shape "
                         f"{v.shape}")
    return v


def polyval(p, x):
    """The polynomial with coefficients ``p`` (highest power first) at ``x``; Horner's rule,
    differentiable in ``p`` and ``x``."""
    c = _vector(p, 'polyval')
    v = as_array(x)
    if c.shape[0] == 0:
        return zeros(v.shape, dtype=v.dtype)
    y = getitem(c, 0) + v * 0
    for i in range(1, c.shape[0]):
        y = y * v + getitem(c, i)
    return y


def _lead_pad(a, n):
    return a if n == 0 else concatenate([zeros((n,), dtype=a.dtype), a])


def _aligned(a1, a2, name):
    a, b = _vector(a1, name, 'a1'), _vector(a2, name, 'a2')
    n = max(a.shape[0], b.shape[0])
    return _lead_pad(a, n - a.shape[0]), _lead_pad(b, n - b.shape[0])


def polyadd(a1, a2):
    """The sum of two polynomials (coefficient arrays, highest power first)."""
    a, b = _aligned(a1, a2, 'polyadd')
    return a + b


def polysub(a1, a2):
    """The difference of two polynomials."""
    a, b = _aligned(a1, a2, 'polysub')
    return a - b


def polymul(a1, a2):
    """The product of two polynomials (the convolution of their coefficients)."""
    a, b = _vector(a1, 'polymul', 'a1'), _vector(a2, 'polymul', 'a2')
    n, m = a.shape[0], b.shape[0]
    if n == 0 or m == 0:
        raise ValueError("polymul: the coefficient arrays must not be empty")
    outer = reshape(a, (n, 1)) * reshape(b, (1, m))
    pos = _onp.add.outer(_onp.arange(n), _onp.arange(m))
    return scatter_add(outer, pos, (n + m - 1,))


def polyint(p, m=1, k=None):
    """The ``m``-th antiderivative; ``k``: the integration constants (lowest order last), a
    scalar or ``m`` of them (default 0).  float64 (as MXNet 1.9.1 / NumPy)."""
    if not isinstance(m, (int, _onp.integer)) or m < 0:
        raise ValueError(f"polyint: the order of integration m must be a non-negative int, "
                         f"got {m!r}")
    c = _vector(p, 'polyint')
    c = astype(c, _onp.float64) if c.dtype != _onp.float64 else c
    ks = _onp.zeros(m) if k is None else _onp.atleast_1d(_onp.asarray(
        k._data if isinstance(k, ndarray) else k, dtype=_onp.float64))
    if len(ks) == 1 and m > 1:
        ks = _onp.full(m, ks[0])
    if len(ks) < m:
        raise ValueError(f"polyint: k must be a scalar or hold m={m} constants, got {k!r}")
    for i in range(m):
        n = c.shape[0]
        c = concatenate([c / _onp.arange(n, 0, -1, dtype=_onp.float64),
                         wrap(ks[i:i + 1].copy())])
    return c


def _plain(a, name, arg):
    """The values NumPy's algorithm gets: an array's buffer; anything else as NumPy reads it
    (MXNet 1.9.1 hands lists to NumPy unchanged: ``np.poly([1, 2])`` is float64)."""
    d = a._data if isinstance(a, ndarray) else _onp.asarray(a)
    if d.dtype.kind not in 'biuf':
        raise DTypeError(f"{name}: {arg} must hold numbers, got dtype {d.dtype}")
    return d


def _out(name, inputs, d):
    d = _onp.asarray(d)
    if d.dtype.kind == 'c':
        raise DTypeError(f"{name}: the result is complex ({d!r}); autodiff has no complex "
                         "dtype")
    ins = tuple(a for a in inputs if isinstance(a, ndarray))
    return nondiff(name, ins, wrap(d.copy()))


def polydiv(u, v):
    """Quotient and remainder of polynomial division (NumPy's; not differentiable)."""
    a, b = _plain(u, 'polydiv', 'u'), _plain(v, 'polydiv', 'v')
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError("polydiv: u and v must be 1-D coefficient arrays")
    if b.size == 0 or b[0] == 0 and (b == 0).all():
        raise ZeroDivisionError("polydiv: division by the zero polynomial")
    q, r = _onp.polydiv(a, b)
    return _out('polydiv', (u, v), q), _out('polydiv', (u, v), r)


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """Least-squares polynomial fit (NumPy's, float64; not differentiable); ``full`` and
    ``cov`` return NumPy's extra results too."""
    xd, yd = _plain(x, 'polyfit', 'x'), _plain(y, 'polyfit', 'y')
    wd = None if w is None else _plain(w, 'polyfit', 'w')
    if not isinstance(deg, (int, _onp.integer)) or deg < 0:
        raise ValueError(f"polyfit: deg must be a non-negative int, got {deg!r}")
    if xd.ndim != 1 or xd.size == 0 or yd.shape[:1] != xd.shape:
        raise ShapeError(f"polyfit: x must be 1-D and non-empty and y of the same length, got "
                         f"shapes {xd.shape} and {yd.shape}")
    r = _onp.polyfit(xd.astype(_onp.float64), yd.astype(_onp.float64), deg, rcond, full, wd, cov)
    ins = (x, y)
    if isinstance(r, tuple):
        return tuple(_out('polyfit', ins, v) if isinstance(v, _onp.ndarray) else v for v in r)
    return _out('polyfit', ins, r)


def poly(seq_of_zeros):
    """The coefficients of the monic polynomial with the given roots (of a square matrix:
    its characteristic polynomial); NumPy's, not differentiable."""
    d = _plain(seq_of_zeros, 'poly', 'seq_of_zeros')
    if d.ndim not in (0, 1, 2) or (d.ndim == 2 and d.shape[0] != d.shape[1]):
        raise ShapeError(f"poly: the input must be 1-D or a square 2-D array, got shape "
                         f"{d.shape}")
    return _out('poly', (seq_of_zeros,), _onp.poly(d))


def roots(p):
    """The roots of the polynomial with coefficients ``p`` (NumPy's eigenvalues of the
    companion matrix; not differentiable); complex roots are an error (no complex dtype)."""
    d = _plain(p, 'roots', 'p')
    if d.ndim != 1:
        raise ShapeError(f"roots: p must be 1-D, got shape {d.shape}")
    return _out('roots', (p,), _onp.roots(d))


def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of the points (``xp``, ``fp``) at ``x`` (float64, as
    MXNet 1.9.1 / NumPy); ``left``/``right``: the values outside (default ``fp[0]`` /
    ``fp[-1]``); ``period``: periodic ``xp``.  Differentiable in ``x``, ``xp`` and ``fp``."""
    f64 = _onp.float64
    X, XP, FP = (as_array(v) for v in (x, xp, fp))
    X, XP, FP = (astype(v, f64) if v.dtype != f64 else v for v in (X, XP, FP))
    if XP.ndim != 1 or FP.ndim != 1 or XP.shape != FP.shape:
        raise ShapeError(f"interp: xp and fp must be 1-D of the same length, got shapes "
                         f"{XP.shape} and {FP.shape}")
    if XP.shape[0] == 0:
        raise ValueError("interp: xp and fp must not be empty")
    if period is not None:
        if period == 0:
            raise ValueError("interp: period must be a non-zero value")
        period = abs(float(period))
        X, XP = mod(X, period), mod(XP, period)
        order = _onp.argsort(XP._data, kind='stable')
        XP, FP = getitem(XP, order), getitem(FP, order)
        XP = concatenate([getitem(XP, slice(-1, None)) - period, XP,
                          getitem(XP, slice(0, 1)) + period])
        FP = concatenate([getitem(FP, slice(-1, None)), FP, getitem(FP, slice(0, 1))])
        left = right = None
    n = XP.shape[0]
    if n == 1:
        y = getitem(FP, 0) + X * 0
    else:
        j = _onp.clip(_onp.searchsorted(XP._data, X._data, side='right') - 1, 0, n - 2)
        xl, xr = getitem(XP, j), getitem(XP, j + 1)
        fl, fr = getitem(FP, j), getitem(FP, j + 1)
        y = fl + (X - xl) / (xr - xl) * (fr - fl)
    lo = getitem(FP, 0) if left is None else float(left)
    hi = getitem(FP, n - 1) if right is None else float(right)
    y = where(X._data < XP._data[0], lo, y)
    return where(X._data > XP._data[-1], hi, y)


def unwrap(p, discont=None, axis=-1, period=2 * _onp.pi):
    """``p`` with jumps larger than ``discont`` (default ``period / 2``) along ``axis`` replaced
    by their complement modulo ``period``: ``p`` plus a piecewise-constant correction, so
    the gradient passes through unchanged."""
    a = as_array(p)
    if a.dtype.kind != 'f':
        a = astype(a, _onp.float64)
    if a.ndim == 0:
        raise ShapeError("unwrap: p must have at least one dimension")
    fixed = _onp.unwrap(a._data, discont, axis, period=period)
    return a + (fixed - a._data).astype(a.dtype)


_trim_op = defgather('trim_zeros')


def trim_zeros(filt, trim='fb'):
    """The 1-D array without its leading ('f') and/or trailing ('b') zeros (a copy)."""
    a = as_array(filt)
    if a.ndim != 1:
        raise ShapeError(f"trim_zeros: filt must be 1-D, got shape {a.shape}")
    if not isinstance(trim, str) or set(trim.lower()) - set('fb'):
        raise ValueError(f"trim_zeros: trim must be a string of 'f' and 'b', got {trim!r}")
    nz = _onp.flatnonzero(a._data)
    t = trim.lower()
    if nz.size == 0:
        lo = hi = 0
    else:
        lo = int(nz[0]) if 'f' in t else 0
        hi = int(nz[-1]) + 1 if 'b' in t else a.shape[0]
    return gather(_trim_op, (a,), lambda bufs, labels: bufs[0][lo:hi])

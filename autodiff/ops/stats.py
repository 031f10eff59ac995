"""Statistics built from the library's own ops: ``std``, ``var``, ``average``, ``ptp``, ``cov``,
``corrcoef``, ``correlate``, ``diff``, ``ediff1d``, ``trapz``, and the truth reductions
``all``/``any``/``count_nonzero``.

Each differentiable function here is a composition of recorded ops (sum, mean, subtract,
getitem, matmul ...), so its gradients of every order come from theirs and no rule is
written twice.  MXNet 1.9.1 gives zero gradients for ``std`` and ``var`` (a known defect):
here they follow the math.  Integer inputs of ``std``/``var``/``average`` give float32 (as
``mean`` does); MXNet 1.9.1 returns the truncated value in the integer type, which is not
the statistic.  ``cov``/``corrcoef`` compute in float64 at least, as MXNet 1.9.1 (NumPy's
code) does.
"""
import builtins
import math

import numpy as _onp

from .. import dtypes
from ..errors import ShapeError
from ..ndarray import wrap
from .axes import normalize_axes, normalize_axis
from .binary import clip, logical_xor
from .convert import as_array
from .core import nondiff
from .linalg import matmul
from .reduce import max as _max, min as _min, sum as _sum
from .shape import broadcast_to, concatenate, reshape, transpose
from .unary import sqrt

def _float_input(x, dtype, name):
    """``x`` cast to ``dtype`` when given, else ints and bools to the default float32."""
    if dtype is not None:
        return x.astype(dtypes.check(dtype, name))
    return x if x.dtype.kind == 'f' else x.astype(dtypes.DEFAULT)


def _count(shape, axes):
    return math.prod(shape[i] for i in axes)


def var(a, axis=None, dtype=None, ddof=0, keepdims=False):
    """Variance ``sum(|x - mean|**2) / (N - ddof)`` over ``axis``; differentiable (MXNet 1.9.1
    gives a zero gradient: a known defect, the math is followed here)."""
    x = _float_input(as_array(a), dtype, 'var')
    axes = normalize_axes(axis, x.ndim, 'var', reduction=True)
    n = _count(x.shape, axes)
    centred = x - x.mean(axes, keepdims=True)
    total = _sum(centred * centred, axes, keepdims=keepdims)
    return total / max(n - ddof, 0)            # N <= ddof: inf (or NaN), as NumPy and MXNet


def std(a, axis=None, dtype=None, ddof=0, keepdims=False):
    """Standard deviation ``sqrt(var)`` over ``axis`` (see ``var``); differentiable."""
    return sqrt(var(a, axis, dtype, ddof, keepdims))



def average(a, axis=None, weights=None, returned=False):
    """Weighted mean ``sum(a * w) / sum(w)`` over ``axis``; differentiable in ``a`` and ``w``.

    1-D ``weights`` with a single ``axis`` weigh that axis; weights summing to zero give NaN
    (MXNet 1.9.1; NumPy raises).  ``returned=True`` also gives the sum of the weights, as
    MXNet 1.9.1 does: a list, the sum a 0-d array for 1-D weights or none (the count).
    """
    x = as_array(a)
    axes = normalize_axes(axis, x.ndim, 'average', reduction=True)
    if weights is None:
        x = _float_input(x, None, 'average')
        avg = x.mean(axes)
        scale = wrap(_onp.asarray(_count(x.shape, axes), avg.dtype))
    else:
        w = as_array(weights)
        if x.dtype.kind != 'f':
            x = x.astype(w.dtype if w.dtype.kind == 'f' else dtypes.DEFAULT)
        if w.dtype != x.dtype:
            w = w.astype(x.dtype)
        full = w.shape == x.shape
        w = _weights_for(w, x, axis, axes)
        avg = _sum(x * w, axes) / _sum(broadcast_to(w, x.shape), axes)
        scale = _sum(w, axes if full else None)
    return [avg, scale] if returned else avg


def _weights_for(w, x, axis, axes):
    if w.shape == x.shape:
        return w
    if axis is None:
        raise TypeError(f"average: axis must be specified when shapes of a {x.shape} and "
                        f"weights {w.shape} differ")
    if w.ndim != 1 or len(axes) != 1:
        raise TypeError(f"average: 1-D weights expected when shapes of a {x.shape} and "
                        f"weights {w.shape} differ")
    ax = axes[0]
    if w.shape[0] != x.shape[ax]:
        raise ShapeError(f"average: length of weights ({w.shape[0]}) differs from that of "
                         f"a along axis {ax} ({x.shape[ax]})")
    return reshape(w, tuple(-1 if i == ax else 1 for i in range(x.ndim)))


def ptp(a, axis=None, keepdims=False):
    """Range ``max - min`` over ``axis``; differentiable (ties share as ``max``/``min`` do)."""
    x = as_array(a)
    axes = normalize_axes(axis, x.ndim, 'ptp', reduction=True)
    if builtins.any(x.shape[i] == 0 for i in axes):   # (``any`` is np.any below)
        raise ValueError(f"ptp: zero-size array (shape {x.shape}) has no range")
    return _max(x, axis, keepdims) - _min(x, axis, keepdims)


# ---------------------------------------------------------------- differences, integrals

def _along(x, ax, sl):
    """``x[..., sl, ...]`` with ``sl`` on axis ``ax`` (a recorded basic slice)."""
    return x[(slice(None),) * ax + (sl,)]


def diff(a, n=1, axis=-1, prepend=None, append=None):
    """The ``n``-th discrete difference along ``axis``; differentiable.  Bools give
    ``x[i+1] != x[i]`` (as NumPy)."""
    x = as_array(a)
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, got {n}")
    if x.ndim == 0:
        raise ValueError("diff: diff requires input that is at least one dimensional")
    ax = normalize_axis(axis, x.ndim, 'diff')
    parts = []
    for side, extra in (('prepend', prepend), ('append', append)):
        if extra is None:
            continue
        e = as_array(extra, x.dtype if not hasattr(extra, 'dtype') else None)
        if e.ndim == 0:
            e = broadcast_to(e, x.shape[:ax] + (1,) + x.shape[ax + 1:])
        parts.append((side, e))
    if parts:
        seq = [e for s, e in parts if s == 'prepend'] + [x] + [e for s, e in parts if s == 'append']
        x = concatenate(seq, axis=ax)
    for _ in range(n):
        hi, lo = _along(x, ax, slice(1, None)), _along(x, ax, slice(None, -1))
        x = logical_xor(hi, lo) if x.dtype == _onp.bool_ else hi - lo
    return x


def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of the flattened array, with ``to_begin``/``to_end`` put around them."""
    x = reshape(as_array(ary), (-1,))
    d = diff(x) if x.size else x
    seq = [d]
    if to_begin is not None:
        seq.insert(0, reshape(as_array(to_begin, x.dtype), (-1,)))
    if to_end is not None:
        seq.append(reshape(as_array(to_end, x.dtype), (-1,)))
    return concatenate(seq) if len(seq) > 1 else d


def trapz(y, x=None, dx=1.0, axis=-1):
    """Trapezoidal integral of ``y`` along ``axis`` (sample points ``x`` or spacing ``dx``);
    differentiable in ``y`` and ``x``."""
    y = _float_input(as_array(y), None, 'trapz')
    if y.ndim == 0:
        raise ValueError("trapz: y must be at least one dimensional")
    ax = normalize_axis(axis, y.ndim, 'trapz')
    if x is None:
        step = dx
    else:
        xs = as_array(x)
        if xs.ndim == 1:
            if xs.shape[0] != y.shape[ax]:
                raise ShapeError(f"trapz: x has {xs.shape[0]} points, y has {y.shape[ax]} "
                                 f"along axis {ax}")
            xs = reshape(xs, tuple(-1 if i == ax else 1 for i in range(y.ndim)))
        step = diff(xs, axis=ax if xs.ndim == y.ndim else -1)
    mid = _along(y, ax, slice(1, None)) + _along(y, ax, slice(None, -1))
    return _sum(mid * step, ax) / 2


# ---------------------------------------------------------------- covariance, correlation

def _as_rows_of_variables(m, rowvar, name):
    m = as_array(m)
    if m.ndim > 2:
        raise ShapeError(f"{name}: m has more than 2 dimensions (shape {m.shape})")
    dt = _onp.result_type(m.dtype, _onp.float64)
    m = m.astype(dt) if m.dtype != dt else m
    if m.ndim < 2:
        m = reshape(m, (1, -1))
    if not rowvar and m.shape[0] != 1:
        m = transpose(m)
    return m


def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None,
        dtype=None):
    """Covariance matrix of the variables in the rows of ``m`` (columns if not ``rowvar``);
    differentiable in ``m``, ``y`` and ``aweights``.  Float64 at least (NumPy's rule)."""
    if ddof is not None and ddof != int(ddof):
        raise ValueError("cov: ddof must be integer")
    X = _as_rows_of_variables(m, rowvar, 'cov')
    if y is not None:
        Y = _as_rows_of_variables(y, rowvar, 'cov')
        if Y.shape[1] != X.shape[1]:
            raise ShapeError(f"cov: m has {X.shape[1]} observations, y has {Y.shape[1]}")
        X = concatenate([X, Y.astype(X.dtype)], axis=0)
    if dtype is not None:
        X = X.astype(dtypes.check(dtype, 'cov'))
    if ddof is None:
        ddof = 0 if bias else 1
    w = _observation_weights(fweights, aweights, X)
    nobs = X.shape[1]
    if w is None:
        avg = X.mean(1, keepdims=True)
        fact = max(nobs - ddof, 0)                # NumPy: no degrees of freedom give inf
    else:
        w_sum = w.sum()
        avg = _sum(X * w, 1, keepdims=True) / w_sum
        if ddof == 0:
            fact = w_sum
        elif aweights is None:
            fact = w_sum - ddof
        else:
            aw = as_array(aweights).astype(X.dtype)
            fact = w_sum - ddof * _sum(w * aw) / w_sum
    Xc = X - avg
    Xt = transpose(Xc * w if w is not None else Xc)
    c = matmul(Xc, Xt) / fact
    return reshape(c, ()) if c.shape == (1, 1) else c


def _observation_weights(fweights, aweights, X):
    w = None
    for label, given in (('fweights', fweights), ('aweights', aweights)):
        if given is None:
            continue
        v = as_array(given)
        if v.ndim != 1 or v.shape[0] != X.shape[1]:
            raise ShapeError(f"cov: {label} must be 1-D with one weight per observation "
                             f"({X.shape[1]}), got shape {v.shape}")
        if label == 'fweights' and not _onp.all(v._data == _onp.around(v._data)):
            raise TypeError("cov: fweights must be integer")
        if (v._data < 0).any():
            raise ValueError(f"cov: {label} cannot be negative")
        v = v.astype(X.dtype)
        w = v if w is None else w * v
    return w


def corrcoef(x, y=None, rowvar=True, dtype=None):
    """Pearson correlation coefficients ``cov / (std_i std_j)``, clipped to [-1, 1];
    differentiable."""
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    n = c.shape[0]
    d = sqrt(c[_onp.arange(n), _onp.arange(n)])
    c = c / reshape(d, (n, 1)) / reshape(d, (1, n))
    return clip(c, -1, 1)


def correlate(a, v, mode='valid'):
    """Cross-correlation of two 1-D sequences, ``c[k] = sum_n a[n + k] * v[n]`` (NumPy's
    modes 'valid', 'same', 'full'); differentiable in both."""
    x, w = as_array(a), as_array(v)
    if x.ndim != 1 or w.ndim != 1:
        raise ShapeError(f"correlate: a and v must be 1-D, got shapes {x.shape} and {w.shape}")
    na, nv = x.shape[0], w.shape[0]
    if na == 0 or nv == 0:
        raise ValueError(f"correlate: {'a' if na == 0 else 'v'} cannot be empty")
    if mode not in ('valid', 'same', 'full'):
        raise ValueError(f"correlate: mode must be 'valid', 'same' or 'full', got {mode!r}")
    if x.dtype != w.dtype:
        dt = _onp.result_type(x.dtype, w.dtype)
        x, w = x.astype(dt), w.astype(dt)
    pad = wrap(_onp.zeros(nv - 1, x.dtype))
    padded = concatenate([pad, x, pad]) if nv > 1 else x
    # full lags k = -(nv-1) .. na-1: window k starts at k + nv - 1 in ``padded``
    windows = padded[_onp.arange(na + nv - 1)[:, None] + _onp.arange(nv)[None, :]]
    full = matmul(windows, w)
    if mode == 'full':
        return full
    if mode == 'same':
        n = max(na, nv)
        start = (na + nv - 1 - n) // 2 if na >= nv else (na + nv - 1 - n + 1) // 2
        return full[start:start + n]
    lo, hi = (nv - 1, na) if na >= nv else (na - 1, nv)
    return full[lo:hi]


# ---------------------------------------------------------------- truth reductions

def _truth(name, reduce):
    def apply(a, axis=None, keepdims=False):
        x = as_array(a)
        axes = normalize_axes(axis, x.ndim, name, reduction=True)
        r = wrap(_onp.asarray(reduce(x._data, axis=axes, keepdims=keepdims)))
        return nondiff(name, (x,), r)
    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = (f"Whether {'all' if reduce is _onp.all else 'any'} elements over ``axis`` "
                     "are true (a bool array; not differentiable).")
    return apply


all = _truth('all', _onp.all)
any = _truth('any', _onp.any)
alltrue = all
sometrue = any


def count_nonzero(a, axis=None, keepdims=False):
    """The number of non-zero elements over ``axis``: a Python int for ``axis=None`` (as
    MXNet 1.9.1), else an int64 array."""
    x = as_array(a)
    if axis is None and not keepdims:
        return int(_onp.count_nonzero(x._data))
    axes = normalize_axes(axis, x.ndim, 'count_nonzero', reduction=True)
    r = _onp.asarray(_onp.count_nonzero(x._data, axis=axes, keepdims=keepdims), _onp.int64)
    return nondiff('count_nonzero', (x,), wrap(r))

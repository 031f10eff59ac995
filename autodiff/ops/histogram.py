"""Histograms: ``histogram``, ``histogram2d``, ``histogramdd``, ``histogram_bin_edges``.

Binning is searching: NumPy's implementations compute the edges and the counts.  Counts
are int64 (or the weights' dtype with ``weights``, float with ``density``); edges keep a
float input's dtype and are float64 for integer inputs (NumPy's rule; MXNet 1.9.1's own
``histogram`` casts the edges of integer inputs to int64, which truncates them, and refuses
an automatic range, ``weights`` and ``density``: those follow NumPy here).  Not
differentiable.
"""
import numpy as _onp

from ..errors import DTypeError, ShapeError
from ..ndarray import wrap
from .convert import as_array
from .core import nondiff


def _plain(v):
    """A NumPy value of ``bins`` / ``range`` / ``weights`` (arrays unwrapped)."""
    if v is None or isinstance(v, (int, str)):
        return v
    if hasattr(v, '_data'):
        return v._data
    if isinstance(v, (list, tuple)):
        return type(v)(_plain(e) for e in v)
    return v


def _checked(name, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ValueError as e:
        raise ValueError(f"{name}: {e}") from None


def _density(normed, density):
    if normed is not None:
        raise NotImplementedError("histogram: normed= is deprecated in NumPy; use density=")
    return density


def histogram(a, bins=10, range=None, normed=None, weights=None, density=None):
    """Counts of ``a`` in ``bins`` (a count of equal bins over ``range``, or the edges) and
    the bin edges: ``(hist, bin_edges)``."""
    x = as_array(a)
    w = _plain(weights)
    if w is not None and _onp.shape(w) != x.shape:
        raise ShapeError(f"histogram: weights should have the same shape as a ({x.shape}), "
                         f"got {_onp.shape(w)}")
    hist, edges = _checked('histogram', _onp.histogram, x._data, _plain(bins), _plain(range),
                           weights=w, density=_density(normed, density))
    if hist.dtype.kind == 'i':
        hist = hist.astype(_onp.int64)
    return nondiff('histogram', (x,), wrap(hist)), nondiff('histogram', (x,), wrap(edges))


def histogram_bin_edges(a, bins=10, range=None, weights=None):
    """The edges ``histogram`` would use."""
    x = as_array(a)
    edges = _checked('histogram_bin_edges', _onp.histogram_bin_edges, x._data, _plain(bins),
                     _plain(range), _plain(weights))
    return nondiff('histogram_bin_edges', (x,), wrap(edges))


def histogramdd(sample, bins=10, range=None, normed=None, weights=None, density=None):
    """The D-dimensional histogram of ``sample`` (N points as rows of an (N, D) array):
    ``(hist, [edges of each dimension])``."""
    s = as_array(sample)
    hist, edges = _checked('histogramdd', _onp.histogramdd, s._data, _plain(bins),
                           _plain(range), density=_density(normed, density),
                           weights=_plain(weights))
    return (nondiff('histogramdd', (s,), wrap(hist)),
            [nondiff('histogramdd', (s,), wrap(e)) for e in edges])


def histogram2d(x, y, bins=10, range=None, normed=None, weights=None, density=None):
    """The 2-D histogram of the points ``(x[i], y[i])``: ``(hist, x_edges, y_edges)``."""
    xs, ys = as_array(x), as_array(y)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise ShapeError(f"histogram2d: x and y must be 1-D of one length, got shapes "
                         f"{xs.shape} and {ys.shape}")
    hist, ex, ey = _checked('histogram2d', _onp.histogram2d, xs._data, ys._data, _plain(bins),
                            _plain(range), density=_density(normed, density),
                            weights=_plain(weights))
    return tuple(nondiff('histogram2d', (xs, ys), wrap(v)) for v in (hist, ex, ey))


def bincount(x, weights=None, minlength=0):
    """Occurrences (int64) of each non-negative integer in the 1-D ``x``, or the sums of
    their ``weights`` (in the weights' dtype); at least ``minlength`` bins."""
    xs = as_array(x)
    if xs.dtype.kind not in 'iub':
        raise DTypeError(f"bincount: x must hold integers, got dtype {xs.dtype}")
    if xs.ndim != 1:
        raise ShapeError(f"bincount: x must be 1-D, got shape {xs.shape}")
    if xs.size and xs._data.min() < 0:
        raise ValueError("bincount: x must not hold negative values")
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")
    if weights is None:
        out = _onp.bincount(xs._data, minlength=minlength).astype(_onp.int64)
        return nondiff('bincount', (xs,), wrap(out))
    w = as_array(weights)
    if w.shape != xs.shape:
        raise ShapeError(f"bincount: weights must have x's shape {xs.shape}, got {w.shape}")
    out = _onp.bincount(xs._data, w._data, minlength).astype(w.dtype)
    return nondiff('bincount', (xs, w), wrap(out))

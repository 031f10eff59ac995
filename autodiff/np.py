"""``autodiff.np``: the NumPy-like namespace of MXNet's numpy mode.

Every name is listed here explicitly, so this file is the index of what exists
and which module defines it.  All arithmetic is differentiable unless noted.
"""
import numpy as _onp

from . import random  # noqa: F401  (np.random)
from . import linalg  # noqa: F401  (np.linalg)
from . import _mxargs
from ._state import value_read as _value_read
from .errors import ShapeError as _ShapeError
from .ndarray import ndarray, wrap as _wrap
from .ops.convert import as_array as _as_array
from .ops.core import nondiff as _nondiff
from .ops.creation import (array, asarray, zeros, ones, full, empty, zeros_like, ones_like,
                           full_like, empty_like, arange, linspace, eye, identity)
from .ops.unary import (negative, positive, abs, absolute, fabs, sign, exp, expm1, log, log1p,
                        log2, log10, sqrt, cbrt, square, reciprocal, sin, cos, tan, arcsin,
                        arccos, arctan, sinh, cosh, tanh, arcsinh, arccosh, arctanh, deg2rad,
                        rad2deg, degrees, radians, floor, ceil, round, rint, around, round_,
                        trunc, fix, spacing, invert, bitwise_not,
                        isnan, isinf, isfinite, isposinf, isneginf, signbit, logical_not)
from .ops.binary import (add, subtract, multiply, divide, true_divide, power, maximum, minimum,
                         mod, remainder, arctan2, hypot, logaddexp, copysign, ldexp,
                         heaviside, lcm, bitwise_and, bitwise_or, bitwise_xor,
                         where, clip, equal, not_equal, less, less_equal,
                         greater, greater_equal, logical_and, logical_or, logical_xor)
from .ops.reduce import sum, mean, max, min, amax, amin, prod, product, argmax, argmin
# statistics, sorting and searching, sets, histograms, financial (issue #14: np-stats)
from .ops.compound import divmod, float_power, frexp, i0, modf, nan_to_num  # noqa: A004
from .ops.cumulative import cumsum, nancumprod, nancumsum
from .ops.financial import mirr, npv, ppmt, pv, rate
from .ops.histogram import bincount, histogram, histogram2d, histogram_bin_edges, histogramdd
from .ops.nanreduce import nanargmax, nanargmin, nanmax, nanmin, nanprod
from .ops.quantile import nanmedian, nanpercentile, nanquantile, percentile, quantile
from .ops.sets import in1d, intersect1d, isin, setdiff1d, setxor1d, union1d
from .ops.sorting import (argpartition, argsort, argwhere, digitize, flatnonzero, lexsort,
                          msort, nonzero, partition, searchsorted, sort, unique)
from .ops.stats import (all, alltrue, any, average, corrcoef, correlate, count_nonzero, cov,
                        diff, ediff1d, ptp, sometrue, std, trapz, var)
from .ops.linalg import dot, matmul, outer
from .ops.shape import (reshape, transpose, swapaxes, moveaxis, expand_dims, squeeze,
                        concatenate, stack, split, broadcast_to, flip, tile, repeat, ravel)
# stacking, rearranging, picking, matrices, contractions, grids, polynomials (issue 14)
from .ops.einsum import einsum, inner, tensordot, vdot
from .ops.grids import (apply_along_axis, apply_over_axes, indices, ix_, logspace, meshgrid,
                        unravel_index)
from .ops.matrix import (diag, diag_indices_from, diagflat, diagonal, trace, tril,
                         tril_indices_from, triu, triu_indices_from, vander)
from .ops.poly import (interp, poly, polyadd, polydiv, polyfit, polyint, polymul, polysub,
                       polyval, roots, trim_zeros, unwrap)
from .ops.rearrange import fliplr, flipud, pad, roll, rollaxis, rot90
from .ops.select import choose, compress, extract, piecewise, select, take, take_along_axis
from .ops.signal import blackman, hamming, hanning, packbits, unpackbits
from .ops.stacking import (append, array_split, atleast_1d, atleast_2d, atleast_3d,
                           broadcast_arrays, column_stack, copy, delete, dsplit, dstack, hsplit,
                           hstack, insert, resize, row_stack, vsplit, vstack)
from .nputils import (NAN, NINF, NZERO, NaN, PINF, PZERO, bool, finfo,  # noqa: F401,A004
                      genfromtxt, may_share_memory, min_scalar_type, promote_types, real,
                      result_type, set_printoptions, shares_memory)
from .ops.interop import from_dlpack  # noqa: F401  (NumPy's name; MXNet 1.9.1: mx.nd.from_dlpack)

float16, float32, float64 = _onp.float16, _onp.float32, _onp.float64
int8, int16, int32, int64, uint8 = _onp.int8, _onp.int16, _onp.int32, _onp.int64, _onp.uint8
bool_ = _onp.bool_
pi, e, inf, nan, newaxis = _onp.pi, _onp.e, _onp.inf, _onp.nan, None


def _plain(a):
    return a._data if isinstance(a, ndarray) else _onp.asarray(a)


def array_equal(a1, a2, equal_nan=False):
    """True if both have the same shape and elements (a Python bool; not differentiable)."""
    _value_read('array_equal', (a1, a2))
    x, y = _as_array(_plain(a1)), _as_array(_plain(a2))
    if x.shape != y.shape:
        return False
    same = equal(x, y)._data
    if equal_nan:
        same = same | (isnan(x)._data & isnan(y)._data)
    return bool(same.all())


def array_equiv(a1, a2):
    """True if the two broadcast to one shape and are equal there (a Python bool)."""
    _value_read('array_equiv', (a1, a2))
    x, y = _as_array(_plain(a1)), _as_array(_plain(a2))
    try:
        _onp.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        return False
    return bool(equal(x, y)._data.all())


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|a - b| <= atol + rtol * |b|`` (bool array; not differentiable)."""
    x, y = _as_array(a), _as_array(b)
    try:
        _onp.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise _ShapeError(f"isclose: operands could not be broadcast together with shapes "
                         f"{x.shape} and {y.shape}") from None
    close = less_equal(abs(subtract(x, y)), add(multiply(abs(y), rtol), atol))._data
    close = (close & isfinite(y)._data) | equal(x, y)._data   # infinities: only equal ones
    if equal_nan:
        close = close | (isnan(x)._data & isnan(y)._data)
    return _nondiff('isclose', (x, y), _wrap(close))


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if every element is close (see ``isclose``)."""
    _value_read('allclose', (a, b))
    return bool(isclose(a, b, rtol, atol, equal_nan)._data.all())


def shape(a):
    """The shape of ``a``."""
    return _as_array(a).shape


def size(a):
    """The number of elements of ``a``."""
    return _as_array(a).size


def ndim(a):
    """The number of dimensions of ``a``."""
    return _as_array(a).ndim


# MXNet 1.9.1's keywords these functions do not implement raise NotImplementedError naming
# them; out= writes the result into an array (the table: autodiff/_mxargs.py)
_mxargs.apply(globals(), _mxargs.NP, 'np')

# The public names: MXNet 1.9.1's (and NumPy's) plus ``random``; tests/test_namespaces.py
# holds this against the MXNet list.  ``dir(np)`` shows exactly these.
__all__ = sorted(n for n in globals() if not n.startswith('_'))


def __dir__():
    return __all__

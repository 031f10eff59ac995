"""Scalar helpers for the elementwise expressions of the op rows (Numba inlines them).

The generated eager kernels (``kernels.generated``) and the compiler's fused loops
(``compile.codegen``, through ``compile._scalar``) both import this module's names, so
an op row's expression means the same thing in both.  ``_lit(v, x)`` is the constant
``v`` in the type of ``x`` (float32 stays float32: Numba would promote a Python float
to float64); the row machinery writes every numeric literal of an expression that way.
"""
import numpy as np
from numba import njit, types
from numba.extending import overload

from .fastmath import tanh as _tanh

__all__ = ['_lit', '_tanh', '_sigmoid', '_relu', '_sign', '_sign_int', '_abs_int',
           '_maximum', '_minimum', '_logaddexp', '_fix', '_heaviside', '_i0', '_spacing',
           '_lcm_int', '_ldexp_int', '_invert']

# (no cache=True: inlined into their callers, whose cache holds the machine code; a cached
# helper would also need a cache locator at import)
_JIT = dict(inline='always', error_model='numpy', nogil=True)


def _lit(v, x):
    """``v`` as a value of ``x``'s type (for use inside jitted code)."""
    return type(x)(v)


@overload(_lit, inline='always')
def _lit_overload(v, x):
    if isinstance(x, (types.Float, types.Integer)):
        cast = getattr(np, x.name)
        return lambda v, x: cast(v)
    if isinstance(x, types.Boolean):
        return lambda v, x: v != 0
    return None


@njit(**_JIT)
def _sigmoid(v):
    # exp of a non-positive argument only: finite for any input
    if v >= 0:
        return 1 / (1 + np.exp(-v))
    e = np.exp(v)
    return e / (1 + e)


@njit(**_JIT)
def _relu(v):
    # relu(-x) is +0.0 and NaN propagates (the caller casts the result to the dtype)
    if v > 0 or v != v:
        return v
    return 0


@njit(**_JIT)
def _sign(v):
    # NumPy: sign(-0.0) is +0.0 and sign(NaN) is NaN
    if v > 0:
        return 1
    if v < 0:
        return -1
    if v == 0:
        return 0
    return v


@njit(**_JIT)
def _sign_int(v):
    return 1 if v > 0 else (-1 if v < 0 else 0)


@njit(**_JIT)
def _abs_int(v):
    return -v if v < 0 else v


@njit(**_JIT)
def _maximum(a, b):
    # NaN propagates, as in NumPy; a tie returns the first operand
    return a if (a >= b or a != a) else b


@njit(**_JIT)
def _minimum(a, b):
    return a if (a <= b or a != a) else b


@njit(**_JIT)
def _logaddexp(a, b):
    # NumPy's npy_logaddexp: log(exp(a) + exp(b)) without overflow; equal values (the
    # infinities among them) give a + log(2)
    if a == b:
        return a + _lit(0.6931471805599453, a)
    d = a - b
    if d > 0:
        return a + np.log1p(np.exp(-d))
    if d <= 0:
        return b + np.log1p(np.exp(d))
    return d                                   # NaN


@njit(**_JIT)
def _fix(v):
    # round toward zero, as np.fix (float result)
    return np.floor(v) if v >= 0 else np.ceil(v)


@njit(**_JIT)
def _heaviside(a, b):
    # NumPy: 0 below zero, b at zero, 1 above, NaN for NaN
    if a < 0:
        return _lit(0, a)
    if a > 0:
        return _lit(1, a)
    if a == 0:
        return b
    return a


@njit(**_JIT)
def _spacing(v):
    # distance to the next representable value away from zero (np.spacing); NaN for NaN
    # and the infinities
    if v != v or v == np.inf or v == -np.inf:
        return v - v
    if v < 0:
        return np.nextafter(v, _lit(-np.inf, v)) - v
    return np.nextafter(v, _lit(np.inf, v)) - v


@njit(**_JIT)
def _i0(v):
    # modified Bessel function of the first kind, order 0: its power series summed in
    # float64 (all terms positive, so no cancellation); inf past float64's range
    x = abs(float(v))
    if x != x or x > 713.0:
        return x if x != x else np.inf
    t = 1.0
    s = 1.0
    q = x * x / 4.0
    k = 1.0
    while t > 1e-17 * s:
        t *= q / (k * k)
        s += t
        k += 1.0
    return s


@njit(**_JIT)
def _lcm_int(a, b):
    # least common multiple of two integers (NumPy: non-negative; 0 when either is 0)
    x = -a if a < 0 else a
    y = -b if b < 0 else b
    if x == 0 or y == 0:
        return x - x
    p, q = x, y
    while q != 0:
        p, q = q, p % q
    return x // p * y


@njit(**_JIT)
def _ldexp_int(a, b):
    # a * 2**b in integers (MXNet 1.9.1 keeps the integer dtype); b < 0 shifts right
    if b >= 0:
        return a * (_lit(1, a) << b)
    return a >> (-b)


def _invert(x):
    """Bitwise not of an integer, logical not of a bool (NumPy's ``invert``)."""
    return ~x


@overload(_invert, inline='always')
def _invert_overload(x):
    if isinstance(x, types.Boolean):
        return lambda x: not x
    if isinstance(x, types.Integer):
        return lambda x: ~x
    return None

"""Special functions, elementwise: ``special(code, x, out)`` and ``polygamma(n, x, out)``.

erf and gamma/lgamma come from C's libm through Numba's ``math``; erfinv is a rational
start (Giles 2010) refined by Halley steps on erf (|y| <= 1/2) or Newton steps on
log erfc (the tails, where ``1 - |y|`` is exact), which gives float64 precision;
digamma and polygamma shift the argument up by their recurrences and finish with the
asymptotic series.  Every value is computed in float64 and stored in ``out``'s dtype.
"""
import math

import numpy as np
from ._jit import kernel

ERF, ERFINV, GAMMA, GAMMALN, DIGAMMA = range(5)

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
# B_2k, k = 1..10 (Bernoulli numbers) for the asymptotic series of digamma and polygamma
_B2K = np.array([1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
                 43867 / 798, -174611 / 330])


@kernel
def erfinv_scalar(y):
    """The inverse error function of one float64 (NaN outside [-1, 1], +-inf at +-1)."""
    if y != y or y < -1.0 or y > 1.0:
        return np.nan
    a = abs(y)
    if a == 1.0:
        return math.copysign(np.inf, y)
    if a == 0.0:
        return y
    w = -math.log((1.0 - a) * (1.0 + a))
    if w < 5.0:
        w -= 2.5
        p = 2.81022636e-08
        p = 3.43273939e-07 + p * w
        p = -3.5233877e-06 + p * w
        p = -4.39150654e-06 + p * w
        p = 0.00021858087 + p * w
        p = -0.00125372503 + p * w
        p = -0.00417768164 + p * w
        p = 0.246640727 + p * w
        p = 1.50140941 + p * w
    else:
        w = math.sqrt(w) - 3.0
        p = -0.000200214257
        p = 0.000100950558 + p * w
        p = 0.00134934322 + p * w
        p = -0.00367342844 + p * w
        p = 0.00573950773 + p * w
        p = -0.0076224613 + p * w
        p = 0.00943887047 + p * w
        p = 1.00167406 + p * w
        p = 2.83297682 + p * w
    x = p * a
    if a <= 0.5:
        for _ in range(4):
            # Halley on f = erf(x) - a: f' = 2/sqrt(pi) exp(-x^2), f''/f' = -2x
            u = (math.erf(x) - a) / (_TWO_OVER_SQRT_PI * math.exp(-x * x))
            step = u / (1.0 + x * u)
            x -= step
            if abs(step) <= 2.2e-16 * x:
                break
    else:
        # Newton on h = log(erfc(x)) - log(1 - a) (1 - a is exact here, and log erfc is
        # nearly quadratic, so the start's error in the far tail does not slow it down)
        log_tail = math.log(1.0 - a)
        for _ in range(10):
            ec = math.erfc(x)
            step = (math.log(ec) - log_tail) * ec / (-_TWO_OVER_SQRT_PI * math.exp(-x * x))
            x -= step
            if abs(step) <= 2.2e-16 * x:
                break
    return math.copysign(x, y)


@kernel
def digamma_scalar(x):
    """psi(x) = d/dx log|Gamma(x)| of one float64 (as scipy.special.psi at poles and inf)."""
    if x != x or x == -np.inf:
        return np.nan
    if x == np.inf:
        return np.inf
    if x == 0.0:
        return -math.copysign(np.inf, x)              # psi(+0) = -inf, psi(-0) = +inf
    res = 0.0
    if x < 0.0:
        if x == math.floor(x):
            return np.nan
        # reflection: psi(x) = psi(1 - x) - pi / tan(pi x); tan has period 1 in x, and
        # x's distance to the nearest integer keeps pi * r accurate near the poles
        r = x - math.floor(x + 0.5)
        res = -math.pi / math.tan(math.pi * r)
        x = 1.0 - x
    while x < 10.0:
        res -= 1.0 / x
        x += 1.0
    inv2 = 1.0 / (x * x)
    s = 0.0
    p = inv2
    for k in range(_B2K.shape[0]):
        s += _B2K[k] / (2 * (k + 1)) * p
        p *= inv2
    return res + math.log(x) - 0.5 / x - s


@kernel
def polygamma_scalar(n, x):
    """The n-th derivative of digamma (n >= 1) of one float64.

    psi^(n)(x) = (-1)^(n+1) n! sum_k 1/(x+k)^(n+1): the recurrence moves x above
    20 + n, the asymptotic series does the rest.  At the poles (non-positive
    integers) it is (-1)^(n+1) inf, as scipy.special.polygamma; NaN at -inf (no limit).
    """
    if x != x or x == -np.inf:
        return np.nan
    sign = 1.0 if n % 2 == 1 else -1.0                 # (-1)^(n+1)
    if x == np.inf:
        return sign * 0.0
    if x <= 0.0 and x == math.floor(x):
        return sign * np.inf
    nfact = math.gamma(n + 1.0)
    # Neumaier-compensated sum: for negative x, terms of either sign cancel (at -2.5 the
    # +-0.5 terms of even n are ~1e5 times the result)
    res = 0.0
    comp = 0.0
    top = 20.0 + n
    while x < top:
        t = nfact / x ** (n + 1)
        r = res + t
        comp += (res - r) + t if abs(res) >= abs(t) else (t - r) + res
        res = r
        x += 1.0
    # (n-1)!/x^n + n!/(2 x^(n+1)) + sum_k B_2k (2k+n-1)!/(2k)! / x^(2k+n)
    s = math.gamma(float(n)) / x ** n + nfact / (2.0 * x ** (n + 1))
    c = math.gamma(n + 2.0) / 2.0                     # (2k+n-1)!/(2k)! at k = 1
    p = 1.0 / x ** (n + 2)
    inv2 = 1.0 / (x * x)
    for k in range(1, _B2K.shape[0] + 1):
        s += _B2K[k - 1] * c * p
        c *= (2.0 * k + n) * (2.0 * k + n + 1.0) / ((2.0 * k + 1.0) * (2.0 * k + 2.0))
        p *= inv2
    return sign * (res + (s + comp))


@kernel
def special(code, x, out):
    """out[i] = f_code(x[i]) for 1-D contiguous ``x`` and ``out`` (float64 arithmetic)."""
    n = x.size
    if code == ERF:
        for i in range(n):
            out[i] = math.erf(float(x[i]))
    elif code == ERFINV:
        for i in range(n):
            out[i] = erfinv_scalar(float(x[i]))
    elif code == GAMMA:
        for i in range(n):
            v = float(x[i])
            if v == -np.inf:
                out[i] = np.nan
            else:
                out[i] = math.gamma(v)
    elif code == GAMMALN:
        for i in range(n):
            out[i] = math.lgamma(float(x[i]))
    elif code == DIGAMMA:
        for i in range(n):
            out[i] = digamma_scalar(float(x[i]))
    else:
        raise ValueError("unknown special-function opcode")


@kernel
def polygamma(n, x, out):
    """out[i] = psi^(n)(x[i]) for n >= 1 (1-D contiguous ``x`` and ``out``)."""
    for i in range(x.size):
        out[i] = polygamma_scalar(n, float(x[i]))

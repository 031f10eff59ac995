"""Scalar math that vectorizes: Numba has no vector math library here, so ``np.tanh`` on
float32 runs one libm call per element (about 10x slower than NumPy's SIMD loop).

``tanh(x)`` is a rational approximation for float32 (Eigen's ``generic_fast_tanh_float``:
at most a few ulp from the exact result; exact at 0, ±inf and NaN) and ``np.tanh``
for other types.  Use it inside kernels; Numba inlines it.
"""
import numpy as np
from numba import types
from numba.extending import overload

_f32 = np.float32
_A = tuple(_f32(v) for v in (4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05,
                             5.12229709037114e-08, -8.60467152213735e-11, 2.00018790482477e-13,
                             -2.76076847742355e-16))
_A1, _A3, _A5, _A7, _A9, _A11, _A13 = _A
_B0, _B2, _B4, _B6 = (_f32(v) for v in (4.89352518554385e-03, 2.26843463243900e-03,
                                         1.18534705686654e-04, 1.19825839466702e-06))
_CLAMP, _TINY, _SATURATED, _ONE = _f32(7.90531110763549805), _f32(0.0004), _f32(9.0), _f32(1.0)


def tanh(x):
    """Hyperbolic tangent; fast and vectorizable for float32 inside Numba kernels."""
    return np.tanh(x)


@overload(tanh, inline='always')
def _tanh_overload(x):
    if x != types.float32:
        return lambda x: np.tanh(x)

    def tanh_f32(x):
        v = x if x < _CLAMP else _CLAMP
        v = v if v > -_CLAMP else -_CLAMP
        x2 = v * v
        p = x2 * _A13 + _A11
        p = x2 * p + _A9
        p = x2 * p + _A7
        p = x2 * p + _A5
        p = x2 * p + _A3
        p = x2 * p + _A1
        q = x2 * _B6 + _B4
        q = x2 * q + _B2
        q = x2 * q + _B0
        r = (v * p) / q
        ax = abs(x)
        r = x if ax < _TINY else r                          # tanh(x) = x to float32 precision
        r = (_ONE if x > 0 else -_ONE) if ax > _SATURATED else r
        return r if x == x else x                           # NaN stays NaN
    return tanh_f32

"""Elementwise activations with a parameter: ``activation(code, a, x, out)``.

``a`` is the op's scalar (leaky/elu slope, smooth_l1's sigma squared; unused otherwise).
Values are computed in float64 and stored in ``out``'s dtype; NaN propagates.
"""
import math

import numpy as np
from ._jit import kernel

SOFTRELU, SOFTSIGN, LEAKY, ELU, SELU, GELU, SMOOTH_L1 = range(7)

SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717
_SQRT_HALF = math.sqrt(0.5)


@kernel
def activation(code, a, x, out):
    """out[i] = f_code(x[i]; a) for 1-D contiguous ``x`` and ``out``."""
    n = x.size
    if code == SOFTRELU:
        # log(1 + exp(v)) without overflow: v + log1p(exp(-v)) for v > 0
        for i in range(n):
            v = float(x[i])
            if v > 0:
                out[i] = v + math.log1p(math.exp(-v))
            else:
                out[i] = math.log1p(math.exp(v))
    elif code == SOFTSIGN:
        for i in range(n):
            v = float(x[i])
            out[i] = v / (1.0 + abs(v)) if abs(v) != np.inf else math.copysign(1.0, v)
    elif code == LEAKY:
        for i in range(n):
            v = float(x[i])
            out[i] = v if v > 0 else a * v
    elif code == ELU:
        for i in range(n):
            v = float(x[i])
            out[i] = v if v > 0 else a * math.expm1(v)
    elif code == SELU:
        for i in range(n):
            v = float(x[i])
            out[i] = SELU_LAMBDA * (v if v > 0 else SELU_ALPHA * math.expm1(v))
    elif code == GELU:
        for i in range(n):
            v = float(x[i])
            out[i] = 0.5 * v * (1.0 + math.erf(v * _SQRT_HALF))
    elif code == SMOOTH_L1:
        # a = sigma^2: 0.5 (sigma v)^2 where |v| < 1/sigma^2, else |v| - 0.5/sigma^2
        for i in range(n):
            v = float(x[i])
            m = abs(v)
            out[i] = 0.5 * a * v * v if m < 1.0 / a else m - 0.5 / a
    else:
        raise ValueError("unknown activation opcode")

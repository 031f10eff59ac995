"""Elementwise unary kernels, selected by opcode: ``unary(code, x, out)``."""
import numpy as np
from ._jit import kernel
from . import fastmath

NEGATIVE, ABS, SIGN, EXP, EXPM1, LOG, LOG1P, LOG2, LOG10, SQRT, CBRT, SQUARE, \
    RECIPROCAL, SIN, COS, TAN, ARCSIN, ARCCOS, ARCTAN, SINH, COSH, TANH, \
    ARCSINH, ARCCOSH, ARCTANH, FLOOR, CEIL, ROUND, RELU, SIGMOID, \
    ISNAN, ISINF, ISFINITE, LOGICAL_NOT = range(34)


@kernel
def unary(code, x, out):
    """out[i] = f_code(x[i]) for 1-D contiguous ``x`` and ``out``."""
    n = x.size
    if code == NEGATIVE:
        for i in range(n):
            out[i] = -x[i]
    elif code == ABS:
        for i in range(n):
            out[i] = np.abs(x[i])
    elif code == SIGN:
        # NumPy: sign(-0.0) is +0.0 and sign(NaN) is NaN
        for i in range(n):
            v = x[i]
            if v > 0:
                out[i] = 1
            elif v < 0:
                out[i] = -1
            elif v == 0:
                out[i] = 0
            else:
                out[i] = v
    elif code == EXP:
        for i in range(n):
            out[i] = np.exp(x[i])
    elif code == EXPM1:
        for i in range(n):
            out[i] = np.expm1(x[i])
    elif code == LOG:
        for i in range(n):
            out[i] = np.log(x[i])
    elif code == LOG1P:
        for i in range(n):
            out[i] = np.log1p(x[i])
    elif code == LOG2:
        for i in range(n):
            out[i] = np.log2(x[i])
    elif code == LOG10:
        for i in range(n):
            out[i] = np.log10(x[i])
    elif code == SQRT:
        for i in range(n):
            out[i] = np.sqrt(x[i])
    elif code == CBRT:
        for i in range(n):
            out[i] = np.cbrt(x[i])
    elif code == SQUARE:
        for i in range(n):
            out[i] = x[i] * x[i]
    elif code == RECIPROCAL:
        for i in range(n):
            out[i] = 1 / x[i]
    elif code == SIN:
        for i in range(n):
            out[i] = np.sin(x[i])
    elif code == COS:
        for i in range(n):
            out[i] = np.cos(x[i])
    elif code == TAN:
        for i in range(n):
            out[i] = np.tan(x[i])
    elif code == ARCSIN:
        for i in range(n):
            out[i] = np.arcsin(x[i])
    elif code == ARCCOS:
        for i in range(n):
            out[i] = np.arccos(x[i])
    elif code == ARCTAN:
        for i in range(n):
            out[i] = np.arctan(x[i])
    elif code == SINH:
        for i in range(n):
            out[i] = np.sinh(x[i])
    elif code == COSH:
        for i in range(n):
            out[i] = np.cosh(x[i])
    elif code == TANH:
        for i in range(n):
            out[i] = fastmath.tanh(x[i])
    elif code == ARCSINH:
        for i in range(n):
            out[i] = np.arcsinh(x[i])
    elif code == ARCCOSH:
        for i in range(n):
            out[i] = np.arccosh(x[i])
    elif code == ARCTANH:
        for i in range(n):
            out[i] = np.arctanh(x[i])
    elif code == FLOOR:
        for i in range(n):
            out[i] = np.floor(x[i])
    elif code == CEIL:
        for i in range(n):
            out[i] = np.ceil(x[i])
    elif code == ROUND:
        for i in range(n):
            out[i] = np.rint(x[i])
    elif code == RELU:
        # relu(-inf) = 0 and relu(-x) = +0.0 (not v * 0); NaN propagates as in np.maximum
        for i in range(n):
            v = x[i]
            if v > 0 or v != v:
                out[i] = v
            else:
                out[i] = 0
    elif code == SIGMOID:
        # exp of a non-positive argument only: finite for any input
        for i in range(n):
            v = x[i]
            if v >= 0:
                out[i] = 1 / (1 + np.exp(-v))
            else:
                e = np.exp(v)
                out[i] = e / (1 + e)
    else:
        raise ValueError("unknown unary opcode")


@kernel
def unary_int(code, x, out):
    """The ops that keep an integer dtype (as in NumPy and MXNet): out[i] = f_code(x[i]).

    ``negative``/``square`` wrap around for unsigned types as NumPy's do;
    ``floor``/``ceil``/``round`` of an integer is the integer itself.
    """
    n = x.size
    if code == NEGATIVE:
        for i in range(n):
            out[i] = -x[i]
    elif code == ABS:
        for i in range(n):
            v = x[i]
            out[i] = -v if v < 0 else v
    elif code == SIGN:
        for i in range(n):
            v = x[i]
            out[i] = 1 if v > 0 else (-1 if v < 0 else 0)
    elif code == SQUARE:
        for i in range(n):
            out[i] = x[i] * x[i]
    elif code == RELU:
        for i in range(n):
            v = x[i]
            out[i] = v if v > 0 else 0
    elif code == FLOOR or code == CEIL or code == ROUND:
        for i in range(n):
            out[i] = x[i]
    else:
        raise ValueError("opcode has no integer form")


INT_CODES = (NEGATIVE, ABS, SIGN, SQUARE, RELU, FLOOR, CEIL, ROUND)


@kernel
def predicate(code, x, out):
    """Boolean elementwise tests: out[i] = p_code(x[i]) (``out`` is bool)."""
    n = x.size
    if code == ISNAN:
        for i in range(n):
            out[i] = np.isnan(x[i])
    elif code == ISINF:
        for i in range(n):
            out[i] = np.isinf(x[i])
    elif code == ISFINITE:
        for i in range(n):
            out[i] = np.isfinite(x[i])
    elif code == LOGICAL_NOT:
        for i in range(n):
            out[i] = not x[i]
    else:
        raise ValueError("unknown predicate opcode")


@kernel
def unary_grad(code, g, g_scalar, ans, one, out):
    """Fused backward of tanh / sigmoid from the result ``ans`` and upstream gradient ``g``.

    TANH: out = g * (1 - ans * ans); SIGMOID: out = g * ans * (1 - ans).  With
    ``g_scalar`` only ``g[0]`` is read (a broadcast gradient, e.g. from ``sum``).
    ``one`` is 1 in the arrays' dtype (float32 math stays float32, as unfused).
    One pass instead of three (reads g and ans, writes out).
    """
    n = out.size
    if g_scalar:
        s = g[0]
        if code == TANH:
            for i in range(n):
                a = ans[i]
                out[i] = s * (one - a * a)
        else:
            for i in range(n):
                a = ans[i]
                out[i] = s * a * (one - a)
    elif code == TANH:
        for i in range(n):
            a = ans[i]
            out[i] = g[i] * (one - a * a)
    else:
        for i in range(n):
            a = ans[i]
            out[i] = g[i] * a * (one - a)

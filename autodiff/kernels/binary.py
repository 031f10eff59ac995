"""Elementwise binary kernels, selected by opcode.

``binary(code, a, b, out)`` takes two arrays of one length; ``binary_scalar(code,
a, s, out)`` an array and a scalar of the array's dtype (the op layer casts it, so
float32 stays float32).  ``R*`` codes put the scalar on the left (``s - a``).
Comparisons write into a bool ``out``.
"""
import numpy as np
from numba import njit

from ._jit import kernel

ADD, SUBTRACT, MULTIPLY, DIVIDE, POWER, MAXIMUM, MINIMUM, RSUBTRACT, RDIVIDE, \
    RPOWER, MOD, RMOD = range(12)
EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, LOGICAL_AND, \
    LOGICAL_OR, LOGICAL_XOR = range(9)


@njit(nogil=True, error_model='numpy', inline='always')
def _apply(code, x, y):
    # Every branch must return x's type: one returning a float (x / y) would make Numba
    # unify the result of all of them to float64, and integer power, mod, maximum... would
    # lose their digits past 2**53.  Division has loops of its own in the kernels.
    if code == ADD:
        return x + y
    elif code == SUBTRACT:
        return x - y
    elif code == MULTIPLY:
        return x * y
    elif code == POWER:
        return x ** y
    elif code == MAXIMUM:
        # NaN propagates, as in NumPy
        return x if (x >= y or x != x) else y
    elif code == MINIMUM:
        return x if (x <= y or x != x) else y
    elif code == RSUBTRACT:
        return y - x
    elif code == RPOWER:
        return y ** x
    elif code == MOD:
        return np.mod(x, y)
    else:
        return np.mod(y, x)


@kernel
def binary(code, a, b, out):
    """out[i] = a[i] (op) b[i]."""
    n = out.size
    # one loop per opcode keeps every loop branch-free so LLVM vectorizes it
    if code == ADD:
        for i in range(n):
            out[i] = a[i] + b[i]
    elif code == SUBTRACT:
        for i in range(n):
            out[i] = a[i] - b[i]
    elif code == MULTIPLY:
        for i in range(n):
            out[i] = a[i] * b[i]
    elif code == DIVIDE:
        for i in range(n):
            out[i] = a[i] / b[i]
    elif code == RDIVIDE:
        for i in range(n):
            out[i] = b[i] / a[i]
    else:
        for i in range(n):
            out[i] = _apply(code, a[i], b[i])


@kernel
def binary_scalar(code, a, s, out):
    """out[i] = a[i] (op) s, or s (op) a[i] for the R* codes."""
    n = out.size
    if code == ADD:
        for i in range(n):
            out[i] = a[i] + s
    elif code == SUBTRACT:
        for i in range(n):
            out[i] = a[i] - s
    elif code == MULTIPLY:
        for i in range(n):
            out[i] = a[i] * s
    elif code == DIVIDE:
        for i in range(n):
            out[i] = a[i] / s
    elif code == RSUBTRACT:
        for i in range(n):
            out[i] = s - a[i]
    elif code == RDIVIDE:
        for i in range(n):
            out[i] = s / a[i]
    else:
        for i in range(n):
            out[i] = _apply(code, a[i], s)


@njit(nogil=True, error_model='numpy', inline='always')
def _compare(code, x, y):
    if code == EQUAL:
        return x == y
    elif code == NOT_EQUAL:
        return x != y
    elif code == LESS:
        return x < y
    elif code == LESS_EQUAL:
        return x <= y
    elif code == GREATER:
        return x > y
    elif code == GREATER_EQUAL:
        return x >= y
    elif code == LOGICAL_AND:
        return bool(x) and bool(y)
    elif code == LOGICAL_OR:
        return bool(x) or bool(y)
    else:
        return bool(x) != bool(y)


@kernel
def compare(code, a, b, out):
    """out[i] = a[i] (cmp) b[i] into a bool array."""
    for i in range(out.size):
        out[i] = _compare(code, a[i], b[i])


@kernel
def compare_scalar(code, a, s, out):
    """out[i] = a[i] (cmp) s into a bool array."""
    for i in range(out.size):
        out[i] = _compare(code, a[i], s)


@kernel
def where(cond, a, b, out):
    """out[i] = a[i] if cond[i] else b[i]."""
    for i in range(out.size):
        out[i] = a[i] if cond[i] else b[i]


@kernel
def clip(a, lo, hi, out):
    """out[i] = min(max(a[i], lo), hi); NaN stays NaN."""
    for i in range(out.size):
        v = a[i]
        if v < lo:
            v = lo
        if v > hi:
            v = hi
        out[i] = v

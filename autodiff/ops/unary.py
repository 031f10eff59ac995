"""Elementwise unary ops: name, kernel opcode and backward rule, one line each.

Backward rules ``vjp(g, ans, x)`` take the upstream gradient, the op's result and its
input (all arrays with history) and are written with the library's own ops, so
every rule can itself be differentiated (higher-order gradients).
"""
import math

import numpy as _onp

from .. import dtypes
from ..kernels import unary as K
from .core import defop, result, output, wrap, nondiff
from .launch import launch
from .convert import as_array

_LN2, _LN10 = math.log(2.0), math.log(10.0)


def _integer_input(x, code):
    """Kernel and contiguous buffer for an integer or bool input.

    Ops that NumPy and MXNet compute in the integer type (negative, abs, sign,
    square, floor, ceil, round, relu) keep it (bools count as int64, as MXNet's
    ``-bool_array`` does); the others compute in the default float32.
    """
    d = x._data
    if code in K.INT_CODES:
        if d.dtype.kind == 'b':
            return K.unary_int, d.astype(_onp.int64)
        # (ascontiguousarray would turn a 0-d array into 1-d)
        return K.unary_int, d if d.flags.c_contiguous else _onp.ascontiguousarray(d)
    return K.unary, d.astype(dtypes.DEFAULT)


def _unary(name, code, vjp):
    """Define the op and return its public function ``f(x)``."""
    def backward(node, grads, needs):
        return (vjp(grads[0], output(node), node.inputs[0]),)
    op = defop(name, backward)

    def apply(x):
        x = as_array(x)
        d = x._data
        kernel = K.unary
        if d.dtype.kind != 'f':
            kernel, d = _integer_input(x, code)
        f = d.flags
        if not (f.c_contiguous and f.writeable):     # (read-only: another Numba signature)
            d = _onp.array(d, order='C')             # (0-d stays 0-d, unlike ascontiguousarray)
        out = _onp.empty(d.shape, d.dtype)
        launch(kernel, code, d.reshape(-1), out.reshape(-1))
        return result(op, (x,), out)
    apply.__name__ = name
    apply.__qualname__ = name
    apply.__doc__ = f"Elementwise {name} (differentiable)."
    apply.op = op
    return apply


def _zero_grad(g, ans, x):
    return zeros_like_grad(x)


def zeros_like_grad(x):
    """A zero gradient for ``x`` (floor, ceil, round, sign: piecewise constant)."""
    return wrap(_onp.zeros(x.shape, x.dtype if x.dtype.kind == 'f' else dtypes.DEFAULT))


# ---- fused backward kernels: one pass for the common ``g * f'(ans)`` patterns -------------
_FUSED_DTYPES = (_onp.dtype(_onp.float32), _onp.dtype(_onp.float64))


def _fused_grad(name, code, unfused, vjp):
    """Define ``f(g, ans)`` = ``unfused(g, ans)`` computed by one ``unary_grad`` kernel pass.

    It is a recorded op whose own backward ``vjp(h, g, ans, needs)`` is written with
    library ops, so gradients of any order still work.  Operands the kernel does not
    take (mixed dtypes, other shapes) go through ``unfused``.
    """
    def backward(node, grads, needs):
        g, ans = node.inputs
        return vjp(grads[0], g, ans, needs)
    op = defop(name, backward)

    def apply(g, ans):
        gd, ad = g._data, ans._data
        dt = ad.dtype
        if gd.dtype != dt or dt not in _FUSED_DTYPES or gd.shape != ad.shape:
            return unfused(g, ans)
        f = ad.flags
        if not (f.c_contiguous and f.writeable):
            ad = _onp.array(ad, order='C')
        out = _onp.empty(ad.shape, dt)
        if out.size:
            g_scalar = False
            f = gd.flags
            if f.c_contiguous and f.writeable:
                gflat = gd.reshape(-1)
            elif not any(gd.strides):         # broadcast (e.g. from sum's backward): no copy
                gflat, g_scalar = gd[(slice(0, 1),) * gd.ndim].reshape(1).copy(), True
            else:
                gflat = _onp.array(gd, order='C').reshape(-1)
            launch(K.unary_grad, code, gflat, g_scalar, ad.reshape(-1), dt.type(1),
                   out.reshape(-1))
        return result(op, (g, ans), out)
    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = f"{unfused.__doc__} (fused; differentiable)."
    return apply


def _tanh_grad_unfused(g, ans):
    """g * (1 - ans * ans): tanh's backward from its result"""
    return g * (1 - ans * ans)


def _sigmoid_grad_unfused(g, ans):
    """g * ans * (1 - ans): sigmoid's backward from its result"""
    return g * ans * (1 - ans)


# d/dg = 1 - ans^2 (tanh_grad of h itself), d/dans = -2 g ans
tanh_grad = _fused_grad('tanh_grad', K.TANH, _tanh_grad_unfused,
                        lambda h, g, ans, n: (tanh_grad(h, ans) if n[0] else None,
                                              h * g * ans * -2 if n[1] else None))
# d/dg = ans (1 - ans) (sigmoid_grad of h), d/dans = g (1 - 2 ans)
sigmoid_grad = _fused_grad('sigmoid_grad', K.SIGMOID, _sigmoid_grad_unfused,
                           lambda h, g, ans, n: (sigmoid_grad(h, ans) if n[0] else None,
                                                 h * g * (1 - ans * 2) if n[1] else None))


# ---- the table ---------------------------------------------------------------------------
negative = _unary('negative', K.NEGATIVE, lambda g, ans, x: -g)
abs = _unary('abs', K.ABS, lambda g, ans, x: g * sign(x))              # abs'(0) = 0
sign = _unary('sign', K.SIGN, _zero_grad)
exp = _unary('exp', K.EXP, lambda g, ans, x: g * ans)
expm1 = _unary('expm1', K.EXPM1, lambda g, ans, x: g * exp(x))   # not ans + 1: exact for x << 0
log = _unary('log', K.LOG, lambda g, ans, x: g / x)
log1p = _unary('log1p', K.LOG1P, lambda g, ans, x: g / (x + 1))
log2 = _unary('log2', K.LOG2, lambda g, ans, x: g / (x * _LN2))
log10 = _unary('log10', K.LOG10, lambda g, ans, x: g / (x * _LN10))
sqrt = _unary('sqrt', K.SQRT, lambda g, ans, x: g / (ans * 2))
cbrt = _unary('cbrt', K.CBRT, lambda g, ans, x: g / (ans * ans * 3))
square = _unary('square', K.SQUARE, lambda g, ans, x: g * x * 2)
reciprocal = _unary('reciprocal', K.RECIPROCAL, lambda g, ans, x: -g * ans * ans)
sin = _unary('sin', K.SIN, lambda g, ans, x: g * cos(x))
cos = _unary('cos', K.COS, lambda g, ans, x: -g * sin(x))
tan = _unary('tan', K.TAN, lambda g, ans, x: g * (ans * ans + 1))
arcsin = _unary('arcsin', K.ARCSIN, lambda g, ans, x: g / sqrt(1 - x * x))
arccos = _unary('arccos', K.ARCCOS, lambda g, ans, x: -g / sqrt(1 - x * x))
arctan = _unary('arctan', K.ARCTAN, lambda g, ans, x: g / (x * x + 1))
sinh = _unary('sinh', K.SINH, lambda g, ans, x: g * cosh(x))
cosh = _unary('cosh', K.COSH, lambda g, ans, x: g * sinh(x))
tanh = _unary('tanh', K.TANH, lambda g, ans, x: tanh_grad(g, ans))
arcsinh = _unary('arcsinh', K.ARCSINH, lambda g, ans, x: g / sqrt(x * x + 1))
arccosh = _unary('arccosh', K.ARCCOSH, lambda g, ans, x: g / sqrt(x * x - 1))
arctanh = _unary('arctanh', K.ARCTANH, lambda g, ans, x: g / (1 - x * x))
floor = _unary('floor', K.FLOOR, _zero_grad)
ceil = _unary('ceil', K.CEIL, _zero_grad)
round = _unary('round', K.ROUND, _zero_grad)
rint = round
relu = _unary('relu', K.RELU, lambda g, ans, x: g * (x > 0))           # relu'(0) = 0
sigmoid = _unary('sigmoid', K.SIGMOID, lambda g, ans, x: sigmoid_grad(g, ans))
absolute = abs


# ---- predicates: bool results, not differentiable -------------------------------------------
def _predicate(name, code, int_answer):
    def apply(x):
        x = as_array(x)
        d = x._data
        out = _onp.empty(d.shape, _onp.bool_)
        if d.dtype.kind != 'f' and code != K.LOGICAL_NOT:
            out.fill(int_answer)              # integers are never NaN or inf
        else:
            d = _onp.ascontiguousarray(d)
            K.predicate(code, d.reshape(-1), out.reshape(-1))
        return nondiff(name, (x,), wrap(out))
    apply.__name__ = name
    apply.__doc__ = f"Elementwise {name} (bool result, not differentiable)."
    return apply


isnan = _predicate('isnan', K.ISNAN, False)
isinf = _predicate('isinf', K.ISINF, False)
isfinite = _predicate('isfinite', K.ISFINITE, True)
logical_not = _predicate('logical_not', K.LOGICAL_NOT, None)

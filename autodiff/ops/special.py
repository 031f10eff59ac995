"""Special functions: erf, erfinv, gamma, gammaln, digamma, polygamma (MXNet's ``npx`` ones
and the derivatives they need), and ``elementwise``, the op maker they share with
``activation``.

Backward rules use library ops only, so every order is differentiable: gamma' =
gamma * digamma, gammaln' = digamma, digamma' = polygamma(1), polygamma(n)' =
polygamma(n + 1), erf' = 2/sqrt(pi) exp(-x^2), erfinv' = sqrt(pi)/2 exp(erfinv(x)^2).
"""
import math
import numbers

import numpy as _onp

from .. import dtypes
from ..errors import DTypeError
from ..kernels import special as K
from .core import defop, result, output
from .convert import as_array
from .launch import launch
from .unary import exp

_SQRT_PI = math.sqrt(math.pi)


def float_buffer(x, name):
    """``x``'s data as a C-contiguous writable float buffer: float32/float64 kept, integers
    and bools computed in the default float32 (as the library's other transcendental ops)."""
    d = x._data
    if d.dtype.kind == 'f':
        f = d.flags
        return d if (f.c_contiguous and f.writeable) else _onp.array(d, order='C')
    if d.dtype.kind in 'biu':
        return d.astype(dtypes.DEFAULT)
    raise DTypeError(f"{name}: unsupported input dtype {d.dtype}")


def elementwise(name, run, vjp, params=()):
    """Define an elementwise op and return its function ``f(x, *params)``.

    ``run(flat_in, flat_out, *params)`` computes the forward; ``vjp(g, ans, x, *params)``
    returns the input's gradient, written with library ops (any order).
    """
    def backward(node, grads, needs):
        return (vjp(grads[0], output(node), node.inputs[0], *(node.attrs or ())),)
    op = defop(name, backward, params=params)

    def apply(x, *args):
        x = as_array(x)
        d = float_buffer(x, name)
        out = _onp.empty(d.shape, d.dtype)
        if out.size:
            run(d.reshape(-1), out.reshape(-1), *args)
        return result(op, (x,), out, tuple(args) if params else None)
    apply.__name__ = apply.__qualname__ = name
    apply.op = op
    return apply


def _code(code):
    return lambda d, out: launch(K.special, code, d, out)


erf = elementwise('erf', _code(K.ERF),
                  lambda g, ans, x: g * exp(-(x * x)) * (2 / _SQRT_PI))
erfinv = elementwise('erfinv', _code(K.ERFINV),
                     lambda g, ans, x: g * exp(ans * ans) * (_SQRT_PI / 2))
digamma = elementwise('digamma', _code(K.DIGAMMA),
                      lambda g, ans, x: g * polygamma(1, x))
gamma = elementwise('gamma', _code(K.GAMMA), lambda g, ans, x: g * ans * digamma(x))
gammaln = elementwise('gammaln', _code(K.GAMMALN), lambda g, ans, x: g * digamma(x))
_polygamma = elementwise('polygamma', lambda d, out, n: launch(K.polygamma, n, d, out),
                         lambda g, ans, x, n: g * polygamma(n + 1, x), params=('n',))


def polygamma(n, x):
    """The n-th derivative of digamma, elementwise (n = 0 is digamma); differentiable."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f"polygamma: n must be a non-negative integer, got {n!r}")
    return digamma(x) if n == 0 else _polygamma(x, int(n))


erf.__doc__ = """Gauss error function, elementwise (``npx.erf``); differentiable to any order."""
erfinv.__doc__ = """Inverse error function, elementwise (``npx.erfinv``): NaN outside [-1, 1],
    +-inf at +-1; differentiable to any order."""
gamma.__doc__ = """The gamma function, elementwise (``npx.gamma``): inf at 0, NaN at negative
    integers; differentiable to any order (gamma * digamma, then polygamma)."""
gammaln.__doc__ = """log|gamma(x)|, elementwise (``npx.gammaln``); differentiable to any order."""
digamma.__doc__ = """psi(x), the derivative of gammaln, elementwise; differentiable to any order."""

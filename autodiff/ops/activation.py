"""Activations of MXNet 1.9.1's ``npx``: ``activation``, ``leaky_relu``, ``smooth_l1``.

Elementwise ones are one kernel pass each (``kernels/activation.py``) with a backward
written with library ops (any order).  ``prelu`` (a learned, broadcast slope) and
``rrelu`` (random slopes in training) are compositions of library ops, so gradients flow
to ``gamma`` too.  Kinks take the negative side's derivative, as MXNet 1.9.1:
leaky'(0) = slope, elu'(0) = slope, selu'(0) = lambda * alpha.
"""
import math
import numbers

import numpy as _onp

from .. import random as _random
from .._state import state
from ..errors import ShapeError
from ..kernels import activation as K
from ..ndarray import ndarray
from .binary import where
from .convert import as_array
from .launch import launch
from .special import elementwise, erf
from .unary import abs, exp, sigmoid, sign, relu, tanh

_LAMBDA, _ALPHA = K.SELU_LAMBDA, K.SELU_ALPHA
_INV_SQRT2, _INV_SQRT_2PI = 1 / math.sqrt(2.0), 1 / math.sqrt(2 * math.pi)


def _code(code):
    return lambda d, out, a=0.0: launch(K.activation, code, float(a), d, out)


def _gelu_grad(g, ans, x):
    """Phi(x) + x phi(x): the normal CDF and density."""
    cdf = (erf(x * _INV_SQRT2) + 1) * 0.5
    return g * (cdf + x * exp(x * x * -0.5) * _INV_SQRT_2PI)


softrelu = elementwise('softrelu', _code(K.SOFTRELU), lambda g, ans, x: g * sigmoid(x))
softsign = elementwise('softsign', _code(K.SOFTSIGN),
                       lambda g, ans, x: g / ((abs(x) + 1) * (abs(x) + 1)))
_leaky = elementwise('leaky_relu', _code(K.LEAKY),
                     lambda g, ans, x, a: where(x > 0, g, g * a), params=('slope',))
# for x <= 0: elu' = slope * exp(x) = ans + slope (no exp of a large positive x)
_elu = elementwise('elu', _code(K.ELU),
                   lambda g, ans, x, a: where(x > 0, g, g * (ans + a)), params=('slope',))
_selu = elementwise('selu', _code(K.SELU),
                    lambda g, ans, x: where(x > 0, g * _LAMBDA, g * (ans + _LAMBDA * _ALPHA)))
_gelu = elementwise('gelu', _code(K.GELU), _gelu_grad)
_smooth_l1 = elementwise(
    'smooth_l1', _code(K.SMOOTH_L1),
    lambda g, ans, x, a: where(abs(x) < 1 / a, g * x * a, g * sign(x)), params=('sigma2',))

softrelu.__doc__ = "log(1 + exp(x)), elementwise (softplus); differentiable to any order."
softsign.__doc__ = "x / (1 + |x|), elementwise; differentiable."

_ACTIVATIONS = {'relu': relu, 'sigmoid': sigmoid, 'tanh': tanh, 'softrelu': softrelu,
                'softsign': softsign}


def activation(data, act_type):
    """``npx.activation``: relu, sigmoid, tanh, softrelu (softplus) or softsign, elementwise.

    MXNet 1.9.1 accepts exactly these five ``act_type`` values (no log_sigmoid, mish,
    gelu or selu here: see ``leaky_relu`` for gelu/selu/elu).
    """
    f = _ACTIVATIONS.get(act_type)
    if f is None:
        raise ValueError(f"activation: act_type {act_type!r} is not supported; valid values "
                         f"are {sorted(_ACTIVATIONS)}")
    return f(data)


def _scalar(name, what, v):
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{name}: {what} must be a real number, got {type(v).__name__}")
    return float(v)


def _prelu(x, gamma):
    """where(x > 0, x, gamma * x), gamma along axis 1 (axis 0 of a 1-D x), or one value."""
    if gamma is None:
        raise ValueError("leaky_relu: act_type 'prelu' needs the slope array gamma")
    g = as_array(gamma)
    if g.ndim != 1:
        raise ShapeError(f"leaky_relu: prelu's gamma must be 1-D, got shape {g.shape}")
    axis = 1 if x.ndim > 1 else 0
    if g.shape[0] != 1:
        if x.ndim == 0 or g.shape[0] != x.shape[axis]:
            raise ShapeError(f"leaky_relu: prelu's gamma has {g.shape[0]} slopes but data of "
                             f"shape {x.shape} has {x.shape[axis] if x.ndim else 1} channels "
                             f"along axis {axis} (give one slope per channel, or one in all)")
        g = g.reshape((-1,) + (1,) * (x.ndim - 2)) if x.ndim > 1 else g
    return where(x > 0, x, g.astype(x.dtype) * x)


def _rrelu(x, lower, upper):
    """Training: a slope drawn uniformly from [lower, upper) per element; else the mean."""
    if not lower <= upper:
        raise ValueError(f"leaky_relu: rrelu needs lower_bound <= upper_bound, got "
                         f"{lower} and {upper}")
    if not state.training:
        return _leaky(x, (lower + upper) / 2)
    slope = _random.uniform(lower, upper, x.shape, dtype=x.dtype)
    return where(x > 0, x, slope * x)


def leaky_relu(data, gamma=None, act_type='leaky', slope=0.25, lower_bound=0.125,
               upper_bound=0.334):
    """``npx.leaky_relu``: leaky, prelu, elu, selu, gelu or rrelu, elementwise.

    - leaky: ``x > 0 ? x : slope * x``; elu: ``x > 0 ? x : slope * (exp(x) - 1)``;
    - selu: ``lambda * (x > 0 ? x : alpha * (exp(x) - 1))`` (``slope`` unused);
    - gelu: ``x * Phi(x)`` with the normal CDF (erf form, as MXNet 1.9.1);
    - prelu: as leaky with the slope array ``gamma`` (one per channel along axis 1, or
      one), which receives a gradient too;
    - rrelu: slopes drawn from U[lower_bound, upper_bound) per element in training
      (``autograd.record()``), their mean ``(lower_bound + upper_bound) / 2`` otherwise.
      Returns only the output (MXNet 1.9.1 returns [output, mask] and crashes in training).

    The selu gradient for x < 0 follows the math (lambda * alpha * exp(x)); MXNet 1.9.1's
    is wrong there.
    """
    x = as_array(data)
    if act_type == 'leaky':
        return _leaky(x, _scalar('leaky_relu', 'slope', slope))
    if act_type == 'elu':
        return _elu(x, _scalar('leaky_relu', 'slope', slope))
    if act_type == 'selu':
        return _selu(x)
    if act_type == 'gelu':
        return _gelu(x)
    if act_type == 'prelu':
        return _prelu(x, gamma)
    if act_type == 'rrelu':
        return _rrelu(x, _scalar('leaky_relu', 'lower_bound', lower_bound),
                      _scalar('leaky_relu', 'upper_bound', upper_bound))
    raise ValueError(f"leaky_relu: act_type {act_type!r} is not supported; valid values are "
                     f"['elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu']")


def smooth_l1(data, scalar=1.0):
    """``npx.smooth_l1``: ``0.5 (scalar x)^2`` where ``|x| < 1/scalar^2``, else
    ``|x| - 0.5/scalar^2``, elementwise; differentiable."""
    s = _scalar('smooth_l1', 'scalar', scalar)
    if s == 0:
        raise ValueError("smooth_l1: scalar must be non-zero")
    return _smooth_l1(data, s * s)

"""Reparameterised random draws: one row per distribution of ``np.random``.

A draw is a deterministic function of its parameters and of *standard noise*, a
parameter-free array drawn by NumPy's ``Generator`` (the library algorithm; the
caller, ``autodiff.random``, owns the seeded generator and passes it in).  Each row
says how to draw the noise, the forward transform (NumPy, in float64, cast to the
result's dtype) and its VJP written with the library's own ops, so gradients with
respect to array parameters with history work at any order (``create_graph=True``).
Ops are named ``random_normal``, ``random_gamma``, ...  The noise is kept on the node (``attrs[0]``; not a drawn parameter), as dropout keeps
its mask: a backward reuses exactly the noise of the forward.

Gradients (MXNet 1.9.1's where it has them, checked with its oracle):

    normal(loc, scale)          y = loc + scale z          d/dloc = 1, d/dscale = z
    gumbel, logistic            the same, z standard Gumbel / logistic
    exponential, rayleigh       y = scale z                d/dscale = z = y / scale
    lognormal(mean, sigma)      y = exp(mean + sigma z)    d/dmean = y, d/dsigma = y z
    weibull(a)                  y = E^(1/a)                d/da = -y log(E) / a^2
    pareto(a)                   y = expm1(E / a)           d/da = -(y + 1) E / a^2
    uniform(low, high)          y = low + (high - low) u   d/dlow = 1 - u, d/dhigh = u
    power(a)                    y = u^(1/a)                d/da = -y log(u) / a^2
    gamma(shape, scale)         y = scale z, z ~ Gamma(shape, 1)   d/dscale = z,
                                d/dshape = scale dz/dshape (implicit, kernels/random.py)

MXNet 1.9.1 gives zero gradients for ``uniform``, ``power`` and ``gamma`` (so for
``beta`` and ``chisquare``, built on it): a defect, the draws depend on their
parameters; here they follow the math.  ``gamma``'s shape gradient is the implicit
reparameterisation (u = P(shape, z) held fixed), first order only: a second-order
gradient with respect to shape raises.  ``multivariate_normal`` is differentiable in
``mean`` only (a gradient with respect to ``cov`` raises; MXNet 1.9.1 has neither).
"""
import numpy as _onp

from .. import dtypes
from .._state import state
from ..errors import ShapeError
from ..kernels import random as KR
from ..ndarray import ndarray
from .core import defop, result, output, wrap
from .shape import unbroadcast


class Dist:
    """One distribution: parameter names, their domain checks, noise, forward and VJP.

    ``noise(rng, shape, params)`` draws the float64 standard noise of ``shape``;
    ``forward(params, noise)`` maps float64 parameters (broadcast) and noise to the draw;
    ``vjp(g, y, z, xs, needs)`` gives one gradient per parameter (before unbroadcasting) from
    the head gradient ``g``, the output ``y`` (with history), the noise ``z`` and the inputs.
    Its op is named ``random_<name>`` (the special function ``gamma`` has the name ``gamma``).
    ``checks`` maps a parameter index to '>=0' or '>0'.
    """

    def __init__(self, name, params, checks, noise, forward, vjp):
        self.name, self.params, self.checks = name, params, checks
        self.noise, self.forward, self.vjp = noise, forward, vjp
        self.op = defop('random_' + name, self._backward)

    def _backward(self, node, grads, needs):
        g = grads[0]
        z = wrap(node.attrs[0].astype(g.dtype))
        xs = node.inputs
        gs = self.vjp(g, output(node), z, xs, needs)
        out = []
        for x, gx, need in zip(xs, gs, needs):
            if not need or gx is None:
                out.append(None)
                continue
            gx = unbroadcast(gx, x.shape)
            out.append(gx if gx.dtype == x.dtype else gx.astype(x.dtype))
        return tuple(out)


def _std(method):
    return lambda rng, shape, p: getattr(rng, method)(size=shape)


def _gumbel_noise(rng, shape, p):
    return -_onp.log(rng.standard_exponential(size=shape))


def _log_uniform(rng, shape, p):
    return _onp.log(-_onp.expm1(-rng.standard_exponential(size=shape)))


def _log_exponential(rng, shape, p):
    return _onp.log(rng.standard_exponential(size=shape))


def _shift_scale(p, z):
    return p[0] + p[1] * z


def _shift_scale_vjp(g, y, z, xs, needs):
    return g, g * z


def _scaled_vjp(g, y, z, xs, needs):
    return (g * z,)


def _exp_over_a_vjp(g, y, c, xs, needs):        # y = exp(c / a): dy/da = -y c / a^2
    a = xs[0]
    return (-(g * y * c) / (a * a),)


def _lognormal_vjp(g, y, z, xs, needs):
    gy = g * y
    return gy, gy * z


def _pareto_vjp(g, y, e, xs, needs):
    a = xs[0]
    return (-(g * (y + 1.0) * e) / (a * a),)


def _uniform_vjp(g, y, u, xs, needs):
    gu = g * u
    return g - gu, gu


def _gamma_vjp(g, y, z, xs, needs):
    shape, scale = xs
    g_shape = None
    if needs[0]:
        if state.recording:
            raise NotImplementedError(
                "np.random.gamma: gradients of second and higher order with respect to shape "
                "are not implemented (the first order is: the implicit reparameterisation)")
        zs = _onp.ascontiguousarray(z._data, dtype=_onp.float64).ravel()
        alpha = _onp.ascontiguousarray(_onp.broadcast_to(
            shape._data.astype(_onp.float64), z.shape)).ravel()
        dz = _onp.empty_like(zs)
        KR.gamma_shape_grad(alpha, zs, dz)
        g_shape = g * scale * wrap(dz.reshape(z.shape).astype(g.dtype))
    return g_shape, (g * z if needs[1] else None)


_SCALE = {1: '>=0'}
DISTS = {d.name: d for d in (
    Dist('normal', ('loc', 'scale'), _SCALE, _std('standard_normal'), _shift_scale,
         _shift_scale_vjp),
    Dist('gumbel', ('loc', 'scale'), _SCALE, _gumbel_noise, _shift_scale, _shift_scale_vjp),
    Dist('logistic', ('loc', 'scale'), _SCALE, lambda rng, shape, p: rng.logistic(size=shape),
         _shift_scale, _shift_scale_vjp),
    Dist('lognormal', ('mean', 'sigma'), _SCALE, _std('standard_normal'),
         lambda p, z: _onp.exp(p[0] + p[1] * z), _lognormal_vjp),
    Dist('uniform', ('low', 'high'), {}, _std('random'),
         lambda p, u: p[0] + (p[1] - p[0]) * u, _uniform_vjp),
    Dist('exponential', ('scale',), {0: '>=0'}, _std('standard_exponential'),
         lambda p, z: p[0] * z, _scaled_vjp),
    Dist('rayleigh', ('scale',), {0: '>=0'},
         lambda rng, shape, p: _onp.sqrt(2.0 * rng.standard_exponential(size=shape)),
         lambda p, z: p[0] * z, _scaled_vjp),
    Dist('weibull', ('a',), {0: '>0'}, _log_exponential,
         lambda p, c: _onp.exp(c / p[0]), _exp_over_a_vjp),
    Dist('power', ('a',), {0: '>0'}, _log_uniform,
         lambda p, c: _onp.exp(c / p[0]), _exp_over_a_vjp),
    Dist('pareto', ('a',), {0: '>0'}, _std('standard_exponential'),
         lambda p, e: _onp.expm1(e / p[0]), _pareto_vjp),
    Dist('gamma', ('shape', 'scale'), {0: '>0', 1: '>0'},
         lambda rng, shape, p: rng.standard_gamma(_onp.broadcast_to(p[0], shape)),
         lambda p, z: p[1] * z, _gamma_vjp),
)}


def _param(v, where, pname):
    """A parameter as an ndarray: an array keeps its dtype (and history); a number or a
    list becomes a float64 constant (no precision lost before the float64 transform)."""
    try:
        x = v if isinstance(v, ndarray) else wrap(
            _onp.array(v, dtype=None if isinstance(v, _onp.ndarray) else _onp.float64))
    except (TypeError, ValueError) as e:
        raise TypeError(f"{where}: {pname} must be a number or an array, got "
                        f"{type(v).__name__}") from e
    if x.dtype.kind not in 'fiub':
        raise TypeError(f"{where}: {pname} must be real numbers, got dtype {x.dtype}")
    return x


def out_shape(where, size, shapes):
    """The draw's shape: ``size`` (the parameters broadcast to it), else theirs broadcast."""
    try:
        ps = _onp.broadcast_shapes(*shapes)
    except ValueError:
        raise ShapeError(f"{where}: the parameters' shapes {list(shapes)} do not broadcast "
                         "together") from None
    if size is None:
        return ps
    shape = (int(size),) if isinstance(size, (int, _onp.integer)) else tuple(int(s) for s in size)
    if any(s < 0 for s in shape):
        raise ValueError(f"{where}: size must not be negative, got {size!r}")
    try:
        if _onp.broadcast_shapes(shape, ps) == shape:
            return shape
    except ValueError:
        pass
    raise ShapeError(f"{where}: parameters of shape {ps} cannot be broadcast to size {shape}")


def _check_domain(where, pname, data, rule):
    bad = ~(data >= 0) if rule == '>=0' else ~(data > 0)
    if _onp.any(bad):
        raise ValueError(f"{where}: {pname} must be {rule[:-1]} 0, got "
                         f"{data[bad].ravel()[0]!r}")


def draw(name, rng, params, size, dtype):
    """Draw from distribution ``name`` with parameter values ``params`` (numbers or arrays).

    Returns an array of ``dtype`` (a float dtype), recorded as a node of the distribution's
    op when a parameter has history (under ``autograd.record()``)."""
    d = DISTS[name]
    where = f"np.random.{name}"
    xs = [_param(v, where, p) for v, p in zip(params, d.params)]
    shape = out_shape(where, size, [x.shape for x in xs])
    vals = [x._data.astype(_onp.float64) for x in xs]
    for i, rule in d.checks.items():
        _check_domain(where, d.params[i], vals[i], rule)
    noise = _onp.asarray(d.noise(rng, shape, vals), dtype=_onp.float64)
    return apply(name, xs, noise, dtype)


def apply(name, params, noise, dtype):
    """Distribution ``name``'s transform of ``params`` (arrays) and a given standard ``noise``.

    The deterministic half of a draw: with the noise held fixed, the result is a
    differentiable function of the parameters (tests and higher-order checks use it)."""
    d = DISTS[name]
    xs = [_param(p, f'np.random.{name}', pn) for p, pn in zip(params, d.params)]
    dt = dtypes.check(dtype)
    with _onp.errstate(over='ignore', invalid='ignore', divide='ignore'):
        data = d.forward([x._data.astype(_onp.float64) for x in xs], noise)
    data = _onp.array(_onp.broadcast_to(data, noise.shape), dtype=dt, order="C")
    return result(d.op, tuple(xs), data, (noise,))


# ---- multivariate normal: y = mean + A z, A A^T = cov ------------------------------------------

def _mvn_backward(node, grads, needs):
    if needs[1]:
        raise NotImplementedError(
            "np.random.multivariate_normal: the gradient with respect to cov is not implemented "
            "(MXNet 1.9.1 has none for either argument); the gradient with respect to mean is")
    g = grads[0]
    mean = node.inputs[0]
    gm = unbroadcast(g, mean.shape)
    return (gm if gm.dtype == mean.dtype else gm.astype(mean.dtype)), None


_mvn_op = defop('random_multivariate_normal', _mvn_backward)


def mvn_factor(cov):
    """A factor A with A A^T = cov (batched), as NumPy's: U sqrt(S) of the SVD (LAPACK)."""
    u, s, _ = _onp.linalg.svd(cov)
    return u * _onp.sqrt(s)[..., None, :]


def mvn_apply(mean, cov, z, dtype):
    """``mean + A z`` for standard normal ``z`` of shape ``size + batch + (N,)`` (recorded)."""
    a = mvn_factor(cov._data.astype(_onp.float64))
    data = mean._data.astype(_onp.float64) + _onp.einsum('...ij,...j->...i', a, z)
    return result(_mvn_op, (mean, cov), data.astype(dtype), (z,))

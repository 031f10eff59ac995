"""Reparameterised random draws: one row per distribution of ``np.random``.

A draw is a deterministic function of its parameters and of *standard noise*, a
parameter-free array drawn by NumPy's ``Generator`` (the library algorithm; the
caller, ``autodiff.random``, owns the seeded generator and passes it in).  Each row
says how to draw the noise, the forward transform (NumPy, in place on a copy of the
noise: in float64 when a parameter is an array, else in the result's precision) and
its VJP written with the library's own ops, so gradients with respect to array
parameters with history work at any order (``create_graph=True``).  Ops are named
``random_normal``, ``random_gamma``, ...  The noise is kept on the node (``attrs[0]``;
not a drawn parameter), as dropout keeps its mask: a backward reuses exactly the
noise of the forward.

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
    ``forward(params, z)`` maps float64 parameters (numbers or arrays that broadcast to the
    noise's shape) and a scratch copy ``z`` of the noise to the draw, overwriting ``z``;
    ``vjp(g, y, z, xs, needs)`` gives one gradient per parameter (before unbroadcasting) from
    the head gradient ``g``, the output ``y`` (with history), the noise ``z`` and the inputs.
    Its op is named ``random_<name>`` (the special function ``gamma`` has the name ``gamma``).
    ``checks`` maps a parameter index to '>=0' or '>0'; ``overflows`` marks a transform
    that may overflow (``exp``), which then runs without NumPy's warning.
    """

    def __init__(self, name, params, checks, noise, forward, vjp, overflows=False):
        self.name, self.params, self.checks = name, params, checks
        self.noise, self.forward, self.vjp = noise, forward, vjp
        self.overflows = overflows    # the transform may overflow to inf (exp): no warning
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


def _gumbel_noise(rng, shape, p):                 # -log(E), E standard exponential
    e = rng.standard_exponential(size=shape)
    return _onp.negative(_onp.log(e, out=e), out=e)


def _log_uniform(rng, shape, p):                  # log(u), u = 1 - exp(-E) uniform (NumPy's)
    e = _onp.negative(rng.standard_exponential(size=shape))
    return _onp.log(_onp.negative(_onp.expm1(e, out=e), out=e), out=e)


def _log_exponential(rng, shape, p):
    e = rng.standard_exponential(size=shape)
    return _onp.log(e, out=e)


def _rayleigh_noise(rng, shape, p):               # sqrt(2 E)
    e = rng.standard_exponential(size=shape)
    e *= 2.0
    return _onp.sqrt(e, out=e)


# Forward transforms: ``z`` is a scratch array of the result's shape, overwritten in place
# (large draws then cost no temporaries)

def _is(v, number):
    return type(v) is float and v == number       # a Python number: skip a no-op pass


def _shift_scale(p, z):                           # loc + scale z
    if not _is(p[1], 1.0):
        z *= p[1]
    if not _is(p[0], 0.0):
        z += p[0]
    return z


def _lognormal(p, z):                             # exp(mean + sigma z)
    return _onp.exp(_shift_scale(p, z), out=z)


def _uniform(p, u):                               # low + (high - low) u
    return _shift_scale((p[0], p[1] - p[0]), u)


def _scaled(p, z):                                # scale z
    if not _is(p[0], 1.0):
        z *= p[0]
    return z


def _exp_over_a(p, c):                            # exp(c / a)
    c /= p[0]
    return _onp.exp(c, out=c)


def _pareto(p, e):                                # expm1(E / a)
    e /= p[0]
    return _onp.expm1(e, out=e)


def _gamma(p, z):                                 # scale z
    z *= p[1]
    return z


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
    Dist('lognormal', ('mean', 'sigma'), _SCALE, _std('standard_normal'), _lognormal,
         _lognormal_vjp, True),
    Dist('uniform', ('low', 'high'), {}, _std('random'), _uniform, _uniform_vjp),
    Dist('exponential', ('scale',), {0: '>=0'}, _std('standard_exponential'), _scaled,
         _scaled_vjp),
    Dist('rayleigh', ('scale',), {0: '>=0'}, _rayleigh_noise, _scaled, _scaled_vjp),
    Dist('weibull', ('a',), {0: '>0'}, _log_exponential, _exp_over_a, _exp_over_a_vjp, True),
    Dist('power', ('a',), {0: '>0'}, _log_uniform, _exp_over_a, _exp_over_a_vjp, True),
    Dist('pareto', ('a',), {0: '>0'}, _std('standard_exponential'), _pareto, _pareto_vjp,
         True),
    Dist('gamma', ('shape', 'scale'), {0: '>0', 1: '>0'},
         lambda rng, shape, p: rng.standard_gamma(_onp.broadcast_to(p[0], shape)),
         _gamma, _gamma_vjp),
)}


_NUMBER = (int, float, _onp.integer, _onp.floating)
_F64 = _onp.dtype(_onp.float64)


def _param(v, where, pname):
    """A parameter: an ndarray as it is (its dtype, its history); a number as a Python
    float; a list or NumPy array as a constant float64 (or its own dtype) ndarray."""
    if isinstance(v, _NUMBER) and not isinstance(v, bool):
        return float(v)
    try:
        x = v if isinstance(v, ndarray) else wrap(
            _onp.array(v, dtype=None if isinstance(v, _onp.ndarray) else _onp.float64))
    except (TypeError, ValueError) as e:
        raise TypeError(f"{where}: {pname} must be a number or an array, got "
                        f"{type(v).__name__}") from e
    if x.dtype.kind not in 'fiub':
        raise TypeError(f"{where}: {pname} must be real numbers, got dtype {x.dtype}")
    return x


def _value(x):
    return x if isinstance(x, float) else _onp.asarray(x._data, dtype=_onp.float64)


def _shape(x):
    return () if isinstance(x, float) else x.shape


def out_shape(where, size, shapes):
    """The draw's shape: ``size`` (the parameters broadcast to it), else theirs broadcast."""
    if not any(shapes):
        ps = ()
    else:
        try:
            ps = _onp.broadcast_shapes(*shapes)
        except ValueError:
            raise ShapeError(f"{where}: the parameters' shapes {list(shapes)} do not broadcast "
                             "together") from None
    if size is None:
        return ps
    shape = (int(size),) if isinstance(size, (int, _onp.integer)) else tuple(map(int, size))
    if shape and min(shape) < 0:
        raise ValueError(f"{where}: size must not be negative, got {size!r}")
    if ps == ():
        return shape
    try:
        if _onp.broadcast_shapes(shape, ps) == shape:
            return shape
    except ValueError:
        pass
    raise ShapeError(f"{where}: parameters of shape {ps} cannot be broadcast to size {shape}")


def _check_domain(where, pname, v, rule):
    ok = (v >= 0) if rule == '>=0' else (v > 0)
    if isinstance(v, float):
        if not ok:
            raise ValueError(f"{where}: {pname} must be {rule[:-1]} 0, got {v!r}")
    elif not _onp.all(ok):
        raise ValueError(f"{where}: {pname} must be {rule[:-1]} 0, got "
                         f"{v[~ok].ravel()[0]!r}")


def draw(name, rng, params, size, dtype):
    """Draw from distribution ``name`` with parameter values ``params`` (numbers or arrays).

    Returns an array of ``dtype`` (a float dtype), recorded as a node of the distribution's
    op when a parameter has history (under ``autograd.record()``)."""
    d = DISTS[name]
    where = f"np.random.{name}"
    xs = [_param(v, where, p) for v, p in zip(params, d.params)]
    shape = out_shape(where, size, [_shape(x) for x in xs])
    vals = [_value(x) for x in xs]
    for i, rule in d.checks.items():
        _check_domain(where, d.params[i], vals[i], rule)
    noise = _onp.asarray(d.noise(rng, shape, vals), dtype=_onp.float64)
    return _apply(d, xs, vals, noise, dtype)


def redraw(name, rng, datas, shape, dtype):
    """``(draw, noise)``: a fresh draw of ``shape`` from distribution ``name`` with the
    parameter buffers ``datas`` (NumPy arrays, as a recorded node's inputs hold them),
    cast to ``dtype``, computed as ``draw`` computes it (the domain checked, the noise
    from ``rng``, the transform in float64) — a compiled program's opaque random step."""
    d = DISTS[name]
    where = f"np.random.{name}"
    vals = [_onp.asarray(x, dtype=_onp.float64) for x in datas]
    for i, rule in d.checks.items():
        _check_domain(where, d.params[i], vals[i], rule)
    noise = _onp.asarray(d.noise(rng, shape, vals), dtype=_onp.float64)
    data = _forward(d, vals, noise.copy())
    return (data if data.dtype == dtype else data.astype(dtype)), noise


def apply(name, params, noise, dtype):
    """Distribution ``name``'s transform of ``params`` (arrays) and a given standard ``noise``.

    The deterministic half of a draw: with the noise held fixed, the result is a
    differentiable function of the parameters (tests and higher-order checks use it)."""
    d = DISTS[name]
    xs = [_param(p, f'np.random.{name}', pn) for p, pn in zip(params, d.params)]
    return _apply(d, xs, [_value(x) for x in xs], _onp.asarray(noise, dtype=_onp.float64),
                  dtypes.check(dtype))


def _forward(d, vals, noise):
    if not d.overflows:
        return d.forward(vals, noise)
    with _onp.errstate(over='ignore', invalid='ignore', divide='ignore'):
        return d.forward(vals, noise)


def _apply(d, xs, vals, noise, dt):
    # under an autograd.compile recording every draw is an op application, so the tracer
    # notes it and a replay draws afresh (its numbers become constant inputs)
    arrays = state.tracer is not None or any(isinstance(x, ndarray) for x in xs)
    if not arrays and dt != _F64:
        # numbers only (nothing can have history): the transform runs in float32, the
        # precision of the result (Python floats do not promote a float32 array)
        data = _forward(d, vals, noise.astype(_onp.float32))
        return wrap(data.astype(dt, copy=False) if data.dtype != dt else data)
    data = _forward(d, vals, noise.copy())         # (the noise itself stays on the node)
    if data.dtype != dt:
        data = data.astype(dt)
    if not arrays:
        return wrap(data)
    inputs = tuple(x if isinstance(x, ndarray) else wrap(_onp.array(x)) for x in xs)
    return result(d.op, inputs, data, (noise,))


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


def _mvn_data(mean, cov, z):
    a = mvn_factor(_onp.asarray(cov, dtype=_onp.float64))
    return _onp.asarray(mean, dtype=_onp.float64) + _onp.einsum('...ij,...j->...i', a, z)


def mvn_apply(mean, cov, z, dtype):
    """``mean + A z`` for standard normal ``z`` of shape ``size + batch + (N,)`` (recorded)."""
    return result(_mvn_op, (mean, cov), _mvn_data(mean._data, cov._data, z).astype(dtype),
                  (z,))


def mvn_redraw(rng, datas, shape, dtype):
    """``(draw, z)``: a fresh multivariate normal draw from the buffers ``datas`` (mean,
    cov) with standard noise ``z`` of ``shape`` from ``rng``, as ``multivariate_normal``
    draws it (a compiled program's opaque random step)."""
    z = rng.standard_normal(shape)
    return _mvn_data(datas[0], datas[1], z).astype(dtype), z

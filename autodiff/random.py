"""``np.random``: MXNet 1.9.1's 20 draws plus ``seed``, from one seedable generator.

Every draw comes from this module's NumPy ``Generator`` (``seed(n)`` makes them all
repeat; the sampling algorithms are NumPy's).  Results are float32 unless ``dtype=``
says otherwise (float16/32/64, where MXNet takes ``dtype``); ``randint``, ``choice``
of an int and ``multinomial`` give int64.  Parameters may be arrays: they broadcast
together and to ``size``.  Inside ``autograd.record()`` a draw is differentiable in
its array parameters by reparameterisation (``autodiff/ops/random_ops.py`` lists the
rules; ``normal``: d/dloc = 1, d/dscale = the standard draw, as MXNet 1.9.1).
``ctx=`` / ``device=`` place the result; ``out=`` writes into an array of the draw's shape.
"""
import numpy as _onp

from . import dtypes as _dtypes
from ._mxargs import _write_out
from ._state import state as _state
from .device import place as _place
from .errors import DTypeError as _DTypeError, ShapeError as _ShapeError
from .ndarray import ndarray as _ndarray, wrap as _wrap
from .ops import random_ops as _ops

_FLOATS = ('float16', 'float32', 'float64')


def seed(seed=None):
    """Reseed the generator, so draws repeat."""
    global _rng
    _rng = _onp.random.default_rng(seed)


def _gen():
    """The generator, made at the first draw (``numpy.random`` is ~15 ms of start-up)."""
    if '_rng' not in globals():
        seed()              # (sets the module's ``_rng``)
    return _rng


def __getattr__(name):
    if name == '_rng':      # (``ops/dropout.py`` draws from ``random._rng``)
        return _gen()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _size(size):
    return () if size is None else size


def _drawn(name):
    """Tell an ``autograd.compile`` recording of a draw that is no op application (a replay
    would repeat it).  The continuous draws need not: they are ops (``ops/random_ops``)."""
    if _state.tracer is not None:
        _state.tracer.on_draw(name)


def _float_dtype(where, dtype):
    if dtype is None:
        return _dtypes.DEFAULT
    dt = _dtypes.check(dtype, where)
    if dt.name not in _FLOATS:
        raise _DTypeError(f"{where}: dtype must be one of {', '.join(_FLOATS)}, got {dt.name}")
    return dt


def _finish(r, name, ctx=None, device=None, out=None):
    r = _place(r, 'random.' + name, ctx, device)
    return r if out is None else _write_out('np.random', name, r, out)


def _dist(name, params, size, dtype, ctx, device, out):
    dt = _float_dtype(f"np.random.{name}", dtype)
    return _finish(_ops.draw(name, _gen(), params, size, dt), name, ctx, device, out)


# ---- continuous distributions (reparameterised: differentiable in array parameters) -----------

def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    """Uniform draws in [low, high); d/dlow = 1 - u, d/dhigh = u for the standard draw u."""
    return _dist('uniform', (low, high), size, dtype, ctx, device, out)


def normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    """Normal draws with mean ``loc`` and standard deviation ``scale`` (>= 0)."""
    return _dist('normal', (loc, scale), size, dtype, ctx, device, out)


def lognormal(mean=0.0, sigma=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    """``exp`` of normal draws with mean ``mean`` and standard deviation ``sigma`` (>= 0)."""
    return _dist('lognormal', (mean, sigma), size, dtype, ctx, device, out)


def logistic(loc=0.0, scale=1.0, size=None, ctx=None, out=None, device=None):
    """Logistic draws with location ``loc`` and scale ``scale`` (>= 0); float32."""
    return _dist('logistic', (loc, scale), size, None, ctx, device, out)


def gumbel(loc=0.0, scale=1.0, size=None, ctx=None, out=None, device=None):
    """Gumbel draws with mode ``loc`` and scale ``scale`` (>= 0); float32."""
    return _dist('gumbel', (loc, scale), size, None, ctx, device, out)


def exponential(scale=1.0, size=None, ctx=None, out=None, device=None):
    """Exponential draws with scale ``scale`` = 1 / rate (>= 0); float32."""
    return _dist('exponential', (scale,), size, None, ctx, device, out)


def rayleigh(scale=1.0, size=None, ctx=None, out=None, device=None):
    """Rayleigh draws with scale (mode) ``scale`` (>= 0); float32."""
    return _dist('rayleigh', (scale,), size, None, ctx, device, out)


def weibull(a, size=None, ctx=None, out=None, device=None):
    """One-parameter Weibull draws ``E ** (1 / a)`` (E standard exponential, a > 0); float32."""
    return _dist('weibull', (a,), size, None, ctx, device, out)


def pareto(a, size=None, ctx=None, out=None, device=None):
    """Pareto II (Lomax) draws with shape ``a`` > 0 (``expm1(E / a)``); float32."""
    return _dist('pareto', (a,), size, None, ctx, device, out)


def power(a, size=None):
    """Draws in [0, 1] with density ``a x**(a-1)`` (a > 0); float32.

    MXNet 1.9.1 gives a zero gradient here; this follows the math (d/da = -y log(u) / a^2)."""
    return _dist('power', (a,), size, None, None, None, None)


def gamma(shape, scale=1.0, size=None, dtype=None, ctx=None, out=None, device=None):
    """Gamma draws with ``shape`` > 0 and ``scale`` > 0 (``size`` defaults to ``out``'s shape).

    Differentiable in ``scale`` (d/dscale = y / scale) and, by implicit
    reparameterisation, in ``shape`` (first order; MXNet 1.9.1 gives zero for both)."""
    if out is not None and size is None:
        size = out.shape
    return _dist('gamma', (shape, scale), size, dtype, ctx, device, out)


def _shape_of(v):
    return v.shape if isinstance(v, _ndarray) else _onp.shape(v)


def beta(a, b, size=None, dtype=None, ctx=None, device=None):
    """Beta(a, b) draws as X / (X + Y), X ~ Gamma(a), Y ~ Gamma(b), in float64, cast to dtype.

    Differentiable in array ``a``/``b`` through ``gamma``'s shape gradient (MXNet 1.9.1: zero)."""
    where = 'np.random.beta'
    dt = _float_dtype(where, dtype)
    shape = _ops.out_shape(where, size, [_shape_of(a), _shape_of(b)])
    x = _ops.draw('gamma', _gen(), (a, 1.0), shape, _onp.float64)
    y = _ops.draw('gamma', _gen(), (b, 1.0), shape, _onp.float64)
    r = x / (x + y)
    return _finish(r if r.dtype == dt else r.astype(dt), 'beta', ctx, device)


def chisquare(df, size=None, dtype=None, ctx=None, device=None):
    """Chi-square draws with ``df`` > 0 degrees of freedom: Gamma(df / 2, scale 2).

    MXNet 1.9.1 draws Gamma(df / 2, scale 1/2) (mean df / 4, a defect); this follows
    the definition (mean df, variance 2 df).  Differentiable in an array ``df`` (first order)."""
    dt = _float_dtype('np.random.chisquare', dtype)
    half = df * 0.5 if isinstance(df, _ndarray) else _onp.asarray(df, dtype=_onp.float64) * 0.5
    if not _onp.all(_onp.asarray(half._data if isinstance(half, _ndarray) else half) > 0):
        raise ValueError(f"np.random.chisquare: df must be > 0, got {df!r}")
    return _finish(_ops.draw('gamma', _gen(), (half, 2.0), size, dt), 'chisquare', ctx, device)


def multivariate_normal(mean, cov, size=None, check_valid=None, tol=None):
    """Draws from N(mean, cov), batched: ``mean`` (..., N) and ``cov`` (..., N, N) broadcast.

    The result has shape ``size + broadcast(mean.shape, cov.shape[:-1])`` and mean's float
    dtype (float32 for lists).  ``y = mean + A z`` with A = U sqrt(S) from the SVD of cov
    (NumPy's factor, LAPACK).  Differentiable in ``mean``; a gradient with respect to
    ``cov`` raises NotImplementedError (MXNet 1.9.1 has neither)."""
    where = 'np.random.multivariate_normal'
    for k, v in (('check_valid', check_valid), ('tol', tol)):
        if v is not None:
            raise NotImplementedError(f"{where}: {k} is not supported (nor by MXNet 1.9.1)")
    m = mean if isinstance(mean, _ndarray) else _wrap(_onp.asarray(mean, _dtypes.DEFAULT))
    c = cov if isinstance(cov, _ndarray) else _wrap(_onp.asarray(cov, _dtypes.DEFAULT))
    if m.ndim < 1 or c.ndim < 2 or c.shape[-1] != c.shape[-2] or c.shape[-1] != m.shape[-1]:
        raise _ShapeError(f"{where}: mean must be (..., N) and cov (..., N, N), got shapes "
                          f"{m.shape} and {c.shape}")
    batch = _ops.out_shape(where, None, [m.shape, c.shape[:-1]])
    lead = () if size is None else ((int(size),) if isinstance(size, (int, _onp.integer))
                                    else tuple(size))
    z = _gen().standard_normal(lead + batch)
    dt = m.dtype if m.dtype.kind == 'f' else _dtypes.DEFAULT
    return _ops.mvn_apply(m, c, z, dt)


# ---- discrete draws ----------------------------------------------------------------------------

def randint(low, high=None, size=None, dtype=None, ctx=None, out=None, device=None):
    """Integers in [low, high) (in [0, low) without ``high``); int64 by default."""
    dt = _onp.int64 if dtype is None else _dtypes.check(dtype)
    _drawn('randint')
    r = _wrap(_onp.asarray(_gen().integers(low, high, _size(size)), dtype=dt))
    return _finish(r, 'randint', ctx, device, out)


def _probabilities(where, p, n):
    q = _onp.asarray(p._data if isinstance(p, _ndarray) else p, dtype=_onp.float64)
    if q.ndim != 1 or (n is not None and q.shape[0] != n):
        raise _ShapeError(f"{where}: p must be 1-D" + ("" if n is None else f" of length {n}")
                          + f", got shape {q.shape}")
    if _onp.any(~(q >= 0)) or _onp.any(q > 1):
        raise ValueError(f"{where}: probabilities must be in [0, 1], got {q.tolist()}")
    return q


def choice(a, size=None, replace=True, p=None, ctx=None, out=None, device=None):
    """A sample of ``arange(a)`` (int64) or of the rows of array ``a`` (differentiable in it).

    ``replace=False`` samples without repetition; ``p`` gives each entry's probability."""
    where = 'np.random.choice'
    if isinstance(a, _ndarray):
        if a.ndim == 0:
            raise ValueError(f"{where}: a must be an int or an array of at least 1 dimension")
        n = a.shape[0]
    elif isinstance(a, (int, _onp.integer)) and not isinstance(a, bool):
        n = int(a)
    else:
        raise TypeError(f"{where}: a must be an int or an array, got {type(a).__name__}")
    if n <= 0:
        raise ValueError(f"{where}: a must be positive (an int > 0 or a non-empty array)")
    q = None
    if p is not None:
        q = _probabilities(where, p, n)
        if abs(q.sum() - 1.0) > 1e-5:
            raise ValueError(f"{where}: probabilities p must sum to 1, got {q.sum()!r}")
        q = q / q.sum()
    count = int(_onp.prod(_size(size)))
    if not replace and count > n:
        raise ValueError(f"{where}: cannot take {count} samples from {n} without replacement")
    _drawn('choice')
    idx = _gen().choice(n, size, replace, q)
    if isinstance(a, _ndarray):
        return _finish(a[_onp.asarray(idx, dtype=_onp.int64)], 'choice', ctx, device, out)
    return _finish(_wrap(_onp.asarray(idx, dtype=_onp.int64)), 'choice', ctx, device, out)


def multinomial(n, pvals, size=None):
    """Counts of ``n`` trials over ``len(pvals)`` outcomes, shape ``size + (len(pvals),)``; int64."""
    where = 'np.random.multinomial'
    if isinstance(n, bool) or not isinstance(n, (int, _onp.integer)) or n < 0:
        raise ValueError(f"{where}: n must be an int >= 0, got {n!r}")
    q = _probabilities(where, pvals, None)
    if abs(q.sum() - 1.0) > 1e-5:
        raise ValueError(f"{where}: pvals must sum to 1, got {q.sum()!r}")
    q = q / q.sum()
    _drawn('multinomial')
    return _wrap(_onp.asarray(_gen().multinomial(int(n), q, size), dtype=_onp.int64))


def shuffle(x):
    """Shuffle an array in place along its first axis."""
    if not isinstance(x, _ndarray):
        raise TypeError(f"np.random.shuffle: x must be an autodiff array, got {type(x).__name__}")
    _drawn('shuffle')
    _gen().shuffle(x._data)


# ---- shortcuts ----------------------------------------------------------------------------------

def randn(*size, **kwargs):
    """Standard normal draws of shape ``size`` (keywords as ``normal``'s: dtype, ctx ...)."""
    return normal(0.0, 1.0, size=size, **kwargs)


def rand(*size, **kwargs):
    """Uniform [0, 1) draws of shape ``size`` (keywords as ``uniform``'s: dtype, ctx ...)."""
    return uniform(0.0, 1.0, size=size, **kwargs)


__all__ = ['seed', 'uniform', 'normal', 'lognormal', 'logistic', 'gumbel', 'exponential',
           'rayleigh', 'weibull', 'pareto', 'power', 'gamma', 'beta', 'chisquare',
           'multivariate_normal', 'randint', 'choice', 'multinomial', 'shuffle', 'randn', 'rand']


def __dir__():
    return __all__

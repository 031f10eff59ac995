"""``autodiff.init``: parameter initialisers, as MXNet 1.9.1's ``mxnet.init``.

An initialiser is called as ``init(desc, arr)``: ``desc`` is an ``InitDesc`` (a ``str``
subclass holding the parameter's name, plus ``attrs``) and ``arr`` the array to fill in
place.  The name's suffix picks the rule, as in MXNet: ``*weight`` gets ``_init_weight``
(the initialiser's own distribution), ``*bias`` and ``*beta`` zeros, ``*gamma`` ones; a
parameter created with its own ``init`` (``attrs['__init__']``) uses that initialiser's
``_init_weight`` whatever its name.  Draws come from ``autodiff.np.random`` (seed it with
``np.random.seed``).
"""
import json
import re

import numpy as _onp

from . import random as _random
from . import versions as _versions
from .ndarray import ndarray
from .tape import tick as _tick

__all__ = ['InitDesc', 'Initializer', 'Zero', 'One', 'Constant', 'Uniform', 'Normal',
           'Orthogonal', 'Xavier', 'MSRAPrelu', 'Bilinear', 'Mixed', 'Load', 'create',
           'register']

_REGISTRY = {}


def register(klass):
    """Register an initialiser class under its lower-cased name (for ``create``)."""
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def _alias(*names):
    def deco(klass):
        for n in names:
            _REGISTRY[n] = klass
        return klass
    return deco


def create(init, **kwargs):
    """An initialiser from an instance, a registered name ('zeros', 'xavier', ...) or a
    JSON dump (``Initializer.dumps()``)."""
    if isinstance(init, Initializer) or callable(init) and not isinstance(init, str):
        return init
    if isinstance(init, str):
        if init.startswith('['):
            name, kw = json.loads(init)
            return _REGISTRY[name](**kw)
        key = init.lower()
        if key not in _REGISTRY:
            raise ValueError(f"unknown initializer {init!r}; known: {sorted(_REGISTRY)}")
        return _REGISTRY[key](**kwargs)
    raise TypeError(f"an initializer must be an Initializer or its name, got "
                    f"{type(init).__name__}")


class InitDesc(str):
    """A parameter's name with its attributes (``attrs['__init__']``: its own initialiser)."""

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


class Initializer:
    """Base class: dispatches on the parameter name's suffix (see the module docstring)."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs

    def dumps(self):
        """``'["name", {kwargs}]'``: enough to ``create`` it again."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._kwargs.items())})"

    def __call__(self, desc, arr):
        """Fill ``arr`` (an autodiff array) in place for parameter ``desc``."""
        if not isinstance(arr, ndarray):
            raise TypeError(f"initializer: arr must be an autodiff array, got "
                            f"{type(arr).__name__}")
        if not isinstance(desc, InitDesc):
            desc = InitDesc(str(desc))
        if desc.global_init is None:
            desc.global_init = self
        own = desc.attrs.get('__init__', '')
        if own:
            create(own)._init_weight(desc, arr)
        elif desc.endswith('weight'):
            self._init_weight(desc, arr)
        elif desc.endswith('bias'):
            self._init_bias(desc, arr)
        elif desc.endswith('gamma'):
            self._init_gamma(desc, arr)
        elif desc.endswith('beta'):
            self._init_beta(desc, arr)
        elif desc.endswith('min'):
            self._init_zero(desc, arr)
        elif desc.endswith('max'):
            self._init_one(desc, arr)
        else:
            self._init_default(desc, arr)

    def _set(self, arr, values):
        """Write ``values`` into ``arr``'s buffer (an in-place write, stamped as one)."""
        _onp.copyto(arr._data, _onp.asarray(values), casting='unsafe')
        _versions.stamp(arr._data, _tick())

    def _init_zero(self, _, arr):
        self._set(arr, 0)

    def _init_one(self, _, arr):
        self._set(arr, 1)

    _init_bias = _init_zero
    _init_beta = _init_zero
    _init_gamma = _init_one

    def _init_weight(self, name, arr):
        raise NotImplementedError(f"{type(self).__name__} does not initialise weights")

    def _init_default(self, name, arr):
        raise ValueError(
            f"Unknown initialization pattern for {name}. Default initialization is now "
            "limited to \"weight\", \"bias\", \"gamma\" (1.0), and \"beta\" (0.0).Please "
            "use mx.sym.Variable(init=mx.init.*) to set initialization pattern")


@register
@_alias('zeros')
class Zero(Initializer):
    """Fills with 0."""

    def _init_weight(self, _, arr):
        self._set(arr, 0)


@register
@_alias('ones')
class One(Initializer):
    """Fills with 1."""

    def _init_weight(self, _, arr):
        self._set(arr, 1)


@register
class Constant(Initializer):
    """Fills with ``value`` (a scalar or an array of the parameter's shape)."""

    def __init__(self, value):
        v = value.tolist() if hasattr(value, 'tolist') else value
        super().__init__(value=v)
        self.value = value

    def _init_weight(self, _, arr):
        v = self.value._data if isinstance(self.value, ndarray) else self.value
        self._set(arr, _onp.broadcast_to(_onp.asarray(v), arr.shape))


@register
class LSTMBias(Initializer):
    """Zeros, except ``forget_bias`` (default 1.0) on the forget gate: the second quarter of an
    LSTM bias, MXNet's gate order being input, forget, cell, output."""

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, _, arr):
        n = arr.shape[0] // 4
        values = _onp.zeros(arr.shape)
        values[n:2 * n] = self.forget_bias
        self._set(arr, values)


@register
class Uniform(Initializer):
    """Uniform draws in ``[-scale, scale]`` (default 0.07, as MXNet)."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        self._set(arr, _random.uniform(-self.scale, self.scale, arr.shape)._data)


@register
class Normal(Initializer):
    """Normal draws with mean 0 and standard deviation ``sigma`` (default 0.01)."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        self._set(arr, _random.normal(0, self.sigma, arr.shape)._data)


@register
class Orthogonal(Initializer):
    """A scaled orthogonal matrix (Saxe et al.): SVD of a random ``(out, prod(rest))``."""

    def __init__(self, scale=1.414, rand_type='uniform'):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout = arr.shape[0]
        nin = int(_onp.prod(arr.shape[1:]))
        if self.rand_type == 'uniform':
            tmp = _random.uniform(-1.0, 1.0, (nout, nin))._data.astype(_onp.float64)
        elif self.rand_type == 'normal':
            tmp = _random.normal(0.0, 1.0, (nout, nin))._data.astype(_onp.float64)
        else:
            raise ValueError(f"Orthogonal: rand_type must be 'uniform' or 'normal', got "
                             f"{self.rand_type!r}")
        u, _s, v = _onp.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        self._set(arr, self.scale * res.reshape(arr.shape))


def _fans(name, shape, what):
    if len(shape) < 2:
        raise ValueError(f"{what} initializer cannot be applied to vector {name}. It requires "
                         "at least 2D.")
    hw = float(_onp.prod(shape[2:])) if len(shape) > 2 else 1.0
    return shape[1] * hw, shape[0] * hw


@register
class Xavier(Initializer):
    """Glorot: uniform in ``[-c, c]`` (or normal with std ``c``), ``c = sqrt(magnitude /
    factor)``, factor ``(fan_in + fan_out) / 2`` ('avg'), ``fan_in`` or ``fan_out``."""

    def __init__(self, rnd_type='uniform', factor_type='avg', magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        fan_in, fan_out = _fans(name, arr.shape, 'Xavier')
        factor = {'avg': (fan_in + fan_out) / 2.0, 'in': fan_in, 'out': fan_out}.get(
            self.factor_type)
        if factor is None:
            raise ValueError("Incorrect factor type")
        scale = _onp.sqrt(self.magnitude / factor)
        if self.rnd_type == 'uniform':
            self._set(arr, _random.uniform(-scale, scale, arr.shape)._data)
        elif self.rnd_type == 'gaussian':
            self._set(arr, _random.normal(0, scale, arr.shape)._data)
        else:
            raise ValueError("Unknown random type")


@register
class MSRAPrelu(Xavier):
    """He initialisation for PReLU: Xavier 'gaussian' with magnitude ``2 / (1 + slope**2)``."""

    def __init__(self, factor_type='avg', slope=0.25):
        magnitude = 2. / (1 + slope ** 2)
        super().__init__('gaussian', factor_type, magnitude)
        self._kwargs = {'factor_type': factor_type, 'slope': slope}


@register
class Bilinear(Initializer):
    """Bilinear-upsampling weights (for a ``Conv2DTranspose``), as MXNet's formula."""

    def _init_weight(self, _, arr):
        shape = arr.shape
        n = int(_onp.prod(shape))
        weight = _onp.zeros(n, dtype='float32')
        f = _onp.ceil(shape[3] / 2.)
        c = (2 * f - 1 - f % 2) / (2. * f)
        for i in range(n):
            x = i % shape[3]
            y = (i // shape[3]) % shape[2]
            weight[i] = (1 - abs(x / f - c)) * (1 - abs(y / f - c))
        self._set(arr, weight.reshape(shape))


class Mixed:
    """The first initialiser whose regex ``match``es the parameter name fills it."""

    def __init__(self, patterns, initializers):
        if len(patterns) != len(initializers):
            raise ValueError("Mixed: patterns and initializers must have the same length")
        self.map = list(zip([re.compile(p) for p in patterns],
                            [create(i) for i in initializers]))

    def __call__(self, name, arr):
        """Fill ``arr`` with the first matching initialiser."""
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError(f"Parameter name {name} did not match any pattern. Consider add a "
                         "\".*\" pattern at the and with default Initializer.")


class Load:
    """Initialise from a dict of arrays by name (``arg:``/``aux:`` prefixes dropped)."""

    def __init__(self, param, default_init=None, verbose=False):
        self.param = {(k[4:] if k.startswith(('arg:', 'aux:')) else k): v
                      for k, v in param.items()}
        self.default_init = default_init

    def __call__(self, name, arr):
        """Copy the stored array named ``name`` into ``arr`` (or use ``default_init``)."""
        if name in self.param:
            v = _onp.asarray(self.param[name])
            if v.shape != arr.shape:
                raise ValueError(f"Parameter {name} cannot be initialized from loading. Shape "
                                 f"mismatch, target {arr.shape} vs loaded {v.shape}")
            _onp.copyto(arr._data, v, casting='unsafe')
        elif self.default_init is None:
            raise ValueError(f"Cannot Initialize {name}. Not found in loaded param and no "
                             "default Initializer is provided.")
        else:
            self.default_init(name, arr)

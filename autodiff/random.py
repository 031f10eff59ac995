"""``np.random``: seedable draws returned as float32 arrays (MXNet's default dtype)."""
import numpy as _onp

from . import dtypes as _dtypes
from ._state import state as _state
from .ndarray import wrap as _wrap
from .device import place as _place

_rng = _onp.random.default_rng()


def seed(seed=None):
    """Reseed the generator, so draws repeat."""
    global _rng
    _rng = _onp.random.default_rng(seed)


def _size(size):
    return () if size is None else size


def _drawn(name):
    if _state.tracer is not None:      # an autograd.compile recording: a replay would repeat it
        _state.tracer.on_draw(name)


def _out(values, dtype):
    dt = _dtypes.DEFAULT if dtype is None else _dtypes.check(dtype)
    return _wrap(_onp.asarray(values, dtype=dt))


def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, device=None):
    """Uniform draws in [low, high)."""
    _drawn('uniform')
    return _place(_out(_rng.uniform(_unwrap(low), _unwrap(high), _size(size)), dtype),
                 'random.uniform', ctx, device)


def normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, device=None):
    """Normal draws with mean ``loc`` and standard deviation ``scale``."""
    _drawn('normal')
    return _place(_out(_rng.normal(_unwrap(loc), _unwrap(scale), _size(size)), dtype),
                 'random.normal', ctx, device)


def randn(*size):
    """Standard normal draws of the given shape."""
    _drawn('randn')
    return _out(_rng.standard_normal(size), None)


def rand(*size):
    """Uniform [0, 1) draws of the given shape."""
    _drawn('rand')
    return _out(_rng.random(size), None)


def randint(low, high=None, size=None, dtype=None, ctx=None, device=None):
    """Integers in [low, high) (int64 by default)."""
    dt = _onp.int64 if dtype is None else _dtypes.check(dtype)
    _drawn('randint')
    return _place(_wrap(_onp.asarray(_rng.integers(low, high, _size(size)), dtype=dt)),
                  'random.randint', ctx, device)


def shuffle(x):
    """Shuffle an array in place along its first axis."""
    _drawn('shuffle')
    _rng.shuffle(x._data)


def _unwrap(v):
    return v._data if hasattr(v, '_data') else v


__all__ = ['seed', 'uniform', 'normal', 'randn', 'rand', 'randint', 'shuffle']


def __dir__():
    return __all__

"""``autodiff.util`` (``mx.util``): the numpy-mode switches and helpers of MXNet 1.9.1's
``mxnet.util`` that a learner meets.

autodiff has only numpy mode: NumPy shape semantics (0-d and zero-size arrays are real
shapes) and NumPy arrays are always on.  So ``set_np()`` / ``use_np`` / ``np_shape()``
... are accepted and change nothing, the queries answer True, and asking to switch numpy
mode *off* (``set_np_shape(False)``, ``np_array(False)``, ``set_np(shape=False)``) raises
``NotImplementedError`` (MXNet's legacy ``mx.nd`` mode does not exist here).
``getenv`` / ``setenv`` read and write the process environment (MXNet's go through its C
library's copy of it).  Imported on first use of ``mx.util``.
"""
import contextlib
import functools
import inspect
import os

import numpy as _onp

from . import npx
from .errors import DeviceError

__all__ = ['set_np', 'reset_np', 'set_np_shape', 'is_np_array', 'is_np_shape', 'np_array',
           'np_shape', 'use_np', 'use_np_array', 'use_np_shape', 'set_module', 'getenv',
           'setenv', 'get_gpu_count', 'get_gpu_memory', 'np_ufunc_legal_option',
           'wrap_np_unary_func', 'wrap_np_binary_func']

_LEGACY = ("autodiff has only numpy mode ({what}); MXNet's legacy mx.nd semantics are not "
           "implemented")


def set_np(shape=True, array=True, dtype=False):
    """Numpy shape and array semantics (always on here; ``npx.set_np``).  ``shape=False``
    or ``array=False`` would switch them off: NotImplementedError."""
    if not shape or not array:
        raise NotImplementedError(_LEGACY.format(what=f"set_np(shape={shape!r}, "
                                                      f"array={array!r})"))
    return npx.set_np(shape=shape, array=array, dtype=dtype)


def reset_np():
    """Accepted for compatibility (``npx.reset_np``): numpy mode stays on."""
    return npx.reset_np()


def is_np_array():
    """True: arrays are numpy-mode arrays (``npx.is_np_array``)."""
    return npx.is_np_array()


def is_np_shape():
    """True: numpy shape semantics are on (``npx.is_np_shape``)."""
    return npx.is_np_shape()


def set_np_shape(active):
    """Turn numpy shape semantics on (a no-op here); returns the previous state (True).
    ``active=False``: NotImplementedError."""
    if not active:
        raise NotImplementedError(_LEGACY.format(what="set_np_shape(False)"))
    return True


@contextlib.contextmanager
def _numpy_scope(active, what):
    if not active:
        raise NotImplementedError(_LEGACY.format(what=f"{what}(active=False)"))
    yield


def np_shape(active=True):
    """``with np_shape():`` — a scope with numpy shape semantics (always on here)."""
    return _numpy_scope(active, 'np_shape')


def np_array(active=True):
    """``with np_array():`` — a scope with numpy array semantics (always on here)."""
    return _numpy_scope(active, 'np_array')


def _decorator(name):
    def decorate(func):
        if not (inspect.isclass(func) or callable(func)):
            raise TypeError(f'{name} can only decorate classes and callable objects, while '
                            f'received a {type(func)}')
        return func     # numpy semantics are always active: nothing to scope
    decorate.__name__ = name
    decorate.__doc__ = (f"``@{name}``: run a function or class (every method) with numpy "
                        "semantics.  They are always on here, so ``func`` is returned "
                        "unchanged; a non-callable is a TypeError, as in MXNet.")
    return decorate


use_np = _decorator('use_np')
use_np_array = _decorator('use_np_array')
use_np_shape = _decorator('use_np_shape')


def set_module(module):
    """Decorator setting ``__module__`` of a function or class to ``module``."""
    def decorator(func):
        if module is not None:
            func.__module__ = module
        return func
    return decorator


def getenv(name):
    """The value of environment variable ``name``, or None when it is not set."""
    return os.environ.get(name)


def setenv(name, value):
    """Set environment variable ``name`` to ``value`` (a str); None unsets it."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


def get_gpu_count():
    """0: this library runs on the CPU only."""
    return 0


def get_gpu_memory(gpu_dev_id):
    """GPU memory of device ``gpu_dev_id``: there is no GPU here (DeviceError)."""
    raise DeviceError(f"get_gpu_memory({gpu_dev_id!r}): there is no GPU here (autodiff runs "
                      "on the CPU only)")


# the ufunc keywords MXNet's numpy ufuncs accept, with the values they implement
_np_ufunc_default_kwargs = {'where': True, 'casting': 'same_kind', 'order': 'K',
                            'dtype': None, 'subok': True}


def np_ufunc_legal_option(key, value):
    """Whether ``key=value`` is a legal NumPy ufunc keyword argument (MXNet's rule)."""
    if key == 'where':
        return True
    if key == 'casting':
        return value in {'no', 'equiv', 'safe', 'same_kind', 'unsafe'}
    if key == 'order':
        return isinstance(value, str)
    if key == 'dtype':
        return value in {_onp.int8, _onp.uint8, _onp.int32, _onp.int64, _onp.float16,
                         _onp.float32, _onp.float64, 'int8', 'uint8', 'int32', 'int64',
                         'float16', 'float32', 'float64'}
    if key == 'subok':
        return isinstance(value, bool)
    return False


def _check_ufunc_kwargs(func, kwargs):
    for key, value in kwargs.items():
        if key not in _np_ufunc_default_kwargs:
            raise TypeError(f"{key} is an invalid keyword to function '{func.__name__}'")
        if value != _np_ufunc_default_kwargs[key]:
            if np_ufunc_legal_option(key, value):
                raise NotImplementedError(f"{key}={value} is not implemented yet for "
                                          f"operator {func.__name__}")
            raise TypeError(f"{key}={value} not understood for operator {func.__name__}")


def wrap_np_unary_func(func):
    """Wrap a unary ``func(x, out=None)`` so NumPy's ufunc keywords (``where``,
    ``casting``, ``order``, ``dtype``, ``subok``) at their defaults are accepted, a legal
    other value raises NotImplementedError and anything else TypeError (MXNet's rule)."""
    @functools.wraps(func)
    def _wrap_np_unary_func(x, out=None, **kwargs):
        _check_ufunc_kwargs(func, kwargs)
        return func(x, out=out)
    return _wrap_np_unary_func


def wrap_np_binary_func(func):
    """``wrap_np_unary_func`` for a binary ``func(x1, x2, out=None)``."""
    @functools.wraps(func)
    def _wrap_np_binary_func(x1, x2, out=None, **kwargs):
        _check_ufunc_kwargs(func, kwargs)
        return func(x1, x2, out=out)
    return _wrap_np_binary_func

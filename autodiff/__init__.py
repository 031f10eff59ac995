"""autodiff: MXNet's ``np`` / ``npx`` / ``autograd`` API on Numba kernels, with the tape as a graph.

    from autodiff import np, npx, autograd
    import autodiff as mx          # mx.gluon, mx.init, mx.optimizer, mx.lr_scheduler,
                                   # mx.metric, mx.nd, mx.test_utils, mx.util, mx.image, mx.io —
                                   # imported on first use; mx.np, mx.npx, mx.autograd,
                                   # mx.random, mx.cpu()

``autodiff.numpy`` and ``autodiff.numpy_extension`` are ``np`` and ``npx`` under MXNet's
module names (``import autodiff.numpy``, ``import autodiff.numpy.random`` work, as
``mxnet.numpy`` does): the same module objects, registered in ``sys.modules``.
"""
import importlib as _importlib
import sys as _sys
import types as _types

from . import np, npx, autograd  # noqa: F401
from .ndarray import ndarray  # noqa: F401
from .errors import (AutodiffError, ShapeError, DTypeError, AxisError, GraphError,  # noqa: F401
                     FunctionError, AnomalyError)
from . import device as context  # noqa: F401   (mx.context, as MXNet's module)
from .device import Context, cpu, gpu, cpu_pinned, current_context, num_gpus  # noqa: F401

__version__ = '0.1.0'

# Gluon and its companions load lazily, so ``import autodiff`` stays as fast as before.
_LAZY_MODULES = {'gluon': '.gluon', 'init': '.init', 'initializer': '.init',
                 'optimizer': '.optimizer', 'lr_scheduler': '.lr_scheduler',
                 'metric': '.metric', 'nd': '.nd', 'test_utils': '.test_utils',
                 'util': '.util', 'image': '.image', 'img': '.image', 'io': '.io'}

# MXNet's module names of np and npx (mxnet.numpy, mxnet.numpy_extension) and their submodules
numpy, numpy_extension = np, npx
for _alias, _mod in (('numpy', np), ('numpy_extension', npx)):
    _sys.modules[f'{__name__}.{_alias}'] = _mod
    for _sub, _obj in vars(_mod).items():
        if (isinstance(_obj, _types.ModuleType) and not _sub.startswith('_')
                and _obj.__name__.startswith(__name__)):
            _sys.modules[f'{__name__}.{_alias}.{_sub}'] = _obj
del _alias, _mod, _sub, _obj
_LAZY_ATTRS = {}


def __getattr__(name):
    if name in _LAZY_MODULES:
        mod = _importlib.import_module(_LAZY_MODULES[name], __name__)
        globals()[name] = mod
        return mod
    if name in _LAZY_ATTRS:
        path, attr = _LAZY_ATTRS[name]
        value = getattr(_importlib.import_module(path, __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'autodiff' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY_MODULES) + list(_LAZY_ATTRS))

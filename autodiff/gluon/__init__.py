"""``autodiff.gluon``: MXNet 1.9.1's Gluon on the eager ``np``/``npx`` API.

Blocks and Parameters (``Block``, ``HybridBlock``, ``Parameter``, ``ParameterDict``),
layers (``nn``), recurrent layers and cells (``rnn``), losses (``loss``), ``Trainer``, data loading (``data``), metrics
(``metric``) and helpers (``utils``); ``model_zoo`` (MXNet's predefined networks) is
imported on first use.
"""
import importlib as _importlib

from .parameter import Parameter, Constant, DeferredInitializationError  # noqa: F401
from .parameter_dict import ParameterDict  # noqa: F401
from .block import Block  # noqa: F401
from .hybrid import HybridBlock  # noqa: F401
from .symbol_block import SymbolBlock  # noqa: F401
from . import nn, rnn, loss, data, utils, metric  # noqa: F401
from .trainer import Trainer  # noqa: F401


def __getattr__(name):
    if name == 'model_zoo':     # lazily: ``import autodiff.gluon`` does not build the zoo
        mod = _importlib.import_module('.model_zoo', __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'autodiff.gluon' has no attribute {name!r}")

"""``autodiff.npx``: MXNet's extensions to the numpy namespace (activations, mode switches)."""
import numpy as _onp

from .ops.unary import relu, sigmoid  # noqa: F401
from .ops.nn import softmax, log_softmax  # noqa: F401
from .ops.norm import batch_norm, layer_norm, instance_norm, group_norm  # noqa: F401
from .ops.dropout import dropout  # noqa: F401
from .ops.dense import fully_connected, batch_dot, batch_flatten, embedding  # noqa: F401
from .ops.npx_index import pick, topk, gather_nd, sequence_mask, one_hot, nonzero  # noqa: F401
from .ops.npx_shape import (reshape, reshape_like, slice, cast, arange_like,  # noqa: F401
                            shape_array)
from .ops.activation import activation, leaky_relu, smooth_l1  # noqa: F401
from .ops.special import erf, erfinv, gamma, gammaln  # noqa: F401
from .ops.rnn import rnn  # noqa: F401
from .ops.conv import convolution, deconvolution  # noqa: F401
from .ops.pool import pooling  # noqa: F401
from .ops.detection import (multibox_prior, multibox_target, multibox_detection,  # noqa: F401
                            roi_pooling)
from .device import (Context, Device, cpu, gpu, cpu_pinned, current_context,  # noqa: F401
                     current_device, num_gpus, gpu_memory_info)
from .serialize import save, load  # noqa: F401
from .ops.interop import from_dlpack  # noqa: F401  (MXNet 2.x's npx.from_dlpack)
from .ops.core import nondiff as _nondiff, wrap as _wrap
from .ops.convert import as_array as _as_array
from .errors import DTypeError as _DTypeError
from . import _mxargs


def set_np(shape=True, array=True, dtype=False):
    """Numpy mode (the only mode here): default dtype float32, numpy shape semantics."""
    if dtype:
        raise NotImplementedError("set_np(dtype=True) (float64 default) is not supported; "
                                  "pass dtype= explicitly")


def reset_np():
    """Accepted for compatibility; numpy mode stays on."""


def is_np_array():
    """Always True: arrays here are numpy-mode arrays."""
    return True


def is_np_shape():
    """Always True: numpy shape semantics (0-d and zero-size arrays are real shapes)."""
    return True


def constraint_check(x, msg='Constraint violated.'):
    """``array(True)`` when every element of bool array ``x`` is True, else ValueError(msg)
    (MXNet 1.9.1; not differentiable).  ``x`` must have dtype bool."""
    a = _as_array(x)
    if a.dtype != _onp.bool_:
        raise _DTypeError(f"constraint_check: x must be a bool array (e.g. a comparison), got "
                         f"dtype {a.dtype}")
    if not a._data.all():
        raise ValueError(msg)
    return _nondiff('constraint_check', (a,), _wrap(_onp.array(True)))


def waitall():
    """Everything runs synchronously; nothing to wait for."""


# MXNet 1.9.1's keywords these functions do not implement raise NotImplementedError naming
# them; out= writes the result into an array (the table: autodiff/_mxargs.py)
_mxargs.apply(globals(), _mxargs.NPX, 'npx')

# The public names: MXNet 1.9.1's npx names plus the documented extras
# (tests/test_namespaces.py).  ``dir(npx)`` shows exactly these.
__all__ = sorted(n for n in globals() if not n.startswith('_'))


def __dir__():
    return __all__

"""``autodiff.npx``: MXNet's extensions to the numpy namespace (activations, mode switches)."""
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


def cpu(device_id=0):
    """The only device."""
    return 'cpu(0)'


def num_gpus():
    """No GPU support: 0."""
    return 0


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

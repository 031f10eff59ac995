"""``autodiff.npx``: MXNet's extensions to the numpy namespace (activations, mode switches)."""
from .ops.unary import relu, sigmoid  # noqa: F401
from .ops.nn import softmax, log_softmax  # noqa: F401
from .ops.conv import convolution, deconvolution; from .ops.pool import pooling  # noqa: F401,E702

_np_mode = True


def set_np(shape=True, array=True, dtype=False):
    """Numpy mode (the only mode here): default dtype float32, numpy shape semantics."""
    global _np_mode
    if dtype:
        raise NotImplementedError("set_np(dtype=True) (float64 default) is not supported; "
                              "pass dtype= explicitly")
    _np_mode = True


def reset_np():
    """Accepted for compatibility; numpy mode stays on."""


def is_np_array():
    """Always True: arrays here are numpy-mode arrays."""
    return _np_mode


def cpu(device_id=0):
    """The only device."""
    return 'cpu(0)'


def num_gpus():
    """No GPU support: 0."""
    return 0


def waitall():
    """Everything runs synchronously; nothing to wait for."""

"""Parameters of the sliding-window ops (convolution, deconvolution, pooling), checked once.

Each public op turns MXNet's ``kernel`` / ``stride`` / ``dilate`` / ``pad`` / ``layout``
arguments into tuples with one entry per spatial dimension, or raises an error that
names the argument; the kernels then see 3-D geometry (``to3``).
"""
import numpy as _onp

from ..errors import ShapeError, DTypeError
from .shape import int_tuple, moveaxis

CHANNELS_FIRST = {1: 'NCW', 2: 'NCHW', 3: 'NCDHW'}
CHANNELS_LAST = {1: 'NWC', 2: 'NHWC', 3: 'NDHWC'}
FLOATS = (_onp.dtype(_onp.float32), _onp.dtype(_onp.float64))


def spatial(value, nd, name, arg, default=None, minimum=1):
    """``value`` as a tuple of ``nd`` ints each >= ``minimum``; ``default`` when None/empty."""
    if value is None or (isinstance(value, (tuple, list)) and len(value) == 0):
        if default is None:
            raise ValueError(f"{name}: the parameter {arg} is required")
        return (default,) * nd
    t = int_tuple(value, name, arg)
    if len(t) != nd:
        raise ShapeError(f"{name}: {arg}={t} has {len(t)} entries but the kernel has {nd} "
                         f"spatial dimension{'s' if nd > 1 else ''} (one entry per dimension)")
    for v in t:
        if v < minimum:
            raise ValueError(f"{name}: every entry of {arg} must be >= {minimum}, got {arg}={t}")
    return t


def kernel_dims(kernel, name):
    """The kernel as a tuple of 1 to 3 positive ints (its length sets the dimensionality)."""
    if kernel is None or (isinstance(kernel, (tuple, list)) and len(kernel) == 0):
        raise ValueError(f"{name}: the parameter kernel is required, e.g. kernel=(3, 3)")
    k = int_tuple(kernel, name, 'kernel')
    if not 1 <= len(k) <= 3:
        raise ShapeError(f"{name}: kernel={k} must have 1, 2 or 3 entries (1-D, 2-D, 3-D)")
    return spatial(k, len(k), name, 'kernel')


def check_data(x, nd, name, what='data'):
    """``x`` must be ``(N, C, *spatial)`` with ``nd`` spatial dimensions."""
    if x.ndim != nd + 2:
        raise ShapeError(f"{name}: {what} of shape {x.shape} must be {nd + 2}-D (batch, "
                         f"channel and {nd} spatial dimension{'s' if nd > 1 else ''}) for a "
                         f"{nd}-D kernel")


def channels_last(layout, nd, name, allowed_last=True):
    """True for NWC/NHWC/NDHWC, False for None or NCW/NCHW/NCDHW; an error otherwise."""
    if layout is None:
        return False
    if layout == CHANNELS_FIRST[nd]:
        return False
    if allowed_last and layout == CHANNELS_LAST[nd]:
        return True
    ok = [CHANNELS_FIRST[nd]] + ([CHANNELS_LAST[nd]] if allowed_last else [])
    raise ValueError(f"{name}: layout={layout!r} does not fit a {nd}-D kernel; use None or "
                     + " or ".join(repr(s) for s in ok))


def first(x):
    """Channels-last array to channels-first (recorded: a transpose)."""
    return moveaxis(x, -1, 1)


def last(x):
    """Channels-first array back to channels-last."""
    return moveaxis(x, 1, -1)


def float_dtype(arrays, name):
    """The common float dtype of ``arrays`` (``(argument name, array)``); DTypeError otherwise."""
    dt = arrays[0][1].dtype
    for arg, a in arrays:
        if a.dtype not in FLOATS:
            raise DTypeError(f"{name}: {arg} has dtype {a.dtype}; only float32 and float64 "
                             "are supported")
        if a.dtype != dt:
            raise DTypeError(f"{name}: {arg} has dtype {a.dtype} but {arrays[0][0]} has {dt}; "
                             "the operands must have one dtype")
    return dt


def to3(t, fill):
    """A 1- or 2-tuple padded in front to 3 entries (the kernels' 3-D geometry)."""
    return (fill,) * (3 - len(t)) + tuple(t)


def as5(d):
    """NumPy ``(N, C, *spatial)`` buffer viewed as ``(N, C, D, H, W)``."""
    return d.reshape(d.shape[:2] + (1,) * (5 - d.ndim) + d.shape[2:])

"""``gluon.utils``: ``split_data``, ``split_and_load``, ``clip_global_norm``."""
import math

import numpy as _onp

from .. import np
from ..ndarray import ndarray
from ..optimizer.base import write

__all__ = ['split_data', 'split_and_load', 'clip_global_norm']


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """Split ``data`` into ``num_slice`` slices along ``batch_axis``."""
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(f"data with shape {data.shape} cannot be evenly split into "
                         f"{num_slice} slices along axis {batch_axis}. Use a batch size "
                         "that's multiple of {num_slice} or set even_split=False to allow "
                         "uneven partitioning of data.")
    if num_slice > size:
        raise ValueError(f"Too many slices for data with shape {data.shape}. Arguments are "
                         f"num_slice={num_slice} and batch_axis={batch_axis}.")
    step = size // num_slice
    if num_slice == 1:
        return [data]
    idx = [slice(None)] * data.ndim
    out = []
    for i in range(num_slice):
        idx[batch_axis] = slice(i * step, (i + 1) * step if i < num_slice - 1 else size)
        out.append(data[tuple(idx)])
    return out


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """Split ``data`` into one slice per context (here every context is the CPU)."""
    if not isinstance(data, ndarray):
        data = np.array(data)
    if len(ctx_list) == 1:
        return [data]
    return split_data(data, len(ctx_list), batch_axis, even_split)


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Scale ``arrays`` in place so their joint L2 norm is at most ``max_norm``; returns
    the norm before clipping (a float; NaN/inf warns when ``check_isfinite``)."""
    if not arrays:
        raise ValueError("clip_global_norm: arrays must not be empty")
    total = math.sqrt(sum(float(_onp.sum(a._data.astype(_onp.float64) ** 2)) for a in arrays))
    if check_isfinite and not math.isfinite(total):
        import warnings
        warnings.warn(UserWarning("nan or inf is detected. Clipping results will be "
                                  "undefined."), stacklevel=2)
    scale = max_norm / (total + 1e-8)
    if scale < 1.0:
        for a in arrays:
            write(a, a._data * a._data.dtype.type(scale))
    return total

"""Turning user input (arrays, NumPy arrays, scalars, lists) into ``ndarray``."""
from .. import dtypes
from ..ndarray import ndarray, wrap


def as_array(x, dtype=None):
    """``x`` as an ndarray (no copy when it already is one of the right dtype)."""
    if type(x) is ndarray or isinstance(x, ndarray):
        if dtype is None or x.dtype == dtypes.check(dtype):
            return x
        return x.astype(dtype)
    return wrap(dtypes.to_numpy(x, dtype))
